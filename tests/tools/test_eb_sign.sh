#!/usr/bin/env bash
# tools/eb-sign (docs/secureboot.md): a PE file gets an embedded signature
# that leaves its Authenticode hash as it was (build/tools/pe-hash), and
# may be signed in place (OUT = IN, as tests/boot/measured.sh signs a
# volume); any other file gets a manifest OUT.sig, a signed PE; a wrong
# passphrase is one error line and a failure status, nothing written.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
. tests/lib/deps.bash
KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
for t in build/tools/pe-hash build/efiapp.efi build/sigmanifest.efi; do
	if [ ! -f "$t" ]; then
		echo "FAIL tools:eb-sign: $t missing (run make)"
		exit 1
	fi
done
if [ ! -f "$KEY" ]; then
	missing_dep tools:eb-sign "$KEY" ovmf
	exit
fi
for p in sbsign:sbsigntool sbverify:sbsigntool; do
	if ! command -v "${p%%:*}" >/dev/null 2>&1; then
		missing_dep tools:eb-sign "${p%%:*}" "${p#*:}"
		exit
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result() { # result NAME WHY: PASS when WHY is empty
	if [ -z "$2" ]; then echo "PASS tools:eb-sign-$1"; else echo "FAIL tools:eb-sign-$1: $2"; fi
}

# signed PE: pe_signed NAME FILE ORIGINAL_HASH
pe_signed() {
	local why=
	if ! sbverify --cert "$CERT" "$2" >/dev/null 2>&1; then
		why="sbverify does not accept the snakeoil signature on $2"
	elif [ "$("build/tools/pe-hash" "$2" | cut -d' ' -f1)" != "$3" ]; then
		why="the Authenticode hash changed with the signature"
	elif [ -e "$2.sig" ]; then
		why="a manifest $2.sig beside a PE file"
	fi
	result "$1" "$why"
}

hash=$(build/tools/pe-hash build/efiapp.efi | cut -d' ' -f1)
tools/eb-sign "$KEY" "$CERT" build/efiapp.efi "$tmp/copy.efi" snakeoil
pe_signed pe-to-copy "$tmp/copy.efi" "$hash"
cp build/efiapp.efi "$tmp/inplace.efi"
tools/eb-sign "$KEY" "$CERT" "$tmp/inplace.efi" "$tmp/inplace.efi" snakeoil
pe_signed pe-in-place "$tmp/inplace.efi" "$hash"

# Not PE: the file unchanged, its manifest a signed PE.
echo "console=ttyS0" >"$tmp/cfg"
cp "$tmp/cfg" "$tmp/cfg.orig"
tools/eb-sign "$KEY" "$CERT" "$tmp/cfg" "$tmp/cfg" snakeoil
why=
if ! cmp -s "$tmp/cfg" "$tmp/cfg.orig"; then
	why="the file itself changed"
elif ! sbverify --cert "$CERT" "$tmp/cfg.sig" >/dev/null 2>&1; then
	why="its manifest is not a PE signed with the snakeoil key"
fi
result manifest-in-place "$why"

# A wrong passphrase: one line, status 1, no output file.
err=$(tools/eb-sign "$KEY" "$CERT" build/efiapp.efi "$tmp/wrong.efi" nosuchpass 2>&1)
rc=$?
why=
if [ "$rc" != 1 ]; then
	why="status $rc, want 1"
elif [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] || ! [[ $err == "eb-sign: $KEY: cannot read the key"* ]]; then
	why="want one 'cannot read the key' line, got: $err"
elif [ -e "$tmp/wrong.efi" ]; then
	why="an output file was written"
fi
result wrong-passphrase "$why"
