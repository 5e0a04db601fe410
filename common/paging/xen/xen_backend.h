/*
 * The xen backend of early_paging (Xen PV): the only code that issues MMU
 * hypercalls. docs/xen_backend.md explains the frame states and the rule;
 * in short:
 *
 *  - entries hold machine frames: pa -> mfn through the p2m list on the way
 *    in (start_info.mfn_list), mfn -> pa through the m2p on the way out;
 *  - 4 KiB leaves only (Xen refuses PSE for PV guests);
 *  - the template (Xen's bootstrap tables at pt_base) is learnt by walking
 *    it from its root, never from the order of the frames behind pt_base;
 *  - alloc_table takes every writable mapping of a pool frame away before
 *    the frame is hooked in (queued in the batch); entry writes go out
 *    through batched mmu_update, except into a table still under
 *    construction (its read-only update not yet sent), where a plain store
 *    is legal and free;
 *  - THE RULE: while a frame may be or become a page table (by its state:
 *    a pool frame until released, which is never before the pin of its
 *    tree; a template frame until the template is unpinned), no entry that
 *    maps it is written writable; the entry is written read-only, the
 *    refusal counted and remembered, and given back when the frame becomes
 *    ordinary memory (release_spare; the template once unpinned). An
 *    explicit request for a writable mapping of such a frame fails with
 *    EP_ERR_REFUSED naming it;
 *  - activate pins the new L4, loads it and unpins the old one in one
 *    mmuext_op call; the early variant loads only the kernel base pointer
 *    and never touches the user one; the late one also sets the user base
 *    pointer, to the user root supplied (cfg.user_root_pa) or to none,
 *    never to the kernel's root.
 *
 * Every nonzero hypercall return becomes EP_ERR_BACKEND naming the
 * operation, the frame and Xen's code (ep_format_error), and the backend
 * turns broken: every later operation fails without another hypercall, so
 * nothing half-built is ever trusted or made live.
 */
#ifndef EARLYBOOT_XEN_BACKEND_H
#define EARLYBOOT_XEN_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paging/early_paging.h"
#include "xen/abi.h"
#include "xen/hc.h"

/*
 * mmu_update requests per hypercall: one table page's worth. A full L1
 * written by set_run goes out in one call, so the number of calls follows
 * the number of table pages, not of entries; 512 requests are 8 KiB of
 * batch, small enough for a static buffer, and Xen preempts long batches
 * itself (continuations), so a larger batch would not lower the cost per
 * entry, which Xen's validation dominates.
 */
#define XEN_BE_MMU_BATCH 512
/*
 * Frames of the template we can track: Xen's (a 64 MiB dom0 has 5, 512 MiB
 * with a 66 MB module 39), or the loader's staging tree when a PV kernel's
 * start of day is built over it (linux_tree.h: one L1 per 2 MiB of the
 * bootstrap region and of the block it fills, 73 for Linux in 512 MiB).
 * 1024 covers 2 GiB mapped; 16 KiB of state.
 */
#define XEN_BE_MAX_TEMPLATE 1024
/*
 * A protect or unmap of the live tree invalidates its pages in one
 * mmuext_op call: up to this many INVLPGs, beyond it one local TLB flush.
 */
#define XEN_BE_INVLPG_MAX 32

/* Xen's own L4 slots (256..271): the backend never maps or walks them. */
#define XEN_BE_HOLE_START 0xffff800000000000ULL
#define XEN_BE_HOLE_END 0xffff880000000000ULL

/* An entry the rule wrote read-only, to be given back when its frame is. */
struct xen_be_refusal {
	uint64_t pte_ma; /* machine address of the entry */
	uint64_t pfn;    /* the table frame it maps */
	uint64_t want;   /* the entry as asked (machine frame, RW) */
};

/*
 * A switch the world makes itself (a PV start of day whose code is not
 * mapped in the tree it hands over, pv/linux_enter.c's bridge): the early
 * activation then pins the new root and stops there, and writes here what
 * is left to do from code mapped in both trees, in this order: the
 * mmuext_op calls (load the root as the kernel base pointer, unpin the
 * template), then the mmu_update requests that give the template's frames
 * back writable (the entries the rule wrote read-only over them), which
 * Xen accepts once the unpin has dropped their type. The backend counts
 * the root as loaded and the template as released from then on: the world
 * must make the switch before anything else reads or writes a table.
 */
struct xen_be_handover {
	struct mmuext_op ext[2];
	unsigned next;
	mmu_update_t *give_back; /* room for cap requests, world's storage */
	size_t cap, ngive_back;
};

struct xen_be_config {
	/* pfn -> mfn, nr_pages entries: start_info.mfn_list. */
	const xen_pfn_t *p2m;
	uint64_t nr_pages;
	/* mfn -> pfn: machine_to_phys_mapping, m2p_entries of them. */
	const xen_pfn_t *m2p;
	uint64_t m2p_entries;
	/* Pseudo-physical address of the template's L4 (from pt_base). */
	uint64_t template_root_pa;
	/*
	 * The user tree of the late activation: a valid L4 the world built
	 * for user space, never the kernel's root. 0: none (the late
	 * activation sets the user base pointer to none).
	 */
	uint64_t user_root_pa;
	/* One slot per main-pool frame: where the template maps it writable. */
	uint64_t *pool_template_pte;
	/* Room to remember refused entries (see xen_be_refusals_needed). */
	struct xen_be_refusal *refusals;
	size_t refusal_cap;
	/* The domain's hypercall accounting; NULL: the backend's own. */
	struct xen_hcall_acct *hc;
	/* Non-NULL: the early activation hands the switch over (above). */
	struct xen_be_handover *handover;
	/*
	 * Debug hooks, all false in a real boot: each takes one promise away
	 * on purpose so a test can show that something downstream catches it
	 * (the loader's defect= switch, the simulator tests). Named here, in
	 * the backend's own state, so no logic path grows an ad hoc test.
	 */
	struct xen_be_debug {
		/*
		 * defect=template: once the template is unpinned, leave the
		 * entries the rule wrote read-only over its frames as they are
		 * (no give-back). Xen cannot object (read-only is legal); the
		 * test kernel's pv-template check must.
		 */
		bool keep_template_readonly;
	} debug;
};

/* State of a frame of Xen's template. */
enum xen_tmpl_state {
	XEN_TMPL_TABLE = 1, /* part of the pinned template: read-only */
	XEN_TMPL_RELEASED,  /* template unpinned: ordinary RW memory */
};

struct xen_be_tframe {
	uint64_t pfn;
	uint8_t level;
	uint8_t state; /* enum xen_tmpl_state */
};

/* Why a batched request was made: names the operation in errors. */
enum xen_be_why { XEN_WHY_ENTRY, XEN_WHY_RO, XEN_WHY_SPARE, XEN_WHY_TMPL };

struct xen_be {
	struct xen_be_config cfg;
	struct xen_hcall_acct own_hc;
	struct xen_hcall_acct *hc;
	bool ready;  /* the template has been walked */
	bool broken; /* a hypercall failed: nothing more is attempted */
	bool handed_over; /* the m2p was rewritten for the next kernel */
	struct ep_error_info failure; /* what broke it, repeated to callers */

	/* The template, sorted by pfn. */
	struct xen_be_tframe tmpl[XEN_BE_MAX_TEMPLATE];
	unsigned ntmpl;
	bool tmpl_live; /* still pinned (true until our first activation) */

	/* What Xen has loaded and pinned for us. */
	uint64_t base_pa;   /* kernel base pointer */
	uint64_t pinned_pa; /* our pinned root, 0 before the first activation */
	bool user_base_set;     /* the late activation set the user base */
	uint64_t user_base_pa;  /* to this user root (0: none) */

	/* The mmu_update batch. */
	mmu_update_t batch[XEN_BE_MMU_BATCH];
	uint64_t subject[XEN_BE_MMU_BATCH]; /* the frame each request is about */
	uint8_t why[XEN_BE_MMU_BATCH];      /* enum xen_be_why */
	unsigned nbatch;
	bool pending_writes; /* the batch holds entry writes (not give-backs) */
	uint64_t inval_va, inval_len; /* to invalidate after the batch */

	size_t nrefusals;
	bool spares_released; /* release_spare gave back every spare frame */
	size_t refusals_sorted; /* records [0, this) are sorted by pte_ma */
	/* Counts beyond ep_counters. */
	uint64_t stored;      /* entries written by plain store (under construction) */
	uint64_t ro_updates;  /* template mappings of pool frames made RO */
	uint64_t restored;    /* refused entries given back RW */
	uint64_t cleared;     /* frames zeroed by MMUEXT_CLEAR_PAGE */
};

extern const struct ep_backend_ops ep_xen_ops;

/*
 * Check cfg and take it; ep_config.backend_data then points to be. The
 * template is walked by the first operation (from ep_init), when the pool
 * is known.
 */
enum ep_err xen_be_setup(struct xen_be *be, const struct xen_be_config *cfg);

/*
 * Refusal records a build needs when every pool and template frame is
 * mapped writable `views` times (say the kernel's mapping and a direct map).
 * template_frames: start_info.nr_pt_frames.
 */
size_t xen_be_refusals_needed(uint64_t pool_frames, uint64_t template_frames,
			      unsigned views);

/*
 * The machine-to-phys table for a next kernel (MMU_MACHPHYS_UPDATE): tell
 * Xen that machine frame mfn is now pseudo-physical frame pfn, for count
 * frames, the i-th given by next(env, i, &mfn, &pfn). Batched
 * XEN_BE_MMU_BATCH per mmu_update call; a refused entry is counted, the
 * first XEN_BE_M2P_REPORT of them remembered (mfn, pfn, Xen's code), and
 * the rest of the batch goes on after it, so the report is complete.
 *
 * The backend reads entries back through the m2p, so this is its last
 * act: it must be finished (ep_finish) and, once called, every further
 * operation fails with EP_ERR_STATE (the tree belongs to the next kernel).
 * EP_OK when Xen took every entry; EP_ERR_BACKEND (naming the first
 * refused frame) otherwise.
 */
#define XEN_BE_M2P_REPORT 4
struct xen_be_m2p_report {
	uint64_t updated, failed, hypercalls;
	unsigned nfirst;
	struct {
		uint64_t mfn, pfn;
		long rc;
	} first[XEN_BE_M2P_REPORT];
};
enum ep_err xen_be_m2p_update(struct ep_ctx *ctx, uint64_t count,
			      void (*next)(void *env, uint64_t i, uint64_t *mfn,
					   uint64_t *pfn),
			      void *env, struct xen_be_m2p_report *rep);

/*
 * Is pa a table frame under the rule right now? By the frame's state: a
 * pool frame not released (free, table, pinned), a template frame while
 * the template is pinned.
 */
bool xen_be_is_table_frame(const struct ep_ctx *ctx, uint64_t pa);
/* The template frame at pa (its level and state), or NULL. */
const struct xen_be_tframe *xen_be_template_frame(const struct xen_be *be,
						  uint64_t pa);
/* State of a template frame, or 0 if pa is none. */
int xen_be_template_state(const struct xen_be *be, uint64_t pa);

#endif
