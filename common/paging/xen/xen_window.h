/*
 * A one-page window in the live PV tree (xen backend): the 4 KiB leaf at
 * one address pointed at another machine frame for a while, then given
 * its own frame back. For a frame the live tree does not map and must
 * not map for good: a domU's console ring after a PV start of day moved
 * its pfn past the new region (docs/domu.md, "PV domU"). The leaf must
 * exist and the frame must be no table (Xen checks both: update_va_mapping
 * validates the new entry like any other).
 */
#ifndef EARLYBOOT_XEN_WINDOW_H
#define EARLYBOOT_XEN_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "xen/hc.h"

struct xen_be_window {
	uint64_t va;    /* the page whose leaf is borrowed */
	uint64_t saved; /* its own entry, put back by the close */
	bool open;
};

/*
 * Point the leaf at va (whose entry is now `entry`) at machine frame mfn,
 * same flags. One update_va_mapping (invalidating va); Xen's code.
 */
long xen_be_window_open(struct xen_hcall_acct *hc, struct xen_be_window *w,
			uint64_t va, uint64_t entry, uint64_t mfn);
/*
 * Give the leaf its entry back; 0 when no window is open. Refused, the
 * window stays open (the leaf is unchanged), so an error can still be
 * said through it.
 */
long xen_be_window_close(struct xen_hcall_acct *hc, struct xen_be_window *w);

#endif
