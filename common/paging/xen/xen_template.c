/*
 * Xen's template: the bootstrap page tables the domain starts on (pt_base).
 * Learnt by walking them from their root, entry by entry through the m2p:
 * dom0 and toolstack-built guests lay these frames out in different orders
 * (docs/platform.md), so nothing here assumes which frame behind pt_base is what.
 *
 * The walk records every template frame (the rule keeps them read-only
 * while the template is live) and, for every pool frame, where the template
 * maps it writable (alloc_table takes that mapping away).
 */
#include "paging/xen/xen_be_internal.h"

static enum ep_err tmpl_fail(struct ep_ctx *ctx, const char *what,
			     uint64_t pa, uint64_t value, unsigned level)
{
	return ep_fail(ctx, EP_ERR_CONFIG, what, 0, pa, value, level);
}

static enum ep_err walk(struct ep_ctx *ctx, struct xen_be *be, uint64_t pfn,
			unsigned level, uint64_t base)
{
	uint64_t pa = pfn << EP_PAGE_SHIFT;
	if (be->ntmpl == XEN_BE_MAX_TEMPLATE)
		return tmpl_fail(ctx, "xen template: too many frames", pa,
				 XEN_BE_MAX_TEMPLATE, level);
	if (ep_pool_contains(&ctx->pool, pa))
		return tmpl_fail(ctx, "xen template: a table frame lies in the pool",
				 pa, 0, level);
	be->tmpl[be->ntmpl++] = (struct xen_be_tframe){ pfn, (uint8_t)level,
							XEN_TMPL_TABLE };

	const uint64_t *t = ctx->phys_to_virt(ctx->env, pa);
	uint64_t span = ep_level_size(level);
	for (unsigned i = 0; i < EP_ENTRIES; i++) {
		uint64_t e = t[i];
		uint64_t va = ep_sign_extend(base + i * span, ctx->levels);
		/* Xen's own slots point at Xen's frames, not ours. */
		if (!(e & EP_PTE_P) ||
		    (va >= XEN_BE_HOLE_START && va < XEN_BE_HOLE_END))
			continue;
		uint64_t mfn = (e & XEN_ADDR) >> EP_PAGE_SHIFT;
		uint64_t cpfn = mfn < be->cfg.m2p_entries ? be->cfg.m2p[mfn] : XEN_NO_PFN;
		if (!be_pfn_ok(be, cpfn) || be->cfg.p2m[cpfn] != mfn)
			return tmpl_fail(ctx, "xen template: entry maps a frame the domain does not own",
					 pa, e, level);
		if (level > 1) {
			if (e & EP_PTE_PS)
				return tmpl_fail(ctx, "xen template: large page",
						 pa, e, level);
			enum ep_err err = walk(ctx, be, cpfn, level - 1, va);
			if (err)
				return err;
			continue;
		}
		uint64_t cpa = cpfn << EP_PAGE_SHIFT;
		if (!(e & EP_PTE_RW) || !ep_pool_contains(&ctx->pool, cpa))
			continue;
		uint64_t *slot = &be->cfg.pool_template_pte[be_pfn(cpa - ctx->pool.start)];
		if (*slot)
			return tmpl_fail(ctx, "xen template: pool frame mapped writable twice",
					 cpa, e, level);
		/* Bit 0: mapped writable (entry addresses are 8-aligned). */
		*slot = (be->cfg.p2m[pfn] << EP_PAGE_SHIFT) | (i * 8u) | 1;
	}
	return EP_OK;
}

enum ep_err xen_tmpl_walk(struct ep_ctx *ctx, struct xen_be *be)
{
	uint64_t n = ep_pool_frames(&ctx->pool);
	for (uint64_t i = 0; i < n; i++)
		be->cfg.pool_template_pte[i] = 0;
	be->ntmpl = 0;
	enum ep_err e = walk(ctx, be, be_pfn(be->cfg.template_root_pa), 4, 0);
	if (e)
		return e;
	/* Sorted by pfn for lookups; a frame reached twice is not a tree. */
	for (unsigned i = 1; i < be->ntmpl; i++) {
		struct xen_be_tframe f = be->tmpl[i];
		unsigned j = i;
		for (; j && be->tmpl[j - 1].pfn > f.pfn; j--)
			be->tmpl[j] = be->tmpl[j - 1];
		be->tmpl[j] = f;
	}
	for (unsigned i = 1; i < be->ntmpl; i++)
		if (be->tmpl[i].pfn == be->tmpl[i - 1].pfn)
			return tmpl_fail(ctx, "xen template: a table reached twice",
					 be->tmpl[i].pfn << EP_PAGE_SHIFT, 0,
					 be->tmpl[i].level);
	return EP_OK;
}

/* First index whose pfn is >= pfn. */
static unsigned lower_bound(const struct xen_be *be, uint64_t pfn)
{
	unsigned lo = 0, hi = be->ntmpl;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (be->tmpl[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int xen_tmpl_find(const struct xen_be *be, uint64_t pfn)
{
	unsigned i = lower_bound(be, pfn);
	return i < be->ntmpl && be->tmpl[i].pfn == pfn ? (int)i : -1;
}

uint64_t xen_tmpl_count(const struct xen_be *be, uint64_t lo, uint64_t hi,
			uint64_t *first)
{
	uint64_t n = 0;
	*first = XEN_NO_PFN;
	for (unsigned i = lower_bound(be, lo); i < be->ntmpl && be->tmpl[i].pfn < hi; i++) {
		if (be->tmpl[i].state != XEN_TMPL_TABLE)
			continue;
		if (!n++)
			*first = be->tmpl[i].pfn;
	}
	return n;
}
