/*
 * Fault injection, native side (docs/fault_injection.md): page-table pools
 * that run out at the Nth frame. A representative native build is run once
 * with room to spare to count the frames F it takes; then again with a
 * pool of N frames for every N in 0..F-1. Every run must
 *
 *  - fail at exactly the step whose frames no longer fit, with EP_ERR_POOL,
 *    and a line naming the pool (main or lazy), its address and the
 *    address being mapped;
 *  - leave the tree exactly as it was before that step: every byte of both
 *    pools, every frame state, the pool ends (snapshot compare); every
 *    frame handed out is a table reachable from the root;
 *  - refuse the same request again in the same way: a pool is fixed at
 *    ep_init and nothing grows it (docs/early_paging.md), while the tree
 *    built so far stays valid and usable.
 *
 * The main pool: step by step through the fixture (the sequence of
 * common/boot.c's eb_boot_build, then activate and finish), and through
 * eb_boot_build itself. The lazy pool: through ep_lazy_complete, and
 * through the #PF materializer (ep_lazy_fault), where a pool smaller than
 * the sequence needs is reset on demand and only a single fault that needs
 * more than the whole pool fails.
 */
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "ep_fixture.h"
#include "place.h"

#define DMAP 0xffff888000000000ULL
#define KVA 0xffffffff81000000ULL
#define RIP 0xffffffff81000123ULL
#define LEAVES (EP_LEAF_4K | EP_LEAF_2M)

enum kind { MAP, DECLARE, ACTIVATE, FINISH };

struct step {
	const char *name;
	enum kind kind;
	uint64_t va, pa, len;
	unsigned perms;
};

#define POOL_PA (16 * MiB) /* fx default */
#define LAZY_PA (64 * MiB) /* fx default */
#define POOL_SPAN 256      /* frames the world reserved and maps */
#define LAZY_FRAMES 16

/*
 * What eb_boot_build does for a PVH guest of 128 MiB + 1 GiB high (see
 * test_boot.c): the loader W^X at 1 MiB, both pools identity-mapped, the
 * kernel's three segments linked high, the direct map's regions declared
 * lazy; then chainload.c activates and (after ep_lazy_complete) finishes.
 */
static const struct step native[] = {
	{ "loader text", MAP, MiB, MiB, 0xc000, EP_X },
	{ "loader rodata", MAP, MiB + 0xc000, MiB + 0xc000, 0x3000, 0 },
	{ "loader data", MAP, MiB + 0xf000, MiB + 0xf000, 0x57000, EP_W },
	{ "main pool", MAP, POOL_PA, POOL_PA, POOL_SPAN * PAGE, EP_W },
	{ "lazy pool", MAP, LAZY_PA, LAZY_PA, LAZY_FRAMES * PAGE, EP_W },
	{ "kernel text", MAP, KVA, 32 * MiB, 0x9000, EP_X },
	{ "kernel rodata", MAP, KVA + 0x9000, 32 * MiB + 0x9000, 0x2000, 0 },
	{ "kernel data", MAP, KVA + 0xb000, 32 * MiB + 0xb000, 0x12000, EP_W },
	{ "direct map low", DECLARE, DMAP, 0, 0x9f000, EP_W },
	{ "direct map ram", DECLARE, DMAP + MiB, MiB, 127 * MiB, EP_W },
	{ "direct map high", DECLARE, DMAP + 4 * GiB, 4 * GiB, GiB, EP_W },
	{ "activate", ACTIVATE, 0, 0, 0, 0 },
	{ "finish", FINISH, 0, 0, 0, 0 },
};
#define NSTEP (sizeof native / sizeof native[0])

static enum ep_err do_step(struct fx *f, const struct step *s)
{
	switch (s->kind) {
	case MAP: return ep_map(&f->ctx, s->va, s->pa, s->len, s->perms);
	case DECLARE: return ep_lazy_declare(&f->ctx, s->va, s->pa, s->len, s->perms);
	case ACTIVATE: return ep_activate(&f->ctx);
	case FINISH: return ep_finish(&f->ctx);
	}
	return EP_ERR_CONFIG;
}

static struct fx *native_fx(uint64_t frames, bool no_init)
{
	struct fx_opts o = { .leaf_mask = LEAVES, .pool_frames = frames,
			     .lazy_frames = LAZY_FRAMES, .no_init = no_init };
	return fx_new(&o);
}

/* Every frame handed out is a table of the tree, and the states agree. */
static bool tree_whole(struct fx *f, const char **why)
{
	static char msg[200];
	const struct ep_ctx *c = &f->ctx;
	size_t tables = fx_tables(f, NULL, NULL, 0);
	uint64_t used = ep_pool_used(&c->pool) + ep_pool_used(&c->lazy_pool);
	if (tables != used) {
		snprintf(msg, sizeof msg, "%zu tables reachable, %llu frames handed out",
			 tables, (unsigned long long)used);
		*why = msg;
		return false;
	}
	for (uint64_t pa = c->pool.start; pa < c->pool.top; pa += PAGE) {
		int st = ep_frame_state(c, pa);
		bool used_frame = pa < c->pool.end;
		if (used_frame != (st == EP_FRAME_TABLE || st == EP_FRAME_PINNED) ||
		    (!used_frame && st != (c->finished ? EP_FRAME_RELEASED : EP_FRAME_FREE))) {
			snprintf(msg, sizeof msg, "frame 0x%llx: state %d, end 0x%llx",
				 (unsigned long long)pa, st, (unsigned long long)c->pool.end);
			*why = msg;
			return false;
		}
	}
	return true;
}

static bool names(const char *line, const char *pool, uint64_t pool_pa, uint64_t va)
{
	char want[96];
	snprintf(want, sizeof want, "%s pool at 0x%llx is too small", pool,
		 (unsigned long long)pool_pa);
	if (!strstr(line, want))
		return false;
	snprintf(want, sizeof want, "va 0x%llx", (unsigned long long)va);
	return strstr(line, want) != NULL;
}

/* ---- the main pool, step by step ---------------------------------- */

static uint64_t used_after[NSTEP], native_frames;

TEST(native_build_clean_run)
{
	struct fx *f = native_fx(POOL_SPAN, false);
	for (unsigned i = 0; i < NSTEP; i++) {
		REQUIRE_EP(f, do_step(f, &native[i]), EP_OK);
		used_after[i] = ep_pool_used(&f->ctx.pool);
	}
	native_frames = ep_pool_used(&f->ctx.pool);
	const char *why;
	CHECKF(tree_whole(f, &why), "%s", why);
	/* The sizing a world uses covers it (common/boot.c adds the pools). */
	struct ep_range_req req[8];
	size_t n = 0;
	for (unsigned i = 0; i < NSTEP; i++)
		if (native[i].kind == MAP)
			req[n++] = (struct ep_range_req){ native[i].va, native[i].pa, native[i].len };
	CHECK(ep_pool_frames_needed(req, n, 4, LEAVES, false, 0, 0) + 3 * 2 * 3 >=
	      native_frames);
	/* Frames are taken by more than one step: the loop below has work. */
	CHECK(native_frames >= 10);
}

static void main_pool_every_size(void)
{
	REQUIRE(native_frames);
	/* N = 0: no pool at all, refused by ep_init. */
	struct fx *z = native_fx(POOL_SPAN, true);
	z->cfg.pool_frames = 0;
	EXPECT_EP(z, ep_init(&z->ctx, &z->cfg), EP_ERR_CONFIG);
	CHECKF(strstr(fx_errline(z), "main pool"), "%s", fx_errline(z));

	for (uint64_t n = 1; n < native_frames && !th_failed(); n++) {
		struct fx *f = native_fx(n, false);
		unsigned want = 0;
		while (used_after[want] <= n)
			want++;
		for (unsigned i = 0; i < NSTEP && !th_failed(); i++) {
			const struct step *s = &native[i];
			struct fx_snap snap = fx_snap(f);
			uint64_t used = ep_pool_used(&f->ctx.pool);
			enum ep_err e = do_step(f, s);
			if (e == EP_OK) {
				CHECKF(i != want, "pool of %llu: step \"%s\" should not fit",
				       (unsigned long long)n, s->name);
				continue;
			}
			const struct ep_error_info err = *ep_last_error(&f->ctx);
			const char *line = fx_errline(f), *why;
			CHECKF(i == want && e == EP_ERR_POOL,
			       "pool of %llu frames: step \"%s\" failed with %s (%s); \"%s\" should fail with EP_ERR_POOL",
			       (unsigned long long)n, s->name, fx_err_name(e), line,
			       native[want].name);
			CHECKF(names(line, "main", POOL_PA, s->va),
			       "pool of %llu, step \"%s\": %s", (unsigned long long)n, s->name, line);
			CHECKF(used + err.need > n,
			       "pool of %llu, step \"%s\": %llu used, says it needs %llu", (unsigned long long)n,
			       s->name, (unsigned long long)used, (unsigned long long)err.need);
			CHECK_SAME(f, &snap);
			CHECKF(tree_whole(f, &why), "pool of %llu, step \"%s\": %s",
			       (unsigned long long)n, s->name, why);
			/* The same request again: refused the same way, nothing grows. */
			CHECK_EQ(do_step(f, s), EP_ERR_POOL);
			CHECK_EQ(ep_last_error(&f->ctx)->need, err.need);
			CHECK_EQ(ep_last_error(&f->ctx)->va, err.va);
			CHECK_SAME(f, &snap);
			/* What was built stays valid, and usable where no frame is needed. */
			for (unsigned k = 0; k < i; k++)
				if (native[k].kind == MAP)
					CHECK_MAPPED(f, native[k].va, native[k].pa, native[k].len,
						     native[k].perms, 0);
			if (i > 2) {
				REQUIRE_EP(f, ep_protect(&f->ctx, MiB + 0xf000, PAGE, 0), EP_OK);
				CHECK_MAPPED(f, MiB + 0xf000, MiB + 0xf000, PAGE, 0, 1);
				REQUIRE_EP(f, ep_protect(&f->ctx, MiB + 0xf000, PAGE, EP_W), EP_OK);
				CHECK_SAME(f, &snap);
			}
			break;
		}
	}
	/* With F frames the same build goes through. */
	struct fx *g = native_fx(native_frames, false);
	for (unsigned i = 0; i < NSTEP; i++)
		REQUIRE_EP(g, do_step(g, &native[i]), EP_OK);
	CHECK_EQ(ep_pool_used(&g->ctx.pool), native_frames);
}

/* ---- the main pool through eb_boot_build ---------------------------- */

static struct eb_mem_range st[64];
static struct eb_boot b;
static struct ep_ctx ctx;
static struct eb_dmap plan;
static uint8_t pool_state[EB_BOOT_MAX_POOL], lazy_state[EB_BOOT_MAX_LAZY];
static char err[300];
static uint64_t boot_frames;

/* test_boot.c's PVH guest: 128 MiB low, 1 GiB at 4 GiB, pools at 200 MiB. */
static struct sim *describe(uint64_t pool_frames)
{
	struct sim *sim = sim_new(4);
	memset(&b, 0, sizeof b);
	b.world = EB_WORLD_PVH;
	b.levels = 4;
	b.leaf_mask = LEAVES;
	b.kernel_name = "test";
	eb_memmap_init(&b.mem, st, 64);
	eb_memmap_add(&b.mem, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&b.mem, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&b.mem, MiB, 255 * MiB, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&b.mem, 4 * GiB, GiB, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&b.mem, err, sizeof err), 0);
	b.self[0] = (struct eb_self_region){ MiB, 0xc000, EP_X, "text" };
	b.self[1] = (struct eb_self_region){ MiB + 0xc000, 0x3000, 0, "rodata" };
	b.self[2] = (struct eb_self_region){ MiB + 0xf000, 0x57000, EP_W, "data" };
	b.nself = 3;
	b.elf.nseg = 3;
	b.elf.entry = KVA;
	b.elf.seg[0] = (struct eb_elf_seg){ 0, KVA, 16 * MiB, 0x1000, 0x9000, 0x9000, 5 };
	b.elf.seg[1] = (struct eb_elf_seg){ 1, KVA + 0x9000, 16 * MiB + 0x9000, 0xa000, 0x2000, 0x2000, 4 };
	b.elf.seg[2] = (struct eb_elf_seg){ 2, KVA + 0xb000, 16 * MiB + 0xb000, 0xc000, 0x100, 0x12000, 6 };
	b.lazy_frames = eb_boot_lazy_frames(&b.mem, b.levels, b.leaf_mask);
	b.pool_pa = 200 * MiB;
	b.pool_frames = pool_frames;
	sim_add_ram(sim, b.pool_pa, (pool_frames + b.lazy_frames) * PAGE, "pools");
	b.phys_to_virt = sim_phys_to_virt;
	b.pt_env = sim;
	return sim;
}

struct count {
	size_t n;
};

static int count_table(void *arg, uint64_t table, unsigned level)
{
	(void)table;
	(void)level;
	((struct count *)arg)->n++;
	return 0;
}

TEST(eb_boot_build_clean_run)
{
	describe(512); /* room to spare: count what the build takes */
	REQUIRE_EQ(eb_boot_build(&b, &ctx, &plan, pool_state, lazy_state, err, sizeof err), 0);
	boot_frames = ep_pool_used(&ctx.pool);
	CHECK(boot_frames >= 8);
	/* The world's sizing covers it. */
	CHECK(eb_boot_main_frames(&b, b.pool_pa, (512 + b.lazy_frames) * PAGE) >= boot_frames);
}

static void eb_boot_build_every_pool_size(void)
{
	REQUIRE(boot_frames);
	for (uint64_t n = 0; n < boot_frames && !th_failed(); n++) {
		struct sim *sim = describe(n);
		CHECKF(eb_boot_build(&b, &ctx, &plan, pool_state, lazy_state, err, sizeof err) == -1,
		       "pool of %llu frames of %llu: eb_boot_build succeeded", (unsigned long long)n,
		       (unsigned long long)boot_frames);
		char want[64];
		snprintf(want, sizeof want, "main pool at 0x%llx", (unsigned long long)b.pool_pa);
		if (n == 0) {
			CHECKF(strstr(err, "page tables: init") && strstr(err, "main pool"), "%s", err);
			continue;
		}
		CHECKF(strstr(err, want) && strstr(err, "is too small"), "pool of %llu: %s",
		       (unsigned long long)n, err);
		/* Nothing half-built: every frame handed out is in the tree. */
		struct count c = { 0 };
		sim_walk(sim, ctx.root, NULL, count_table, &c);
		CHECKF(c.n == ep_pool_used(&ctx.pool), "pool of %llu: %zu tables in the tree, %llu handed out (%s)",
		       (unsigned long long)n, c.n, (unsigned long long)ep_pool_used(&ctx.pool), err);
	}
}

/* ---- the lazy pool ---------------------------------------------------- */

/*
 * Direct-map regions whose pa is a page off: 4 KiB leaves only. A and C
 * need a page table per 2 MiB, under a PD they share with what lies around
 * them (built at ep_lazy_declare, from the main pool); B is a whole GiB:
 * its PD is its own, from the lazy pool, so its first fault needs two
 * frames.
 */
#define RA_VA (DMAP + 64 * GiB)
#define RA_PA (0x100000000ULL + PAGE)
#define RA_LEN (8 * MiB) /* 4 lazy frames */
#define RB_VA (DMAP + 128 * GiB)
#define RB_PA (0x200000000ULL + PAGE)
#define RB_LEN GiB /* 1 + 512 lazy frames */
#define RC_VA (DMAP + 192 * GiB)
#define RC_PA (0x300000000ULL + PAGE)
#define RC_LEN (16 * MiB) /* 8 lazy frames */

static struct fx *lazy_fx(uint64_t lazy_frames, uint64_t second_va,
			  uint64_t second_pa, uint64_t second_len)
{
	struct fx_opts o = { .leaf_mask = LEAVES, .pool_frames = 32,
			     .lazy_frames = lazy_frames };
	struct fx *f = fx_new(&o);
	REQUIRE_EP(f, ep_map(&f->ctx, KVA, 32 * MiB, 0x9000, EP_X), EP_OK);
	if (!lazy_frames)
		return f;
	REQUIRE_EP(f, ep_lazy_declare(&f->ctx, RA_VA, RA_PA, RA_LEN, EP_W), EP_OK);
	REQUIRE_EP(f, ep_lazy_declare(&f->ctx, second_va, second_pa, second_len, EP_W),
		   EP_OK);
	return f;
}
#define AC(n) lazy_fx(n, RC_VA, RC_PA, RC_LEN)
#define AB(n) lazy_fx(n, RB_VA, RB_PA, RB_LEN)

static uint64_t complete_frames;

/* Serve faults at va as a #PF handler would, until the access goes through. */
static enum ep_err fault_in(struct fx *f, uint64_t va, struct ep_fault_diag *d)
{
	fx_use_root(f);
	for (int tries = 0; tries < 4; tries++) {
		struct sim_result r = sim_access(f->sim, va, SIM_W);
		if (r.kind == SIM_OK)
			return EP_OK;
		REQUIREF(r.kind == SIM_PF, "va 0x%llx: %s", (unsigned long long)va,
			 sim_kind_name(r.kind));
		enum ep_err e = ep_lazy_fault(&f->ctx, va, RIP, r.err, d);
		if (e)
			return e;
	}
	th_fail(__FILE__, __LINE__, "va 0x%llx still faults", (unsigned long long)va);
	th_abort();
}

static void lazy_complete_every_size(void)
{
	/* N = 0: no lazy pool, and nothing may be declared lazy. */
	struct fx *z = AC(0);
	EXPECT_EP(z, ep_lazy_declare(&z->ctx, RA_VA, RA_PA, RA_LEN, EP_W), EP_ERR_CONFIG);
	CHECKF(strstr(fx_errline(z), "no lazy pool"), "%s", fx_errline(z));

	for (uint64_t n = 1; n < complete_frames && !th_failed(); n++) {
		struct fx *f = AC(n);
		struct ep_fault_diag d;
		/* A few faults first: the pool is not empty when it is too small. */
		CHECK_EQ(fault_in(f, RC_VA + 3 * MiB, &d), EP_OK);
		CHECK_EQ(fault_in(f, RA_VA + 5 * PAGE, &d), EP_OK);
		struct fx_snap snap = fx_snap(f);
		uint64_t resets = f->ctx.count.pool_resets;
		EXPECT_EP(f, ep_lazy_complete(&f->ctx), EP_ERR_POOL);
		/* The region that no longer fits: A's 4 frames, then C's 8. */
		uint64_t va = n < RA_LEN / (2 * MiB) ? RA_VA : RC_VA;
		CHECKF(names(fx_errline(f), "lazy", LAZY_PA, va), "lazy pool of %llu: %s",
		       (unsigned long long)n, fx_errline(f));
		CHECK_EQ(ep_last_error(&f->ctx)->need, complete_frames);
		CHECK_SAME(f, &snap);
		CHECK_EQ(f->ctx.count.pool_resets, resets);
		/* Nothing grows the pool: the same refusal again. */
		EXPECT_EP(f, ep_lazy_complete(&f->ctx), EP_ERR_POOL);
		CHECK_SAME(f, &snap);
		/* Still a working materializer, and the eager part untouched. */
		CHECK_EQ(fault_in(f, RA_VA + RA_LEN - PAGE, &d), EP_OK);
		CHECK_MAPPED(f, RA_VA + RA_LEN - PAGE, RA_PA + RA_LEN - PAGE, PAGE, EP_W, 1);
		CHECK_EQ(fault_in(f, RC_VA + RC_LEN - PAGE, &d), EP_OK);
		CHECK_MAPPED(f, RC_VA + RC_LEN - PAGE, RC_PA + RC_LEN - PAGE, PAGE, EP_W, 1);
		CHECK_MAPPED(f, KVA, 32 * MiB, 0x9000, EP_X, 1);
	}
	/* With F frames it completes, after faults and a reset as well. */
	struct fx *g = AC(complete_frames);
	struct ep_fault_diag d;
	for (uint64_t off = 0; off < RC_LEN; off += 2 * MiB)
		REQUIRE_EQ(fault_in(g, RC_VA + off, &d), EP_OK);
	REQUIRE_EP(g, ep_lazy_complete(&g->ctx), EP_OK);
	CHECK_MAPPED(g, RA_VA, RA_PA, RA_LEN, EP_W, 1);
	CHECK_MAPPED(g, RC_VA, RC_PA, RC_LEN, EP_W, 1);
}

TEST(lazy_complete_clean_run)
{
	struct fx *f = AC(64);
	REQUIRE_EP(f, ep_lazy_complete(&f->ctx), EP_OK);
	complete_frames = ep_pool_used(&f->ctx.lazy_pool);
	CHECK_EQ(complete_frames, (RA_LEN + RC_LEN) / (2 * MiB));
	CHECK_MAPPED(f, RA_VA, RA_PA, RA_LEN, EP_W, 1);
	CHECK_MAPPED(f, RC_VA, RC_PA, RC_LEN, EP_W, 1);
}

/*
 * The materializer: a fixed sequence of faults, in A (one page table
 * each) and in B (its PD and a page table for the first, a page table for
 * each next one). A pool smaller than the sequence resets on the way; a
 * fault that needs more than the whole pool fails, naming the lazy pool
 * and the address, and leaves the tree exactly as it was: no reset that
 * would only have unhooked what the earlier faults built.
 */
static const uint64_t touches[] = {
	RA_VA, RA_VA + 2 * MiB + PAGE, RA_VA + 4 * MiB + 7 * PAGE, RA_VA + 6 * MiB,
	RB_VA + 5 * PAGE, RB_VA + 2 * MiB, RA_VA + 8 * PAGE, RB_VA + 512 * MiB,
	RA_VA + 2 * MiB + 9 * PAGE,
};
#define NTOUCH (sizeof touches / sizeof touches[0])
static uint64_t touch_frames;

static uint64_t touch_pa(uint64_t va)
{
	return va >= RB_VA ? RB_PA + (va - RB_VA) : RA_PA + (va - RA_VA);
}

TEST(faults_clean_run)
{
	struct fx *f = AB(64);
	struct ep_fault_diag d;
	for (unsigned i = 0; i < NTOUCH; i++) {
		REQUIRE_EQ(fault_in(f, touches[i], &d), EP_OK);
		CHECK_MAPPED(f, touches[i], touch_pa(touches[i]), PAGE, EP_W, 1);
	}
	touch_frames = ep_pool_used(&f->ctx.lazy_pool);
	CHECK_EQ(touch_frames, 4 + 2 + 1 + 1);
	CHECK_EQ(f->ctx.count.pool_resets, 0);
}

static void faults_every_size(void)
{
	for (uint64_t n = 1; n < touch_frames && !th_failed(); n++) {
		struct fx *f = AB(n);
		for (unsigned i = 0; i < NTOUCH && !th_failed(); i++) {
			uint64_t va = touches[i];
			struct fx_snap snap = fx_snap(f);
			uint64_t resets = f->ctx.count.pool_resets;
			struct ep_fault_diag d;
			enum ep_err e = fault_in(f, va, &d);
			/* Only B's faults need two frames on an empty pool. */
			bool fits = n >= 2 || va < RB_VA;
			if (fits) {
				CHECKF(e == EP_OK, "lazy pool of %llu: fault at 0x%llx: %s (%s)",
				       (unsigned long long)n, (unsigned long long)va, fx_err_name(e),
				       fx_errline(f));
				CHECK_MAPPED(f, va, touch_pa(va), PAGE, EP_W, 1);
				continue;
			}
			CHECKF(e == EP_ERR_POOL && d.reason == EP_FAULT_POOL,
			       "lazy pool of %llu: fault at 0x%llx: %s, reason %s", (unsigned long long)n,
			       (unsigned long long)va, fx_err_name(e), ep_fault_reason_name(d.reason));
			CHECKF(names(fx_errline(f), "lazy", LAZY_PA, va & ~(PAGE - 1)),
			       "lazy pool of %llu: %s", (unsigned long long)n, fx_errline(f));
			char buf[1024], cr2[40];
			ep_format_fault(&d, buf, sizeof buf);
			snprintf(cr2, sizeof cr2, "0x%llx", (unsigned long long)va);
			CHECKF(strstr(buf, cr2) && strstr(buf, ep_fault_reason_name(EP_FAULT_POOL)),
			       "fault report: %s", buf);
			CHECK_EQ(f->ctx.count.pool_resets, resets);
			CHECK_SAME(f, &snap);
		}
		/* Fewer frames than the sequence took: the pool was reset. */
		CHECKF(f->ctx.count.pool_resets > 0, "lazy pool of %llu: no reset",
		       (unsigned long long)n);
		/* Every page of A touched last is still reachable by faulting. */
		struct ep_fault_diag d;
		CHECK_EQ(fault_in(f, RA_VA, &d), EP_OK);
		CHECK_MAPPED(f, KVA, 32 * MiB, 0x9000, EP_X, 1);
	}
}

int main(void)
{
	char name[96];
	RUN(native_build_clean_run);
	snprintf(name, sizeof name, "main_pool_of_N_frames_for_every_N_below_%llu",
		 (unsigned long long)native_frames);
	th_run_case(__FILE__, name, main_pool_every_size);
	RUN(eb_boot_build_clean_run);
	snprintf(name, sizeof name, "eb_boot_build_main_pool_of_N_for_every_N_below_%llu",
		 (unsigned long long)boot_frames);
	th_run_case(__FILE__, name, eb_boot_build_every_pool_size);
	RUN(lazy_complete_clean_run);
	snprintf(name, sizeof name, "lazy_complete_lazy_pool_of_N_for_every_N_below_%llu",
		 (unsigned long long)complete_frames);
	th_run_case(__FILE__, name, lazy_complete_every_size);
	RUN(faults_clean_run);
	snprintf(name, sizeof name, "faults_lazy_pool_of_N_for_every_N_below_%llu",
		 (unsigned long long)touch_frames);
	th_run_case(__FILE__, name, faults_every_size);
	return th_done();
}
