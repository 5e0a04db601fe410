/*
 * The Xen hypercall primitive, world-neutral: a raw call through a
 * hypercall page, and the ONE counting wrapper every hypercall goes
 * through. Xen's release build keeps no hypercall counter (FACTS.md), so
 * this is the only count there is; it lands in the early_paging counters
 * (`hypercalls`) of the context attached, and so in the stats line and the
 * boot info.
 *
 * Calling convention (x86-64, PV and HVM alike): `call page + nr * 32`,
 * arguments in rdi, rsi, rdx, r10, r8, result in rax. Pointer arguments are
 * virtual addresses of the caller's live page tables, and must be mapped
 * when the call is made: Xen does not fault into the guest on our behalf,
 * it fails the call (-EFAULT), so a lazily mapped buffer is no good.
 *
 * How the page gets filled differs by world: PVH/HVM write its physical
 * address to an MSR (hc_hvm.h), PV names it in an ELF note.
 */
#ifndef EARLYBOOT_XEN_HC_H
#define EARLYBOOT_XEN_HC_H

#include <stdint.h>

#include "early_paging.h"

#define XEN_HC_STUB_SIZE 32
#define XEN_HC_STUBS 128 /* 4096 / 32 */

/* Call stub nr of the (executable) hypercall page at page; no counting. */
long xen_hc_raw(const void *page, unsigned nr, unsigned long a1,
		unsigned long a2, unsigned long a3, unsigned long a4,
		unsigned long a5);

struct xen_hc {
	const void *page;       /* where the filled hypercall page executes */
	uint64_t calls;         /* every call made through xen_hc_call */
	struct ep_counters *ep; /* counted here too when attached */
};

/*
 * From now on every call also counts in c->hypercalls; c starts from the
 * calls made so far, so a context attached late still shows the total.
 * NULL detaches.
 */
void xen_hc_attach(struct xen_hc *h, struct ep_counters *c);

/* The counting wrapper: count, then xen_hc_raw. -ENOSYS for nr out of the page. */
long xen_hc_call(struct xen_hc *h, unsigned nr, unsigned long a1,
		 unsigned long a2, unsigned long a3, unsigned long a4,
		 unsigned long a5);

/*
 * A 4 KiB page in the image's text (hc_page.asm) to serve as the hypercall
 * page: filled with int3 until Xen writes its stubs, so a call made too
 * early traps at once instead of running into zeros.
 */
extern char xen_hc_page[4096];

#endif
