#!/usr/bin/env bash
# Boot tests of the Xen PV world: build/earlyboot-pv.elf as Xen 4.17's PV
# dom0 in QEMU (-M pc -cpu qemu64, decompressed hypervisor, the boot module
# through -initrd "earlyboot-pv.elf ARGS,MODULE"), Xen's serial console
# and all its logs, dom0_mem per case.
#
# Every case is judged by QEMU's exit status (isa-debug-exit: 33 kernel
# PASS, 35 kernel FAIL, 37 loader error), by the guest's own lines, and by
# the loader's account of its hypercalls: no case may show a failed pin or
# update ("xen backend failed", "hypercalls failed N" with N > 0). A good
# boot has two halves, the loader's (it entered the kernel, no failed
# hypercall) and the kernel's (its verdict); its one result line judges
# both and a FAIL names the half that failed.
#
# One case is not a test of earlyboot: reference:xen-builder-pvstart, the
# start-of-day judge started by Xen's own domain builder, the reference
# that boot:pv-pvstart is compared with (docs/pv.md).
#
#   tests/boot/pv.sh          every case, one PASS/FAIL/SKIP line each
#   tests/boot/pv.sh run      one 64 MiB boot with ptdump: log, verdict, table,
#                             SVG (tests/lib/boot.bash's show_run; make run-pv)
#   tests/boot/pv.sh CASE...  only the named cases (e.g. 32m 1g)
#
# Logs: build/logs/pv-<case>.log. BOOT_JOBS (default 2) boots at once;
# BOOT_TIMEOUT (default 60 s) bounds each. tools/pv-perf reads the logs.
set -u
WORLD=pv
. "$(dirname "$0")/../lib/boot.bash"

PV=build/earlyboot-pv.elf
FIX=build/pv-fixtures
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"

PVSTART=build/pvstart.elf
# `run` (make run-pv) boots the test kernel itself as the module: it needs
# no fixtures, no start-of-day judge, no stock Linux.
if [ "${1:-}" = run ]; then
	need_built "$PV" "$KERNEL"
else
	need_built "$PV" "$KERNEL" "$FIXTURE" "$PVSTART" build/pvstart-low.elf build/pvstart-paddr.elf \
		build/pvstart-nohc.elf build/pvstart-smk.elf
fi
need_qemu
if ! prepare_xen; then
	missing_dep boot:pv "$XEN_GZ" "$XEN_PKG"
	exit
fi
mkdir -p "$LOGS" "$FIX"

# boot NAME DOM0_MEM MODULE ARGS: one run; prints QEMU's exit status.
boot() {
	local name=$1 dmem=$2 module=$3 args=$4 mem=512
	# Xen keeps its own memory besides dom0's: give the machine room.
	case $dmem in 512M) mem=1024 ;; 1G) mem=1536 ;; esac
	qemu_boot "$name" -M pc -cpu qemu64 -m "$mem" \
		-kernel "$XEN" -append "$XEN_ARGS dom0_mem=$dmem,max:$dmem" \
		-initrd "$PV $args${module:+,$module}"
}

# Failed pins or updates the loader reported (it reports every nonzero
# hypercall return itself: Xen's release build prints none). No PV case
# may show one: tests/lib/boot.bash's judge_why asks this for every case.
judge_world_why() {
	local log=$LOGS/pv-$1.log
	if grep -aq 'xen backend failed' "$log"; then
		echo "a failed MMU hypercall"
	else
		grep -aoE 'hypercalls failed [1-9][0-9]*' "$log" | head -n 1
	fi
}

# loader_why NAME STATUS: why the loader's half of a good boot failed, or
# nothing when it printed its stats and entered the kernel.
loader_why() {
	local log=$LOGS/pv-$1.log
	if [ "$2" = 124 ] || [ "$2" = 137 ]; then
		echo "timed out after ${TIMEOUT}s"
	elif ! grep -aqE '^earlyboot: stats pt_frames=[0-9]+ faults=0 resets=0 refusals=[0-9]+ hypercalls=[0-9]+' "$log"; then
		echo "no stats line (status $2)"
	elif ! grep -aq '^earlyboot: entering kernel' "$log"; then
		echo "the loader never entered the kernel"
	fi
}

# judge_good NAME STATUS PATTERN: a good boot's one line: the loader's half
# (loader_why) and the kernel's (status 33, PATTERN the kernel's verdict,
# no error line, no failed hypercall: judge_why); a FAIL names each half
# that failed. PREFIX (default boot:pv-) names a case that is no boot of
# earlyboot (reference:).
judge_good() {
	local name=$1 st=$2 pat=$3 prefix=${4:-boot:pv-} why lw kw
	lw=$(loader_why "$name" "$st")
	kw=$(judge_why "$name" "$st" 33 "$pat")
	[ "$prefix" = reference: ] && lw=
	why=${lw:+loader half: $lw}
	[ -n "$kw" ] && why="${why:+$why; }kernel half: $kw"
	if [ -n "$why" ]; then
		echo "FAIL $prefix$name: $why; last lines: $(tail_of "$LOGS/pv-$name.log" 6)"
	else
		echo "PASS $prefix$name"
	fi
}

run_case() {
	local st
	case $1 in
	32m | 64m | 256m | 1g)
		local m
		m=$(echo "$1" | tr 'mg' 'MG')
		# Good boots dump their tables: tests/tools/audit_boot_logs.sh.
		st=$(boot "$1" "$m" "$KERNEL" "ptdump")
		judge_good "$1" "$st" "$(tk_pass_re pv "")" ;;
	cpio)
		st=$(boot "$1" 64M "$FIX/kernel-initrd.cpio" "ptdump -- $INITRD_ARG")
		judge_good "$1" "$st" "$(tk_pass_re pv "$FIX/tree/initrd")" ;;
	initrd-promised-not-given) # the promise can fail: tk.initrd= but no initrd
		st=$(boot "$1" 64M "$KERNEL" "-- $INITRD_ARG")
		judge "$1" "$st" 35 "^TESTKERNEL: FAIL initrd: tk\.initrd=[0-9]+, but no module named 'initrd' was handed over" ;;
	defect-magic | defect-tables | defect-spare | defect-template)
		# Each breaks one promise; the check named after it must fail.
		local d=${1#defect-} check
		case $d in
		magic) check=header ;;
		spare | template) check=pv-$d ;; # the PV-only promises
		*) check=$d ;;
		esac
		st=$(boot "$1" 64M "$KERNEL" "defect=$d")
		judge "$1" "$st" 35 "^TESTKERNEL: FAIL $check: " ;;
	bad-option)
		st=$(boot "$1" 64M "$KERNEL" "nosuchoption")
		judge "$1" "$st" 37 "^earlyboot: error: command line" 1 ;;
	bad-defect-cpu) # EFER and CR0 are Xen's: nothing for the loader to leave off
		st=$(boot "$1" 64M "$KERNEL" "defect=cpu")
		judge "$1" "$st" 37 '^earlyboot: error: command line \(start_info\.cmd_line\): defect=cpu has no meaning in the pv world \(only in: uefi pvh pvh-xen\)' 1 ;;
	bad-no-module)
		st=$(boot "$1" 64M "" "")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.mod_len: no boot module" 1 ;;
	bad-not-kernel)
		st=$(boot "$1" 64M "$FIX/not-kernel.bin" "")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.mod_start" 1 ;;
	bad-cpio-no-kernel)
		st=$(boot "$1" 64M "$FIX/no-kernel.cpio" "")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.mod_start" 1 ;;
	linux-vmlinux)
		# Stock Linux as dom0 (docs/pv.md, "Chainloading a PV kernel").
		if [ ! -f "$LINUX_MOD" ]; then
			# linux_fixture found no Debian kernel ($LINUX_SKIP).
			missing_dep "boot:pv-$1" "a Debian kernel image (/boot/vmlinuz-*-amd64)" linux-image-amd64
			return
		fi
		local t0=$SECONDS
		# Linux under Xen under TCG: ~10 s here, more on a loaded machine.
		TIMEOUT=${BOOT_TIMEOUT_LINUX:-180}
		st=$(boot "$1" 512M "$LINUX_MOD" "ptdump")
		judge_good "$1" "$st" "^EARLYBOOT-LINUX: PASS pv-linux "
		echo "# boot:pv-$1: $((SECONDS - t0)) s (QEMU, Xen, loader and Linux)" ;;
	linux-bzimage)
		# Debian's bzImage itself, as Xen's builder takes it: the PV world
		# decodes its XZ payload (pv/unpack.c) and boots the vmlinux.
		if [ ! -f "$LINUX_BZ_MOD" ]; then
			missing_dep "boot:pv-$1" "a Debian kernel image (/boot/vmlinuz-*-amd64)" linux-image-amd64
			return
		fi
		TIMEOUT=${BOOT_TIMEOUT_LINUX:-240}
		st=$(boot "$1" 512M "$LINUX_BZ_MOD" "")
		judge_good "$1" "$st" "^EARLYBOOT-LINUX: PASS pv-linux-bzimage "
		grep -aoE '^earlyboot: kernel \(cpio member .kernel., a Linux bzImage\): payload: xz, .* in [0-9]+ ms' \
			"$LOGS/pv-$1.log" | sed 's/^/# boot:pv-linux-bzimage: /' ;;
	bad-bzimage-payload)
		# One byte of the XZ payload flipped: one line naming the format
		# and the offset, no kernel entered.
		if [ ! -f "$FIX/bad-bzimage-payload" ]; then
			missing_dep "boot:pv-$1" "a Debian kernel image (/boot/vmlinuz-*-amd64)" linux-image-amd64
			return
		fi
		TIMEOUT=${BOOT_TIMEOUT_LINUX:-240}
		st=$(boot "$1" 512M "$FIX/bad-bzimage-payload" "")
		judge "$1" "$st" 37 "^earlyboot: error: kernel \(module, a Linux bzImage\): xz: .* at input offset 0x[0-9a-f]+ \(payload at file offset 0x[0-9a-f]+\)" 1 ;;
	linux-guest-type-wrong)
		# The guest_type check can fail: Linux says PV, we claim PVH.
		if [ ! -f "$LINUX_MOD" ]; then
			missing_dep "boot:pv-$1" "a Debian kernel image (/boot/vmlinuz-*-amd64)" linux-image-amd64
			return
		fi
		TIMEOUT=${BOOT_TIMEOUT_LINUX:-180}
		st=$(boot "$1" 512M "$LINUX_MOD" "-- console=hvc0 eb.marker eb.id=$1 eb.guest_type=PVH")
		judge "$1" "$st" 35 "^EARLYBOOT-LINUX: FAIL $1: guest_type=PV!=PVH" ;;
	pvstart)
		# The start-of-day judge, started by earlyboot as a PV kernel.
		st=$(boot "$1" 64M "$FIX/pvstart.cpio" "")
		judge_good "$1" "$st" "^PVSTART: PASS [0-9]+ checks" ;;
	xen-builder-pvstart)
		# The reference, no earlyboot in it: the same judge started by
		# Xen's own domain builder. Named reference:, not boot:pv-.
		st=$(qemu_boot "$1" -M pc -cpu qemu64 -m 512 -kernel "$XEN" \
			-append "$XEN_ARGS dom0_mem=64M,max:64M" \
			-initrd "$PVSTART eb.marker,$FIX/tree/initrd")
		judge_good "$1" "$st" "^PVSTART: PASS [0-9]+ checks" reference: ;;
	pvstart-low | pvstart-paddr | pvstart-nohc)
		# Any PV kernel (docs/pv.md, "Any PV kernel"): the judge with
		# another VIRT_BASE / PADDR_OFFSET / without HYPERCALL_PAGE.
		st=$(boot "$1" 64M "$FIX/$1.cpio" "")
		judge_good "$1" "$st" "^PVSTART: PASS $(pvstart_checks "$1") checks" ;;
	xen-builder-pvstart-low | xen-builder-pvstart-paddr | xen-builder-pvstart-nohc)
		# The same variant started by Xen's own builder: the reference.
		local v=${1#xen-builder-}
		st=$(qemu_boot "$1" -M pc -cpu qemu64 -m 512 -kernel "$XEN" \
			-append "$XEN_ARGS dom0_mem=64M,max:64M" \
			-initrd "build/$v.elf eb.marker,$FIX/tree/initrd")
		judge_good "$1" "$st" "^PVSTART: PASS $(pvstart_checks "$v") checks" reference: ;;
	bridge-load | bridge-unpin | bridge-give-back)
		# Xen refuses one step of the bridge (debug=, docs/pv.md): the
		# bridge takes back what Xen did, returns to the loader's tree,
		# and the loader prints one line through its own console.
		local what
		case $1 in
		bridge-load) what="mmuext_op NEW_BASEPTR of the kernel's root \(mfn 0x[0-9a-f]+\)" ;;
		bridge-unpin) what="mmuext_op UNPIN_TABLE of the staging tree's root \(mfn 0x[0-9a-f]+\)" ;;
		bridge-give-back) what="mmu_update giving the staging frames back writable \(request 15 of 15, ptr 0xffffffffff000; the 14 before it taken back\)" ;;
		esac
		st=$(boot "$1" 64M "$FIX/pvstart-low.cpio" "debug=$1")
		judge "$1" "$st" 37 "^earlyboot: error: PV start of day \(bridge\): $what refused by Xen: code -[0-9]+; back on this loader's tree" 1 ;;
	bad-bridge-debug-no-bridge)
		# A bridge switch for a kernel that takes no bridge: one line.
		st=$(boot "$1" 64M "$FIX/pvstart.cpio" "debug=bridge-load")
		judge "$1" "$st" 37 "^earlyboot: error: debug=bridge-load: this kernel's VIRT_BASE 0xffffffff80000000 is the loader's: it takes no bridge" 1 ;;
	bad-pv-feature)
		# A required feature the start of day does not offer: one line.
		st=$(boot "$1" 64M "$FIX/pvstart-smk.cpio" "")
		judge "$1" "$st" 37 "^earlyboot: error: kernel: Xen ELF note FEATURES '!supervisor_mode_kernel\|writable_page_tables' requires supervisor_mode_kernel \(XENFEAT bit 3\)" 1 ;;
	bad-no-xen-notes)
		# A vmlinux (a "Linux" note) without Xen notes: not a PV kernel.
		st=$(boot "$1" 64M "$FIX/linux-no-xen-notes.elf" "")
		judge "$1" "$st" 37 "^earlyboot: error: kernel \(module, a Linux vmlinux\): no Xen ELF notes" 1 ;;
	bad-pv-no-xen-version)
		# (No ENTRY is no error: e_entry stands in, as in Xen's builder.)
		st=$(boot "$1" 64M "$FIX/linux-no-xen-version.elf" "")
		judge "$1" "$st" 37 "^earlyboot: error: kernel \(module, a Linux vmlinux\): Xen ELF note XEN_VERSION \(type 5\) missing" 1 ;;
	*) echo "FAIL boot:pv-$1: no such case" ;;
	esac
}

fixtures() {
	rm -rf "$FIX/tree"
	mkdir -p "$FIX/tree"
	cp "$KERNEL" "$FIX/tree/kernel"
	"$FIXTURE" initrd "$FIX/tree/initrd" 65573 || return 1
	(cd "$FIX/tree" && printf 'kernel\ninitrd\n' | cpio -o -H newc -R 0:0 --quiet) \
		>"$FIX/kernel-initrd.cpio" || return 1
	(cd "$FIX/tree" && printf 'initrd\n' | cpio -o -H newc -R 0:0 --quiet) \
		>"$FIX/no-kernel.cpio" || return 1
	echo "this is neither a kernel nor a cpio archive" >"$FIX/not-kernel.bin"
	# ELFs that claim to be Linux (a "Linux" note), with too few Xen notes.
	"$FIXTURE" elf-notes "$KERNEL" "$FIX/linux-no-xen-notes.elf" linux || return 1
	"$FIXTURE" elf-notes "$KERNEL" "$FIX/linux-no-xen-version.elf" linux \
		xen:3=0xffffffff80000000 xen:1=0xffffffff81000000 xen:8=s:generic || return 1
	# The start-of-day judge as a PV kernel, with the CRC-checked initrd;
	# its variants the same way.
	local v
	for v in pvstart pvstart-low pvstart-paddr pvstart-nohc pvstart-smk; do
		mkdir -p "$FIX/tree/$v" && cp "build/$v.elf" "$FIX/tree/$v/kernel" &&
			cp "$FIX/tree/initrd" "$FIX/tree/$v/initrd" &&
			echo "eb.marker" >"$FIX/tree/$v/cmdline" &&
			(cd "$FIX/tree/$v" && printf 'kernel\ninitrd\ncmdline\n' |
				cpio -o -H newc -R 0:0 --quiet) >"$FIX/$v.cpio" || return 1
	done
	linux_fixture
}

# pvstart_checks VARIANT: how many checks its PASS line must count (the
# checks are the same for every start of day: fewer means one was skipped).
pvstart_checks() {
	case $1 in
	pvstart-low) echo 28 ;; # a 4 MiB region: 5 tables, where the others have 13
	*) echo 42 ;;
	esac
}

# The stock-Linux module: kernel (the Debian vmlinux), initrd (the busybox
# initramfs), cmdline. Built by make (mk/linux.mk); remade when they change.
LINUX_VMLINUX=build/linux/vmlinux
LINUX_INITRAMFS=build/linux/initramfs.cpio
LINUX_MOD=$FIX/linux-vmlinux.cpio
LINUX_BZ_MOD=$FIX/linux-bzimage.cpio
LINUX_BZIMAGE=build/linux/bzImage
LINUX_SKIP=
linux_fixture() {
	# The kernel make chose (tools/linux-image: linux-image-amd64's, by
	# package); when there is none, its one-line error says why.
	local why
	if ! why=$(tools/linux-image 2>&1 >/dev/null); then
		LINUX_SKIP=${why:-tools/linux-image found no kernel of linux-image-amd64}
		rm -f "$LINUX_MOD" "$LINUX_BZ_MOD" "$FIX/bad-bzimage-payload"
		return 0
	fi
	if [ ! -f "$LINUX_VMLINUX" ] || [ ! -f "$LINUX_INITRAMFS" ]; then
		echo "FAIL boot:pv-setup: $LINUX_VMLINUX or $LINUX_INITRAMFS missing (run make linux)"
		exit 1
	fi
	[ "$LINUX_MOD" -nt "$LINUX_VMLINUX" ] && [ "$LINUX_MOD" -nt "$LINUX_INITRAMFS" ] &&
		[ "$LINUX_MOD" -nt "$LINUX_BZIMAGE" ] && [ "$LINUX_MOD" -nt "$0" ] &&
		return 0
	linux_cpio "$LINUX_VMLINUX" pv-linux "$LINUX_MOD" &&
		linux_cpio "$LINUX_BZIMAGE" pv-linux-bzimage "$LINUX_BZ_MOD" || return 1
	# The bzImage with its payload corrupted.
	bzimage_flip_payload "$LINUX_BZIMAGE" "$FIX/bad-bzimage-payload"
}

# linux_cpio KERNEL ID OUT: the module: kernel, the busybox initrd, cmdline.
linux_cpio() {
	rm -rf "$FIX/linux"
	mkdir -p "$FIX/linux"
	cp "$1" "$FIX/linux/kernel" &&
		cp "$LINUX_INITRAMFS" "$FIX/linux/initrd" &&
		echo "console=hvc0 eb.marker eb.id=$2 eb.guest_type=PV" >"$FIX/linux/cmdline" &&
		(cd "$FIX/linux" && printf 'kernel\ninitrd\ncmdline\n' | cpio -o -H newc -R 0:0 --quiet) \
			>"$3.tmp" && mv "$3.tmp" "$3" || return 1
	rm -rf "$FIX/linux"
}
if [ "${1:-}" = run ]; then
	st=$(boot run 64M "$KERNEL" "ptdump")
	show_run run "$st"
	exit
fi

fixtures || { echo "FAIL boot:pv-setup: fixtures"; exit 1; }
# What the kernel is told when a case hands over the cpio's initrd.
INITRD_ARG=$(tk_initrd_arg "$FIX/tree/initrd")

ALL="linux-vmlinux linux-bzimage bad-bzimage-payload linux-guest-type-wrong pvstart xen-builder-pvstart pvstart-low pvstart-paddr pvstart-nohc xen-builder-pvstart-low xen-builder-pvstart-paddr xen-builder-pvstart-nohc bridge-load bridge-unpin bridge-give-back bad-bridge-debug-no-bridge bad-pv-feature 1g 256m 64m 32m cpio initrd-promised-not-given defect-magic defect-tables defect-spare defect-template bad-option bad-defect-cpu bad-no-module bad-not-kernel bad-cpio-no-kernel bad-no-xen-notes bad-pv-no-xen-version"
cases=${*:-$ALL}
run_cases run_case $cases
