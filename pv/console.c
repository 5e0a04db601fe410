/*
 * The PV world's console (pv.h pv_console_select): console_io for dom0
 * (SIF_INITDOMAIN), the ring start_info names for a domU. The ring page
 * lies in the bootstrap region Xen mapped at PV_VIRT_BASE + pfn * 4 KiB
 * (xen.h's start-of-day layout), which pv/tree.c maps again in every tree
 * it builds. A PV start of day for a next kernel renumbers frames, so its
 * tree may map the ring elsewhere or not at all: it says where through
 * pv_console_locate (docs/domu.md, "PV domU").
 */
#include "fmt.h"
#include "pv.h"
#include "page.h"
#include "x86/io.h"
#include "xen/hc_console.h"

static uint64_t ring_pfn;
static bool ring_used;
static struct xencons_interface *(*locate)(uint64_t pfn);
static char what[160];

static struct xencons_interface *ring_open(void)
{
	if (locate)
		return locate(ring_pfn);
	return (struct xencons_interface *)(PV_VIRT_BASE + ring_pfn * PAGE);
}

bool pv_console_ring_pfn(uint64_t *pfn)
{
	*pfn = ring_pfn;
	return ring_used;
}

void pv_console_locate(struct xencons_interface *(*fn)(uint64_t pfn))
{
	locate = fn;
}

const char *pv_console_select(const struct pv_start *si)
{
	if (si->dom0)
		return "console_io (dom0)";
	struct xen_machphys_mapping mp;
	long rc = xen_hcall(&pv_hc, __HYPERVISOR_memory_op, XENMEM_machphys_mapping,
			    (unsigned long)&mp, 0, 0, 0);
	char err[160];
	uint64_t pfn;
	if (rc) {
		eb_snprintf(what, sizeof what, "console_io (XENMEM_machphys_mapping: code %ld)", rc);
		return what;
	}
	if (pv_console_pfn(si, (const uint64_t *)MACH2PHYS_VIRT_START, mp.max_mfn + 1,
			   (const uint64_t *)si->mfn_list_va, &pfn, err, sizeof err)) {
		eb_snprintf(what, sizeof what, "console_io (%s)", err);
		return what;
	}
	ring_pfn = pfn;
	if (xen_hc_console_use_ring(&pv_hc, si->console_evtchn, ring_open, 0)) {
		eb_snprintf(what, sizeof what, "console_io (the ring at pfn 0x%llx has inconsistent indices)",
			    (unsigned long long)pfn);
		return what;
	}
	ring_used = true;
	x86_set_exit_hook(xen_hc_console_exit);
	eb_snprintf(what, sizeof what, "ring (domU: pfn 0x%llx, event channel %u)",
		    (unsigned long long)pfn, si->console_evtchn);
	return what;
}
