/*
 * The one counted door to Xen. Every hypercall earlyboot makes goes through
 * xen_hcall(), which counts it (in total, per hypercall number, and in the
 * early_paging counters of the context it is attached to) and then enters
 * xen_hypercall5(). Xen's release build keeps no hypercall counter and
 * prints nothing when an MMU hypercall fails (FACTS.md), so this is the
 * only record of what we asked and what failed.
 *
 * A multicall is one hypercall however many calls it carries; the calls
 * it carries, the mmu_update requests and mmuext operations are counted
 * separately so batching can be measured.
 */
#ifndef EARLYBOOT_XEN_HCALL_H
#define EARLYBOOT_XEN_HCALL_H

#include <stdint.h>

#include "early_paging.h"
#include "xen_abi.h"

/* Hypercall numbers counted one by one; larger ones share the last slot. */
#define XEN_HCALL_NR 64

struct xen_hcall_acct {
	uint64_t total;                    /* hypercalls made */
	uint64_t per_op[XEN_HCALL_NR + 1]; /* by __HYPERVISOR_* number */
	uint64_t failed;                   /* returned nonzero */
	uint64_t mmu_requests;             /* mmu_update requests carried */
	uint64_t mmuext_ops;               /* mmuext_op operations carried */
	uint64_t multicall_entries;        /* calls carried by multicalls */
	long last_rc;                      /* last nonzero return */
	unsigned last_failed_nr;           /* and its hypercall number */
	/* Also counted here when set (ctx->count of the early_paging context). */
	struct ep_counters *ep;
};

/* Count and make one hypercall. */
long xen_hcall(struct xen_hcall_acct *a, unsigned nr, unsigned long a1,
	       unsigned long a2, unsigned long a3, unsigned long a4,
	       unsigned long a5);

/* Typed forms; each is exactly one hypercall. */
long xen_mmu_update(struct xen_hcall_acct *a, mmu_update_t *req,
		    unsigned count, unsigned *done);
long xen_mmuext_op(struct xen_hcall_acct *a, struct mmuext_op *op,
		   unsigned count, unsigned *done);
long xen_update_va_mapping(struct xen_hcall_acct *a, uint64_t va,
			   uint64_t val, unsigned long flags);
long xen_multicall(struct xen_hcall_acct *a, multicall_entry_t *calls,
		   unsigned count);
long xen_console_write(struct xen_hcall_acct *a, const char *s,
		       unsigned len);

/* "mmu_update", "mmuext_op", ... for messages; "hypercall" if unknown. */
const char *xen_hcall_name(unsigned nr);
/* "pin L4", "new baseptr", ... for messages. */
const char *xen_mmuext_name(unsigned cmd);

#endif
