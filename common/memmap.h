/*
 * The handoff's memory map, built world-neutrally: firmware ranges go in as
 * reported (any order), are sorted and checked, then what the loader placed
 * (itself, pools, kernel, modules, boot info) is carved out of RAM. Every
 * byte the firmware reported stays in exactly one range.
 */
#ifndef EARLYBOOT_MEMMAP_H
#define EARLYBOOT_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"

struct eb_memmap {
	struct eb_mem_range *r; /* storage supplied by the caller */
	uint32_t count, max;
	uint64_t fw_bytes;   /* sum of firmware lengths added */
	uint32_t fw_entries; /* firmware ranges added */
};

void eb_memmap_init(struct eb_memmap *m, struct eb_mem_range *storage,
		    uint32_t max);
/* Append one firmware range (zero-length ranges are counted and dropped). */
int eb_memmap_add(struct eb_memmap *m, uint64_t pa, uint64_t len,
		  uint32_t type, char *err, size_t errlen);
/* Sort, refuse overlaps, merge adjacent ranges of one type. */
int eb_memmap_normalize(struct eb_memmap *m, char *err, size_t errlen);
/*
 * [pa, pa+len) must be RAM now; it becomes `type`. All or nothing: on
 * failure (not RAM, or one range too many) the map is unchanged.
 */
int eb_memmap_carve(struct eb_memmap *m, uint64_t pa, uint64_t len,
		    uint32_t type, const char *what, char *err, size_t errlen);
/* Sum of range lengths (equals fw_bytes when nothing was lost). */
uint64_t eb_memmap_total(const struct eb_memmap *m);
/* The first address of [pa, end) not covered by RAM ranges, or end. */
uint64_t eb_memmap_ram_until(const struct eb_memmap *m, uint64_t pa,
			     uint64_t end);
/* What error messages call an address no range holds. */
#define EB_MEMMAP_HOLE "a hole in the map"
/* The type name of the range holding pa; NULL when no range holds it. */
const char *eb_memmap_type_at(const struct eb_memmap *m, uint64_t pa);

#endif
