# Stock Linux in every world: the files, fixtures and QEMU command lines
# shared by the boot tests (tests/boot/linux.sh) and the side-by-side boot
# timing (tools/bench-boot). Sourced after tests/lib/boot.bash, never run
# (tests/lib/ holds no tests).

EFI=build/earlyboot.efi
PVH=build/earlyboot-pvh.elf
PV=build/earlyboot-pv.elf
OVMF=/usr/share/ovmf/OVMF.fd
BZ=build/linux/bzImage
VMLINUX=build/linux/vmlinux
INITRD=build/linux/initramfs.cpio
FIX=build/linux-fixtures
XEN_ARGS="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
mkdir -p "$LOGS" "$FIX"

# make linux takes the kernel from Debian's package: without it there is
# nothing to build, which is a missing dependency, not a build to rerun.
if [ ! -f "$BZ" ] && ! ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1; then
	missing_dep "boot:$WORLD" "a Debian kernel image (/boot/vmlinuz-*-amd64)" linux-image-amd64
	exit
fi
need_built "$EFI" "$PVH" "$BZ" "$VMLINUX" "$INITRD"
need_qemu
have_xen=0
prepare_xen && have_xen=1

# At the start of a line, or of a kernel log line (tests/linux/init).
PASS_RE='^(\[ *[0-9.]+\] )?EARLYBOOT-LINUX: PASS'
# The guest's checks, on every good boot's kernel command line.
# Under Xen, console=hvc0 earlyprintk=xen: the kernel log through Xen's
# console (a PVH dom0 entered natively gets no hvc0 of its own).
guest_args() { # guest_args CASE CONSOLE MEM_MIB
	local early=
	[ "$2" = hvc0 ] && early=" earlyprintk=xen"
	echo "console=$2$early eb.marker eb.id=$1 eb.acpi=1 eb.mem_mib=$3 panic=-1"
}

# ---- fixtures: the kernel as a cpio module, and the bad kernels ----------
cpio_dir() { # cpio_dir DIR OUT MEMBER...
	local dir=$1 out=$2
	shift 2
	(cd "$dir" && printf '%s\n' "$@" | cpio -o -H newc -R 0:0 --quiet) >"$out"
}

# patch_bz OUT OFFSET FORMAT VALUE...: a copy of the bzImage with bytes
# replaced (struct.pack FORMAT at OFFSET), e.g. a wrong magic.
patch_bz() {
	python3 - "$BZ" "$@" <<'PY'
import struct, sys
src, out, off, fmt = sys.argv[1:5]
vals = [int(v, 0) for v in sys.argv[5:]]
data = bytearray(open(src, "rb").read())
struct.pack_into(fmt, data, int(off, 0), *vals)
open(out, "wb").write(data)
PY
}

# One more 16-byte unit than the protected-mode kernel after the setup has.
syssize_past_end() {
	python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
setup = ((d[0x1f1] or 4) + 1) * 512
print((len(d) - setup + 15) // 16 + 1)
PY
}

fixtures() {
	local t=$FIX/tree
	rm -rf "$t"
	mkdir -p "$t"
	cp "$BZ" "$t/kernel"
	cp "$INITRD" "$t/initrd"
	cpio_dir "$t" "$FIX/bz-initrd.cpio" kernel initrd || return 1
	# The whole boot in one module: the command line as a member too.
	guest_args pvh-bzimage ttyS0 400 >"$t/cmdline"
	cpio_dir "$t" "$FIX/bz-initrd-cmdline.cpio" kernel initrd cmdline || return 1
	cp "$VMLINUX" "$t/kernel"
	cpio_dir "$t" "$FIX/vmlinux-initrd.cpio" kernel initrd || return 1
	# Bad kernels: each breaks one header check (docs/linux.md).
	patch_bz "$FIX/bad-magic" 0x202 '<I' 0x53726458 || return 1 # "XdrS"
	patch_bz "$FIX/bad-protocol" 0x206 '<H' 0x0201 || return 1
	# Not relocatable, and linked to run at 3 GiB: beyond a 512 MiB guest.
	patch_bz "$FIX/bad-nonreloc.tmp" 0x234 '<B' 0 &&
		BZ=$FIX/bad-nonreloc.tmp patch_bz "$FIX/bad-nonreloc" 0x258 '<Q' 0xc0000000 || return 1
	rm -f "$FIX/bad-nonreloc.tmp"
	# A header OVMF and SeaBIOS boot: syssize reaching past the file's end.
	patch_bz "$FIX/syssize-past-end" 0x1f4 '<I' "$(syssize_past_end "$BZ")" || return 1
	local b
	for b in bad-magic bad-protocol bad-nonreloc; do
		rm -rf "$FIX/$b.d"
		mkdir -p "$FIX/$b.d"
		cp "$FIX/$b" "$FIX/$b.d/kernel"
		cpio_dir "$FIX/$b.d" "$FIX/$b.cpio" kernel || return 1
	done
}

# ---- how each world boots ------------------------------------------------
make_esp() { # make_esp DIR KERNEL_FILE CFG [INITRD_FILE]
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir/EFI/BOOT"
	cp "$EFI" "$dir/EFI/BOOT/BOOTX64.EFI"
	cp "$2" "$dir/kernel"
	cp "${4:-$INITRD}" "$dir/initrd"
	printf '%s\n' "$3" >"$dir/earlyboot.cfg"
}

uefi() { # uefi CASE MEM [ESP_DIR [CPU]]: boots $FIX/esp-CASE unless told
	local esp=${3:-}
	qemu_boot "$1" -M q35 -m "$2" ${4:+-cpu "$4"} -bios "$OVMF" \
		-drive "format=raw,file=fat:rw:${esp:-$FIX/esp-$1}"
}

# OVMF's SMM build (no keys enrolled: Secure Boot off): its map holds ACPI
# NVS at 16 MiB, where kernels are linked.
uefi_smm() { # uefi_smm CASE MEM: boots $FIX/esp-CASE
	qemu_boot_pflash "$1" "$2" "$OVMF_SMM_CODE" "$OVMF_SMM_VARS" "$FIX/$1.vars" "$FIX/esp-$1"
}

pvh_direct() { # pvh_direct CASE MEM MODULE ARGS [CPU]
	qemu_boot "$1" -M pc -m "$2" ${5:+-cpu "$5"} -kernel "$PVH" -initrd "$3" -append "$4"
}

# Under Xen, dom0's kernel is earlyboot unless DOM0_KERNEL says otherwise
# (tools/bench-boot: Xen booting Linux itself).
pvh_xen() { # pvh_xen CASE DOM0_MEM MODULE ARGS [DOM0_KERNEL]
	qemu_boot "$1" -M q35 -cpu qemu64,+svm,+npt -device intel-iommu -m 1024 \
		-kernel "$XEN" -append "$XEN_ARGS dom0=pvh dom0_mem=$2,max:$2" \
		-initrd "${5:-$PVH} $4,$3"
}

pv_xen() { # pv_xen CASE DOM0_MEM MODULE ARGS [DOM0_KERNEL]
	qemu_boot "$1" -M pc -cpu qemu64 -m 1024 \
		-kernel "$XEN" -append "$XEN_ARGS dom0_mem=$2,max:$2" \
		-initrd "${5:-$PV} $4,$3"
}

