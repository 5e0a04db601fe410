/* The one-page window (xen_window.h). Portable: host tests and the PV image. */
#include "xen_window.h"

#include "xen/abi.h"

/* An entry's machine frame field (bits 12..51). */
#define FRAME_MASK 0x000ffffffffff000ULL

long xen_be_window_open(struct xen_hcall_acct *hc, struct xen_be_window *w,
			uint64_t va, uint64_t entry, uint64_t mfn)
{
	uint64_t e = (entry & ~FRAME_MASK) | ((mfn << 12) & FRAME_MASK);
	long rc = xen_update_va_mapping(hc, va, e, UVMF_INVLPG | UVMF_LOCAL);
	if (rc)
		return rc;
	w->va = va;
	w->saved = entry;
	w->open = true;
	return 0;
}

long xen_be_window_close(struct xen_hcall_acct *hc, struct xen_be_window *w)
{
	if (!w->open)
		return 0;
	long rc = xen_update_va_mapping(hc, w->va, w->saved, UVMF_INVLPG | UVMF_LOCAL);
	/* Refused, the leaf still maps the other frame: the window stays usable. */
	if (!rc)
		w->open = false;
	return rc;
}
