/*
 * The bootstrap page tables of a PV kernel's start of day (linux_layout.h),
 * built through early_paging with the xen backend, in portable code: the
 * image (pv/linux_enter.c) and the host tests against the simulated Xen
 * (tests/unit/test_linux_tree.c) run exactly this.
 *
 * The tree maps the new region [virt_base, virt_base + end * 4 KiB): new
 * pfn p at virt_base + p * 4 KiB onto the frame that is new pfn p, named by
 * its *current* (old) pseudo-physical address swap(p) * 4 KiB, so the
 * backend translates with the domain's current p2m and nothing changes
 * under it while it builds. Everything is writable and executable (xen.h:
 * every bootstrap element is mapped read-writable; Xen's own bootstrap
 * entries carry no NX and Linux patches its text in place before it
 * protects it: EP_WX_BY_PROTOCOL), except the table frames, which the
 * rule writes read-only. The pool is the layout's table element, so the
 * root is its first frame (pt_base) and the tables are exactly
 * [pt, pt + pt_frames).
 *
 * The live tree when this starts (the loader's staging tree) is the
 * backend's template: its frames are table frames under the rule until
 * the activation unpins it, and the staging tree's writable mappings of
 * the new tables are taken away before they are hooked in.
 *
 * Activation is the early variant only: pin the new L4, load it as the
 * kernel base pointer, unpin the staging tree. The user base pointer is
 * never touched: Xen starts a PV domain without one, the loader never set
 * one on this path, and Linux's start of day depends on that (it unpins
 * our L4 and maps it writable; a user base pointer still holding it would
 * keep its type, Xen would refuse the writable mapping and Linux BUG()s).
 */
#ifndef EARLYBOOT_PV_LINUX_TREE_H
#define EARLYBOOT_PV_LINUX_TREE_H

#include "paging/early_paging.h"
#include "linux_layout.h"
#include "paging/xen/xen_backend.h"

struct pv_linux_tree_cfg {
	const struct pv_layout *layout;
	/* The domain's current p2m and m2p (before the hand-over). */
	const xen_pfn_t *p2m;
	const xen_pfn_t *m2p;
	uint64_t m2p_entries;
	/* The live tree: its root and how many table frames it has. */
	uint64_t staging_root_pa;
	uint64_t staging_frames;
	/*
	 * Where a frame, by its current pseudo-physical address, can be read
	 * (and, while it is legal, written) right now: the world knows which
	 * tree is live (before the switch, the staging tree's mappings; after
	 * it, the new region's).
	 */
	void *(*phys_to_virt)(void *env, uint64_t pa);
	void *env;
	/* Storage: layout->pt_frames bytes / slots, refusal_cap records. */
	uint8_t *pool_state;
	uint64_t *pool_pte;
	struct xen_be_refusal *refusals;
	size_t refusal_cap;
	struct xen_hcall_acct *hc;
	/*
	 * Non-NULL: the world makes the switch itself (pv/bridge.h): the
	 * activation pins the tree and writes the load, the unpin of the
	 * staging tree and the give-back here (xen_be_handover), and the
	 * m2p may be handed over before the switch.
	 */
	struct xen_be_handover *handover;
};

struct pv_linux_tree {
	struct xen_be be;
	struct ep_backend_ops ops;
	struct ep_ctx ctx;
};

/* Refusal records the build needs (the staging frames and the tables). */
size_t pv_linux_tree_refusals(const struct pv_layout *l, uint64_t staging_frames);

/*
 * Build the tree, make it live (early activation: the staging tree is
 * unpinned in the same call) and finish it (spare frames, if any, back to
 * RW). EP_OK, or the early_paging error (t->ctx.err says what and where;
 * ep_format_error prints it). A pool that does not come out exactly
 * pt_frames used is EP_ERR_STATE: the layout promised the kernel those
 * frames as its tables.
 */
enum ep_err pv_linux_tree_build(struct pv_linux_tree *t,
				const struct pv_linux_tree_cfg *c);

/*
 * Hand the m2p to the kernel: for every frame whose pfn changed
 * (pv_layout_moves), Xen's m2p learns its new pfn. new_p2m is the new p2m
 * list as the kernel gets it (readable after the switch, unlike the old
 * one, whose frames are no longer mapped).
 */
enum ep_err pv_linux_tree_m2p(struct pv_linux_tree *t, const struct pv_layout *l,
			      const xen_pfn_t *new_p2m,
			      struct xen_be_m2p_report *rep);

#endif
