# Shared machinery of the xl domU runs (tests/boot/domu.sh, tools/bench-domu;
# docs/domu.md): Xen 4.17 in QEMU with Debian's Linux as PV dom0, whose
# initramfs (tests/linux/mkdom0initramfs, /init = tests/linux/dom0-init)
# runs the toolstack and `xl create`s what a second cpio puts under /domu.
# Sourced after tests/lib/boot.bash, with WORLD and TIMEOUT set.

PVH=build/earlyboot-pvh.elf
PV=build/earlyboot-pv.elf
BZ=build/linux/bzImage
VMLINUX=build/linux/vmlinux
INITRD=build/linux/initramfs.cpio
FIX=build/domu-fixtures
DOM0_CPIO=$FIX/dom0.cpio
# dom0's memory in MiB: 512 holds the toolstack, the domU's files in its
# initramfs and xl's copy of them while it builds a Linux domU (256 is too
# little: xl is OOM-killed); more files, more memory (tools/bench-domu).
DOM0_MEM=${DOM0_MEM:-512}
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=${DOM0_MEM}M,max:${DOM0_MEM}M dom0_max_vcpus=1"
DOM0_ARGS="console=hvc0 loglevel=4"

# domu_setup: what every run needs (else one FAIL, or SKIP for a missing
# package, and exit), and dom0's initramfs, remade when its sources or the
# kernel whose modules it carries are newer.
domu_setup() {
	need_built "$PV" "$PVH" "$BZ" "$VMLINUX" "$INITRD"
	need_qemu
	if ! prepare_xen; then
		missing_dep "boot:$WORLD" "$XEN_GZ" "$XEN_PKG"
		exit
	fi
	if [ ! -x /usr/lib/xen-4.17/bin/xl ]; then
		missing_dep "boot:$WORLD" /usr/lib/xen-4.17/bin/xl xen-utils-4.17
		exit
	fi
	mkdir -p "$LOGS" "$FIX"
	# The release of the kernel make linux took: its modules go into dom0.
	local kver
	kver=$(basename "$(cat build/linux/bzImage.source)")
	kver=${kver#vmlinuz-}
	if [ ! "$DOM0_CPIO" -nt tests/linux/dom0-init ] ||
		[ ! "$DOM0_CPIO" -nt tests/linux/mkdom0initramfs ] ||
		[ ! "$DOM0_CPIO" -nt "$BZ" ]; then
		tests/linux/mkdom0initramfs "$DOM0_CPIO" "$kver" ||
			{ echo "FAIL boot:$WORLD-setup: tests/linux/mkdom0initramfs"; exit 1; }
	fi
}

# domu_qemu NAME DIR DOM0_CMDLINE: dom0 with DIR's domu/ folder as /domu
# (DIR is consumed); prints QEMU's exit status. QEMU gets dom0's memory,
# the largest domU's (DIR/domu/*.cfg; at least 512 MiB counted) and 512
# MiB for Xen: 1536 MiB for the usual cases. DOM0_LOADER=earlyboot: earlyboot-pv is dom0's loader (its one
# module a bundle of dom0's vmlinux and initramfs, dom0's command line
# after "--", docs/pv.md); otherwise Xen's own builder.
domu_qemu() {
	local name=$1 d=$2 args=$3 dmem
	dmem=$(sed -n 's/^memory *= *//p' "$d"/domu/*.cfg | sort -n | tail -n 1)
	[ "${dmem:-0}" -gt 512 ] || dmem=512
	local mem=$((DOM0_MEM + dmem + 512))
	(cd "$d" && find domu | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$d.cpio" &&
		cat "$DOM0_CPIO" "$d.cpio" >"$d.initrd" || return 1
	rm -rf "$d" "$d.cpio"
	local dom0="$VMLINUX $args,$d.initrd"
	if [ "${DOM0_LOADER:-xen}" = earlyboot ]; then
		mkdir -p "$d" && ln "$VMLINUX" "$d/kernel" && mv "$d.initrd" "$d/initrd" &&
			(cd "$d" && printf 'kernel\ninitrd\n' | cpio -o -H newc -R 0:0 --quiet) \
				>"$d.initrd" || return 1
		rm -rf "$d"
		dom0="$PV -- $args,$d.initrd"
	fi
	# svm+npt: a PVH domU is an HVM guest; rdrand: xl waits for entropy without it.
	qemu_boot "$name" -M pc -cpu qemu64,+svm,+npt,+rdrand -m "$mem" \
		-kernel "$XEN" -append "$XEN_ARGS" -initrd "$dom0"
}

# domu_cfg NAME CFG_LINES: an xl config: the name eb-NAME, the lines, and
# how each end is handled (a crash is kept for dom0 to see, and destroyed
# by it).
domu_cfg() {
	echo "name = \"eb-$1\""
	printf '%s\n' "$2"
	echo 'on_poweroff = "destroy"'
	echo 'on_reboot = "destroy"'
	echo 'on_crash = "preserve"'
}

# guest_log NAME: the domU's console log as dom0 printed it.
guest_log() {
	tr -d '\r' <"$LOGS/$WORLD-$1.log" |
		sed -n '/^DOM0: domU console log begin/,/^DOM0: domU console log end/p'
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

