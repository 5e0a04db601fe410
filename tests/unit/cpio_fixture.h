/*
 * Writing newc cpio archives in memory for the tests of common/cpio.c and
 * common/bootmod.c, byte for byte as `cpio -o -H newc` lays them out.
 */
#ifndef EARLYBOOT_CPIO_FIXTURE_H
#define EARLYBOOT_CPIO_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#define CX_REG 0100644u
#define CX_DIR 0040755u

/* Append one member at buf[pos]; returns the new end. */
size_t cx_member(uint8_t *buf, size_t pos, const char *name, uint32_t mode,
		 const void *data, size_t len);
/* Append the TRAILER!!! member; returns the new end. */
size_t cx_trailer(uint8_t *buf, size_t pos);

#endif
