#!/usr/bin/env bash
# common/pe_hash.c against efitools' hash-to-efi-sig-list, which computes
# the same Authenticode SHA-256 (the hash dbx lists to revoke an image):
# the loader and the test application unsigned and signed (the signature
# must not change the hash), and Debian's kernel when make linux made it.
# A file that is not PE must be an error, not a hash.
# efitools hashes an image whose length is not a multiple of 8 as if
# padded with zeros to one (as sbsign pads before signing); the firmware
# (and so pe-hash) hashes the bytes there are. Each file is therefore
# compared padded: signed images are padded already.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
. tests/lib/deps.bash
tool=build/tools/pe-hash
if [ ! -x "$tool" ]; then
	echo "FAIL tools:pe-hash: $tool missing (run make)"
	exit 1
fi
if ! command -v hash-to-efi-sig-list >/dev/null 2>&1; then
	missing_dep tools:pe-hash hash-to-efi-sig-list efitools
	exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files="build/earlyboot.efi build/efiapp.efi"
if command -v sbsign >/dev/null 2>&1; then
	tools/eb-sign /usr/share/ovmf/PkKek-1-snakeoil.key /usr/share/ovmf/PkKek-1-snakeoil.pem \
		build/efiapp.efi "$tmp/efiapp-signed.efi" snakeoil 2>/dev/null &&
		files="$files $tmp/efiapp-signed.efi"
fi
[ -f build/linux/bzImage ] && files="$files build/linux/bzImage"
for f in $files; do
	name=tools:pe-hash-$(basename "$f")
	size=$(stat -c %s "$f")
	if [ $((size % 8)) != 0 ]; then
		cp "$f" "$tmp/padded" && truncate -s $(((size + 7) / 8 * 8)) "$tmp/padded" && f=$tmp/padded
	fi
	want=$(hash-to-efi-sig-list "$f" "$tmp/esl" 2>/dev/null | sed -n 's/^HASH IS //p')
	got=$("$tool" "$f" | cut -d' ' -f1)
	if [ -z "$want" ]; then
		echo "FAIL $name: hash-to-efi-sig-list gave no hash"
	elif [ "$got" != "$want" ]; then
		echo "FAIL $name: pe-hash $got, hash-to-efi-sig-list $want"
	else
		echo "PASS $name"
	fi
done

echo "not a PE image" >"$tmp/notpe"
head -c 300 build/efiapp.efi >"$tmp/truncated.efi"
for f in "$tmp/notpe" "$tmp/truncated.efi"; do
	out=$("$tool" "$f")
	if [ "$out" = "error $f" ]; then
		echo "PASS tools:pe-hash-rejects-$(basename "$f")"
	else
		echo "FAIL tools:pe-hash-rejects-$(basename "$f"): got '$out'"
	fi
done
