/*
 * The tree walker behind ep_map, ep_protect, ep_unmap and the materializer.
 *
 * Every request runs twice over the same code: a dry run that reads the
 * tree, finds every error (overlap, hole) and counts the frames the request
 * needs from each pool, then, only if all of that is fine, the run that
 * writes. So a failed request leaves the tree exactly as it was, and pool
 * exhaustion is found before the first entry changes.
 *
 * During the dry run, tables that would be created do not exist yet; they
 * are "virtual": empty, or the split of a large leaf.
 */
#include "paging/ep_internal.h"
#include "libc.h"

/*
 * VT_FRESH: a table just allocated by the writing run. Its entries read as
 * empty whatever the frame holds, because a table the request covers whole
 * is not zeroed first (it is about to be written entirely).
 */
enum vt_kind { VT_REAL, VT_EMPTY, VT_SPLIT, VT_FRESH };

struct vtable {
	enum vt_kind kind;
	uint64_t pa;   /* VT_REAL: the frame */
	uint64_t tmpl; /* VT_SPLIT: the large leaf being split */
	uint64_t tmpl_pa;
	unsigned level; /* level of the entries this table holds */
};

struct walk {
	struct ep_ctx *ctx;
	const struct ep_op *op;
	bool dry;
	uint64_t need_main, need_lazy;
};

/* Flags of a leaf (everything but address bits) moved to a smaller level. */
static uint64_t split_flags(uint64_t leaf, unsigned from_level, unsigned to_level)
{
	uint64_t flags = leaf & ~EP_PTE_LARGE_ADDR_MASK(from_level);
	flags &= ~(1ULL << 12); /* PAT of a large leaf */
	if (to_level == 1) {
		flags &= ~EP_PTE_PS;
		if (leaf & (1ULL << 12))
			flags |= EP_PTE_PS; /* bit 7 is PAT in a 4 KiB leaf */
	} else if (leaf & (1ULL << 12)) {
		flags |= 1ULL << 12;
	}
	return flags;
}

static uint64_t vt_entry(const struct ep_ctx *ctx, const struct vtable *t,
			 unsigned i)
{
	switch (t->kind) {
	case VT_REAL:
		return ep_table(ctx, t->pa)[i];
	case VT_SPLIT:
		return (t->tmpl_pa + i * ep_level_size(t->level)) |
		       split_flags(t->tmpl, t->level + 1, t->level);
	case VT_EMPTY:
	case VT_FRESH:
	default:
		return 0;
	}
}

/*
 * The pa entry i of t points to. A split table of the dry run is virtual:
 * its entries are built from the large leaf's pa, not in the backend's
 * encoding, so they are never read back through entry_to_pa.
 */
static uint64_t vt_entry_pa(const struct ep_ctx *ctx, const struct vtable *t,
			    unsigned i, uint64_t e)
{
	if (t->kind == VT_SPLIT)
		return t->tmpl_pa + i * ep_level_size(t->level);
	return ep_entry_pa(ctx, e, t->level);
}

static uint64_t op_pa(const struct ep_op *op, uint64_t va)
{
	return op->pa + (va - op->va);
}

/* A table covering [base, base+size) comes from the lazy pool? */
static bool lazy_table(const struct ep_op *op, uint64_t base, uint64_t size)
{
	const struct ep_lazy_region *r = op->lazy;
	return r && base >= r->va && base + (size - 1) <= r->va + (r->len - 1);
}

static bool leaf_fits(const struct walk *w, unsigned level, uint64_t s_va,
		      bool whole)
{
	const struct ep_ctx *ctx = w->ctx;
	if (!(ctx->leaf_mask & (1u << (level - 1))) || !whole)
		return false;
	return (op_pa(w->op, s_va) & (ep_level_size(level) - 1)) == 0;
}

enum ep_err ep_alloc_table(struct ep_ctx *ctx, bool lazy, bool zero,
			   uint64_t *pa_out)
{
	struct ep_pool *p = lazy ? &ctx->lazy_pool : &ctx->pool;
	if (p->end >= p->top)
		return ep_fail(ctx, EP_ERR_POOL, lazy ? "lazy pool" : "pool",
			       0, p->start, 1, 0);
	uint64_t pa = p->end;
	p->end += EP_PAGE_SIZE;
	p->state[(pa - p->start) >> EP_PAGE_SHIFT] =
		ctx->live ? EP_FRAME_PINNED : EP_FRAME_TABLE;
	ctx->count.table_frames++;
	if (zero || ctx->ops->tables_need_zero) {
		enum ep_err e = ep_zero_table(ctx, pa);
		if (e)
			return e;
	}
	*pa_out = pa;
	return ctx->ops->alloc_table ? ctx->ops->alloc_table(ctx, pa) : EP_OK;
}

struct run {
	unsigned index, count, level;
	uint64_t first;
};

static enum ep_err run_flush(struct ep_ctx *ctx, uint64_t table_pa,
			     struct run *r)
{
	if (!r->count)
		return EP_OK;
	enum ep_err e = ctx->ops->set_run(ctx, table_pa, r->level, r->index,
					  r->count, r->first,
					  ep_level_size(r->level));
	ctx->count.entries_written += r->count;
	ctx->count.leaves[r->level - 1] += r->count;
	r->count = 0;
	return e;
}

static enum ep_err visit(struct walk *w, const struct vtable *t, uint64_t va,
			 uint64_t last);

/* A new table for slot [s_base, +size) of level L; visit it; hook it. */
static enum ep_err descend_new(struct walk *w, const struct vtable *t,
			       unsigned i, uint64_t s_base, uint64_t s_va,
			       uint64_t s_last, bool whole, uint64_t split_leaf,
			       uint64_t split_pa)
{
	struct ep_ctx *ctx = w->ctx;
	unsigned L = t->level;
	bool lazy = lazy_table(w->op, s_base, ep_level_size(L));
	struct vtable child = { .level = L - 1 };

	if (w->dry) {
		if (lazy)
			w->need_lazy++;
		else
			w->need_main++;
		child.kind = split_leaf ? VT_SPLIT : VT_EMPTY;
		child.tmpl = split_leaf;
		child.tmpl_pa = split_leaf ? split_pa : 0;
		return visit(w, &child, s_va, s_last);
	}

	/* A map that covers the whole new table writes every slot of it. */
	bool zero = !(whole && w->op->kind == EP_OP_MAP) && !split_leaf;
	child.kind = split_leaf ? VT_REAL : VT_FRESH;
	enum ep_err e = ep_alloc_table(ctx, lazy, zero, &child.pa);
	if (e)
		return e;
	if (split_leaf) {
		uint64_t pa = split_pa;
		uint64_t flags = split_flags(split_leaf, L, L - 1);
		e = ctx->ops->set_run(ctx, child.pa, L - 1, 0, EP_ENTRIES,
				      pa | flags, ep_level_size(L - 1));
		ctx->count.entries_written += EP_ENTRIES;
		ctx->count.leaves[L - 2] += EP_ENTRIES;
		if (e)
			return e;
	}
	e = visit(w, &child, s_va, s_last);
	if (e)
		return e;
	uint64_t user = (w->op->perms & EP_U) || (split_leaf & EP_PTE_US)
				? EP_PTE_US
				: 0;
	return ep_write_entry(ctx, t->pa, L, i, ep_table_entry(child.pa, user));
}

/*
 * In a table that does not exist yet, every whole slot that needs a table
 * needs the same number of frames (the pa offset keeps its alignment), so
 * count one and multiply. Without this, sizing 64 GiB of 4 KiB leaves would
 * visit every virtual page table.
 */
struct memo {
	bool valid;
	uint64_t main, lazy;
};

static enum ep_err visit_slot(struct walk *w, const struct vtable *t,
			      unsigned i, uint64_t s_base, uint64_t s_va,
			      uint64_t s_last, struct run *run, struct memo *memo)
{
	struct ep_ctx *ctx = w->ctx;
	const struct ep_op *op = w->op;
	unsigned L = t->level;
	uint64_t size = ep_level_size(L);
	bool whole = s_va == s_base && s_last == s_base + (size - 1);
	uint64_t e = vt_entry(ctx, t, i);
	bool present = e & EP_PTE_P;
	enum ep_err err;

	if (present && !ep_is_leaf(e, L) && w->dry && op->as_if_reset &&
	    ep_pool_contains(&ctx->lazy_pool, vt_entry_pa(ctx, t, i, e))) {
		e = 0; /* unhooked by the reset this count imagines */
		present = false;
	}
	if (present && !ep_is_leaf(e, L)) {
		if (!w->dry && (err = run_flush(ctx, t->pa, run)))
			return err;
		struct vtable child = { .kind = VT_REAL,
					.pa = vt_entry_pa(ctx, t, i, e),
					.level = L - 1 };
		err = visit(w, &child, s_va, s_last);
		if (err || w->dry || !(op->perms & EP_U) || (e & EP_PTE_US) ||
		    op->kind == EP_OP_UNMAP)
			return err;
		/*
		 * Rebuilt from the table's pa, never from the raw entry: its
		 * address bits are the backend's (machine frames under Xen PV).
		 */
		return ep_write_entry(ctx, t->pa, L, i,
				      ep_table_entry(child.pa, e | EP_PTE_US));
	}

	switch (op->kind) {
	case EP_OP_MAP:
		if (present && op->skip_mapped)
			return EP_OK;
		if (present) {
			uint64_t pa = vt_entry_pa(ctx, t, i, e) + (s_va - s_base);
			return ep_fail(ctx, EP_ERR_OVERLAP, op->name, s_va, pa,
				       0, L);
		}
		if (leaf_fits(w, L, s_va, whole)) {
			if (w->dry)
				return EP_OK;
			uint64_t entry = op_pa(op, s_va) |
					 ep_leaf_flags(ctx, L, op->perms);
			if (run->count && run->index + run->count == i) {
				run->count++;
				return EP_OK;
			}
			if ((err = run_flush(ctx, t->pa, run)))
				return err;
			*run = (struct run){ i, 1, L, entry };
			return EP_OK;
		}
		if (w->dry && t->kind == VT_EMPTY && whole && !op->lazy) {
			if (memo->valid) {
				w->need_main += memo->main;
				w->need_lazy += memo->lazy;
				return EP_OK;
			}
			uint64_t m0 = w->need_main, l0 = w->need_lazy;
			err = descend_new(w, t, i, s_base, s_va, s_last, whole, 0, 0);
			*memo = (struct memo){ true, w->need_main - m0,
					       w->need_lazy - l0 };
			return err;
		}
		if (!w->dry && (err = run_flush(ctx, t->pa, run)))
			return err;
		return descend_new(w, t, i, s_base, s_va, s_last, whole, 0, 0);

	case EP_OP_PROTECT:
		if (!present)
			return ep_fail(ctx, EP_ERR_NOT_MAPPED, op->name, s_va,
				       0, 0, L);
		if (whole) {
			if (w->dry)
				return EP_OK;
			uint64_t entry = vt_entry_pa(ctx, t, i, e) |
					 ep_leaf_flags(ctx, L, op->perms);
			ctx->count.leaves[L - 1]++;
			return ep_write_entry(ctx, t->pa, L, i, entry);
		}
		return descend_new(w, t, i, s_base, s_va, s_last, false, e,
				   vt_entry_pa(ctx, t, i, e));

	case EP_OP_UNMAP:
	default:
		if (!present)
			return EP_OK;
		if (whole)
			return w->dry ? EP_OK : ep_write_entry(ctx, t->pa, L, i, 0);
		return descend_new(w, t, i, s_base, s_va, s_last, false, e,
				   vt_entry_pa(ctx, t, i, e));
	}
}

/*
 * In a table that is known empty, a run of whole slots that all take a leaf
 * is written without looking at each slot: this is the hot path of every
 * large map. Returns how many slots from i that covers (0: none).
 */
static unsigned bulk_leaves(const struct walk *w, const struct vtable *t,
			    unsigned i, unsigned final, uint64_t s_base,
			    uint64_t s_va, uint64_t s_last, uint64_t last)
{
	unsigned L = t->level;
	uint64_t size = ep_level_size(L);
	if ((t->kind != VT_FRESH && t->kind != VT_EMPTY) ||
	    w->op->kind != EP_OP_MAP ||
	    !leaf_fits(w, L, s_va, s_va == s_base && s_last == s_base + (size - 1)))
		return 0;
	unsigned last_whole = (last & (size - 1)) == size - 1 ? final : final - 1;
	return last_whole - i + 1;
}

static enum ep_err visit(struct walk *w, const struct vtable *t, uint64_t va,
			 uint64_t last)
{
	unsigned L = t->level;
	uint64_t size = ep_level_size(L);
	uint64_t base = ep_table_base(va, L);
	unsigned first = ep_index(va, L), final = ep_index(last, L);
	struct run run = { 0, 0, L, 0 };
	struct memo memo = { false, 0, 0 };

	for (unsigned i = first; i <= final; i++) {
		uint64_t s_base = base + (uint64_t)i * size;
		uint64_t s_va = va > s_base ? va : s_base;
		uint64_t s_end = s_base + (size - 1);
		uint64_t s_last = last < s_end ? last : s_end;
		enum ep_err e;
		unsigned n = bulk_leaves(w, t, i, final, s_base, s_va, s_last, last);
		if (n) {
			/* Every whole slot from i on takes the same leaf size. */
			if (!w->dry && (e = run_flush(w->ctx, t->pa, &run)))
				return e;
			if (!w->dry)
				run = (struct run){ i, n, L,
						    op_pa(w->op, s_va) |
							    ep_leaf_flags(w->ctx, L,
									  w->op->perms) };
			i += n - 1;
			continue;
		}
		e = visit_slot(w, t, i, s_base, s_va, s_last, &run, &memo);
		if (e)
			return e;
	}
	return w->dry ? EP_OK : run_flush(w->ctx, t->pa, &run);
}

static uint64_t pool_free(const struct ep_pool *p)
{
	return (p->top - p->end) >> EP_PAGE_SHIFT;
}

enum ep_err ep_count_op(struct ep_ctx *ctx, const struct ep_op *op,
			uint64_t *need_main, uint64_t *need_lazy)
{
	struct walk w = { ctx, op, true, 0, 0 };
	struct vtable root = { .kind = VT_REAL, .pa = ctx->root,
			       .level = ctx->levels };
	enum ep_err e = visit(&w, &root, op->va, op->last);
	*need_main = w.need_main;
	*need_lazy = w.need_lazy;
	return e;
}

enum ep_err ep_run_op(struct ep_ctx *ctx, const struct ep_op *op)
{
	struct walk w = { ctx, op, true, 0, 0 };
	struct vtable root = { .kind = VT_REAL, .pa = ctx->root,
			       .level = ctx->levels };
	enum ep_err e = ep_count_op(ctx, op, &w.need_main, &w.need_lazy);
	if (e || op->check_only)
		return e;

	uint64_t main_free = ctx->finished ? 0 : pool_free(&ctx->pool);
	if (w.need_main > main_free) {
		if (ctx->finished)
			return ep_fail(ctx, EP_ERR_STATE, op->name, op->va, 0,
				       w.need_main, 0);
		return ep_fail(ctx, EP_ERR_POOL, op->name, op->va,
			       ctx->pool.start, w.need_main, 0);
	}
	if (w.need_lazy > pool_free(&ctx->lazy_pool))
		return ep_fail(ctx, EP_ERR_POOL, op->name, op->va,
			       ctx->lazy_pool.start, w.need_lazy, 0);

	if (ctx->ops->check_request) {
		static const enum ep_request_kind kinds[] = {
			[EP_OP_MAP] = EP_REQ_MAP,
			[EP_OP_PROTECT] = EP_REQ_PROTECT,
			[EP_OP_UNMAP] = EP_REQ_UNMAP,
		};
		struct ep_request req = { kinds[op->kind], op->va,
					  op->last - op->va + 1,
					  op->kind == EP_OP_MAP ? op->pa : 0,
					  op->perms };
		if ((e = ctx->ops->check_request(ctx, &req)))
			return e;
	}

	w.dry = false;
	e = visit(&w, &root, op->va, op->last);
	if (!e && ctx->ops->flush)
		e = ctx->ops->flush(ctx);
	if (!e && ctx->live && op->kind != EP_OP_MAP && ctx->ops->invalidate)
		ctx->ops->invalidate(ctx, op->va, op->last - op->va + 1);
	return e;
}
