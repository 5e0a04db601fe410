/*
 * ep_protect and ep_unmap: permissions change only where asked, large
 * leaves split minimally, what stays keeps its pa and perms, and a live
 * tree's stale translations are dropped (checked against a TLB model).
 */
#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)
#define PROTECT(f, va, len, perms) \
	REQUIRE_EP(f, ep_protect(&(f)->ctx, va, len, perms), EP_OK)
#define UNMAP(f, va, len) REQUIRE_EP(f, ep_unmap(&(f)->ctx, va, len), EP_OK)

TEST(protect_4k_range)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x800000, 0x100000, 16 * PAGE, EP_W);
	uint64_t used = ep_pool_used(&f->ctx.pool);
	PROTECT(f, 0x800000 + 4 * PAGE, 4 * PAGE, 0);
	CHECK_MAPPED(f, 0x800000, 0x100000, 4 * PAGE, EP_W, 1);
	CHECK_MAPPED(f, 0x800000 + 4 * PAGE, 0x104000, 4 * PAGE, 0, 1);
	CHECK_MAPPED(f, 0x800000 + 8 * PAGE, 0x108000, 8 * PAGE, EP_W, 1);
	PROTECT(f, 0x800000, 16 * PAGE, EP_X | EP_U);
	CHECK_MAPPED(f, 0x800000, 0x100000, 16 * PAGE, EP_X | EP_U, 1);
	PROTECT(f, 0x800000 + 15 * PAGE, PAGE, EP_G | EP_NOCACHE | EP_W);
	CHECK_MAPPED(f, 0x800000 + 15 * PAGE, 0x10f000, PAGE, EP_G | EP_NOCACHE | EP_W, 1);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), used);
}

/* One page of a 2M leaf changes: the leaf becomes a table of 512 pages. */
TEST(protect_splits_2m_leaf)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x40000000, 0x80000000ULL, 6 * MiB, EP_X);
	uint64_t used = ep_pool_used(&f->ctx.pool);
	uint64_t va = 0x40000000 + 2 * MiB + 17 * PAGE;
	PROTECT(f, va, PAGE, EP_W);
	CHECK_MAPPED(f, va, 0x80000000ULL + 2 * MiB + 17 * PAGE, PAGE, EP_W, 1);
	CHECK_MAPPED(f, 0x40000000 + 2 * MiB, 0x80000000ULL + 2 * MiB, 17 * PAGE, EP_X, 1);
	CHECK_MAPPED(f, va + PAGE, 0x80000000ULL + 2 * MiB + 18 * PAGE,
		     2 * MiB - 18 * PAGE, EP_X, 1);
	/* The other two 2M leaves are untouched. */
	CHECK_MAPPED(f, 0x40000000, 0x80000000ULL, 2 * MiB, EP_X, 2);
	CHECK_MAPPED(f, 0x40000000 + 4 * MiB, 0x80000000ULL + 4 * MiB, 2 * MiB, EP_X, 2);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), used + 1);
}

/*
 * One page of a 1G leaf changes: split into 2M leaves, and only the 2M leaf
 * holding the page into 4K ones (two new tables, not 513).
 */
TEST(protect_splits_1g_leaf_minimally)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 4 * GiB, 8 * GiB, GiB, EP_W | EP_U);
	uint64_t used = ep_pool_used(&f->ctx.pool);
	uint64_t off = 300 * MiB + 5 * PAGE;
	PROTECT(f, 4 * GiB + off, 3 * PAGE, EP_U);
	CHECK_MAPPED(f, 4 * GiB + off, 8 * GiB + off, 3 * PAGE, EP_U, 1);
	CHECK_MAPPED(f, 4 * GiB + 300 * MiB, 8 * GiB + 300 * MiB, 5 * PAGE, EP_W | EP_U, 1);
	CHECK_MAPPED(f, 4 * GiB + off + 3 * PAGE, 8 * GiB + off + 3 * PAGE,
		     2 * MiB - 8 * PAGE, EP_W | EP_U, 1);
	CHECK_MAPPED(f, 4 * GiB, 8 * GiB, 300 * MiB, EP_W | EP_U, 2);
	CHECK_MAPPED(f, 4 * GiB + 302 * MiB, 8 * GiB + 302 * MiB, GiB - 302 * MiB,
		     EP_W | EP_U, 2);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), used + 2);
}

/* A change that covers whole large leaves keeps them whole. */
TEST(protect_whole_large_leaf_keeps_size)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x40000000, 0x40000000, GiB, EP_W);
	MAP(f, 0x200000, 0x200000, 4 * MiB, EP_W);
	uint64_t used = ep_pool_used(&f->ctx.pool);
	PROTECT(f, 0x40000000, GiB, 0);
	PROTECT(f, 0x400000, 2 * MiB, EP_X);
	CHECK_MAPPED(f, 0x40000000, 0x40000000, GiB, 0, 3);
	CHECK_MAPPED(f, 0x200000, 0x200000, 2 * MiB, EP_W, 2);
	CHECK_MAPPED(f, 0x400000, 0x400000, 2 * MiB, EP_X, 2);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), used);
}

/* Protect across leaves of different sizes and across tables. */
TEST(protect_across_mixed_leaves)
{
	struct fx *f = fx_new(NULL);
	uint64_t va = GiB - 2 * MiB - 2 * PAGE, len = 2 * GiB;
	MAP(f, va, va, len, 0);
	PROTECT(f, va + PAGE, len - 2 * PAGE, EP_W);
	CHECK_MAPPED(f, va, va, PAGE, 0, 1);
	CHECK_MAPPED(f, va + PAGE, va + PAGE, len - 2 * PAGE, EP_W, 0);
	CHECK_MAPPED(f, va + len - PAGE, va + len - PAGE, PAGE, 0, 1);
	CHECK_MAPPED(f, GiB, GiB, GiB - 2 * MiB, EP_W, 3);
}

TEST(protect_unmapped_changes_nothing)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x200000, 0x200000, 2 * MiB, EP_W);
	MAP(f, 0x400000 + PAGE, 0x400000, 4 * PAGE, EP_W);
	struct fx_snap s = fx_snap(f);
	/* Mapped 2M leaf then a one-page hole: the split must not happen. */
	EXPECT_EP(f, ep_protect(&f->ctx, 0x3ff000, 3 * PAGE, 0), EP_ERR_NOT_MAPPED);
	CHECK_EQ(ep_last_error(&f->ctx)->va, 0x400000);
	CHECK_SAME(f, &s);
	EXPECT_EP(f, ep_protect(&f->ctx, 0x10000000, PAGE, 0), EP_ERR_NOT_MAPPED);
	CHECK_SAME(f, &s);
	/* Protect inside a 2M leaf that would need a split, with a hole later. */
	EXPECT_EP(f, ep_protect(&f->ctx, 0x300000, 2 * MiB, 0), EP_ERR_NOT_MAPPED);
	CHECK_SAME(f, &s);
	CHECK_MAPPED(f, 0x200000, 0x200000, 2 * MiB, EP_W, 2);
}

TEST(unmap_with_holes)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x100000, 0x100000, 4 * PAGE, EP_W);
	MAP(f, 0x100000 + 8 * PAGE, 0x900000, 4 * PAGE, EP_W);
	MAP(f, 0x100000 + 16 * PAGE, 0xa00000, 4 * PAGE, EP_W);
	UNMAP(f, 0x100000 + 2 * PAGE, 16 * PAGE);
	CHECK_MAPPED(f, 0x100000, 0x100000, 2 * PAGE, EP_W, 1);
	CHECK_UNMAPPED(f, 0x100000 + 2 * PAGE, 16 * PAGE);
	CHECK_MAPPED(f, 0x100000 + 18 * PAGE, 0xa02000, 2 * PAGE, EP_W, 1);
	/* Unmapping what is not mapped at all is fine and changes nothing. */
	struct fx_snap s = fx_snap(f);
	UNMAP(f, 0x7000000000ULL, 3 * GiB);
	UNMAP(f, 0x100000 + 4 * PAGE, 4 * PAGE);
	CHECK_SAME(f, &s);
}

TEST(unmap_splits_2m_leaf)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x600000, 0x1600000, 2 * MiB, EP_X);
	UNMAP(f, 0x600000 + 100 * PAGE, PAGE);
	CHECK_MAPPED(f, 0x600000, 0x1600000, 100 * PAGE, EP_X, 1);
	CHECK_UNMAPPED(f, 0x600000 + 100 * PAGE, PAGE);
	CHECK_MAPPED(f, 0x600000 + 101 * PAGE, 0x1600000 + 101 * PAGE, 2 * MiB - 101 * PAGE,
		     EP_X, 1);
}

TEST(unmap_splits_1g_leaf)
{
	struct fx *f = fx_new(NULL);
	MAP(f, GiB, 3 * GiB, GiB, 0);
	uint64_t hole = GiB + 64 * MiB - PAGE, hlen = 2 * MiB + 2 * PAGE;
	UNMAP(f, hole, hlen);
	CHECK_MAPPED(f, GiB, 3 * GiB, 62 * MiB, 0, 2);
	CHECK_MAPPED(f, GiB + 62 * MiB, 3 * GiB + 62 * MiB, 2 * MiB - PAGE, 0, 1);
	CHECK_UNMAPPED(f, hole, hlen);
	CHECK_MAPPED(f, hole + hlen, 3 * GiB + 66 * MiB + PAGE, 2 * MiB - PAGE, 0, 1);
	CHECK_MAPPED(f, GiB + 68 * MiB, 3 * GiB + 68 * MiB, GiB - 68 * MiB, 0, 2);
}

/* Unmap everything, then the same va can be mapped again elsewhere. */
TEST(unmap_then_remap)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x40000000, 0x40000000, 4 * MiB + 8 * PAGE, EP_W);
	UNMAP(f, 0x40000000, 4 * MiB + 8 * PAGE);
	CHECK_UNMAPPED(f, 0x40000000, 4 * MiB + 8 * PAGE);
	struct fx_leaves l = fx_leaves(f);
	CHECK_EQ(l.n, 0);
	MAP(f, 0x40000000, 0x1000000, 4 * MiB + 8 * PAGE, EP_X);
	CHECK_MAPPED(f, 0x40000000, 0x1000000, 4 * MiB + 8 * PAGE, EP_X, 0);
	/* 1G leaf removed whole, then 4K pages in its place. */
	MAP(f, 2 * GiB, 2 * GiB, GiB, 0);
	UNMAP(f, 2 * GiB, GiB);
	MAP(f, 2 * GiB + 4 * PAGE, 5 * PAGE, 4 * PAGE, EP_W);
	CHECK_MAPPED(f, 2 * GiB + 4 * PAGE, 5 * PAGE, 4 * PAGE, EP_W, 1);
	CHECK_UNMAPPED(f, 2 * GiB + 8 * PAGE, 64 * PAGE);
}

/* A live tree: set up, touch pages so the TLB caches them, then restrict. */
static struct fx *live(void)
{
	struct fx *f = fx_new(NULL);
	f->sim->tlb_on = true;
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	return f;
}

static void touch(struct fx *f, uint64_t va, uint64_t len, unsigned acc)
{
	for (uint64_t o = 0; o < len; o += PAGE) {
		struct sim_result r = sim_access(f->sim, va + o, acc);
		REQUIREF(r.kind == SIM_OK, "touch 0x%llx: %s",
			 (unsigned long long)(va + o), sim_kind_name(r.kind));
	}
}

TEST(live_protect_drops_stale_translations)
{
	struct fx *f = live();
	MAP(f, 0x800000, 0x800000, 8 * PAGE, EP_W);
	MAP(f, 0x1000000, 0x1000000, 2 * MiB, EP_W);
	touch(f, 0x800000, 8 * PAGE, SIM_W);
	touch(f, 0x1000000, PAGE, SIM_W);
	PROTECT(f, 0x800000 + 2 * PAGE, 4 * PAGE, 0);
	PROTECT(f, 0x1000000 + 5 * PAGE, PAGE, 0); /* splits the 2M leaf */
	/* Through the TLB model: a stale RW entry would let these writes by. */
	CHECK_MAPPED(f, 0x800000 + 2 * PAGE, 0x802000, 4 * PAGE, 0, 1);
	CHECK_MAPPED(f, 0x1000000 + 5 * PAGE, 0x1005000, PAGE, 0, 1);
	CHECK_MAPPED(f, 0x800000, 0x800000, 2 * PAGE, EP_W, 1);
}

TEST(live_unmap_drops_stale_translations)
{
	struct fx *f = live();
	MAP(f, 0x800000, 0x800000, 8 * PAGE, EP_W);
	MAP(f, GiB, GiB, GiB, EP_W);
	touch(f, 0x800000, 8 * PAGE, SIM_R);
	touch(f, GiB + 7 * MiB, PAGE, SIM_R);
	UNMAP(f, 0x800000 + PAGE, 2 * PAGE);
	UNMAP(f, GiB + 6 * MiB, 2 * MiB);
	CHECK_UNMAPPED(f, 0x800000 + PAGE, 2 * PAGE);
	CHECK_UNMAPPED(f, GiB + 6 * MiB, 2 * MiB);
	CHECK_MAPPED(f, 0x800000 + 3 * PAGE, 0x803000, 5 * PAGE, EP_W, 1);
}

/*
 * Global translations survive a CR3 reload: restricting a long range of G
 * pages must drop them too (INVLPG each page, or arch_flush_tlb, which is
 * documented to toggle CR4.PGE).
 */
TEST(live_protect_global_range)
{
	struct fx *f = live();
	uint64_t va = 0xffffffff80000000ULL, n = 200;
	MAP(f, va, 0x1000000, n * PAGE, EP_W | EP_G);
	touch(f, va, 60 * PAGE, SIM_W); /* the TLB model holds 64 entries */
	PROTECT(f, va, n * PAGE, EP_G);
	CHECK_MAPPED(f, va, 0x1000000, 60 * PAGE, EP_G, 1);
}

TEST(live_unmap_global_range)
{
	struct fx *f = live();
	uint64_t va = 0xffffffff80000000ULL, n = 100;
	MAP(f, va, 0x1000000, n * PAGE, EP_W | EP_G);
	touch(f, va, 60 * PAGE, SIM_R);
	UNMAP(f, va, n * PAGE);
	CHECK_UNMAPPED(f, va, 60 * PAGE);
}

int main(void)
{
	RUN(protect_4k_range);
	RUN(protect_splits_2m_leaf);
	RUN(protect_splits_1g_leaf_minimally);
	RUN(protect_whole_large_leaf_keeps_size);
	RUN(protect_across_mixed_leaves);
	RUN(protect_unmapped_changes_nothing);
	RUN(unmap_with_holes);
	RUN(unmap_splits_2m_leaf);
	RUN(unmap_splits_1g_leaf);
	RUN(unmap_then_remap);
	RUN(live_protect_drops_stale_translations);
	RUN(live_unmap_drops_stale_translations);
	RUN(live_protect_global_range);
	RUN(live_unmap_global_range);
	return th_done();
}
