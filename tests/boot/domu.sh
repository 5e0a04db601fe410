#!/usr/bin/env bash
# Boot tests of earlyboot as an xl-created Xen domU (docs/domu.md). Xen
# 4.17 in QEMU runs Debian's Linux as its PV dom0 (Xen's own builder; in
# full-stack, earlyboot-pv) with the initramfs of tests/linux/mkdom0initramfs
# (tests/lib/domu.bash);
# its /init (tests/linux/dom0-init) starts the toolstack, `xl create`s the
# case's domU from /domu/domu.cfg (a second cpio appended to the first),
# waits for it to end, prints the domU's console log (xenconsoled
# --log=guest) between "DOM0: domU console log begin/end" and ends QEMU
# through isa-debug-exit: 33 when the guest printed a PASS line, 35 when
# not, 37 when the toolstack failed. The guest's verdict is judged here
# again, exactly (the test kernel's check count), inside the logged part.
#
# Two cases are not tests of earlyboot alone: reference:xl-linux-pv,
# Debian's Linux as a PV domU started by Xen's own domain builder
# (libxenguest), and reference:xen-dom0-full-stack, full-stack's domU
# under a dom0 that Xen's builder started.
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

TIMEOUT=${BOOT_TIMEOUT_DOMU:-240}
. tests/lib/domu.bash

need_built "$KERNEL" "$FIXTURE" build/pvstart-low.elf
domu_setup

fixtures() {
	# The test kernel and its CRC-checked initrd, one cpio: the domU's ramdisk.
	mkdir -p "$FIX/tree"
	cp "$KERNEL" "$FIX/tree/kernel"
	"$FIXTURE" initrd "$FIX/tree/initrd" 65573 || return 1
	(cd "$FIX/tree" && printf 'kernel\ninitrd\n' | cpio -o -H newc -R 0:0 --quiet) \
		>"$FIX/kernel-initrd.cpio" || return 1
	# Bad inputs: a module that is no kernel; the test kernel grown (its
	# last segment's memory size) past any domain the cases give.
	echo "this is neither a kernel nor a cpio archive" >"$FIX/not-kernel.bin"
	"$FIXTURE" elf-memsz-last "$KERNEL" "$FIX/too-big.elf" 0x20000000 || return 1
	# Debian's Linux and the test initramfs, one cpio per kernel form: the
	# ramdisk of the pv-linux-FORM and pvh-linux-FORM cases.
	linux_bundle vmlinux "$VMLINUX" && linux_bundle bzimage "$BZ" || return 1
	# Debian's cloud kernel (its payload LZ4, the generic one's XZ), when
	# installed: the *-linux-cloud cases say so when it is not.
	[ -z "$CLOUD_BZ" ] || linux_bundle cloud "$CLOUD_BZ"
}
CLOUD_BZ=$(debian_flavour_bzimage cloud)

# domu_boot NAME CFG_LINES FILE...: dom0 with a cpio /domu holding
# domu.cfg (domu_cfg NAME CFG_LINES) and each FILE (as /domu/<basename>);
# prints QEMU's exit status.
domu_boot() {
	local name=$1 cfg=$2 d=$FIX/$1 f
	shift 2
	rm -rf "$d"
	mkdir -p "$d/domu"
	for f in "$@"; do cp "$f" "$d/domu/" || return 1; done
	domu_cfg "$name" "$cfg" >"$d/domu/domu.cfg"
	domu_qemu "$name" "$d" "$DOM0_ARGS domu.timeout=$((TIMEOUT - 90))"
}

# judge_domu NAME STATUS PATTERN...: every PATTERN in the guest's log;
# with DOM0_RE, that too on Xen's console before it (dom0's own loader).
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
		if [ -z "$why" ] && [ -n "${DOM0_RE:-}" ] &&
			! tr -d '\r' <"$LOGS/domu-$name.log" | sed '/^DOM0: domU console log begin/,$d' |
			grep -aqE "$DOM0_RE"; then
			why="no line matching '$DOM0_RE' on Xen's console before the domU's log (dom0's loader)"
		fi
	fi
	local label=boot:domu-$name
	[ "${REF:-}" ] && label=reference:$name
	if [ -n "$why" ]; then
		echo "FAIL $label: $why; last lines: $(tail_of "$LOGS/domu-$name.log")"
	else
		echo "PASS $label"
	fi
}

# judge_domu_error NAME STATUS PATTERN: a bad input: the domain ended by
# itself (crashed or shut down, as dom0 saw it, never by the timeout), its
# console log holds exactly one "earlyboot: error:" line, matching PATTERN,
# and no PASS line.
judge_domu_error() {
	local name=$1 st=$2 pat=$3 why= n
	n=$(guest_log "$name" | grep -ac '^earlyboot: error: ')
	if [ "$st" = 124 ] || [ "$st" = 137 ]; then
		why="timed out after ${TIMEOUT}s"
	elif [ "$st" != 35 ]; then
		why="QEMU exit status $st, want 35 ($(grep -a '^DOM0: ' "$LOGS/domu-$name.log" | tail -n 1))"
	elif ! tr -d '\r' <"$LOGS/domu-$name.log" | grep -aqE "^DOM0: domU 'eb-$name' (crashed|shut down) at "; then
		why="the domain did not end by itself ($(grep -a '^DOM0: ' "$LOGS/domu-$name.log" | tail -n 1))"
	elif [ "$n" != 1 ]; then
		why="$n 'earlyboot: error:' lines in the domU's console log, want 1"
	elif ! guest_log "$name" | grep -aqE "$pat"; then
		why="no line matching '$pat' in the domU's console log"
	elif guest_log "$name" | grep -aqE '^[A-Z-]+: PASS'; then
		why="a PASS line beside the error"
	fi
	if [ -n "$why" ]; then
		echo "FAIL boot:domu-$name: $why; last lines: $(tail_of "$LOGS/domu-$name.log")"
	else
		echo "PASS boot:domu-$name"
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
	pvh-testkernel | pvh-testkernel-64m | pvh-testkernel-1g-2vcpu | pv-testkernel | pv-testkernel-1g-2vcpu)
		# The same guest in both Xen guest types: earlyboot-pvh as a PVH
		# domU (128 MiB), earlyboot-pv as a PV domU (64 MiB); the
		# variants span the memory and vCPUs docs/domu.md promises.
		local type=${1%%-*} mem=128 vcpus=1 image=$PVH world=pvh-xen
		[ "$type" = pv ] && mem=64 image=$PV world=pv
		case $1 in
		*-64m) mem=64 ;;
		*-1g-2vcpu) mem=1024 vcpus=2 ;;
		esac
		st=$(domu_boot "$1" "type = \"$type\"
kernel = \"/domu/$(basename "$image")\"
ramdisk = \"/domu/kernel-initrd.cpio\"
cmdline = \"-- $initrd_arg\"
memory = $mem
vcpus = $vcpus" "$image" "$FIX/kernel-initrd.cpio")
		judge_domu "$1" "$st" "^earlyboot: stats " "^earlyboot: entering kernel" \
			"$(tk_pass_re "$world" "$FIX/tree/initrd")\$" ;;
	pv-linux-* | pvh-linux-* | full-stack | xen-dom0-full-stack)
		# Debian's Linux as a domU through earlyboot: PV gets Xen's PV start
		# of day, PVH the PVH entry (the default for a kernel with the
		# note under Xen PVH); Linux must agree it is that guest type.
		# full-stack: the PV domU, and dom0 started by earlyboot-pv too;
		# its reference (xen-dom0-full-stack) the same with Xen's builder
		# as dom0's loader.
		local c=$1
		case $c in *full-stack) c=pv-linux-vmlinux ;; esac
		if [ "${c##*-}" = cloud ] && [ -z "$CLOUD_BZ" ]; then
			missing_dep "boot:domu-$1" "Debian's cloud kernel" linux-image-cloud-amd64
			return
		fi
		local type=${c%%-*} form=${c##*-} image=$PVH gt=PVH
		local enter='^earlyboot: entering kernel .* through the PVH boot protocol'
		[ "$type" = pv ] && image=$PV gt=PV enter='^earlyboot: entering kernel at '
		local loader=xen
		[ "$1" = full-stack ] && loader=earlyboot
		st=$(DOM0_LOADER=$loader domu_boot "$1" "type = \"$type\"
kernel = \"/domu/$(basename "$image")\"
ramdisk = \"/domu/linux-$form.cpio\"
cmdline = \"-- console=hvc0 eb.marker eb.id=$1 eb.mem_mib=200 eb.guest_type=$gt\"
memory = 256
vcpus = 1" "$image" "$FIX/linux-$form.cpio")
		local ref= dom0_re=
		[ "$1" = xen-dom0-full-stack ] && ref=1
		# dom0's loader speaks on Xen's console, before the domU's log.
		[ "$1" = full-stack ] && dom0_re='^earlyboot: entering kernel at '
		# The bzImage forms: the loader decoded the payload (the cloud
		# kernel's is LZ4), and the kernel that ran is that flavour.
		local decoded='^earlyboot: entering' flavour=
		case $form in
		bzimage) decoded='^earlyboot: kernel .*a Linux bzImage.*: payload: xz, ' ;;
		cloud) decoded='^earlyboot: kernel .*a Linux bzImage.*: payload: lz4, ' flavour='-cloud-amd64' ;;
		esac
		REF=$ref DOM0_RE=$dom0_re judge_domu "$1" "$st" "$enter" "$decoded" \
			"^(\[ *[0-9.]+\] )?EARLYBOOT-LINUX: PASS $1 .*kernel=[^ ]*$flavour" ;;
	pv-bad-module | pvh-bad-module | pv-too-big | pvh-too-big)
		# One error line, then the domain ends (crash: x86_exit's hook).
		local type=${1%%-*} image=$PVH mem=128 mod=$FIX/too-big.elf pat
		[ "$type" = pv ] && image=$PV mem=64
		case $1 in *-bad-module) mod=$FIX/not-kernel.bin ;; esac
		st=$(domu_boot "$1" "type = \"$type\"
kernel = \"/domu/$(basename "$image")\"
ramdisk = \"/domu/$(basename "$mod")\"
memory = $mem
vcpus = 1" "$image" "$mod")
		case $1 in
		*-bad-module) pat='neither a kernel \(ELF, bzImage\) nor a newc cpio' ;;
		pv-too-big) pat="^earlyboot: error: kernel: segments 0x[0-9a-f]+-0x[0-9a-f]+ must lie between the bootstrap region's end 0x[0-9a-f]+ and the domain's 0x4000000" ;;
		pvh-too-big) pat='^earlyboot: error: kernel \(module 0\): segment [0-9]+ at pa 0x[0-9a-f]+-0x[0-9a-f]+ lies outside usable RAM .* is free' ;;
		esac
		case $1 in
		pv-bad-module) pat="^earlyboot: error: start_info\.mod_start \([0-9]+ bytes at 0x[0-9a-f]+\): $pat" ;;
		pvh-bad-module) pat="^earlyboot: error: start_info\.modlist\[0\] \([0-9]+ bytes at 0x[0-9a-f]+\): $pat" ;;
		esac
		judge_domu_error "$1" "$st" "$pat" ;;
	pv-bridge-give-back)
		# Xen refuses the bridge's last step (a kernel at another
		# VIRT_BASE, build/pvstart-low.elf): its line reaches a domU's
		# ring too, which the bridge cannot write (docs/pv.md).
		st=$(domu_boot "$1" "type = \"pv\"
kernel = \"/domu/$(basename "$PV")\"
ramdisk = \"/domu/pvstart-low.elf\"
cmdline = \"debug=bridge-give-back\"
memory = 64
vcpus = 1" "$PV" build/pvstart-low.elf)
		judge_domu_error "$1" "$st" "^earlyboot: error: PV start of day \(bridge\): mmu_update giving the staging frames back writable \(request [0-9]+ of [0-9]+, ptr 0xffffffffff000; the [0-9]+ before it taken back\) refused by Xen: code -[0-9]+; back on this loader's tree" ;;
	*)
		echo "FAIL boot:domu-$1: no such case" ;;
	esac
}

fixtures || { echo "FAIL boot:domu-setup: fixtures"; exit 1; }
ALL="xl-linux-pv pvh-testkernel pv-testkernel pvh-testkernel-64m pvh-testkernel-1g-2vcpu
pv-testkernel-1g-2vcpu pv-linux-vmlinux pvh-linux-vmlinux pv-linux-bzimage pvh-linux-bzimage
pv-linux-cloud pvh-linux-cloud
pv-bad-module pvh-bad-module
pv-too-big pvh-too-big pv-bridge-give-back full-stack xen-dom0-full-stack"
cases=${*:-$ALL}
run_cases run_case $cases
