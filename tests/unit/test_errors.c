/*
 * Refused requests: the right error code, ep_last_error naming what was at
 * fault, and the tree (every pool byte, every frame state) left exactly as
 * it was.
 */
#include <string.h>

#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)

/* A tree with a bit of everything, to compare before and after. */
static struct fx *populated(const struct fx_opts *o)
{
	struct fx *f = fx_new(o);
	MAP(f, 0x200000, 0x200000, 2 * MiB, EP_X);
	MAP(f, 0x600000, 0x900000, 5 * PAGE, EP_W);
	MAP(f, GiB, GiB, GiB, EP_W);
	MAP(f, 0xffffffff80000000ULL, 0x1000000, 4 * MiB + PAGE, EP_X | EP_G);
	return f;
}

/* call must fail with want and change nothing. */
#define REFUSED(f, call, want)                          \
	do {                                            \
		struct fx_snap s_ = fx_snap(f);         \
		EXPECT_EP(f, call, want);               \
		CHECK_EQ(ep_last_error(&(f)->ctx)->code, want); \
		CHECK_SAME(f, &s_);                     \
	} while (0)

TEST(unaligned_is_align_error)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	REFUSED(f, ep_map(c, 0x800001, 0x800000, PAGE, 0), EP_ERR_ALIGN);
	REFUSED(f, ep_map(c, 0x800000, 0x800800, PAGE, 0), EP_ERR_ALIGN);
	REFUSED(f, ep_map(c, 0x800000, 0x800000, PAGE + 8, 0), EP_ERR_ALIGN);
	REFUSED(f, ep_map(c, 0x800000, 0x800000, 100, 0), EP_ERR_ALIGN);
	REFUSED(f, ep_protect(c, 0x600010, PAGE, 0), EP_ERR_ALIGN);
	REFUSED(f, ep_protect(c, 0x600000, PAGE - 1, 0), EP_ERR_ALIGN);
	REFUSED(f, ep_unmap(c, 0x600000 + 0x800, PAGE), EP_ERR_ALIGN);
	REFUSED(f, ep_unmap(c, 0x600000, 3 * PAGE / 2), EP_ERR_ALIGN);
}

TEST(empty_range_is_range_error)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	REFUSED(f, ep_map(c, 0x800000, 0x800000, 0, 0), EP_ERR_RANGE);
	REFUSED(f, ep_protect(c, 0x600000, 0, 0), EP_ERR_RANGE);
	REFUSED(f, ep_unmap(c, 0x600000, 0), EP_ERR_RANGE);
}

TEST(non_canonical_is_range_error)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	/* Start in the hole, end in the hole, span the hole. */
	REFUSED(f, ep_map(c, 0x0000800000000000ULL, 0, PAGE, 0), EP_ERR_RANGE);
	REFUSED(f, ep_map(c, 0xffff7ffffffff000ULL, 0, PAGE, 0), EP_ERR_RANGE);
	REFUSED(f, ep_map(c, 0x00007ffffffff000ULL, 0, 2 * PAGE, 0), EP_ERR_RANGE);
	REFUSED(f, ep_map(c, 0x00007ffffffff000ULL, 0, 0xffff000000002000ULL, 0),
		EP_ERR_RANGE);
	REFUSED(f, ep_unmap(c, 0x0000900000000000ULL, PAGE), EP_ERR_RANGE);
	REFUSED(f, ep_protect(c, 0x0000900000000000ULL, PAGE, 0), EP_ERR_RANGE);

	/* 5-level: the hole moves to bit 56. */
	struct fx_opts o = { .levels = 5 };
	struct fx *g = fx_new(&o);
	REFUSED(g, ep_map(&g->ctx, 0x0100000000000000ULL, 0, PAGE, 0), EP_ERR_RANGE);
	REFUSED(g, ep_map(&g->ctx, 0x00fffffffffff000ULL, 0, 2 * PAGE, 0), EP_ERR_RANGE);
	EXPECT_EP(g, ep_map(&g->ctx, 0x0000800000000000ULL, 0, PAGE, 0), EP_OK);
}

TEST(wrapping_is_range_error)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	REFUSED(f, ep_map(c, 0xfffffffffffff000ULL, 0, 2 * PAGE, 0), EP_ERR_RANGE);
	REFUSED(f, ep_map(c, 0xffffffffffe00000ULL, 0, 0xfffffffffffff000ULL, 0),
		EP_ERR_RANGE);
	REFUSED(f, ep_unmap(c, 0xfffffffffffff000ULL, 0x2000), EP_ERR_RANGE);
	/* pa wrapping: pa + len beyond 2^64. */
	REFUSED(f, ep_map(c, 0x800000, 0xfffffffffffff000ULL, 2 * PAGE, 0), EP_ERR_RANGE);
}

TEST(pa_beyond_52_bits_is_range_error)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	REFUSED(f, ep_map(c, 0x800000, 1ULL << 52, PAGE, 0), EP_ERR_RANGE);
	REFUSED(f, ep_map(c, 0x800000, (1ULL << 52) - PAGE, 2 * PAGE, 0), EP_ERR_RANGE);
	/* The last frame below 2^52 is fine. */
	EXPECT_EP(f, ep_map(c, 0x800000, (1ULL << 52) - PAGE, PAGE, 0), EP_OK);
	CHECK_MAPPED(f, 0x800000, (1ULL << 52) - PAGE, PAGE, 0, 1);
}

TEST(writable_and_executable_refused)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	REFUSED(f, ep_map(c, 0x800000, 0x800000, PAGE, EP_W | EP_X), EP_ERR_WX);
	REFUSED(f, ep_map(c, 0x800000, 0x800000, 2 * MiB, EP_W | EP_X | EP_U), EP_ERR_WX);
	REFUSED(f, ep_protect(c, 0x200000, PAGE, EP_W | EP_X), EP_ERR_WX);
	REFUSED(f, ep_protect(c, GiB, GiB, EP_W | EP_X), EP_ERR_WX);
}

/* The one way to W+X: a boot protocol's range, asked for by name. */
TEST(writable_and_executable_by_protocol_only)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	unsigned wx = EP_W | EP_X | EP_WX_BY_PROTOCOL;
	EXPECT_EP(f, ep_map(c, 0x800000, 0x800000, 2 * MiB, wx), EP_OK);
	CHECK_MAPPED(f, 0x800000, 0x800000, 2 * MiB, EP_W | EP_X, 2);
	/* The flag alone grants nothing: read-only, not executable. */
	EXPECT_EP(f, ep_map(c, 0xc00000, 0xc00000, PAGE, EP_WX_BY_PROTOCOL), EP_OK);
	CHECK_MAPPED(f, 0xc00000, 0xc00000, PAGE, 0, 1);
}

/* A lazy region is checked as a mapping is: unknown permission bits too. */
TEST(lazy_declare_checks_like_map)
{
	struct fx_opts o = { .lazy_frames = 16 };
	struct fx *f = populated(&o);
	struct ep_ctx *c = &f->ctx;
	uint64_t va = 0xffff888000000000ULL;
	REFUSED(f, ep_lazy_declare(c, va, 0, GiB, EP_W | (1u << 30)), EP_ERR_CONFIG);
	REFUSED(f, ep_lazy_declare(c, va, 0, GiB, EP_W | EP_X), EP_ERR_WX);
	REFUSED(f, ep_lazy_declare(c, va, 0, GiB, EP_W | EP_X | EP_WX_BY_PROTOCOL), EP_ERR_WX);
	REFUSED(f, ep_lazy_declare(c, va, 0x800, GiB, EP_W), EP_ERR_ALIGN);
	REFUSED(f, ep_lazy_declare(c, va, 1ULL << 52, GiB, EP_W), EP_ERR_RANGE);
	REFUSED(f, ep_lazy_declare(c, va + 8, 0, GiB, EP_W), EP_ERR_ALIGN);
	EXPECT_EP(f, ep_lazy_declare(c, va, 0, GiB, EP_W), EP_OK);
	/* Lazy regions never overlap; eager requests keep out of them. */
	REFUSED(f, ep_lazy_declare(c, va + GiB - PAGE, 0, 2 * PAGE, EP_W), EP_ERR_LAZY);
	REFUSED(f, ep_map(c, va + MiB, MiB, PAGE, EP_W), EP_ERR_LAZY);
}

TEST(overlap_names_first_mapped_va)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	/* 0x600000.. is mapped (5 pages): a map from 0x5fe000 hits 0x600000. */
	REFUSED(f, ep_map(c, 0x5fe000, 0x5fe000, 4 * PAGE, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, 0x600000);
	char hex[32];
	CHECKF(fx_contains(fx_errline(f), fx_hex(0x600000, hex)),
	       "error line does not name va 0x600000: \"%s\"", fx_errline(f));
	/* Starting inside the mapped range. */
	REFUSED(f, ep_map(c, 0x602000, 0x602000, PAGE, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, 0x602000);
	/* Only the last page collides. */
	REFUSED(f, ep_map(c, 0x601000 - 8 * PAGE, 0, 8 * PAGE, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, 0x600000);
	/* Inside a 2M leaf and inside a 1G leaf. */
	REFUSED(f, ep_map(c, 0x3ff000, 0, 2 * PAGE, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, 0x3ff000);
	REFUSED(f, ep_map(c, GiB - PAGE, 0, 4 * MiB, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, GiB);
	REFUSED(f, ep_map(c, GiB + 0x12345000, 0, PAGE, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, GiB + 0x12345000);
	/* A large request whose only overlap is far in. */
	REFUSED(f, ep_map(c, 0, 0, 4 * GiB, 0), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, 0x200000);
	/* Mapping the same thing twice is still an overlap. */
	REFUSED(f, ep_map(c, 0x200000, 0x200000, 2 * MiB, EP_X), EP_ERR_OVERLAP);
	CHECK_EQ(ep_last_error(c)->va, 0x200000);
}

TEST(pool_exhaustion_changes_nothing)
{
	struct fx_opts o = { .pool_frames = 8 };
	struct fx *f = fx_new(&o);
	struct ep_ctx *c = &f->ctx;
	MAP(f, 0x1000, 0x1000, PAGE, 0); /* root + PDPT + PD + PT */
	REQUIRE_EQ(ep_pool_used(&c->pool), 4);
	/* 4K leaves over 5 page tables in a new PML4 slot: 7 frames, 4 free. */
	uint64_t slot1 = 512 * GiB;
	REFUSED(f, ep_map(c, slot1, PAGE, 8 * MiB + PAGE, 0), EP_ERR_POOL);
	uint64_t need = ep_last_error(c)->need;
	CHECKF(need == 7 || need == 3,
	       "need should be the frames asked (7) or missing (3), is %llu",
	       (unsigned long long)need);
	/* Two slots of 3 frames each: the first would fit on its own. */
	REFUSED(f, ep_map(c, 2 * slot1 - PAGE, PAGE, 2 * PAGE, 0), EP_ERR_POOL);
	/* Splitting leaves needs frames too: protect and unmap. */
	struct fx_opts o2 = { .pool_frames = 3 };
	struct fx *g = fx_new(&o2);
	MAP(g, GiB, GiB, GiB, EP_W); /* root + PDPT: one frame left */
	REFUSED(g, ep_protect(&g->ctx, GiB + 2 * MiB + PAGE, PAGE, 0), EP_ERR_POOL);
	REFUSED(g, ep_unmap(&g->ctx, GiB + 2 * MiB + PAGE, PAGE), EP_ERR_POOL);
	CHECK_MAPPED(g, GiB, GiB, GiB, EP_W, 3);
	/* Exactly the frames left: works, and then the pool is full. */
	MAP(f, slot1, PAGE, 2 * MiB + PAGE, 0); /* PDPT, PD, 2 PTs */
	CHECK_EQ(ep_pool_used(&c->pool), 8);
	REFUSED(f, ep_map(c, 3 * slot1, 0, PAGE, 0), EP_ERR_POOL);
	/* A map that needs no new table still works on a full pool. */
	EXPECT_EP(f, ep_map(c, 0x2000, 0x2000, PAGE, 0), EP_OK);
	CHECK_MAPPED(f, 0x1000, 0x1000, 2 * PAGE, 0, 1);
}

/* Any refused call names the address in its error line, on one line. */
TEST(format_error_names_the_address)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	char buf[256], hex[32];
	static const struct {
		enum ep_err want;
		uint64_t va;
	} expect[] = {
		{ EP_ERR_OVERLAP, 0x603000 },
		{ EP_ERR_NOT_MAPPED, 0x605000 },
		{ EP_ERR_WX, 0x7654000 },
		{ EP_ERR_RANGE, 0x0000800000000000ULL },
		{ EP_ERR_ALIGN, 0x7654321 },
	};
	for (unsigned i = 0; i < 5; i++) {
		enum ep_err e;
		switch (i) {
		case 0: e = ep_map(c, 0x603000, 0, PAGE, 0); break;
		case 1: e = ep_protect(c, 0x604000, 2 * PAGE, 0); break;
		case 2: e = ep_map(c, 0x7654000, 0, PAGE, EP_W | EP_X); break;
		case 3: e = ep_map(c, 0x0000800000000000ULL, 0, PAGE, 0); break;
		default: e = ep_map(c, 0x7654321, 0, PAGE, 0); break;
		}
		CHECK_EQ(e, expect[i].want);
		int n = ep_format_error(c, buf, sizeof buf);
		CHECK_EQ(n, strlen(buf));
		CHECKF(strchr(buf, '\n') == NULL, "error line has a newline: \"%s\"", buf);
		CHECKF(fx_contains(buf, fx_hex(expect[i].va, hex)),
		       "%s: line does not name va 0x%s: \"%s\"", fx_err_name(e), hex, buf);
	}
	CHECK_EQ(ep_last_error(c)->code, EP_ERR_ALIGN);
	CHECK(ep_last_error(c)->op != NULL);
	/* Truncation: NUL-terminated inside the buffer, full length returned. */
	int full = ep_format_error(c, buf, sizeof buf);
	char small[10];
	memset(small, 'x', sizeof small);
	CHECK_EQ(ep_format_error(c, small, sizeof small), full);
	CHECK_EQ(small[9], 0);
}

/* The protect error names the first page that is not mapped. */
TEST(protect_not_mapped_names_first_hole)
{
	struct fx *f = populated(NULL);
	struct ep_ctx *c = &f->ctx;
	REFUSED(f, ep_protect(c, 0x600000, 8 * PAGE, EP_W), EP_ERR_NOT_MAPPED);
	CHECK_EQ(ep_last_error(c)->va, 0x605000);
	REFUSED(f, ep_protect(c, 0x1ff000, 2 * PAGE, 0), EP_ERR_NOT_MAPPED);
	CHECK_EQ(ep_last_error(c)->va, 0x1ff000);
	REFUSED(f, ep_protect(c, 0x300000, 4 * MiB, EP_W), EP_ERR_NOT_MAPPED);
	CHECK_EQ(ep_last_error(c)->va, 0x400000);
	REFUSED(f, ep_protect(c, 2 * GiB - PAGE, 2 * PAGE, 0), EP_ERR_NOT_MAPPED);
	CHECK_EQ(ep_last_error(c)->va, 2 * GiB);
}

TEST(bad_config_refused)
{
	struct fx_opts o = { .no_init = true };
	struct fx *f = fx_new(&o);
	/* The plain native ops: the recording ones need the fixture's ctx. */
	struct ep_config good = f->cfg, cfg;
	good.ops = &ep_native_ops;
	struct ep_ctx ctx;
#define BAD(field, value)                                                  \
	do {                                                               \
		cfg = good;                                                \
		cfg.field = value;                                         \
		memset(&ctx, 0, sizeof ctx);                               \
		enum ep_err e_ = ep_init(&ctx, &cfg);                      \
		CHECKF(e_ == EP_ERR_CONFIG || (e_ == EP_ERR_ALIGN && aligned_ok), \
		       "ep_init with %s = %s: expected EP_ERR_CONFIG, got %s", \
		       #field, #value, fx_err_name(e_));                   \
	} while (0)
	/* A misaligned pool may also be reported as EP_ERR_ALIGN. */
	bool aligned_ok = false;
	BAD(levels, 3);
	BAD(levels, 6);
	BAD(levels, 0);
	BAD(ops, NULL);
	BAD(phys_to_virt, NULL);
	BAD(pool_frames, 0);
	aligned_ok = true;
	BAD(pool_pa, good.pool_pa + 0x800);
	aligned_ok = false;
	BAD(pool_state, NULL);
	/* A lazy pool that is not frame aligned, or overlaps the main pool. */
	uint8_t lstate[4];
	good.lazy_pool_frames = 4;
	good.lazy_pool_state = lstate;
	aligned_ok = true;
	BAD(lazy_pool_pa, 0x123);
	aligned_ok = false;
	BAD(lazy_pool_pa, good.pool_pa + PAGE);
	good.lazy_pool_frames = 0;
	good.lazy_pool_state = NULL;
	/* A good one still works after all that. */
	memset(&ctx, 0, sizeof ctx);
	CHECK_EQ(ep_init(&ctx, &good), EP_OK);
	CHECK_EQ(ctx.root, good.pool_pa);
#undef BAD
}

int main(void)
{
	RUN(unaligned_is_align_error);
	RUN(empty_range_is_range_error);
	RUN(non_canonical_is_range_error);
	RUN(wrapping_is_range_error);
	RUN(pa_beyond_52_bits_is_range_error);
	RUN(writable_and_executable_refused);
	RUN(writable_and_executable_by_protocol_only);
	RUN(lazy_declare_checks_like_map);
	RUN(overlap_names_first_mapped_va);
	RUN(pool_exhaustion_changes_nothing);
	RUN(format_error_names_the_address);
	RUN(protect_not_mapped_names_first_hole);
	RUN(bad_config_refused);
	return th_done();
}
