/*
 * The producer half of a Xen console ring (struct xencons_interface from
 * <xen/io/console.h>): how a domU prints, since HYPERVISOR_console_io is
 * dom0's alone (docs/domu.md). Portable: the host tests drive it against a
 * simulated ring and backend (tests/unit/test_console_ring.c).
 *
 * The page is shared with the backend (xenconsoled in dom0), which we do
 * not trust: out_cons is read once per step and checked against our own
 * producer index, which lives here, never re-read from the page. A backend
 * that shows a consumer index ahead of what we produced, or more than a
 * ring behind it, has broken the protocol: the ring is given up (every
 * later byte counted as lost) rather than written at an index it chose.
 *
 * When the ring is full we notify the backend and wait for it, a bounded
 * number of times; if it still has not read, the bytes that do not fit are
 * counted as lost and later writes stop waiting (one stall costs the boot
 * at most one bound, not one per line).
 */
#ifndef EARLYBOOT_XEN_CONSOLE_RING_H
#define EARLYBOOT_XEN_CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

struct xen_ring_ops {
	/* Tell the backend there is output (EVTCHNOP_send). */
	void (*notify)(void *env);
	/* Give the backend a chance to read (SCHEDOP_yield). */
	void (*wait)(void *env);
	void *env;
	/* Waits per full ring before bytes are dropped. */
	unsigned max_waits;
};

struct xen_ring {
	struct xencons_interface *intf; /* where the page is mapped now */
	struct xen_ring_ops ops;
	XENCONS_RING_IDX prod;          /* ours: the page's out_prod is a copy */
	bool broken;                    /* the backend broke the protocol */
	bool stalled;                   /* a wait ran out: stop waiting */
	uint64_t lost;                  /* bytes not delivered */
	uint64_t waits;                 /* waits made */
};

/*
 * Take over the ring at intf, after whatever a previous stage wrote to it
 * (its out_prod). 0, or -1 when the indices found are already inconsistent
 * (the ring is then unusable: r->broken).
 */
int xen_ring_init(struct xen_ring *r, struct xencons_interface *intf,
		  const struct xen_ring_ops *ops);
/* Write n bytes; returns how many reached the ring (the rest count as lost). */
size_t xen_ring_write(struct xen_ring *r, const char *s, size_t n);
/*
 * Wait, bounded, until the backend has read everything: before the domain
 * ends, or its last lines die with it. True when it has.
 */
bool xen_ring_flush(struct xen_ring *r);

#endif
