#!/usr/bin/env bash
# Boot tests of the PVH world: build/earlyboot-pvh.elf straight from QEMU
# (-M pc -kernel, the boot module through -initrd) and as Xen 4.17's PVH
# dom0 (q35, SVM+NPT, an IOMMU). It chainloads
# build/testkernel.elf, which judges the handoff. Every case is judged from
# the guest's verdict line AND QEMU's exit status (isa-debug-exit: 33 kernel
# PASS, 35 kernel FAIL, 37 loader error); a PVH dom0 reaches port 0xf4
# directly (Xen does not deny it to dom0), so the verdict gets out under Xen
# the same way.
#
#   tests/boot/pvh.sh          every case, one PASS/FAIL line each
#   tests/boot/pvh.sh run      one direct boot (1 GiB) with ptdump: log, verdict,
#                              table, SVG (tests/lib/boot.bash's show_run; make run-pvh)
#   tests/boot/pvh.sh run-xen  the same as Xen's dom0 (64 MiB; make run-pvh-xen)
#   tests/boot/pvh.sh CASE...  only the named cases (e.g. 128m xen-64m)
#
# Serial logs stay in build/logs/pvh-<case>.log, boot modules in
# build/pvh-fixtures/. BOOT_JOBS (default 2) boots run at once; BOOT_TIMEOUT
# (default 60) bounds each.
set -u
WORLD=pvh
. "$(dirname "$0")/../lib/boot.bash"

PVH=build/earlyboot-pvh.elf
FIX=build/pvh-fixtures
# Xen's command line (serial console, all logs), plus dom0=pvh; dom0_mem is per case.
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0=pvh"
mkdir -p "$LOGS" "$FIX"

need_built "$PVH" "$KERNEL" "$FIXTURE"
need_qemu
have_xen=0
prepare_xen && have_xen=1

# direct NAME MEM MODULE ARGS: QEMU -kernel; MODULE "" means no -initrd.
# Prints QEMU's exit status.
direct() {
	local name=$1 mem=$2 module=$3 args=$4
	qemu_boot "$name" -M pc -m "$mem" \
		-kernel "$PVH" ${module:+-initrd "$module"} -append "$args"
}

# direct_cpu NAME MEM MODULE ARGS CPU: direct on another CPU model.
direct_cpu() {
	local name=$1 mem=$2 module=$3 args=$4 cpu=$5
	qemu_boot "$name" -M pc -m "$mem" -cpu "$cpu" \
		-kernel "$PVH" ${module:+-initrd "$module"} -append "$args"
}
SWITCHED_RE='^earlyboot: paging: 4 levels -> 5 \(CR4\.LA57 set through the mode switch\)$'

# xen NAME DOM0_MEM MODULE ARGS: Xen's PVH dom0 is earlyboot-pvh.elf with
# ARGS as its command line and MODULE as its one module.
xen() {
	local name=$1 dmem=$2 module=$3 args=$4
	qemu_boot "$name" -M q35 -cpu qemu64,+svm,+npt -device intel-iommu -m 1024 \
		-kernel "$XEN" -append "$XEN_ARGS dom0_mem=$dmem,max:$dmem" \
		-initrd "$PVH $args,$module"
}

# ---- boot modules ------------------------------------------------------
# cpio_of OUT FILE...: a newc archive of the named files of $FIX/tree.
cpio_of() {
	local out=$1
	shift
	(cd "$FIX/tree" && printf '%s\n' "$@" | cpio -o -H newc -R 0:0 --quiet) >"$out"
}

fixtures() {
	rm -rf "$FIX/tree"
	mkdir -p "$FIX/tree"
	cp "$KERNEL" "$FIX/tree/kernel"
	"$FIXTURE" initrd "$FIX/tree/initrd" 1048613 || return 1
	# The cpio's own command line: it promises the initrd beside it, and
	# tk.fault=pf shows it arrived (the kernel fails on purpose after its
	# checks).
	printf '%s tk.fault=pf\n' "$(tk_initrd_arg "$FIX/tree/initrd")" >"$FIX/tree/cmdline"
	echo "this is neither a kernel nor a cpio archive" >"$FIX/tree/junk"
	cp "$FIX/tree/junk" "$FIX/not-kernel.bin"
	cpio_of "$FIX/kernel-initrd.cpio" kernel initrd || return 1
	cpio_of "$FIX/with-cmdline.cpio" kernel initrd cmdline || return 1
	cpio_of "$FIX/no-kernel.cpio" initrd || return 1
	# A cpio whose member `kernel` is not an ELF.
	rm -rf "$FIX/junk-tree"
	mkdir -p "$FIX/junk-tree"
	cp "$FIX/tree/junk" "$FIX/junk-tree/kernel"
	(cd "$FIX/junk-tree" && printf 'kernel\n' | cpio -o -H newc -R 0:0 --quiet) \
		>"$FIX/kernel-not-elf.cpio" || return 1
	# The kernel member's data cut short: the loader must name it.
	head -c 40000 "$FIX/kernel-initrd.cpio" >"$FIX/truncated.cpio"
	kernel_4level "$FIX/kernel-4level.elf"
	# The PVH entry's bad inputs: the note's type changed (no PVH entry),
	# or its value 32 MiB, beyond every segment.
	kernel_patch_note "$KERNEL" "$FIX/kernel-no-pvh.elf" Xen 18 0x7f &&
		kernel_patch_note "$KERNEL" "$FIX/kernel-pvh-entry-outside.elf" Xen 18 =0x2000000 || return 1
	# Linked outside the guest's RAM (1 TiB): placed elsewhere.
	"$FIXTURE" elf-paddr "$KERNEL" "$FIX/outside.elf" 0x10000000000
}

# The verdicts of good boots, without and with the cpio's initrd
# (tk_pass_re), and the switch that promises that initrd to the kernel.
PASS_PLAIN=$(tk_pass_re pvh "")
PASS_XEN=$(tk_pass_re pvh-xen "")
# Where common/x86/traps.c's debug= switches read (docs/handoff.md).
FAULT_CR2=0xffff88ffdead0000

# ---- the cases: each prints exactly one result line --------------------
case_cmd() {
	local st long
	case $1 in
	128m | 1g | 5g) # good boots dump their tables: tests/tools/audit_boot_logs.sh
		# qemu64 lacks LA57: 4 levels (docs/early_paging.md, "Paging depth")
		st=$(direct "$1" "${1^^}" "$KERNEL" "ptdump -- console=ttyS0")
		judge "$1" "$st" 33 "$PASS_PLAIN" 0 "^earlyboot: memory map: .* from the start info" \
			"$(levels_re 4)" ;;
	la57 | la57-5g) # LA57 offered, the kernel's note takes it: 5 levels
		st=$(direct_cpu "$1" "$([ "$1" = la57 ] && echo 1G || echo 5G)" "$KERNEL" "ptdump -- console=ttyS0" "$LA57_CPU")
		judge "$1" "$st" 33 "$PASS_PLAIN" 0 "$(levels_re 5)" "$SWITCHED_RE" ;;
	la57-cpio) # the same with the cpio's initrd
		st=$(direct_cpu "$1" 256 "$FIX/kernel-initrd.cpio" "ptdump -- console=ttyS0 $INITRD_ARG" "$LA57_CPU")
		judge "$1" "$st" 33 "$PASS_INITRD" 0 "$(levels_re 5)" "$SWITCHED_RE" ;;
	la57-paging4) # paging=4 keeps 4 levels where 5 are offered
		st=$(direct_cpu "$1" 1G "$KERNEL" "paging=4 ptdump -- console=ttyS0" "$LA57_CPU")
		judge "$1" "$st" 33 "$PASS_PLAIN" 0 "$(levels_re 4)" \
			'^earlyboot: paging: 4 levels for the kernel \(CPU offers LA57, kernel takes up to 5, paging=4\)$' ;;
	la57-kernel-4level) # a kernel without the note gets 4 levels
		st=$(direct_cpu "$1" 1G "$FIX/kernel-4level.elf" "ptdump -- console=ttyS0" "$LA57_CPU")
		judge "$1" "$st" 33 "$PASS_PLAIN" 0 "$(levels_re 4)" \
			'^earlyboot: paging: 4 levels for the kernel \(CPU offers LA57, kernel takes up to 4, paging=default\)$' ;;
	bad-paging5-no-la57)
		st=$(direct "$1" 128 "$KERNEL" "paging=5 -- x")
		judge "$1" "$st" 37 '^earlyboot: error: paging=5: the CPU does not offer 5-level paging \(CPUID\.\(EAX=7,ECX=0\):ECX\.LA57, bit 16, is 0\)$' 1 ;;
	bad-paging5-kernel-4level)
		st=$(direct_cpu "$1" 128 "$FIX/kernel-4level.elf" "paging=5 -- x" "$LA57_CPU")
		judge "$1" "$st" 37 "^earlyboot: error: paging=5: kernel module 0 does not declare 5-level support: no ELF note \"earlyboot\" of type 1 holding 5\$" 1 ;;
	moved-outside-ram) # docs/handoff.md, "Placement"
		st=$(direct "$1" 128 "$FIX/outside.elf" "ptdump -- console=ttyS0")
		judge "$1" "$st" 33 "$PASS_PLAIN" 0 \
			'^earlyboot: kernel \(module 0\): linked at pa 0x10000000000, which is taken: placed at pa 0x[0-9a-f]+$' ;;
	xen-moved-outside-ram)
		if [ "$have_xen" != 1 ]; then
			missing_dep "boot:pvh-$1" "$XEN_GZ" "$XEN_PKG"
			return
		fi
		st=$(xen "$1" 64M "$FIX/outside.elf" "ptdump -- console=ttyS0")
		judge "$1" "$st" 33 "$PASS_XEN" 0 \
			'^earlyboot: kernel \(module 0\): linked at pa 0x10000000000, which is taken: placed at pa 0x[0-9a-f]+' ;;
	cpio)
		st=$(direct "$1" 256 "$FIX/kernel-initrd.cpio" "ptdump -- console=ttyS0 $INITRD_ARG")
		judge "$1" "$st" 33 "$PASS_INITRD" 0 "^earlyboot: initrd \(cpio member 'initrd'\)" ;;
	cpio-cmdline) # the cpio's cmdline reaches the kernel (tk.fault=pf: it fails on purpose)
		st=$(direct "$1" 256 "$FIX/with-cmdline.cpio" "")
		judge "$1" "$st" 35 '^TESTKERNEL: FAIL page-fault: ' 0 "^earlyboot: kernel command line from cpio member 'cmdline'" ;;
	cpio-dashdash-wins) # "--" on the loader's line overrides the cpio's cmdline
		st=$(direct "$1" 256 "$FIX/with-cmdline.cpio" "-- $INITRD_ARG")
		judge "$1" "$st" 33 "$PASS_INITRD" ;;
	initrd-promised-not-given) # the promise can fail: tk.initrd= but no initrd
		st=$(direct "$1" 128 "$KERNEL" "-- $INITRD_ARG")
		judge "$1" "$st" 35 "^TESTKERNEL: FAIL initrd: tk\.initrd=[0-9]+, but no module named 'initrd' was handed over" ;;
	bad-no-module)
		st=$(direct "$1" 128 "" "-- x")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.nr_modules is 0" 1 ;;
	bad-not-kernel)
		st=$(direct "$1" 128 "$FIX/not-kernel.bin" "")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.modlist\[0\] .*neither a kernel \\(ELF, bzImage\\) nor a newc cpio" 1 ;;
	bad-cpio-truncated)
		st=$(direct "$1" 128 "$FIX/truncated.cpio" "")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.modlist\[0\] .*cpio: member 'kernel' at offset 0x0: data .*truncated" 1 ;;
	bad-cpio-no-kernel)
		st=$(direct "$1" 128 "$FIX/no-kernel.cpio" "")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.modlist\[0\] .*cpio: no member 'kernel' \(members: initrd\)" 1 ;;
	bad-cpio-kernel-not-elf)
		st=$(direct "$1" 128 "$FIX/kernel-not-elf.cpio" "")
		judge "$1" "$st" 37 "^earlyboot: error: kernel \(cpio member 'kernel'\): not an ELF, a Linux bzImage or a PE/EFI application \(44 bytes, first bytes: 74 68 69 73 20 69 73 20\)" 1 ;;
	bad-option)
		st=$(direct "$1" 128 "$KERNEL" "frobnicate -- x")
		judge "$1" "$st" 37 "^earlyboot: error: command line \(start_info.cmdline_paddr\): unknown option 'frobnicate'" 1 ;;
	bad-member-for-elf)
		st=$(direct "$1" 128 "$KERNEL" "kernel=vmlinux")
		judge "$1" "$st" 37 "^earlyboot: error: start_info.modlist\[0\] .*name cpio members, but the module is itself a kernel: ELF" 1 ;;
	bad-cmdline-too-long)
		long=$(printf 'x%.0s' $(seq 1 1100))
		st=$(direct "$1" 128 "$KERNEL" "-- $long")
		judge "$1" "$st" 37 "^earlyboot: error: command line \(start_info.cmdline_paddr\): kernel command line is 1100 bytes, limit is 1023" 1 ;;
	loader-fault-outside) # the loader's own #PF handler: a fault it cannot serve
		st=$(direct "$1" 128 "$KERNEL" "debug=fault-outside -- x")
		judge "$1" "$st" 37 "^earlyboot: error: page fault the materializer cannot serve: .* at cr2=$FAULT_CR2 " 5 \
			'^earlyboot: error:   L3 table 0x[0-9a-f]{16} \[511\] = 0x0{16} not present ' ;;
	loader-fault-in-handler) # a fault inside it: #DF, on its IST stack
		st=$(direct "$1" 128 "$KERNEL" "debug=fault-in-handler -- x")
		judge "$1" "$st" 37 '^earlyboot: error: double fault \(a fault while delivering a fault\): rip=0x[0-9a-f]+ rsp=0xffff88ffbad01000 cr2=0xffff88ffbad00ff8; handler on its IST1 stack ' 1 \
			"^earlyboot: debug: fault-in-handler: #PF at $FAULT_CR2 not served" ;;
	loader-sets-wp) # a predecessor that left CR0.WP off: the go-live sets it
		st=$(direct "$1" 128 "$KERNEL" "debug=wp-off -- console=ttyS0")
		judge "$1" "$st" 33 "$PASS_PLAIN" 0 \
			'^earlyboot: debug: wp-off: CR0\.WP cleared before the tables go live \(CR0 0x[0-9a-f]+\)$' ;;
	pvh-protocol) # the test kernel through its PVH entry (docs/pvh_handoff.md)
		st=$(direct "$1" 256 "$FIX/kernel-initrd.cpio" "protocol=pvh -- console=ttyS0 $INITRD_ARG")
		judge "$1" "$st" 33 "$PVH_PASS_INITRD" 0 \
			"^earlyboot: kernel \(cpio member 'kernel'\): entered through the pvh protocol \(protocol= on the command line\)\$" \
			"^earlyboot: entering kernel cpio member 'kernel' through the PVH boot protocol at 0x1000012 \(32-bit, paging off\), start info at 0x[0-9a-f]+\$" ;;
	pvh-protocol-5g) # RAM above 4 GiB: the start info stays below
		st=$(direct "$1" 5G "$FIX/kernel-initrd.cpio" "protocol=pvh -- console=ttyS0 $INITRD_ARG")
		judge "$1" "$st" 33 "$PVH_PASS_INITRD" ;;
	bad-pvh-defect-nx) # no tables are handed over through the PVH entry
		st=$(direct "$1" 128 "$KERNEL" "protocol=pvh defect=nx -- x")
		judge "$1" "$st" 37 '^earlyboot: error: kernel \(module 0\): defect=nx breaks no promise of the pvh hand-off this kernel takes$' 1 ;;
	bad-defect-cmdline-earlyboot) # the earlyboot handoff has no start info
		st=$(direct "$1" 128 "$KERNEL" "defect=cmdline -- x")
		judge "$1" "$st" 37 '^earlyboot: error: kernel \(module 0\): defect=cmdline breaks no promise of the earlyboot hand-off this kernel takes$' 1 ;;
	pvh-protocol-defect-*) # each PVH check can fail: the loader breaks its promise
		local d=${1#pvh-protocol-defect-} check
		case $d in
		magic) check=pvh-header ;;
		memmap) check=pvh-memmap ;;
		cpu) check=pvh-cpu ;;
		cmdline) check=pvh-cmdline ;;
		rsdp) check=pvh-rsdp ;;
		*) check=$d ;;
		esac
		st=$(direct "$1" 256 "$FIX/kernel-initrd.cpio" "protocol=pvh defect=$d -- console=ttyS0 $INITRD_ARG")
		judge "$1" "$st" 35 "^TESTKERNEL: FAIL $check: " ;;
	bad-pvh-no-note)
		st=$(direct "$1" 128 "$FIX/kernel-no-pvh.elf" "protocol=pvh -- x")
		judge "$1" "$st" 37 "^earlyboot: error: kernel \(module 0\): protocol=pvh: the kernel \(an ELF64 that is not Linux\) carries no Xen ELF note PHYS32_ENTRY \(type 18\): it has no PVH entry\$" 1 ;;
	bad-pvh-entry-outside)
		st=$(direct "$1" 128 "$FIX/kernel-pvh-entry-outside.elf" "protocol=pvh -- x")
		judge "$1" "$st" 37 "^earlyboot: error: kernel \(module 0\): Xen ELF note PHYS32_ENTRY 0x2000000 lies in no executable segment's file bytes \(by physical address\)\$" 1 ;;
	bad-pvh-paging5)
		st=$(direct "$1" 128 "$KERNEL" "protocol=pvh paging=5 -- x")
		judge "$1" "$st" 37 "^earlyboot: error: paging=5: kernel module 0 is entered through the PVH boot protocol, with paging off: it builds its own tables\$" 1 ;;
	defect-*) # the loader breaks one promise; the kernel names the check
		local d=${1#defect-} check=${1#defect-}
		[ "$d" = magic ] && check=header
		# ptdump: the audit must see defect=nx's W+X (tests/tools/audit_boot_logs.sh)
		st=$(direct "$1" 256 "$FIX/kernel-initrd.cpio" "defect=$d ptdump -- $INITRD_ARG")
		judge "$1" "$st" 35 "^TESTKERNEL: FAIL $check: " ;;
	xen-*)
		if [ "$have_xen" != 1 ]; then
			missing_dep "boot:pvh-$1" "$XEN_GZ" "$XEN_PKG"
			return
		fi
		case $1 in
		xen-64m | xen-512m)
			local m=${1#xen-} verdict ram
			st=$(xen "$1" "${m^^}" "$KERNEL" "ptdump -- console=hvc0")
			verdict=$(judge "$1" "$st" 33 "$PASS_XEN" 0 \
				"^earlyboot: memory map: .* from XENMEM_memory_map")
			# dom0_mem took effect: the map Xen gave holds that much RAM,
			# less what Xen keeps for itself (at most a tenth).
			ram=$(tr -d '\r' <"$LOGS/pvh-$1.log" |
				sed -n 's/^earlyboot: memory map: .*, \([0-9]*\) MiB of RAM$/\1/p')
			m=${m%m}
			if [ "${verdict#PASS}" != "$verdict" ] &&
				! [ "${ram:-0}" -le "$m" -a "${ram:-0}" -ge $((m * 9 / 10)) ]; then
				verdict="FAIL boot:pvh-$1: memory map holds ${ram:-no} MiB of RAM, dom0_mem is $m MiB"
			fi
			echo "$verdict" ;;
		xen-cpio)
			st=$(xen "$1" 64M "$FIX/kernel-initrd.cpio" "ptdump -- console=hvc0 $INITRD_ARG")
			judge "$1" "$st" 33 "$PASS_XEN_INITRD" ;;
		xen-initrd-promised-not-given) # the promise can fail as Xen's dom0 too
			st=$(xen "$1" 64M "$KERNEL" "-- console=hvc0 $INITRD_ARG")
			judge "$1" "$st" 35 "^TESTKERNEL: FAIL initrd: tk\.initrd=[0-9]+, but no module named 'initrd' was handed over" ;;
		xen-fault-in-handler) # the #DF path as Xen's dom0
			st=$(xen "$1" 64M "$KERNEL" "debug=fault-in-handler -- x")
			judge "$1" "$st" 37 '^earlyboot: error: double fault \(a fault while delivering a fault\): .* handler on its IST1 stack ' 1 ;;
		xen-pvh-protocol) # as Xen's dom0: the start info carries Xen's dom0 flags
			st=$(xen "$1" 64M "$FIX/kernel-initrd.cpio" "protocol=pvh -- console=hvc0 $INITRD_ARG")
			judge "$1" "$st" 33 "$PVH_PASS_XEN_INITRD" ;;
		xen-bad-option)
			st=$(xen "$1" 64M "$KERNEL" "frobnicate")
			judge "$1" "$st" 37 "^earlyboot: error: command line \(start_info.cmdline_paddr\): unknown option 'frobnicate'" 1 ;;
		*) echo "FAIL boot:pvh-$1: no such case" ;;
		esac ;;
	*) echo "FAIL boot:pvh-$1: no such case" ;;
	esac
}

# Xen cases first: they are the slowest, so they start while the quick ones fill in.
ALL="xen-64m xen-512m xen-cpio xen-bad-option xen-fault-in-handler
xen-initrd-promised-not-given xen-pvh-protocol
128m 1g 5g moved-outside-ram xen-moved-outside-ram la57 la57-5g la57-cpio la57-paging4 la57-kernel-4level
bad-paging5-no-la57 bad-paging5-kernel-4level cpio cpio-cmdline cpio-dashdash-wins initrd-promised-not-given
bad-no-module bad-not-kernel bad-cpio-truncated bad-cpio-no-kernel
bad-cpio-kernel-not-elf bad-option bad-member-for-elf bad-cmdline-too-long
loader-fault-outside loader-fault-in-handler loader-sets-wp defect-magic defect-memmap defect-nx
defect-segments defect-dmap defect-tables defect-initrd defect-cpu
pvh-protocol pvh-protocol-5g pvh-protocol-defect-magic pvh-protocol-defect-memmap
pvh-protocol-defect-cpu pvh-protocol-defect-initrd pvh-protocol-defect-cmdline
pvh-protocol-defect-rsdp bad-pvh-defect-nx bad-defect-cmdline-earlyboot bad-pvh-no-note bad-pvh-entry-outside
bad-pvh-paging5"

fixtures || { echo "FAIL boot:pvh-setup: fixtures"; exit 1; }
# The cpio modules' initrd, when a case hands one over.
INITRD_ARG=$(tk_initrd_arg "$FIX/tree/initrd")
PASS_INITRD=$(tk_pass_re pvh "$FIX/tree/initrd")
PASS_XEN_INITRD=$(tk_pass_re pvh-xen "$FIX/tree/initrd")
PVH_PASS_INITRD=$(tk_pvh_pass_re pvh "$FIX/tree/initrd")
PVH_PASS_XEN_INITRD=$(tk_pvh_pass_re pvh-xen "$FIX/tree/initrd")

case ${1:-} in
run | run-xen)
	if [ "$1" = run ]; then
		st=$(direct run 1G "$FIX/kernel-initrd.cpio" "ptdump -- console=ttyS0 $INITRD_ARG")
	else
		[ "$have_xen" = 1 ] || { echo "no $XEN_GZ"; exit 1; }
		st=$(xen run-xen 64M "$FIX/kernel-initrd.cpio" "ptdump -- console=hvc0 $INITRD_ARG")
	fi
	show_run "$1" "$st"
	exit
	;;
esac

cases=${*:-$ALL}
run_cases case_cmd $cases
