/*
 * The one-page window (common/paging/xen/xen_window.h) against the
 * simulated Xen: while open, the borrowed address reaches the other frame;
 * closed, its own again; a window onto a page table is refused by Xen and
 * leaves nothing open. The PV start of day reaches a domU's console ring
 * this way (docs/domu.md, "PV domU with a large module").
 */
#include "harness.h"
#include "paging/xen/xen_window.h"
#include "sim_xen.h"
#include "xen/hc.h"

static struct xen_hcall_acct acct;

/*
 * The leaf entry that maps pfn now, less the software bit 52 Xen sets on
 * every L1 entry it writes for a 64-bit PV kernel (tests/unit/sim_xen.c).
 */
static uint64_t leaf_of(struct sim_xen *sx, uint64_t pfn)
{
	struct sim_result r = sim_probe(sx->m, sx_va(sx, pfn));
	REQUIRE(r.kind == SIM_OK && r.depth == 4);
	return sx_frame_mem(sx, r.table[3] >> 12)[sx_va(sx, pfn) >> 12 & 511] & ~(1ULL << 52);
}

TEST(window_reaches_the_other_frame_then_gives_the_page_back)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t own = sx->free_pfn, other = sx->free_pfn + 1;
	uint64_t saved = leaf_of(sx, own);
	struct xen_be_window w = { 0 };
	CHECK_EQ(xen_be_window_open(&acct, &w, sx_va(sx, own), saved, sx_mfn(sx, other)), 0);
	CHECK(w.open);
	CHECK_EQ(sx_guest_store(sx, sx_va(sx, own), 0x5a5a).mfn, sx_mfn(sx, other));
	CHECK_EQ(sx_frame_mem(sx, sx_mfn(sx, other))[0], 0x5a5aULL);
	/* The flags stay the page's own; only the frame changes. */
	CHECK_EQ(leaf_of(sx, own) & ~0x000ffffffffff000ULL, saved & ~0x000ffffffffff000ULL);
	CHECK_EQ(xen_be_window_close(&acct, &w), 0);
	CHECK(!w.open);
	CHECK_EQ(leaf_of(sx, own), saved);
	CHECK_EQ(sx_guest_store(sx, sx_va(sx, own), 1).mfn, sx_mfn(sx, own));
	/* Closing twice is nothing. */
	uint64_t calls = acct.total;
	CHECK_EQ(xen_be_window_close(&acct, &w), 0);
	CHECK_EQ(acct.total, calls);
	CHECK(!sx_audit(sx));
}

TEST(window_onto_a_table_is_refused_and_stays_closed)
{
	struct sim_xen *sx = sim_xen_new(NULL);
	uint64_t own = sx->free_pfn;
	uint64_t saved = leaf_of(sx, own);
	struct xen_be_window w = { 0 };
	/* A writable mapping of a typed frame: Xen says -EBUSY. */
	CHECK(xen_be_window_open(&acct, &w, sx_va(sx, own), saved, sx_mfn(sx, sx->l4_pfn)) != 0);
	CHECK(!w.open);
	CHECK_EQ(leaf_of(sx, own), saved);
	CHECK_EQ(xen_be_window_close(&acct, &w), 0);
}

int main(void)
{
	RUN(window_reaches_the_other_frame_then_gives_the_page_back);
	RUN(window_onto_a_table_is_refused_and_stays_closed);
	return th_done();
}
