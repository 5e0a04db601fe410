/*
 * build/tools/pe-hash FILE...: the Authenticode SHA-256 of each PE image
 * as earlyboot computes it (common/pe_hash.c), one line each:
 * "<hex> <cert_off>+<cert_len> FILE", or "error FILE" for a file that is
 * not a well-formed PE image (exit status 1 then).
 * tests/tools/test_pe_hash.sh holds it against efitools' hash-to-efi-sig-list.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pe_hash.h"

int main(int argc, char **argv)
{
	int rc = 0;
	for (int a = 1; a < argc; a++) {
		FILE *fp = fopen(argv[a], "rb");
		long n = -1;
		if (fp && fseek(fp, 0, SEEK_END) == 0)
			n = ftell(fp);
		uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
		struct eb_pe_hash h;
		if (!buf || fseek(fp, 0, SEEK_SET) || fread(buf, 1, (size_t)n, fp) != (size_t)n ||
		    eb_pe_authenticode(buf, (uint64_t)n, &h)) {
			printf("error %s\n", argv[a]);
			rc = 1;
		} else {
			for (int i = 0; i < EB_SHA256_BYTES; i++)
				printf("%02x", h.sha256[i]);
			printf(" %llu+%llu %s\n", (unsigned long long)h.cert_off,
			       (unsigned long long)h.cert_len, argv[a]);
		}
		free(buf);
		if (fp)
			fclose(fp);
	}
	return rc;
}
