/*
 * ep_pool_frames_needed: the answer must be exactly the frames used when
 * the same requests are mapped on an empty tree with a pool of that size
 * (and one frame fewer must not do), including the self-mapping fixed point.
 */
#include "ep_fixture.h"

struct sizing {
	const struct ep_range_req *reqs;
	size_t n;
	unsigned levels, mask;
	bool self;
	uint64_t self_va, self_pa;
};

/* Map everything into a fresh pool of `frames`; first error, or EP_OK. */
static enum ep_err map_all(const struct sizing *s, uint64_t frames, struct fx **out)
{
	struct fx_opts o = {
		.levels = s->levels,
		.leaf_mask = s->mask,
		.pool_frames = frames,
		.pool_pa = s->self ? s->self_pa : 0,
	};
	struct fx *f = fx_new(&o);
	*out = f;
	for (size_t i = 0; i < s->n; i++) {
		enum ep_err e = ep_map(&f->ctx, s->reqs[i].va, s->reqs[i].pa, s->reqs[i].len, 0);
		if (e != EP_OK)
			return e;
	}
	if (s->self)
		return ep_map(&f->ctx, s->self_va, s->self_pa, frames * PAGE, EP_W);
	return EP_OK;
}

#define CHECK_SIZING(s, seed) check_sizing(__LINE__, (s), (seed))
static void check_sizing(int line, const struct sizing *s, uint64_t seed)
{
	uint64_t need = ep_pool_frames_needed(s->reqs, s->n, s->levels, s->mask, s->self,
					      s->self_va, s->self_pa);
	if (need == 0) {
		th_fail(__FILE__, line, "seed %llu: ep_pool_frames_needed returned 0",
			(unsigned long long)seed);
		th_abort();
	}
	struct fx *f;
	enum ep_err e = map_all(s, need, &f);
	if (e != EP_OK) {
		th_fail(__FILE__, line,
			"seed %llu: sized %llu frames, mapping the requests failed: %s (%s)",
			(unsigned long long)seed, (unsigned long long)need, fx_err_name(e),
			fx_errline(f));
		th_abort();
	}
	if (ep_pool_used(&f->ctx.pool) != need) {
		th_fail(__FILE__, line, "seed %llu: sized %llu frames, mapping used %llu",
			(unsigned long long)seed, (unsigned long long)need,
			(unsigned long long)ep_pool_used(&f->ctx.pool));
		th_abort();
	}
	th_pass(); /* need frames were enough, and every one was used */
	/* One fewer frame must not be enough (the answer is the least). */
	if (need > 1) {
		e = map_all(s, need - 1, &f);
		if (e != EP_ERR_POOL)
			th_fail(__FILE__, line,
				"seed %llu: sized %llu frames, but %llu frames gave %s",
				(unsigned long long)seed, (unsigned long long)need,
				(unsigned long long)(need - 1), fx_err_name(e));
		else
			th_pass();
	}
}

#define ALL (EP_LEAF_4K | EP_LEAF_2M | EP_LEAF_1G)

TEST(sizing_single_ranges)
{
	struct ep_range_req r4k = { 0x1000, 0x1000, PAGE };
	struct sizing s = { &r4k, 1, 4, ALL, false, 0, 0 };
	CHECK_EQ(ep_pool_frames_needed(&r4k, 1, 4, ALL, false, 0, 0), 4);
	CHECK_EQ(ep_pool_frames_needed(&r4k, 1, 5, ALL, false, 0, 0), 5);
	CHECK_SIZING(&s, 0);
	struct ep_range_req r2m = { 0x40000000, 0x200000, 6 * MiB };
	s.reqs = &r2m;
	CHECK_EQ(ep_pool_frames_needed(&r2m, 1, 4, ALL, false, 0, 0), 3);
	CHECK_SIZING(&s, 0);
	struct ep_range_req r1g = { 0xffff888000000000ULL, 0, 64 * GiB };
	s.reqs = &r1g;
	CHECK_EQ(ep_pool_frames_needed(&r1g, 1, 4, ALL, false, 0, 0), 2);
	CHECK_SIZING(&s, 0);
}

TEST(sizing_mixed_alignment)
{
	struct ep_range_req r = { GiB - 2 * MiB - 2 * PAGE, 5 * GiB - 2 * MiB - 2 * PAGE,
				  2 * PAGE + 2 * MiB + GiB + 2 * MiB + 3 * PAGE };
	struct sizing s = { &r, 1, 4, ALL, false, 0, 0 };
	/* root, PDPT, 2 PDs, 2 PTs */
	CHECK_EQ(ep_pool_frames_needed(&r, 1, 4, ALL, false, 0, 0), 6);
	CHECK_SIZING(&s, 0);
	/* pa only 2M-congruent: 2M leaves in place of the 1G one. */
	r.pa = r.va + 2 * MiB;
	CHECK_SIZING(&s, 0);
	/* pa 4K-congruent only: all 4K. */
	r.pa = r.va + PAGE;
	CHECK_SIZING(&s, 0);
}

TEST(sizing_4k_only)
{
	struct ep_range_req r = { GiB, GiB, GiB };
	struct sizing s = { &r, 1, 4, EP_LEAF_4K, false, 0, 0 };
	/* root, PDPT, PD, 512 PTs */
	CHECK_EQ(ep_pool_frames_needed(&r, 1, 4, EP_LEAF_4K, false, 0, 0), 515);
	CHECK_SIZING(&s, 0);
	s.mask = EP_LEAF_4K | EP_LEAF_2M;
	CHECK_EQ(ep_pool_frames_needed(&r, 1, 4, s.mask, false, 0, 0), 3);
	CHECK_SIZING(&s, 0);
}

/* Requests sharing tables count them once. */
TEST(sizing_shared_tables)
{
	struct ep_range_req r[] = {
		{ 0x1000, 0x1000, 4 * PAGE },
		{ 0x10000, 0x10000, 4 * PAGE },  /* same PT */
		{ 0x400000, 0x400000, 2 * MiB }, /* same PD, 2M leaf */
		{ 0x600000 + PAGE, 0, PAGE },    /* same PD, new PT */
		{ 0x40000000, 0, PAGE },         /* same PDPT, new PD and PT */
		{ 0xffffffff80000000ULL, 0x1000000, 8 * MiB },
		{ 0xffffffff80800000ULL, 0x1800000, 3 * PAGE },
	};
	struct sizing s = { r, 7, 4, ALL, false, 0, 0 };
	CHECK_SIZING(&s, 0);
	s.levels = 5;
	CHECK_SIZING(&s, 0);
	s.mask = EP_LEAF_4K;
	CHECK_SIZING(&s, 0);
}

/* The pool maps itself: its length depends on the answer. */
TEST(sizing_self_map_fixed_point)
{
	struct ep_range_req r[] = {
		{ 0xffffffff80000000ULL, 0x1000000, 600 * MiB }, /* 300 PTs with 4K */
		{ 0x1000, 0x1000, 8 * MiB },
	};
	struct sizing s = { r, 2, 4, EP_LEAF_4K, true, 0xffffc90000000000ULL, 0x40000000 };
	uint64_t plain = ep_pool_frames_needed(r, 2, 4, EP_LEAF_4K, false, 0, 0);
	uint64_t self = ep_pool_frames_needed(r, 2, 4, EP_LEAF_4K, true, s.self_va, s.self_pa);
	/* The self map of ~310 frames needs its own PDPT, PD and one PT. */
	CHECK_EQ(self, plain + 3);
	CHECK_SIZING(&s, 0);
	/* A pool just over 512 frames needs a second PT for itself. */
	struct ep_range_req big = { 0x40000000, 0x40000000, 1014 * MiB };
	s.reqs = &big;
	s.n = 1;
	CHECK_SIZING(&s, 0);
	/* The self map sharing the requests' tables. */
	s.self_va = 0x40000000 + 1014 * MiB;
	CHECK_SIZING(&s, 0);
	/* With large leaves allowed and a 2M-aligned pool. */
	s.mask = ALL;
	s.reqs = r;
	s.n = 2;
	s.self_pa = 0x80000000ULL;
	s.self_va = 0xffffc90000000000ULL;
	CHECK_SIZING(&s, 0);
}

/* Requests ending exactly at 2^64 (their end wraps to 0 in 64 bits). */
TEST(sizing_range_ending_at_top)
{
	struct ep_range_req r = { 0xffffffff80000000ULL, 0x40000000, 2 * GiB };
	struct sizing s = { &r, 1, 4, ALL, false, 0, 0 };
	CHECK_EQ(ep_pool_frames_needed(&r, 1, 4, ALL, false, 0, 0), 2);
	CHECK_SIZING(&s, 0);
	r = (struct ep_range_req){ 0xffffffffffe00000ULL - 4 * MiB, 0x1000000, 6 * MiB };
	CHECK_SIZING(&s, 0);
	s.mask = EP_LEAF_4K;
	CHECK_SIZING(&s, 0);
	r = (struct ep_range_req){ 0xfffffffffffff000ULL, 0x5000, PAGE };
	s.levels = 5;
	CHECK_SIZING(&s, 0);
}

TEST(sizing_too_many_requests)
{
	static struct ep_range_req r[EP_SIZING_MAX_REQS + 1];
	for (unsigned i = 0; i <= EP_SIZING_MAX_REQS; i++)
		r[i] = (struct ep_range_req){ (uint64_t)i * 2 * PAGE, 0, PAGE };
	CHECK_EQ(ep_pool_frames_needed(r, EP_SIZING_MAX_REQS + 1, 4, ALL, false, 0, 0), 0);
	CHECK(ep_pool_frames_needed(r, EP_SIZING_MAX_REQS, 4, ALL, false, 0, 0) > 0);
}

/* Random request sets: non-overlapping, mixed alignment, several slots. */
static size_t random_reqs(struct rng *g, struct ep_range_req *r, size_t max, unsigned mask)
{
	size_t n = 1 + rng_below(g, max);
	uint64_t va = rng_below(g, 4) * 512 * GiB + rng_below(g, 1024) * 2 * MiB;
	if (rng_below(g, 2))
		va |= 0xffff800000000000ULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t len;
		switch (rng_below(g, 4)) {
		case 0: len = (1 + rng_below(g, 600)) * PAGE; break;
		case 1: len = (1 + rng_below(g, 40)) * 2 * MiB; break;
		case 2: len = (1 + rng_below(g, 20)) * 2 * MiB + rng_below(g, 512) * PAGE; break;
		default:
			len = mask & EP_LEAF_1G ? (1 + rng_below(g, 3)) * GiB + rng_below(g, 3) * 2 * MiB
						: (1 + rng_below(g, 60)) * PAGE;
			break;
		}
		uint64_t gran = rng_below(g, 3) == 0 ? PAGE : rng_below(g, 2) ? 2 * MiB : GiB;
		uint64_t pa = (rng_below(g, 64) * GiB) + (va & (gran - 1));
		if (rng_below(g, 4) == 0)
			pa += PAGE;
		r[i] = (struct ep_range_req){ va, pa, len };
		va += len + rng_below(g, 3) * rng_below(g, 2048) * PAGE;
		if (!ep_canonical(va + 8 * GiB, 4))
			return i + 1;
	}
	return n;
}

TEST(sizing_random_sets)
{
	static const unsigned masks[] = { ALL, EP_LEAF_4K | EP_LEAF_2M, EP_LEAF_4K };
	for (uint64_t seed = 1; seed <= 24 && !th_failed(); seed++) {
		struct rng g = { seed * 7919 };
		struct ep_range_req r[12];
		unsigned mask = masks[seed % 3];
		size_t n = random_reqs(&g, r, 12, mask);
		struct sizing s = { r, n, seed % 4 == 0 ? 5 : 4, mask, false, 0, 0 };
		if (seed % 2) {
			s.self = true;
			s.self_va = 0xffffc90000000000ULL + rng_below(&g, 4096) * PAGE;
			s.self_pa = 0x100000000ULL + rng_below(&g, 1024) * PAGE;
		}
		CHECK_SIZING(&s, seed);
	}
}

int main(void)
{
	RUN(sizing_single_ranges);
	RUN(sizing_mixed_alignment);
	RUN(sizing_4k_only);
	RUN(sizing_shared_tables);
	RUN(sizing_self_map_fixed_point);
	RUN(sizing_range_ending_at_top);
	RUN(sizing_too_many_requests);
	RUN(sizing_random_sets);
	return th_done();
}
