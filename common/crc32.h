/* CRC-32 (IEEE 802.3, reflected, as zlib computes it): initrd integrity. */
#ifndef EARLYBOOT_CRC32_H
#define EARLYBOOT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: start with crc = 0. */
uint32_t eb_crc32(uint32_t crc, const void *data, size_t len);

/*
 * The test initrd written by the boot harness: this header, then payload.
 * len is the whole file (header included); crc covers the payload.
 */
#define EB_TEST_INITRD_MAGIC 0x445254494e494245ULL /* "EBINITRD" */
struct eb_test_initrd {
	uint64_t magic;
	uint64_t len;
	uint32_t crc;
	uint32_t reserved;
};

#endif
