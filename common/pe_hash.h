/*
 * The Authenticode hash of a PE/COFF image (SHA-256), as the PE/COFF
 * specification's "Calculating the PE Image Hash" defines it: the
 * headers without the checksum and the certificate-table directory entry,
 * the sections in file order, then any data after them except the
 * certificate table. It is what a signature signs and what dbx lists to
 * revoke one image. efi/secureboot.c uses it only to name the reason
 * after the firmware refused a PE image (the firmware decides); every
 * bound is checked, the input is untrusted. Portable: host tests link it.
 */
#ifndef EARLYBOOT_PE_HASH_H
#define EARLYBOOT_PE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

struct eb_pe_hash {
	uint8_t sha256[EB_SHA256_BYTES];
	uint64_t cert_off, cert_len; /* the certificate table; 0, 0: unsigned */
};

/* 0, or -1 when f is not a PE image whose parts lie inside its len bytes. */
int eb_pe_authenticode(const uint8_t *f, uint64_t len, struct eb_pe_hash *out);

#endif
