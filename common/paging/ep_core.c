/*
 * early_paging: life cycle, requests, and reading the tree back.
 * The tree walker that writes lives in ep_walk.c, the materializer in
 * ep_lazy.c, the dump and messages in ep_dump.c.
 */
#include "paging/ep_internal.h"
#include "libc.h"

const char *ep_strerror(enum ep_err err)
{
	switch (err) {
	case EP_OK: return "ok";
	case EP_ERR_ALIGN: return "not 4 KiB aligned";
	case EP_ERR_RANGE: return "bad range";
	case EP_ERR_WX: return "writable and executable";
	case EP_ERR_OVERLAP: return "already mapped";
	case EP_ERR_NOT_MAPPED: return "not mapped";
	case EP_ERR_LAZY: return "conflicts with a lazy region";
	case EP_ERR_POOL: return "page-table pool exhausted";
	case EP_ERR_REFUSED: return "writable mapping of a page-table frame";
	case EP_ERR_BACKEND: return "backend failure";
	case EP_ERR_STATE: return "not allowed in this state";
	case EP_ERR_CONFIG: return "bad configuration";
	case EP_ERR_FAULT: return "unserviceable page fault";
	}
	return "unknown error";
}

const char *ep_frame_state_name(enum ep_frame_state s)
{
	switch (s) {
	case EP_FRAME_FREE: return "free";
	case EP_FRAME_TABLE: return "table";
	case EP_FRAME_PINNED: return "pinned";
	case EP_FRAME_RELEASED: return "released";
	}
	return "?";
}

enum ep_err ep_fail(struct ep_ctx *ctx, enum ep_err code, const char *op,
		    uint64_t va, uint64_t pa, uint64_t need, unsigned level)
{
	ctx->err = (struct ep_error_info){ code, va, pa, need, level, op };
	return code;
}

uint64_t ep_sign_extend(uint64_t va, unsigned levels)
{
	unsigned bits = levels == 5 ? 57 : 48;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

bool ep_canonical(uint64_t va, unsigned levels)
{
	return ep_sign_extend(va, levels) == va;
}

uint64_t ep_leaf_flags(const struct ep_ctx *ctx, unsigned level, unsigned perms)
{
	uint64_t f = EP_PTE_P | EP_PTE_A;
	if (perms & EP_W)
		f |= EP_PTE_RW | EP_PTE_D;
	if (perms & EP_U)
		f |= EP_PTE_US;
	if (perms & EP_G)
		f |= EP_PTE_G;
	if (perms & EP_NOCACHE)
		f |= EP_PTE_PCD | EP_PTE_PWT;
	if (!(perms & EP_X) && !ctx->no_nx)
		f |= EP_PTE_NX;
	if (level > 1)
		f |= EP_PTE_PS;
	return f;
}

unsigned ep_entry_perms(uint64_t e)
{
	unsigned p = 0;
	if (e & EP_PTE_RW)
		p |= EP_W;
	if (!(e & EP_PTE_NX))
		p |= EP_X;
	if (e & EP_PTE_US)
		p |= EP_U;
	if (e & EP_PTE_G)
		p |= EP_G;
	if (e & EP_PTE_PCD)
		p |= EP_NOCACHE;
	return p;
}

enum ep_err ep_write_entry(struct ep_ctx *ctx, uint64_t table_pa,
			   unsigned level, unsigned index, uint64_t entry)
{
	ctx->count.entries_written++;
	return ctx->ops->set_entry(ctx, table_pa, level, index, entry);
}

static void pool_setup(struct ep_pool *p, uint64_t pa, uint64_t frames,
		       uint8_t *state)
{
	p->start = p->end = pa;
	p->top = pa + frames * EP_PAGE_SIZE;
	p->state = state;
	for (uint64_t i = 0; i < frames; i++)
		state[i] = EP_FRAME_FREE;
}

static bool pools_overlap(const struct ep_config *c)
{
	uint64_t a0 = c->pool_pa, a1 = a0 + c->pool_frames * EP_PAGE_SIZE;
	uint64_t b0 = c->lazy_pool_pa, b1 = b0 + c->lazy_pool_frames * EP_PAGE_SIZE;
	return c->lazy_pool_frames && a0 < b1 && b0 < a1;
}

enum ep_err ep_init(struct ep_ctx *ctx, const struct ep_config *cfg)
{
	memset(ctx, 0, sizeof(*ctx));
	const struct ep_backend_ops *ops = cfg->ops;
	const char *op = "init";

	if (!ops || !ops->set_entry || !ops->set_run || !ops->activate_early ||
	    !ops->activate_late || !cfg->phys_to_virt)
		return ep_fail(ctx, EP_ERR_CONFIG, op, 0, 0, 0, 0);
	if (cfg->levels != 4 && cfg->levels != 5)
		return ep_fail(ctx, EP_ERR_CONFIG, op, 0, 0, 0, cfg->levels);
	if (!cfg->pool_frames || !cfg->pool_state)
		return ep_fail(ctx, EP_ERR_CONFIG, "init: main pool (no frames or no state)",
			       0, cfg->pool_pa, cfg->pool_frames, 0);
	if (cfg->lazy_pool_frames && !cfg->lazy_pool_state)
		return ep_fail(ctx, EP_ERR_CONFIG, "init: lazy pool (no state)", 0,
			       cfg->lazy_pool_pa, cfg->lazy_pool_frames, 0);
	if ((cfg->pool_pa | cfg->lazy_pool_pa) & (EP_PAGE_SIZE - 1))
		return ep_fail(ctx, EP_ERR_ALIGN, op, 0, cfg->pool_pa, 0, 0);
	if (pools_overlap(cfg))
		return ep_fail(ctx, EP_ERR_CONFIG, op, 0, cfg->lazy_pool_pa, 0, 0);

	ctx->ops = ops;
	ctx->backend_data = cfg->backend_data;
	ctx->levels = cfg->levels;
	ctx->leaf_mask = ops->leaf_mask & (cfg->leaf_mask ? cfg->leaf_mask : ~0u);
	ctx->leaf_mask |= EP_LEAF_4K; /* every backend can write 4 KiB leaves */
	ctx->no_nx = cfg->no_nx;
	ctx->phys_to_virt = cfg->phys_to_virt;
	ctx->env = cfg->env;
	ctx->activate = ops->activate_early;
	pool_setup(&ctx->pool, cfg->pool_pa, cfg->pool_frames, cfg->pool_state);
	if (cfg->lazy_pool_frames)
		pool_setup(&ctx->lazy_pool, cfg->lazy_pool_pa,
			   cfg->lazy_pool_frames, cfg->lazy_pool_state);

	/* The root is the first frame of the pool, zeroed and made a table. */
	uint64_t root = ctx->pool.start;
	ctx->pool.end += EP_PAGE_SIZE;
	ctx->pool.state[0] = EP_FRAME_TABLE;
	ctx->count.table_frames = 1;
	ctx->root = root;
	enum ep_err e = ep_zero_table(ctx, root);
	if (e)
		return e;
	if (ops->alloc_table)
		return ops->alloc_table(ctx, root);
	return EP_OK;
}

enum ep_err ep_check_range(struct ep_ctx *ctx, const char *op, uint64_t va,
			   uint64_t len)
{
	if ((va | len) & (EP_PAGE_SIZE - 1))
		return ep_fail(ctx, EP_ERR_ALIGN, op, va, 0, len, 0);
	uint64_t last = va + len - 1;
	if (!len || last < va || !ep_canonical(va, ctx->levels) ||
	    !ep_canonical(last, ctx->levels) || (va >> 63) != (last >> 63) ||
	    ep_in_hole(ctx, va, last))
		return ep_fail(ctx, EP_ERR_RANGE, op, va, 0, len, 0);
	return EP_OK;
}

static enum ep_err check_perms(struct ep_ctx *ctx, const char *op, uint64_t va,
			       unsigned perms)
{
	if (perms & ~(unsigned)(EP_W | EP_X | EP_U | EP_G | EP_NOCACHE |
				EP_WX_BY_PROTOCOL))
		return ep_fail(ctx, EP_ERR_CONFIG, op, va, 0, perms, 0);
	if ((perms & EP_W) && (perms & EP_X) && !(perms & EP_WX_BY_PROTOCOL))
		return ep_fail(ctx, EP_ERR_WX, op, va, 0, perms, 0);
	return EP_OK;
}

/*
 * Eager requests never touch a lazy region (its tables may be reset), and
 * lazy regions never overlap each other.
 */
enum ep_err ep_check_not_lazy(struct ep_ctx *ctx, const char *op, uint64_t va,
			      uint64_t last)
{
	for (unsigned i = 0; i < ctx->nlazy; i++) {
		const struct ep_lazy_region *r = &ctx->lazy[i];
		uint64_t r_last = r->va + (r->len - 1);
		if (va <= r_last && r->va <= last)
			return ep_fail(ctx, EP_ERR_LAZY, op,
				       va > r->va ? va : r->va, r->pa, 0, 0);
	}
	return EP_OK;
}

enum ep_err ep_check_mapping(struct ep_ctx *ctx, const char *op, uint64_t va,
			     uint64_t pa, uint64_t len, unsigned perms)
{
	enum ep_err e;
	if ((e = ep_check_range(ctx, op, va, len)))
		return e;
	if (pa & (EP_PAGE_SIZE - 1))
		return ep_fail(ctx, EP_ERR_ALIGN, op, va, pa, len, 0);
	if (pa + len < pa || pa + len > EP_MAXPHYADDR_LIMIT)
		return ep_fail(ctx, EP_ERR_RANGE, op, va, pa, len, 0);
	return check_perms(ctx, op, va, perms);
}

enum ep_err ep_map(struct ep_ctx *ctx, uint64_t va, uint64_t pa, uint64_t len,
		   unsigned perms)
{
	const char *name = "map";
	enum ep_err e;
	if ((e = ep_check_mapping(ctx, name, va, pa, len, perms)) ||
	    (e = ep_check_not_lazy(ctx, name, va, va + len - 1)))
		return e;
	struct ep_op op = { .kind = EP_OP_MAP, .name = name, .va = va,
			     .last = va + len - 1, .pa = pa, .perms = perms };
	return ep_run_op(ctx, &op);
}

enum ep_err ep_protect(struct ep_ctx *ctx, uint64_t va, uint64_t len,
		       unsigned perms)
{
	const char *name = "protect";
	enum ep_err e;
	if ((e = ep_check_range(ctx, name, va, len)) ||
	    (e = check_perms(ctx, name, va, perms)) ||
	    (e = ep_check_not_lazy(ctx, name, va, va + len - 1)))
		return e;
	struct ep_op op = { .kind = EP_OP_PROTECT, .name = name, .va = va,
			     .last = va + len - 1, .perms = perms };
	return ep_run_op(ctx, &op);
}

enum ep_err ep_unmap(struct ep_ctx *ctx, uint64_t va, uint64_t len)
{
	const char *name = "unmap";
	enum ep_err e;
	if ((e = ep_check_range(ctx, name, va, len)) ||
	    (e = ep_check_not_lazy(ctx, name, va, va + len - 1)))
		return e;
	struct ep_op op = { .kind = EP_OP_UNMAP, .name = name, .va = va,
			     .last = va + len - 1 };
	return ep_run_op(ctx, &op);
}

enum ep_err ep_translate(const struct ep_ctx *ctx, uint64_t va,
			 struct ep_translation *out)
{
	if (!ep_canonical(va, ctx->levels) || ep_in_hole(ctx, va, va))
		return EP_ERR_RANGE;
	uint64_t table = ctx->root;
	unsigned w = EP_W, u = EP_U, x = EP_X;
	for (unsigned L = ctx->levels; L >= 1; L--) {
		uint64_t e = ep_table(ctx, table)[ep_index(va, L)];
		if (!(e & EP_PTE_P))
			return EP_ERR_NOT_MAPPED;
		unsigned p = ep_entry_perms(e);
		w &= p;
		u &= p;
		x &= p;
		if (ep_is_leaf(e, L)) {
			uint64_t off = va & (ep_level_size(L) - 1);
			out->pa = ep_entry_pa(ctx, e, L) + off;
			out->perms = w | u | x | (p & (EP_G | EP_NOCACHE));
			out->level = L;
			out->entry = e;
			return EP_OK;
		}
		table = ep_entry_pa(ctx, e, L);
	}
	return EP_ERR_NOT_MAPPED;
}

struct leaf_walk {
	const struct ep_ctx *ctx;
	int (*fn)(void *arg, const struct ep_leaf *leaf);
	void *arg;
};

static int walk_leaves(struct leaf_walk *lw, uint64_t table, unsigned L,
		       uint64_t base, unsigned inherited)
{
	const uint64_t *t = ep_table(lw->ctx, table);
	for (unsigned i = 0; i < EP_ENTRIES; i++) {
		uint64_t e = t[i];
		if (!(e & EP_PTE_P))
			continue;
		uint64_t va = ep_sign_extend(base + (uint64_t)i * ep_level_size(L),
					  lw->ctx->levels);
		if (ep_in_hole(lw->ctx, va, va + (ep_level_size(L) - 1)))
			continue;
		unsigned p = ep_entry_perms(e);
		unsigned eff = inherited & p & (EP_W | EP_U | EP_X);
		int r;
		if (ep_is_leaf(e, L)) {
			struct ep_leaf leaf = {
				va, ep_entry_pa(lw->ctx, e, L), ep_level_size(L),
				L, eff | (p & (EP_G | EP_NOCACHE)), e
			};
			r = lw->fn(lw->arg, &leaf);
		} else {
			r = walk_leaves(lw, ep_entry_pa(lw->ctx, e, L), L - 1,
					va, eff);
		}
		if (r)
			return r;
	}
	return 0;
}

int ep_walk_leaves(const struct ep_ctx *ctx,
		   int (*fn)(void *arg, const struct ep_leaf *leaf), void *arg)
{
	struct leaf_walk lw = { ctx, fn, arg };
	return walk_leaves(&lw, ctx->root, ctx->levels, 0, EP_W | EP_U | EP_X);
}

static int walk_tables(const struct ep_ctx *ctx, uint64_t table, unsigned L,
		       uint64_t base,
		       int (*fn)(void *, uint64_t, unsigned), void *arg)
{
	int r = fn(arg, table, L);
	if (r || L == 1)
		return r;
	const uint64_t *t = ep_table(ctx, table);
	for (unsigned i = 0; i < EP_ENTRIES && !r; i++) {
		uint64_t e = t[i];
		uint64_t va = ep_sign_extend(base + (uint64_t)i * ep_level_size(L),
					  ctx->levels);
		if ((e & EP_PTE_P) && !ep_is_leaf(e, L) &&
		    !ep_in_hole(ctx, va, va + (ep_level_size(L) - 1)))
			r = walk_tables(ctx, ep_entry_pa(ctx, e, L), L - 1, va,
					fn, arg);
	}
	return r;
}

int ep_walk_tables(const struct ep_ctx *ctx,
		   int (*fn)(void *arg, uint64_t table_pa, unsigned level),
		   void *arg)
{
	return walk_tables(ctx, ctx->root, ctx->levels, 0, fn, arg);
}

static void pin_pool(struct ep_pool *p)
{
	uint64_t used = ep_pool_used(p);
	for (uint64_t i = 0; i < used; i++)
		if (p->state[i] == EP_FRAME_TABLE)
			p->state[i] = EP_FRAME_PINNED;
}

/*
 * Give the spare frames [end, top) of the main pool back to ordinary RW
 * memory. Only ever once the tree is live: until its pin has completed a
 * spare frame is still a table frame under the xen backend's rule.
 */
static enum ep_err release_spares(struct ep_ctx *ctx)
{
	struct ep_pool *p = &ctx->pool;
	enum ep_err e = EP_OK;
	for (uint64_t pa = p->end; pa < p->top && ctx->ops->release_spare;
	     pa += EP_PAGE_SIZE) {
		if (p->state[(pa - p->start) >> EP_PAGE_SHIFT] != EP_FRAME_FREE)
			continue;
		if ((e = ctx->ops->release_spare(ctx, pa)))
			return e;
	}
	if (ctx->ops->flush && (e = ctx->ops->flush(ctx)))
		return e;
	/*
	 * Only now is every spare frame ordinary memory again. A backend that
	 * failed on the way (a give-back batch half sent) leaves them free:
	 * still the pool's, never handed on as "released" while some are not
	 * writable yet.
	 */
	for (uint64_t pa = p->end; pa < p->top; pa += EP_PAGE_SIZE) {
		uint8_t *st = &p->state[(pa - p->start) >> EP_PAGE_SHIFT];
		if (*st == EP_FRAME_FREE)
			*st = EP_FRAME_RELEASED;
	}
	ctx->release_pending = false;
	return EP_OK;
}

enum ep_err ep_activate(struct ep_ctx *ctx)
{
	enum ep_err e = ctx->ops->flush ? ctx->ops->flush(ctx) : EP_OK;
	if (e)
		return e;
	e = ctx->activate(ctx, ctx->root);
	if (e)
		return e;
	ctx->live = true;
	ctx->count.activations++;
	pin_pool(&ctx->pool);
	if (ctx->lazy_pool.state)
		pin_pool(&ctx->lazy_pool);
	/* Finished before it was live: the spare frames go back now. */
	return ctx->release_pending ? release_spares(ctx) : EP_OK;
}

void ep_switch_to_late_activation(struct ep_ctx *ctx)
{
	ctx->activate = ctx->ops->activate_late;
}

enum ep_err ep_finish(struct ep_ctx *ctx)
{
	if (ctx->finished)
		return ep_fail(ctx, EP_ERR_STATE, "finish", 0, 0, 0, 0);
	if (!ctx->live) {
		/*
		 * The pool closes now; its spare frames stay free (and under
		 * the xen backend's rule) until the first activation has
		 * pinned the tree, which gives them back. What is queued goes
		 * out now, and a backend that cannot go on says so.
		 */
		enum ep_err e = ctx->ops->flush ? ctx->ops->flush(ctx) : EP_OK;
		if (e)
			return e;
		ctx->finished = true;
		ctx->release_pending = true;
		return EP_OK;
	}
	enum ep_err e = release_spares(ctx);
	if (e)
		return e; /* not finished: the spare frames are still free */
	ctx->finished = true;
	return EP_OK;
}

const struct ep_counters *ep_counters(const struct ep_ctx *ctx)
{
	return &ctx->count;
}

const struct ep_error_info *ep_last_error(const struct ep_ctx *ctx)
{
	return &ctx->err;
}

int ep_frame_state(const struct ep_ctx *ctx, uint64_t pa)
{
	const struct ep_pool *pools[2] = { &ctx->pool, &ctx->lazy_pool };
	for (unsigned i = 0; i < 2; i++) {
		const struct ep_pool *p = pools[i];
		if (p->state && ep_pool_contains(p, pa))
			return p->state[(pa - p->start) >> EP_PAGE_SHIFT];
	}
	return -1;
}
