/*
 * The xen backend: handing the machine-to-phys table to the next kernel
 * (xen_backend.h, xen_be_m2p_update). A PV kernel reads the m2p to turn the
 * machine frames in its page tables back into its own pfns (Linux's
 * xen_setup_kernel_pagetable walks ours that way), so when a loader hands
 * over a pseudo-physical space that is a permutation of its own, every
 * machine frame whose pfn changed must be told to Xen first.
 */
#include "paging/xen/xen_be_internal.h"

static void note_failure(struct xen_be_m2p_report *rep, const mmu_update_t *r,
			 long rc)
{
	rep->failed++;
	if (rep->nfirst < XEN_BE_M2P_REPORT) {
		rep->first[rep->nfirst].mfn = r->ptr >> EP_PAGE_SHIFT;
		rep->first[rep->nfirst].pfn = r->val;
		rep->first[rep->nfirst].rc = rc;
		rep->nfirst++;
	}
}

/* Send batch[0, n): past a refused entry, on with the rest. */
static void send(struct xen_be *be, unsigned n, struct xen_be_m2p_report *rep)
{
	unsigned at = 0;
	while (at < n) {
		unsigned done = 0;
		long rc = xen_mmu_update(be->hc, be->batch + at, n - at, &done);
		rep->hypercalls++;
		if (!rc && done == n - at) {
			rep->updated += done;
			return;
		}
		if (!rc || done >= n - at)
			rc = -XEN_EIO; /* success that did not do it all */
		rep->updated += done;
		note_failure(rep, &be->batch[at + (done < n - at ? done : n - at - 1)], rc);
		at += done + 1;
	}
}

enum ep_err xen_be_m2p_update(struct ep_ctx *ctx, uint64_t count,
			      void (*next)(void *env, uint64_t i, uint64_t *mfn,
					   uint64_t *pfn),
			      void *env, struct xen_be_m2p_report *rep)
{
	enum ep_err e;
	*rep = (struct xen_be_m2p_report){ 0 };
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	if (!ctx->finished || ctx->release_pending || be->nbatch)
		return ep_fail(ctx, EP_ERR_STATE,
			       "xen: m2p update before the tree is finished", 0, 0, 0, 0);
	/* From here on the m2p no longer describes the tree we built. */
	be->handed_over = true;
	unsigned n = 0;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t mfn, pfn;
		next(env, i, &mfn, &pfn);
		be->batch[n].ptr = (mfn << EP_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
		be->batch[n].val = pfn;
		if (++n == XEN_BE_MMU_BATCH) {
			send(be, n, rep);
			n = 0;
		}
	}
	if (n)
		send(be, n, rep);
	if (!rep->failed)
		return EP_OK;
	ep_fail(ctx, EP_ERR_BACKEND, "mmu_update: machphys update", 0,
		rep->first[0].mfn << EP_PAGE_SHIFT, (uint64_t)(int64_t)rep->first[0].rc, 0);
	be->broken = true;
	be->failure = ctx->err;
	return EP_ERR_BACKEND;
}
