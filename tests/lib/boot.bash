# Shared machinery of the QEMU boot tests (tests/boot/*.sh, and
# tools/bench-boot). Sourced, never run: it lives in tests/lib/, where
# tests/run-tests.sh looks for no tests (it fails any tests/boot/*.sh that
# is not executable, so a helper there would be a false failure).
#
# The sourcing script sets WORLD (uefi, pvh, pv: the prefix of its case
# names, boot:WORLD-CASE, and of its logs, build/logs/WORLD-CASE.log) and,
# for firmware output, BOOT_STRIP_ESC=1. Sourcing moves to the tree's root.
#
# Every boot runs QEMU under timeout (BOOT_TIMEOUT, default 60 s) with
# isa-debug-exit at port 0xf4 (status 33 kernel PASS, 35 kernel FAIL,
# 37 loader error) and the serial port in the case's log; BOOT_JOBS
# (default 2) boots run at once.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
. tests/lib/deps.bash

KERNEL=build/testkernel.elf
FIXTURE=build/tools/bootfixture
XEN_GZ=/boot/xen-4.17-amd64.gz
XEN=build/xen.elf
LOGS=build/logs
JOBS=${BOOT_JOBS:-2}
TIMEOUT=${BOOT_TIMEOUT:-60}

# need_built FILE...: each must exist, else one FAIL line and exit 1.
need_built() {
	local f
	for f in "$@"; do
		if [ ! -f "$f" ]; then
			echo "FAIL boot:$WORLD-setup: $f missing (run make)"
			exit 1
		fi
	done
}

# need_qemu: without qemu-system-x86_64 the whole world cannot run: one
# SKIP line and exit 0, or under CI=true one FAIL and exit 1 (missing_dep).
need_qemu() {
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		missing_dep "boot:$WORLD" qemu-system-x86_64 qemu-system-x86
		exit
	fi
}

# Debian's package of the hypervisor $XEN_GZ, for missing_dep.
XEN_PKG=xen-hypervisor-4.17-amd64

# ---- what a good boot's verdict must say ---------------------------------
# The test kernel counts the checks it ran (tests/kernel/checks.c, pv.c)
# and prints "TESTKERNEL: PASS <world> <n> checks"; each good boot pins n
# from what it handed over, so a check that quietly stops running (or a
# module that quietly goes missing) fails the case.
TK_CHECKS_COMMON=6 # header memmap nx segments dmap tables
TK_CHECKS_NATIVE=1 # cpu: EFER.NXE and CR0.WP (not under Xen PV, whose are Xen's)
TK_CHECKS_INITRD=1 # initrd: run when a module "initrd" is there
TK_CHECKS_PV=5     # pv-ro pv-ebusy pv-spare pv-template pv-cr3 (Xen PV only)

# tk_pass_re WORLD INITRD: the regex of a good boot's verdict line. WORLD
# is the name the kernel prints (uefi, pvh, pvh-xen, pv); INITRD is the
# initrd file handed to the loader, "" for none.
tk_pass_re() {
	local n=$TK_CHECKS_COMMON
	[ -n "$2" ] && n=$((n + TK_CHECKS_INITRD))
	if [ "$1" = pv ]; then
		n=$((n + TK_CHECKS_PV))
	else
		n=$((n + TK_CHECKS_NATIVE))
	fi
	echo "^TESTKERNEL: PASS $1 $n checks"
}

# The test kernel entered through the PVH boot protocol (protocol=pvh,
# docs/pvh_handoff.md) judges the hvm_start_info instead (tests/kernel/pvh.c)
# and names its world WORLD-pvh.
TK_CHECKS_PVH=5 # pvh-header pvh-cpu pvh-memmap pvh-cmdline pvh-rsdp

# tk_pvh_pass_re WORLD INITRD: the verdict of a good PVH-protocol boot.
tk_pvh_pass_re() {
	local n=$TK_CHECKS_PVH
	[ -n "$2" ] && n=$((n + TK_CHECKS_INITRD))
	echo "^TESTKERNEL: PASS $1-pvh $n checks"
}

# kernel_patch_note IN OUT OWNER TYPE [NEW_TYPE|=VALUE]: the test kernel
# with its one note of OWNER ("Xen", "earlyboot") and TYPE given another
# type (so no loader reads it), or, with =VALUE, another 4-byte descriptor.
kernel_patch_note() {
	python3 - "$@" <<'PY'
import sys
src, out, owner, typ, change = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4], 0), sys.argv[5]
data = bytearray(open(src, "rb").read())
name = owner + b"\0"
tag = len(name).to_bytes(4, "little") + (4).to_bytes(4, "little") + typ.to_bytes(4, "little") + name.ljust((len(name) + 3) & ~3, b"\0")
at = data.find(tag)
if at < 0 or data.find(tag, at + 1) >= 0:
    sys.exit("kernel_patch_note: want exactly one %s note of type %d in %s" % (owner.decode(), typ, src))
if change.startswith("="):
    data[at + len(tag):at + len(tag) + 4] = int(change[1:], 0).to_bytes(4, "little")
else:
    data[at + 8:at + 12] = int(change, 0).to_bytes(4, "little")
open(out, "wb").write(data)
PY
}

# ---- Debian's kernels, as the tests use them ------------------------------
# debian_flavour_bzimage FLAVOUR: the bzImage of Debian's
# linux-image-FLAVOUR-amd64 (rt, cloud) when it is installed
# (tools/linux-image, by package); nothing otherwise.
debian_flavour_bzimage() {
	LINUX_IMAGE_PACKAGE=linux-image-$1-amd64 tools/linux-image 2>/dev/null
}

# bzimage_flip_payload IN OUT: the bzImage IN with four bytes in the middle
# of its compressed payload inverted (payload_offset at 0x248 counts from
# the protected-mode kernel, after (setup_sects at 0x1f1 + 1) * 512).
bzimage_flip_payload() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
at = (d[0x1f1] + 1) * 512 + struct.unpack_from("<I", d, 0x248)[0] + struct.unpack_from("<I", d, 0x24c)[0] // 2
d[at:at + 4] = bytes(b ^ 0xff for b in d[at:at + 4])
open(sys.argv[2], "wb").write(d)
PY
}

# levels_re N: the first line of a page-table dump (common/paging/ep_dump.c) of an
# N-level tree, the depth handed over (docs/early_paging.md, "Paging depth").
levels_re() { echo "^ptdump: begin root=0x[0-9a-f]{16} levels=$1\$"; }
# A CPU model that offers 5-level paging (CPUID.(EAX=7,ECX=0):ECX.LA57).
LA57_CPU=qemu64,+la57

# kernel_4level OUT: the test kernel without its declaration of 5-level
# paging (common/bootinfo.h's note, type EB_ELFNOTE_PAGING_LEVELS = 1, made
# type 0x7f here, so no loader reads it), the layout otherwise unchanged.
kernel_4level() {
	python3 - "$KERNEL" "$1" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
tag = (10).to_bytes(4, "little") + (4).to_bytes(4, "little") + (1).to_bytes(4, "little") + b"earlyboot\0"
at = data.find(tag)
if at < 0 or data.find(tag, at + 1) >= 0:
    sys.exit("kernel_4level: want exactly one earlyboot paging note in " + sys.argv[1])
data[at + 8:at + 12] = (0x7f).to_bytes(4, "little")
open(sys.argv[2], "wb").write(data)
PY
}

# tk_initrd_arg FILE: the kernel command-line switch that promises the test
# kernel an initrd of FILE's length (tk.initrd=<bytes>, docs/handoff.md):
# without it a loader that drops the initrd would only lower the count.
tk_initrd_arg() {
	echo "tk.initrd=$(stat -c %s "$1")"
}

# prepare_xen: QEMU's multiboot loader wants the hypervisor decompressed:
# build/xen.elf from $XEN_GZ, redone when that is newer.
# Succeeds when build/xen.elf is there to boot.
prepare_xen() {
	if [ -e "$XEN_GZ" ] && { [ ! -s "$XEN" ] || [ "$XEN_GZ" -nt "$XEN" ]; }; then
		zcat "$XEN_GZ" >"$XEN.tmp" && mv "$XEN.tmp" "$XEN"
	fi
	[ -s "$XEN" ]
}

# qemu_boot NAME QEMU_ARG...: one boot of qemu-system-x86_64 with the
# machine-specific QEMU_ARGs plus the common ones (no reboot, no display,
# no network, serial into the case's log, isa-debug-exit). Prints QEMU's
# exit status (124 or 137: timed out).
qemu_boot() {
	local log=$LOGS/$WORLD-$1.log
	shift
	rm -f "$log"
	timeout --kill-after=5 "$TIMEOUT" qemu-system-x86_64 "$@" \
		-no-reboot -display none -monitor none -serial "file:$log" -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >/dev/null 2>&1
	echo $?
}

# OVMF's SMM build, split in code and variables (/usr/share/OVMF, package
# ovmf), with empty variables: Secure Boot off, setup mode (uefi.sh,
# linux.sh and secureboot.sh boot it; secureboot.sh's enrolled keys are
# its own).
OVMF_SMM_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
OVMF_SMM_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

# qemu_boot_pflash NAME MEM CODE VARS_TEMPLATE VARS_COPY ESP_DIR: qemu_boot
# of a split OVMF build with SMM on: the variables in a fresh copy of
# VARS_TEMPLATE (the firmware writes them), ESP_DIR as a FAT drive.
qemu_boot_pflash() {
	local name=$1 mem=$2 code=$3 vars=$4 copy=$5 esp=$6
	cp "$vars" "$copy" || return 1
	qemu_boot "$name" -M q35,smm=on -m "$mem" \
		-global driver=cfi.pflash01,property=secure,value=on \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code" \
		-drive "if=pflash,format=raw,unit=1,file=$copy" \
		-drive "format=raw,file=fat:rw:$esp"
}

# clean_log FILE: the log's nonempty lines, carriage returns dropped (and,
# with BOOT_STRIP_ESC=1, firmware screen control).
clean_log() {
	if [ "${BOOT_STRIP_ESC:-0}" = 1 ]; then
		tr -d '\r' <"$1" 2>/dev/null | sed 's/\x1b\[[0-9;=]*[A-Za-z]//g' | grep -av '^$'
	else
		tr -d '\r' <"$1" 2>/dev/null | grep -av '^$'
	fi
}

# tail_of FILE [N]: the last N (4) lines of a log on one line.
tail_of() {
	clean_log "$1" | tail -n "${2:-4}" | tr '\n' '|' | sed 's/|$//'
}

# judge_why NAME STATUS WANT_STATUS PATTERN [ERRORS [PATTERN...]]: why the
# case failed, or nothing when it passed. ERRORS is how many "earlyboot:
# error:" lines the log must hold (default 0); every PATTERN (extended
# regex) must match some line. A case that wants the kernel to fail (35)
# fails if a pass verdict is there too. A world with checks of its own for
# every case defines judge_world_why NAME (tests/boot/pv.sh: no failed
# hypercall), consulted last.
judge_why() {
	local name=$1 st=$2 want=$3 pat=$4 nerr=${5:-0}
	shift 4
	shift $(($# > 0 ? 1 : 0))
	local log=$LOGS/$WORLD-$name.log
	local got_err missing= p
	got_err=$(grep -ac '^earlyboot: error: ' "$log" 2>/dev/null)
	for p in "$pat" "$@"; do
		if ! grep -aqE "$p" "$log" 2>/dev/null; then
			missing=$p
			break
		fi
	done
	if [ "$st" = 124 ] || [ "$st" = 137 ]; then
		echo "timed out after ${TIMEOUT}s"
	elif [ "$st" != "$want" ]; then
		echo "QEMU exit status $st, want $want"
	elif [ -n "$missing" ]; then
		echo "no line matching '$missing'"
	elif [ "$got_err" != "$nerr" ]; then
		echo "$got_err 'earlyboot: error:' lines, want $nerr"
	elif [ "$want" = 35 ] && grep -aq '^TESTKERNEL: PASS' "$log"; then
		echo "a TESTKERNEL: PASS line beside the failure"
	elif declare -F judge_world_why >/dev/null; then
		judge_world_why "$name"
	fi
}

# judge NAME STATUS WANT_STATUS PATTERN [ERRORS [PATTERN...]]: the case's
# one result line (judge_why says what decides it).
judge() {
	local why
	why=$(judge_why "$@")
	if [ -n "$why" ]; then
		echo "FAIL boot:$WORLD-$1: $why; last lines: $(tail_of "$LOGS/$WORLD-$1.log")"
	else
		echo "PASS boot:$WORLD-$1"
	fi
}

# show_run NAME STATUS: what a `run` boot did (make run, run-pvh,
# run-pvh-xen, run-pv), in four parts: the boot log up to the test
# kernel's verdict (its ptdump lines, and Xen's own boot lines when the
# kernel passed, summed up in one line each), the verdict, the address
# space handed to the kernel as a table (tools/ptdump-view), and the path
# of the same as a picture, build/run/WORLD[-xen].svg. Succeeds when the
# kernel passed (QEMU exit status 33) and the view read the dump.
show_run() {
	local name=$1 st=$2 log=$LOGS/$WORLD-$1.log
	local svg=build/run/$WORLD${1#run}.svg verdict ok=0 view_rc
	verdict=$(clean_log "$log" | grep -aE '^TESTKERNEL: (PASS|FAIL)' | tail -n 1)
	[ "$st" = 33 ] && [ "${verdict#TESTKERNEL: PASS}" != "$verdict" ] && ok=1

	echo "== boot log: $log (QEMU exit status $st) =="
	# Up to the verdict (every line when the kernel did not pass). Each run
	# of ptdump lines (and, when the kernel passed, of Xen's own boot lines)
	# becomes one bracketed line in its place.
	clean_log "$log" | awk -v quiet="$ok" \
		-v dump="ptdump: lines, the dump shown as a table below" \
		-v xen="lines of Xen's own boot output, in the log" '
		function note(what) { if (n) printf "   [%d %s]\n", n, what; n = 0 }
		/^ptdump:/ { if (run != "d") note(xen); run = "d"; n++; next }
		quiet && /^\(XEN\)/ { if (run != "x") note(dump); run = "x"; n++; next }
		{ note(run == "d" ? dump : xen); run = ""; print }
		quiet && /^TESTKERNEL: (PASS|FAIL)/ { exit }
		END { note(run == "d" ? dump : xen) }'
	echo
	echo "== verdict =="
	if [ -n "$verdict" ]; then
		echo "$verdict"
	else
		echo "no TESTKERNEL verdict in the log (QEMU exit status $st: 33 kernel PASS, 35 kernel FAIL, 37 loader error, 124 timed out)"
	fi
	echo
	echo "== address space handed to the kernel: tools/ptdump-view $log =="
	mkdir -p "$(dirname "$svg")"
	rm -f "$svg"
	tools/ptdump-view "$log" --svg "$svg"
	view_rc=$?
	echo
	if [ "$view_rc" = 0 ]; then
		echo "== picture: $svg (open it in a browser) =="
	else
		echo "== no picture: tools/ptdump-view failed (exit status $view_rc) =="
	fi
	[ "$ok" = 1 ] && [ "$view_rc" = 0 ]
}

# run_cases FUNC CASE...: FUNC CASE for every case, at most $JOBS at once,
# each printing its result lines; they come out in case order.
run_cases() {
	local func=$1 c i=0
	shift
	boot_tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$boot_tmp"' EXIT
	for c in "$@"; do
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
			wait -n
		done
		"$func" "$c" >"$boot_tmp/$(printf %03d $i)" &
		i=$((i + 1))
	done
	wait
	cat "$boot_tmp"/* 2>/dev/null
}
