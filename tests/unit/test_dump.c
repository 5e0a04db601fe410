/*
 * ep_dump: the exact lines tools/ptdump-view reads back from a boot log.
 *
 * The format pinned here is the one common/paging/ep_dump.c prints and
 * tools/ptdump-view parses:
 *   ptdump: begin root=0x%016x levels=N
 *   ptdump: 0x%016x-0x%016x pa=0x%016x SIZE leaf=4K|2M|1G RW|ro x|NX US|ks G|- WB|UC
 *   ptdump: end ranges=N
 * VA_END is exclusive (a range reaching 2^64 prints 0x0000000000000000),
 * SIZE uses the largest of K/M/G/T that divides it. Ranges merge when
 * contiguous in va and pa with the same leaf size and permissions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)

struct lines {
	char v[256][200];
	size_t n;
};

static void out(void *arg, const char *line)
{
	struct lines *l = arg;
	if (l->n < 256)
		snprintf(l->v[l->n], sizeof l->v[0], "%s", line);
	l->n++;
}

static struct lines *dump(struct fx *f)
{
	struct lines *l = th_alloc(sizeof *l);
	ep_dump(&f->ctx, out, l);
	return l;
}

/* Two checks: the number of lines, then every line (the first that differs). */
static void expect_lines(struct lines *l, const char *const *want, size_t n)
{
	CHECKF(l->n == n, "dump has %zu lines, expected %zu; first: \"%s\"",
	       l->n, n, l->n ? l->v[0] : "");
	for (size_t i = 0; i < n && i < l->n; i++)
		if (strcmp(l->v[i], want[i]) != 0) {
			th_fail(__FILE__, __LINE__, "dump line %zu:\n got \"%s\"\nwant \"%s\"", i,
				l->v[i], want[i]);
			return;
		}
	th_pass();
}

TEST(dump_empty_tree)
{
	struct fx *f = fx_new(NULL);
	static const char *const want[] = {
		"ptdump: begin root=0x0000000001000000 levels=4",
		"ptdump: end ranges=0",
	};
	expect_lines(dump(f), want, 2);
}

TEST(dump_small_tree_exact)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x1000, 0x1000, 3 * PAGE, EP_W);
	MAP(f, 0x200000, 0x4200000, 4 * MiB, EP_X);
	MAP(f, 0x40000000, 0x40000000, GiB, EP_U | EP_W);
	MAP(f, 0xffffc90000000000ULL, 0xfee00000ULL, PAGE, EP_NOCACHE | EP_W);
	MAP(f, 0xffffffff80000000ULL, 0x1000000, 2 * MiB, EP_X | EP_G);
	static const char *const want[] = {
		"ptdump: begin root=0x0000000001000000 levels=4",
		"ptdump: 0x0000000000001000-0x0000000000004000 pa=0x0000000000001000 12K leaf=4K RW NX ks - WB",
		"ptdump: 0x0000000000200000-0x0000000000600000 pa=0x0000000004200000 4M leaf=2M ro x ks - WB",
		"ptdump: 0x0000000040000000-0x0000000080000000 pa=0x0000000040000000 1G leaf=1G RW NX US - WB",
		"ptdump: 0xffffc90000000000-0xffffc90000001000 pa=0x00000000fee00000 4K leaf=4K RW NX ks - UC",
		"ptdump: 0xffffffff80000000-0xffffffff80200000 pa=0x0000000001000000 2M leaf=2M ro x ks G WB",
		"ptdump: end ranges=5",
	};
	expect_lines(dump(f), want, 7);
}

/* Merging stops at a pa gap, a perms change and a leaf-size change. */
TEST(dump_merging_rules)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x1000, 0x11000, 2 * PAGE, 0);
	MAP(f, 0x3000, 0x13000, 2 * PAGE, 0);        /* contiguous: merges */
	MAP(f, 0x5000, 0x25000, PAGE, 0);            /* pa gap */
	MAP(f, 0x6000, 0x26000, PAGE, EP_W);         /* perms differ */
	MAP(f, 0x7000, 0x27000, PAGE, EP_G | EP_W);  /* G differs */
	MAP(f, 0x400000, 0x800000, 2 * MiB + 2 * PAGE, EP_W); /* 2M then 4K */
	MAP(f, 3 * GiB, 3 * GiB, 3 * GiB, 0);       /* three 1G leaves: one range */
	static const char *const want[] = {
		"ptdump: begin root=0x0000000001000000 levels=4",
		"ptdump: 0x0000000000001000-0x0000000000005000 pa=0x0000000000011000 16K leaf=4K ro NX ks - WB",
		"ptdump: 0x0000000000005000-0x0000000000006000 pa=0x0000000000025000 4K leaf=4K ro NX ks - WB",
		"ptdump: 0x0000000000006000-0x0000000000007000 pa=0x0000000000026000 4K leaf=4K RW NX ks - WB",
		"ptdump: 0x0000000000007000-0x0000000000008000 pa=0x0000000000027000 4K leaf=4K RW NX ks G WB",
		"ptdump: 0x0000000000400000-0x0000000000600000 pa=0x0000000000800000 2M leaf=2M RW NX ks - WB",
		"ptdump: 0x0000000000600000-0x0000000000602000 pa=0x0000000000a00000 8K leaf=4K RW NX ks - WB",
		"ptdump: 0x00000000c0000000-0x0000000180000000 pa=0x00000000c0000000 3G leaf=1G ro NX ks - WB",
		"ptdump: end ranges=7",
	};
	expect_lines(dump(f), want, 9);
}

/* Sizes use the largest unit that divides them; 512 GiB is 512G, 1 TiB 1T. */
TEST(dump_size_spelling)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x600000, 0x600000, 384 * PAGE, 0);        /* 1536K */
	MAP(f, 0x1000000, 0x1000000, 6 * MiB, 0);         /* 6M */
	MAP(f, 0xffff888000000000ULL, 0, TiB, EP_W);      /* 1T */
	struct lines *l = dump(f);
	REQUIRE_EQ(l->n, 5);
	CHECKF(strstr(l->v[1], " 1536K leaf=4K ") != NULL, "%s", l->v[1]);
	CHECKF(strstr(l->v[2], " 6M leaf=2M ") != NULL, "%s", l->v[2]);
	CHECKF(strstr(l->v[3], " 1T leaf=1G ") != NULL, "%s", l->v[3]);
}

TEST(dump_top_of_address_space_and_5_level)
{
	struct fx_opts o = { .levels = 5 };
	struct fx *f = fx_new(&o);
	MAP(f, 0xfffffffffffff000ULL, 0x5000, PAGE, EP_W);
	MAP(f, 0x00f0000000000000ULL, 0x40000000, GiB, 0);
	static const char *const want[] = {
		"ptdump: begin root=0x0000000001000000 levels=5",
		"ptdump: 0x00f0000000000000-0x00f0000040000000 pa=0x0000000040000000 1G leaf=1G ro NX ks - WB",
		"ptdump: 0xfffffffffffff000-0x0000000000000000 pa=0x0000000000005000 4K leaf=4K RW NX ks - WB",
		"ptdump: end ranges=2",
	};
	expect_lines(dump(f), want, 4);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);
	switch (*end) {
	case 'K': return v << 10;
	case 'M': return v << 20;
	case 'G': return v << 30;
	case 'T': return v << 40;
	}
	return 0;
}

/* On a random tree every line agrees with the walker: the range translates
 * to pa.. with those perms, and lines cover exactly the mapped pages. */
TEST(dump_agrees_with_walker)
{
	struct fx *f = fx_new(&(struct fx_opts){ .pool_frames = 1024 });
	struct rng g = { 99 };
	uint64_t mapped = 0;
	for (int i = 0; i < 60; i++) {
		uint64_t va = 0x40000000 + rng_below(&g, 1024) * 2 * MiB + rng_below(&g, 4) * PAGE;
		uint64_t len = (1 + rng_below(&g, 3)) * (rng_below(&g, 2) ? PAGE : 2 * MiB);
		unsigned perms = (unsigned)rng_below(&g, 32);
		if ((perms & EP_W) && (perms & EP_X))
			perms &= ~(unsigned)EP_X;
		if (ep_map(&f->ctx, va, va + rng_below(&g, 2) * 2 * MiB, len, perms) == EP_OK)
			mapped += len;
	}
	struct lines *l = dump(f);
	REQUIRE(l->n >= 3 && l->n <= 256);
	uint64_t total = 0, prev_end = 0;
	for (size_t i = 1; i + 1 < l->n; i++) {
		unsigned long long vs, ve, pa;
		char size[16], leaf[8], w[4], x[4], u[4], gl[4], cache[4];
		int k = sscanf(l->v[i], "ptdump: 0x%llx-0x%llx pa=0x%llx %15s leaf=%7s %3s %3s %3s %3s %3s",
			       &vs, &ve, &pa, size, leaf, w, x, u, gl, cache);
		REQUIRE_EQ(k, 10);
		CHECK_EQ(parse_size(size), ve - vs);
		CHECK(vs >= prev_end);
		prev_end = ve;
		total += ve - vs;
		unsigned perms = (!strcmp(w, "RW") ? EP_W : 0) | (!strcmp(x, "x") ? EP_X : 0) |
				 (!strcmp(u, "US") ? EP_U : 0) | (!strcmp(gl, "G") ? EP_G : 0) |
				 (!strcmp(cache, "UC") ? EP_NOCACHE : 0);
		unsigned level = !strcmp(leaf, "4K") ? 1 : !strcmp(leaf, "2M") ? 2 : 3;
		if (!CHECK_MAPPED(f, vs, pa, ve - vs, perms, level))
			break;
	}
	CHECK_EQ(total, mapped);
	char want_end[64];
	snprintf(want_end, sizeof want_end, "ptdump: end ranges=%zu", l->n - 2);
	CHECK_STR(l->v[l->n - 1], want_end);
}

int main(void)
{
	RUN(dump_empty_tree);
	RUN(dump_small_tree_exact);
	RUN(dump_merging_rules);
	RUN(dump_size_spelling);
	RUN(dump_top_of_address_space_and_5_level);
	RUN(dump_agrees_with_walker);
	return th_done();
}
