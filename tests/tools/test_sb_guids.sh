#!/usr/bin/env bash
# The signature-type GUIDs of efi/sb_defs.h (EB_CERT_X509_GUID,
# EB_CERT_SHA256_GUID) against the ones efitools writes in the
# EFI_SIGNATURE_LISTs it makes (cert-to-efi-sig-list, hash-to-efi-sig-list):
# a list whose type GUID is wrong is skipped by every reader as a type it
# does not know, silently (docs/secureboot.md, "Why the first attempt
# failed"). The list's first 16 bytes are its SignatureType.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
. tests/lib/deps.bash
for t in cert-to-efi-sig-list hash-to-efi-sig-list; do
	if ! command -v "$t" >/dev/null 2>&1; then
		missing_dep tools:sb-guids "$t" efitools
		exit
	fi
done
if [ ! -f build/efiapp.efi ]; then
	echo "FAIL tools:sb-guids: build/efiapp.efi missing (run make)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/guids.c" <<'C'
#include <stdio.h>
#include "sb_defs.h"
static void show(const char *name, EFI_GUID g)
{
	const unsigned char *b = (const unsigned char *)&g;
	printf("%s ", name);
	for (unsigned i = 0; i < sizeof g; i++)
		printf("%02x", b[i]);
	printf("\n");
}
int main(void)
{
	show("x509", (EFI_GUID)EB_CERT_X509_GUID);
	show("sha256", (EFI_GUID)EB_CERT_SHA256_GUID);
	return 0;
}
C
if ! gcc -std=c11 -Wall -Wextra -Werror -Iefi -idirafter /usr/include/efi \
	-idirafter /usr/include/efi/x86_64 -o "$tmp/guids" "$tmp/guids.c" 2>"$tmp/cc.log"; then
	echo "FAIL tools:sb-guids: cannot build the GUID printer: $(head -n 3 "$tmp/cc.log" | tr '\n' '|')"
	exit 1
fi
if ! { openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=sb-guids/ \
	-keyout "$tmp/k.pem" -out "$tmp/c.pem" >/dev/null 2>&1 &&
	cert-to-efi-sig-list "$tmp/c.pem" "$tmp/x509.esl" >/dev/null &&
	hash-to-efi-sig-list build/efiapp.efi "$tmp/sha256.esl" >/dev/null; }; then
	echo "FAIL tools:sb-guids: efitools made no lists"
	exit 1
fi
"$tmp/guids" | while read -r name ours; do
	theirs=$(head -c 16 "$tmp/$name.esl" | od -An -tx1 | tr -d ' \n')
	if [ "$ours" = "$theirs" ]; then
		echo "PASS tools:sb-guids-$name"
	else
		echo "FAIL tools:sb-guids-$name: efi/sb_defs.h has $ours, efitools writes $theirs"
	fi
done
