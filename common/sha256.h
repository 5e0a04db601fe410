/*
 * SHA-256 (FIPS 180-4), for Secure Boot (docs/secureboot.md): the loader
 * hashes a kernel, initrd or \earlyboot.cfg to compare with its signed
 * manifest, and a PE image the Authenticode way (common/pe_hash.h), and
 * looks the hashes up in dbx. Portable: the host unit test links it.
 */
#ifndef EARLYBOOT_SHA256_H
#define EARLYBOOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define EB_SHA256_BYTES 32

struct eb_sha256 {
	uint32_t h[8];
	uint64_t total;   /* bytes fed so far */
	uint8_t buf[64];  /* the partial block */
	unsigned used;
};

void eb_sha256_init(struct eb_sha256 *c);
void eb_sha256_update(struct eb_sha256 *c, const void *data, size_t len);
void eb_sha256_final(struct eb_sha256 *c, uint8_t out[EB_SHA256_BYTES]);
/* All three at once. */
void eb_sha256(const void *data, size_t len, uint8_t out[EB_SHA256_BYTES]);

#endif
