/*
 * The xen backend: what a request may ask. The explicit refusals of the
 * rule (checked before anything is written), the refusal records a protect
 * or unmap makes void, and the TLB invalidation it needs on a live tree.
 */
#include "xen_be_internal.h"

/* Table frames (under the rule) among pfns [lo, hi); *first: the lowest. */
static uint64_t table_frames_in(const struct ep_ctx *ctx,
				const struct xen_be *be, uint64_t lo,
				uint64_t hi, uint64_t *first)
{
	uint64_t n = 0;
	*first = XEN_NO_PFN;
	if (!ctx->finished) {
		uint64_t plo = be_pfn(ctx->pool.start), phi = be_pfn(ctx->pool.top);
		uint64_t a = lo > plo ? lo : plo, b = hi < phi ? hi : phi;
		if (a < b) {
			n += b - a;
			*first = a;
		}
	}
	if (be->tmpl_live) {
		uint64_t tfirst;
		n += xen_tmpl_count(be, lo, hi, &tfirst);
		if (tfirst < *first)
			*first = tfirst;
	}
	return n;
}

/*
 * What "explicit" means (docs/xen_backend.md): a map asking W for a range
 * made only of table frames, or a protect asking W over any table frame.
 * Both can only mean "make this page table writable": an error naming the
 * frame, before anything is written. A writable map of a range that merely
 * contains table frames (a direct map of RAM) is implicit: the rule writes
 * those entries read-only and counts it.
 */
enum ep_err xen_check_request(struct ep_ctx *ctx, const struct ep_request *req)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	uint64_t pages = req->len >> EP_PAGE_SHIFT;
	if (req->kind == EP_REQ_MAP) {
		uint64_t lo = be_pfn(req->pa), hi = lo + pages, first;
		if (hi > be->cfg.nr_pages || hi < lo)
			return ep_fail(ctx, EP_ERR_RANGE,
				       "map: frames beyond the domain's nr_pages",
				       req->va, req->pa, req->len, 0);
		if (!(req->perms & EP_W))
			return EP_OK;
		uint64_t n = table_frames_in(ctx, be, lo, hi, &first);
		if (n && n == pages)
			return ep_fail(ctx, EP_ERR_REFUSED, "map",
				       req->va + ((first - lo) << EP_PAGE_SHIFT),
				       first << EP_PAGE_SHIFT, 0, 1);
		if (n > be->cfg.refusal_cap - be->nrefusals)
			return ep_fail(ctx, EP_ERR_CONFIG,
				       "xen: refusal log too small for this map",
				       req->va, first << EP_PAGE_SHIFT, n, 0);
		return EP_OK;
	}
	if (req->kind == EP_REQ_PROTECT && (req->perms & EP_W)) {
		for (uint64_t i = 0; i < pages; i++) {
			uint64_t va = req->va + (i << EP_PAGE_SHIFT);
			struct ep_translation t;
			if (ep_translate(ctx, va, &t) == EP_OK &&
			    xen_be_is_table_frame(ctx, t.pa))
				return ep_fail(ctx, EP_ERR_REFUSED, "protect", va,
					       t.pa & ~(EP_PAGE_SIZE - 1), 0,
					       t.level);
		}
	}
	xen_forget_refusals(ctx, be, req->va, req->len);
	if (ctx->live) {
		be->inval_va = req->va;
		be->inval_len = req->len;
	}
	return EP_OK;
}

/*
 * Xen does not flush the guest's TLB for it after an mmu_update. A protect
 * or unmap of the live tree notes its range here; the flush that ends the
 * request sends the invalidation right after the batch, so a failure of
 * either is the request's failure (the core's invalidate op returns void).
 */
enum ep_err xen_invalidate_pending(struct ep_ctx *ctx, struct xen_be *be)
{
	if (!be->inval_len)
		return EP_OK;
	struct mmuext_op op[XEN_BE_INVLPG_MAX];
	uint64_t va = be->inval_va, pages = be->inval_len >> EP_PAGE_SHIFT;
	unsigned n = 0, done = 0;
	be->inval_len = 0;
	if (pages > XEN_BE_INVLPG_MAX) {
		op[n++] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	} else {
		for (; n < pages; n++) {
			op[n] = (struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL };
			op[n].arg1.linear_addr = va + ((uint64_t)n << EP_PAGE_SHIFT);
		}
	}
	long rc = xen_mmuext_op(be->hc, op, n, &done);
	if (!rc)
		return EP_OK;
	be_fail(ctx, be, pages > XEN_BE_INVLPG_MAX ? "mmuext_op: tlb flush"
						     : "mmuext_op: invlpg",
		0, rc);
	be->failure.va = ctx->err.va = va;
	return EP_ERR_BACKEND;
}

/* Machine address of the L1 entry of va in the tree being built, or 0. */
static uint64_t pte_ma_of(const struct ep_ctx *ctx, const struct xen_be *be,
			  uint64_t va)
{
	uint64_t table = ctx->root;
	for (unsigned level = 4; level > 1; level--) {
		const uint64_t *t = ctx->phys_to_virt(ctx->env, table);
		uint64_t e = t[ep_index(va, level)];
		if (!(e & EP_PTE_P) || (e & EP_PTE_PS))
			return 0;
		table = ctx->ops->entry_to_pa(ctx, e);
	}
	return (be_mfn(be, table) << EP_PAGE_SHIFT) | (ep_index(va, 1) * 8u);
}

void xen_forget_refusals(struct ep_ctx *ctx, struct xen_be *be, uint64_t va,
			 uint64_t len)
{
	if (!be->nrefusals)
		return;
	for (uint64_t off = 0; off < len; off += EP_PAGE_SIZE) {
		struct ep_translation t;
		if (ep_translate(ctx, va + off, &t) != EP_OK)
			continue;
		uint64_t pfn = be_pfn(t.pa), ma = 0;
		for (size_t i = 0; i < be->nrefusals; i++) {
			struct xen_be_refusal *r = &be->cfg.refusals[i];
			if (r->pfn != pfn)
				continue;
			if (!ma)
				ma = pte_ma_of(ctx, be, va + off);
			if (r->pte_ma == ma)
				r->pfn = XEN_NO_PFN;
		}
	}
}
