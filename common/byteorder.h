/*
 * Reading the fixed-width integers of a file's or firmware structure's
 * bytes in a given byte order, whatever the alignment (setup headers, ELF
 * notes, PE headers, compressed streams, TPM event logs).
 */
#ifndef EARLYBOOT_BYTEORDER_H
#define EARLYBOOT_BYTEORDER_H

#include <stdint.h>

static inline uint16_t eb_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t eb_le32(const uint8_t *p)
{
	return (uint32_t)eb_le16(p) | (uint32_t)eb_le16(p + 2) << 16;
}

static inline uint32_t eb_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
