/*
 * The simulated Xen on its own: its start-of-day, and every PV rule it
 * enforces, driven through the counted hypercall wrapper as the backend
 * drives it. If these did not hold, the backend tests would prove nothing.
 */
#include <string.h>

#include "harness.h"
#include "sim_xen.h"
#include "xen/hc.h"

#define P 1ULL
#define RW 2ULL
#define US 4ULL
#define A 0x20ULL
#define PS 0x80ULL

static struct xen_hcall_acct acct;

/* Machine address of the template L1 entry that maps pfn. */
static uint64_t pte_of(struct sim_xen *sx, uint64_t pfn)
{
	struct sim_result r = sim_probe(sx->m, sx_va(sx, pfn));
	REQUIRE(r.kind == SIM_OK && r.depth == 4);
	return r.table[3] | ((sx_va(sx, pfn) >> 12 & 511) * 8);
}

static long mmu1(uint64_t ptr, uint64_t val)
{
	mmu_update_t u = { ptr | MMU_NORMAL_PT_UPDATE, val };
	unsigned done = 0;
	return xen_mmu_update(&acct, &u, 1, &done);
}

static long ext1(unsigned cmd, uint64_t mfn)
{
	struct mmuext_op op = { .cmd = cmd };
	op.arg1.mfn = mfn;
	unsigned done = 0;
	return xen_mmuext_op(&acct, &op, 1, &done);
}

/* A padding frame zeroed by a (legal) guest store, and its mfn. */
static uint64_t fresh(struct sim_xen *sx, uint64_t k)
{
	uint64_t pfn = sx->free_pfn + k;
	REQUIRE(pfn < sx->region_pages);
	memset(sim_xen_phys_to_virt(sx, pfn << 12), 0, 4096);
	return sx_mfn(sx, pfn);
}

static long make_ro(struct sim_xen *sx, uint64_t pfn)
{
	return xen_update_va_mapping(&acct, sx_va(sx, pfn),
				     (sx_mfn(sx, pfn) << 12) | P | A, UVMF_INVLPG);
}

static void clean(struct sim_xen *sx)
{
	char msg[256];
	CHECKF(!sx_audit(sx), "violation: %s", sx->violation);
	CHECKF(sx_check_invariants(sx, msg, sizeof msg), "%s", msg);
}

TEST(start_of_day_is_xens)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	CHECK_EQ(sx->region_pages % 1024, 0); /* ends on 4 MiB */
	CHECK(sx->region_pages - sx->free_pfn >= 128); /* >= 512 KiB padding */
	CHECK(!strncmp(sx->si.magic, "xen-3.0", 7));
	CHECK_EQ(sx->si.pt_base, sx_va(sx, sx->l4_pfn));
	CHECK_EQ(sx->si.nr_pt_frames, sx->nr_pt);
	CHECK_EQ(sx->si.mfn_list, sx_va(sx, sx->p2m_pfn));
	CHECK_EQ(sx->si.nr_pages, sx->nr_pages);
	/* The region is mapped 1:1, read-only exactly where tables are. */
	for (uint64_t p = 0; p < sx->region_pages && !th_failed(); p++) {
		struct sim_result r = sim_probe(sx->m, sx_va(sx, p));
		bool pt = p >= sx->pt_pfn && p < sx->pt_pfn + sx->nr_pt;
		CHECK_EQ(r.kind, SIM_OK);
		CHECK_EQ(r.pa >> 12, sx_mfn(sx, p));
		CHECK_EQ(!!(r.perms & SIM_PERM_W), !pt);
		CHECK(r.perms & SIM_PERM_U); /* Xen set _PAGE_USER */
	}
	CHECK_EQ(sim_probe(sx->m, sx_va(sx, sx->region_pages)).kind, SIM_PF);
	/* Every bootstrap frame is a table of its level; the L4 pinned, live. */
	for (uint64_t i = 0; i < sx->nr_pt; i++) {
		const struct sx_frame *f = &sx->f[sx_mfn(sx, sx->pt_pfn + i)];
		CHECK(f->tcount > 0);
		CHECK_EQ(f->type, sx->pt_level[i]);
	}
	CHECK(sx->f[sx_mfn(sx, sx->l4_pfn)].pinned);
	CHECK_EQ(sx->base, sx_mfn(sx, sx->l4_pfn));
	CHECK_EQ(sx->user_base, SX_NO_MFN);
	/* The p2m list is in guest memory too, and is no identity. */
	const xen_pfn_t *list = sim_xen_phys_to_virt(sx, sx->p2m_pfn << 12);
	uint64_t breaks = 0;
	for (uint64_t p = 0; p < 512; p++) {
		CHECK_EQ(list[p], sx->p2m[p]);
		breaks += sx->p2m[p + 1] != sx->p2m[p] + 1;
	}
	CHECK(breaks > 400);
	clean(sx);
}

TEST(bootstrap_frames_come_in_different_orders)
{
	struct sx_config c = { .order = SX_ORDER_DOM0 };
	struct sim_xen *d = sim_xen_new(&c);
	CHECK_EQ(d->pt_level[0], 4);
	CHECK_EQ(d->pt_level[1], 1);
	CHECK_EQ(d->pt_level[2], 2);
	CHECK_EQ(d->pt_level[3], 3);
	c.order = SX_ORDER_TOOLSTACK;
	struct sim_xen *t = sim_xen_new(&c);
	CHECK_EQ(t->pt_level[0], 4);
	CHECK_EQ(t->pt_level[1], 3);
	CHECK_EQ(t->pt_level[2], 2);
	CHECK_EQ(t->pt_level[3], 1);
	c.order = SX_ORDER_SHUFFLED;
	c.seed = 5;
	struct sim_xen *s = sim_xen_new(&c);
	CHECK(s->pt_level[0] != 4);
	CHECK(s->l4_pfn != s->pt_pfn);
	clean(s);
}

/* docs/platform.md, in the order it lists Xen 4.17's rules. */
TEST(pin_needs_read_only_and_pins_once)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t pfn = sx->free_pfn, mfn = fresh(sx, 0);
	CHECK_EQ(ext1(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL); /* still RW */
	CHECK_EQ(sx->f[mfn].tcount, 0);
	CHECK_EQ(make_ro(sx, pfn), 0);
	CHECK_EQ(ext1(MMUEXT_PIN_L1_TABLE, mfn), 0);
	CHECK_EQ(ext1(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL); /* twice */
	CHECK_EQ(ext1(MMUEXT_UNPIN_TABLE, mfn), 0);
	CHECK_EQ(ext1(MMUEXT_UNPIN_TABLE, mfn), -XEN_EINVAL);
	CHECK_EQ(sx->f[mfn].tcount, 0);
	clean(sx);
}

TEST(writable_mapping_of_a_table_is_ebusy)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t pfn = sx->free_pfn, mfn = fresh(sx, 0);
	REQUIRE(make_ro(sx, pfn) == 0);
	REQUIRE(ext1(MMUEXT_PIN_L1_TABLE, mfn) == 0);
	CHECK_EQ(xen_update_va_mapping(&acct, sx_va(sx, pfn), (mfn << 12) | P | RW | A, 0),
		 -XEN_EBUSY);
	/* Same through mmu_update, on a frame of the template. */
	uint64_t pt = sx->pt_pfn;
	CHECK_EQ(mmu1(pte_of(sx, pt), (sx_mfn(sx, pt) << 12) | P | RW | A), -XEN_EBUSY);
	CHECK(!(sim_probe(sx->m, sx_va(sx, pt)).perms & SIM_PERM_W));
	clean(sx);
}

TEST(pse_is_invalid_for_pv)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	/* Into the live L2 of the template, through mmu_update. */
	struct sim_result r = sim_probe(sx->m, sx_va(sx, 0));
	uint64_t l2_entry = r.table[2] + 8 * 100; /* an unused slot */
	uint64_t big = (sx_mfn(sx, 0) << 12) | P | RW | A | PS;
	CHECK_EQ(mmu1(l2_entry, big), -XEN_EINVAL);
	CHECK(strstr(sx->why, "PSE"));
	/* Or found when a tree is pinned. */
	uint64_t pfn = sx->free_pfn, mfn = fresh(sx, 0);
	sx_frame_mem(sx, mfn)[3] = big;
	REQUIRE(make_ro(sx, pfn) == 0);
	CHECK_EQ(ext1(MMUEXT_PIN_L2_TABLE, mfn), -XEN_EINVAL);
	CHECK_EQ(sx->f[sx_mfn(sx, 0)].maps, 1); /* nothing left behind */
	clean(sx);
}

/* A little tree in padding frames k..k+3: L4 -> L3 -> L2 -> L1 -> page. */
struct mini {
	uint64_t pfn[4], mfn[4]; /* [0] L4 ... [3] L1 */
};

static struct mini mini_tree(struct sim_xen *sx, uint64_t k, uint64_t va,
			     uint64_t target_pfn, uint64_t leaf_flags)
{
	struct mini t;
	for (unsigned i = 0; i < 4; i++) {
		t.pfn[i] = sx->free_pfn + k + i;
		t.mfn[i] = fresh(sx, k + i);
	}
	for (unsigned i = 0; i < 3; i++)
		sx_frame_mem(sx, t.mfn[i])[(va >> (39 - 9 * i)) & 511] =
			(t.mfn[i + 1] << 12) | P | RW | A;
	sx_frame_mem(sx, t.mfn[3])[(va >> 12) & 511] =
		(sx_mfn(sx, target_pfn) << 12) | P | A | leaf_flags;
	return t;
}

TEST(new_l4_pins_only_when_every_table_is_read_only)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	struct mini t = mini_tree(sx, 0, 0x400000, 1, 0);
	for (unsigned i = 0; i < 3; i++)
		REQUIRE(make_ro(sx, t.pfn[i]) == 0);
	/* The L1 is still writable: the whole pin fails, nothing is typed. */
	CHECK_EQ(ext1(MMUEXT_PIN_L4_TABLE, t.mfn[0]), -XEN_EINVAL);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(sx->f[t.mfn[i]].tcount, 0);
	clean(sx);
	REQUIRE(make_ro(sx, t.pfn[3]) == 0);
	CHECK_EQ(ext1(MMUEXT_PIN_L4_TABLE, t.mfn[0]), 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(sx->f[t.mfn[i]].type, 4 - i);
	clean(sx);
}

TEST(xen_sets_user_bit_and_its_own_l4_slots)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	struct mini t = mini_tree(sx, 0, 0x400000, 1, 0);
	for (unsigned i = 0; i < 4; i++)
		REQUIRE(make_ro(sx, t.pfn[i]) == 0);
	REQUIRE(ext1(MMUEXT_PIN_L4_TABLE, t.mfn[0]) == 0);
	const uint64_t *l4 = sx_frame_mem(sx, t.mfn[0]);
	CHECK(l4[0] & US);
	CHECK(sx_frame_mem(sx, t.mfn[3])[0x400] & US);
	CHECK_EQ(l4[256] >> 12, sx->xen_l3_mfn);
	CHECK_EQ(l4[271] >> 12, sx->xen_l3_mfn);
	/* Entries Xen writes through mmu_update get it too. */
	uint64_t l1e = (t.mfn[3] << 12) + 8 * 5;
	CHECK_EQ(mmu1(l1e, (sx_mfn(sx, 2) << 12) | P | A), 0);
	CHECK(sx_frame_mem(sx, t.mfn[3])[5] & US);
	/* Xen's slots are not the guest's to write. */
	CHECK_EQ(mmu1((t.mfn[0] << 12) + 8 * 260, (t.mfn[1] << 12) | P), -XEN_EINVAL);
	clean(sx);
}

TEST(stores_into_l2_l4_fault_into_l1_are_emulated)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t l2 = 0, l1 = 0;
	for (uint64_t i = 0; i < sx->nr_pt; i++) {
		if (sx->pt_level[i] == 2)
			l2 = sx->pt_pfn + i;
		if (sx->pt_level[i] == 1 && !l1)
			l1 = sx->pt_pfn + i;
	}
	struct sx_access a = sx_guest_store(sx, sx_va(sx, l2) + 8 * 300, 0);
	CHECK(a.fault);
	CHECK_EQ(a.err, 3); /* present, write: as measured */
	/* A store into a live L1 is emulated, and validated. */
	uint64_t slot = sx_va(sx, l1) + 8 * 511;
	uint64_t cur;
	REQUIRE(!sx_guest_load(sx, slot, &cur).fault);
	a = sx_guest_store(sx, slot, cur & ~RW);
	CHECK(!a.fault && a.emulated);
	CHECK_EQ(a.rc, 0);
	a = sx_guest_store(sx, slot, (sx_mfn(sx, l2) << 12) | P | RW | A);
	CHECK(a.emulated);
	CHECK_EQ(a.rc, -XEN_EBUSY);
	clean(sx);
}

TEST(unpinning_the_template_makes_its_frames_ordinary)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	struct mini t = mini_tree(sx, 0, 0x400000, 1, 0);
	for (unsigned i = 0; i < 4; i++)
		REQUIRE(make_ro(sx, t.pfn[i]) == 0);
	uint64_t pt = sx->pt_pfn, l1e = (t.mfn[3] << 12) + 8 * 7;
	uint64_t rw = (sx_mfn(sx, pt) << 12) | P | RW | A;
	REQUIRE(ext1(MMUEXT_PIN_L4_TABLE, t.mfn[0]) == 0);
	CHECK_EQ(mmu1(l1e, rw), -XEN_EBUSY); /* template still typed */
	uint64_t old = sx->base;
	CHECK_EQ(ext1(MMUEXT_NEW_BASEPTR, t.mfn[0]), 0);
	CHECK_EQ(ext1(MMUEXT_UNPIN_TABLE, old), 0);
	for (uint64_t i = 0; i < sx->nr_pt; i++)
		CHECK_EQ(sx->f[sx_mfn(sx, pt + i)].tcount, 0);
	CHECK_EQ(mmu1(l1e, rw), 0);
	clean(sx);
}

TEST(new_user_baseptr_wants_a_real_l4)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t junk = sx_mfn(sx, sx->free_pfn); /* garbage, and writable */
	CHECK_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, junk), -XEN_EINVAL);
	CHECK_EQ(sx->user_base, SX_NO_MFN);
	CHECK_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, sx->base), 0);
	CHECK_EQ(sx->user_base, sx->base);
	CHECK_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, 0), 0); /* 0: none */
	CHECK_EQ(sx->user_base, SX_NO_MFN);
	clean(sx);
}

TEST(multicall_carries_results_and_injection_stops_halfway)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t pfn = sx->free_pfn, pt = sx->pt_pfn;
	multicall_entry_t mc[2] = {
		{ .op = __HYPERVISOR_update_va_mapping,
		  .args = { sx_va(sx, pfn), (sx_mfn(sx, pfn) << 12) | P | A, 0 } },
		{ .op = __HYPERVISOR_update_va_mapping,
		  .args = { sx_va(sx, pt), (sx_mfn(sx, pt) << 12) | P | RW | A, 0 } },
	};
	uint64_t calls = sx->calls;
	CHECK_EQ(xen_multicall(&acct, mc, 2), 0);
	CHECK_EQ(sx->calls, calls + 1);
	CHECK_EQ((long)mc[0].result, 0);
	CHECK_EQ((long)mc[1].result, -XEN_EBUSY);

	mmu_update_t u[4];
	for (unsigned i = 0; i < 4; i++) {
		uint64_t p = sx->free_pfn + 1 + i;
		u[i] = (mmu_update_t){ pte_of(sx, p), (sx_mfn(sx, p) << 12) | P | A };
	}
	sx->fail_at = sx->calls + 1;
	sx->fail_rc = -XEN_ENOMEM;
	unsigned done = 99;
	CHECK_EQ(xen_mmu_update(&acct, u, 4, &done), -XEN_ENOMEM);
	CHECK_EQ(done, 2);
	CHECK(!(sim_probe(sx->m, sx_va(sx, sx->free_pfn + 1)).perms & SIM_PERM_W));
	CHECK(sim_probe(sx->m, sx_va(sx, sx->free_pfn + 3)).perms & SIM_PERM_W);
	clean(sx);
}

TEST(direct_stores_are_audited)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	/* A store into a live L2 that bypassed Xen: the guest would fault. */
	struct sim_result r = sim_probe(sx->m, sx_va(sx, 0));
	uint64_t *l2 = sx_frame_mem(sx, r.table[2] >> 12);
	uint64_t keep = l2[77];
	l2[77] = 0x1234007;
	CHECK_EQ(mmu1(pte_of(sx, sx->free_pfn), (sx_mfn(sx, sx->free_pfn) << 12) | P | A),
		 -XEN_EFAULT);
	CHECK_EQ(sx->violations, 1);
	CHECK(strstr(sx->violation, "L2..L4"));
	CHECK_EQ(l2[77], keep); /* it never happened */
	/* One into a live L1 is emulated like a trapped store. */
	uint64_t *l1 = sx_frame_mem(sx, r.table[3] >> 12);
	l1[0] &= ~RW;
	CHECK_EQ(sx_audit(sx), 1);
	CHECK_EQ(sx->emulated, 1);
	CHECK(!(sim_probe(sx->m, sx_va(sx, 0)).perms & SIM_PERM_W));
	char msg[256];
	CHECKF(sx_check_invariants(sx, msg, sizeof msg), "%s", msg);
}

int main(void)
{
	RUN(start_of_day_is_xens);
	RUN(bootstrap_frames_come_in_different_orders);
	RUN(pin_needs_read_only_and_pins_once);
	RUN(writable_mapping_of_a_table_is_ebusy);
	RUN(pse_is_invalid_for_pv);
	RUN(new_l4_pins_only_when_every_table_is_read_only);
	RUN(xen_sets_user_bit_and_its_own_l4_slots);
	RUN(stores_into_l2_l4_fault_into_l1_are_emulated);
	RUN(unpinning_the_template_makes_its_frames_ordinary);
	RUN(new_user_baseptr_wants_a_real_l4);
	RUN(multicall_carries_results_and_injection_stops_halfway);
	RUN(direct_stores_are_audited);
	return th_done();
}
