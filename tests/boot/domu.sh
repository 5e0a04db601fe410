#!/usr/bin/env bash
# Boot tests of earlyboot as an xl-created Xen domU (docs/domu.md). Xen
# 4.17 in QEMU runs Debian's Linux as its PV dom0 (Xen's own builder, no
# earlyboot in dom0) with the initramfs of tests/linux/mkdom0initramfs;
# its /init (tests/linux/dom0-init) starts the toolstack, `xl create`s the
# case's domU from /domu/domu.cfg (a second cpio appended to the first),
# waits for it to end, prints the domU's console log (xenconsoled
# --log=guest) between "DOM0: domU console log begin/end" and ends QEMU
# through isa-debug-exit: 33 when the guest printed a PASS line, 35 when
# not, 37 when the toolstack failed. The guest's verdict is judged here
# again, exactly (the test kernel's check count), inside the logged part.
#
# One case is not a test of earlyboot: reference:xl-linux-pv, Debian's
# Linux as a PV domU started by Xen's own domain builder (libxenguest).
#
#   tests/boot/domu.sh          every case
#   tests/boot/domu.sh CASE...  only the named cases
#
# Logs: build/logs/domu-<case>.log. BOOT_JOBS (default 2), BOOT_TIMEOUT_DOMU
# (default 240 s) bounds each QEMU run (TCG: a dom0 boot is ~10 s, xl
# create and the domU some more).
set -u
WORLD=domu
. "$(dirname "$0")/../lib/boot.bash"

PVH=build/earlyboot-pvh.elf
PV=build/earlyboot-pv.elf
BZ=build/linux/bzImage
VMLINUX=build/linux/vmlinux
INITRD=build/linux/initramfs.cpio
FIX=build/domu-fixtures
DOM0_CPIO=$FIX/dom0.cpio
TIMEOUT=${BOOT_TIMEOUT_DOMU:-240}
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=512M,max:512M dom0_max_vcpus=1"
DOM0_ARGS="console=hvc0 loglevel=4"

need_built "$PVH" "$PV" "$KERNEL" "$FIXTURE" "$BZ" "$VMLINUX" "$INITRD"
need_qemu
if ! prepare_xen; then
	missing_dep boot:domu "$XEN_GZ" "$XEN_PKG"
	exit
fi
if [ ! -x /usr/lib/xen-4.17/bin/xl ]; then
	missing_dep boot:domu /usr/lib/xen-4.17/bin/xl xen-utils-4.17
	exit
fi
mkdir -p "$LOGS" "$FIX"

# The release of the kernel make linux took: its modules go into dom0.
kver=$(basename "$(cat build/linux/bzImage.source)")
kver=${kver#vmlinuz-}

fixtures() {
	if [ ! "$DOM0_CPIO" -nt tests/linux/dom0-init ] ||
		[ ! "$DOM0_CPIO" -nt tests/linux/mkdom0initramfs ] ||
		[ ! "$DOM0_CPIO" -nt "$BZ" ]; then
		tests/linux/mkdom0initramfs "$DOM0_CPIO" "$kver" || return 1
	fi
	# The test kernel and its CRC-checked initrd, one cpio: the domU's ramdisk.
	mkdir -p "$FIX/tree"
	cp "$KERNEL" "$FIX/tree/kernel"
	"$FIXTURE" initrd "$FIX/tree/initrd" 65573 || return 1
	(cd "$FIX/tree" && printf 'kernel\ninitrd\n' | cpio -o -H newc -R 0:0 --quiet) \
		>"$FIX/kernel-initrd.cpio" || return 1
	# Debian's Linux and the test initramfs, one cpio per kernel form: the
	# ramdisk of the pv-linux-FORM and pvh-linux-FORM cases.
	linux_bundle vmlinux "$VMLINUX" && linux_bundle bzimage "$BZ"
}

# linux_bundle FORM KERNEL: $FIX/linux-FORM.cpio, a newc cpio holding
# KERNEL as 'kernel' and the test initramfs as 'initrd' (the command line
# comes from the xl config), remade when either is newer.
linux_bundle() {
	local out=$FIX/linux-$1.cpio t=$FIX/linux-$1
	[ "$out" -nt "$2" ] && [ "$out" -nt "$INITRD" ] && return 0
	rm -rf "$t" && mkdir -p "$t" && cp "$2" "$t/kernel" && cp "$INITRD" "$t/initrd" &&
		(cd "$t" && printf 'kernel\ninitrd\n' | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp" &&
		mv "$out.tmp" "$out" || return 1
	rm -rf "$t"
}

# domu_boot NAME CFG_LINES FILE...: dom0 with a cpio /domu holding
# domu.cfg (the lines given, plus the fixed ones) and each FILE (as
# /domu/<basename>); prints QEMU's exit status.
domu_boot() {
	local name=$1 cfg=$2 d=$FIX/$1 mem=1536
	shift 2
	rm -rf "$d"
	mkdir -p "$d/domu"
	local f
	for f in "$@"; do cp "$f" "$d/domu/" || return 1; done
	{
		echo "name = \"eb-$name\""
		printf '%s\n' "$cfg"
		echo 'on_poweroff = "destroy"'
		echo 'on_reboot = "destroy"'
		echo 'on_crash = "destroy"'
	} >"$d/domu/domu.cfg"
	(cd "$d" && find domu | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$d.cpio"
	cat "$DOM0_CPIO" "$d.cpio" >"$d.initrd"
	rm -rf "$d" "$d.cpio"
	# svm+npt: a PVH domU is an HVM guest; rdrand: xl waits for entropy without it.
	qemu_boot "$name" -M pc -cpu qemu64,+svm,+npt,+rdrand -m "$mem" \
		-kernel "$XEN" -append "$XEN_ARGS" \
		-initrd "$VMLINUX $DOM0_ARGS domu.timeout=$((TIMEOUT - 90)),$d.initrd"
}

# guest_log NAME: the domU's console log as dom0 printed it.
guest_log() {
	tr -d '\r' <"$LOGS/domu-$1.log" |
		sed -n '/^DOM0: domU console log begin/,/^DOM0: domU console log end/p'
}

# judge_domu NAME STATUS PATTERN...: every PATTERN in the guest's log.
judge_domu() {
	local name=$1 st=$2 p why=
	shift 2
	if [ "$st" = 124 ] || [ "$st" = 137 ]; then
		why="timed out after ${TIMEOUT}s"
	elif [ "$st" != 33 ]; then
		why="QEMU exit status $st, want 33 ($(grep -a '^DOM0: ' "$LOGS/domu-$name.log" | tail -n 1))"
	else
		for p in "$@"; do
			guest_log "$name" | grep -aqE "$p" || { why="no line matching '$p' in the domU's console log"; break; }
		done
	fi
	local label=boot:domu-$name
	[ "${REF:-}" ] && label=reference:$name
	if [ -n "$why" ]; then
		echo "FAIL $label: $why; last lines: $(tail_of "$LOGS/domu-$name.log")"
	else
		echo "PASS $label"
	fi
}

run_case() {
	local st initrd_arg
	initrd_arg=$(tk_initrd_arg "$FIX/tree/initrd")
	case $1 in
	xl-linux-pv)
		st=$(domu_boot "$1" "type = \"pv\"
kernel = \"/domu/bzImage\"
ramdisk = \"/domu/initramfs.cpio\"
extra = \"console=hvc0 eb.marker eb.id=xl-linux-pv eb.mem_mib=200\"
memory = 256
vcpus = 1" "$BZ" "$INITRD")
		REF=1 judge_domu "$1" "$st" "^(\[ *[0-9.]+\] )?EARLYBOOT-LINUX: PASS xl-linux-pv" ;;
	pvh-testkernel | pvh-testkernel-1g-2vcpu | pv-testkernel | pv-testkernel-1g-2vcpu)
		# The same guest in both Xen guest types: earlyboot-pvh as a PVH
		# domU (128 MiB), earlyboot-pv as a PV domU (64 MiB).
		local type=${1%%-*} mem=128 vcpus=1 image=$PVH world=pvh-xen
		[ "$type" = pv ] && mem=64 image=$PV world=pv
		case $1 in *-1g-2vcpu) mem=1024 vcpus=2 ;; esac
		st=$(domu_boot "$1" "type = \"$type\"
kernel = \"/domu/$(basename "$image")\"
ramdisk = \"/domu/kernel-initrd.cpio\"
cmdline = \"-- $initrd_arg\"
memory = $mem
vcpus = $vcpus" "$image" "$FIX/kernel-initrd.cpio")
		judge_domu "$1" "$st" "^earlyboot: stats " "^earlyboot: entering kernel" \
			"$(tk_pass_re "$world" "$FIX/tree/initrd")\$" ;;
	pv-linux-* | pvh-linux-*)
		# Debian's Linux as a domU through earlyboot: PV gets Xen's PV start
		# of day, PVH the PVH entry (the default for a kernel with the
		# note under Xen PVH); Linux must agree it is that guest type.
		local type=${1%%-*} form=${1##*-} image=$PVH gt=PVH
		local enter='^earlyboot: entering kernel .* through the PVH boot protocol'
		[ "$type" = pv ] && image=$PV gt=PV enter='^earlyboot: entering kernel at '
		st=$(domu_boot "$1" "type = \"$type\"
kernel = \"/domu/$(basename "$image")\"
ramdisk = \"/domu/linux-$form.cpio\"
cmdline = \"-- console=hvc0 eb.marker eb.id=$1 eb.mem_mib=200 eb.guest_type=$gt\"
memory = 256
vcpus = 1" "$image" "$FIX/linux-$form.cpio")
		judge_domu "$1" "$st" "$enter" \
			"^(\[ *[0-9.]+\] )?EARLYBOOT-LINUX: PASS $1 " ;;
	*)
		echo "FAIL boot:domu-$1: no such case" ;;
	esac
}

fixtures || { echo "FAIL boot:domu-setup: fixtures"; exit 1; }
ALL="xl-linux-pv pvh-testkernel pv-testkernel"
cases=${*:-$ALL}
run_cases run_case $cases
