/*
 * The #PF-on-demand materializer. Only the eager part of the tree is built
 * up front; a not-present fault inside a declared lazy region builds what is
 * missing, with the largest leaf that fits, from a small fixed pool. When
 * that pool runs dry, every table it handed out is unhooked (the eager part
 * never lives in it) and the fault retries, so any amount of memory is
 * reachable with a bounded pool.
 */
#include "paging/ep_internal.h"

static const struct ep_lazy_region *find_region(const struct ep_ctx *ctx,
						 uint64_t va)
{
	for (unsigned i = 0; i < ctx->nlazy; i++) {
		const struct ep_lazy_region *r = &ctx->lazy[i];
		if (va >= r->va && va - r->va < r->len)
			return r;
	}
	return 0;
}

/*
 * Tables on the path to va that also cover addresses outside r. They are
 * shared with the eager part of the tree, so they come from the main pool
 * and are built when the region is declared: the materializer then takes
 * every frame it needs from the lazy pool, and a reset never unhooks a
 * table that something eager could live in.
 *
 * The path needs a table below each level L whose block around va is not
 * inside r: levels top..first_inside+1 (never below 2).
 */
static bool block_inside(const struct ep_lazy_region *r, uint64_t va,
			 unsigned L)
{
	uint64_t size = ep_level_size(L), block = va & ~(size - 1);
	return block >= r->va && block + (size - 1) <= r->va + (r->len - 1);
}

struct boundary_path {
	uint64_t va;
	unsigned lo;   /* lowest level whose slot needs a table */
	unsigned miss; /* levels lo..miss miss their table (miss < lo: none) */
};

static struct boundary_path boundary_path(const struct ep_ctx *ctx,
					  const struct ep_lazy_region *r,
					  uint64_t va)
{
	struct boundary_path p = { va, ctx->levels + 1, 0 };
	for (unsigned L = ctx->levels; L >= 2 && !block_inside(r, va, L); L--)
		p.lo = L;
	uint64_t table = ctx->root;
	for (unsigned L = ctx->levels; L >= p.lo; L--) {
		uint64_t e = ep_table(ctx, table)[ep_index(va, L)];
		if (!(e & EP_PTE_P)) {
			p.miss = L; /* this one and every one below */
			break;
		}
		table = ep_entry_pa(ctx, e, L);
	}
	return p;
}

static bool path_needs(const struct boundary_path *p, unsigned L)
{
	return L >= p->lo && L <= p->miss;
}

static enum ep_err build_path(struct ep_ctx *ctx, const struct boundary_path *p)
{
	uint64_t table = ctx->root;
	for (unsigned L = ctx->levels; L >= p->lo; L--) {
		unsigned i = ep_index(p->va, L);
		uint64_t e = ep_table(ctx, table)[i];
		if (e & EP_PTE_P) {
			table = ep_entry_pa(ctx, e, L);
			continue;
		}
		uint64_t child;
		enum ep_err err = ep_alloc_table(ctx, false, true, &child);
		if (!err)
			err = ep_write_entry(ctx, table, L, i, child | EP_TABLE_FLAGS);
		if (err)
			return err;
		table = child;
	}
	return EP_OK;
}

static enum ep_err build_boundaries(struct ep_ctx *ctx,
				    const struct ep_lazy_region *r)
{
	struct boundary_path a = boundary_path(ctx, r, r->va);
	struct boundary_path b = boundary_path(ctx, r, r->va + (r->len - 1));
	uint64_t need = 0;
	for (unsigned L = 2; L <= ctx->levels; L++) {
		bool shared = path_needs(&a, L) && path_needs(&b, L) &&
			      !((a.va ^ b.va) >> ep_level_shift(L)) ;
		need += path_needs(&a, L) + (path_needs(&b, L) && !shared);
	}
	uint64_t free = ctx->finished ? 0
				      : (ctx->pool.top - ctx->pool.end) >> EP_PAGE_SHIFT;
	if (need > free)
		return ep_fail(ctx, EP_ERR_POOL, "lazy declare", r->va, ctx->pool.start,
			       need, 0);
	enum ep_err e = build_path(ctx, &a);
	if (!e) {
		/* a's tables may now be part of b's path. */
		b = boundary_path(ctx, r, b.va);
		e = build_path(ctx, &b);
	}
	if (!e && ctx->ops->flush)
		e = ctx->ops->flush(ctx);
	return e;
}

enum ep_err ep_lazy_declare(struct ep_ctx *ctx, uint64_t va, uint64_t pa,
			    uint64_t len, unsigned perms)
{
	const char *name = "lazy declare";
	enum ep_err e = ep_check_mapping(ctx, name, va, pa, len, perms);
	if (e)
		return e;
	/* No boot protocol asks for a lazily built W+X range. */
	if ((perms & EP_W) && (perms & EP_X))
		return ep_fail(ctx, EP_ERR_WX, name, va, 0, perms, 0);
	if (!ctx->lazy_pool.state)
		return ep_fail(ctx, EP_ERR_CONFIG, "lazy declare: no lazy pool", va,
			       pa, 0, 0);
	if (ctx->nlazy == EP_MAX_LAZY)
		return ep_fail(ctx, EP_ERR_CONFIG, "lazy declare: too many regions",
			       va, pa, ctx->nlazy, 0);
	if ((e = ep_check_not_lazy(ctx, name, va, va + len - 1)))
		return e;
	/* Nothing may be mapped there yet: the region owns its va range. */
	struct ep_op check = { .kind = EP_OP_MAP, .name = name, .va = va,
			       .last = va + len - 1, .pa = pa, .perms = perms,
			       .check_only = true };
	if ((e = ep_run_op(ctx, &check)))
		return e;
	struct ep_lazy_region r = { va, pa, len, perms };
	if ((e = build_boundaries(ctx, &r)))
		return e;
	ctx->lazy[ctx->nlazy++] = r;
	return EP_OK;
}

/* Unhook every table of the lazy pool reachable through [va, last]. */
static enum ep_err unhook_lazy(struct ep_ctx *ctx, uint64_t table, unsigned L,
			       uint64_t va, uint64_t last)
{
	uint64_t size = ep_level_size(L), base = ep_table_base(va, L);
	for (unsigned i = ep_index(va, L); i <= ep_index(last, L); i++) {
		uint64_t e = ep_table(ctx, table)[i];
		if (!(e & EP_PTE_P) || ep_is_leaf(e, L))
			continue;
		uint64_t child = ep_entry_pa(ctx, e, L);
		uint64_t s_base = base + (uint64_t)i * size;
		uint64_t s_va = va > s_base ? va : s_base;
		uint64_t s_last = last < s_base + (size - 1) ? last
							   : s_base + (size - 1);
		enum ep_err err =
			ep_pool_contains(&ctx->lazy_pool, child)
				? ep_write_entry(ctx, table, L, i, 0)
				: unhook_lazy(ctx, child, L - 1, s_va, s_last);
		if (err)
			return err;
	}
	return EP_OK;
}

static enum ep_err reset_lazy(struct ep_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->nlazy; i++) {
		const struct ep_lazy_region *r = &ctx->lazy[i];
		enum ep_err e = unhook_lazy(ctx, ctx->root, ctx->levels, r->va,
					    r->va + (r->len - 1));
		if (e)
			return e;
	}
	struct ep_pool *p = &ctx->lazy_pool;
	for (uint64_t i = 0; i < ep_pool_frames(p); i++)
		p->state[i] = EP_FRAME_FREE;
	p->end = p->start;
	ctx->count.pool_resets++;
	if (ctx->live && ctx->ops->invalidate)
		ctx->ops->invalidate(ctx, 0, ~0ULL & ~(EP_PAGE_SIZE - 1));
	return ctx->ops->flush ? ctx->ops->flush(ctx) : EP_OK;
}

static void record_walk(const struct ep_ctx *ctx, uint64_t va,
			struct ep_fault_diag *d)
{
	uint64_t table = ctx->root;
	d->depth = 0;
	for (unsigned L = ctx->levels; L >= 1; L--) {
		uint64_t e = ep_table(ctx, table)[ep_index(va, L)];
		d->walk_table[d->depth] = table;
		d->walk_entry[d->depth] = e;
		d->depth++;
		if (!(e & EP_PTE_P) || ep_is_leaf(e, L))
			return;
		table = ep_entry_pa(ctx, e, L);
	}
}

/* Does the tree as it is now allow the access the error code describes? */
static bool access_allowed(const struct ep_ctx *ctx, uint64_t va, uint32_t ec)
{
	struct ep_translation t;
	if (ep_translate(ctx, va, &t))
		return false;
	if ((ec & EP_PF_W) && !(t.perms & EP_W))
		return false;
	if ((ec & EP_PF_I) && !(t.perms & EP_X))
		return false;
	return !(ec & EP_PF_U) || (t.perms & EP_U);
}

static enum ep_err fault_fail(struct ep_ctx *ctx, struct ep_fault_diag *d,
			      enum ep_fault_reason why)
{
	d->reason = why;
	record_walk(ctx, d->cr2, d);
	if (why == EP_FAULT_POOL || why == EP_FAULT_BACKEND)
		return ctx->err.code; /* keeps what the pool or backend said */
	return ep_fail(ctx, EP_ERR_FAULT, "fault", d->cr2, 0, d->error_code, 0);
}

/* The map that serves a fault at va in r. */
static struct ep_op materialize_op(const struct ep_ctx *ctx,
				   const struct ep_lazy_region *r, uint64_t va)
{
	/* The largest allowed leaf whose aligned block lies inside r. */
	unsigned L = 3;
	for (; L > 1; L--) {
		uint64_t size = ep_level_size(L), block = va & ~(size - 1);
		if ((ctx->leaf_mask & (1u << (L - 1))) && block >= r->va &&
		    block + (size - 1) <= r->va + (r->len - 1) &&
		    ((r->pa + (block - r->va)) & (size - 1)) == 0)
			break;
	}
	uint64_t size = ep_level_size(L), block = va & ~(size - 1);
	return (struct ep_op){ .kind = EP_OP_MAP, .name = "materialize",
			       .va = block, .last = block + size - 1,
			       .pa = r->pa + (block - r->va), .perms = r->perms,
			       .lazy = r };
}

/*
 * Would the fault fit the lazy pool once it is reset? If not, a reset
 * would only unhook what is there and fail all the same: the tree must be
 * left as it was, like after any other refused request.
 */
static bool fits_after_reset(struct ep_ctx *ctx, const struct ep_op *op)
{
	struct ep_error_info keep = ctx->err;
	struct ep_op fresh = *op;
	fresh.as_if_reset = true;
	uint64_t m, l;
	bool fits = ep_count_op(ctx, &fresh, &m, &l) == EP_OK &&
		    l <= ep_pool_frames(&ctx->lazy_pool);
	ctx->err = keep;
	return fits;
}

/*
 * Map every hole of r within [lo, last], with the leaves the materializer
 * would choose. False when r and [lo, last] do not meet.
 */
static bool complete_op(const struct ep_lazy_region *r, bool as_if_reset,
			uint64_t lo, uint64_t last, struct ep_op *op)
{
	uint64_t r_last = r->va + (r->len - 1);
	if (lo > r_last || last < r->va)
		return false;
	uint64_t va = lo > r->va ? lo : r->va, end = last < r_last ? last : r_last;
	*op = (struct ep_op){ .kind = EP_OP_MAP, .name = "lazy complete",
			      .va = va, .last = end, .pa = r->pa + (va - r->va),
			      .perms = r->perms, .lazy = r, .skip_mapped = true,
			      .as_if_reset = as_if_reset };
	return true;
}

/*
 * All or nothing: count what completing [lo, last] of every region needs
 * as the tree is now and as it would be after a reset; reset only when
 * that makes the difference, and fail before touching anything when even
 * that is too small.
 */
static enum ep_err complete_range(struct ep_ctx *ctx, uint64_t lo, uint64_t last)
{
	struct ep_pool *lp = &ctx->lazy_pool;
	uint64_t need_now = 0, need_fresh = 0, main_need = 0;
	unsigned over = 0; /* the first region an empty pool cannot hold */
	struct ep_op now, fresh;
	for (unsigned i = 0; i < ctx->nlazy; i++) {
		uint64_t m, l;
		if (!complete_op(&ctx->lazy[i], false, lo, last, &now))
			continue;
		complete_op(&ctx->lazy[i], true, lo, last, &fresh);
		enum ep_err e = ep_count_op(ctx, &now, &m, &l);
		if (e)
			return e;
		need_now += l;
		main_need += m;
		if ((e = ep_count_op(ctx, &fresh, &m, &l)))
			return e;
		if (need_fresh <= ep_pool_frames(lp))
			over = i;
		need_fresh += l;
	}
	uint64_t lazy_free = (lp->top - lp->end) >> EP_PAGE_SHIFT;
	if (main_need) /* boundary tables are built at declare: cannot happen */
		return ep_fail(ctx, EP_ERR_POOL, "lazy complete", 0,
			       ctx->pool.start, main_need, 0);
	if (need_now > lazy_free) {
		if (need_fresh > ep_pool_frames(lp))
			return ep_fail(ctx, EP_ERR_POOL, "lazy complete",
				       ctx->lazy[over].va, lp->start, need_fresh, 0);
		enum ep_err e = reset_lazy(ctx);
		if (e)
			return e;
	}
	for (unsigned i = 0; i < ctx->nlazy; i++) {
		if (!complete_op(&ctx->lazy[i], false, lo, last, &now))
			continue;
		enum ep_err e = ep_run_op(ctx, &now);
		if (e)
			return e;
	}
	return EP_OK;
}

enum ep_err ep_lazy_complete(struct ep_ctx *ctx)
{
	return complete_range(ctx, 0, ~0ULL);
}

enum ep_err ep_lazy_materialize(struct ep_ctx *ctx, uint64_t va, uint64_t len)
{
	if (!len || va + (len - 1) < va)
		return ep_fail(ctx, EP_ERR_RANGE, "lazy materialize", va, 0, len, 0);
	/* Whole large pages, as a fault would map them. */
	uint64_t big = ep_level_size(2);
	uint64_t lo = va & ~(big - 1), last = (va + (len - 1)) | (big - 1);
	return complete_range(ctx, lo, last < va ? ~0ULL : last);
}

enum ep_err ep_lazy_fault(struct ep_ctx *ctx, uint64_t cr2, uint64_t rip,
			  uint32_t error_code, struct ep_fault_diag *diag)
{
	*diag = (struct ep_fault_diag){ .cr2 = cr2, .rip = rip,
					.error_code = error_code,
					.root = ctx->root,
					.live_root = ctx->root,
					.levels = ctx->levels };
	/* Built into the wrong tree, a fix would leave the CPU's faulting. */
	if (ctx->ops->live_root) {
		diag->live_root = ctx->ops->live_root(ctx);
		if (diag->live_root != ctx->root)
			return fault_fail(ctx, diag, EP_FAULT_OTHER_TREE);
	}
	uint64_t page = cr2 & ~(EP_PAGE_SIZE - 1);
	ctx->fault_repeats = ctx->fault_repeats && ctx->fault_page == page
				     ? ctx->fault_repeats + 1 : 1;
	ctx->fault_page = page;
	diag->repeats = ctx->fault_repeats;
	if (ctx->fault_repeats > EP_LAZY_MAX_REPEATS)
		return fault_fail(ctx, diag, EP_FAULT_NO_PROGRESS);
	if (error_code & EP_PF_RSVD)
		return fault_fail(ctx, diag, EP_FAULT_RESERVED);
	/* Already allowed: a stale TLB entry, nothing to build. */
	if (access_allowed(ctx, cr2, error_code))
		return EP_OK;
	/* Present but not allowed is a protection fault, whatever the P bit said. */
	struct ep_translation now;
	if ((error_code & EP_PF_P) || ep_translate(ctx, cr2, &now) == EP_OK)
		return fault_fail(ctx, diag, EP_FAULT_PROTECTION);
	const struct ep_lazy_region *r = find_region(ctx, cr2);
	if (!r)
		return fault_fail(ctx, diag, EP_FAULT_OUTSIDE);
	if (((error_code & EP_PF_W) && !(r->perms & EP_W)) ||
	    ((error_code & EP_PF_I) && !(r->perms & EP_X)) ||
	    ((error_code & EP_PF_U) && !(r->perms & EP_U)))
		return fault_fail(ctx, diag, EP_FAULT_PROTECTION);

	struct ep_op op = materialize_op(ctx, r, cr2);
	enum ep_err e = ep_run_op(ctx, &op);
	if (e == EP_ERR_POOL && ctx->err.pa == ctx->lazy_pool.start &&
	    fits_after_reset(ctx, &op)) {
		if ((e = reset_lazy(ctx)))
			return fault_fail(ctx, diag, EP_FAULT_BACKEND);
		e = ep_run_op(ctx, &op);
	}
	if (e == EP_ERR_POOL)
		return fault_fail(ctx, diag, EP_FAULT_POOL);
	if (e)
		return fault_fail(ctx, diag, EP_FAULT_BACKEND);
	ctx->count.faults_served++;
	diag->reason = EP_FAULT_SERVED;
	return EP_OK;
}

const char *ep_fault_reason_name(enum ep_fault_reason r)
{
	switch (r) {
	case EP_FAULT_SERVED: return "served";
	case EP_FAULT_OUTSIDE: return "not-present fault outside every lazy region";
	case EP_FAULT_PROTECTION: return "protection fault";
	case EP_FAULT_RESERVED: return "reserved bit set in a paging entry";
	case EP_FAULT_POOL: return "page-table pool too small for one fault";
	case EP_FAULT_BACKEND: return "backend failed while materializing";
	case EP_FAULT_OTHER_TREE: return "fault taken under another tree than the materializer's";
	case EP_FAULT_NO_PROGRESS: return "same page keeps faulting: no progress";
	}
	return "?";
}
