#define _POSIX_C_SOURCE 200809L
#include "ep_fixture.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ctx is embedded in struct fx: the recording ops find their fx from it
 * without touching backend_data, which belongs to the wrapped backend. */
static struct fx *fx_of(struct ep_ctx *ctx)
{
	return (struct fx *)((char *)ctx - offsetof(struct fx, ctx));
}

static uint8_t *shadow_of(struct fx *f, uint64_t pa)
{
	const struct ep_pool *p = &f->ctx.pool, *l = &f->ctx.lazy_pool;
	if (f->shadow_pool && pa >= f->cfg.pool_pa &&
	    pa - f->cfg.pool_pa < f->cfg.pool_frames * PAGE)
		return f->shadow_pool + (pa - f->cfg.pool_pa);
	if (f->shadow_lazy && pa >= f->cfg.lazy_pool_pa &&
	    pa - f->cfg.lazy_pool_pa < f->cfg.lazy_pool_frames * PAGE)
		return f->shadow_lazy + (pa - f->cfg.lazy_pool_pa);
	(void)p;
	(void)l;
	return NULL;
}

static enum ep_err rec_alloc_table(struct ep_ctx *ctx, uint64_t pa)
{
	struct fx *f = fx_of(ctx);
	const uint8_t *mem = sim_phys_to_virt(f->sim, pa);
	if (f->ops.tables_need_zero) {
		for (unsigned i = 0; i < PAGE; i++)
			if (mem[i]) {
				if (!f->rec.nonzero_allocs++)
					f->rec.nonzero_pa = pa;
				break;
			}
	}
	if (f->rec.allocs < FX_LOG)
		f->rec.alloc_log[f->rec.allocs] = pa;
	f->rec.allocs++;
	uint8_t *sh = shadow_of(f, pa);
	if (sh)
		memcpy(sh, mem, PAGE);
	return f->inner->alloc_table ? f->inner->alloc_table(ctx, pa) : EP_OK;
}

static void shadow_store(struct fx *f, uint64_t table_pa, unsigned index, uint64_t e)
{
	uint8_t *sh = shadow_of(f, table_pa);
	if (sh && index < EP_ENTRIES)
		memcpy(sh + 8 * index, &e, 8);
}

static enum ep_err rec_set_entry(struct ep_ctx *ctx, uint64_t table_pa,
				 unsigned level, unsigned index, uint64_t entry)
{
	struct fx *f = fx_of(ctx);
	f->rec.set_entry++;
	f->rec.entries++;
	enum ep_err e = f->inner->set_entry(ctx, table_pa, level, index, entry);
	shadow_store(f, table_pa, index, entry);
	return e;
}

static enum ep_err rec_set_run(struct ep_ctx *ctx, uint64_t table_pa,
			       unsigned level, unsigned index, unsigned count,
			       uint64_t first, uint64_t step)
{
	struct fx *f = fx_of(ctx);
	f->rec.set_run++;
	f->rec.entries += count;
	enum ep_err e;
	if (f->inner->set_run) {
		e = f->inner->set_run(ctx, table_pa, level, index, count, first, step);
	} else {
		e = EP_OK;
		for (unsigned i = 0; i < count && e == EP_OK; i++)
			e = f->inner->set_entry(ctx, table_pa, level, index + i,
						first + i * step);
	}
	for (unsigned i = 0; i < count; i++)
		shadow_store(f, table_pa, index + i, first + i * step);
	return e;
}

static enum ep_err rec_flush(struct ep_ctx *ctx)
{
	struct fx *f = fx_of(ctx);
	f->rec.flushes++;
	return f->inner->flush ? f->inner->flush(ctx) : EP_OK;
}

static enum ep_err rec_activate_early(struct ep_ctx *ctx, uint64_t root)
{
	struct fx *f = fx_of(ctx);
	f->rec.early++;
	f->rec.activate_root = root;
	return f->inner->activate_early(ctx, root);
}

static enum ep_err rec_activate_late(struct ep_ctx *ctx, uint64_t root)
{
	struct fx *f = fx_of(ctx);
	f->rec.late++;
	f->rec.activate_root = root;
	return f->inner->activate_late(ctx, root);
}

static void rec_invalidate(struct ep_ctx *ctx, uint64_t va, uint64_t len)
{
	struct fx *f = fx_of(ctx);
	if (f->rec.invalidates < FX_LOG) {
		f->rec.inval_va[f->rec.invalidates] = va;
		f->rec.inval_len[f->rec.invalidates] = len;
	}
	f->rec.invalidates++;
	if (f->inner->invalidate)
		f->inner->invalidate(ctx, va, len);
}

static enum ep_err rec_release_spare(struct ep_ctx *ctx, uint64_t pa)
{
	struct fx *f = fx_of(ctx);
	if (f->rec.releases < FX_LOG)
		f->rec.release_log[f->rec.releases] = pa;
	f->rec.releases++;
	return f->inner->release_spare ? f->inner->release_spare(ctx, pa) : EP_OK;
}

struct fx_opts fx_defaults(const struct fx_opts *o)
{
	struct fx_opts d = { 0 };
	if (o)
		d = *o;
	if (!d.levels)
		d.levels = 4;
	if (!d.pool_pa)
		d.pool_pa = 16 * MiB;
	if (!d.pool_frames)
		d.pool_frames = 256;
	if (!d.lazy_pa)
		d.lazy_pa = 64 * MiB;
	return d;
}

struct fx *fx_new(const struct fx_opts *opts)
{
	struct fx_opts o = fx_defaults(opts);
	struct fx *f = th_alloc(sizeof *f);
	f->sim = sim_new(o.levels);
	/* no_nx models a CPU without NX: EFER.NXE off and not settable. */
	f->sim->nxe = !o.no_nx;
	f->sim->cpu_nx = !o.no_nx;
	f->no_nx = o.no_nx;
	f->pool_mem = sim_add_ram(f->sim, o.pool_pa, o.pool_frames * PAGE, "pool");
	/* Pool memory starts as garbage, as real RAM does: the core must zero. */
	memset(f->pool_mem, 0xa5, o.pool_frames * PAGE);
	f->pool_state = th_alloc(o.pool_frames);
	memset(f->pool_state, 0x77, o.pool_frames); /* ep_init must set them */
	if (o.lazy_frames) {
		f->lazy_mem = sim_add_ram(f->sim, o.lazy_pa, o.lazy_frames * PAGE,
					  "lazy pool");
		memset(f->lazy_mem, 0x5a, o.lazy_frames * PAGE);
		f->lazy_state = th_alloc(o.lazy_frames);
		memset(f->lazy_state, 0x77, o.lazy_frames);
	}
	if (o.shadow) {
		f->shadow_pool = th_alloc(o.pool_frames * PAGE);
		if (o.lazy_frames)
			f->shadow_lazy = th_alloc(o.lazy_frames * PAGE);
	}

	f->inner = &ep_native_ops;
	f->ops = ep_native_ops;
	f->ops.name = "recording-native";
	f->ops.tables_need_zero = o.tables_need_zero || ep_native_ops.tables_need_zero;
	f->ops.alloc_table = rec_alloc_table;
	f->ops.set_entry = rec_set_entry;
	f->ops.set_run = rec_set_run;
	f->ops.flush = rec_flush;
	f->ops.activate_early = rec_activate_early;
	f->ops.activate_late = rec_activate_late;
	f->ops.invalidate = rec_invalidate;
	f->ops.release_spare = rec_release_spare;

	f->cfg = (struct ep_config){
		.ops = &f->ops,
		.levels = o.levels,
		.leaf_mask = o.leaf_mask,
		.no_nx = o.no_nx,
		.phys_to_virt = sim_phys_to_virt,
		.env = f->sim,
		.pool_pa = o.pool_pa,
		.pool_frames = o.pool_frames,
		.pool_state = f->pool_state,
		.lazy_pool_pa = o.lazy_frames ? o.lazy_pa : 0,
		.lazy_pool_frames = o.lazy_frames,
		.lazy_pool_state = f->lazy_state,
	};
	if (!o.no_init) {
		unsigned long checks = th_checks();
		enum ep_err e = ep_init(&f->ctx, &f->cfg);
		REQUIREF(e == EP_OK, "ep_init: %s: %s", fx_err_name(e), fx_errline(f));
		th_checks_reset(checks); /* the fixture's, not the case's (harness.h) */
		fx_use_root(f);
	}
	return f;
}

void fx_use_root(struct fx *f)
{
	if (f->sim->cr3 != f->ctx.root)
		sim_set_root(f->sim, f->ctx.root);
}

const char *fx_err_name(enum ep_err e)
{
	static const char *const names[] = {
		"EP_OK", "EP_ERR_ALIGN", "EP_ERR_RANGE", "EP_ERR_WX",
		"EP_ERR_OVERLAP", "EP_ERR_NOT_MAPPED", "EP_ERR_LAZY",
		"EP_ERR_POOL", "EP_ERR_REFUSED", "EP_ERR_BACKEND",
		"EP_ERR_STATE", "EP_ERR_CONFIG", "EP_ERR_FAULT",
	};
	if ((unsigned)e < sizeof names / sizeof names[0])
		return names[e];
	return "EP_ERR_<unknown>";
}

const char *fx_errline(struct fx *f)
{
	static char buf[512];
	ep_format_error(&f->ctx, buf, sizeof buf);
	return buf;
}

bool fx_expect_ep(const char *file, int line, struct fx *f, const char *what,
		  enum ep_err got, enum ep_err want, bool fatal)
{
	if (got == want) {
		th_pass();
		return true;
	}
	if (got != EP_OK)
		th_fail(file, line, "%s: expected %s, got %s (%s)", what,
			fx_err_name(want), fx_err_name(got), fx_errline(f));
	else
		th_fail(file, line, "%s: expected %s, got EP_OK", what,
			fx_err_name(want));
	if (fatal)
		th_abort();
	return false;
}

unsigned fx_expect_perms(const struct fx *f, unsigned perms)
{
	unsigned p = perms & (EP_W | EP_X | EP_U | EP_G | EP_NOCACHE);
	/* Without NX every page is executable. */
	if (f->no_nx || !f->sim->nxe)
		p |= EP_X;
	return p;
}

static const char *perm_str(unsigned p, char *buf)
{
	sprintf(buf, "%s%s%s%s%s", p & EP_W ? "W" : "r", p & EP_X ? "X" : "-",
		p & EP_U ? "U" : "k", p & EP_G ? "G" : "", p & EP_NOCACHE ? "C" : "");
	return buf;
}

/* Pages of a range to look at: all of a small one, a sample of a big one. */
struct page_iter {
	uint64_t npages, i, k;
	struct rng r;
};

static bool page_next(struct page_iter *it, uint64_t *page)
{
	if (it->npages <= 4096) {
		if (it->i >= it->npages)
			return false;
		*page = it->i++;
		return true;
	}
	/* First and last 64 pages, every 2 MiB boundary's neighbours (up to
	 * 1024 of them), and 1024 random pages. */
	if (it->k < 128) {
		uint64_t k = it->k++;
		*page = k < 64 ? k : it->npages - 128 + k;
		return true;
	}
	if (it->k < 128 + 2048) {
		uint64_t k = it->k++ - 128;
		uint64_t stride = it->npages / 1024 > 512 ? it->npages / 1024 : 512;
		uint64_t p = (k / 2 + 1) * stride - (k & 1);
		if (p < it->npages) {
			*page = p;
			return true;
		}
		it->k = 128 + 2048;
	}
	if (it->k < 128 + 2048 + 1024) {
		it->k++;
		*page = rng_below(&it->r, it->npages);
		return true;
	}
	return false;
}

static const unsigned accesses[] = {
	SIM_R, SIM_W, SIM_X, SIM_U | SIM_R, SIM_U | SIM_W, SIM_U | SIM_X,
};

bool fx_check_mapped(const char *file, int line, struct fx *f, uint64_t va,
		     uint64_t pa, uint64_t len, unsigned perms, unsigned level)
{
	fx_use_root(f);
	unsigned want = fx_expect_perms(f, perms);
	struct page_iter it = { len / PAGE, 0, 0, { va ^ len } };
	uint64_t page;
	char b1[16], b2[16], eb[64];
	while (page_next(&it, &page)) {
		/* An offset inside the page that varies, to catch offset bugs. */
		uint64_t off = (page * 0x238) & 0xff8;
		uint64_t v = va + page * PAGE + off, want_pa = pa + page * PAGE + off;
		struct sim_result r = sim_probe(f->sim, v);
		if (r.kind != SIM_OK) {
			th_fail(file, line, "va 0x%llx (mapped to pa 0x%llx): walker says %s %s",
				(unsigned long long)v, (unsigned long long)want_pa,
				sim_kind_name(r.kind), sim_err_str(r.err, eb, sizeof eb));
			return false;
		}
		if (r.pa != want_pa || r.perms != want || (level && r.level != level)) {
			th_fail(file, line,
				"va 0x%llx: expected pa 0x%llx perms %s level %u, walker gives pa 0x%llx perms %s level %u (entry 0x%llx)",
				(unsigned long long)v, (unsigned long long)want_pa,
				perm_str(want, b1), level, (unsigned long long)r.pa,
				perm_str(r.perms, b2), r.level,
				(unsigned long long)r.entry);
			return false;
		}
		for (unsigned a = 0; a < sizeof accesses / sizeof accesses[0]; a++) {
			unsigned acc = accesses[a];
			struct sim_result x = sim_access(f->sim, v, acc);
			bool ok = sim_allowed(f->sim, want, acc);
			if (ok && x.kind != SIM_OK) {
				th_fail(file, line,
					"va 0x%llx perms %s: access %u should succeed, got %s %s",
					(unsigned long long)v, perm_str(want, b1), acc,
					sim_kind_name(x.kind), sim_err_str(x.err, eb, sizeof eb));
				return false;
			}
			if (!ok && (x.kind != SIM_PF || x.err != sim_prot_err(f->sim, acc))) {
				th_fail(file, line,
					"va 0x%llx perms %s: access %u should fault with %s, got %s %s",
					(unsigned long long)v, perm_str(want, b1), acc,
					sim_err_str(sim_prot_err(f->sim, acc), b2, 0 + sizeof b2),
					sim_kind_name(x.kind), sim_err_str(x.err, eb, sizeof eb));
				return false;
			}
		}
	}
	th_pass(); /* one check, however many pages */
	return true;
}

bool fx_check_unmapped(const char *file, int line, struct fx *f, uint64_t va,
		       uint64_t len)
{
	fx_use_root(f);
	struct page_iter it = { len / PAGE, 0, 0, { va ^ len ^ 1 } };
	uint64_t page;
	char eb[64];
	while (page_next(&it, &page)) {
		uint64_t v = va + page * PAGE;
		struct sim_result r = sim_access(f->sim, v, SIM_W);
		if (r.kind != SIM_PF || r.err != SIM_PF_W) {
			th_fail(file, line,
				"va 0x%llx should be unmapped (not-present write fault 0x2), walker: %s %s pa 0x%llx",
				(unsigned long long)v, sim_kind_name(r.kind),
				sim_err_str(r.err, eb, sizeof eb), (unsigned long long)r.pa);
			return false;
		}
	}
	th_pass(); /* one check, however many pages */
	return true;
}

static int collect_leaf(void *arg, const struct sim_leaf *l)
{
	struct fx_leaves *v = arg;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		struct sim_leaf *nv = realloc(v->v, cap * sizeof *nv);
		if (!nv)
			abort();
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = *l;
	return 0;
}

struct fx_leaves fx_leaves(struct fx *f)
{
	struct fx_leaves v = { 0 };
	int rc = sim_walk(f->sim, f->ctx.root, collect_leaf, NULL, &v);
	if (v.v)
		th_defer(free, v.v);
	CHECKF(rc == 0, "sim walk of the tree left simulated memory");
	return v;
}

size_t fx_count_leaves(const struct fx_leaves *l, uint64_t va, uint64_t len,
		       unsigned level)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].level == level && l->v[i].va >= va &&
		    l->v[i].va - va < len)
			n++;
	return n;
}

struct table_list {
	uint64_t *out;
	unsigned *levels;
	size_t max, n;
};

static int collect_table(void *arg, uint64_t table, unsigned level)
{
	struct table_list *t = arg;
	if (t->n < t->max) {
		t->out[t->n] = table;
		if (t->levels)
			t->levels[t->n] = level;
	}
	t->n++;
	return 0;
}

size_t fx_tables(struct fx *f, uint64_t *out, unsigned *levels, size_t max)
{
	struct table_list t = { out, levels, max, 0 };
	CHECKF(sim_walk(f->sim, f->ctx.root, NULL, collect_table, &t) == 0,
	       "sim walk of the tree left simulated memory");
	return t.n;
}

static uint8_t *dup(const void *p, uint64_t n)
{
	if (!p || !n)
		return NULL;
	uint8_t *c = th_alloc(n);
	memcpy(c, p, n);
	return c;
}

struct fx_snap fx_snap(struct fx *f)
{
	struct fx_snap s;
	s.pool = dup(f->pool_mem, f->cfg.pool_frames * PAGE);
	s.lazy = dup(f->lazy_mem, f->cfg.lazy_pool_frames * PAGE);
	s.pstate = dup(f->pool_state, f->cfg.pool_frames);
	s.lstate = dup(f->lazy_state, f->cfg.lazy_pool_frames);
	s.p = f->ctx.pool;
	s.lp = f->ctx.lazy_pool;
	s.root = f->ctx.root;
	s.nlazy = f->ctx.nlazy;
	return s;
}

static bool same_mem(const char *file, int line, const char *what, uint64_t base,
		     const uint8_t *a, const uint8_t *b, uint64_t n)
{
	if (!a || !b || memcmp(a, b, n) == 0)
		return true;
	for (uint64_t i = 0; i < n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y) {
			th_fail(file, line,
				"%s changed at pa 0x%llx (table 0x%llx slot %llu): was 0x%llx, now 0x%llx",
				what, (unsigned long long)(base + i),
				(unsigned long long)((base + i) & ~0xfffULL),
				(unsigned long long)((i & 0xfff) / 8),
				(unsigned long long)x, (unsigned long long)y);
			return false;
		}
	}
	return true;
}

bool fx_check_same(const char *file, int line, struct fx *f, const struct fx_snap *s)
{
	if (f->ctx.pool.end != s->p.end || f->ctx.lazy_pool.end != s->lp.end ||
	    f->ctx.root != s->root || f->ctx.nlazy != s->nlazy) {
		th_fail(file, line,
			"context changed: pool end 0x%llx -> 0x%llx, lazy end 0x%llx -> 0x%llx, root 0x%llx -> 0x%llx, lazy regions %u -> %u",
			(unsigned long long)s->p.end, (unsigned long long)f->ctx.pool.end,
			(unsigned long long)s->lp.end, (unsigned long long)f->ctx.lazy_pool.end,
			(unsigned long long)s->root, (unsigned long long)f->ctx.root,
			s->nlazy, f->ctx.nlazy);
		return false;
	}
	for (uint64_t i = 0; s->pstate && i < f->cfg.pool_frames; i++)
		if (s->pstate[i] != f->pool_state[i]) {
			th_fail(file, line, "state of pool frame 0x%llx changed: %u -> %u",
				(unsigned long long)(f->cfg.pool_pa + i * PAGE),
				s->pstate[i], f->pool_state[i]);
			return false;
		}
	for (uint64_t i = 0; s->lstate && i < f->cfg.lazy_pool_frames; i++)
		if (s->lstate[i] != f->lazy_state[i]) {
			th_fail(file, line, "state of lazy pool frame 0x%llx changed: %u -> %u",
				(unsigned long long)(f->cfg.lazy_pool_pa + i * PAGE),
				s->lstate[i], f->lazy_state[i]);
			return false;
		}
	bool ok = same_mem(file, line, "main pool", f->cfg.pool_pa, s->pool,
			   f->pool_mem, f->cfg.pool_frames * PAGE) &&
		  same_mem(file, line, "lazy pool", f->cfg.lazy_pool_pa, s->lazy,
			   f->lazy_mem, f->cfg.lazy_pool_frames * PAGE);
	if (ok)
		th_pass();
	return ok;
}

static bool shadow_pool_ok(const char *file, int line, const char *what,
			   uint64_t base, uint64_t frames, const uint8_t *state,
			   const uint8_t *mem, const uint8_t *shadow)
{
	for (uint64_t i = 0; shadow && i < frames; i++) {
		if (state[i] != EP_FRAME_TABLE && state[i] != EP_FRAME_PINNED)
			continue;
		if (!same_mem(file, line, what, base + i * PAGE, shadow + i * PAGE,
			      mem + i * PAGE, PAGE))
			return false;
	}
	return true;
}

bool fx_check_shadow(const char *file, int line, struct fx *f)
{
	bool ok = shadow_pool_ok(file, line,
			      "table memory written behind set_entry/set_run (shadow vs real)",
			      f->cfg.pool_pa, f->cfg.pool_frames, f->pool_state,
			      f->pool_mem, f->shadow_pool) &&
	       shadow_pool_ok(file, line,
			      "lazy table memory written behind set_entry/set_run (shadow vs real)",
			      f->cfg.lazy_pool_pa, f->cfg.lazy_pool_frames,
			      f->lazy_state, f->lazy_mem, f->shadow_lazy);
	if (ok)
		th_pass();
	return ok;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

const char *fx_hex(uint64_t v, char *buf)
{
	sprintf(buf, "%llx", (unsigned long long)v);
	return buf;
}

bool fx_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}
