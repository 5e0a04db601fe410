#!/usr/bin/env bash
# Stock Linux chainloaded by earlyboot in every world (docs/linux.md): the
# Debian kernel (build/linux/bzImage, and its vmlinux extracted by
# tools/extract-vmlinux) with the busybox initramfs of tests/linux/, whose
# /init checks the command line (eb.marker), ACPI and the memory size from
# inside the guest and ends the run through isa-debug-exit: status 33 and
# "EARLYBOOT-LINUX: PASS <case>" is the only good verdict.
#
#   tests/boot/linux.sh            every case
#   tests/boot/linux.sh CASE...    only those (e.g. uefi-bzimage bad-magic)
#
# Logs: build/logs/linux-<case>.log. BOOT_TIMEOUT defaults to 150 s here:
# the kernel decompresses itself under emulation (seconds of XZ alone).
set -u
WORLD=linux
BOOT_STRIP_ESC=1
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}
. "$(dirname "$0")/../lib/boot.bash"
. tests/lib/linux_env.bash

case_cmd() {
	local c=$1 st
	case $c in
	uefi-* | bad-initrd-too-big) # booted by OVMF
		if [ ! -e "$OVMF" ]; then
			missing_dep "boot:linux-$c" "$OVMF" ovmf
			return
		fi ;;
	esac
	case $c in
	uefi-bzimage | uefi-vmlinux)
		local k=$BZ
		[ "$c" = uefi-vmlinux ] && k=$VMLINUX
		make_esp "$FIX/esp-$c" "$k" \
			"kernel=kernel initrd=initrd ptdump -- $(guest_args "$c" ttyS0 400) eb.levels=4 eb.efi=1 eb.fb=1" ||
			{ echo "FAIL boot:linux-$c: ESP setup"; return; }
		st=$(uefi "$c" 512)
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" "$(levels_re 4)" ;;
	pvh-bzimage) # kernel, initrd and command line all in the cpio module
		st=$(pvh_direct "$c" 512 "$FIX/bz-initrd-cmdline.cpio" "ptdump")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" \
			"^earlyboot: kernel command line from cpio member 'cmdline'" ;;
	pvh-bzimage-bare) # the bzImage itself as QEMU's one module: no initrd,
		# so the kernel's own lines are the verdict: it took our command
		# line and went as far as looking for a root file system
		st=$(pvh_direct "$c" 512 "$BZ" "-- $(guest_args "$c" ttyS0 400)")
		judge "$c" "$st" 0 "^earlyboot: entering Linux" 0 \
			"Kernel command line: .*eb.id=$c " "VFS: Unable to mount root fs" ;;
	pvh-vmlinux)
		st=$(pvh_direct "$c" 512 "$FIX/vmlinux-initrd.cpio" "ptdump -- $(guest_args "$c" ttyS0 400)")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" ;;
	uefi-smm-vmlinux | uefi-smm-bzimage) # OVMF's SMM build: 16 MiB is taken
		if [ ! -e "$OVMF_SMM_CODE" ]; then
			missing_dep "boot:linux-$c" "$OVMF_SMM_CODE" ovmf
			return
		fi
		local k=$BZ moved=
		[ "$c" = uefi-smm-vmlinux ] && k=$VMLINUX &&
			moved="^earlyboot: kernel kernel: linked at pa 0x1000000, which is taken: placed at pa 0x"
		make_esp "$FIX/esp-$c" "$k" \
			"kernel=kernel initrd=initrd ptdump -- $(guest_args "$c" ttyS0 400) eb.efi=1" ||
			{ echo "FAIL boot:linux-$c: ESP setup"; return; }
		st=$(uefi_smm "$c" 512)
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" ${moved:+"$moved"} ;;
	uefi-bzimage-efi) # protocol=efi: the firmware starts the bzImage's EFI
		# stub, which reads its initrd through our LoadFile2
		make_esp "$FIX/esp-$c" "$BZ" \
			"kernel=kernel initrd=initrd protocol=efi -- $(guest_args "$c" ttyS0 400) eb.efi=1" ||
			{ echo "FAIL boot:linux-$c: ESP setup"; return; }
		st=$(uefi "$c" 512)
		judge "$c" "$st" 33 "$PASS_RE $c " 0 \
			"^earlyboot: initrd initrd: [0-9]+ bytes served through LoadFile2" \
			"^earlyboot: starting PE/EFI application kernel " \
			"^EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID device path" ;;
	uefi-bzimage-syssize-past-end) # a field other loaders ignore
		make_esp "$FIX/esp-$c" "$FIX/syssize-past-end" \
			"kernel=kernel initrd=initrd -- $(guest_args "$c" ttyS0 400)" ||
			{ echo "FAIL boot:linux-$c: ESP setup"; return; }
		st=$(uefi "$c" 512)
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" ;;
	uefi-bzimage-la57) # XLF_5LEVEL and LA57: Linux runs 5-level from our tree
		make_esp "$FIX/esp-$c" "$BZ" \
			"kernel=kernel initrd=initrd ptdump -- $(guest_args "$c" ttyS0 400) eb.levels=5 eb.efi=1" ||
			{ echo "FAIL boot:linux-$c: ESP setup"; return; }
		st=$(uefi "$c" 512 "" "$LA57_CPU")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" "$(levels_re 5)" ;;
	pvh-bzimage-la57)
		st=$(pvh_direct "$c" 512 "$FIX/bz-initrd-cmdline.cpio" \
			"ptdump -- $(guest_args "$c" ttyS0 400) eb.levels=5" "$LA57_CPU")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" "$(levels_re 5)" ;;
	pvh-vmlinux-la57) # a vmlinux declares nothing: paging=5 is our word for it
		st=$(pvh_direct "$c" 512 "$FIX/vmlinux-initrd.cpio" \
			"paging=5 ptdump -- $(guest_args "$c" ttyS0 400) eb.levels=5" "$LA57_CPU")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" "$(levels_re 5)" ;;
	pvh-vmlinux-la57-default) # ... and without it, 4 levels
		st=$(pvh_direct "$c" 512 "$FIX/vmlinux-initrd.cpio" \
			"ptdump -- $(guest_args "$c" ttyS0 400) eb.levels=4" "$LA57_CPU")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" "$(levels_re 4)" ;;
	pvh-xen-bzimage-linux) # protocol=linux: the 64-bit entry, so an HVM guest
		need_xen "$c" || return
		st=$(pvh_xen "$c" 512M "$FIX/bz-initrd.cpio" \
			"protocol=linux ptdump -- $(guest_args "$c" hvc0 400) eb.guest_type=HVM")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 "^earlyboot: entering Linux" ;;
	pvh-vmlinux-pvh) # through its PVH entry (protocol=pvh, docs/pvh_handoff.md)
		st=$(pvh_direct "$c" 512 "$FIX/vmlinux-initrd.cpio" "protocol=pvh -- $(guest_args "$c" ttyS0 400)")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 \
			"^earlyboot: entering kernel cpio member 'kernel' through the PVH boot protocol at 0x" ;;
	uefi-vmlinux-pvh) uefi_pvh "$c" "$VMLINUX" ;;
	uefi-bzimage-pvh) # protocol=pvh under UEFI: the loader decodes the
		# payload before ExitBootServices and enters the vmlinux's PVH entry
		uefi_pvh "$c" "$BZ" "^earlyboot: kernel kernel \(a Linux bzImage\): payload: xz, .* in [0-9]+ ms" &&
			decode_time "$c" ;;
	pvh-xen-vmlinux | pvh-xen-bzimage) # the default under Xen: Linux's PVH
		# entry (a bzImage's vmlinux decoded by the loader first)
		if [ "$c" = pvh-xen-vmlinux ]; then
			pvh_dom0_linux "$c" "$FIX/vmlinux-initrd.cpio" ""
		else
			pvh_dom0_linux "$c" "$FIX/bz-initrd.cpio" "" \
				"^earlyboot: kernel \(cpio member 'kernel', a Linux bzImage\): payload: xz, .* in [0-9]+ ms" &&
				decode_time "$c"
		fi ;;
	reference-qemu-pvh-vmlinux) # no earlyboot: QEMU's own PVH loader, the yardstick
		local why
		st=$(qemu_boot "$c" -M pc -m 512 -kernel "$VMLINUX" -initrd "$INITRD" \
			-append "$(guest_args "$c" ttyS0 400)")
		why=$(judge_why "$c" "$st" 33 "$PASS_RE $c ")
		if [ -n "$why" ]; then
			echo "FAIL reference:linux-${c#reference-}: $why; last lines: $(tail_of "$LOGS/linux-$c.log")"
		else
			echo "PASS reference:linux-${c#reference-}"
		fi ;;
	pvh-bzimage-pvh) # protocol=pvh: the note lies in the compressed payload,
		# so the loader decodes it (docs/decompress.md) and enters the vmlinux
		st=$(pvh_direct "$c" 512 "$FIX/bz-initrd.cpio" "protocol=pvh -- $(guest_args "$c" ttyS0 400)")
		judge "$c" "$st" 33 "$PASS_RE $c " 0 \
			"^earlyboot: kernel \(cpio member 'kernel', a Linux bzImage\): payload: xz, .* in [0-9]+ ms" \
			"^earlyboot: entering kernel cpio member 'kernel' through the PVH boot protocol at 0x"
		decode_time "$c" ;;
	bad-pvh-bzimage) # protocol=pvh, a byte of the payload flipped: one line
		bad_payload "$FIX/bad-payload.d" || { echo "FAIL boot:linux-$c: fixture"; return; }
		st=$(pvh_direct "$c" 512 "$FIX/bad-payload.cpio" "protocol=pvh -- x")
		judge "$c" "$st" 37 "^earlyboot: error: kernel \(cpio member .kernel., a Linux bzImage\): xz: .* at input offset 0x[0-9a-f]+ \(payload at file offset 0x[0-9a-f]+\)" 1 ;;
	uefi-rt-bzimage | pvh-rt-bzimage | pvh-xen-rt-bzimage | uefi-cloud-bzimage | pvh-cloud-bzimage | uefi-cloud-bzimage-pvh)
		# Debian's other flavours (docs/compat.md): the real-time kernel
		# and the cloud kernel (its payload LZ4) through the Linux protocol
		# under UEFI and from QEMU's PVH entry, the real-time one through
		# its own PVH entry as Xen's PVH dom0 too (the cloud kernel has no
		# dom0 support), the cloud one's LZ4 payload decoded by the loader
		# under UEFI for its PVH entry; the verdict must come from that flavour
		local fl=cloud
		case $c in *-rt-*) fl=rt ;; esac
		local bz=$RT_BZ
		[ "$fl" = cloud ] && bz=$CLOUD_BZ
		if [ -z "$bz" ]; then
			missing_dep "boot:linux-$c" "Debian's $fl kernel" "linux-image-$fl-amd64"
			return
		fi
		local kr="kernel=[^ ]*-$fl-amd64"
		case $c in
		uefi-*-pvh)
			uefi_pvh "$c" "$bz" "^earlyboot: kernel kernel \(a Linux bzImage\): payload: lz4, .* in [0-9]+ ms" ;;
		uefi-*)
			make_esp "$FIX/esp-$c" "$bz" \
				"kernel=kernel initrd=initrd -- $(guest_args "$c" ttyS0 400) eb.efi=1" ||
				{ echo "FAIL boot:linux-$c: ESP setup"; return; }
			st=$(uefi "$c" 512)
			judge "$c" "$st" 33 "$PASS_RE $c .*$kr" 0 "^earlyboot: entering Linux" ;;
		pvh-xen-*)
			pvh_dom0_linux "$c" "$FIX/$fl-initrd.cpio" ".*$kr" \
				"^earlyboot: kernel \(cpio member 'kernel', a Linux bzImage\): payload: xz, " ;;
		pvh-*)
			st=$(pvh_direct "$c" 512 "$FIX/$fl-initrd.cpio" "-- $(guest_args "$c" ttyS0 400)")
			judge "$c" "$st" 33 "$PASS_RE $c .*$kr" 0 "^earlyboot: entering Linux" ;;
		esac ;;
	bad-magic)
		st=$(pvh_direct "$c" 256 "$FIX/bad-magic.cpio" "")
		judge "$c" "$st" 37 '^earlyboot: error: kernel \(cpio member .kernel.\): .*without a Linux setup header .*"HdrS" at 0x202' 1 ;;
	bad-protocol)
		st=$(pvh_direct "$c" 256 "$FIX/bad-protocol.cpio" "")
		judge "$c" "$st" 37 '^earlyboot: error: kernel \(cpio member .kernel.\): .*protocol 2\.01.* 2\.12' 1 ;;
	bad-nonreloc)
		st=$(pvh_direct "$c" 512 "$FIX/bad-nonreloc.cpio" "")
		judge "$c" "$st" 37 '^earlyboot: error: kernel \(cpio member .kernel.\): .*not relocatable.*0xc0000000' 1 ;;
	bad-initrd-too-big) # more initrd than the guest has memory (a sparse file)
		rm -f "$FIX/huge-initrd"
		truncate -s 300M "$FIX/huge-initrd"
		make_esp "$FIX/esp-$c" "$BZ" "kernel=kernel initrd=initrd -- x" "$FIX/huge-initrd" ||
			{ echo "FAIL boot:linux-$c: ESP setup"; return; }
		rm -f "$FIX/huge-initrd"
		st=$(uefi "$c" 256)
		judge "$c" "$st" 37 '^earlyboot: error: initrd initrd: .*314572800 bytes' 1 ;;
	*) echo "FAIL boot:linux-$c: no such case" ;;
	esac
}

# uefi_pvh CASE KERNEL [PATTERN...]: KERNEL through its PVH entry under
# OVMF (protocol=pvh); the log must also match each PATTERN.
uefi_pvh() {
	local c=$1 k=$2 st
	shift 2
	if [ ! -e "$OVMF" ]; then
		missing_dep "boot:linux-$c" "$OVMF" ovmf
		return 1
	fi
	make_esp "$FIX/esp-$c" "$k" \
		"kernel=kernel initrd=initrd protocol=pvh -- $(guest_args "$c" ttyS0 400)" ||
		{ echo "FAIL boot:linux-$c: ESP setup"; return 1; }
	st=$(uefi "$c" 512)
	judge "$c" "$st" 33 "$PASS_RE $c " 0 "$@" "through the PVH boot protocol at 0x"
}

# pvh_dom0_linux CASE MODULE PASS_TAIL [PATTERN...]: Linux from MODULE as
# Xen's PVH dom0, through its PVH entry (the default there), so it runs as
# the PVH dom0 it is, with hvc0 (the verdict reaches the console without
# earlyprintk); its PASS line must go on with PASS_TAIL and the log match
# each PATTERN.
pvh_dom0_linux() {
	local c=$1 mod=$2 tail=$3 st
	shift 3
	need_xen "$c" || return 1
	st=$(pvh_xen "$c" 512M "$mod" \
		"-- console=hvc0 eb.marker eb.id=$c eb.acpi=1 eb.mem_mib=400 eb.guest_type=PVH panic=-1")
	judge "$c" "$st" 33 "^EARLYBOOT-LINUX: PASS $c $tail" 0 "$@" \
		"^earlyboot: kernel \(cpio member 'kernel'\): entered through the pvh protocol \(the default for it here\)"
}

# need_xen CASE: Xen is installed, or the case's missing_dep line.
need_xen() {
	[ "$have_xen" = 1 ] && return 0
	missing_dep "boot:linux-$1" "$XEN_GZ" "$XEN_PKG"
	return 1
}

# decode_time CASE: the loader's own measure of its XZ decoding, as a note.
decode_time() {
	grep -aoE 'payload: xz, .* in [0-9]+ ms' "$LOGS/linux-$1.log" | head -n 1 |
		sed "s/^/# boot:linux-$1: /"
}

# bad_payload DIR: a cpio module whose kernel is the bzImage with its
# payload corrupted (bzimage_flip_payload).
bad_payload() {
	rm -rf "$1" && mkdir -p "$1" && bzimage_flip_payload "$BZ" "$1/kernel" &&
		cpio_dir "$1" "$FIX/bad-payload.cpio" kernel
}

ALL="uefi-bzimage uefi-vmlinux uefi-bzimage-efi uefi-smm-vmlinux uefi-smm-bzimage uefi-bzimage-syssize-past-end pvh-bzimage pvh-bzimage-bare pvh-vmlinux
pvh-xen-bzimage pvh-xen-bzimage-linux pvh-bzimage-pvh
uefi-bzimage-la57 pvh-bzimage-la57 pvh-vmlinux-la57 pvh-vmlinux-la57-default
bad-magic bad-protocol bad-nonreloc bad-initrd-too-big
pvh-vmlinux-pvh uefi-vmlinux-pvh uefi-bzimage-pvh pvh-xen-vmlinux reference-qemu-pvh-vmlinux bad-pvh-bzimage
uefi-rt-bzimage pvh-rt-bzimage pvh-xen-rt-bzimage uefi-cloud-bzimage pvh-cloud-bzimage uefi-cloud-bzimage-pvh"

# Debian's real-time and cloud kernels, when installed (tools/linux-image,
# by package), each with the test initramfs in one cpio.
RT_BZ=$(debian_flavour_bzimage rt)
CLOUD_BZ=$(debian_flavour_bzimage cloud)
flavour_fixture() { # flavour_fixture NAME BZIMAGE
	[ -n "$2" ] || return 0
	rm -rf "$FIX/$1.d" && mkdir -p "$FIX/$1.d" && cp "$2" "$FIX/$1.d/kernel" &&
		cp "$INITRD" "$FIX/$1.d/initrd" && cpio_dir "$FIX/$1.d" "$FIX/$1-initrd.cpio" kernel initrd
}

fixtures && flavour_fixture rt "$RT_BZ" && flavour_fixture cloud "$CLOUD_BZ" ||
	{ echo "FAIL boot:linux-setup: fixtures"; exit 1; }
# shellcheck disable=SC2086
run_cases case_cmd ${*:-$ALL}
