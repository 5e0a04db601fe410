/*
 * The direct map: every direct-mappable range of the memory map (see
 * eb_mem_type_in_dmap) at base + pa. During the loader's life it is a set of
 * lazy regions served by the #PF materializer; before the handoff the
 * loader completes it (ep_lazy_complete), so the kernel receives it fully
 * present.
 */
#ifndef EARLYBOOT_DMAP_H
#define EARLYBOOT_DMAP_H

#include <stddef.h>
#include <stdint.h>

#include "paging/early_paging.h"
#include "memmap.h"

/* Fixed base, the same in every world (Linux's x86-64 default, 4 levels). */
#define EB_DMAP_BASE 0xffff888000000000ULL

struct eb_dmap {
	uint64_t base;
	unsigned n;
	struct ep_range_req r[EP_MAX_LAZY]; /* va, pa, len: page aligned */
};

/*
 * Collect the direct-mapped ranges of m, page-rounded outwards and merged
 * where adjacent; when there are more runs than lazy regions, the closest
 * runs are joined (the gap between them gets mapped too). skip_first drops
 * the lowest run (the `dmap` defect).
 */
void eb_dmap_plan(struct eb_dmap *d, const struct eb_memmap *m, uint64_t base,
		  int skip_first);
/* Frames that mapping the whole plan could take (an upper bound). */
uint64_t eb_dmap_frames_needed(const struct eb_dmap *d, unsigned levels,
			       unsigned leaf_mask);
/* Declare every run of the plan lazy, read-write, no-execute. */
enum ep_err eb_dmap_declare(struct ep_ctx *ctx, const struct eb_dmap *d);
/* The end of the highest run: the span the direct map reaches. */
uint64_t eb_dmap_span(const struct eb_dmap *d);

#endif
