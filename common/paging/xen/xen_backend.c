/*
 * The xen backend: building. Entry writes, the rule, table frames and the
 * mmu_update batch. The template walk is in xen_template.c, activation and
 * the give-backs in xen_activate.c, request checks and TLB invalidation in
 * xen_request.c. docs/xen_backend.md says why.
 */
#include "libc.h"
#include "paging/xen/xen_be_internal.h"

enum ep_err xen_be_setup(struct xen_be *be, const struct xen_be_config *cfg)
{
	memset(be, 0, sizeof(*be));
	if (!cfg->p2m || !cfg->nr_pages || !cfg->m2p || !cfg->m2p_entries ||
	    !cfg->pool_template_pte || (cfg->refusal_cap && !cfg->refusals) ||
	    (cfg->template_root_pa & (EP_PAGE_SIZE - 1)) ||
	    be_pfn(cfg->template_root_pa) >= cfg->nr_pages ||
	    (cfg->user_root_pa & (EP_PAGE_SIZE - 1)) ||
	    be_pfn(cfg->user_root_pa) >= cfg->nr_pages)
		return EP_ERR_CONFIG;
	be->cfg = *cfg;
	be->hc = cfg->hc ? cfg->hc : &be->own_hc;
	be->tmpl_live = true;
	be->base_pa = cfg->template_root_pa;
	return EP_OK;
}

size_t xen_be_refusals_needed(uint64_t pool_frames, uint64_t template_frames,
			      unsigned views)
{
	return (size_t)((pool_frames + template_frames) * views);
}

struct xen_be *be_get(struct ep_ctx *ctx, enum ep_err *err)
{
	struct xen_be *be = be_of(ctx);
	be->hc->ep = &ctx->count;
	if (be->handed_over && !be->broken) {
		/* The m2p now speaks the next kernel's pfns: nothing reads back. */
		be->broken = true;
		ep_fail(ctx, EP_ERR_STATE,
			"xen: the m2p was handed to the next kernel", 0, 0, 0, 0);
		be->failure = ctx->err;
	}
	if (be->broken) {
		/* The first failure is what the caller must see, every time. */
		ctx->err = be->failure;
		*err = be->failure.code ? be->failure.code : EP_ERR_BACKEND;
		return NULL;
	}
	if (be->ready)
		return be;
	enum ep_err e = EP_OK;
	if (ctx->levels != 4)
		e = ep_fail(ctx, EP_ERR_CONFIG, "xen: PV guests use 4-level paging",
			    0, 0, ctx->levels, 0);
	else if (ctx->lazy_pool.state)
		e = ep_fail(ctx, EP_ERR_CONFIG,
			    "xen: no lazy pool (the materializer is native)", 0,
			    ctx->lazy_pool.start, 0, 0);
	else
		e = xen_tmpl_walk(ctx, be);
	if (e) {
		be->broken = true;
		be->failure = ctx->err;
		*err = e;
		return NULL;
	}
	be->ready = true;
	return be;
}

enum ep_err be_fail(struct ep_ctx *ctx, struct xen_be *be, const char *op,
		    uint64_t pa, long rc)
{
	/* Nothing queued after a failure may go out: the state is unknown. */
	be->broken = true;
	be->nbatch = 0;
	be->pending_writes = false;
	ep_fail(ctx, EP_ERR_BACKEND, op, 0, pa, (uint64_t)(int64_t)rc, 0);
	be->failure = ctx->err;
	return EP_ERR_BACKEND;
}

static const char *why_name(unsigned why)
{
	switch (why) {
	case XEN_WHY_RO: return "mmu_update: table frame read-only";
	case XEN_WHY_SPARE: return "mmu_update: spare frame writable again";
	case XEN_WHY_TMPL: return "mmu_update: template frame writable again";
	}
	return "mmu_update: entry";
}

enum ep_err be_flush(struct ep_ctx *ctx, struct xen_be *be)
{
	unsigned n = be->nbatch;
	if (!n)
		return EP_OK;
	unsigned done = 0;
	long rc = xen_mmu_update(be->hc, be->batch, n, &done);
	/* Xen completes the whole batch or says which request failed. */
	if (!rc && done != n)
		rc = -XEN_EIO;
	if (rc) {
		unsigned i = done < n ? done : n - 1;
		return be_fail(ctx, be, why_name(be->why[i]), be->subject[i], rc);
	}
	/* The read-only updates are in: those frames are sealed from now on. */
	for (unsigned i = 0; i < n; i++)
		if (be->why[i] == XEN_WHY_RO)
			be->cfg.pool_template_pte[be_pfn(be->subject[i] - ctx->pool.start)] = 0;
	be->nbatch = 0;
	be->pending_writes = false;
	return EP_OK;
}

enum ep_err be_queue(struct ep_ctx *ctx, struct xen_be *be, uint64_t pte_ma,
		     uint64_t val, enum xen_be_why why, uint64_t subject_pa)
{
	if (be->nbatch == XEN_BE_MMU_BATCH) {
		enum ep_err e = be_flush(ctx, be);
		if (e)
			return e;
	}
	unsigned n = be->nbatch++;
	be->batch[n].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
	be->batch[n].val = val;
	be->subject[n] = subject_pa;
	be->why[n] = (uint8_t)why;
	if (why == XEN_WHY_ENTRY || why == XEN_WHY_RO)
		be->pending_writes = true;
	return EP_OK;
}

uint64_t be_read_ma(const struct ep_ctx *ctx, const struct xen_be *be,
		    uint64_t ma)
{
	uint64_t pa = (be->cfg.m2p[ma >> EP_PAGE_SHIFT] << EP_PAGE_SHIFT) |
		      (ma & (EP_PAGE_SIZE - 8));
	return *(volatile const uint64_t *)ctx->phys_to_virt(ctx->env, pa);
}

/*
 * THE RULE, as a predicate on the state of the frame, never on the phase
 * of the context: every pool frame that is not released — free (it may
 * still become a table; a spare frame stays free until the pin has
 * completed, see ep_finish), a table, or a pinned table — and every frame
 * of the template while the template is pinned. A released frame is
 * ordinary memory. (Xen also refuses a pinned frame writable, with -EBUSY;
 * refusing it here first keeps such a request an error by name that
 * leaves the tree as it was, instead of a half-sent batch.)
 */
bool xen_be_is_table_frame(const struct ep_ctx *ctx, uint64_t pa)
{
	const struct xen_be *be = be_of(ctx);
	if (ep_pool_contains(&ctx->pool, pa))
		return ctx->pool.state[(pa - ctx->pool.start) >> EP_PAGE_SHIFT] !=
		       EP_FRAME_RELEASED;
	if (!be->tmpl_live)
		return false;
	int i = xen_tmpl_find(be, be_pfn(pa));
	return i >= 0 && be->tmpl[i].state == XEN_TMPL_TABLE;
}

const struct xen_be_tframe *xen_be_template_frame(const struct xen_be *be,
						  uint64_t pa)
{
	int i = xen_tmpl_find(be, be_pfn(pa));
	return i < 0 ? 0 : &be->tmpl[i];
}

int xen_be_template_state(const struct xen_be *be, uint64_t pa)
{
	const struct xen_be_tframe *f = xen_be_template_frame(be, pa);
	return f ? f->state : 0;
}

/*
 * Where the live template maps a pool frame writable, while it still does:
 * bit 0 of the slot marks it, bit 1 says its read-only update is queued in
 * the batch but not sent yet (be_flush clears the slot when it is).
 */
static uint64_t *template_slot(struct ep_ctx *ctx, struct xen_be *be,
			       uint64_t pa)
{
	if (!be->tmpl_live || !ep_pool_contains(&ctx->pool, pa))
		return 0;
	uint64_t *slot = &be->cfg.pool_template_pte[be_pfn(pa - ctx->pool.start)];
	return (*slot & 1) ? slot : 0;
}

/*
 * Entries into a table go out through the mmu_update batch, except while
 * the table is still under construction: allocated, its read-only update
 * queued but not yet sent, so the live template still maps it writable and
 * nothing Xen validates links to it. A plain store is legal then, and free;
 * that is what makes a build cost a few hypercalls per batch of table
 * pages, not one per batch of entries.
 */
static enum ep_err put_entry(struct ep_ctx *ctx, struct xen_be *be,
			     uint64_t table_pa, unsigned level, unsigned index,
			     uint64_t entry)
{
	uint64_t pte_ma = (be_mfn(be, table_pa) << EP_PAGE_SHIFT) | (index * 8u);
	if (entry & EP_PTE_P) {
		uint64_t pfn = be_pfn(entry & XEN_ADDR);
		if (!be_pfn_ok(be, pfn)) {
			/* check_request keeps maps inside the domain: a bug. */
			be->broken = true;
			ep_fail(ctx, EP_ERR_RANGE, "xen: entry beyond nr_pages", 0,
				pfn << EP_PAGE_SHIFT, 0, level);
			be->failure = ctx->err;
			return EP_ERR_RANGE;
		}
		entry = (entry & ~XEN_ADDR) | (be->cfg.p2m[pfn] << EP_PAGE_SHIFT);
		if (level == 1 && (entry & EP_PTE_RW) &&
		    xen_be_is_table_frame(ctx, pfn << EP_PAGE_SHIFT)) {
			if (be->nrefusals == be->cfg.refusal_cap) {
				be->broken = true;
				ep_fail(ctx, EP_ERR_CONFIG, "xen: refusal log full",
					0, pfn << EP_PAGE_SHIFT,
					be->cfg.refusal_cap, level);
				be->failure = ctx->err;
				return EP_ERR_CONFIG;
			}
			be->cfg.refusals[be->nrefusals++] =
				(struct xen_be_refusal){ pte_ma, pfn, entry };
			entry &= ~(EP_PTE_RW | EP_PTE_D);
			ctx->count.refusals++;
		}
	}
	if (template_slot(ctx, be, table_pa)) {
		/* Still writable in the live tree, linked nowhere: a plain store. */
		((volatile uint64_t *)ctx->phys_to_virt(ctx->env, table_pa))[index] = entry;
		be->stored++;
		return EP_OK;
	}
	return be_queue(ctx, be, pte_ma, entry, XEN_WHY_ENTRY, table_pa);
}

static enum ep_err xen_set_entry(struct ep_ctx *ctx, uint64_t table_pa,
				 unsigned level, unsigned index, uint64_t entry)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	return be ? put_entry(ctx, be, table_pa, level, index, entry) : e;
}

/*
 * Consecutive in pseudo-physical space is not consecutive in machine space:
 * every entry is translated (and checked by the rule) on its own.
 */
static enum ep_err xen_set_run(struct ep_ctx *ctx, uint64_t table_pa,
			       unsigned level, unsigned index, unsigned count,
			       uint64_t first, uint64_t step)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	for (unsigned i = 0; i < count; i++, first += step)
		if ((e = put_entry(ctx, be, table_pa, level, index + i, first)))
			return e;
	return EP_OK;
}

static enum ep_err xen_flush(struct ep_ctx *ctx)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	if ((e = be_flush(ctx, be)))
		return e;
	return xen_invalidate_pending(ctx, be);
}

static uint64_t xen_entry_to_pa(const struct ep_ctx *ctx, uint64_t entry)
{
	const struct xen_be *be = be_of(ctx);
	uint64_t mfn = (entry & XEN_ADDR) >> EP_PAGE_SHIFT;
	if (mfn >= be->cfg.m2p_entries)
		return XEN_ADDR; /* not ours: no pool or RAM frame has it */
	return (be->cfg.m2p[mfn] << EP_PAGE_SHIFT) & XEN_ADDR;
}

/*
 * Before the frame is hooked in, take away its writable mapping in the
 * template (the live tree until the switch): queued now, so it goes out
 * ahead of any queued entry that hooks the frame, in the same ordered
 * batch, and before any pin. Its mappings in the new tree are read-only
 * already, by the rule. After the switch the template is unpinned and its
 * mappings no longer count for Xen.
 */
static enum ep_err xen_alloc_table(struct ep_ctx *ctx, uint64_t pa)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	uint64_t *slot = template_slot(ctx, be, pa);
	if (!slot || (*slot & 2))
		return EP_OK;
	uint64_t pte_ma = *slot & ~7ULL;
	*slot |= 2;
	be->ro_updates++;
	return be_queue(ctx, be, pte_ma, be_read_ma(ctx, be, pte_ma) & ~EP_PTE_RW,
			XEN_WHY_RO, pa);
}

/*
 * While the live template maps the frame writable, a store is legal and
 * free. Otherwise (after the switch the new tree maps every pool frame
 * read-only) Xen clears it: one hypercall, only for tables made late.
 */
static enum ep_err xen_zero_table(struct ep_ctx *ctx, uint64_t pa)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	if (template_slot(ctx, be, pa)) {
		memset(ctx->phys_to_virt(ctx->env, pa), 0, EP_PAGE_SIZE);
		return EP_OK;
	}
	struct mmuext_op op = { .cmd = MMUEXT_CLEAR_PAGE };
	op.arg1.mfn = be_mfn(be, pa);
	unsigned done = 0;
	long rc = xen_mmuext_op(be->hc, &op, 1, &done);
	if (rc)
		return be_fail(ctx, be, "mmuext_op: clear page", pa, rc);
	be->cleared++;
	return EP_OK;
}

const struct ep_backend_ops ep_xen_ops = {
	.name = "xen",
	.leaf_mask = EP_LEAF_4K, /* Xen refuses PSE for PV guests */
	.tables_need_zero = false,
	.alloc_table = xen_alloc_table,
	.set_entry = xen_set_entry,
	.set_run = xen_set_run,
	.flush = xen_flush,
	.entry_to_pa = xen_entry_to_pa,
	.activate_early = xen_activate_early,
	.activate_late = xen_activate_late,
	.invalidate = 0, /* rides on flush: see xen_invalidate_pending */
	.release_spare = xen_release_spare,
	.zero_table = xen_zero_table,
	.check_request = xen_check_request,
	.hole_start = XEN_BE_HOLE_START,
	.hole_end = XEN_BE_HOLE_END,
};
