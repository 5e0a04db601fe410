/*
 * A simulated Xen for the host tests: machine memory, the p2m/m2p, Xen's
 * per-frame type accounting, and the MMU hypercalls a PV guest uses. It
 * enforces the PV rules of docs/design.md and docs/platform.md, from Xen's side:
 *
 *  - a frame typed L1..L4 has no writable mapping: an L1 entry mapping it
 *    writable is refused with -EBUSY;
 *  - a frame that is still mapped writable cannot get a page-table type:
 *    pin (or hooking it under a typed table) fails with -EINVAL;
 *  - PSE at L2/L3 (and L4) is invalid (-EINVAL) for a PV guest;
 *  - pinning a pinned frame fails with -EINVAL;
 *  - a new L4 validates only when every table below it is read-only
 *    everywhere;
 *  - typed tables change only through Xen: a direct store into a typed
 *    L2..L4 faults (#PF, error code 3), one into a typed L1 is emulated
 *    and validated (writable page tables assist); any other direct store
 *    into a frame nothing maps writable is recorded as a violation;
 *  - Xen sets _PAGE_USER on every present entry it validates or writes,
 *    and writes its own L4 slots (256..271) into every L4 it validates.
 *
 * Types are counted the way Xen counts them: a page-table frame is typed by
 * the entries that point to it from typed tables, by a pin and by being a
 * base pointer; when its count drops to zero it is devalidated at once and
 * drops the references its own entries held. Writable and read-only
 * mappings are counted only from typed (validated) L1s.
 *
 * sim_xen_new() also builds a start-of-day like Xen's for a PV dom0 (see
 * sim_xen_boot.c) so the backend under test starts from a real template.
 * The simulated machine memory is a struct sim (sim_mmu.h) at machine
 * address 0, so the hardware walker checks translations of any tree.
 */
#ifndef EARLYBOOT_SIM_XEN_H
#define EARLYBOOT_SIM_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_mmu.h"
#include "xen/abi.h"

#define SX_NO_MFN (~0ULL)
#define SX_INVALID_M2P (~0UL)

/* Order of the bootstrap page-table frames behind pt_base. */
enum sx_pt_order {
	SX_ORDER_DOM0,      /* [L4] [L1] [L2] [L3] [L1] [L1] ... */
	SX_ORDER_TOOLSTACK, /* [L4] [L3] [L2] [L1] [L1] ... */
	SX_ORDER_SHUFFLED,  /* a seeded permutation, the L4 not first */
};

/* Where in its batch the injected failure hits the failing call. */
enum sx_fail_where {
	SX_FAIL_HALF = 0, /* request count / 2 (the first of one) */
	SX_FAIL_FIRST,    /* nothing of the batch goes in */
	SX_FAIL_LAST,     /* all but the last request go in */
};

struct sx_config {
	uint64_t nr_pages;      /* guest frames (default 4096: 16 MiB) */
	uint64_t xen_frames;    /* machine frames Xen keeps (default 64) */
	uint64_t kernel_pages;  /* the loaded kernel image (default 256) */
	uint64_t padding_pages; /* at least this much padding (default 128) */
	uint64_t seed;          /* p2m permutation, shuffled order (default 1) */
	enum sx_pt_order order;
	uint64_t virt_base;     /* default 0xffffffff80000000 */
};

struct sx_frame {
	bool guest;      /* owned by the guest (else Xen's) */
	uint8_t type;    /* 0, or 1..4 for L1..L4 (meaningful while tcount) */
	bool pinned;
	bool validating; /* inside its own validation: a loop */
	bool shadowed;   /* nothing may store into it directly: audited */
	uint32_t tcount; /* type references */
	uint32_t maps;   /* mappings from typed L1s */
	uint32_t wmaps;  /* writable ones among them */
};

struct sim_xen {
	struct sx_config cfg;
	struct sim *m;  /* machine memory at machine address 0; the walker */
	uint8_t *mem;   /* machine memory */
	uint8_t *shadow; /* what audited frames must still hold */
	uint64_t nr_mfns, nr_pages;
	xen_pfn_t *p2m; /* pfn -> mfn */
	xen_pfn_t *m2p; /* mfn -> pfn, SX_INVALID_M2P for Xen's frames */
	struct sx_frame *f;
	uint64_t base, user_base; /* mfns, SX_NO_MFN: none */
	uint64_t xen_l3_mfn;      /* what Xen's L4 slots point to */

	/* Start-of-day layout, in guest frames. */
	start_info_t si;
	uint64_t virt_base, region_pages;
	uint64_t p2m_pfn, p2m_pages, si_pfn, pt_pfn, nr_pt, stack_pfn;
	uint64_t free_pfn;  /* first frame after the stack: the padding */
	uint64_t l4_pfn;    /* the template's root */
	uint8_t *pt_level;  /* level of template frame pt_pfn + i */

	/* Accounting. */
	uint64_t calls, per_op[64], mmu_reqs, ext_ops, mc_entries;
	uint64_t flushes, invlpgs, clears, emulated;
	/* MMUEXT_NEW_USER_BASEPTR operations seen, and the last one's mfn. */
	uint64_t user_baseptr_ops, user_baseptr_mfn;

	/*
	 * Failure injection: hypercall number fail_at (1-based) fails with
	 * fail_rc. An mmu_update or mmuext_op call fails at one of the
	 * requests it carries (fail_where: halfway by default, or its first or
	 * last), after those before it went in, as a real batch may; any other
	 * call fails before doing anything. What the failed call carried and
	 * where it stopped: fail_count, fail_stop.
	 */
	uint64_t fail_at;
	long fail_rc;
	enum sx_fail_where fail_where;
	unsigned fail_count, fail_stop;

	/* Rule breaks seen from Xen's side, and the last refusal's reason. */
	uint64_t violations;
	char violation[256];
	char why[256];
	long last_rc;

	char console[4096];
	size_t console_len;
};

struct sim_xen *sim_xen_new(const struct sx_config *cfg);
/* The Xen that xen_hypercall5 talks to (sim_xen_new makes it current). */
void sim_xen_make_current(struct sim_xen *sx);

/* For ep_config.phys_to_virt, env = the sim_xen: guest pseudo-physical. */
void *sim_xen_phys_to_virt(void *env, uint64_t pa);
uint64_t sx_mfn(const struct sim_xen *sx, uint64_t pfn);
/* Where the bootstrap region maps pfn (virt_base + pfn * 4 KiB). */
static inline uint64_t sx_va(const struct sim_xen *sx, uint64_t pfn)
{
	return sx->virt_base + pfn * 4096;
}
uint64_t sx_pfn(const struct sim_xen *sx, uint64_t mfn);
uint64_t *sx_frame_mem(struct sim_xen *sx, uint64_t mfn);

/* A guest store or load at va through the current base pointer. */
struct sx_access {
	bool fault;        /* #PF */
	uint32_t err;      /* its error code */
	bool emulated;     /* a store into a typed L1, done by Xen */
	long rc;           /* the emulation's result */
	uint64_t mfn;      /* frame reached */
};
struct sx_access sx_guest_store(struct sim_xen *sx, uint64_t va, uint64_t val);
struct sx_access sx_guest_load(struct sim_xen *sx, uint64_t va, uint64_t *val);

/*
 * Compare audited frames with their shadow: a difference is a direct store
 * the guest could not have made. Also run at every hypercall entry.
 * Returns the violations so far.
 */
uint64_t sx_audit(struct sim_xen *sx);
/*
 * Recompute every frame's mapping counts from the typed L1s and check them
 * and the type invariants (typed frames have no writable mapping). The
 * simulator's own consistency: false with a reason in msg.
 */
bool sx_check_invariants(struct sim_xen *sx, char *msg, size_t len);

/* ---- inside the simulator (sim_xen*.c) ---- */
/* The Xen xen_hypercall5 talks to (aborts if none), and forgetting it. */
struct sim_xen *sx_current(void);
void sx_forget(struct sim_xen *sx);
long sx_get_type(struct sim_xen *sx, uint64_t mfn, unsigned level);
void sx_put_type(struct sim_xen *sx, uint64_t mfn);
/* A validated update of entry idx of typed table mfn (mmu_update, ptwr). */
long sx_update_entry(struct sim_xen *sx, uint64_t mfn, unsigned idx,
		     uint64_t val);
/* Write through Xen: memory and shadow together. */
void sx_write(struct sim_xen *sx, uint64_t mfn, unsigned idx, uint64_t val);
/* After every hypercall: shadow what may no longer be stored into. */
void sx_sync_shadows(struct sim_xen *sx);
/* Record the reason of a refusal (like Xen's debug log) and return rc. */
long sx_refuse(struct sim_xen *sx, long rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool sx_is_xen_slot(unsigned idx);

#endif
