/*
 * The pool (start <= end <= top, bump allocation), the explicit state of
 * every frame through the life cycle (FREE -> TABLE -> PINNED -> RELEASED
 * for spares), early/late activation, counters, and the backend discipline:
 * every table write goes through the ops (docs/design.md "One page-table API").
 */
#include <string.h>

#include "ep_fixture.h"

#define MAP(f, va, pa, len, perms) \
	REQUIRE_EP(f, ep_map(&(f)->ctx, va, pa, len, perms), EP_OK)

static void expect_states(struct fx *f, uint64_t from, uint64_t to, int want)
{
	for (uint64_t pa = from; pa < to; pa += PAGE) {
		int st = ep_frame_state(&f->ctx, pa);
		if (st != want) {
			th_fail(__FILE__, __LINE__, "frame 0x%llx: state %s (%d), expected %s",
				(unsigned long long)pa,
				st >= 0 ? ep_frame_state_name(st) : "none", st,
				ep_frame_state_name(want));
			return;
		}
	}
	th_pass();
}

TEST(init_pool_layout)
{
	struct fx_opts o = { .pool_frames = 32, .lazy_frames = 4 };
	struct fx *f = fx_new(&o);
	const struct ep_ctx *c = &f->ctx;
	CHECK_EQ(c->pool.start, 16 * MiB);
	CHECK_EQ(c->pool.end, 16 * MiB + PAGE);
	CHECK_EQ(c->pool.top, 16 * MiB + 32 * PAGE);
	CHECK_EQ(c->root, c->pool.start);
	CHECK_EQ(ep_pool_frames(&c->pool), 32);
	CHECK_EQ(ep_pool_used(&c->pool), 1);
	CHECK_EQ(c->lazy_pool.start, 64 * MiB);
	CHECK_EQ(c->lazy_pool.top, 64 * MiB + 4 * PAGE);
	CHECK_EQ(c->count.table_frames, 1);
	CHECK(!c->live);
	CHECK(!c->finished);
	expect_states(f, c->pool.start, c->pool.end, EP_FRAME_TABLE);
	expect_states(f, c->pool.end, c->pool.top, EP_FRAME_FREE);
	expect_states(f, c->lazy_pool.start, c->lazy_pool.top, EP_FRAME_FREE);
	/* The caller's state array is the one used. */
	CHECK_EQ(f->pool_state[0], EP_FRAME_TABLE);
	CHECK_EQ(f->pool_state[31], EP_FRAME_FREE);
	/* Outside both pools. */
	CHECK_EQ(ep_frame_state(c, c->pool.start - PAGE), -1);
	CHECK_EQ(ep_frame_state(c, c->pool.top), -1);
	CHECK_EQ(ep_frame_state(c, c->lazy_pool.top), -1);
	CHECK_EQ(ep_frame_state(c, 0), -1);
	/* The root is an empty table: zeroed, though the RAM held garbage. */
	const uint64_t *root = sim_phys_to_virt(f->sim, c->root);
	for (unsigned i = 0; i < 512; i++)
		CHECKF(root[i] == 0, "root slot %u = 0x%llx", i, (unsigned long long)root[i]);
}

/* Frames are handed out in order from end; each became a table via ops. */
TEST(frames_handed_out_in_order)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x1000, 0, PAGE, 0);
	MAP(f, 0x40000000, 0, 2 * MiB, 0);
	MAP(f, 0xffff800000000000ULL, 0, 4 * PAGE, 0);
	uint64_t used = ep_pool_used(&f->ctx.pool);
	CHECK_EQ(used, 8); /* root; PDPT PD PT; PD; PDPT PD PT */
	REQUIRE_EQ(f->rec.allocs, used);
	for (uint64_t i = 0; i < used; i++)
		CHECK_EQ(f->rec.alloc_log[i], f->ctx.pool.start + i * PAGE);
	CHECK_EQ(f->ctx.count.table_frames, used);
	expect_states(f, f->ctx.pool.start, f->ctx.pool.end, EP_FRAME_TABLE);
	expect_states(f, f->ctx.pool.end, f->ctx.pool.top, EP_FRAME_FREE);
}

/* Pool RAM starts as garbage (0xa5): every table must be clean. */
TEST(tables_are_zeroed)
{
	struct fx_opts o = { .tables_need_zero = true };
	struct fx *f = fx_new(&o);
	MAP(f, 0x1000, 0, PAGE, 0);
	MAP(f, GiB, GiB, 2 * MiB, 0);
	REQUIRE_EP(f, ep_protect(&f->ctx, GiB, PAGE, EP_W), EP_OK);
	CHECKF(f->rec.nonzero_allocs == 0,
	       "tables_need_zero: frame 0x%llx handed to alloc_table not zeroed",
	       (unsigned long long)f->rec.nonzero_pa);
	/* With the native flag (fully written tables may skip zeroing), the
	 * result must still hold no garbage: every slot is 0 or an entry. */
	struct fx *g = fx_new(NULL);
	MAP(g, 0x1000, 0, PAGE, 0);
	MAP(g, GiB, GiB, 2 * MiB, 0);
	REQUIRE_EP(g, ep_protect(&g->ctx, GiB, PAGE, EP_W), EP_OK);
	for (uint64_t pa = g->ctx.pool.start; pa < g->ctx.pool.end; pa += PAGE) {
		const uint64_t *t = sim_phys_to_virt(g->sim, pa);
		for (unsigned i = 0; i < 512; i++)
			if (t[i] == 0xa5a5a5a5a5a5a5a5ULL) {
				th_fail(__FILE__, __LINE__, "table 0x%llx slot %u is garbage",
					(unsigned long long)pa, i);
				return;
			}
	}
	struct fx_leaves l = fx_leaves(g);
	CHECK_EQ(l.n, 1 + 512);
}

TEST(activate_pins_and_loads_cr3)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x200000, 0x200000, 2 * MiB + PAGE, EP_X);
	unsigned long writes = f->sim->cr3_writes;
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(f->sim->cr3, f->ctx.root);
	CHECK_EQ(f->sim->cr3_writes - writes, 1);
	CHECK(f->ctx.live);
	CHECK_EQ(f->ctx.count.activations, 1);
	expect_states(f, f->ctx.pool.start, f->ctx.pool.end, EP_FRAME_PINNED);
	expect_states(f, f->ctx.pool.end, f->ctx.pool.top, EP_FRAME_FREE);
	/* The live tree translates through the CPU's own CR3. */
	CHECK_MAPPED(f, 0x200000, 0x200000, 2 * MiB + PAGE, EP_X, 0);
	/* Tables added while live belong to the live tree. */
	MAP(f, GiB, 0, PAGE, 0);
	for (uint64_t pa = f->ctx.pool.start; pa < f->ctx.pool.end; pa += PAGE) {
		int st = ep_frame_state(&f->ctx, pa);
		CHECKF(st == EP_FRAME_PINNED || st == EP_FRAME_TABLE,
		       "frame 0x%llx: %d", (unsigned long long)pa, st);
	}
}

/* Early activation until the single switch point, late after it. */
TEST(early_then_late_activation)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x1000, 0x1000, PAGE, 0);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(f->rec.early, 1);
	CHECK_EQ(f->rec.late, 0);
	CHECK_EQ(f->rec.activate_root, f->ctx.root);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(f->rec.early, 2);
	CHECK_EQ(f->rec.late, 0);
	ep_switch_to_late_activation(&f->ctx);
	CHECK_EQ(f->rec.early + f->rec.late, 2); /* switching activates nothing */
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(f->rec.early, 2);
	CHECK_EQ(f->rec.late, 1);
	CHECK_EQ(f->ctx.count.activations, 3);
	CHECK_EQ(f->sim->cr3_writes, 3);
	CHECK_EQ(f->sim->cr3, f->ctx.root);
}

TEST(finish_releases_spare_frames)
{
	struct fx_opts o = { .pool_frames = 16 };
	struct fx *f = fx_new(&o);
	MAP(f, 0x1000, 0x1000, PAGE, 0);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	REQUIRE_EP(f, ep_finish(&f->ctx), EP_OK);
	CHECK(f->ctx.finished);
	const struct ep_pool *p = &f->ctx.pool;
	CHECK_EQ(ep_pool_used(p), 4);
	expect_states(f, p->start, p->end, EP_FRAME_PINNED);
	expect_states(f, p->end, p->top, EP_FRAME_RELEASED);
	REQUIRE_EQ(f->rec.releases, 12);
	for (unsigned i = 0; i < 12; i++)
		CHECK_EQ(f->rec.release_log[i], p->end + i * PAGE);
	CHECK_MAPPED(f, 0x1000, 0x1000, PAGE, 0, 1);
}

TEST(finish_without_activate_keeps_tables)
{
	struct fx_opts o = { .pool_frames = 8 };
	struct fx *f = fx_new(&o);
	MAP(f, 0x1000, 0x1000, PAGE, 0);
	REQUIRE_EP(f, ep_finish(&f->ctx), EP_OK);
	/*
	 * The pool is closed, but a spare frame goes back only once the tree
	 * is live (under Xen PV: once its pin has completed).
	 */
	expect_states(f, f->ctx.pool.start, f->ctx.pool.end, EP_FRAME_TABLE);
	expect_states(f, f->ctx.pool.end, f->ctx.pool.top, EP_FRAME_FREE);
	CHECK_EQ(f->rec.releases, 0);
	CHECK(!f->ctx.live);
	CHECK_EQ(ep_map(&f->ctx, GiB, 0, PAGE, 0), EP_ERR_STATE);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	expect_states(f, f->ctx.pool.start, f->ctx.pool.end, EP_FRAME_PINNED);
	expect_states(f, f->ctx.pool.end, f->ctx.pool.top, EP_FRAME_RELEASED);
	CHECK_EQ(f->rec.releases, 4);
	CHECK_EQ(ep_finish(&f->ctx), EP_ERR_STATE);
}

/* Released frames are ordinary memory now: no new table may come from them. */
TEST(no_tables_from_released_frames)
{
	struct fx_opts o = { .pool_frames = 16 };
	struct fx *f = fx_new(&o);
	MAP(f, 0x1000, 0x1000, PAGE, 0);
	REQUIRE_EP(f, ep_finish(&f->ctx), EP_OK);
	struct fx_snap s = fx_snap(f);
	enum ep_err e = ep_map(&f->ctx, GiB, 0, PAGE, 0);
	CHECKF(e == EP_ERR_POOL || e == EP_ERR_STATE,
	       "map needing tables after ep_finish: expected EP_ERR_POOL or EP_ERR_STATE, got %s",
	       fx_err_name(e));
	CHECK_SAME(f, &s);
}

/* Counters agree with what the backend was actually asked to do. */
TEST(counters_match_backend_calls)
{
	struct fx *f = fx_new(NULL);
	MAP(f, 0x1000, 0x1000, 5 * PAGE, 0);
	MAP(f, 0x40000000 - PAGE, 0x40000000 - PAGE, GiB + 2 * MiB + 2 * PAGE, EP_W);
	MAP(f, 0xffffffff80000000ULL, 0x1000000, 6 * MiB, EP_X | EP_G);
	struct fx_leaves l = fx_leaves(f);
	CHECK_EQ(f->ctx.count.leaves[0], fx_count_leaves(&l, 0, ~0ULL, 1));
	CHECK_EQ(f->ctx.count.leaves[1], fx_count_leaves(&l, 0, ~0ULL, 2));
	CHECK_EQ(f->ctx.count.leaves[2], fx_count_leaves(&l, 0, ~0ULL, 3));
	REQUIRE_EP(f, ep_protect(&f->ctx, 0x40000000 + 4 * PAGE, PAGE, 0), EP_OK);
	REQUIRE_EP(f, ep_unmap(&f->ctx, 0xffffffff80000000ULL + 2 * MiB + PAGE, PAGE),
		   EP_OK);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	const struct ep_counters *k = ep_counters(&f->ctx);
	CHECK(k == &f->ctx.count);
	CHECK_EQ(k->entries_written, f->rec.entries);
	CHECK_EQ(k->table_frames, f->rec.allocs);
	CHECK_EQ(k->table_frames, ep_pool_used(&f->ctx.pool));
	CHECK_EQ(k->activations, f->rec.early + f->rec.late);
	CHECK_EQ(k->faults_served, 0);
	CHECK_EQ(k->pool_resets, 0);
	CHECK_EQ(k->refusals, 0);
	CHECK_EQ(k->hypercalls, 0);
	/* A refused call writes nothing. */
	unsigned long entries = f->rec.entries;
	CHECK(ep_map(&f->ctx, 0x1000, 0, PAGE, 0) != EP_OK);
	CHECK_EQ(f->rec.entries, entries);
}

/* Table memory is read through phys_to_virt but written only via the ops
 * (a xen backend could not work otherwise): a shadow copy fed only by
 * set_entry/set_run must equal the real tables after every operation. */
TEST(every_table_write_goes_through_ops)
{
	struct fx_opts o = { .shadow = true };
	struct fx *f = fx_new(&o);
	struct ep_ctx *c = &f->ctx;
	CHECK_SHADOW(f);
	MAP(f, 0x1000, 0x1000, 5 * PAGE, 0);
	CHECK_SHADOW(f);
	MAP(f, 0x40000000 - PAGE, 0x40000000 - PAGE, GiB + 2 * MiB + 2 * PAGE, EP_W);
	CHECK_SHADOW(f);
	REQUIRE_EP(f, ep_protect(c, 0x40000000 + 3 * MiB, 2 * PAGE, 0), EP_OK);
	CHECK_SHADOW(f);
	REQUIRE_EP(f, ep_protect(c, 0x80000000ULL + 5 * PAGE, PAGE, EP_U), EP_OK);
	CHECK_SHADOW(f);
	REQUIRE_EP(f, ep_unmap(c, 0x40000000 + 100 * MiB, 3 * MiB), EP_OK);
	CHECK_SHADOW(f);
	REQUIRE_EP(f, ep_unmap(c, 0, 2 * GiB), EP_OK);
	CHECK_SHADOW(f);
	REQUIRE_EP(f, ep_activate(c), EP_OK);
	REQUIRE_EP(f, ep_finish(c), EP_OK);
	CHECK_SHADOW(f);
}

TEST(state_and_reason_names)
{
	const char *s[4];
	for (int i = 0; i < 4; i++) {
		s[i] = ep_frame_state_name(i);
		REQUIRE(s[i] != NULL && s[i][0]);
		for (int j = 0; j < i; j++)
			CHECKF(strcmp(s[i], s[j]) != 0, "states %d and %d both \"%s\"", i, j, s[i]);
	}
	for (int e = 0; e <= EP_ERR_FAULT; e++) {
		const char *m = ep_strerror(e);
		REQUIRE(m != NULL && m[0]);
		for (int j = 0; j < e; j++)
			CHECKF(strcmp(m, ep_strerror(j)) != 0, "errors %d and %d both \"%s\"", e, j, m);
	}
	for (int r = 0; r <= EP_FAULT_BACKEND; r++) {
		const char *m = ep_fault_reason_name(r);
		REQUIRE(m != NULL && m[0]);
		for (int j = 0; j < r; j++)
			CHECKF(strcmp(m, ep_fault_reason_name(j)) != 0, "reasons %d and %d both \"%s\"",
			       r, j, m);
	}
}

int main(void)
{
	RUN(init_pool_layout);
	RUN(frames_handed_out_in_order);
	RUN(tables_are_zeroed);
	RUN(activate_pins_and_loads_cr3);
	RUN(early_then_late_activation);
	RUN(finish_releases_spare_frames);
	RUN(finish_without_activate_keeps_tables);
	RUN(no_tables_from_released_frames);
	RUN(counters_match_backend_calls);
	RUN(every_table_write_goes_through_ops);
	RUN(state_and_reason_names);
	return th_done();
}
