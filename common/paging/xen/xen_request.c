/*
 * The xen backend: what a request may ask. The explicit refusals of the
 * rule (checked before anything is written), the refusal records a protect
 * or unmap makes void, and the TLB invalidation it needs on a live tree.
 */
#include "paging/xen/xen_be_internal.h"

/* Table frames (under the rule) among pfns [lo, hi); *first: the lowest. */
static uint64_t table_frames_in(const struct ep_ctx *ctx,
				const struct xen_be *be, uint64_t lo,
				uint64_t hi, uint64_t *first)
{
	uint64_t n = 0;
	*first = XEN_NO_PFN;
	uint64_t plo = be_pfn(ctx->pool.start), phi = be_pfn(ctx->pool.top);
	uint64_t a = lo > plo ? lo : plo, b = hi < phi ? hi : phi;
	for (uint64_t pfn = a; pfn < b; pfn++) {
		if (!xen_be_is_table_frame(ctx, pfn << EP_PAGE_SHIFT))
			continue;
		if (!n++)
			*first = pfn;
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

/*
 * The refusal log, void records dropped and the rest sorted by the machine
 * address of their entry: heapsort, in place (no allocator here), so that
 * forgetting the records of a range costs n log n in the records, not one
 * pass over the log per page. Only when records were added since the last
 * sort.
 */
static bool ma_less(const struct xen_be_refusal *a, const struct xen_be_refusal *b)
{
	return a->pte_ma < b->pte_ma;
}

static void sift_down(struct xen_be_refusal *r, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && ma_less(&r[c], &r[c + 1]))
			c++;
		if (!ma_less(&r[i], &r[c]))
			return;
		struct xen_be_refusal t = r[i];
		r[i] = r[c];
		r[c] = t;
		i = c;
	}
}

static void sort_refusals(struct xen_be *be)
{
	struct xen_be_refusal *r = be->cfg.refusals;
	size_t n = 0;
	if (be->nrefusals <= be->refusals_sorted)
		return;
	for (size_t i = 0; i < be->nrefusals; i++)
		if (r[i].pfn != XEN_NO_PFN)
			r[n++] = r[i];
	for (size_t i = n / 2; i-- > 0;)
		sift_down(r, i, n);
	for (size_t end = n; end > 1; end--) {
		struct xen_be_refusal t = r[0];
		r[0] = r[end - 1];
		r[end - 1] = t;
		sift_down(r, 0, end - 1);
	}
	be->nrefusals = be->refusals_sorted = n;
}

/* First record whose entry lies at or after ma (the log is sorted). */
static size_t first_at_or_after(const struct xen_be *be, uint64_t ma)
{
	size_t lo = 0, hi = be->nrefusals;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (be->cfg.refusals[mid].pte_ma < ma)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Void the records of the entries of [va, last] in the table at table_pa
 * (level L): every L1 of the range is visited once, and the records of its
 * slots found by binary search.
 */
static void forget_in(struct ep_ctx *ctx, struct xen_be *be, uint64_t table_pa,
		      unsigned L, uint64_t va, uint64_t last)
{
	unsigned first = ep_index(va, L), final = ep_index(last, L);
	if (L == 1) {
		uint64_t ma = be_mfn(be, table_pa) << EP_PAGE_SHIFT;
		uint64_t lo = ma | (first * 8u), hi = ma | (final * 8u);
		for (size_t i = first_at_or_after(be, lo);
		     i < be->nrefusals && be->cfg.refusals[i].pte_ma <= hi; i++)
			be->cfg.refusals[i].pfn = XEN_NO_PFN;
		return;
	}
	const uint64_t *t = ctx->phys_to_virt(ctx->env, table_pa);
	uint64_t size = ep_level_size(L), base = ep_table_base(va, L);
	for (unsigned i = first; i <= final; i++) {
		uint64_t s_base = base + (uint64_t)i * size;
		uint64_t s_va = va > s_base ? va : s_base;
		uint64_t s_last = last < s_base + (size - 1) ? last : s_base + (size - 1);
		uint64_t e = t[i];
		if (!(e & EP_PTE_P) || (e & EP_PTE_PS) || ep_in_hole(ctx, s_va, s_last))
			continue;
		forget_in(ctx, be, ctx->ops->entry_to_pa(ctx, e), L - 1, s_va, s_last);
	}
}

void xen_forget_refusals(struct ep_ctx *ctx, struct xen_be *be, uint64_t va,
			 uint64_t len)
{
	if (!be->nrefusals)
		return;
	sort_refusals(be);
	forget_in(ctx, be, ctx->root, ctx->levels, va, va + (len - 1));
}
