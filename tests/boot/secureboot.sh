#!/usr/bin/env bash
# Boot tests of Secure Boot (docs/secureboot.md): OVMF enforcing Secure
# Boot with Debian's snakeoil keys (OVMF_CODE_4M.snakeoil.fd and a
# writable copy of OVMF_VARS_4M.snakeoil.fd, whose PK, KEK and db hold
# the snakeoil certificate) boots build/earlyboot.efi signed with the
# snakeoil key; earlyboot must start only what db authorizes and dbx does
# not revoke, and refuse everything else with one error line (status 37).
# Good cases are judged from inside the guest (TESTKERNEL: PASS with its
# count and "TESTKERNEL: secure boot enforcing", or EARLYBOOT-LINUX: PASS).
#
#   tests/boot/secureboot.sh          every case
#   tests/boot/secureboot.sh CASE...  only those (e.g. elf-signed elf-changed)
#
# Logs: build/logs/secureboot-<case>.log; ESP folders and VARS copies in
# build/esp-sb/; keys, signed files and the dbx update in build/secureboot/.
set -u
WORLD=secureboot
BOOT_STRIP_ESC=1
. "$(dirname "$0")/../lib/boot.bash"

EFI=build/earlyboot.efi
EFIAPP=build/efiapp.efi
OVMF=/usr/share/ovmf/OVMF.fd
SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SETUP_CODE=$OVMF_SMM_CODE
SETUP_VARS=$OVMF_SMM_VARS
SNAKE_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
SNAKE_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
SNAKE_PASS=snakeoil
BZ=build/linux/bzImage
# Debian's shim, unsigned (package shim-unsigned; shim-signed's copy is
# signed by Microsoft only, which the snakeoil db does not hold).
SHIM=/usr/lib/shim/shimx64.efi
VMLINUX=build/linux/vmlinux
LINUX_INITRD=build/linux/initramfs.cpio
F=build/secureboot
ESPS=build/esp-sb
mkdir -p "$LOGS" "$ESPS" "$F"

need_built "$EFI" "$EFIAPP" "$KERNEL" "$FIXTURE" build/sigmanifest.efi
need_qemu
for f in "$SB_CODE" "$SB_VARS" "$SNAKE_KEY" "$SNAKE_CERT" "$OVMF"; do
	if [ ! -e "$f" ]; then
		missing_dep boot:secureboot "$f" ovmf
		exit
	fi
done
for p in sbsign:sbsigntool sbattach:sbsigntool openssl:openssl; do
	if ! command -v "${p%%:*}" >/dev/null 2>&1; then
		missing_dep boot:secureboot "${p%%:*}" "${p#*:}"
		exit
	fi
done

INITRD_BYTES=1048613
INITRD_ARG=tk.initrd=$INITRD_BYTES
PASS_INITRD=$(tk_pass_re uefi initrd.img)
ENFORCING='^TESTKERNEL: secure boot enforcing$'
STATS_ENFORCING='^earlyboot: stats .* secureboot=enforcing$'
GOOD_CFG="kernel=kernel.elf initrd=initrd.img -- console=ttyS0 $INITRD_ARG"

# sign KEYSET IN OUT: tools/eb-sign with the snakeoil pair (KEYSET snake),
# the throwaway one nobody enrolled (unknown), the one the shim-mok-*
# cases enroll in MokList (mok) or the one the db-* cases append to db
# (dbkey).
sign() {
	case $1 in
	snake) tools/eb-sign "$SNAKE_KEY" "$SNAKE_CERT" "$2" "$3" "$SNAKE_PASS" ;;
	unknown | mok | dbkey) tools/eb-sign "$F/$1.key" "$F/$1.pem" "$2" "$3" ;;
	esac
}

# ---- fixtures, made once a run ------------------------------------------
fixtures() {
	# Keys and certificates of our own, in no firmware database: one
	# nobody enrolls, one the shim-mok-* cases put in MokList.
	local k
	for k in unknown:"nobody enrolled" mok:"enrolled in MokList" dbkey:"appended to db"; do
		[ -s "$F/${k%%:*}.pem" ] && continue
		openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
			-subj "/CN=earlyboot test key ${k#*:}/" \
			-keyout "$F/${k%%:*}.key" -out "$F/${k%%:*}.pem" >/dev/null 2>&1 || return 1
	done
	sign snake "$EFI" "$F/earlyboot.efi" &&
	sign snake "$KERNEL" "$F/kernel.elf" &&
	sign unknown "$KERNEL" "$F/unknown/kernel.elf" &&
	sign dbkey "$KERNEL" "$F/dbkey/kernel.elf" &&
	"$FIXTURE" initrd "$F/initrd.img" "$INITRD_BYTES" &&
	sign snake "$F/initrd.img" "$F/initrd.img" &&
	sign snake "$EFIAPP" "$F/app.efi" || return 1
	# Signed, then one byte of its text changed: the signature no longer matches.
	mkdir -p "$F/changed"
	cp "$F/kernel.elf" "$F/kernel.elf.sig" "$F/changed/" &&
	python3 - "$F/changed/kernel.elf" <<'PY' || return 1
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
d[len(d) // 2] ^= 0x01
open(p, "wb").write(d)
PY
	# A second signed test kernel, whose SHA-256 goes into dbx: the test
	# kernel plus one trailing byte, which the ELF loader never reads
	# (it goes by the headers), so only the hash differs.
	mkdir -p "$F/revoked"
	{ cat "$KERNEL"; printf 'R'; } >"$F/revoked/in.elf" &&
	sign snake "$F/revoked/in.elf" "$F/revoked/kernel.elf" || return 1
	rm -f "$F/revoked/in.elf"
	if [ -f "$BZ" ]; then
		cp "$BZ" "$F/bzImage.debian" &&
		cp "$BZ" "$F/bzImage.unsigned" && sbattach --remove "$F/bzImage.unsigned" >/dev/null &&
		sign snake "$BZ" "$F/bzImage.snakeoil" &&
		sign snake "$LINUX_INITRD" "$F/initramfs.cpio" &&
		sign snake "$VMLINUX" "$F/vmlinux.snakeoil" &&
		sign mok "$VMLINUX" "$F/vmlinux.mok" || return 1
		# Re-signed, then a byte of the protected-mode kernel changed.
		python3 - "$F/bzImage.snakeoil" "$F/bzImage.changed" <<'PY' || return 1
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 0x01
open(sys.argv[2], "wb").write(d)
PY
	fi
	if [ -f "$BZ" ] && [ -f "$SHIM" ]; then
		# shim as Debian builds it (its own certificate: Debian's CA),
		# signed with the snakeoil key so this firmware starts it, and a
		# kernel only the throwaway key signs.
		mkdir -p "$F/shim" &&
		sign snake "$SHIM" "$F/shim/BOOTX64.EFI" &&
		sign unknown "$F/bzImage.unsigned" "$F/bzImage.unknown" &&
		sign mok "$F/bzImage.unsigned" "$F/bzImage.mok" &&
		mok_lists || return 1
	fi
	dbx_update
}

# shim's lists for the shim-mok-* cases, each an EFI_SIGNATURE_LIST
# ("Signature Database" in the UEFI specification) made by efitools:
# mok.esl, the MOK certificate (EFI_CERT_X509, cert-to-efi-sig-list) for
# MokList; mokx.esl, bzImage.mok's Authenticode SHA-256 (EFI_CERT_SHA256,
# hash-to-efi-sig-list) for MokListX; mokx-cert.esl, the MOK certificate
# itself for MokListX (revoking every image it signs). All signed for earlyboot as
# initrds, which the test application writes. Without efitools the
# shim-mok-* cases report it missing (vars_mok).
mok_lists() {
	command -v cert-to-efi-sig-list >/dev/null 2>&1 || return 0
	cert-to-efi-sig-list "$F/mok.pem" "$F/mok.esl" >/dev/null &&
	sign snake "$F/mok.esl" "$F/mok.esl" &&
	hash-to-efi-sig-list "$F/bzImage.mok" "$F/mokx.esl" >/dev/null &&
	sign snake "$F/mokx.esl" "$F/mokx.esl" &&
	cp "$F/mok.esl" "$F/mokx-cert.esl" &&
	sign snake "$F/mokx-cert.esl" "$F/mokx-cert.esl"
}

# The dbx update for the revoked cases: an EFI_SIGNATURE_LIST of one
# EFI_CERT_SHA256 entry (the revoked ELF kernel's hash), and one with the
# snakeoil-signed bzImage's Authenticode hash (efitools'
# hash-to-efi-sig-list), signed with the KEK
# (the snakeoil key is PK and KEK) as a time-based authenticated append
# (efitools' sign-efi-sig-list -a), signed for earlyboot as an initrd.
# The test application writes it (build/efiapp.efi initrd=dbx-append;
# efitools' own UpdateVars.efi in Debian 12 garbles its string constants,
# measured: it rejects "dbx" as an invalid variable).
dbx_update() {
	command -v sign-efi-sig-list >/dev/null 2>&1 || return 0
	python3 - "$F/revoked/kernel.elf" "$F/dbx.esl" <<'PY' || return 1
import hashlib, struct, sys, uuid
h = hashlib.sha256(open(sys.argv[1], "rb").read()).digest()
cert_sha256 = uuid.UUID("c1c41626-504c-4092-aca9-41f936934328").bytes_le
owner = uuid.UUID("11111111-2222-3333-4444-555555555555").bytes_le
sig = owner + h
open(sys.argv[2], "wb").write(cert_sha256 + struct.pack("<III", 28 + len(sig), 0, len(sig)) + sig)
PY
	if [ -f "$F/bzImage.snakeoil" ]; then
		hash-to-efi-sig-list "$F/bzImage.snakeoil" "$F/dbx-bz.esl" >/dev/null &&
		cat "$F/dbx-bz.esl" >>"$F/dbx.esl" || return 1
	fi
	# dbkey's certificate: appended to db (db.auth), then to dbx too
	# (dbx-cert.auth), revoking every file it signs.
	cert-to-efi-sig-list "$F/dbkey.pem" "$F/dbkey.esl" >/dev/null || return 1
	openssl pkey -in "$SNAKE_KEY" -passin "pass:$SNAKE_PASS" -out "$F/snakeoil-plain.key" 2>/dev/null &&
	sign-efi-sig-list -a -k "$F/snakeoil-plain.key" -c "$SNAKE_CERT" dbx "$F/dbx.esl" "$F/dbx.auth" >/dev/null &&
	sign snake "$F/dbx.auth" "$F/dbx.auth" &&
	sign-efi-sig-list -a -k "$F/snakeoil-plain.key" -c "$SNAKE_CERT" db "$F/dbkey.esl" "$F/db.auth" >/dev/null &&
	sign snake "$F/db.auth" "$F/db.auth" &&
	sign-efi-sig-list -a -k "$F/snakeoil-plain.key" -c "$SNAKE_CERT" dbx "$F/dbkey.esl" "$F/dbx-cert.auth" >/dev/null &&
	sign snake "$F/dbx-cert.auth" "$F/dbx-cert.auth"
	local rc=$?
	rm -f "$F/snakeoil-plain.key"
	return $rc
}

# esp NAME CFG KERNEL_DIR [LOADER]: build/esp-sb/NAME with the loader as
# EFI/BOOT/BOOTX64.EFI (with ESP_SHIM=1: shim there, started by the
# firmware, and the signed loader as the EFI/BOOT/grubx64.efi it starts), kernel.elf (and its .sig when KERNEL_DIR has one)
# from KERNEL_DIR, the signed test initrd, and CFG as \earlyboot.cfg signed
# with the snakeoil key. Callers remove what a case must lack.
esp() {
	local d=$ESPS/$1 cfg=$2 kd=$3 loader=${4:-$F/earlyboot.efi}
	rm -rf "$d"
	mkdir -p "$d/EFI/BOOT"
	if [ "${ESP_SHIM:-0}" = 1 ]; then
		cp "$F/shim/BOOTX64.EFI" "$d/EFI/BOOT/BOOTX64.EFI" &&
			cp "$loader" "$d/EFI/BOOT/grubx64.efi" || return 1
	else
		cp "$loader" "$d/EFI/BOOT/BOOTX64.EFI" || return 1
	fi &&
	cp "$F/initrd.img" "$F/initrd.img.sig" "$d/" || return 1
	if [ -n "$kd" ]; then
		cp "$kd/kernel.elf" "$d/" || return 1
		[ -e "$kd/kernel.elf.sig" ] && cp "$kd/kernel.elf.sig" "$d/"
	fi
	printf '%s\n' "$cfg" >"$d/earlyboot.cfg"
	sign snake "$d/earlyboot.cfg" "$d/earlyboot.cfg"
}

# sb_boot NAME MEM [VARS]: boot build/esp-sb/NAME on the snakeoil firmware
# with a fresh copy of VARS (default: the snakeoil variables).
sb_boot() {
	local name=$1 mem=$2 vars=${3:-$SB_VARS}
	qemu_boot_pflash "$name" "$mem" "$SB_CODE" "$vars" "$ESPS/$name.vars" "$ESPS/$name"
}

good() { # good NAME: a signed kernel, initrd and command line boot
	esp "$1" "$GOOD_CFG" "$F" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
	local st
	st=$(sb_boot "$1" 256)
	judge "$1" "$st" 33 "$PASS_INITRD" 0 "$ENFORCING" "$STATS_ENFORCING" \
		'^earlyboot: secure boot: enforcing \(SecureBoot 1, SetupMode 0\)' \
		'^earlyboot: kernel kernel\.elf: signed \(manifest kernel\.elf\.sig verified by the firmware against db and dbx; SHA-256 [0-9a-f]{64}\)$' \
		'^earlyboot: initrd initrd\.img: signed \(manifest initrd\.img\.sig ' \
		'^earlyboot: command line \\earlyboot\.cfg: signed \(manifest \\earlyboot\.cfg\.sig '
}

# refused NAME KERNEL_DIR PATTERN [VARS] [RM...]: one error line matching
# PATTERN, status 37, nothing started. RM: files removed from the ESP.
refused() {
	local name=$1 kd=$2 pat=$3 vars=${4:-}
	shift 4
	esp "$name" "$GOOD_CFG" "$kd" || { echo "FAIL boot:secureboot-$name: ESP setup"; return; }
	local r
	for r in "$@"; do rm -f "$ESPS/$name/$r"; done
	local st
	st=$(sb_boot "$name" 256 "$vars")
	judge "$name" "$st" 37 "^earlyboot: error: $pat" 1
	if grep -aq '^TESTKERNEL:' "$LOGS/$WORLD-$name.log" 2>/dev/null; then
		echo "FAIL boot:secureboot-$name-not-started: the test kernel ran"
	fi
}

# The firmware itself refuses an unsigned loader: no earlyboot line at all,
# the boot manager's "Access Denied", and nothing else to boot (the run
# ends by the timeout, kept short).
unsigned_loader() {
	esp "$1" "$GOOD_CFG" "$F" "$EFI" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
	local st log=$LOGS/$WORLD-$1.log
	st=$(TIMEOUT=20 sb_boot "$1" 256)
	if grep -aq '^earlyboot:' "$log"; then
		echo "FAIL boot:secureboot-$1: the firmware started the unsigned loader; last lines: $(tail_of "$log")"
	elif ! tr -d '\r' <"$log" | grep -aq 'Access Denied'; then
		echo "FAIL boot:secureboot-$1: no 'Access Denied' from the firmware (status $st); last lines: $(tail_of "$log")"
	else
		echo "PASS boot:secureboot-$1"
	fi
}

# linux NAME KERNEL WANT [VARS]: the stock kernel through the Linux
# protocol with the signed initramfs; WANT pass or a refusal PATTERN.
# KERNEL's .sig (a vmlinux's manifest) goes along when there is one.
linux() {
	local name=$1 k=$2 want=$3 vars=${4:-} d=$ESPS/$1
	if [ ! -f "$BZ" ]; then
		missing_dep "boot:secureboot-$name" "$BZ (make linux)" linux-image-amd64
		return
	fi
	esp "$name" "kernel=bzImage initrd=initramfs.cpio -- console=ttyS0 eb.marker eb.id=$name eb.acpi=1 eb.mem_mib=400 panic=-1" "" &&
	cp "$k" "$d/bzImage" && cp "$F/initramfs.cpio" "$F/initramfs.cpio.sig" "$d/" ||
		{ echo "FAIL boot:secureboot-$name: ESP setup"; return; }
	if [ -e "$k.sig" ]; then cp "$k.sig" "$d/bzImage.sig"; fi
	local st how='^earlyboot: kernel bzImage: Authenticode signature verified by the firmware'
	[ "${ESP_SHIM:-0}" = 1 ] && how='^earlyboot: kernel bzImage: Authenticode signature verified by shim \(SHIM_LOCK: db, dbx, MOK\)$'
	[ -e "$k.sig" ] && how='^earlyboot: kernel bzImage: signed \(manifest bzImage\.sig verified by the firmware'
	[ -e "$k.sig" ] && [ "${ESP_SHIM:-0}" = 1 ] &&
		how="^earlyboot: kernel bzImage: signed \\(manifest bzImage\\.sig verified by shim's LoadImage against db, dbx and MOK; "
	st=$(BOOT_TIMEOUT=150 TIMEOUT=150 sb_boot "$name" 512 "$vars")
	if [ "$want" = pass ]; then
		# Told Secure Boot is on (the zero page's secure_boot), Linux locks
		# itself down, which closes /dev/port: the guest's verdict line
		# stands, but it cannot reach isa-debug-exit and powers off (0).
		judge "$name" "$st" 0 "^(\[ *[0-9.]+\] )?EARLYBOOT-LINUX: PASS $name " 0 "$how" \
			'^earlyboot: stats .* secureboot=enforcing$' '^earlyboot: entering Linux' \
			'\] secureboot: Secure boot enabled' \
			'\] Kernel is locked down from EFI Secure Boot' \
			'^EARLYBOOT-LINUX: no isa-debug-exit at port 0xf4; halting'
	else
		judge "$name" "$st" 37 "^earlyboot: error: $want" 1
	fi
}

# The snakeoil-signed bzImage's Authenticode hash, as efitools computes it.
bz_hash() {
	hash-to-efi-sig-list "$F/bzImage.snakeoil" /dev/null 2>/dev/null | sed -n 's/^HASH IS //p'
}

# vars-setup: the snakeoil variables plus the revoked kernel's hash in
# dbx, written by the signed test application (started by earlyboot as a
# PE kernel, the update as its initrd) into the VARS copy the dbx cases
# boot with.
DBX_VARS=$ESPS/vars-dbx.fd
vars_dbx() {
	vars_setup "$1" vars-setup "$SB_VARS" "$DBX_VARS" dbx.auth "dbx append" initrd=dbx-append
}

# vars_setup CASE NAME IN OUT INITRD WANT WORDS...: boot the signed test
# application under earlyboot (no shim) with the variables IN, INITRD as
# its initrd and WORDS as its options; it writes a variable and says
# "EFIAPP: WANT: done 0x0", and the variables it leaves are copied to
# OUT. Made once a run. INITRD is made by efitools' tools (fixtures):
# without them, the case's missing_dep line.
vars_setup() {
	local c=$1 name=$2 in=$3 out=$4 initrd=$5 want=$6
	shift 6
	if [ ! -s "$F/$initrd" ]; then
		missing_dep "boot:secureboot-$c" "$F/$initrd (made by efitools' *-efi-sig-list)" efitools
		return 1
	fi
	[ -s "$out" ] && [ "$out" -nt "$F/$initrd" ] && [ "$out" -nt "$in" ] && return 0
	esp "$name" "kernel=app.efi initrd=$initrd -- $* status=success" "" &&
	cp "$F/app.efi" "$F/$initrd" "$F/$initrd.sig" "$ESPS/$name/" || return 1
	local st
	st=$(sb_boot "$name" 256 "$in")
	if ! grep -aq "^EFIAPP: $want: done 0x0" "$LOGS/$WORLD-$name.log"; then
		echo "FAIL boot:secureboot-$c: $want failed (status $st); last lines: $(tail_of "$LOGS/$WORLD-$name.log")"
		return 1
	fi
	cp "$ESPS/$name.vars" "$out"
}

# The snakeoil variables plus dbkey's certificate in db, and those plus
# the same certificate in dbx (the db-* cases).
DB_VARS=$ESPS/vars-db.fd
DBX_CERT_VARS=$ESPS/vars-dbx-cert.fd
vars_db() {
	vars_setup "$1" db-setup "$SB_VARS" "$DB_VARS" db.auth "db append" initrd=db-append
}
vars_dbx_cert() {
	vars_db "$1" &&
	vars_setup "$1" dbx-cert-setup "$DB_VARS" "$DBX_CERT_VARS" dbx-cert.auth "dbx append" initrd=dbx-append
}

# The snakeoil variables plus MokList holding the MOK certificate, and
# those plus MokListX holding bzImage.mok's hash. SHIM_VERBOSE=1 in the
# environment also sets shim's SHIM_VERBOSE: shim logs its checks.
MOK_VARS=$ESPS/vars-mok.fd
MOKX_VARS=$ESPS/vars-mokx.fd
vars_mok() {
	local v=
	[ "${SHIM_VERBOSE:-0}" = 1 ] && v=shim-verbose
	vars_setup "$1" mok-setup "$SB_VARS" "$MOK_VARS" mok.esl "MokList set" initrd=moklist $v
}
MOKX_CERT_VARS=$ESPS/vars-mokx-cert.fd
# vars_mokx CASE ESL OUT: the MOK VARS with MokListX set to ESL (a hash or
# a certificate), written to OUT.
vars_mokx() {
	vars_mok "$1" &&
	vars_setup "$1" "${2%.esl}-setup" "$MOK_VARS" "$3" "$2" "MokListX set" initrd=moklistx
}

# need_shim CASE: shim-unsigned installed (or the case's missing_dep line).
need_shim() {
	[ -f "$F/shim/BOOTX64.EFI" ] && return 0
	if [ ! -f "$SHIM" ]; then
		missing_dep "boot:secureboot-$1" "$SHIM" shim-unsigned
	else
		missing_dep "boot:secureboot-$1" "$BZ (make linux)" linux-image-amd64
	fi
	return 1
}

case_cmd() {
	local st
	case $1 in
	elf-signed) good "$1" ;;
	loader-unsigned) unsigned_loader "$1" ;;
	elf-unsigned)
		refused "$1" "$F" "kernel kernel\.elf: Secure Boot refuses it: not signed \(no signature manifest kernel\.elf\.sig: not found\)\$" "" kernel.elf.sig ;;
	elf-unknown-key)
		refused "$1" "$F/unknown" "kernel kernel\.elf: Secure Boot refuses it: signed by an unknown key \(kernel\.elf\.sig: its signature covers it, but no signer chains to db; LoadImage: (security violation|access denied)\)\$" "" ;;
	elf-changed)
		refused "$1" "$F/changed" "kernel kernel\.elf: Secure Boot refuses it: digest mismatch: [0-9]+ bytes with SHA-256 [0-9a-f]{64}, kernel\.elf\.sig signed [0-9]+ bytes with SHA-256 [0-9a-f]{64}\$" "" ;;
	elf-revoked-dbx)
		vars_dbx "$1" || return
		refused "$1" "$F/revoked" "kernel kernel\.elf: Secure Boot refuses it: revoked in dbx \(its SHA-256 [0-9a-f]{64} is listed\)\$" "$DBX_VARS" ;;
	elf-signed-dbx-other) # dbx holds another kernel's hash: this one still boots
		vars_dbx "$1" || return
		esp "$1" "$GOOD_CFG" "$F" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
		st=$(sb_boot "$1" 256 "$DBX_VARS")
		judge "$1" "$st" 33 "$PASS_INITRD" 0 "$ENFORCING" '^earlyboot: secure boot: db 1 signature list, dbx [1-9]' ;;
	initrd-unsigned)
		refused "$1" "$F" "initrd initrd\.img: Secure Boot refuses it: not signed " "" initrd.img.sig ;;
	cfg-unsigned)
		refused "$1" "$F" "command line \\\\earlyboot\.cfg: Secure Boot refuses it: not signed " "" earlyboot.cfg.sig ;;
	pe-app-signed) # the firmware checks it and starts it: it reports back
		esp "$1" "kernel=app.efi -- status=aborted signed" "" && cp "$F/app.efi" "$ESPS/$1/" ||
			{ echo "FAIL boot:secureboot-$1: ESP setup"; return; }
		st=$(sb_boot "$1" 256)
		judge "$1" "$st" 37 "^EFIAPP: load options 'status=aborted signed'\$" 1 \
			'^earlyboot: error: kernel app\.efi \(PE/EFI application\) returned aborted' ;;
	pe-app-unsigned | shim-pe-app-unsigned) # refused by LoadImage: the
		# firmware's, or shim's when shim started us
		local by=LoadImage shim=0
		if [ "$1" = shim-pe-app-unsigned ]; then
			need_shim "$1" || return
			by="shim's LoadImage" shim=1
		fi
		ESP_SHIM=$shim esp "$1" "kernel=app.efi -- status=aborted unsigned" "" &&
			cp "$EFIAPP" "$ESPS/$1/app.efi" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
		st=$(sb_boot "$1" 256)
		judge "$1" "$st" 37 "^earlyboot: error: kernel app\\.efi: Secure Boot refuses it: not signed \\(the PE image has no Authenticode signature; $by: (security violation|access denied)\\)\$" 1 ;;
	linux-debian-signed) # signed by Debian, whose key is not in this db: the bypass
		linux "$1" "$F/bzImage.debian" "kernel bzImage: Secure Boot refuses it: signed by an unknown key \(its signature covers it, but no signer chains to db; LoadImage: (security violation|access denied)\)\$" ;;
	linux-unsigned) # Debian's kernel with its signature removed (sbattach --remove)
		linux "$1" "$F/bzImage.unsigned" "kernel bzImage: Secure Boot refuses it: not signed \(the PE image has no Authenticode signature; LoadImage: (security violation|access denied)\)\$" ;;
	linux-snakeoil-signed) linux "$1" "$F/bzImage.snakeoil" pass ;;
	linux-vmlinux-signed) # no signature of its own: its manifest (the file is named bzImage on the volume)
		linux "$1" "$F/vmlinux.snakeoil" pass ;;
	linux-changed) # re-signed, then changed: the firmware's hash check fails
		linux "$1" "$F/bzImage.changed" "kernel bzImage: Secure Boot refuses it: digest mismatch \(no signature in its certificate table is over its Authenticode SHA-256 [0-9a-f]{64}; LoadImage: (security violation|access denied)\)\$" ;;
	linux-revoked-dbx) # the snakeoil-signed bzImage, its Authenticode hash in dbx
		vars_dbx "$1" || return
		linux "$1" "$F/bzImage.snakeoil" "kernel bzImage: Secure Boot refuses it: revoked in dbx \(its Authenticode SHA-256 $(bz_hash) is listed; LoadImage: (security violation|access denied)\)\$" "$DBX_VARS" ;;
	shim-debian-kernel) # shim starts us: Debian's kernel passes through shim's own certificate
		need_shim "$1" || return
		ESP_SHIM=1 linux "$1" "$F/bzImage.debian" pass ;;
	shim-unknown-key) # signed by a key neither db, shim nor MokList holds: shim's Verify refuses it
		need_shim "$1" || return
		ESP_SHIM=1 linux "$1" "$F/bzImage.unknown" "kernel bzImage: Secure Boot refuses it: signed by an unknown key \(its signature covers it, but no signer chains to db, shim's own certificate or MokList; shim's SHIM_LOCK Verify: (security violation|access denied)\)\$" ;;
	shim-mok-kernel) # signed only by a key enrolled in MokList: shim's Verify accepts it
		need_shim "$1" && vars_mok "$1" || return
		ESP_SHIM=1 linux "$1" "$F/bzImage.mok" pass "$MOK_VARS" ;;
	shim-mok-manifest) # a vmlinux whose manifest only the MOK key signs:
		# shim's LoadImage checks the manifest against MokList too
		need_shim "$1" && vars_mok "$1" || return
		ESP_SHIM=1 linux "$1" "$F/vmlinux.mok" pass "$MOK_VARS" ;;
	shim-manifest-not-enrolled) # the same manifest, MokList empty: refused
		need_shim "$1" || return
		ESP_SHIM=1 linux "$1" "$F/vmlinux.mok" "kernel bzImage: Secure Boot refuses it: signed by an unknown key \(bzImage\.sig: its signature covers it, but no signer chains to db, shim's own certificate or MokList; shim's LoadImage: (security violation|access denied)\)\$" ;;
	shim-mok-revoked) # the same kernel, its hash also in MokListX: shim's Verify refuses it
		need_shim "$1" && vars_mokx "$1" mokx.esl "$MOKX_VARS" || return
		ESP_SHIM=1 linux "$1" "$F/bzImage.mok" "kernel bzImage: Secure Boot refuses it: revoked in MokListX \(its Authenticode SHA-256 [0-9a-f]{64} is listed; shim's SHIM_LOCK Verify: (security violation|access denied)\)\$" "$MOKX_VARS" ;;
	shim-mok-cert-revoked) # the same kernel, the MOK certificate itself in MokListX: refused
		need_shim "$1" && vars_mokx "$1" mokx-cert.esl "$MOKX_CERT_VARS" || return
		ESP_SHIM=1 linux "$1" "$F/bzImage.mok" "kernel bzImage: Secure Boot refuses it: revoked in MokListX \(a certificate of its signature is listed; shim's SHIM_LOCK Verify: (security violation|access denied)\)\$" "$MOKX_CERT_VARS" ;;
	db-appended-key) # a kernel signed by a key appended to db boots
		vars_db "$1" || return
		esp "$1" "$GOOD_CFG" "$F/dbkey" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
		st=$(sb_boot "$1" 256 "$DB_VARS")
		judge "$1" "$st" 33 "$PASS_INITRD" 0 "$ENFORCING" \
			'^earlyboot: kernel kernel\.elf: signed \(manifest kernel\.elf\.sig verified by the firmware against db and dbx; SHA-256 [0-9a-f]{64}\)$' ;;
	dbx-cert) # the same kernel, its signer's certificate in dbx too: refused
		vars_dbx_cert "$1" || return
		refused "$1" "$F/dbkey" "kernel kernel\.elf: Secure Boot refuses it: revoked in dbx \(kernel\.elf\.sig: a certificate of its signature is listed; LoadImage: (security violation|access denied)\)\$" "$DBX_CERT_VARS" ;;
	off-unsigned) # Secure Boot off (plain OVMF.fd): unsigned files boot as before
		esp "$1" "$GOOD_CFG" "$KERNEL_DIR" "$EFI" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
		rm -f "$ESPS/$1"/*.sig
		st=$(qemu_boot "$1" -M q35 -m 256 -bios "$OVMF" -drive "format=raw,file=fat:rw:$ESPS/$1")
		judge "$1" "$st" 33 "$PASS_INITRD" 0 '^TESTKERNEL: secure boot (none|setup|off)$' \
			'^earlyboot: stats .* secureboot=(none|setup|off)$' ;;
	setup-mode-unsigned) # the Secure Boot build with no keys enrolled
		esp "$1" "$GOOD_CFG" "$KERNEL_DIR" "$EFI" || { echo "FAIL boot:secureboot-$1: ESP setup"; return; }
		rm -f "$ESPS/$1"/*.sig
		st=$(qemu_boot_pflash "$1" 256 "$SETUP_CODE" "$SETUP_VARS" "$ESPS/$1.vars" "$ESPS/$1")
		judge "$1" "$st" 33 "$PASS_INITRD" 0 '^TESTKERNEL: secure boot setup$' \
			'^earlyboot: secure boot: setup \(SecureBoot 0, SetupMode 1\)$' ;;
	*) echo "FAIL boot:secureboot-$1: no such case" ;;
	esac
}

# The unsigned test kernel, for the cases without Secure Boot.
KERNEL_DIR=$F/plain
mkdir -p "$KERNEL_DIR"
cp "$KERNEL" "$KERNEL_DIR/kernel.elf"

ALL="elf-signed loader-unsigned elf-unsigned elf-unknown-key elf-changed
elf-revoked-dbx elf-signed-dbx-other initrd-unsigned cfg-unsigned
pe-app-signed pe-app-unsigned shim-pe-app-unsigned linux-debian-signed linux-unsigned linux-snakeoil-signed
linux-vmlinux-signed linux-changed linux-revoked-dbx shim-debian-kernel
shim-unknown-key shim-mok-kernel shim-mok-manifest shim-manifest-not-enrolled shim-mok-revoked shim-mok-cert-revoked db-appended-key dbx-cert off-unsigned
setup-mode-unsigned"

fixtures >"$F/fixtures.log" 2>&1 || { echo "FAIL boot:secureboot-setup: fixtures: $(tail -n 3 "$F/fixtures.log" | tr '\n' '|')"; exit 1; }
# The dbx cases share one VARS copy: make it before they run in parallel.
case " ${*:-$ALL} " in
*dbx*) vars_dbx setup >/dev/null || true ;;
esac
case " ${*:-$ALL} " in
*shim-mok*) vars_mok setup >/dev/null || true ;;
esac
case " ${*:-$ALL} " in *db-appended-key* | *dbx-cert*) vars_db setup >/dev/null || true ;; esac
case " ${*:-$ALL} " in *dbx-cert*) vars_dbx_cert setup >/dev/null || true ;; esac
case " ${*:-$ALL} " in *shim-mok-revoked*) vars_mokx setup mokx.esl "$MOKX_VARS" >/dev/null || true ;; esac
case " ${*:-$ALL} " in *shim-mok-cert-revoked*) vars_mokx setup mokx-cert.esl "$MOKX_CERT_VARS" >/dev/null || true ;; esac
# shellcheck disable=SC2086
run_cases case_cmd ${*:-$ALL}
