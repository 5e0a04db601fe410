/*
 * Reading the tree back: ep_translate, ep_walk_leaves, ep_walk_tables and
 * the small helpers, each compared with the simulated hardware walker.
 */
#include <string.h>

#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)

/* A tree with every leaf size, holes, and mixed perms. */
static void build(struct fx *f)
{
	MAP(f, 0x1000, 0x1000, 3 * PAGE, EP_W);
	MAP(f, 0x200000, 0x4200000, 4 * MiB, EP_X);
	MAP(f, 0x40000000 - 2 * PAGE, 0x80000000ULL - 2 * PAGE, GiB + 2 * MiB + 4 * PAGE,
	    EP_U | EP_W);
	MAP(f, 0xffffffff80000000ULL, 0x1000000, 2 * MiB + PAGE, EP_X | EP_G);
	MAP(f, 0xffffc90000000000ULL, 0xfee00000ULL, PAGE, EP_NOCACHE | EP_W);
	REQUIRE_EP(f, ep_protect(&f->ctx, 0x200000 + 8 * PAGE, PAGE, 0), EP_OK);
	REQUIRE_EP(f, ep_unmap(&f->ctx, 0x40000000 + 4 * MiB, PAGE), EP_OK);
}

static void check_translate(struct fx *f, uint64_t va)
{
	struct ep_translation t;
	memset(&t, 0xee, sizeof t);
	enum ep_err e = ep_translate(&f->ctx, va, &t);
	struct sim_result r = sim_probe(f->sim, va);
	if (r.kind != SIM_OK) {
		CHECKF(e == EP_ERR_NOT_MAPPED, "translate 0x%llx (unmapped): got %s",
		       (unsigned long long)va, fx_err_name(e));
		return;
	}
	CHECKF(e == EP_OK, "translate 0x%llx: %s", (unsigned long long)va, fx_err_name(e));
	CHECKF(t.pa == r.pa && t.level == r.level && t.entry == r.entry &&
		       t.perms == r.perms,
	       "translate 0x%llx: pa 0x%llx level %u entry 0x%llx perms 0x%x; walker: pa 0x%llx level %u entry 0x%llx perms 0x%x",
	       (unsigned long long)va, (unsigned long long)t.pa, t.level,
	       (unsigned long long)t.entry, t.perms, (unsigned long long)r.pa, r.level,
	       (unsigned long long)r.entry, r.perms);
}

TEST(translate_matches_walker)
{
	struct fx *f = fx_new(NULL);
	build(f);
	static const uint64_t probes[] = {
		0x1000, 0x2abc, 0x3ff8, 0x4000, 0x0, 0x200000, 0x200123,
		0x208000, 0x208fff, 0x209000, 0x5fffff, 0x600000,
		0x40000000 - 2 * PAGE, 0x40000000 - 1, 0x40000000, 0x40000000 + 0x3ffffff0,
		0x40000000 + 4 * MiB, 0x40000000 + 4 * MiB + PAGE + 0x10, 0x80000000ULL,
		0x80000000ULL + 2 * MiB + 4 * PAGE, 0xffffffff80000000ULL,
		0xffffffff801fffffULL, 0xffffffff80200008ULL, 0xffffffff80201000ULL,
		0xffffc90000000ff0ULL, 0xffffc90000001000ULL,
	};
	for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++)
		check_translate(f, probes[i]);
}

TEST(translate_levels_and_offsets)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x40000000, 0x1c0000000ULL, GiB, EP_W);
	MAP(f, 0x200000, 0x800000, 2 * MiB, 0);
	MAP(f, 0x5000, 0x9000, PAGE, EP_X | EP_U);
	struct ep_translation t;
	REQUIRE_EP(f, ep_translate(&f->ctx, 0x40000000 + 0x12345678, &t), EP_OK);
	CHECK_EQ(t.pa, 0x1c0000000ULL + 0x12345678);
	CHECK_EQ(t.level, 3);
	CHECK_EQ(t.perms, EP_W);
	REQUIRE_EP(f, ep_translate(&f->ctx, 0x3fffff, &t), EP_OK);
	CHECK_EQ(t.pa, 0x9fffff);
	CHECK_EQ(t.level, 2);
	CHECK_EQ(t.perms, 0);
	REQUIRE_EP(f, ep_translate(&f->ctx, 0x5abc, &t), EP_OK);
	CHECK_EQ(t.pa, 0x9abc);
	CHECK_EQ(t.level, 1);
	CHECK_EQ(t.perms, EP_X | EP_U);
	CHECK_EQ(t.entry & EP_PTE_ADDR_MASK, 0x9000);
	EXPECT_EP(f, ep_translate(&f->ctx, 0x6000, &t), EP_ERR_NOT_MAPPED);
	EXPECT_EP(f, ep_translate(&f->ctx, 0x4000, &t), EP_ERR_NOT_MAPPED);
	EXPECT_EP(f, ep_translate(&f->ctx, 0xffff800000000000ULL, &t), EP_ERR_NOT_MAPPED);
	CHECK(ep_translate(&f->ctx, 0x0000800000000000ULL, &t) != EP_OK);
}

struct leaf_list {
	struct ep_leaf v[2048];
	size_t n;
	size_t stop_at;
};

static int collect(void *arg, const struct ep_leaf *l)
{
	struct leaf_list *ll = arg;
	if (ll->n < 2048)
		ll->v[ll->n] = *l;
	ll->n++;
	return ll->stop_at && ll->n == ll->stop_at ? 42 : 0;
}

TEST(walk_leaves_matches_walker)
{
	struct fx *f = fx_new(NULL);
	build(f);
	struct leaf_list *ll = th_alloc(sizeof *ll);
	CHECK_EQ(ep_walk_leaves(&f->ctx, collect, ll), 0);
	struct fx_leaves l = fx_leaves(f);
	REQUIRE_EQ(ll->n, l.n);
	for (size_t i = 0; i < l.n; i++) {
		const struct ep_leaf *a = &ll->v[i];
		const struct sim_leaf *b = &l.v[i];
		if (a->va != b->va || a->pa != b->pa || a->size != b->size ||
		    a->level != b->level || a->entry != b->entry || a->perms != b->perms) {
			th_fail(__FILE__, __LINE__,
				"leaf %zu: ep_walk_leaves va 0x%llx pa 0x%llx size 0x%llx level %u perms 0x%x entry 0x%llx; walker va 0x%llx pa 0x%llx size 0x%llx level %u perms 0x%x entry 0x%llx",
				i, (unsigned long long)a->va, (unsigned long long)a->pa,
				(unsigned long long)a->size, a->level, a->perms,
				(unsigned long long)a->entry, (unsigned long long)b->va,
				(unsigned long long)b->pa, (unsigned long long)b->size,
				b->level, b->perms, (unsigned long long)b->entry);
			break;
		}
		if (i)
			CHECKF(a->va > ll->v[i - 1].va, "leaves out of va order at %zu", i);
	}
}

TEST(walk_leaves_stops_on_nonzero)
{
	struct fx *f = fx_new(NULL);
	build(f);
	struct leaf_list *ll = th_alloc(sizeof *ll);
	ll->stop_at = 5;
	CHECK_EQ(ep_walk_leaves(&f->ctx, collect, ll), 42);
	CHECK_EQ(ll->n, 5);
}

struct table_seen {
	uint64_t pa[1024];
	unsigned level[1024];
	size_t n, stop_at;
};

static int collect_table(void *arg, uint64_t pa, unsigned level)
{
	struct table_seen *t = arg;
	if (t->n < 1024) {
		t->pa[t->n] = pa;
		t->level[t->n] = level;
	}
	t->n++;
	return t->stop_at && t->n == t->stop_at ? 7 : 0;
}

/* Every table reachable is a used pool frame in state TABLE, and each used
 * frame is reachable exactly once (a tree, no frame shared or leaked). */
TEST(walk_tables_is_the_used_pool)
{
	struct fx *f = fx_new(NULL);
	build(f);
	struct table_seen *t = th_alloc(sizeof *t);
	CHECK_EQ(ep_walk_tables(&f->ctx, collect_table, t), 0);
	REQUIRE_EQ(t->n, ep_pool_used(&f->ctx.pool));
	CHECK_EQ(t->pa[0], f->ctx.root);
	CHECK_EQ(t->level[0], 4);
	uint64_t sim_order[1024];
	unsigned sim_level[1024];
	size_t sn = fx_tables(f, sim_order, sim_level, 1024);
	REQUIRE_EQ(sn, t->n);
	uint8_t seen[256] = { 0 };
	for (size_t i = 0; i < t->n; i++) {
		CHECKF(t->pa[i] == sim_order[i] && t->level[i] == sim_level[i],
		       "table %zu: ep_walk_tables 0x%llx level %u, depth-first walk 0x%llx level %u",
		       i, (unsigned long long)t->pa[i], t->level[i],
		       (unsigned long long)sim_order[i], sim_level[i]);
		REQUIRE(ep_pool_contains(&f->ctx.pool, t->pa[i]));
		uint64_t k = (t->pa[i] - f->ctx.pool.start) / PAGE;
		CHECKF(!seen[k]++, "table 0x%llx reached twice", (unsigned long long)t->pa[i]);
		CHECK_EQ(ep_frame_state(&f->ctx, t->pa[i]), EP_FRAME_TABLE);
		CHECK(t->pa[i] < f->ctx.pool.end);
	}
}

TEST(walk_tables_stops_on_nonzero)
{
	struct fx *f = fx_new(NULL);
	build(f);
	struct table_seen *t = th_alloc(sizeof *t);
	t->stop_at = 3;
	CHECK_EQ(ep_walk_tables(&f->ctx, collect_table, t), 7);
	CHECK_EQ(t->n, 3);
}

/* 5-level: leaves above 2^56 are reported sign-extended. */
TEST(walk_leaves_5_level_high_half)
{
	struct fx_opts o = { .levels = 5 };
	struct fx *f = fx_new(&o);
	MAP(f, 0xff11000000000000ULL, 0x40000000, GiB, 0);
	MAP(f, 0x00f0000000000000ULL, 0x2000, PAGE, EP_W);
	struct leaf_list *ll = th_alloc(sizeof *ll);
	ep_walk_leaves(&f->ctx, collect, ll);
	REQUIRE_EQ(ll->n, 2);
	CHECK_EQ(ll->v[0].va, 0x00f0000000000000ULL);
	CHECK_EQ(ll->v[1].va, 0xff11000000000000ULL);
	CHECK_EQ(ll->v[1].level, 3);
	struct table_seen *t = th_alloc(sizeof *t);
	ep_walk_tables(&f->ctx, collect_table, t);
	CHECK_EQ(t->level[0], 5);
	CHECK_EQ(t->n, ep_pool_used(&f->ctx.pool));
}

TEST(canonical_helper)
{
	CHECK(ep_canonical(0, 4));
	CHECK(ep_canonical(0x00007fffffffffffULL, 4));
	CHECK(!ep_canonical(0x0000800000000000ULL, 4));
	CHECK(!ep_canonical(0xffff7fffffffffffULL, 4));
	CHECK(ep_canonical(0xffff800000000000ULL, 4));
	CHECK(ep_canonical(0xffffffffffffffffULL, 4));
	CHECK(ep_canonical(0x0000800000000000ULL, 5));
	CHECK(ep_canonical(0x00ffffffffffffffULL, 5));
	CHECK(!ep_canonical(0x0100000000000000ULL, 5));
	CHECK(!ep_canonical(0xfeffffffffffffffULL, 5));
	CHECK(ep_canonical(0xff00000000000000ULL, 5));
	CHECK(!ep_canonical(0x8000000000000000ULL, 5));
}

/* ep_leaf_flags and ep_entry_perms agree with the SDM and with each other. */
TEST(leaf_flags_and_entry_perms)
{
	struct fx *f = fx_new(NULL);
	const struct ep_ctx *c = &f->ctx;
	for (unsigned level = 1; level <= 3; level++) {
		for (unsigned p = 0; p < 32; p++) {
			if ((p & EP_W) && (p & EP_X))
				continue;
			uint64_t e = ep_leaf_flags(c, level, p);
			CHECK(e & EP_PTE_P);
			CHECK_EQ(!!(e & EP_PTE_RW), !!(p & EP_W));
			CHECK_EQ(!!(e & EP_PTE_US), !!(p & EP_U));
			CHECK_EQ(!!(e & EP_PTE_NX), !(p & EP_X));
			CHECK_EQ(!!(e & EP_PTE_G), !!(p & EP_G));
			CHECK_EQ(e & (EP_PTE_PCD | EP_PTE_PWT),
				 (p & EP_NOCACHE) ? EP_PTE_PCD | EP_PTE_PWT : 0);
			/* PS marks a large leaf; in a PTE bit 7 is PAT. */
			CHECK_EQ(!!(e & EP_PTE_PS), level > 1);
			CHECK_EQ(e & EP_PTE_ADDR_MASK & ~(1ULL << 12), 0);
			CHECK_EQ(ep_entry_perms(e | 0x123456000ULL), p);
		}
	}
	struct fx_opts o = { .no_nx = true };
	struct fx *g = fx_new(&o);
	CHECK_EQ(ep_leaf_flags(&g->ctx, 1, 0) & EP_PTE_NX, 0);
	CHECK_EQ(ep_leaf_flags(&g->ctx, 2, EP_W) & EP_PTE_NX, 0);
}

int main(void)
{
	RUN(translate_matches_walker);
	RUN(translate_levels_and_offsets);
	RUN(walk_leaves_matches_walker);
	RUN(walk_leaves_stops_on_nonzero);
	RUN(walk_tables_is_the_used_pool);
	RUN(walk_tables_stops_on_nonzero);
	RUN(walk_leaves_5_level_high_half);
	RUN(canonical_helper);
	RUN(leaf_flags_and_entry_perms);
	return th_done();
}
