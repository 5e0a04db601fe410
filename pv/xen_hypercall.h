/*
 * The raw hypercall entry, and nothing else. Only pv/xen_hcall.c calls it:
 * everything else goes through the counted wrapper there.
 *
 * In the image, pv/hypercall_page.c implements it by calling into the
 * hypercall page Xen fills in (`call hypercall_page + nr*32`, arguments in
 * rdi, rsi, rdx, r10, r8). The host unit tests link a simulated Xen
 * (tests/unit/sim_xen.c) that provides the same symbol, so the backend runs
 * unchanged against it. Pointer arguments are guest virtual addresses.
 */
#ifndef EARLYBOOT_XEN_HYPERCALL_H
#define EARLYBOOT_XEN_HYPERCALL_H

/* Stubs in the hypercall page: 4096 / 32. */
#define XEN_HYPERCALL_STUBS 128

long xen_hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5);

#endif
