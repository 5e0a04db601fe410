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

#endif
