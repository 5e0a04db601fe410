#!/usr/bin/env bash
# Boot tests of the UEFI world: OVMF (q35, -bios) boots build/earlyboot.efi
# from an ESP folder; it chainloads build/testkernel.elf, which judges the
# handoff (or, pe-* cases, starts build/efiapp.efi through the firmware:
# docs/uefi.md, "PE/EFI applications"). Every case is judged from the guest's verdict line AND QEMU's exit
# status (isa-debug-exit: 33 kernel PASS, 35 kernel FAIL, 37 loader error).
#
#   tests/boot/uefi.sh          every case, one PASS/FAIL line each
#   tests/boot/uefi.sh run      one boot with ptdump: log, verdict, table, SVG
#                               (tests/lib/boot.bash's show_run; make run)
#   tests/boot/uefi.sh CASE...  only the named cases (e.g. 256m-1cpu bad-not-elf)
#
# Serial logs stay in build/logs/uefi-<case>.log; ESP folders in build/esp/.
# BOOT_JOBS (default 2) boots run at once; BOOT_TIMEOUT (default 60) bounds each
# (the shell-* cases need ~10 s of it: the UEFI shell counts down 5 s first).
set -u
WORLD=uefi
BOOT_STRIP_ESC=1
. "$(dirname "$0")/../lib/boot.bash"

EFI=build/earlyboot.efi
EFIAPP=build/efiapp.efi
OVMF=/usr/share/ovmf/OVMF.fd
ESPS=build/esp
mkdir -p "$LOGS" "$ESPS"

# `run` (make run) uses the loader, the test kernel and the initrd maker;
# the cases also the PE/EFI application.
if [ "${1:-}" = run ]; then
	need_built "$EFI" "$KERNEL" "$FIXTURE"
else
	need_built "$EFI" "$EFIAPP" "$KERNEL" "$FIXTURE"
fi
need_qemu
if [ ! -e "$OVMF" ]; then
	missing_dep boot:uefi "$OVMF" ovmf
	exit
fi

# Every folder holds this test initrd (as initrd.img); a CFG that hands it
# over says so to the kernel with $INITRD_ARG.
INITRD_BYTES=1048613
INITRD_ARG=tk.initrd=$INITRD_BYTES

# make_esp DIR CFG [KERNEL_FILE]: a boot folder with the loader, the test
# kernel as kernel.elf, a test initrd, and CFG as \earlyboot.cfg.
make_esp() {
	local dir=$1 cfg=$2 kfile=${3:-$KERNEL}
	rm -rf "$dir"
	mkdir -p "$dir/EFI/BOOT"
	cp "$EFI" "$dir/EFI/BOOT/BOOTX64.EFI"
	cp "$kfile" "$dir/kernel.elf"
	"$FIXTURE" initrd "$dir/initrd.img" "$INITRD_BYTES" || return 1
	printf '%s\n' "$cfg" >"$dir/earlyboot.cfg"
}

# make_shell_esp DIR LINE [CFG]: a folder the firmware cannot boot by itself
# (no EFI/BOOT/BOOTX64.EFI), so OVMF.fd falls back to its built-in UEFI
# shell, which runs startup.nsh after a 5 s countdown: LINE (starting
# earlyboot.efi with arguments, i.e. with LoadOptions), then `reset -s`, so a
# loader that returns to the shell ends the run (status 0) instead of
# leaving it at the prompt until the timeout. CFG, when given, becomes
# \earlyboot.cfg.
make_shell_esp() {
	local dir=$1 line=$2 cfg=${3:-}
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$EFI" "$dir/earlyboot.efi"
	cp "$KERNEL" "$dir/kernel.elf"
	"$FIXTURE" initrd "$dir/initrd.img" "$INITRD_BYTES" || return 1
	printf '%s\r\nreset -s\r\n' "$line" >"$dir/startup.nsh"
	if [ -n "$cfg" ]; then
		printf '%s\n' "$cfg" >"$dir/earlyboot.cfg"
	fi
}

# boot NAME MEM SMP [CPU]: boot build/esp/NAME; prints QEMU's exit status.
boot() {
	local name=$1 mem=$2 smp=$3 cpu=${4:-}
	qemu_boot "$name" -M q35 -m "$mem" -smp "$smp" ${cpu:+-cpu "$cpu"} \
		-bios "$OVMF" -drive "format=raw,file=fat:rw:$ESPS/$name"
}

# ptdump: tests/tools/audit_boot_logs.sh audits every good boot's tables.
GOOD_CFG="kernel=kernel.elf initrd=initrd.img ptdump -- console=ttyS0 tk.verbose $INITRD_ARG"
PASS_INITRD=$(tk_pass_re uefi initrd.img)

# ---- the cases: each function prints exactly one result line ----------
good() { # good NAME MEM SMP [CPU]
	make_esp "$ESPS/$1" "$GOOD_CFG" || { echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st
	st=$(boot "$1" "$2" "$3" "${4:-}")
	judge "$1" "$st" 33 "$PASS_INITRD"
}


# depth NAME MEM CPU LEVELS EXTRA [KERNEL_FILE]: a good boot whose tree has
# LEVELS levels, with EXTRA among the loader's options (docs/early_paging.md,
# "Paging depth"); the test kernel checks the depth against CR4.LA57 itself.
depth() {
	make_esp "$ESPS/$1" "kernel=kernel.elf initrd=initrd.img ptdump $5 -- console=ttyS0 $INITRD_ARG" "${6:-}" ||
		{ echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st switched='^earlyboot: paging: 4 levels for the kernel '
	[ "$4" = 5 ] && switched='^earlyboot: paging: 4 levels -> 5 \(CR4\.LA57 set through the mode switch\)$'
	st=$(boot "$1" "$2" 1 "$3")
	judge "$1" "$st" 33 "$PASS_INITRD" 0 "$(levels_re "$4")" "$switched"
}

# moved NAME KERNEL_FILE LINKED_PA: a kernel whose linked frames are not
# free RAM is placed elsewhere (docs/handoff.md, "Placement"); the test
# kernel checks its mapping against where the boot info says it went.
moved() {
	make_esp "$ESPS/$1" "$GOOD_CFG" "$2" || { echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st
	st=$(boot "$1" 256 1)
	judge "$1" "$st" 33 "$PASS_INITRD" 0 \
		"^earlyboot: kernel kernel.elf: linked at pa $3, which is taken: placed at pa 0x[0-9a-f]+\$"
}

# smm NAME: a good boot on OVMF's SMM build (the Secure Boot capable one,
# with no keys enrolled: Secure Boot off), whose map takes the test
# kernel's linked frames at 16 MiB as ACPI NVS.
smm() {
	make_esp "$ESPS/$1" "$GOOD_CFG" || { echo "FAIL boot:uefi-$1: ESP setup"; return; }
	if [ ! -e "$OVMF_SMM_CODE" ] || [ ! -e "$OVMF_SMM_VARS" ]; then
		missing_dep "boot:uefi-$1" "$OVMF_SMM_CODE" ovmf
		return
	fi
	local st
	st=$(qemu_boot_pflash "$1" 512 "$OVMF_SMM_CODE" "$OVMF_SMM_VARS" "$ESPS/$1.vars" "$ESPS/$1")
	judge "$1" "$st" 33 "$PASS_INITRD" 0 \
		"^earlyboot: kernel kernel.elf: linked at pa 0x1000000, which is taken: placed at pa 0x[0-9a-f]+\$"
}

bad() { # bad NAME CFG PATTERN [KERNEL_FILE]: loader must refuse
	make_esp "$ESPS/bad-$1" "$2" "${4:-}" || { echo "FAIL boot:uefi-bad-$1: ESP setup"; return; }
	local st
	st=$(boot "bad-$1" 256 1 "${5:-}")
	judge "bad-$1" "$st" 37 "^earlyboot: error: .*$3" 1
}

kfault() { # kfault NAME SWITCH PATTERN: the test kernel's own fault handling
	# (a test of the judge, not of earlyboot: the case is named testkernel-selftest-*)
	make_esp "$ESPS/$1" "kernel=kernel.elf -- $2" || { echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st
	st=$(boot "$1" 256 1)
	judge "$1" "$st" 35 "$3"
}

defect() { # defect NAME CHECK: loader breaks one promise, kernel names the check
	make_esp "$ESPS/defect-$1" "kernel=kernel.elf initrd=initrd.img defect=$1 -- $INITRD_ARG" ||
		{ echo "FAIL boot:uefi-defect-$1: ESP setup"; return; }
	local st
	st=$(boot "defect-$1" 256 1)
	judge "defect-$1" "$st" 35 "^TESTKERNEL: FAIL $2: "
}

# The initrd promise can fail: the kernel is told of an initrd (tk.initrd=)
# that the loader was not given (none: no initrd= option), or one of
# another length.
initrd_promise() { # initrd_promise NAME CFG PATTERN
	make_esp "$ESPS/$1" "$2" || { echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st
	st=$(boot "$1" 256 1)
	judge "$1" "$st" 35 "^TESTKERNEL: FAIL initrd: $3"
}

# Started from the UEFI shell with arguments: the command line must come
# from LoadOptions. The folder has no \earlyboot.cfg, or (over-cfg) one
# that would end the run with a loader error if it were read.
SHELL_LINE="fs0:\\earlyboot.efi kernel=kernel.elf initrd=initrd.img -- console=ttyS0 tk.from-loadoptions $INITRD_ARG"
shellboot() { # shellboot NAME [CFG]
	make_shell_esp "$ESPS/$1" "$SHELL_LINE" "${2:-}" ||
		{ echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st
	st=$(boot "$1" 256 1)
	judge "$1" "$st" 33 "$PASS_INITRD" 0 \
		"^earlyboot: command line from LoadOptions; kernel command line 'console=ttyS0 tk\.from-loadoptions tk\.initrd=$INITRD_BYTES'" \
		"^earlyboot: initrd initrd\.img: $INITRD_BYTES bytes"
}

# The loader's own handlers (debug=, docs/handoff.md). The addresses are
# the ones common/x86/traps.c provokes: a read of 0xffff88ffdead0000 (the
# direct map's L4 slot 273, L3 slot 511: outside every lazy region); then,
# for the #DF, a push with rsp = 0xffff88ffbad01000, which faults at ...0ff8,
# and so does pushing that fault's frame.
FAULT_CR2=0xffff88ffdead0000
lfault() { # lfault NAME SWITCH ERRORS PATTERN...
	local name=$1 sw=$2 nerr=$3
	shift 3
	make_esp "$ESPS/$name" "kernel=kernel.elf debug=$sw -- x" ||
		{ echo "FAIL boot:uefi-$name: ESP setup"; return; }
	local st
	st=$(boot "$name" 256 1)
	judge "$name" "$st" 37 "^earlyboot: debug: $sw: reading $FAULT_CR2" "$nerr" "$@"
}

# A PE/EFI application as kernel=: earlyboot must start it through the
# firmware with the kernel command line as its load options, and report
# what it returns as its one error line (status 37).
# pe NAME FILE CMDLINE PATTERN...: FILE is copied as app.efi.
pe() {
	local name=$1 file=$2 cmdline=$3
	shift 3
	make_esp "$ESPS/$name" "kernel=app.efi ${PE_LOADER_OPTS:-}-- $cmdline" &&
		cp "$file" "$ESPS/$name/app.efi" ||
		{ echo "FAIL boot:uefi-$name: ESP setup"; return; }
	local st
	st=$(boot "$name" 256 1)
	judge "$name" "$st" 37 "$1" 1 "${@:2}"
}

# Derived kernels for the bad-input cases.
fixtures() {
	local d=build/boot-fixtures
	mkdir -p "$d"
	echo "this is not an ELF file" >"$d/notelf.bin"
	head -c 2048 "$KERNEL" >"$d/truncated.elf"
	"$FIXTURE" elf-paddr "$KERNEL" "$d/outside.elf" 0x10000000000 &&
	"$FIXTURE" elf-memsz "$KERNEL" "$d/absurd.elf" 0x7fffffff0000 &&
	"$FIXTURE" elf-memsz-last "$KERNEL" "$d/no-room.elf" 0x20000000 &&
	"$FIXTURE" pe-corrupt "$d/corrupt.efi" &&
	kernel_4level "$d/kernel-4level.elf"
}

# Where the loader's image sits with 256 MiB (OVMF is deterministic): the
# overlap case puts the kernel's segments right on top of it.
loader_base() {
	make_esp "$ESPS/probe" "kernel=nothing.elf" >/dev/null 2>&1
	boot probe 256 1 >/dev/null
	sed -n 's/^earlyboot: image \(0x[0-9a-f]*\)-.*/\1/p' "$LOGS/uefi-probe.log" | head -1
}

# pvh NAME MEM: the test kernel through its PVH entry (protocol=pvh,
# docs/pvh_handoff.md): it judges the hvm_start_info and names its world
# uefi-pvh (the RSDP above 1 MiB, where UEFI firmware puts it).
pvh() {
	make_esp "$ESPS/$1" "kernel=kernel.elf initrd=initrd.img protocol=pvh -- console=ttyS0 $INITRD_ARG" ||
		{ echo "FAIL boot:uefi-$1: ESP setup"; return; }
	local st
	st=$(boot "$1" "$2" 1)
	judge "$1" "$st" 33 "$(tk_pvh_pass_re uefi initrd.img)" 0 \
		'^earlyboot: kernel kernel.elf: entered through the pvh protocol \(protocol= on the command line\)$'
}

case_cmd() {
	local d=build/boot-fixtures long
	case $1 in
	pvh-protocol) pvh "$1" 256 ;;
	pvh-protocol-5g) pvh "$1" 5G ;;
	bad-protocol-linux) # the test kernel is no Linux kernel
		bad protocol-linux "kernel=kernel.elf protocol=linux -- x" \
			"protocol=linux: the kernel is an ELF64 that is not Linux, not a Linux bzImage or vmlinux\$" ;;
	256m-1cpu) good "$1" 256 1 ;;
	la57) depth "$1" 2G "$LA57_CPU" 5 "" ;;
	la57-5g) depth "$1" 5G "$LA57_CPU" 5 "" ;;
	la57-paging4) depth "$1" 2G "$LA57_CPU" 4 "paging=4" ;;
	no-la57) depth "$1" 2G qemu64 4 "" ;;
	la57-kernel-4level) # no note: the kernel does not take 5 levels
		depth "$1" 2G "$LA57_CPU" 4 "" "$d/kernel-4level.elf" ;;
	bad-paging5-no-la57)
		bad paging5-no-la57 "kernel=kernel.elf paging=5 -- x" \
			"paging=5: the CPU does not offer 5-level paging \(CPUID\.\(EAX=7,ECX=0\):ECX\.LA57, bit 16, is 0\)\$" ;;
	bad-paging5-kernel-4level)
		bad paging5-kernel-4level "kernel=kernel.elf paging=5 -- x" \
			"paging=5: kernel kernel.elf does not declare 5-level support: no ELF note \"earlyboot\" of type 1 holding 5\$" \
			"$d/kernel-4level.elf" "$LA57_CPU" ;;
	bad-paging-value) bad paging-value "kernel=kernel.elf paging=6 -- x" "paging='6': 4 or 5 \(paging levels\)" ;;
	256m-2cpu) good "$1" 256 2 ;;
	2g-1cpu) good "$1" 2G 1 ;;
	2g-2cpu) good "$1" 2G 2 ;;
	5g-1cpu) good "$1" 5G 1 ;;
	5g-2cpu) good "$1" 5G 2 ;;
	5g-1g-leaves) good "$1" 5G 1 max ;;
	bad-no-kernel) bad no-kernel "initrd=initrd.img -- x" "no kernel= option" ;;
	bad-kernel-missing) bad kernel-missing "kernel=missing.elf" "missing.elf: cannot read: not found" ;;
	bad-not-elf) bad not-elf "kernel=kernel.elf" "not an ELF" "$d/notelf.bin" ;;
	bad-truncated) bad truncated "kernel=kernel.elf" "truncated ELF" "$d/truncated.elf" ;;
	moved-outside-ram) moved "$1" "$d/outside.elf" 0x10000000000 ;;
	moved-overlap-loader) moved "$1" "$d/overlap.elf" "$(cat "$d/overlap.base")" ;;
	smm-ovmf) smm "$1" ;;
	bad-no-room) bad no-room "kernel=kernel.elf" "segment [0-9]+ at pa .* (lies outside usable RAM|overlaps).*, and no other 0x[0-9a-f]+-byte run of RAM aligned to 0x[0-9a-f]+ above 0x100000 is free" "$d/no-room.elf" ;;
	bad-absurd-memsz) bad absurd-memsz "kernel=kernel.elf" "segment 0 .*memory size 0x7fffffff0000 is absurd" "$d/absurd.elf" ;;
	bad-cmdline-too-long)
		long=$(printf 'x%.0s' $(seq 1 3000))
		bad cmdline-too-long "kernel=kernel.elf -- $long" "command line is [0-9]+ bytes, limit is" ;;
	bad-unknown-option) bad unknown-option "kernel=kernel.elf frobnicate -- x" "unknown option 'frobnicate'" ;;
	testkernel-selftest-pf) kfault "$1" tk.fault=pf '^TESTKERNEL: FAIL page-fault: .*#PF' ;;
	testkernel-selftest-df) kfault "$1" tk.fault=df '^TESTKERNEL: FAIL double-fault: .*#DF' ;;
	initrd-promised-not-given)
		initrd_promise "$1" "kernel=kernel.elf -- $INITRD_ARG" \
			"tk\.initrd=$INITRD_BYTES, but no module named 'initrd' was handed over \(0 modules\)" ;;
	initrd-promised-other-length)
		initrd_promise "$1" "kernel=kernel.elf initrd=initrd.img -- tk.initrd=$((INITRD_BYTES + 1))" \
			"module 'initrd' has $INITRD_BYTES bytes, tk\.initrd=$((INITRD_BYTES + 1))" ;;
	shell-loadoptions) shellboot "$1" ;;
	shell-loadoptions-over-cfg) shellboot "$1" "kernel=missing.elf frobnicate -- from-cfg" ;;
	loader-fault-outside)
		lfault "$1" fault-outside 5 \
			'^earlyboot: error: page fault: not-present fault outside every lazy region$' \
			"^earlyboot: error:   cr2=$FAULT_CR2 rip=0x[0-9a-f]{16} error=0x0 \[not-present read supervisor\]" \
			'^earlyboot: error:   L4 table 0x[0-9a-f]{16} \[273\] = 0x[0-9a-f]{16} table ' \
			'^earlyboot: error:   L3 table 0x[0-9a-f]{16} \[511\] = 0x0{16} not present ' \
			"^earlyboot: error: page fault the materializer cannot serve: .* at cr2=$FAULT_CR2 " ;;
	loader-fault-in-handler)
		lfault "$1" fault-in-handler 1 \
			"^earlyboot: debug: fault-in-handler: #PF at $FAULT_CR2 not served; the handler now pushes onto the unmapped stack 0xffff88ffbad01000" \
			'^earlyboot: error: double fault \(a fault while delivering a fault\): rip=0x[0-9a-f]+ rsp=0xffff88ffbad01000 cr2=0xffff88ffbad00ff8; handler on its IST1 stack ' ;;
	defect-magic) defect magic header ;;
	defect-memmap) defect memmap memmap ;;
	defect-nx) defect nx nx ;;
	defect-segments) defect segments segments ;;
	defect-dmap) defect dmap dmap ;;
	defect-tables) defect tables tables ;;
	defect-initrd) defect initrd initrd ;;
	defect-cpu) defect cpu cpu ;; # EFER.NXE and CR0.WP left off
	loader-sets-wp) # a firmware that left CR0.WP off: the go-live sets it
		make_esp "$ESPS/$1" "kernel=kernel.elf initrd=initrd.img debug=wp-off -- console=ttyS0 $INITRD_ARG" ||
			{ echo "FAIL boot:uefi-$1: ESP setup"; return; }
		st=$(boot "$1" 256 1)
		judge "$1" "$st" 33 "$PASS_INITRD" 0 \
			'^earlyboot: debug: wp-off: CR0\.WP cleared before the tables go live \(CR0 0x[0-9a-f]+\)$' ;;
	bad-defect-spare) # a Xen PV defect means nothing here: refused by name
		bad defect-spare "kernel=kernel.elf defect=spare -- x" \
			"defect=spare has no meaning in the uefi world \(only in: pv\)\$" ;;
	pe-app-returns)
		pe "$1" "$EFIAPP" "status=aborted hello world" \
			"^EFIAPP: load options 'status=aborted hello world'\$" \
			"^earlyboot: starting PE/EFI application app\.efi \([0-9]+ bytes\) with load options 'status=aborted hello world'\$" \
			"^EFIAPP: LoadOptionsSize 54 bytes, NUL-terminated yes, volume yes, file path '\\\\\\\\app\.efi'\$" \
			'^earlyboot: error: kernel app\.efi \(PE/EFI application\) returned aborted \(0x8000000000000015\)$' ;;
	pe-app-exitdata)
		# A control byte in the text: both sides must escape it.
		pe "$1" "$EFIAPP" $'exitdata=boom\x01bang' \
			"^EFIAPP: load options 'exitdata=boom\\\\x01bang'\$" \
			"^earlyboot: error: kernel app\.efi \(PE/EFI application\) returned load error \(0x8000000000000001\) with exit data 'boom\\\\x01bang'\$" ;;
	bad-protocol-efi-elf)
		bad protocol-efi-elf "kernel=kernel.elf protocol=efi -- x" \
			"protocol=efi: the kernel \(an ELF64 that is not Linux\) is not a PE image" ;;
	bad-protocol-linux-pe)
		PE_LOADER_OPTS="protocol=linux " pe "$1" "$EFIAPP" "x" \
			"^earlyboot: error: kernel app\.efi: protocol=linux, but the kernel is a PE/EFI application without a Linux setup header" ;;
	pe-app-initrd) # the initrd as Linux's EFI stub reads it: LoadFile2
		PE_LOADER_OPTS="initrd=initrd.img " pe "$1" "$EFIAPP" "initrd=check status=aborted" \
			"^EFIAPP: initrd through LoadFile2: $INITRD_BYTES bytes, CRC ok\$" \
			"^earlyboot: initrd initrd\.img: $INITRD_BYTES bytes served through LoadFile2 \(Linux initrd media path\)\$" \
			'^earlyboot: error: kernel app\.efi \(PE/EFI application\) returned aborted' ;;
	pe-app-no-initrd) # none given: nothing serves one
		pe "$1" "$EFIAPP" "initrd=check status=aborted" \
			"^EFIAPP: initrd through LoadFile2: no handle " \
			'^earlyboot: error: kernel app\.efi \(PE/EFI application\) returned aborted' ;;
	pe-bad)
		pe "$1" "$d/corrupt.efi" "x" \
			'^earlyboot: error: kernel app\.efi: LoadImage refused the PE/EFI application: [a-z ]+ \(0x8[0-9a-f]{15}\)$' ;;
	*) echo "FAIL boot:uefi-$1: no such case" ;;
	esac
}

ALL="256m-1cpu 256m-2cpu 2g-1cpu 2g-2cpu 5g-1cpu 5g-2cpu 5g-1g-leaves
la57 la57-5g la57-paging4 no-la57 la57-kernel-4level bad-paging5-no-la57
bad-paging5-kernel-4level bad-paging-value
bad-no-kernel bad-kernel-missing bad-not-elf bad-truncated moved-outside-ram
moved-overlap-loader smm-ovmf bad-no-room bad-absurd-memsz bad-cmdline-too-long bad-unknown-option
testkernel-selftest-pf testkernel-selftest-df initrd-promised-not-given
initrd-promised-other-length shell-loadoptions shell-loadoptions-over-cfg
loader-fault-outside loader-fault-in-handler defect-magic defect-memmap
defect-nx defect-segments defect-dmap defect-tables defect-initrd defect-cpu
loader-sets-wp bad-defect-spare pe-app-returns pe-app-exitdata pe-app-initrd pe-app-no-initrd pe-bad
pvh-protocol pvh-protocol-5g bad-protocol-linux"

if [ "${1:-}" = run ]; then
	make_esp "$ESPS/run" "kernel=kernel.elf initrd=initrd.img ptdump -- console=ttyS0 $INITRD_ARG" || exit 1
	st=$(boot run 2G 2)
	show_run run "$st"
	exit
fi

cases=${*:-$ALL}
fixtures || { echo "FAIL boot:uefi-setup: fixtures"; exit 1; }
case " $cases " in
*moved-overlap-loader*)
	base=$(loader_base)
	echo "${base:-unknown}" >build/boot-fixtures/overlap.base
	if [ -n "$base" ]; then
		"$FIXTURE" elf-paddr "$KERNEL" build/boot-fixtures/overlap.elf "$base"
	else
		cp "$KERNEL" build/boot-fixtures/overlap.elf
	fi ;;
esac

run_cases case_cmd $cases
