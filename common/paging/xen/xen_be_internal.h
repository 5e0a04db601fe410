/*
 * Shared by the files of the xen backend; not part of its interface.
 */
#ifndef EARLYBOOT_XEN_BE_INTERNAL_H
#define EARLYBOOT_XEN_BE_INTERNAL_H

/* A backend is part of early_paging: it reports through ep_fail. */
#include "paging/ep_internal.h"
#include "paging/xen/xen_backend.h"

/* Address bits of an entry (bits 51:12). */
#define XEN_ADDR EP_PTE_ADDR_MASK
/*
 * Software bit 52 of an L1 entry: Xen 4.17 marks the entries it validates
 * for a 64-bit PV guest's kernel with it (its internal _PAGE_GUEST_KERNEL,
 * not in the public headers). Measured: an entry written 0x8000...1ecc5001
 * reads back 0x8010...1ecc5001. Without it in XEN_VOLATILE_BITS no refused
 * entry ever compared equal, so no spare or template frame was given back
 * writable; the test kernel's dmap and pv-spare checks caught it.
 */
#define XEN_PTE_GUEST_KERNEL (1ULL << 52)
/* Bits Xen may add to an entry it stores or the CPU may set: ignore them
 * when checking that an entry is still the one we wrote. */
#define XEN_VOLATILE_BITS (EP_PTE_US | EP_PTE_A | EP_PTE_D | XEN_PTE_GUEST_KERNEL)

static inline struct xen_be *be_of(const struct ep_ctx *ctx)
{
	return (struct xen_be *)ctx->backend_data;
}

static inline uint64_t be_pfn(uint64_t pa)
{
	return pa >> EP_PAGE_SHIFT;
}

/* Machine frame of a pseudo-physical address (the caller checked range). */
static inline uint64_t be_mfn(const struct xen_be *be, uint64_t pa)
{
	return be->cfg.p2m[be_pfn(pa)];
}

static inline bool be_pfn_ok(const struct xen_be *be, uint64_t pfn)
{
	return pfn < be->cfg.nr_pages;
}

/* The state the op may act on: attaches the counters, walks the template
 * on first use. NULL (with ctx->err set) if the backend cannot go on. */
struct xen_be *be_get(struct ep_ctx *ctx, enum ep_err *err);

/* Record a failed hypercall (or broken invariant) and turn broken. */
enum ep_err be_fail(struct ep_ctx *ctx, struct xen_be *be, const char *op,
		    uint64_t pa, long rc);

/* Queue one mmu_update request; flushes first when the batch is full. */
enum ep_err be_queue(struct ep_ctx *ctx, struct xen_be *be, uint64_t pte_ma,
		     uint64_t val, enum xen_be_why why, uint64_t subject_pa);
/* Send the batch. */
enum ep_err be_flush(struct ep_ctx *ctx, struct xen_be *be);

/* The entry at machine address ma, read through the guest's view. */
uint64_t be_read_ma(const struct ep_ctx *ctx, const struct xen_be *be,
		    uint64_t ma);

/* ---- the template (xen_template.c) ---- */
enum ep_err xen_tmpl_walk(struct ep_ctx *ctx, struct xen_be *be);
/* Index in be->tmpl of pfn, or -1. */
int xen_tmpl_find(const struct xen_be *be, uint64_t pfn);
/* Template frames (not yet released) with pfn in [lo, hi). */
uint64_t xen_tmpl_count(const struct xen_be *be, uint64_t lo, uint64_t hi,
			uint64_t *first);

/* ---- activation and the rule's memory (xen_activate.c) ---- */
enum ep_err xen_activate_early(struct ep_ctx *ctx, uint64_t root_pa);
enum ep_err xen_activate_late(struct ep_ctx *ctx, uint64_t root_pa);
enum ep_err xen_release_spare(struct ep_ctx *ctx, uint64_t pa);

/* ---- what a request may ask (xen_request.c) ---- */
enum ep_err xen_check_request(struct ep_ctx *ctx, const struct ep_request *req);
/* Send the invalidation a protect/unmap of the live tree noted (flush). */
enum ep_err xen_invalidate_pending(struct ep_ctx *ctx, struct xen_be *be);
/*
 * A protect or unmap is about to rewrite the entries of [va, va+len): the
 * refusals recorded for them are void (the latest request wins).
 */
void xen_forget_refusals(struct ep_ctx *ctx, struct xen_be *be, uint64_t va,
			 uint64_t len);

/* A consumed or void refusal record. */
#define XEN_NO_PFN (~0ULL)

#endif
