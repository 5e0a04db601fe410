/*
 * Randomized property test: thousands of ep_map / ep_protect / ep_unmap
 * calls with mixed alignments in a window of a few GiB, each checked
 * against a plain reference model (a sorted list of va -> pa extents with
 * perms) through the simulated walker. A refused call must leave the tree
 * untouched: no entry written, no frame taken, same translations.
 * Every failure names the seed and the operation number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_fixture.h"

/* ---- reference model ------------------------------------------------ */

struct ext {
	uint64_t va, pa, len;
	unsigned perms;
};

struct model {
	struct ext *v;
	size_t n, cap;
};

static void m_insert(struct model *m, size_t at, struct ext e)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->v = realloc(m->v, m->cap * sizeof *m->v);
		if (!m->v)
			abort();
	}
	memmove(&m->v[at + 1], &m->v[at], (m->n - at) * sizeof *m->v);
	m->v[at] = e;
	m->n++;
}

static void m_remove(struct model *m, size_t at)
{
	memmove(&m->v[at], &m->v[at + 1], (m->n - at - 1) * sizeof *m->v);
	m->n--;
}

/* Split the extent holding va (if any) so that an extent starts at va. */
static void m_split(struct model *m, uint64_t va)
{
	for (size_t i = 0; i < m->n; i++) {
		struct ext *e = &m->v[i];
		if (va > e->va && va < e->va + e->len) {
			struct ext tail = { va, e->pa + (va - e->va), e->va + e->len - va, e->perms };
			e->len = va - e->va;
			m_insert(m, i + 1, tail);
			return;
		}
	}
}

/* First mapped va in [va, va+len), or 0 with *found false. */
static uint64_t m_first_mapped(const struct model *m, uint64_t va, uint64_t len, bool *found)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ext *e = &m->v[i];
		if (e->va + e->len > va && e->va < va + len) {
			*found = true;
			return e->va > va ? e->va : va;
		}
	}
	*found = false;
	return 0;
}

static uint64_t m_first_unmapped(const struct model *m, uint64_t va, uint64_t len, bool *found)
{
	uint64_t at = va;
	for (size_t i = 0; i < m->n && at < va + len; i++) {
		const struct ext *e = &m->v[i];
		if (e->va + e->len <= at)
			continue;
		if (e->va > at)
			break;
		at = e->va + e->len;
	}
	*found = at < va + len;
	return at;
}

static void m_map(struct model *m, uint64_t va, uint64_t pa, uint64_t len, unsigned perms)
{
	size_t i = 0;
	while (i < m->n && m->v[i].va < va)
		i++;
	m_insert(m, i, (struct ext){ va, pa, len, perms });
}

static void m_protect(struct model *m, uint64_t va, uint64_t len, unsigned perms)
{
	m_split(m, va);
	m_split(m, va + len);
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].va >= va && m->v[i].va < va + len)
			m->v[i].perms = perms;
}

static void m_unmap(struct model *m, uint64_t va, uint64_t len)
{
	m_split(m, va);
	m_split(m, va + len);
	for (size_t i = 0; i < m->n;)
		if (m->v[i].va >= va && m->v[i].va < va + len)
			m_remove(m, i);
		else
			i++;
}

/* Merge neighbours contiguous in va and pa with equal perms. */
static void normalize(struct ext *v, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (k && v[k - 1].va + v[k - 1].len == v[i].va &&
		    v[k - 1].pa + v[k - 1].len == v[i].pa && v[k - 1].perms == v[i].perms)
			v[k - 1].len += v[i].len;
		else
			v[k++] = v[i];
	}
	*n = k;
}

/* ---- the tree as extents, read by the simulated walker -------------- */

struct tree_ext {
	struct ext *v;
	size_t n, cap;
};

static int tree_leaf(void *arg, const struct sim_leaf *l)
{
	struct tree_ext *t = arg;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->v = realloc(t->v, t->cap * sizeof *t->v);
		if (!t->v)
			abort();
	}
	t->v[t->n++] = (struct ext){ l->va, l->pa, l->size, l->perms };
	return 0;
}

struct run {
	struct fx *f;
	struct model m;
	struct tree_ext t;
	struct ext *norm;
	size_t norm_cap;
	uint64_t seed, op;
	char what[160];
};

static void run_free(void *p)
{
	struct run *r = p;
	free(r->m.v);
	free(r->t.v);
	free(r->norm);
}

/* The tree must translate exactly as the model says. */
static void compare(struct run *r)
{
	struct fx *f = r->f;
	r->t.n = 0;
	if (sim_walk(f->sim, f->ctx.root, tree_leaf, NULL, &r->t)) {
		th_fail(__FILE__, __LINE__, "seed %llu op %llu (%s): tree leads outside memory",
			(unsigned long long)r->seed, (unsigned long long)r->op, r->what);
		th_abort();
	}
	normalize(r->t.v, &r->t.n);
	if (r->norm_cap < r->m.n) {
		r->norm_cap = 2 * r->m.n;
		r->norm = realloc(r->norm, r->norm_cap * sizeof *r->norm);
		if (!r->norm)
			abort();
	}
	size_t n = r->m.n;
	for (size_t i = 0; i < n; i++) {
		r->norm[i] = r->m.v[i];
		r->norm[i].perms = fx_expect_perms(f, r->m.v[i].perms);
	}
	normalize(r->norm, &n);
	for (size_t i = 0; i < n || i < r->t.n; i++) {
		const struct ext *a = i < n ? &r->norm[i] : NULL;
		const struct ext *b = i < r->t.n ? &r->t.v[i] : NULL;
		if (a && b && a->va == b->va && a->pa == b->pa && a->len == b->len &&
		    a->perms == b->perms)
			continue;
		th_fail(__FILE__, __LINE__,
			"seed %llu op %llu (%s): extent %zu: model va 0x%llx pa 0x%llx len 0x%llx perms 0x%x, tree va 0x%llx pa 0x%llx len 0x%llx perms 0x%x",
			(unsigned long long)r->seed, (unsigned long long)r->op, r->what, i,
			a ? (unsigned long long)a->va : 0ULL, a ? (unsigned long long)a->pa : 0ULL,
			a ? (unsigned long long)a->len : 0ULL, a ? a->perms : 0,
			b ? (unsigned long long)b->va : 0ULL, b ? (unsigned long long)b->pa : 0ULL,
			b ? (unsigned long long)b->len : 0ULL, b ? b->perms : 0);
		th_abort();
	}
	th_pass(); /* the tree is the model */
}

/* Pages around an operation, through the full access matrix (and the TLB
 * model when it is on). */
static void spot_check(struct run *r, uint64_t va, uint64_t len)
{
	uint64_t probes[] = { va - PAGE, va, va + len / 2, va + len - PAGE, va + len };
	for (unsigned i = 0; i < 5; i++) {
		uint64_t p = probes[i] & ~(PAGE - 1);
		bool found;
		m_first_mapped(&r->m, p, PAGE, &found);
		bool ok;
		if (!found) {
			ok = fx_check_unmapped(__FILE__, __LINE__, r->f, p, PAGE);
		} else {
			const struct ext *e = NULL;
			for (size_t k = 0; k < r->m.n; k++)
				if (p >= r->m.v[k].va && p < r->m.v[k].va + r->m.v[k].len)
					e = &r->m.v[k];
			ok = fx_check_mapped(__FILE__, __LINE__, r->f, p, e->pa + (p - e->va),
					     PAGE, e->perms, 0);
		}
		if (!ok) {
			th_fail(__FILE__, __LINE__, "seed %llu op %llu (%s): spot check at 0x%llx",
				(unsigned long long)r->seed, (unsigned long long)r->op, r->what,
				(unsigned long long)p);
			th_abort();
		}
	}
}

/* Every reachable table is a used pool frame in state TABLE/PINNED, once. */
static void check_tables(struct run *r)
{
	struct fx *f = r->f;
	uint64_t used = ep_pool_used(&f->ctx.pool);
	uint64_t *t = malloc((used + 1) * sizeof *t);
	uint8_t *seen = calloc(used, 1);
	size_t n = fx_tables(f, t, NULL, used + 1);
	bool bad = n > used;
	for (size_t i = 0; i < n && i <= used && !bad; i++) {
		int st = ep_frame_state(&f->ctx, t[i]);
		bad = t[i] < f->ctx.pool.start || t[i] >= f->ctx.pool.end ||
		      (st != EP_FRAME_TABLE && st != EP_FRAME_PINNED) ||
		      seen[(t[i] - f->ctx.pool.start) / PAGE]++;
		if (bad)
			th_fail(__FILE__, __LINE__,
				"seed %llu op %llu: table 0x%llx unused, shared or in state %d",
				(unsigned long long)r->seed, (unsigned long long)r->op,
				(unsigned long long)t[i], st);
	}
	if (n > used)
		th_fail(__FILE__, __LINE__, "seed %llu op %llu: %zu tables reachable, %llu used",
			(unsigned long long)r->seed, (unsigned long long)r->op, n,
			(unsigned long long)used);
	free(t);
	free(seen);
	if (bad)
		th_abort();
	th_pass(); /* every reachable table accounted for */
}

/* ---- the random operations ------------------------------------------ */

struct prop_cfg {
	uint64_t seed;
	unsigned ops;
	unsigned levels, leaf_mask;
	uint64_t pool_frames;
	uint64_t window, size; /* va window */
	bool live, no_global, shadow, no_nx, ad;
};

static const unsigned perm_choices[] = {
	0, EP_W, EP_X, EP_U, EP_U | EP_W, EP_U | EP_X, EP_G, EP_G | EP_W,
	EP_G | EP_X, EP_NOCACHE | EP_W, EP_W, 0,
};

static unsigned rand_perms(struct rng *g, bool no_global)
{
	if (rng_below(g, 40) == 0)
		return EP_W | EP_X;
	unsigned p = perm_choices[rng_below(g, sizeof perm_choices / sizeof perm_choices[0])];
	return no_global ? p & ~(unsigned)EP_G : p;
}

static void run_property(const struct prop_cfg *pc)
{
	struct fx_opts o = {
		.levels = pc->levels, .leaf_mask = pc->leaf_mask,
		.pool_frames = pc->pool_frames, .shadow = pc->shadow, .no_nx = pc->no_nx,
	};
	struct run *r = th_alloc(sizeof *r);
	th_defer(run_free, r);
	struct fx *f = r->f = fx_new(&o);
	r->seed = pc->seed;
	struct rng g = { pc->seed };
	if (pc->live) {
		REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
		f->sim->tlb_on = true;
	}
	f->sim->set_ad = pc->ad;
	unsigned stats[4] = { 0 };

	for (r->op = 0; r->op < pc->ops; r->op++) {
		uint64_t gran = rng_below(&g, 5) < 2 ? PAGE : rng_below(&g, 3) ? 2 * MiB : GiB;
		uint64_t va = pc->window + rng_below(&g, pc->size / gran) * gran;
		uint64_t len = (1 + rng_below(&g, gran == PAGE ? 64 : gran == GiB ? 2 : 8)) * gran;
		if (gran > PAGE && rng_below(&g, 3) == 0)
			va += rng_below(&g, 512) * PAGE;
		if (rng_below(&g, 3) == 0)
			len += rng_below(&g, 512) * PAGE;
		if (va + len > pc->window + pc->size)
			len = pc->window + pc->size - va;
		if (!len)
			continue;
		unsigned kind = (unsigned)rng_below(&g, 20);
		unsigned perms = rand_perms(&g, pc->no_global);
		uint64_t pa = rng_below(&g, 64) * GiB + ((va - pc->window) & (GiB - 1));
		if (rng_below(&g, 4) == 0)
			pa += 2 * MiB;
		if (rng_below(&g, 4) == 0)
			pa += PAGE;
		bool misalign = rng_below(&g, 60) == 0;
		uint64_t bad = misalign ? 0x800 : 0;

		enum ep_err want_fail = EP_OK, got;
		bool found;
		uint64_t at = 0;
		unsigned long writes = f->rec.entries, allocs = f->rec.allocs;
		uint64_t end = f->ctx.pool.end;
		if (kind < 9) {
			snprintf(r->what, sizeof r->what, "map 0x%llx -> 0x%llx len 0x%llx perms 0x%x%s",
				 (unsigned long long)va, (unsigned long long)pa,
				 (unsigned long long)len, perms, misalign ? " +0x800" : "");
			at = m_first_mapped(&r->m, va, len, &found);
			if (misalign)
				want_fail = EP_ERR_ALIGN;
			else if ((perms & EP_W) && (perms & EP_X))
				want_fail = EP_ERR_WX;
			else if (found)
				want_fail = EP_ERR_OVERLAP;
			got = ep_map(&f->ctx, va, pa + bad, len, perms);
		} else if (kind < 15) {
			snprintf(r->what, sizeof r->what, "protect 0x%llx len 0x%llx perms 0x%x%s",
				 (unsigned long long)va, (unsigned long long)len, perms,
				 misalign ? " +0x800" : "");
			at = m_first_unmapped(&r->m, va, len, &found);
			if (misalign)
				want_fail = EP_ERR_ALIGN;
			else if ((perms & EP_W) && (perms & EP_X))
				want_fail = EP_ERR_WX;
			else if (found)
				want_fail = EP_ERR_NOT_MAPPED;
			got = ep_protect(&f->ctx, va, len + bad, perms);
		} else {
			snprintf(r->what, sizeof r->what, "unmap 0x%llx len 0x%llx%s",
				 (unsigned long long)va, (unsigned long long)len,
				 misalign ? " +0x800" : "");
			found = false;
			if (misalign)
				want_fail = EP_ERR_ALIGN;
			got = ep_unmap(&f->ctx, va + bad, len);
		}

		bool wx = (perms & EP_W) && (perms & EP_X) && kind < 15;
		if (got == EP_OK) {
			if (want_fail != EP_OK) {
				th_fail(__FILE__, __LINE__, "seed %llu op %llu (%s): expected %s, got EP_OK",
					(unsigned long long)r->seed, (unsigned long long)r->op, r->what,
					fx_err_name(want_fail));
				th_abort();
			}
			if (kind < 9)
				m_map(&r->m, va, pa, len, perms);
			else if (kind < 15)
				m_protect(&r->m, va, len, perms);
			else
				m_unmap(&r->m, va, len);
			stats[0]++;
		} else {
			/* The pool may run out; with several faults, precedence is
			 * free but a W|X request never succeeds. */
			bool ok = got == want_fail || (want_fail == EP_OK && got == EP_ERR_POOL) ||
				  (wx && got == (kind < 9 ? EP_ERR_OVERLAP : EP_ERR_NOT_MAPPED) &&
				   found);
			if (!ok) {
				th_fail(__FILE__, __LINE__, "seed %llu op %llu (%s): expected %s, got %s (%s)",
					(unsigned long long)r->seed, (unsigned long long)r->op, r->what,
					fx_err_name(want_fail), fx_err_name(got), fx_errline(f));
				th_abort();
			}
			if ((got == EP_ERR_OVERLAP || got == EP_ERR_NOT_MAPPED) &&
			    ep_last_error(&f->ctx)->va != at) {
				th_fail(__FILE__, __LINE__,
					"seed %llu op %llu (%s): %s should name va 0x%llx, names 0x%llx",
					(unsigned long long)r->seed, (unsigned long long)r->op, r->what,
					fx_err_name(got), (unsigned long long)at,
					(unsigned long long)ep_last_error(&f->ctx)->va);
				th_abort();
			}
			if (f->rec.entries != writes || f->rec.allocs != allocs ||
			    f->ctx.pool.end != end) {
				th_fail(__FILE__, __LINE__,
					"seed %llu op %llu (%s) failed with %s but wrote %lu entries and took %llu frames",
					(unsigned long long)r->seed, (unsigned long long)r->op, r->what,
					fx_err_name(got), f->rec.entries - writes,
					(unsigned long long)((f->ctx.pool.end - end) / PAGE));
				th_abort();
			}
			stats[got == EP_ERR_POOL ? 1 : 2]++;
		}
		/* The whole tree every few ops (it is the slow part); the pages
		 * around this op, and "a refusal wrote nothing", after every op. */
		if (r->op % 8 == 7)
			compare(r);
		spot_check(r, va, len);
		if (pc->shadow && !fx_check_shadow(__FILE__, __LINE__, f))
			th_abort();
		if (r->op % 64 == 63)
			check_tables(r);
		if (r->op % 256 == 255 && r->m.n) {
			const struct ext *e = &r->m.v[rng_below(&g, r->m.n)];
			if (!fx_check_mapped(__FILE__, __LINE__, f, e->va, e->pa, e->len,
					     e->perms, 0)) {
				th_fail(__FILE__, __LINE__, "seed %llu op %llu: extent check",
					(unsigned long long)r->seed, (unsigned long long)r->op);
				th_abort();
			}
		}
	}
	compare(r);
	check_tables(r);
	if (getenv("TH_TIME"))
		fprintf(stderr, "# seed %llu: %u ok, %u pool, %u refused; %zu extents, %llu frames\n",
			(unsigned long long)pc->seed, stats[0], stats[1], stats[2], r->m.n,
			(unsigned long long)ep_pool_used(&f->ctx.pool));
	/* The run must have exercised something. */
	CHECK(stats[0] > pc->ops / 4);
}

/* Two PML4 slots: the window straddles a 512 GiB boundary. */
#define WIN4 (0xffff900000000000ULL + 512 * GiB - 2 * GiB)

TEST(random_ops_seed_1)
{
	run_property(&(struct prop_cfg){ .seed = 1, .ops = 3000, .pool_frames = 4096,
					 .window = WIN4, .size = 4 * GiB });
}

TEST(random_ops_seed_2)
{
	run_property(&(struct prop_cfg){ .seed = 2, .ops = 3000, .pool_frames = 4096,
					 .window = 0x40000000, .size = 4 * GiB });
}

TEST(random_ops_seed_3_5_level)
{
	run_property(&(struct prop_cfg){ .seed = 3, .ops = 2000, .levels = 5,
					 .pool_frames = 4096,
					 .window = 0xff10000000000000ULL - 2 * GiB, .size = 4 * GiB });
}

/* A pool far too small: many refusals, each of which must change nothing. */
TEST(random_ops_seed_4_small_pool)
{
	run_property(&(struct prop_cfg){ .seed = 4, .ops = 2000, .pool_frames = 40,
					 .window = WIN4, .size = 4 * GiB });
}

TEST(random_ops_seed_5_4k_only)
{
	run_property(&(struct prop_cfg){ .seed = 5, .ops = 1500, .leaf_mask = EP_LEAF_4K,
					 .pool_frames = 8192, .window = WIN4 + GiB,
					 .size = 2 * GiB });
}

/* Live tree with a TLB model: every restricting change must be flushed. */
TEST(random_ops_seed_6_live_tlb)
{
	run_property(&(struct prop_cfg){ .seed = 6, .ops = 2000, .pool_frames = 4096,
					 .window = WIN4, .size = 4 * GiB, .live = true,
					 .no_global = true, .ad = true });
}

/* All writes through the ops, on a CPU without NX. */
TEST(random_ops_seed_7_shadow_no_nx)
{
	run_property(&(struct prop_cfg){ .seed = 7, .ops = 1500, .pool_frames = 4096,
					 .window = 0x40000000, .size = 4 * GiB,
					 .shadow = true, .no_nx = true });
}

int main(void)
{
	RUN(random_ops_seed_1);
	RUN(random_ops_seed_2);
	RUN(random_ops_seed_3_5_level);
	RUN(random_ops_seed_4_small_pool);
	RUN(random_ops_seed_5_4k_only);
	RUN(random_ops_seed_6_live_tlb);
	RUN(random_ops_seed_7_shadow_no_nx);
	return th_done();
}
