/*
 * The ONE hypercall door, every world (PV, PVH under Xen, the test kernel).
 *
 * Every hypercall earlyboot makes goes through xen_hcall(), which counts it
 * (in total, per hypercall number, failures, and in the early_paging
 * counters of the context attached) and then enters the raw call
 * xen_hypercall5(). Xen's release build keeps no hypercall counter and
 * prints nothing when an MMU hypercall fails (docs/platform.md), so this is the
 * only record of what we asked and what failed. Only pv/ (the xen backend
 * of early_paging) issues MMU hypercalls through it.
 *
 * The raw call is resolved at link time: images link common/xen/hc_call.c
 * (`call xen_hc_page + nr*32`, the one hypercall-page symbol); the host
 * unit tests link the simulated Xen (tests/unit/sim_xen_hcall.c) in its
 * place, so the backend and this wrapper run unchanged against it.
 *
 * Calling convention (x86-64, PV and HVM alike): `call page + nr * 32`,
 * arguments in rdi, rsi, rdx, r10, r8, result in rax. Pointer arguments are
 * virtual addresses in the live tables and must be mapped when the call is
 * made: Xen does not fault into the guest for us, it fails with -EFAULT.
 *
 * How the page gets filled differs by world: PVH/HVM write its physical
 * address to an MSR (hc_hvm.h), PV names it in an ELF note.
 *
 * A multicall is one hypercall however many calls it carries; the calls it
 * carries, mmu_update requests and mmuext operations are counted separately
 * so batching can be measured.
 */
#ifndef EARLYBOOT_XEN_HC_H
#define EARLYBOOT_XEN_HC_H

#include <stdint.h>

#include "paging/early_paging.h"
#include "xen/abi.h"

#define XEN_HC_STUB_SIZE 32
#define XEN_HC_STUBS 128 /* 4096 / 32 */

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

/*
 * From now on every call also counts in c->hypercalls; c starts from the
 * calls made so far, so a context attached late still shows the domain's
 * total. NULL detaches.
 */
void xen_hc_attach(struct xen_hcall_acct *a, struct ep_counters *c);

/* Count and make one hypercall. -ENOSYS (counted) for nr beyond the page. */
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

/*
 * The raw call, uncounted: only xen_hcall() calls it. Image: hc_call.c;
 * host tests: the simulated Xen.
 */
long xen_hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5);

/* Call stub nr of the (executable) hypercall page at page; no counting. */
long xen_hc_raw(const void *page, unsigned nr, unsigned long a1,
		unsigned long a2, unsigned long a3, unsigned long a4,
		unsigned long a5);

/*
 * The one hypercall page (hc_page.asm): 4 KiB of text, int3 until Xen
 * writes its stubs, so a call made too early traps at once.
 */
extern char xen_hc_page[4096];

#endif
