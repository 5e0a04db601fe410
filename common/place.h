/*
 * Room for what a loader places itself (boot info, page-table pools) where
 * no firmware allocates for it (PVH; Xen PV likewise): the lowest
 * page-aligned run of RAM at or above min_pa that meets none of the busy
 * ranges (the loader, the modules, the kernel's segments, what was placed
 * before). World-neutral and portable.
 */
#ifndef EARLYBOOT_PLACE_H
#define EARLYBOOT_PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"
#include "memmap.h"

/*
 * len bytes (rounded up to pages) for `what`; busy ranges count as whole
 * pages. 0 with *pa set, or -1 with err naming what did not fit.
 */
int eb_place(const struct eb_memmap *m, const struct eb_range *busy,
	     size_t nbusy, uint64_t len, uint64_t min_pa, const char *what,
	     uint64_t *pa, char *err, size_t errlen);

/*
 * The lowest busy range that meets [lo, hi), counted as whole pages, or
 * NULL: what a fixed address collides with.
 */
const struct eb_range *eb_busy_first(const struct eb_range *busy,
				     size_t nbusy, uint64_t lo, uint64_t hi);

/*
 * The same search with the start aligned to align (a power of two, at
 * least 4 KiB): 0 with *pa set, or -1 when no run fits (the caller says
 * what did not).
 */
int eb_place_aligned(const struct eb_memmap *m, const struct eb_range *busy,
		     size_t nbusy, uint64_t len, uint64_t min_pa,
		     uint64_t align, uint64_t *pa);

#endif
