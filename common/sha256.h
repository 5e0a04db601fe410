/*
 * SHA-256 (FIPS 180-4), for Secure Boot's signature manifests
 * (docs/secureboot.md): the loader hashes a kernel, initrd or
 * \earlyboot.cfg and compares with the hash a signed manifest holds, and
 * looks the hash up in dbx. Portable: the host unit test links it.
 */
#ifndef EARLYBOOT_SHA256_H
#define EARLYBOOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define EB_SHA256_BYTES 32

void eb_sha256(const void *data, size_t len, uint8_t out[EB_SHA256_BYTES]);

#endif
