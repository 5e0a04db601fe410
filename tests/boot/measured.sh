#!/usr/bin/env bash
# Boot tests of measured boot (docs/measured-boot.md): OVMF
# (OVMF_CODE_4M.fd and a writable copy of OVMF_VARS_4M.fd) with a TPM 2.0
# from swtpm on QEMU's tpm-tis device. earlyboot measures the kernel and
# initrd into PCR 9 and its options and the kernel command line into
# PCR 12. Debian's Linux, started through the Linux protocol, prints the
# PCRs it reads from /sys/class/tpm/tpm0/pcr-sha256/N and the event log
# (tests/linux/init, eb.pcrs=); tools/pcr-recompute recomputes both from
# the files on the host and the two must agree.
#
#   tests/boot/measured.sh          every case
#   tests/boot/measured.sh CASE...  only those (linux, cmdline-changes-pcr,
#                                   secureboot, off, testkernel:
#                                   boot:measured-CASE)
#
# Logs: build/logs/measured-<case>.log; ESP folders, VARS copies and
# swtpm state in build/measured/<case>/. Each swtpm started here is
# stopped when its case ends (a trap covers every way out).
set -u
WORLD=measured
BOOT_STRIP_ESC=1
. "$(dirname "$0")/../lib/boot.bash"

EFI=build/earlyboot.efi
CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
# Secure Boot enforcing (the secureboot case): the snakeoil build and keys.
SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SNAKE_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
SNAKE_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
BZ=build/linux/bzImage
LINUX_INITRD=build/linux/initramfs.cpio
# Absolute: swtpm --daemon leaves for /, where a relative state path fails.
M=$PWD/build/measured
mkdir -p "$LOGS" "$M"

need_built "$EFI" "$KERNEL" "$FIXTURE" "$BZ" "$LINUX_INITRD"
need_qemu
for f in "$CODE" "$VARS"; do
	if [ ! -e "$f" ]; then
		missing_dep boot:measured "$f" ovmf
		exit
	fi
done
if ! command -v swtpm >/dev/null 2>&1; then
	missing_dep boot:measured swtpm swtpm
	exit
fi

# The PCRs the guest prints and the tool replays: the firmware's own
# (0-7, through the event log earlyboot hands Linux) and earlyboot's.
PCRS=0,1,2,3,4,5,6,7,9,12
LINUX_ARGS="console=ttyS0 eb.marker eb.acpi=1 eb.mem_mib=400 panic=-1"
PASS_RE='^(\[ *[0-9.]+\] )?EARLYBOOT-LINUX: PASS'
MEASURED_LINES=(
	'^earlyboot: measured boot: TPM 2\.0 \(EFI_TCG2_PROTOCOL [0-9.]+, active PCR banks: [a-z0-9 ]*sha256'
	'^earlyboot: measured boot: options \\earlyboot\.cfg: [0-9]+ bytes into PCR 12 '
	'^earlyboot: measured boot: kernel command line: [0-9]+ bytes into PCR 12 '
	'^earlyboot: stats .* measured=9,12 secureboot='
)

# esp DIR KERNEL INITRD CFG: the volume: loader, kernel, initrd, \earlyboot.cfg.
esp() {
	rm -rf "$1"
	mkdir -p "$1/EFI/BOOT"
	cp "$EFI" "$1/EFI/BOOT/BOOTX64.EFI" && cp "$2" "$1/${2##*/}" &&
		cp "$3" "$1/${3##*/}" && printf '%s\n' "$4" >"$1/earlyboot.cfg"
}

# swtpm_start DIR: a fresh TPM 2.0 whose state lives in DIR; stopped by
# swtpm_stop DIR, and by the trap when the case's shell ends first.
swtpm_start() {
	rm -rf "$1"
	mkdir -p "$1"
	trap "swtpm_stop '$1'" EXIT
	swtpm socket --tpm2 --tpmstate "dir=$1" --ctrl "type=unixio,path=$1/sock" \
		--pid "file=$1/pid" --log "file=$1/swtpm.log" --daemon || return 1
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -S "$1/sock" ] && return 0
		sleep 0.2
	done
	return 1
}

swtpm_stop() {
	[ -s "$1/pid" ] && kill "$(cat "$1/pid")" 2>/dev/null
	rm -f "$1/pid"
}

# boot NAME TPM [SB]: boot build/measured/NAME/esp, with a TPM (1) or
# without (0); SB=1: on the snakeoil firmware, Secure Boot enforcing.
boot() {
	local d=$M/$1 tpm=() code=$CODE vars=$VARS machine=(-M q35)
	if [ "$2" = 1 ]; then
		swtpm_start "$d/tpm" || { echo 1; return; }
		tpm=(-chardev "socket,id=chrtpm,path=$d/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
			-device tpm-tis,tpmdev=tpm0)
	fi
	if [ "${3:-0}" = 1 ]; then
		code=$SB_CODE vars=$SB_VARS
		machine=(-M q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
	fi
	cp "$vars" "$d/vars.fd" || { echo 1; return; }
	BOOT_TIMEOUT=150 TIMEOUT=150 qemu_boot "$1" "${machine[@]}" -m 512 \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code" \
		-drive "if=pflash,format=raw,unit=1,file=$d/vars.fd" \
		-drive "format=raw,file=fat:rw:$d/esp" "${tpm[@]}"
	[ "$2" = 1 ] && swtpm_stop "$d/tpm"
}

# sign_esp DIR: every file earlyboot reads signed with the snakeoil key
# (tools/eb-sign: the loader and the bzImage embedded, the initramfs and
# \earlyboot.cfg by manifest).
sign_esp() {
	local f
	for f in EFI/BOOT/BOOTX64.EFI bzImage initramfs.cpio earlyboot.cfg; do
		tools/eb-sign "$SNAKE_KEY" "$SNAKE_CERT" "$1/$f" "$1/$f" snakeoil >/dev/null || return 1
	done
}

# linux_measured NAME EXTRA [SB]: Linux and its initramfs under a TPM, the
# guest's PCRs and event log against tools/pcr-recompute. SB=1: every file
# signed, Secure Boot enforcing (Linux then locks itself down, closing
# /dev/port: its verdict line stands and it powers off, status 0). Prints
# the failure, or nothing; the tool's report goes to build/measured/NAME/pcrs.
linux_measured() {
	local d=$M/$1 st sb=${3:-0} want=33 sb_lines=()
	esp "$d/esp" "$BZ" "$LINUX_INITRD" \
		"kernel=bzImage initrd=initramfs.cpio -- $LINUX_ARGS eb.id=$1 eb.pcrs=$PCRS $2" ||
		{ echo "ESP setup"; return; }
	if [ "$sb" = 1 ]; then
		sign_esp "$d/esp" || { echo "signing the ESP"; return; }
		want=0
		sb_lines=('^earlyboot: secure boot: enforcing \(SecureBoot 1, SetupMode 0\)'
			'^earlyboot: kernel bzImage: Authenticode signature verified by the firmware'
			'^earlyboot: stats .* secureboot=enforcing$'
			'\] Kernel is locked down from EFI Secure Boot')
	fi
	st=$(boot "$1" 1 "$sb")
	local why
	why=$(judge_why "$1" "$st" "$want" "$PASS_RE $1 " 0 "${MEASURED_LINES[@]}" \
		'^earlyboot: measured boot: kernel bzImage: [0-9]+ bytes into PCR 9 ' \
		'^earlyboot: measured boot: initrd initramfs\.cpio: [0-9]+ bytes into PCR 9 ' \
		'^earlyboot: measured boot: event log of [0-9]+ bytes handed to Linux' "${sb_lines[@]}")
	if [ -n "$why" ]; then
		echo "$why; last lines: $(tail_of "$LOGS/$WORLD-$1.log")"
		return
	fi
	if ! tools/pcr-recompute --cfg "$d/esp/earlyboot.cfg" --kernel "$d/esp/bzImage" \
		--initrd "$d/esp/initramfs.cpio" --serial "$LOGS/$WORLD-$1.log" \
		--pcrs "$PCRS" >"$d/pcrs" 2>&1; then
		echo "tools/pcr-recompute: $(grep -a 'error' "$d/pcrs" | head -n 3 | tr '\n' '|')"
	fi
}

# pcr NAME N: PCR N as the case's guest read it.
pcr() {
	tr -d '\r' <"$LOGS/$WORLD-$1.log" | sed -n "s/^EARLYBOOT-PCR $2 //p" | head -n 1
}

case_cmd() {
	local why st
	case $1 in
	linux | secureboot) # the PCRs Linux reads are the ones recomputed on the
		# host; secureboot: the same with Secure Boot enforcing and a TPM at
		# once (the signed files are checked and measured, and PCR 7, the
		# firmware's Secure Boot policy replayed from the log, agrees too)
		local sb=0 f
		if [ "$1" = secureboot ]; then
			sb=1
			for f in "$SB_CODE" "$SB_VARS" "$SNAKE_KEY" "$SNAKE_CERT"; do
				if [ ! -e "$f" ]; then
					missing_dep "boot:$WORLD-$1" "$f" ovmf
					return
				fi
			done
		fi
		why=$(linux_measured "$1" "" "$sb")
		if [ -n "$why" ]; then echo "FAIL boot:$WORLD-$1: $why"; else echo "PASS boot:$WORLD-$1"; fi ;;
	cmdline-changes-pcr) # one word more: PCR 12 changes, PCR 9 does not
		why=$(linux_measured "$1-a" "eb.variant=a")
		[ -z "$why" ] && why=$(linux_measured "$1-b" "eb.variant=b")
		if [ -z "$why" ]; then
			local a12 b12 a9 b9
			a12=$(pcr "$1-a" 12) b12=$(pcr "$1-b" 12) a9=$(pcr "$1-a" 9) b9=$(pcr "$1-b" 9)
			if [ -z "$a12" ] || [ "$a12" = "$b12" ]; then
				why="PCR 12 is '$a12' for both command lines"
			elif [ "$a9" != "$b9" ]; then
				why="PCR 9 changed with the command line ($a9, $b9), the files did not"
			fi
		fi
		if [ -n "$why" ]; then echo "FAIL boot:$WORLD-$1: $why"; else echo "PASS boot:$WORLD-$1"; fi ;;
	off) # no TPM: Linux boots as before, one line says nothing was measured
		esp "$M/$1/esp" "$BZ" "$LINUX_INITRD" \
			"kernel=bzImage initrd=initramfs.cpio -- $LINUX_ARGS eb.id=$1" ||
			{ echo "FAIL boot:$WORLD-$1: ESP setup"; return; }
		st=$(boot "$1" 0)
		judge "$1" "$st" 33 "$PASS_RE $1 " 0 \
			'^earlyboot: measured boot: no TPM \(the firmware offers no EFI_TCG2_PROTOCOL\): nothing is measured$' \
			'^earlyboot: stats .* measured=none secureboot='
		if grep -aq 'bytes into PCR' "$LOGS/$WORLD-$1.log"; then
			echo "FAIL boot:$WORLD-$1-nothing-measured: a measurement without a TPM"
		fi ;;
	testkernel) # the test kernel under a TPM: the boot info says what was measured
		esp "$M/$1/esp" "$KERNEL" "$M/initrd.img" \
			"kernel=testkernel.elf initrd=initrd.img -- console=ttyS0 tk.initrd=4096" ||
			{ echo "FAIL boot:$WORLD-$1: ESP setup"; return; }
		st=$(boot "$1" 1)
		judge "$1" "$st" 33 "$(tk_pass_re uefi initrd.img)" 0 "${MEASURED_LINES[@]}" \
			'^TESTKERNEL: measured pcrs 9,12$' \
			'^earlyboot: measured boot: kernel testkernel\.elf: [0-9]+ bytes into PCR 9 ' ;;
	tcg2-error) # the TPM refuses a measurement (debug=tcg2-bad-pcr: PCR 24):
		# one line naming the file and the PCR, nothing started
		esp "$M/$1/esp" "$KERNEL" "$M/initrd.img" \
			"kernel=testkernel.elf initrd=initrd.img debug=tcg2-bad-pcr -- console=ttyS0" ||
			{ echo "FAIL boot:$WORLD-$1: ESP setup"; return; }
		st=$(boot "$1" 1)
		judge "$1" "$st" 37 '^earlyboot: error: measured boot: kernel testkernel\.elf: HashLogExtendEvent into PCR 24: invalid parameter$' 1 ;;
	tcg2-error-no-tpm) # the same switch without a TPM: nothing to break
		esp "$M/$1/esp" "$KERNEL" "$M/initrd.img" \
			"kernel=testkernel.elf initrd=initrd.img debug=tcg2-bad-pcr -- console=ttyS0" ||
			{ echo "FAIL boot:$WORLD-$1: ESP setup"; return; }
		st=$(boot "$1" 0)
		judge "$1" "$st" 37 '^earlyboot: error: debug=tcg2-bad-pcr: no TPM, so no measurement to refuse$' 1 ;;
	*) echo "FAIL boot:$WORLD-$1: no such case" ;;
	esac
}

ALL="linux cmdline-changes-pcr secureboot off testkernel tcg2-error tcg2-error-no-tpm"
# The test kernel's initrd, shared by the cases that boot it (made once,
# before they run in parallel).
"$FIXTURE" initrd "$M/initrd.img" 4096 || { echo "FAIL boot:$WORLD-setup: initrd fixture"; exit 1; }
# shellcheck disable=SC2086
run_cases case_cmd ${*:-$ALL}
