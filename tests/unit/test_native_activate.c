/*
 * The native activation on the simulated CPU (common/paging/native/ep_native.c):
 * the protections every native tree relies on (EFER.NXE, CR0.WP) are on
 * before the CR3 load, whatever the predecessor left, and a load that
 * replaces another root drops that tree's global translations.
 */
#include "ep_fixture.h"

/* Position of the first event e in the simulated CPU's log; -1 if none. */
static int first_event(const struct sim *s, enum sim_event e)
{
	for (unsigned i = 0; i < s->nevents && i < SIM_EVENT_LOG; i++)
		if (s->events[i] == e)
			return (int)i;
	return -1;
}

TEST(nxe_and_wp_set_before_the_cr3_load)
{
	struct fx *f = fx_new(&(struct fx_opts){ 0 });
	REQUIRE_EP(f, ep_map(&f->ctx, 2 * MiB, 2 * MiB, PAGE, EP_W), EP_OK);
	/* A firmware that ran with both off. */
	f->sim->nxe = false;
	f->sim->wp = false;
	f->sim->nevents = 0;
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECKF(f->sim->nxe_at_cr3, "EFER.NXE off at the CR3 load");
	CHECKF(f->sim->wp_at_cr3, "CR0.WP off at the CR3 load");
	CHECK(f->sim->nxe && f->sim->wp);
	int efer = first_event(f->sim, SIM_EV_EFER), cr0 = first_event(f->sim, SIM_EV_CR0);
	int cr3 = first_event(f->sim, SIM_EV_CR3);
	CHECKF(efer >= 0 && cr0 >= 0 && cr3 > efer && cr3 > cr0,
	       "events EFER at %d, CR0 at %d, CR3 at %d", efer, cr0, cr3);
	/* The tree is now walked with NX honoured and read-only enforced. */
	CHECK(sim_access(f->sim, 2 * MiB, SIM_X).kind == SIM_PF);
}

TEST(protections_already_on_are_not_rewritten)
{
	struct fx *f = fx_new(&(struct fx_opts){ 0 });
	f->sim->nevents = 0;
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(first_event(f->sim, SIM_EV_EFER), -1);
	CHECK_EQ(first_event(f->sim, SIM_EV_CR0), -1);
	CHECK(f->sim->nxe_at_cr3 && f->sim->wp_at_cr3);
}

/* A CPU without NX: no NXE write (a #GP), and a tree with NX bits refused. */
TEST(cpu_without_nx)
{
	struct fx *f = fx_new(&(struct fx_opts){ .no_nx = true });
	f->sim->wp = false;
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(f->sim->nxe_gp, 0);
	CHECK(!f->sim->nxe);
	CHECK(f->sim->wp_at_cr3);

	struct fx *g = fx_new(&(struct fx_opts){ 0 });
	g->sim->cpu_nx = false;
	g->sim->nxe = false;
	unsigned long writes = g->sim->cr3_writes;
	EXPECT_EP(g, ep_activate(&g->ctx), EP_ERR_CONFIG);
	CHECK(fx_contains(fx_errline(g), "NX"));
	CHECK_EQ(g->sim->cr3_writes, writes);
	CHECK_EQ(g->sim->nxe_gp, 0);
	CHECK(!g->ctx.live);
}

/*
 * A global translation the firmware left for a va the new tree does not
 * map: a plain CR3 load keeps it, so without the first activation's flush
 * the new tree would be bypassed there.
 */
TEST(first_activation_drops_global_translations)
{
	struct fx *f = fx_new(&(struct fx_opts){ 0 });
	struct sim *s = f->sim;
	/* The "firmware's" tree: a second context on the same machine. */
	uint64_t fw_pa = 256 * MiB, va = 1 * GiB;
	sim_add_ram(s, fw_pa, 16 * PAGE, "firmware tables");
	uint8_t fw_state[16];
	struct ep_ctx fw;
	struct ep_config cfg = { .ops = &ep_native_ops, .levels = 4,
				 .phys_to_virt = sim_phys_to_virt, .env = s,
				 .pool_pa = fw_pa, .pool_frames = 16,
				 .pool_state = fw_state };
	REQUIRE_EQ(ep_init(&fw, &cfg), EP_OK);
	REQUIRE_EQ(ep_map(&fw, va, 2 * MiB, 2 * MiB, EP_W | EP_G), EP_OK);
	sim_set_root(s, fw.root);
	s->tlb_on = true;
	struct sim_result r = sim_access(s, va, SIM_R);
	REQUIRE(r.kind == SIM_OK);
	REQUIRE(sim_access(s, va, SIM_R).from_tlb);

	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	r = sim_access(s, va, SIM_R);
	CHECKF(r.kind == SIM_PF && !r.from_tlb,
	       "va 0x%llx unmapped in the new tree: %s%s", (unsigned long long)va,
	       sim_kind_name(r.kind), r.from_tlb ? " from the firmware's global TLB entry" : "");
	int cr3 = first_event(s, SIM_EV_CR3), flush = first_event(s, SIM_EV_FLUSH);
	CHECKF(flush > cr3 && cr3 >= 0, "CR3 load at %d, flush at %d", cr3, flush);

	/* Loading the root already live needs no such flush. */
	unsigned long flushes = s->flushes;
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	CHECK_EQ(s->flushes, flushes);

	/* Back from another tree, whose global entries are stale here too. */
	sim_set_root(s, fw.root);
	REQUIRE(sim_access(s, va, SIM_R).kind == SIM_OK);
	REQUIRE_EP(f, ep_activate(&f->ctx), EP_OK);
	r = sim_access(s, va, SIM_R);
	CHECKF(r.kind == SIM_PF && !r.from_tlb, "after a switch back: %s%s",
	       sim_kind_name(r.kind), r.from_tlb ? " from a stale global entry" : "");
}

int main(void)
{
	RUN(nxe_and_wp_set_before_the_cr3_load);
	RUN(protections_already_on_are_not_rewritten);
	RUN(cpu_without_nx);
	RUN(first_activation_drops_global_translations);
	return th_done();
}
