#!/usr/bin/env bash
# Boot tests of the Xen PV world: build/earlyboot-pv.elf as Xen 4.17's PV
# dom0 in QEMU (-M pc -cpu qemu64, decompressed hypervisor, the boot module
# through -initrd "earlyboot-pv.elf ARGS,MODULE"), FACTS.md's Xen command
# line with dom0_mem per case.
#
# Every case is judged by QEMU's exit status (isa-debug-exit: 33 kernel
# PASS, 35 kernel FAIL, 37 loader error), by the guest's own lines, and by
# the loader's account of its hypercalls: no case may show a failed pin or
# update ("xen backend failed", "hypercalls failed N" with N > 0).
#
#   tests/boot/pv.sh          every case, one PASS/FAIL/SKIP line each
#   tests/boot/pv.sh run      one 64 MiB boot with ptdump: log, verdict, table,
#                             SVG (lib.sh's show_run; make run-pv)
#   tests/boot/pv.sh CASE...  only the named cases (e.g. 32m 1g)
#
# Logs: build/logs/pv-<case>.log. BOOT_JOBS (default 2) boots at once;
# BOOT_TIMEOUT (default 60 s) bounds each. tools/pv-perf reads the logs.
set -u
WORLD=pv
. "$(dirname "$0")/lib.sh"

PV=build/earlyboot-pv.elf
FIX=build/pv-fixtures
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"

PVSTART=build/pvstart.elf
# `run` (make run-pv) boots the test kernel itself as the module: it needs
# no fixtures, no start-of-day judge, no stock Linux.
if [ "${1:-}" = run ]; then
	need_built "$PV" "$KERNEL"
else
	need_built "$PV" "$KERNEL" "$FIXTURE" "$PVSTART"
fi
need_qemu
if ! prepare_xen; then
	echo "SKIP boot:pv: $XEN_GZ not installed"
	exit 0
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
# hypercall return itself: Xen's release build prints none).
hc_failures() {
	local log=$1
	if grep -aq 'xen backend failed' "$log"; then
		echo "a failed MMU hypercall"
	elif grep -aqE 'hypercalls failed [1-9]' "$log"; then
		echo "$(grep -aoE 'hypercalls failed [0-9]+' "$log")"
	fi
}

# loader NAME STATUS: the loader's half of a good boot.
judge_loader() {
	local name=$1 st=$2 log=$LOGS/pv-$1.log bad
	bad=$(hc_failures "$log")
	if [ "$st" = 124 ] || [ "$st" = 137 ]; then
		echo "FAIL boot:pv-$name: timed out after ${TIMEOUT}s; last lines: $(tail_of "$log")"
	elif [ -n "$bad" ]; then
		echo "FAIL boot:pv-$name: $bad; last lines: $(tail_of "$log")"
	elif ! grep -aqE '^earlyboot: stats pt_frames=[0-9]+ faults=0 resets=0 refusals=[0-9]+ hypercalls=[0-9]+' "$log"; then
		echo "FAIL boot:pv-$name: no stats line (status $st); last lines: $(tail_of "$log")"
	elif ! grep -aq '^earlyboot: entering kernel' "$log"; then
		echo "FAIL boot:pv-$name: the loader never entered the kernel; last lines: $(tail_of "$log")"
	else
		echo "PASS boot:pv-$name-loader"
	fi
}

# The test kernel's verdict: TESTKERNEL: PASS pv and QEMU status 33. Strict:
# a PV kernel that does not pass fails the suite (PV_STRICT is gone).
judge_kernel() {
	local name=$1 st=$2 log=$LOGS/pv-$1.log
	if grep -aqE '^TESTKERNEL: PASS pv [0-9]+ checks' "$log" && [ "$st" = 33 ]; then
		echo "PASS boot:pv-$name"
	else
		echo "FAIL boot:pv-$name: status $st, want 33 and 'TESTKERNEL: PASS pv'; last lines: $(tail_of "$log")"
	fi
}

# judge_defect NAME STATUS CHECK: a loader defect= the test kernel must
# catch: status 35 and 'TESTKERNEL: FAIL CHECK:' (and no other verdict).
judge_defect() {
	local name=$1 st=$2 check=$3 log=$LOGS/pv-$1.log
	if [ "$st" = 35 ] && grep -aq "^TESTKERNEL: FAIL $check: " "$log" &&
		! grep -aq '^TESTKERNEL: PASS' "$log"; then
		echo "PASS boot:pv-$name"
	else
		echo "FAIL boot:pv-$name: status $st, want 35 and 'TESTKERNEL: FAIL $check'; last lines: $(tail_of "$log")"
	fi
}

# judge_linux NAME STATUS ID: stock Linux started as dom0 by the loader:
# the busybox /init (tests/linux/init) judged the boot from inside and
# ended the run: status 33 and its PASS line with the command line's eb.id.
judge_linux() {
	local name=$1 st=$2 id=$3 log=$LOGS/pv-$1.log
	if grep -aqE "^EARLYBOOT-LINUX: PASS $id " "$log" && [ "$st" = 33 ] &&
		! grep -aq '^earlyboot: error: ' "$log"; then
		echo "PASS boot:pv-$name"
	else
		echo "FAIL boot:pv-$name: status $st, want 33 and 'EARLYBOOT-LINUX: PASS $id'; last lines: $(tail_of "$log" 6)"
	fi
}

# judge_pvstart NAME STATUS: tests/pvstart judged its start of day from
# inside: 'PVSTART: PASS' and status 33.
judge_pvstart() {
	local name=$1 st=$2 log=$LOGS/pv-$1.log
	if grep -aqE '^PVSTART: PASS [0-9]+ checks' "$log" && [ "$st" = 33 ]; then
		echo "PASS boot:pv-$name"
	else
		echo "FAIL boot:pv-$name: status $st, want 33 and 'PVSTART: PASS'; last lines: $(tail_of "$log" 6)"
	fi
}

# judge_error NAME STATUS PATTERN: a refused input: status 37, one error line.
judge_error() {
	local name=$1 st=$2 pat=$3 log=$LOGS/pv-$1.log n
	n=$(grep -ac '^earlyboot: error: ' "$log" 2>/dev/null)
	if [ "$st" != 37 ]; then
		echo "FAIL boot:pv-$name: QEMU exit status $st, want 37; last lines: $(tail_of "$log")"
	elif [ "$n" != 1 ]; then
		echo "FAIL boot:pv-$name: $n 'earlyboot: error:' lines, want 1; last lines: $(tail_of "$log")"
	elif ! grep -aqE "^earlyboot: error: $pat" "$log"; then
		echo "FAIL boot:pv-$name: no error matching '$pat'; last lines: $(tail_of "$log")"
	elif [ -n "$(hc_failures "$log")" ]; then
		echo "FAIL boot:pv-$name: $(hc_failures "$log")"
	else
		echo "PASS boot:pv-$name"
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
		judge_loader "$1" "$st"
		judge_kernel "$1" "$st" ;;
	cpio)
		st=$(boot "$1" 64M "$FIX/kernel-initrd.cpio" "ptdump")
		judge_loader "$1" "$st"
		judge_kernel "$1" "$st" ;;
	defect-magic | defect-tables | defect-spare | defect-template)
		# Each breaks one promise; the check named after it must fail.
		local d=${1#defect-} check
		case $d in
		magic) check=header ;;
		spare | template) check=pv-$d ;; # the PV-only promises
		*) check=$d ;;
		esac
		st=$(boot "$1" 64M "$KERNEL" "defect=$d")
		judge_defect "$1" "$st" "$check" ;;
	bad-option)
		st=$(boot "$1" 64M "$KERNEL" "nosuchoption")
		judge_error "$1" "$st" "command line" ;;
	bad-no-module)
		st=$(boot "$1" 64M "" "")
		judge_error "$1" "$st" "start_info.mod_len: no boot module" ;;
	bad-not-kernel)
		st=$(boot "$1" 64M "$FIX/not-kernel.bin" "")
		judge_error "$1" "$st" "start_info.mod_start" ;;
	bad-cpio-no-kernel)
		st=$(boot "$1" 64M "$FIX/no-kernel.cpio" "")
		judge_error "$1" "$st" "start_info.mod_start" ;;
	linux-vmlinux)
		# Stock Linux as dom0 (docs/pv.md, "Chainloading a PV kernel").
		if [ ! -f "$LINUX_MOD" ]; then
			echo "SKIP boot:pv-$1: $LINUX_SKIP"
			return
		fi
		local t0=$SECONDS
		# Linux under Xen under TCG: ~10 s here, more on a loaded machine.
		TIMEOUT=${BOOT_TIMEOUT_LINUX:-180}
		st=$(boot "$1" 512M "$LINUX_MOD" "ptdump")
		judge_loader "$1" "$st"
		judge_linux "$1" "$st" pv-linux
		echo "# boot:pv-$1: $((SECONDS - t0)) s (QEMU, Xen, loader and Linux)" ;;
	pvstart)
		# The start-of-day judge, started by earlyboot as a PV kernel.
		st=$(boot "$1" 64M "$FIX/pvstart.cpio" "")
		judge_loader "$1" "$st"
		judge_pvstart "$1" "$st" ;;
	pvstart-xen)
		# The reference: the same judge started by Xen itself.
		st=$(qemu_boot "$1" -M pc -cpu qemu64 -m 512 -kernel "$XEN" \
			-append "$XEN_ARGS dom0_mem=64M,max:64M" \
			-initrd "$PVSTART eb.marker,$FIX/tree/initrd")
		judge_pvstart "$1" "$st" ;;
	bad-no-xen-notes)
		# A vmlinux (a "Linux" note) without Xen notes: not a PV kernel.
		st=$(boot "$1" 64M "$FIX/linux-no-xen-notes.elf" "")
		judge_error "$1" "$st" "kernel \(module, a Linux vmlinux\): no Xen ELF notes" ;;
	bad-pv-no-entry)
		st=$(boot "$1" 64M "$FIX/linux-no-entry.elf" "")
		judge_error "$1" "$st" "kernel \(module, a Linux vmlinux\): Xen ELF note ENTRY \(type 1\) missing" ;;
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
	"$FIXTURE" elf-notes "$KERNEL" "$FIX/linux-no-entry.elf" linux \
		xen:3=0xffffffff80000000 xen:5=s:xen-3.0 xen:8=s:generic || return 1
	# The start-of-day judge as a PV kernel, with the CRC-checked initrd.
	mkdir -p "$FIX/tree/ps" && cp "$PVSTART" "$FIX/tree/ps/kernel" &&
		cp "$FIX/tree/initrd" "$FIX/tree/ps/initrd" &&
		echo "eb.marker" >"$FIX/tree/ps/cmdline" &&
		(cd "$FIX/tree/ps" && printf 'kernel\ninitrd\ncmdline\n' |
			cpio -o -H newc -R 0:0 --quiet) >"$FIX/pvstart.cpio" || return 1
	linux_fixture
}

# The stock-Linux module: kernel (the Debian vmlinux), initrd (the busybox
# initramfs), cmdline. Built by make (mk/linux.mk); remade when they change.
LINUX_VMLINUX=build/linux/vmlinux
LINUX_INITRAMFS=build/linux/initramfs.cpio
LINUX_MOD=$FIX/linux-vmlinux.cpio
LINUX_SKIP=
linux_fixture() {
	# The kernel make chose (tools/linux-image: linux-image-amd64's, by
	# package); when there is none, its one-line error says why.
	local why
	if ! why=$(tools/linux-image 2>&1 >/dev/null); then
		LINUX_SKIP=${why:-tools/linux-image found no kernel of linux-image-amd64}
		rm -f "$LINUX_MOD"
		return 0
	fi
	if [ ! -f "$LINUX_VMLINUX" ] || [ ! -f "$LINUX_INITRAMFS" ]; then
		echo "FAIL boot:pv-setup: $LINUX_VMLINUX or $LINUX_INITRAMFS missing (run make linux)"
		exit 1
	fi
	[ "$LINUX_MOD" -nt "$LINUX_VMLINUX" ] && [ "$LINUX_MOD" -nt "$LINUX_INITRAMFS" ] &&
		return 0
	rm -rf "$FIX/linux"
	mkdir -p "$FIX/linux"
	cp "$LINUX_VMLINUX" "$FIX/linux/kernel" &&
		cp "$LINUX_INITRAMFS" "$FIX/linux/initrd" &&
		echo "console=hvc0 eb.marker eb.id=pv-linux" >"$FIX/linux/cmdline" &&
		(cd "$FIX/linux" && printf 'kernel\ninitrd\ncmdline\n' | cpio -o -H newc -R 0:0 --quiet) \
			>"$LINUX_MOD.tmp" && mv "$LINUX_MOD.tmp" "$LINUX_MOD" || return 1
	rm -rf "$FIX/linux"
}
if [ "${1:-}" = run ]; then
	st=$(boot run 64M "$KERNEL" "ptdump")
	show_run run "$st"
	exit
fi

fixtures || { echo "FAIL boot:pv-setup: fixtures"; exit 1; }

ALL="linux-vmlinux pvstart pvstart-xen 1g 256m 64m 32m cpio defect-magic defect-tables defect-spare defect-template bad-option bad-no-module bad-not-kernel bad-cpio-no-kernel bad-no-xen-notes bad-pv-no-entry"
cases=${*:-$ALL}
run_cases run_case $cases
