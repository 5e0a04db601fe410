/*
 * Failures: every hypercall failure the simulated Xen can be made to return
 * ends in EP_ERR_BACKEND naming the operation, the frame and the code, and
 * leaves a backend that attempts nothing more. And proof that the simulator
 * is live: variants of the real backend, each missing one thing (the rule,
 * release_spare, the template's give-back, the read-only step of
 * alloc_table, zeroing through Xen, the early/late split), are caught by it.
 */
#include <stdio.h>
#include <string.h>

#include "xen_fixture.h"

#define RW 2ULL
#define D 0x40ULL

/* Total hypercalls of a clean full run. */
static uint64_t run_calls(void)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, xfx_run(x), EP_OK);
	return x->sx->calls;
}

/*
 * After a failure nothing more may reach Xen, and the first error is what
 * the backend keeps saying. (The core may refuse first for its own
 * reasons, say a finish that already ran: any error will do there.)
 */
static void check_dead(struct xfx *x, const struct ep_error_info *first)
{
	uint64_t calls = x->sx->calls;
	CHECK(ep_map(&x->ctx, 0x40000000, 0x1000, 4096, EP_W) != EP_OK);
	CHECK(ep_finish(&x->ctx) != EP_OK);
	XEXPECT(x, ep_activate(&x->ctx), EP_ERR_BACKEND);
	CHECK_EQ(x->sx->calls, calls);
	const struct ep_error_info *e = ep_last_error(&x->ctx);
	CHECK_EQ(e->need, first->need);
	CHECK_EQ(e->pa, first->pa);
	CHECK_STR(e->op, first->op);
}

TEST(every_injected_failure_ends_in_a_named_backend_error)
{
	uint64_t total = run_calls();
	REQUIRE(total >= 6);
	for (uint64_t n = 1; n <= total && !th_failed(); n++) {
		struct xfx *x = xfx_new(NULL);
		struct sim_xen *sx = x->sx;
		uint64_t tmpl_l4 = sx->base;
		sx->fail_at = n;
		sx->fail_rc = -XEN_ENOMEM;
		enum ep_err e = xfx_run(x);
		CHECKF(e == EP_ERR_BACKEND, "failure at call %llu: got %s",
		       (unsigned long long)n, xfx_err_name(e));
		struct ep_error_info err = *ep_last_error(&x->ctx);
		CHECK_EQ(err.code, EP_ERR_BACKEND);
		CHECK_EQ((int64_t)err.need, -XEN_ENOMEM);
		CHECK(err.pa != 0);
		CHECK(err.op && (!strncmp(err.op, "mmu_update", 10) ||
				 !strncmp(err.op, "mmuext_op", 9)));
		char want[64];
		const char *line = xfx_errline(x);
		snprintf(want, sizeof want, "frame 0x%llx", (unsigned long long)err.pa);
		CHECKF(strstr(line, err.op) && strstr(line, want) && strstr(line, "code -12"),
		       "call %llu: %s", (unsigned long long)n, line);
		CHECK_EQ(x->hc.failed, 1);
		/* Nothing half-built was made live. */
		if (!x->be.pinned_pa) {
			CHECK_EQ(sx->base, tmpl_l4);
			CHECK(!x->ctx.live);
		}
		check_dead(x, &err);
		XCHECK_SIM_CLEAN(x);
	}
}

TEST(a_batch_failing_halfway_names_the_request_that_failed)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, xfx_build(x), EP_OK);
	XREQUIRE(x, ep_activate(&x->ctx), EP_OK);
	/* The give-back batch of ep_finish: half of it goes in. */
	x->sx->fail_at = x->sx->calls + 1;
	uint64_t reqs = x->hc.mmu_requests, done = x->sx->mmu_reqs;
	XEXPECT(x, ep_finish(&x->ctx), EP_ERR_BACKEND);
	unsigned half = (unsigned)((x->hc.mmu_requests - reqs) / 2);
	CHECK(half > 8);
	CHECK_EQ(x->sx->mmu_reqs - done, half);
	CHECK_STR(ep_last_error(&x->ctx)->op, "mmu_update: spare frame writable again");
	CHECK_EQ(ep_last_error(&x->ctx)->pa, x->be.subject[half]);
	CHECK(ep_pool_contains(&x->ctx.pool, ep_last_error(&x->ctx)->pa));
	CHECK_EQ((int64_t)ep_last_error(&x->ctx)->need, -XEN_EIO);
	XCHECK_SIM_CLEAN(x);
}

TEST(a_pin_failure_names_the_operation_and_the_root)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, xfx_build(x), EP_OK);
	x->sx->fail_at = x->sx->calls + 1; /* the activation call */
	x->sx->fail_rc = -XEN_EINVAL;
	XEXPECT(x, ep_activate(&x->ctx), EP_ERR_BACKEND);
	/* pin went in; new baseptr (op 2 of 3) is where it stopped. */
	CHECK_STR(ep_last_error(&x->ctx)->op, "mmuext_op: new baseptr");
	CHECK_EQ(ep_last_error(&x->ctx)->pa, x->ctx.root);
	char want[128];
	snprintf(want, sizeof want,
		 "mmuext_op: new baseptr: xen backend failed on frame 0x%llx (va 0x0): code -22",
		 (unsigned long long)x->ctx.root);
	CHECK_STR(xfx_errline(x), want);
	CHECK(x->sx->base != sx_mfn(x->sx, x->ctx.root));
	CHECK(!x->ctx.live);
}

TEST(a_failed_invalidation_fails_the_request)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, xfx_run(x), EP_OK);
	/* The unmap's batch goes in; the invalidation after it fails. */
	x->sx->fail_at = x->sx->calls + 2;
	x->sx->fail_rc = -XEN_EPERM;
	uint64_t va = xfx_dva(9);
	XEXPECT(x, ep_unmap(&x->ctx, va, 2 * 4096), EP_ERR_BACKEND);
	const struct ep_error_info *e = ep_last_error(&x->ctx);
	CHECK_STR(e->op, "mmuext_op: invlpg");
	CHECK_EQ(e->va, va);
	CHECK_EQ((int64_t)e->need, -XEN_EPERM);
	CHECK_EQ(x->sx->invlpgs, 1); /* the first went in, as a real one may */
	XCHECK_SIM_CLEAN(x);
}

/* ---- the variant without the rule: the real backend, the rule undone ---- */

static enum ep_err ruleless_set_entry(struct ep_ctx *ctx, uint64_t table_pa,
				      unsigned level, unsigned index,
				      uint64_t entry)
{
	uint64_t before = ctx->count.refusals;
	enum ep_err e = ep_xen_ops.set_entry(ctx, table_pa, level, index, entry);
	if (e || ctx->count.refusals == before)
		return e;
	/* What a backend without the rule would have sent: the entry as asked. */
	struct xen_be *be = ctx->backend_data;
	be->batch[be->nbatch - 1].val |= RW | D;
	be->nrefusals--;
	ctx->count.refusals = before;
	return EP_OK;
}

static enum ep_err ruleless_set_run(struct ep_ctx *ctx, uint64_t table_pa,
				    unsigned level, unsigned index,
				    unsigned count, uint64_t first,
				    uint64_t step)
{
	enum ep_err e = EP_OK;
	for (unsigned i = 0; i < count && !e; i++)
		e = ruleless_set_entry(ctx, table_pa, level, index + i,
				       first + i * step);
	return e;
}

static void drop_the_rule(struct xfx *x)
{
	x->ops.set_entry = ruleless_set_entry;
	x->ops.set_run = ruleless_set_run;
	x->ops.check_request = NULL; /* no explicit refusal either */
}

TEST(without_the_rule_xen_rejects_the_pin)
{
	struct xfx_opts o = { .no_init = true };
	struct xfx *x = xfx_new(&o);
	drop_the_rule(x);
	XREQUIRE(x, xfx_init(x), EP_OK);
	XREQUIRE(x, xfx_build(x), EP_OK); /* nothing is typed yet: Xen is silent */
	CHECK_EQ(x->ctx.count.refusals, 0);
	uint64_t tmpl_l4 = x->sx->base;
	XEXPECT(x, ep_activate(&x->ctx), EP_ERR_BACKEND);
	const struct ep_error_info *e = ep_last_error(&x->ctx);
	CHECK_STR(e->op, "mmuext_op: pin L4");
	CHECK_EQ(e->pa, x->ctx.root);
	CHECKF((int64_t)e->need == -XEN_EINVAL || (int64_t)e->need == -XEN_EBUSY,
	       "code %lld", (long long)(int64_t)e->need);
	CHECKF(strstr(x->sx->why, "writable"), "xen said: %s", x->sx->why);
	CHECK_EQ(x->sx->base, tmpl_l4); /* still on the template */
	XCHECK_SIM_CLEAN(x);
}

TEST(without_the_rule_after_the_pin_xen_says_ebusy)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, xfx_build(x), EP_OK);
	XREQUIRE(x, ep_activate(&x->ctx), EP_OK);
	uint64_t table = x->ctx.root, va = xfx_dva(table >> 12);
	XREQUIRE(x, ep_unmap(&x->ctx, va, 4096), EP_OK);
	/* The real backend refuses it itself, by name... */
	XEXPECT(x, ep_map(&x->ctx, va, table, 4096, EP_W), EP_ERR_REFUSED);
	CHECK_EQ(ep_last_error(&x->ctx)->pa, table);
	/* ...the variant sends it, and Xen is the judge. */
	drop_the_rule(x);
	XEXPECT(x, ep_map(&x->ctx, va, table, 4096, EP_W), EP_ERR_BACKEND);
	CHECK_EQ((int64_t)ep_last_error(&x->ctx)->need, -XEN_EBUSY);
	XCHECK_SIM_CLEAN(x);
}

TEST(forgetting_release_spare_leaves_frames_nobody_can_write)
{
	for (int forget = 0; forget < 2 && !th_failed(); forget++) {
		struct xfx_opts o = { .no_init = true };
		struct xfx *x = xfx_new(&o);
		if (forget)
			x->ops.release_spare = NULL;
		XREQUIRE(x, xfx_init(x), EP_OK);
		XREQUIRE(x, xfx_run(x), EP_OK);
		uint64_t spare = xfx_pool_pfn(x, x->pool_frames - 1);
		CHECK_EQ(ep_frame_state(&x->ctx, spare << 12), EP_FRAME_RELEASED);
		struct sx_access a = sx_guest_store(x->sx, xfx_dva(spare), 42);
		/* The next user of a "released" frame: faults without it. */
		CHECKF(a.fault == (forget == 1), "forget=%d: fault=%d err=%u", forget,
		       a.fault, a.err);
		if (forget)
			CHECK_EQ(a.err, 3);
		XCHECK_SIM_CLEAN(x);
	}
}

/*
 * The debug hook behind the loader's defect=template: the template is still
 * released (no longer a table under the rule), but its frames keep the
 * read-only entries; Xen accepts that, the next user of the frame faults.
 */
TEST(keeping_the_template_read_only_leaves_frames_nobody_can_write)
{
	for (int keep = 0; keep < 2 && !th_failed(); keep++) {
		struct xfx_opts o = { .no_init = true };
		struct xfx *x = xfx_new(&o);
		x->be.cfg.debug.keep_template_readonly = keep;
		XREQUIRE(x, xfx_init(x), EP_OK);
		XREQUIRE(x, xfx_run(x), EP_OK);
		struct sim_xen *sx = x->sx;
		for (uint64_t pfn = sx->pt_pfn; pfn < sx->pt_pfn + sx->nr_pt; pfn++) {
			CHECK_EQ(xen_be_template_state(&x->be, pfn << 12), XEN_TMPL_RELEASED);
			struct sx_access a = sx_guest_store(sx, xfx_dva(pfn), 42);
			CHECKF(a.fault == (keep == 1), "keep=%d pfn 0x%llx: fault=%d err=%u",
			       keep, (unsigned long long)pfn, a.fault, a.err);
			if (keep)
				CHECK_EQ(a.err, 3);
			a = sx_guest_store(sx, xfx_kva(x, pfn), 42);
			CHECK(a.fault == (keep == 1));
		}
		/* Only the template's give-backs are missing; the spare ones are not. */
		uint64_t spare = x->pool_frames - ep_pool_used(&x->ctx.pool);
		CHECK_EQ(x->be.restored, 2 * (spare + (keep ? 0 : sx->nr_pt)));
		XCHECK_SIM_CLEAN(x);
	}
}

static enum ep_err keep_writable(struct ep_ctx *ctx, uint64_t pa)
{
	(void)ctx;
	(void)pa;
	return EP_OK; /* alloc_table that leaves the template's RW mapping */
}

TEST(without_read_only_before_hooking_the_pin_fails)
{
	struct xfx_opts o = { .no_init = true };
	struct xfx *x = xfx_new(&o);
	x->ops.alloc_table = keep_writable;
	XREQUIRE(x, xfx_init(x), EP_OK);
	XREQUIRE(x, xfx_build(x), EP_OK);
	XEXPECT(x, ep_activate(&x->ctx), EP_ERR_BACKEND);
	CHECK_STR(ep_last_error(&x->ctx)->op, "mmuext_op: pin L4");
	CHECK_EQ((int64_t)ep_last_error(&x->ctx)->need, -XEN_EINVAL);
	CHECKF(strstr(x->sx->why, "mapped writable"), "xen said: %s", x->sx->why);
	XCHECK_SIM_CLEAN(x);
}

TEST(zeroing_a_read_only_frame_by_store_is_caught)
{
	struct xfx_opts o = { .no_init = true };
	struct xfx *x = xfx_new(&o);
	x->ops.zero_table = NULL; /* the core stores the zeros itself */
	XREQUIRE(x, xfx_init(x), EP_OK);
	XREQUIRE(x, xfx_build(x), EP_OK);
	XREQUIRE(x, ep_activate(&x->ctx), EP_OK);
	CHECK_EQ(x->sx->violations, 0); /* fine while the template maps it RW */
	XEXPECT(x, ep_map(&x->ctx, 0x0000100000003000ULL, 0x100000, 4096, EP_W),
		EP_ERR_BACKEND);
	CHECK_EQ((int64_t)ep_last_error(&x->ctx)->need, -XEN_EFAULT);
	CHECK(x->sx->violations > 0);
	CHECKF(strstr(x->sx->violation, "nothing maps writable"), "%s", x->sx->violation);
}

TEST(an_early_switch_must_not_load_user_tables)
{
	/* "User tables" that do not exist yet: an ordinary, writable frame. */
	uint64_t junk = 3;
	for (int early_is_late = 0; early_is_late < 2 && !th_failed(); early_is_late++) {
		struct xfx_opts o = { .no_init = true, .user_root_pa = junk << 12 };
		struct xfx *x = xfx_new(&o);
		if (early_is_late)
			x->ops.activate_early = ep_xen_ops.activate_late;
		XREQUIRE(x, xfx_init(x), EP_OK);
		XREQUIRE(x, xfx_build(x), EP_OK);
		enum ep_err e = ep_activate(&x->ctx);
		if (!early_is_late) {
			XEXPECT(x, e, EP_OK);
			CHECK_EQ(x->sx->user_base, SX_NO_MFN);
			continue;
		}
		XEXPECT(x, e, EP_ERR_BACKEND);
		CHECK_STR(ep_last_error(&x->ctx)->op, "mmuext_op: new user baseptr");
		CHECK_EQ(ep_last_error(&x->ctx)->pa, junk << 12);
		CHECK_EQ((int64_t)ep_last_error(&x->ctx)->need, -XEN_EINVAL);
	}
}

TEST(the_first_frame_behind_pt_base_is_not_taken_for_the_root)
{
	/* The L4 is not first here: a backend that guessed would walk junk. */
	struct xfx_opts o = { .no_init = true,
			      .sim = { .order = SX_ORDER_SHUFFLED, .seed = 9 } };
	struct xfx *x = xfx_new(&o);
	REQUIRE(x->sx->pt_level[0] != 4);
	x->be.cfg.template_root_pa = x->be.base_pa = x->sx->pt_pfn << 12;
	XEXPECT(x, xfx_init(x), EP_ERR_CONFIG);
	CHECKF(strstr(xfx_errline(x), "xen template"), "%s", xfx_errline(x));
	CHECK_EQ(x->sx->calls, 0); /* found before anything was asked of Xen */
	/* From pt_base itself, the same template walks fine. */
	struct xfx *y = xfx_new(&(struct xfx_opts){ .sim = o.sim });
	CHECK_EQ(y->be.ntmpl, y->sx->nr_pt);
}

int main(void)
{
	RUN(every_injected_failure_ends_in_a_named_backend_error);
	RUN(a_batch_failing_halfway_names_the_request_that_failed);
	RUN(a_pin_failure_names_the_operation_and_the_root);
	RUN(a_failed_invalidation_fails_the_request);
	RUN(without_the_rule_xen_rejects_the_pin);
	RUN(without_the_rule_after_the_pin_xen_says_ebusy);
	RUN(forgetting_release_spare_leaves_frames_nobody_can_write);
	RUN(keeping_the_template_read_only_leaves_frames_nobody_can_write);
	RUN(without_read_only_before_hooking_the_pin_fails);
	RUN(zeroing_a_read_only_frame_by_store_is_caught);
	RUN(an_early_switch_must_not_load_user_tables);
	RUN(the_first_frame_behind_pt_base_is_not_taken_for_the_root);
	return th_done();
}
