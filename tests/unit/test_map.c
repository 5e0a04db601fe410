/*
 * ep_map: leaf-size choice, entry bits, and the resulting translations as
 * the simulated hardware walker sees them.
 */
#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)

TEST(map_one_4k_page)
{
	struct fx *f = fx_new(NULL);
	struct ep_counters before = f->ctx.count;
	MAP(f, 0x40201000, 0x7654000, PAGE, EP_W);
	CHECK_MAPPED(f, 0x40201000, 0x7654000, PAGE, EP_W, 1);
	CHECK_UNMAPPED(f, 0x40200000, PAGE);
	CHECK_UNMAPPED(f, 0x40202000, PAGE);
	/* PML4 entry, PDPT entry, PD entry, PTE: exactly four stores. */
	CHECK_EQ(f->ctx.count.entries_written - before.entries_written, 4);
	CHECK_EQ(f->ctx.count.leaves[0] - before.leaves[0], 1);
	CHECK_EQ(f->ctx.count.table_frames - before.table_frames, 3);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), 4);
}

TEST(map_2m_leaves_when_aligned)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x40000000 + 6 * MiB, 0x80000000ULL + 2 * MiB, 4 * MiB, 0);
	CHECK_MAPPED(f, 0x40000000 + 6 * MiB, 0x80000000ULL + 2 * MiB, 4 * MiB, 0, 2);
	CHECK_UNMAPPED(f, 0x40000000 + 4 * MiB, 2 * MiB);
	CHECK_UNMAPPED(f, 0x40000000 + 10 * MiB, 2 * MiB);
	CHECK_EQ(f->ctx.count.leaves[1], 2);
	CHECK_EQ(f->ctx.count.leaves[0], 0);
	/* Root, PDPT, PD: no page table. */
	CHECK_EQ(ep_pool_used(&f->ctx.pool), 3);
}

TEST(map_1g_leaves_when_aligned)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 3 * GiB, 9 * GiB, 2 * GiB, EP_X);
	CHECK_MAPPED(f, 3 * GiB, 9 * GiB, 2 * GiB, EP_X, 3);
	CHECK_UNMAPPED(f, 2 * GiB, GiB);
	CHECK_UNMAPPED(f, 5 * GiB, GiB);
	CHECK_EQ(f->ctx.count.leaves[2], 2);
	CHECK_EQ(f->ctx.count.leaves[1] + f->ctx.count.leaves[0], 0);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), 2);
}

/*
 * va and pa congruent modulo 1 GiB, range unaligned at both ends: 4K head
 * up to 2 MiB alignment, 2M up to 1 GiB, 1G leaves, then 2M and 4K tail.
 */
TEST(map_mixed_head_body_tail)
{
	struct fx *f = fx_new(NULL);
	uint64_t va = GiB - 2 * MiB - 2 * PAGE;
	uint64_t len = 2 * PAGE + 2 * MiB + GiB + 2 * MiB + 3 * PAGE;
	uint64_t pa = va + 4 * GiB;
	MAP(f, va, pa, len, EP_W);
	CHECK_MAPPED(f, va, pa, len, EP_W, 0);
	CHECK_UNMAPPED(f, va - PAGE, PAGE);
	CHECK_UNMAPPED(f, va + len, PAGE);
	struct fx_leaves l = fx_leaves(f);
	CHECK_EQ(fx_count_leaves(&l, va, 2 * PAGE, 1), 2);
	CHECK_EQ(fx_count_leaves(&l, GiB - 2 * MiB, 2 * MiB, 2), 1);
	CHECK_EQ(fx_count_leaves(&l, GiB, GiB, 3), 1);
	CHECK_EQ(fx_count_leaves(&l, 2 * GiB, 2 * MiB, 2), 1);
	CHECK_EQ(fx_count_leaves(&l, 2 * GiB + 2 * MiB, 3 * PAGE, 1), 3);
	CHECK_EQ(l.n, 8);
	CHECK_EQ(f->ctx.count.leaves[0], 5);
	CHECK_EQ(f->ctx.count.leaves[1], 2);
	CHECK_EQ(f->ctx.count.leaves[2], 1);
}

/* va 1 GiB aligned, pa only 2 MiB aligned: no 1G leaf can be used. */
TEST(map_pa_alignment_limits_leaf)
{
	struct fx *f = fx_new(NULL);
	MAP(f, GiB, 2 * MiB, GiB, 0);
	CHECK_MAPPED(f, GiB, 2 * MiB, GiB, 0, 2);
	CHECK_EQ(f->ctx.count.leaves[1], 512);
	CHECK_EQ(f->ctx.count.leaves[2], 0);

	/* va 2 MiB aligned, pa off by a page: 4K leaves only. */
	struct fx *g = fx_new(NULL);
	MAP(g, 4 * MiB, 8 * MiB + PAGE, 4 * MiB, 0);
	CHECK_MAPPED(g, 4 * MiB, 8 * MiB + PAGE, 4 * MiB, 0, 1);
	CHECK_EQ(g->ctx.count.leaves[0], 1024);
	CHECK_EQ(g->ctx.count.leaves[1], 0);
}

TEST(leaf_mask_4k_only)
{
	struct fx_opts o = { .leaf_mask = EP_LEAF_4K };
	struct fx *f = fx_new(&o);
	struct ep_counters before = f->ctx.count;
	MAP(f, 2 * MiB, 2 * MiB, 4 * MiB, EP_W);
	CHECK_MAPPED(f, 2 * MiB, 2 * MiB, 4 * MiB, EP_W, 1);
	CHECK_EQ(f->ctx.count.leaves[0], 1024);
	CHECK_EQ(f->ctx.count.leaves[1] + f->ctx.count.leaves[2], 0);
	/* PML4e + PDPTe + 2 PDe + 1024 PTEs. */
	CHECK_EQ(f->ctx.count.entries_written - before.entries_written, 1028);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), 5);
}

TEST(leaf_mask_without_1g)
{
	struct fx_opts o = { .leaf_mask = EP_LEAF_4K | EP_LEAF_2M };
	struct fx *f = fx_new(&o);
	MAP(f, GiB, GiB, GiB, 0);
	CHECK_MAPPED(f, GiB, GiB, GiB, 0, 2);
	CHECK_EQ(f->ctx.count.leaves[1], 512);
	CHECK_EQ(f->ctx.count.leaves[2], 0);
}

/* Every leaf entry: NX exactly when not executable; walker agrees. */
TEST(nx_on_every_non_exec_mapping)
{
	struct fx *f = fx_new(NULL);
	static const unsigned perms[] = { 0, EP_W, EP_X, EP_U, EP_U | EP_W, EP_U | EP_X };
	for (unsigned i = 0; i < 6; i++) {
		uint64_t va = (uint64_t)(i + 1) * GiB;
		/* One 4K, one 2M and one 1G leaf of each kind. */
		MAP(f, va - 4 * MiB + PAGE, PAGE, PAGE, perms[i]);
		MAP(f, va - 2 * MiB, 2 * MiB, 2 * MiB, perms[i]);
		MAP(f, (i + 10) * GiB, GiB, GiB, perms[i]);
		CHECK_MAPPED(f, va - 4 * MiB + PAGE, PAGE, PAGE, perms[i], 1);
		CHECK_MAPPED(f, va - 2 * MiB, 2 * MiB, 2 * MiB, perms[i], 2);
		CHECK_MAPPED(f, (i + 10) * GiB, GiB, GiB, perms[i], 3);
	}
	struct fx_leaves l = fx_leaves(f);
	CHECK_EQ(l.n, 18);
	for (size_t i = 0; i < l.n; i++) {
		bool nx = l.v[i].entry & EP_PTE_NX, x = l.v[i].perms & EP_X;
		CHECKF(nx != x, "leaf va 0x%llx entry 0x%llx: NX %d but executable %d",
		       (unsigned long long)l.v[i].va,
		       (unsigned long long)l.v[i].entry, nx, x);
	}
}

static int no_bit63(void *arg, uint64_t table, unsigned level)
{
	struct fx *f = arg;
	const uint64_t *t = sim_phys_to_virt(f->sim, table);
	for (unsigned i = 0; i < 512; i++)
		if (t[i] & EP_PTE_NX) {
			th_fail(__FILE__, __LINE__,
				"no_nx: level-%u table 0x%llx slot %u = 0x%llx has bit 63",
				level, (unsigned long long)table, i,
				(unsigned long long)t[i]);
			return 1;
		}
	return 0;
}

/* cfg.no_nx: bit 63 is reserved on such a CPU; it must appear nowhere. */
TEST(no_nx_never_sets_bit_63)
{
	struct fx_opts o = { .no_nx = true };
	struct fx *f = fx_new(&o);
	MAP(f, 0x1000, 0x1000, 3 * PAGE, 0);
	MAP(f, 0x200000, 0x200000, 2 * MiB, EP_W);
	MAP(f, GiB, GiB, GiB, EP_U);
	MAP(f, 0xffffffff80000000ULL, 0x1000000, 4 * MiB, EP_X);
	/* The walker runs with EFER.NXE off: a bit 63 would be a RSVD fault. */
	CHECK_MAPPED(f, 0x1000, 0x1000, 3 * PAGE, 0, 1);
	CHECK_MAPPED(f, 0x200000, 0x200000, 2 * MiB, EP_W, 2);
	CHECK_MAPPED(f, GiB, GiB, GiB, EP_U, 3);
	CHECK_MAPPED(f, 0xffffffff80000000ULL, 0x1000000, 4 * MiB, EP_X, 2);
	sim_walk(f->sim, f->ctx.root, NULL, no_bit63, f);
}

TEST(user_bit)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x400000, 0x10000000, 16 * PAGE, EP_U | EP_W);
	MAP(f, 0x400000 + 16 * PAGE, 0x20000000, 16 * PAGE, EP_W);
	MAP(f, 0x600000, 0x30000000, 2 * MiB, EP_U | EP_X);
	CHECK_MAPPED(f, 0x400000, 0x10000000, 16 * PAGE, EP_U | EP_W, 1);
	CHECK_MAPPED(f, 0x400000 + 16 * PAGE, 0x20000000, 16 * PAGE, EP_W, 1);
	CHECK_MAPPED(f, 0x600000, 0x30000000, 2 * MiB, EP_U | EP_X, 2);
}

TEST(global_and_nocache_bits)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0xffffffff80000000ULL, 0x1000000, 2 * MiB, EP_G | EP_X);
	MAP(f, 0xffffffff80200000ULL, 0x1200000, PAGE, EP_G | EP_W);
	MAP(f, 0xffffc00000000000ULL, 0xfee00000ULL, PAGE, EP_NOCACHE | EP_W);
	MAP(f, 0xffffc00000200000ULL, 0xc0000000ULL, 2 * MiB, EP_NOCACHE | EP_W);
	CHECK_MAPPED(f, 0xffffffff80000000ULL, 0x1000000, 2 * MiB, EP_G | EP_X, 2);
	CHECK_MAPPED(f, 0xffffffff80200000ULL, 0x1200000, PAGE, EP_G | EP_W, 1);
	CHECK_MAPPED(f, 0xffffc00000000000ULL, 0xfee00000ULL, PAGE, EP_NOCACHE | EP_W, 1);
	CHECK_MAPPED(f, 0xffffc00000200000ULL, 0xc0000000ULL, 2 * MiB,
		     EP_NOCACHE | EP_W, 2);
}

TEST(map_high_half_kernel)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0xffffffff81000000ULL, 0x1000000, 12 * MiB + 5 * PAGE, EP_X | EP_G);
	CHECK_MAPPED(f, 0xffffffff81000000ULL, 0x1000000, 12 * MiB + 5 * PAGE,
		     EP_X | EP_G, 0);
	CHECK_UNMAPPED(f, 0xffffffff81000000ULL - PAGE, PAGE);
	CHECK_UNMAPPED(f, 0xffffffff81000000ULL + 12 * MiB + 5 * PAGE, PAGE);
	CHECK_EQ(f->ctx.count.leaves[1], 6);
	CHECK_EQ(f->ctx.count.leaves[0], 5);
}

/* A range crossing a PML4 slot (512 GiB) boundary needs two subtrees. */
TEST(map_across_top_level_slots)
{
	struct fx *f = fx_new(NULL);
	uint64_t va = 512 * GiB - 4 * MiB;
	MAP(f, va, 0x40000000, 8 * MiB, EP_W);
	CHECK_MAPPED(f, va, 0x40000000, 8 * MiB, EP_W, 2);
	/* Root, two PDPTs, two PDs. */
	CHECK_EQ(ep_pool_used(&f->ctx.pool), 5);
}

/* The second map into an existing page table writes only its leaves. */
TEST(map_reuses_tables)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x100000, 0x100000, 4 * PAGE, EP_W);
	uint64_t used = ep_pool_used(&f->ctx.pool);
	uint64_t written = f->ctx.count.entries_written;
	MAP(f, 0x180000, 0x900000, 8 * PAGE, 0);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), used);
	CHECK_EQ(f->ctx.count.entries_written - written, 8);
	CHECK_MAPPED(f, 0x100000, 0x100000, 4 * PAGE, EP_W, 1);
	CHECK_MAPPED(f, 0x180000, 0x900000, 8 * PAGE, 0, 1);
	/* Adjacent to an existing range, no gap: fine, not an overlap. */
	MAP(f, 0x104000, 0x104000, PAGE, EP_W);
	CHECK_MAPPED(f, 0x100000, 0x100000, 5 * PAGE, EP_W, 1);
}

TEST(map_5_level)
{
	struct fx_opts o = { .levels = 5 };
	struct fx *f = fx_new(&o);
	REQUIRE(f->sim->la57);
	/* Canonical only with 57-bit addresses. */
	uint64_t hi = 0xff00000000000000ULL, lo = 0x0000800000000000ULL;
	MAP(f, hi, 0x40000000, GiB + 2 * MiB + PAGE, EP_W);
	MAP(f, lo, 0x3000, 2 * PAGE, EP_X | EP_U);
	MAP(f, 0x00ffffffffe00000ULL, 0x200000, 2 * MiB, 0);
	CHECK_MAPPED(f, hi, 0x40000000, GiB + 2 * MiB + PAGE, EP_W, 0);
	CHECK_MAPPED(f, lo, 0x3000, 2 * PAGE, EP_X | EP_U, 1);
	CHECK_MAPPED(f, 0x00ffffffffe00000ULL, 0x200000, 2 * MiB, 0, 2);
	CHECK_EQ(sim_probe(f->sim, hi).depth, 3); /* PML5, PML4, PDPT = 1G leaf */
	CHECK_EQ(sim_probe(f->sim, lo).depth, 5);
	CHECK_EQ(f->ctx.count.leaves[2], 1);
	CHECK_EQ(f->ctx.count.leaves[1], 2);
	CHECK_EQ(f->ctx.count.leaves[0], 3);
}

/* [va, 2^64) does not wrap: its last byte is the last canonical byte. */
TEST(map_last_page_of_address_space)
{
	struct fx *f = fx_new(NULL);
	EXPECT_EP(f, ep_map(&f->ctx, 0xfffffffffffff000ULL, 0x5000, PAGE, EP_W), EP_OK);
	CHECK_MAPPED(f, 0xfffffffffffff000ULL, 0x5000, PAGE, EP_W, 1);
	EXPECT_EP(f, ep_map(&f->ctx, 0xffffffffffe00000ULL, 0x200000, 2 * MiB - PAGE, 0),
		  EP_OK);
	/* And the last page below the canonical hole. */
	EXPECT_EP(f, ep_map(&f->ctx, 0x00007ffffffff000ULL, 0x6000, PAGE, 0), EP_OK);
	CHECK_MAPPED(f, 0x00007ffffffff000ULL, 0x6000, PAGE, 0, 1);
}

/* A large range: 1 TiB of 1G leaves, two PDPTs. */
TEST(map_one_tib)
{
	struct fx *f = fx_new(NULL);
	uint64_t va = 0xffff888000000000ULL;
	MAP(f, va, 0, TiB, EP_W);
	CHECK_MAPPED(f, va, 0, TiB, EP_W, 3);
	CHECK_EQ(f->ctx.count.leaves[2], 1024);
	CHECK_EQ(ep_pool_used(&f->ctx.pool), 3);
}

int main(void)
{
	RUN(map_one_4k_page);
	RUN(map_2m_leaves_when_aligned);
	RUN(map_1g_leaves_when_aligned);
	RUN(map_mixed_head_body_tail);
	RUN(map_pa_alignment_limits_leaf);
	RUN(leaf_mask_4k_only);
	RUN(leaf_mask_without_1g);
	RUN(nx_on_every_non_exec_mapping);
	RUN(no_nx_never_sets_bit_63);
	RUN(user_bit);
	RUN(global_and_nocache_bits);
	RUN(map_high_half_kernel);
	RUN(map_across_top_level_slots);
	RUN(map_reuses_tables);
	RUN(map_5_level);
	RUN(map_last_page_of_address_space);
	RUN(map_one_tib);
	return th_done();
}
