#include "dmap.h"

#include "libc.h"

#include "page.h"

static void join_closest(struct eb_dmap *d)
{
	unsigned best = 1;
	for (unsigned i = 2; i < d->n; i++) {
		uint64_t gap = d->r[i].pa - (d->r[i - 1].pa + d->r[i - 1].len);
		uint64_t bgap = d->r[best].pa - (d->r[best - 1].pa + d->r[best - 1].len);
		if (gap < bgap)
			best = i;
	}
	struct ep_range_req *a = &d->r[best - 1], *b = &d->r[best];
	a->len = b->pa + b->len - a->pa;
	memmove(b, b + 1, (d->n - best - 1) * sizeof(*b));
	d->n--;
}

void eb_dmap_plan(struct eb_dmap *d, const struct eb_memmap *m, uint64_t base,
		  int skip_first)
{
	memset(d, 0, sizeof(*d));
	d->base = base;
	bool skipped = !skip_first;
	/* One spare slot lets a new run arrive before the closest two join. */
	struct ep_range_req cur = { 0, 0, 0 };
	for (uint32_t i = 0; i <= m->count; i++) {
		const struct eb_mem_range *r = i < m->count ? &m->r[i] : 0;
		if (r && !eb_mem_type_in_dmap(r->type))
			continue;
		uint64_t lo = r ? r->pa & ~(PAGE - 1) : 0;
		uint64_t hi = r ? (r->pa + r->len + PAGE - 1) & ~(PAGE - 1) : 0;
		if (r && cur.len && lo <= cur.pa + cur.len) {
			if (hi > cur.pa + cur.len)
				cur.len = hi - cur.pa;
			continue;
		}
		if (cur.len) {
			if (!skipped) {
				skipped = true;
			} else {
				if (d->n == EP_MAX_LAZY)
					join_closest(d);
				cur.va = base + cur.pa;
				d->r[d->n++] = cur;
			}
		}
		if (r)
			cur = (struct ep_range_req){ 0, lo, hi - lo };
	}
}

uint64_t eb_dmap_frames_needed(const struct eb_dmap *d, unsigned levels,
			       unsigned leaf_mask)
{
	return ep_pool_frames_needed(d->r, d->n, levels, leaf_mask, false, 0, 0);
}

enum ep_err eb_dmap_declare(struct ep_ctx *ctx, const struct eb_dmap *d)
{
	for (unsigned i = 0; i < d->n; i++) {
		enum ep_err e = ep_lazy_declare(ctx, d->r[i].va, d->r[i].pa,
						d->r[i].len, EP_W);
		if (e)
			return e;
	}
	return EP_OK;
}

uint64_t eb_dmap_span(const struct eb_dmap *d)
{
	return d->n ? d->r[d->n - 1].pa + d->r[d->n - 1].len : 0;
}
