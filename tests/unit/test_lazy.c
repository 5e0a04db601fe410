/*
 * The #PF materializer (docs/early_paging.md "The #PF materializer"): accesses
 * go through the simulated CPU; every #PF is handed to ep_lazy_fault as a
 * handler would, and the access retried. Far more pages are touched than
 * the small lazy pool can hold, so it must reset, and the eager part of the
 * tree must come through every reset unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)
#define DECLARE(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_lazy_declare(&(f)->ctx, va, pa, len, perms), EP_OK)

#define RIP 0xffffffff81234567ULL

/* Regions used below. */
#define DM_VA 0xffff888000000000ULL /* direct map of 4 TiB: 1G leaves, 8 slots */
#define DM_LEN (4 * TiB)
#define V4_VA 0xffffc90000000000ULL /* 1 GiB, pa off by a page: 4K leaves */
#define V4_PA (0x100000000ULL + PAGE)
#define V4_LEN GiB
#define V2_VA 0xffffea0000000000ULL /* 2M-congruent only: 2M leaves, 4K tail */
#define V2_PA 0x40200000ULL
#define V2_LEN (256 * MiB + 3 * PAGE)
#define V5_VA (0xffffd80000000000ULL + 2 * GiB - 8 * MiB + 3 * PAGE) /* both ends */
#define V5_PA (0x200000000ULL + 3 * PAGE)                             /* unaligned, */
#define V5_LEN (16 * MiB)                                             /* two GiBs */

struct region {
	uint64_t va, pa, len;
	unsigned perms;
};

/*
 * Access va like the CPU, serving #PFs. Returns true when the access went
 * through; false when ep_lazy_fault refused (err and diag tell why).
 */
static bool touch(struct fx *f, uint64_t va, unsigned acc, enum ep_err *err,
		  struct ep_fault_diag *diag)
{
	fx_use_root(f);
	for (int tries = 0; tries < 6; tries++) {
		struct sim_result r = sim_access(f->sim, va, acc);
		if (r.kind == SIM_OK)
			return true;
		REQUIREF(r.kind == SIM_PF, "access 0x%llx: %s", (unsigned long long)va,
			 sim_kind_name(r.kind));
		memset(diag, 0xcc, sizeof *diag);
		*err = ep_lazy_fault(&f->ctx, va, RIP, r.err, diag);
		if (*err != EP_OK)
			return false;
	}
	th_fail(__FILE__, __LINE__,
		"access 0x%llx (kind %u): still faulting after 5 served faults",
		(unsigned long long)va, acc);
	th_abort();
}

/* The leaf the materializer should pick: the largest that fits the region. */
static unsigned best_level(const struct region *r, uint64_t va, unsigned mask)
{
	for (unsigned level = 3; level > 1; level--) {
		uint64_t size = 1ULL << (12 + 9 * (level - 1));
		uint64_t base = va & ~(size - 1);
		if ((mask & (1u << (level - 1))) && base >= r->va &&
		    base + size - r->va <= r->len && ((r->pa - r->va) & (size - 1)) == 0)
			return level;
	}
	return 1;
}

/* Touch va in r (read, or write if allowed) and check the translation. */
static void touch_and_check(struct fx *f, const struct region *r, uint64_t va,
			    unsigned mask, uint64_t seed)
{
	enum ep_err e;
	struct ep_fault_diag d;
	unsigned acc = (r->perms & EP_W) ? SIM_W : SIM_R;
	if (!touch(f, va, acc, &e, &d)) {
		char buf[1024];
		ep_format_fault(&d, buf, sizeof buf);
		th_fail(__FILE__, __LINE__, "seed %llu: fault at 0x%llx not served: %s, %s",
			(unsigned long long)seed, (unsigned long long)va, fx_err_name(e), buf);
		th_abort();
	}
	struct sim_result p = sim_probe(f->sim, va);
	uint64_t want_pa = r->pa + (va - r->va);
	unsigned want_level = best_level(r, va, mask);
	unsigned want_perms = fx_expect_perms(f, r->perms);
	if (p.pa != want_pa || p.level != want_level || p.perms != want_perms) {
		th_fail(__FILE__, __LINE__,
			"seed %llu: lazy va 0x%llx: expected pa 0x%llx level %u perms 0x%x, got pa 0x%llx level %u perms 0x%x",
			(unsigned long long)seed, (unsigned long long)va,
			(unsigned long long)want_pa, want_level, want_perms,
			(unsigned long long)p.pa, p.level, p.perms);
		th_abort();
	}
	th_pass(); /* served, and translates as the region says */
}

struct eager {
	uint64_t va, pa, len;
	unsigned perms, level;
};

static void check_eager(struct fx *f, const struct eager *e, size_t n)
{
	for (size_t i = 0; i < n && !th_failed(); i++)
		CHECK_MAPPED(f, e[i].va, e[i].pa, e[i].len, e[i].perms, e[i].level);
}

/* After each reset: every eager page still translates the same (one walk
 * per page; the full access matrix is checked once at the end). */
static void check_eager_quick(struct fx *f, const struct eager *e, size_t n,
			      uint64_t seed, uint64_t resets)
{
	fx_use_root(f);
	for (size_t i = 0; i < n; i++) {
		unsigned want = fx_expect_perms(f, e[i].perms);
		/* One walk per leaf where the leaf size is known. */
		uint64_t step = e[i].level ? 1ULL << (12 + 9 * (e[i].level - 1)) : PAGE;
		for (uint64_t off = 0; off < e[i].len; off += step) {
			struct sim_result p = sim_probe(f->sim, e[i].va + off);
			if (p.kind != SIM_OK || p.pa != e[i].pa + off || p.perms != want ||
			    (e[i].level && p.level != e[i].level)) {
				th_fail(__FILE__, __LINE__,
					"seed %llu, after reset %llu: eager va 0x%llx should be pa 0x%llx perms 0x%x, walker: %s pa 0x%llx perms 0x%x level %u",
					(unsigned long long)seed, (unsigned long long)resets,
					(unsigned long long)(e[i].va + off),
					(unsigned long long)(e[i].pa + off), want,
					sim_kind_name(p.kind), (unsigned long long)p.pa, p.perms,
					p.level);
				th_abort();
			}
		}
	}
	th_pass(); /* every eager page as it was */
}

/* Tables reachable from the root: each is a used main-pool frame or a lazy
 * frame in state TABLE, and the lazy frames in state TABLE are exactly the
 * reachable ones (none leaked, none reachable while FREE). Whether the main
 * pool may grow during faults is the business of one test below
 * (materializer_uses_only_the_lazy_pool), not of every one. */
static void check_frames(struct fx *f)
{
	uint64_t main_end = f->ctx.pool.end;
	uint64_t t[1024];
	size_t n = fx_tables(f, t, NULL, 1024);
	REQUIRE(n <= 1024);
	const struct ep_ctx *c = &f->ctx;
	uint64_t lazy_reached = 0;
	for (size_t i = 0; i < n; i++) {
		int st = ep_frame_state(c, t[i]);
		if (ep_pool_contains(&c->pool, t[i])) {
			CHECKF(t[i] < main_end, "table 0x%llx is a main-pool frame beyond end",
			       (unsigned long long)t[i]);
		} else if (ep_pool_contains(&c->lazy_pool, t[i])) {
			lazy_reached++;
		} else {
			th_fail(__FILE__, __LINE__, "table 0x%llx is in neither pool",
				(unsigned long long)t[i]);
			return;
		}
		CHECKF(st == EP_FRAME_TABLE || st == EP_FRAME_PINNED,
		       "reachable table 0x%llx in state %d", (unsigned long long)t[i], st);
	}
	uint64_t lazy_tables = 0;
	for (uint64_t pa = c->lazy_pool.start; pa < c->lazy_pool.top; pa += PAGE) {
		int st = ep_frame_state(c, pa);
		lazy_tables += st == EP_FRAME_TABLE || st == EP_FRAME_PINNED;
	}
	CHECK_EQ(lazy_tables, lazy_reached);
}

static struct fx *lazy_fx(unsigned levels, unsigned lazy_frames, unsigned mask)
{
	struct fx_opts o = { .levels = levels, .lazy_frames = lazy_frames, .leaf_mask = mask };
	return fx_new(&o);
}

/* Random pages of three regions, interleaved, far more than the pool holds. */
static void run_touches(struct fx *f, const struct region *r, size_t nr, unsigned n,
			uint64_t seed, unsigned mask, const struct eager *e, size_t ne)
{
	struct rng g = { seed };
	uint64_t resets = f->ctx.count.pool_resets;
	for (unsigned i = 0; i < n && !th_failed(); i++) {
		const struct region *x = &r[rng_below(&g, nr)];
		uint64_t va = x->va + rng_below(&g, x->len / PAGE) * PAGE + (rng_next(&g) & 0xff8);
		uint64_t served = f->ctx.count.faults_served;
		touch_and_check(f, x, va, mask, seed);
		CHECK(f->ctx.count.faults_served >= served);
		if (f->ctx.count.pool_resets != resets) {
			resets = f->ctx.count.pool_resets;
			check_eager_quick(f, e, ne, seed, resets);
			check_frames(f);
		}
	}
	check_eager(f, e, ne);
	check_frames(f);
}

static const struct eager kernel_eager[] = {
	{ 0xffffffff80000000ULL, 0x1000000, 16 * MiB, EP_X | EP_G, 2 },
	{ 0x100000, 0x100000, 3 * MiB, EP_W, 0 },
	/* Same PML4 slot and PDPT as the V4 region, another GiB. */
	{ V4_VA + 2 * GiB, 0x2000000, 8 * MiB + 2 * PAGE, EP_W, 0 },
	/* Same PML4 slot as the direct map's first 512 GiB, below it. */
	{ DM_VA - 4 * MiB, 0x3000000, 4 * MiB, 0, 2 },
};
#define NK (sizeof kernel_eager / sizeof kernel_eager[0])

static void map_eager(struct fx *f, const struct eager *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		MAP(f, e[i].va, e[i].pa, e[i].len, e[i].perms);
}

TEST(direct_map_1g_leaves_with_resets)
{
	struct fx *f = lazy_fx(4, 4, 0);
	map_eager(f, kernel_eager, NK);
	struct region dm = { DM_VA, 0, DM_LEN, EP_W };
	DECLARE(f, dm.va, dm.pa, dm.len, dm.perms);
	run_touches(f, &dm, 1, 3000, 11, 7, kernel_eager, NK);
	/* 8 slots, 4 frames: resets must have happened. */
	CHECK(f->ctx.count.pool_resets > 0);
	CHECK(f->ctx.count.faults_served >= 8);
}

TEST(small_leaf_regions_with_resets)
{
	struct fx *f = lazy_fx(4, 6, 0);
	map_eager(f, kernel_eager, NK);
	struct region r[] = {
		{ V4_VA, V4_PA, V4_LEN, 0 },
		{ V2_VA, V2_PA, V2_LEN, EP_W | EP_G },
		{ DM_VA, 0, DM_LEN, EP_W },
	};
	for (unsigned i = 0; i < 3; i++)
		DECLARE(f, r[i].va, r[i].pa, r[i].len, r[i].perms);
	for (uint64_t seed = 1; seed <= 3 && !th_failed(); seed++)
		run_touches(f, r, 3, 3000, seed, 7, kernel_eager, NK);
	CHECK(f->ctx.count.pool_resets > 10);
	CHECK(f->ctx.count.faults_served > 1000);
}

/* A context limited to 4K leaves (as under Xen): every fault builds tables. */
TEST(leaf_mask_4k_regions)
{
	struct fx *f = lazy_fx(4, 5, EP_LEAF_4K);
	map_eager(f, kernel_eager, 2);
	struct region r[] = {
		{ DM_VA, 0, 64 * GiB, EP_W },
		{ V2_VA, V2_PA, V2_LEN, 0 },
	};
	DECLARE(f, r[0].va, r[0].pa, r[0].len, r[0].perms);
	DECLARE(f, r[1].va, r[1].pa, r[1].len, r[1].perms);
	static const struct eager e4k[] = {
		{ 0xffffffff80000000ULL, 0x1000000, 16 * MiB, EP_X | EP_G, 1 },
		{ 0x100000, 0x100000, 3 * MiB, EP_W, 1 },
	};
	run_touches(f, r, 2, 2000, 5, EP_LEAF_4K, e4k, 2);
	CHECK(f->ctx.count.pool_resets > 10);
}

/* A lazy region sharing a page table with eager pages on both sides. */
TEST(lazy_region_sharing_an_eager_table)
{
	struct fx *f = lazy_fx(4, 4, 0);
	uint64_t base = 0xffffd00000000000ULL;
	static const struct eager e[] = {
		{ 0xffffd00000000000ULL, 0x5000000, MiB, EP_W, 1 },
		{ 0xffffd00000000000ULL + 2 * MiB - 16 * PAGE, 0x5200000, 16 * PAGE, 0, 1 },
		{ 0xffffd00000000000ULL + 2 * MiB, 0x5400000, 2 * MiB, EP_X, 2 },
	};
	map_eager(f, e, 3);
	struct region r[] = {
		{ base + MiB, 0x7000000, MiB - 16 * PAGE, EP_W },
		{ DM_VA, 0, DM_LEN, EP_W }, /* forces resets */
	};
	DECLARE(f, r[0].va, r[0].pa, r[0].len, r[0].perms);
	DECLARE(f, r[1].va, r[1].pa, r[1].len, r[1].perms);
	run_touches(f, r, 2, 2000, 21, 7, e, 3);
	CHECK(f->ctx.count.pool_resets > 0);
}

/* Eager maps made after lazy faults (into the slots the lazy tables use)
 * must survive later resets too. */
TEST(eager_map_after_lazy_faults)
{
	struct fx *f = lazy_fx(4, 4, 0);
	struct region r[] = {
		{ V4_VA, V4_PA, V4_LEN, 0 },
		{ DM_VA, 0, DM_LEN, EP_W },
		{ V5_VA, V5_PA, V5_LEN, EP_W },
	};
	for (unsigned i = 0; i < 3; i++)
		DECLARE(f, r[i].va, r[i].pa, r[i].len, r[i].perms);
	run_touches(f, r, 3, 200, 3, 7, NULL, 0);
	/* The tables around both ends of V5 exist now (materialized or built
	 * at declaration); the eager maps below go next to them. */
	touch_and_check(f, &r[2], V5_VA, 7, 3);
	touch_and_check(f, &r[2], V5_VA + V5_LEN - PAGE, 7, 3);
	/* Next to both ends of each region: in the tables they share. */
	static const struct eager e[] = {
		{ V4_VA + GiB, 0x9000000, 4 * PAGE, EP_W, 1 },
		{ V4_VA + 3 * GiB, 0x40000000, GiB, 0, 3 },
		{ DM_VA + DM_LEN, 0xa000000, 2 * MiB, EP_W, 2 },
		{ V5_VA - 3 * PAGE, 0xb000000, 3 * PAGE, EP_W, 1 },
		{ V5_VA - 4 * MiB - 3 * PAGE, 0xc000000, 2 * MiB, 0, 2 },
		{ V5_VA + V5_LEN, 0xd000000, 5 * PAGE, 0, 1 },
		{ V5_VA + V5_LEN + 2 * MiB - 3 * PAGE, 0xe000000, 2 * MiB, EP_W, 2 },
	};
	map_eager(f, e, 7);
	run_touches(f, r, 3, 2000, 4, 7, e, 7);
	CHECK(f->ctx.count.pool_resets > 0);
}

TEST(lazy_5_level)
{
	struct fx *f = lazy_fx(5, 5, 0);
	static const struct eager e[] = {
		{ 0xffffffff80000000ULL, 0x1000000, 16 * MiB, EP_X | EP_G, 2 },
		{ 0xff00000000000000ULL, 0x2000000, 4 * PAGE, EP_W, 1 },
	};
	map_eager(f, e, 2);
	struct region r[] = {
		{ 0xff11000000000000ULL, 0, 8 * TiB, EP_W },
		{ 0xff20000000000000ULL + 2 * MiB, 0x80000000ULL + PAGE, 64 * MiB, 0 },
		{ 0x00f0000000000000ULL, 0x40000000, 600 * GiB, EP_U },
	};
	for (unsigned i = 0; i < 3; i++)
		DECLARE(f, r[i].va, r[i].pa, r[i].len, r[i].perms);
	run_touches(f, r, 3, 3000, 8, 7, e, 2);
	CHECK(f->ctx.count.pool_resets > 0);
}

/* Served faults are counted; lazy tables count as table frames. The region
 * owns a whole top-level slot, so every table of it is a lazy one. */
TEST(counters_of_the_materializer)
{
	struct fx *f = lazy_fx(4, 4, 0);
	uint64_t va = DM_VA;
	DECLARE(f, va, PAGE, 512 * GiB, 0); /* pa off by a page: 4K leaves */
	struct ep_counters k0 = f->ctx.count;
	uint64_t end = f->ctx.pool.end;
	enum ep_err e;
	struct ep_fault_diag d;
	/* First touch of the empty slot: PDPT, PD and PT from the lazy pool. */
	REQUIRE(touch(f, va + 5 * PAGE, SIM_R, &e, &d));
	CHECK_EQ(f->ctx.count.faults_served - k0.faults_served, 1);
	CHECK_EQ(f->ctx.count.table_frames - k0.table_frames, 3);
	CHECK_EQ(f->ctx.count.leaves[0] - k0.leaves[0], 1);
	CHECK_EQ(f->ctx.count.pool_resets, 0);
	/* Same PT: one more leaf, no table. */
	REQUIRE(touch(f, va + 6 * PAGE, SIM_R, &e, &d));
	CHECK_EQ(f->ctx.count.faults_served - k0.faults_served, 2);
	CHECK_EQ(f->ctx.count.table_frames - k0.table_frames, 3);
	/* Another 2 MiB: the 4th frame; then the pool is dry: a reset. */
	REQUIRE(touch(f, va + 4 * MiB, SIM_R, &e, &d));
	CHECK_EQ(f->ctx.count.pool_resets, 0);
	REQUIRE(touch(f, va + 8 * MiB, SIM_R, &e, &d));
	CHECK_EQ(f->ctx.count.pool_resets, 1);
	CHECK_EQ(f->ctx.count.faults_served - k0.faults_served, 4);
	CHECK_EQ(f->ctx.count.table_frames - k0.table_frames, 7);
	/* After the reset the earlier pages fault again and are served again. */
	CHECK_EQ(sim_probe(f->sim, va + 5 * PAGE).kind, SIM_PF);
	REQUIRE(touch(f, va + 5 * PAGE, SIM_R, &e, &d));
	CHECK_EQ(f->ctx.count.faults_served - k0.faults_served, 5);
	CHECK_EQ(f->ctx.pool.end, end);
}

/* Check diag's walk against the walk the simulated CPU made. */
static void check_diag_walk(struct fx *f, const struct ep_fault_diag *d, uint64_t va)
{
	struct sim_result p = sim_probe(f->sim, va);
	CHECK_EQ(d->cr2, va);
	CHECK_EQ(d->rip, RIP);
	CHECK_EQ(d->levels, f->ctx.levels);
	REQUIRE_EQ(d->depth, p.depth);
	for (unsigned i = 0; i < p.depth; i++) {
		CHECK_EQ(d->walk_table[i], p.table[i]);
		CHECK_EQ(d->walk_entry[i], p.ent[i]);
	}
}

TEST(fault_outside_every_region)
{
	struct fx *f = lazy_fx(4, 4, 0);
	map_eager(f, kernel_eager, NK);
	DECLARE(f, V4_VA, V4_PA, V4_LEN, 0);
	enum ep_err e;
	struct ep_fault_diag d;
	struct fx_snap s = fx_snap(f);
	/* Empty top-level slot: the walk is one entry long. */
	CHECK(!touch(f, 0x0000700000001000ULL, SIM_W, &e, &d));
	CHECK(e != EP_OK);
	CHECK_EQ(d.reason, EP_FAULT_OUTSIDE);
	CHECK_EQ(d.error_code, SIM_PF_W);
	check_diag_walk(f, &d, 0x0000700000001000ULL);
	CHECK_EQ(d.depth, 1);
	/* Just past an eager range in a populated PT: a full walk. */
	uint64_t va = V4_VA + 2 * GiB + 8 * MiB + 2 * PAGE;
	CHECK(!touch(f, va, SIM_R | SIM_U, &e, &d));
	CHECK_EQ(d.reason, EP_FAULT_OUTSIDE);
	CHECK_EQ(d.error_code, SIM_PF_U);
	check_diag_walk(f, &d, va);
	CHECK_EQ(d.depth, 4);
	/* Just past the end of the lazy region. */
	CHECK(!touch(f, V4_VA + V4_LEN, SIM_X, &e, &d));
	CHECK_EQ(d.reason, EP_FAULT_OUTSIDE);
	CHECK_EQ(d.error_code, SIM_PF_I);
	CHECK_SAME(f, &s);
}

TEST(protection_faults_are_diagnosed)
{
	struct fx *f = lazy_fx(4, 4, 0);
	DECLARE(f, V4_VA, V4_PA, V4_LEN, 0);   /* read-only, kernel, NX */
	DECLARE(f, DM_VA, 0, DM_LEN, EP_W);
	enum ep_err e;
	struct ep_fault_diag d;
	/* Write to the read-only region: may be materialized first, then the
	 * retry's protection fault is refused. */
	CHECK(!touch(f, V4_VA + 0x123000, SIM_W, &e, &d));
	CHECK(e != EP_OK);
	CHECK_EQ(d.reason, EP_FAULT_PROTECTION);
	CHECK_EQ(d.cr2, V4_VA + 0x123000);
	CHECK(d.error_code & SIM_PF_W);
	/* User access to a kernel region; fetch from an NX region. */
	CHECK(!touch(f, DM_VA + 0x5000, SIM_U, &e, &d));
	CHECK_EQ(d.reason, EP_FAULT_PROTECTION);
	CHECK(!touch(f, DM_VA + 0x7000, SIM_X, &e, &d));
	CHECK_EQ(d.reason, EP_FAULT_PROTECTION);
	/* A protection fault on an eager page is no lazy business either. */
	MAP(f, 0x400000, 0x400000, PAGE, 0);
	CHECK(!touch(f, 0x400000, SIM_W, &e, &d));
	CHECK_EQ(d.reason, EP_FAULT_PROTECTION);
	CHECK_EQ(d.error_code, SIM_PF_P | SIM_PF_W);
	check_diag_walk(f, &d, 0x400000);
	CHECK_EQ(f->ctx.count.pool_resets, 0);
}

TEST(reserved_bit_fault)
{
	struct fx *f = lazy_fx(4, 4, 0);
	DECLARE(f, V4_VA, V4_PA, V4_LEN, 0);
	struct ep_fault_diag d;
	enum ep_err e = ep_lazy_fault(&f->ctx, V4_VA, RIP, EP_PF_P | EP_PF_RSVD, &d);
	CHECK(e != EP_OK);
	CHECK_EQ(d.reason, EP_FAULT_RESERVED);
	CHECK_EQ(d.error_code, EP_PF_P | EP_PF_RSVD);
}

/* One fault needing more tables than the whole lazy pool: a region owning
 * a whole top-level slot, 4K leaves only (PDPT, PD and PT), 2 frames. */
TEST(lazy_pool_too_small_for_one_fault)
{
	struct fx *f = lazy_fx(4, 2, 0);
	DECLARE(f, DM_VA, PAGE, 512 * GiB, 0);
	enum ep_err e;
	struct ep_fault_diag d;
	struct fx_snap s = fx_snap(f);
	CHECK(!touch(f, DM_VA, SIM_R, &e, &d));
	CHECK(e != EP_OK);
	CHECK_EQ(d.reason, EP_FAULT_POOL);
	CHECK_EQ(d.cr2, DM_VA);
	CHECK_SAME(f, &s);
}

/*
 * docs/early_paging.md: the materializer builds the missing tables from
 * a small fixed pool. Faults must not consume the main pool, whose size was computed for
 * the eager mappings (ep_pool_frames_needed knows nothing of lazy regions)
 * and whose spare frames go back to ordinary memory at ep_finish.
 */
TEST(materializer_uses_only_the_lazy_pool)
{
	struct fx *f = lazy_fx(4, 6, 0);
	map_eager(f, kernel_eager, NK);
	struct region r[] = {
		{ V4_VA, V4_PA, V4_LEN, 0 },
		{ V2_VA, V2_PA, V2_LEN, EP_W },
		{ DM_VA, 0, DM_LEN, EP_W },
		{ V5_VA, V5_PA, V5_LEN, EP_W },
	};
	for (unsigned i = 0; i < 4; i++)
		DECLARE(f, r[i].va, r[i].pa, r[i].len, r[i].perms);
	uint64_t end = f->ctx.pool.end;
	run_touches(f, r, 4, 800, 9, 7, kernel_eager, NK);
	CHECKF(f->ctx.pool.end == end,
	       "lazy faults took %llu frames of the main pool (end 0x%llx -> 0x%llx)",
	       (unsigned long long)((f->ctx.pool.end - end) / PAGE),
	       (unsigned long long)end, (unsigned long long)f->ctx.pool.end);
}

/*
 * The usual order in a world: eager map, activate, ep_finish (spare main
 * frames released to ordinary RAM), then run with lazy regions. Faults must
 * still be served, and no released frame may become a table.
 */
TEST(lazy_faults_after_finish)
{
	struct fx *f = lazy_fx(4, 6, 0);
	map_eager(f, kernel_eager, NK);
	struct region r[] = {
		{ V4_VA, V4_PA, V4_LEN, 0 },
		{ V2_VA, V2_PA, V2_LEN, EP_W },
		{ DM_VA, 0, DM_LEN, EP_W },
		{ V5_VA, V5_PA, V5_LEN, EP_W },
	};
	for (unsigned i = 0; i < 4; i++)
		DECLARE(f, r[i].va, r[i].pa, r[i].len, r[i].perms);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	REQUIRE_EP(f, ep_finish(&f->ctx), EP_OK);
	uint64_t end = f->ctx.pool.end;
	run_touches(f, r, 4, 800, 10, 7, kernel_eager, NK);
	for (uint64_t pa = end; pa < f->ctx.pool.top; pa += PAGE) {
		int st = ep_frame_state(&f->ctx, pa);
		if (st != EP_FRAME_RELEASED) {
			th_fail(__FILE__, __LINE__,
				"released frame 0x%llx became %s after ep_finish",
				(unsigned long long)pa, ep_frame_state_name(st));
			break;
		}
	}
}

/*
 * Declaring a region takes from the main pool whatever it shares with the
 * rest of the address space (here: PDPT and PD around a 256 MiB region, and
 * the PT of its unaligned tail): a pool one frame short must refuse the
 * declaration and change nothing; an exact one must do.
 */
TEST(declare_takes_exactly_its_frames)
{
	struct fx_opts o = { .lazy_frames = 4, .pool_frames = 3 };
	struct fx *f = fx_new(&o);
	struct fx_snap s = fx_snap(f);
	enum ep_err e = ep_lazy_declare(&f->ctx, V2_VA, V2_PA, V2_LEN, EP_W);
	CHECKF(e == EP_ERR_POOL, "declare with 2 free frames: %s", fx_err_name(e));
	CHECK_SAME(f, &s);
	CHECK_EQ(f->ctx.nlazy, 0);

	o.pool_frames = 4;
	struct fx *g = fx_new(&o);
	DECLARE(g, V2_VA, V2_PA, V2_LEN, EP_W);
	CHECK_EQ(ep_pool_used(&g->ctx.pool), 4);
	struct region r = { V2_VA, V2_PA, V2_LEN, EP_W };
	run_touches(g, &r, 1, 300, 31, 7, NULL, 0);
	CHECK_EQ(ep_pool_used(&g->ctx.pool), 4);
	/* The tail page and the first page, through the full access matrix. */
	touch_and_check(g, &r, V2_VA + V2_LEN - PAGE, 7, 31);
	CHECK_MAPPED(g, V2_VA + V2_LEN - PAGE, V2_PA + V2_LEN - PAGE, PAGE, EP_W, 1);
	touch_and_check(g, &r, V2_VA, 7, 31);
	CHECK_MAPPED(g, V2_VA, V2_PA, PAGE, EP_W, 2);
}

/* Every entry the materializer writes or clears goes through the ops. */
TEST(lazy_writes_go_through_ops)
{
	struct fx_opts o = { .lazy_frames = 5, .shadow = true };
	struct fx *f = fx_new(&o);
	map_eager(f, kernel_eager, NK);
	struct region r[] = {
		{ V4_VA, V4_PA, V4_LEN, 0 },
		{ DM_VA, 0, DM_LEN, EP_W },
	};
	DECLARE(f, r[0].va, r[0].pa, r[0].len, r[0].perms);
	DECLARE(f, r[1].va, r[1].pa, r[1].len, r[1].perms);
	for (uint64_t seed = 40; seed < 48 && !th_failed(); seed++) {
		run_touches(f, r, 2, 100, seed, 7, kernel_eager, NK);
		CHECK_SHADOW(f);
	}
	CHECK(f->ctx.count.pool_resets > 0);
}

/* Regions for ep_lazy_complete: 4 + 2 lazy frames when completed whole. */
#define C_VA 0xffffc00000000000ULL /* 8 MiB, 4K leaves: 4 lazy PTs */
static const struct region complete_regions[] = {
	{ C_VA, 0x300000000ULL + PAGE, 8 * MiB, EP_W },
	{ 0xffff888000000000ULL, 0, TiB, EP_W },           /* 2 lazy PDPTs */
	{ V2_VA, V2_PA, V2_LEN, 0 },                        /* boundary tables only */
	{ DM_VA + 2 * TiB, 0, 64 * GiB, EP_W | EP_G },      /* boundary PDPT only */
};
#define NC (sizeof complete_regions / sizeof complete_regions[0])

static struct fx *complete_fx(unsigned lazy_frames)
{
	struct fx *f = lazy_fx(4, lazy_frames, 0);
	map_eager(f, kernel_eager, 2);
	for (unsigned i = 0; i < NC; i++)
		DECLARE(f, complete_regions[i].va, complete_regions[i].pa,
			complete_regions[i].len, complete_regions[i].perms);
	return f;
}

/* Every page (sampled) of every region present, as the materializer would
 * have built it. */
static void check_complete(struct fx *f)
{
	struct rng g = { 5 };
	fx_use_root(f);
	for (unsigned i = 0; i < NC && !th_failed(); i++) {
		const struct region *r = &complete_regions[i];
		for (unsigned k = 0; k < 600; k++) {
			uint64_t off = k < 2 ? k * (r->len - PAGE)
					     : rng_below(&g, r->len / PAGE) * PAGE;
			uint64_t va = r->va + off;
			struct sim_result p = sim_probe(f->sim, va);
			unsigned want = best_level(r, va, 7);
			if (p.kind != SIM_OK || p.pa != r->pa + off || p.level != want ||
			    p.perms != fx_expect_perms(f, r->perms)) {
				th_fail(__FILE__, __LINE__,
					"after ep_lazy_complete: va 0x%llx should be pa 0x%llx level %u, walker: %s pa 0x%llx level %u perms 0x%x",
					(unsigned long long)va, (unsigned long long)(r->pa + off),
					want, sim_kind_name(p.kind), (unsigned long long)p.pa,
					p.level, p.perms);
				return;
			}
		}
	}
	th_pass(); /* every sampled page completed as its region says */
}

TEST(lazy_complete_maps_every_page)
{
	struct fx *f = complete_fx(8);
	/* Some pages materialized first: they stay as they are. */
	run_touches(f, complete_regions, NC, 40, 51, 7, kernel_eager, 2);
	uint64_t served = f->ctx.count.faults_served;
	uint64_t written = f->ctx.count.entries_written, end = f->ctx.pool.end;
	REQUIRE_EP(f, ep_lazy_complete(&f->ctx), EP_OK);
	check_complete(f);
	check_eager(f, kernel_eager, 2);
	check_frames(f);
	CHECK_EQ(f->ctx.count.faults_served, served);
	CHECK(f->ctx.count.entries_written > written);
	CHECK_EQ(f->ctx.pool.end, end);
	/* Nothing faults any more. */
	struct rng g = { 52 };
	for (unsigned k = 0; k < 2000; k++) {
		const struct region *r = &complete_regions[rng_below(&g, NC)];
		uint64_t va = r->va + rng_below(&g, r->len / PAGE) * PAGE;
		struct sim_result x = sim_access(f->sim, va, SIM_R);
		if (x.kind != SIM_OK) {
			th_fail(__FILE__, __LINE__, "va 0x%llx faults after ep_lazy_complete",
				(unsigned long long)va);
			break;
		}
	}
	/* Completing again has nothing left to do. */
	written = f->ctx.count.entries_written;
	REQUIRE_EP(f, ep_lazy_complete(&f->ctx), EP_OK);
	CHECK_EQ(f->ctx.count.entries_written, written);
}

/* A lazy pool too small to hold the regions whole: EP_ERR_POOL, and the
 * tree still works: eager part intact, faults still served. */
TEST(lazy_complete_pool_too_small)
{
	struct fx *f = complete_fx(5);
	run_touches(f, complete_regions, NC, 40, 53, 7, kernel_eager, 2);
	EXPECT_EP(f, ep_lazy_complete(&f->ctx), EP_ERR_POOL);
	check_eager(f, kernel_eager, 2);
	check_frames(f);
	run_touches(f, complete_regions, NC, 500, 54, 7, kernel_eager, 2);
}

/*
 * early_paging.h: "on failure ... the tree is left exactly as it was
 * (checks and pool needs are computed before the first entry is written)".
 * A refused ep_lazy_complete must not have reset the lazy part or
 * completed some regions.
 */
TEST(lazy_complete_failure_changes_nothing)
{
	struct fx *f = complete_fx(5);
	run_touches(f, complete_regions, NC, 40, 55, 7, kernel_eager, 2);
	struct fx_snap s = fx_snap(f);
	uint64_t resets = f->ctx.count.pool_resets;
	EXPECT_EP(f, ep_lazy_complete(&f->ctx), EP_ERR_POOL);
	CHECK_EQ(f->ctx.count.pool_resets, resets);
	CHECK_SAME(f, &s);
}

TEST(eager_map_into_lazy_region_refused)
{
	struct fx *f = lazy_fx(4, 4, 0);
	DECLARE(f, V4_VA, V4_PA, V4_LEN, 0);
	struct fx_snap s = fx_snap(f);
	EXPECT_EP(f, ep_map(&f->ctx, V4_VA + MiB, 0, PAGE, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_map(&f->ctx, V4_VA - PAGE, 0, 2 * PAGE, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_map(&f->ctx, V4_VA + V4_LEN - PAGE, 0, 2 * PAGE, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_map(&f->ctx, V4_VA - GiB, 0, 3 * GiB, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_protect(&f->ctx, V4_VA, PAGE, EP_W), EP_ERR_LAZY);
	EXPECT_EP(f, ep_unmap(&f->ctx, V4_VA + V4_LEN - PAGE, 2 * PAGE), EP_ERR_LAZY);
	CHECK_SAME(f, &s);
	/* Right next to it is fine. */
	EXPECT_EP(f, ep_map(&f->ctx, V4_VA - PAGE, 0, PAGE, 0), EP_OK);
	EXPECT_EP(f, ep_map(&f->ctx, V4_VA + V4_LEN, 0, PAGE, 0), EP_OK);
}

TEST(bad_lazy_declarations_refused)
{
	struct fx *f = lazy_fx(4, 4, 0);
	struct ep_ctx *c = &f->ctx;
	DECLARE(f, V4_VA, V4_PA, V4_LEN, 0);
	EXPECT_EP(f, ep_lazy_declare(c, V4_VA + GiB - PAGE, 0, 2 * PAGE, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_lazy_declare(c, V4_VA - PAGE, 0, 2 * PAGE, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_lazy_declare(c, V4_VA + MiB, 0, PAGE, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_lazy_declare(c, V4_VA - GiB, 0, 4 * GiB, 0), EP_ERR_LAZY);
	EXPECT_EP(f, ep_lazy_declare(c, DM_VA + 1, 0, GiB, 0), EP_ERR_ALIGN);
	EXPECT_EP(f, ep_lazy_declare(c, DM_VA, 0, 0, 0), EP_ERR_RANGE);
	EXPECT_EP(f, ep_lazy_declare(c, 0x0000800000000000ULL, 0, GiB, 0), EP_ERR_RANGE);
	EXPECT_EP(f, ep_lazy_declare(c, DM_VA, 0, GiB, EP_W | EP_X), EP_ERR_WX);
	CHECK_EQ(c->nlazy, 1);
	/* Over an eager mapping: the region would not own its range. */
	MAP(f, 0x40000000, 0, PAGE, 0);
	enum ep_err e = ep_lazy_declare(c, 0x40000000 - GiB, 0, 2 * GiB, 0);
	CHECKF(e == EP_ERR_LAZY || e == EP_ERR_OVERLAP,
	       "lazy region over an eager mapping: got %s", fx_err_name(e));
	CHECK_EQ(c->nlazy, 1);
	/* Room for EP_MAX_LAZY regions, not more. */
	for (unsigned i = 1; i < EP_MAX_LAZY; i++)
		EXPECT_EP(f, ep_lazy_declare(c, DM_VA + i * TiB, 0, GiB, 0), EP_OK);
	CHECK(ep_lazy_declare(c, DM_VA + 100 * TiB, 0, GiB, 0) != EP_OK);
	CHECK_EQ(c->nlazy, EP_MAX_LAZY);
}

TEST(format_fault_output)
{
	struct fx *f = lazy_fx(4, 4, 0);
	map_eager(f, kernel_eager, NK);
	enum ep_err e;
	struct ep_fault_diag d;
	uint64_t va = V4_VA + 2 * GiB + 8 * MiB + 2 * PAGE;
	REQUIRE(!touch(f, va, SIM_W | SIM_U, &e, &d));
	char buf[2048], hex[32];
	int n = ep_format_fault(&d, buf, sizeof buf);
	CHECK_EQ(n, strlen(buf));
	CHECKF(fx_contains(buf, fx_hex(va, hex)), "no CR2 0x%s in: %s", hex, buf);
	CHECKF(fx_contains(buf, fx_hex(RIP, hex)), "no RIP 0x%s in: %s", hex, buf);
	CHECKF(fx_contains(buf, ep_fault_reason_name(d.reason)), "no reason in: %s", buf);
	CHECKF(fx_contains(buf, "write") && fx_contains(buf, "user") &&
		       fx_contains(buf, "not-present"),
	       "error code 0x%x not decoded (write, user, not-present) in: %s",
	       d.error_code, buf);
	REQUIRE(n > 0 && buf[n - 1] == '\n');
	/* Header lines, then one line per level walked naming table and entry. */
	unsigned lines = 0;
	for (int i = 0; i < n; i++)
		lines += buf[i] == '\n';
	REQUIRE_EQ(d.depth, 4);
	const char *p = buf;
	for (unsigned i = 0; i < lines - d.depth; i++)
		p = strchr(p, '\n') + 1;
	for (unsigned i = 0; i < d.depth; i++) {
		const char *end = strchr(p, '\n');
		char line[256];
		size_t len = (size_t)(end - p) < sizeof line - 1 ? (size_t)(end - p) : sizeof line - 1;
		memcpy(line, p, len);
		line[len] = 0;
		CHECKF(fx_contains(line, fx_hex(d.walk_table[i], hex)),
		       "walk line %u lacks table 0x%s: %s", i, hex, line);
		CHECKF(fx_contains(line, fx_hex(d.walk_entry[i], hex)),
		       "walk line %u lacks entry 0x%s: %s", i, hex, line);
		p = end + 1;
	}
	/* Other bits decoded too. */
	d.error_code = EP_PF_P | EP_PF_I | EP_PF_RSVD;
	ep_format_fault(&d, buf, sizeof buf);
	CHECKF(fx_contains(buf, "read") && fx_contains(buf, "supervisor") &&
		       fx_contains(buf, "fetch") && fx_contains(buf, "reserved") &&
		       fx_contains(buf, "protection"),
	       "error code 0x%x not decoded in: %s", d.error_code, buf);
	/* Truncation: NUL-terminated, never past the buffer. */
	char small[40];
	memset(small, 'x', sizeof small);
	int full = ep_format_fault(&d, small, sizeof small);
	CHECK_EQ(small[39], 0);
	CHECK(full >= 39);
}

/*
 * A fault taken while the CPU walks another tree (a world that switched
 * trees and left the old context served) must be reported, never fixed in
 * the materializer's tree, which the CPU would go on ignoring.
 */
TEST(fault_under_another_tree_is_reported)
{
	struct fx *f = lazy_fx(4, 4, 0);
	DECLARE(f, V4_VA, V4_PA, V4_LEN, EP_W);
	uint64_t other = 0x5000000;
	sim_set_root(f->sim, other);
	struct fx_snap before = fx_snap(f);
	struct ep_fault_diag d;
	enum ep_err e = ep_lazy_fault(&f->ctx, V4_VA, RIP, 0, &d);
	CHECK_EQ(e, EP_ERR_FAULT);
	CHECK_EQ(d.reason, EP_FAULT_OTHER_TREE);
	CHECK_EQ(d.root, f->ctx.root);
	CHECK_EQ(d.live_root, other);
	CHECK_SAME(f, &before);
	CHECK_EQ(f->ctx.count.faults_served, 0);
	char line[256], hex[32];
	ep_format_fault_line(&d, line, sizeof line);
	CHECKF(fx_contains(line, fx_hex(other, hex)) &&
		       fx_contains(line, fx_hex(f->ctx.root, hex)) &&
		       fx_contains(line, fx_hex(V4_VA, hex)),
	       "line lacks cr2 or a root: %s", line);
	char buf[2048];
	ep_format_fault(&d, buf, sizeof buf);
	CHECKF(fx_contains(buf, fx_hex(other, hex)), "no cpu root in: %s", buf);

	/* CR3's flag bits (PWT, PCD) are no other tree. */
	sim_set_root(f->sim, f->ctx.root | EP_PTE_PWT | EP_PTE_PCD);
	CHECK_EQ(ep_lazy_fault(&f->ctx, V4_VA, RIP, 0, &d), EP_OK);
	CHECK_EQ(d.reason, EP_FAULT_SERVED);
}

/*
 * A page that keeps faulting although the tree allows the access (the CPU
 * and the tree disagree): answered EP_LAZY_MAX_REPEATS times, then
 * reported with the address, the root and the count, not retried forever.
 */
TEST(repeated_fault_without_progress_is_bounded)
{
	struct fx *f = lazy_fx(4, 4, 0);
	DECLARE(f, V4_VA, V4_PA, V4_LEN, EP_W);
	uint64_t va = V4_VA + 5 * PAGE + 8;
	struct ep_fault_diag d;
	for (unsigned i = 1; i <= EP_LAZY_MAX_REPEATS; i++) {
		REQUIRE_EQ(ep_lazy_fault(&f->ctx, va, RIP, EP_PF_W, &d), EP_OK);
		CHECK_EQ(d.repeats, i);
	}
	CHECK_EQ(f->ctx.count.faults_served, 1);
	CHECK_EQ(ep_lazy_fault(&f->ctx, va - 8, RIP, EP_PF_W, &d), EP_ERR_FAULT);
	CHECK_EQ(d.reason, EP_FAULT_NO_PROGRESS);
	CHECK_EQ(d.repeats, EP_LAZY_MAX_REPEATS + 1);
	CHECK_EQ(d.root, f->ctx.root);
	char line[256], hex[32], want[32];
	ep_format_fault_line(&d, line, sizeof line);
	snprintf(want, sizeof want, "%u faults in a row", EP_LAZY_MAX_REPEATS + 1);
	CHECKF(fx_contains(line, want) && fx_contains(line, fx_hex(f->ctx.root, hex)) &&
		       fx_contains(line, fx_hex(va - 8, hex)),
	       "line lacks the count, the root or cr2: %s", line);

	/* Faults elsewhere in between are progress: the count starts again. */
	struct fx *g = lazy_fx(4, 4, 0);
	DECLARE(g, V4_VA, V4_PA, V4_LEN, EP_W);
	for (unsigned i = 0; i < 3 * EP_LAZY_MAX_REPEATS; i++) {
		uint64_t at = V4_VA + (i % 2) * 4 * MiB;
		REQUIRE_EQ(ep_lazy_fault(&g->ctx, at, RIP, 0, &d), EP_OK);
		CHECK_EQ(d.repeats, 1);
	}
}

/* Resetting removes translations of a live tree: the TLB must be flushed. */
TEST(reset_of_live_tree_flushes_tlb)
{
	struct fx *f = lazy_fx(4, 4, 0);
	map_eager(f, kernel_eager, 2);
	DECLARE(f, DM_VA, 0, DM_LEN, EP_W);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	f->sim->tlb_on = true;
	unsigned long before = f->sim->cr3_writes + f->sim->flushes;
	struct region dm = { DM_VA, 0, DM_LEN, EP_W };
	run_touches(f, &dm, 1, 200, 77, 7, kernel_eager, 2);
	uint64_t resets = f->ctx.count.pool_resets;
	REQUIRE(resets > 0);
	CHECKF(f->sim->cr3_writes + f->sim->flushes - before >= resets,
	       "%llu resets of a live tree, %lu CR3 reloads/flushes",
	       (unsigned long long)resets, f->sim->cr3_writes + f->sim->flushes - before);
}

int main(void)
{
	RUN(direct_map_1g_leaves_with_resets);
	RUN(small_leaf_regions_with_resets);
	RUN(leaf_mask_4k_regions);
	RUN(lazy_region_sharing_an_eager_table);
	RUN(eager_map_after_lazy_faults);
	RUN(lazy_5_level);
	RUN(counters_of_the_materializer);
	RUN(fault_outside_every_region);
	RUN(protection_faults_are_diagnosed);
	RUN(reserved_bit_fault);
	RUN(lazy_pool_too_small_for_one_fault);
	RUN(materializer_uses_only_the_lazy_pool);
	RUN(lazy_faults_after_finish);
	RUN(declare_takes_exactly_its_frames);
	RUN(lazy_writes_go_through_ops);
	RUN(lazy_complete_maps_every_page);
	RUN(lazy_complete_pool_too_small);
	RUN(lazy_complete_failure_changes_nothing);
	RUN(eager_map_into_lazy_region_refused);
	RUN(bad_lazy_declarations_refused);
	RUN(format_fault_output);
	RUN(fault_under_another_tree_is_reported);
	RUN(repeated_fault_without_progress_is_bounded);
	RUN(reset_of_live_tree_flushes_tlb);
	return th_done();
}
