/*
 * The one counted hypercall wrapper and its typed forms (hc.h). Portable:
 * images link the raw call of hc_page.c, the host tests the simulated Xen.
 */
#include "xen/hc.h"

void xen_hc_attach(struct xen_hcall_acct *a, struct ep_counters *c)
{
	a->ep = c;
	if (c)
		c->hypercalls = a->total;
}

long xen_hcall(struct xen_hcall_acct *a, unsigned nr, unsigned long a1,
	       unsigned long a2, unsigned long a3, unsigned long a4,
	       unsigned long a5)
{
	a->total++;
	a->per_op[nr < XEN_HCALL_NR ? nr : XEN_HCALL_NR]++;
	if (a->ep)
		a->ep->hypercalls++;
	long rc = nr < XEN_HC_STUBS ? xen_hypercall5(nr, a1, a2, a3, a4, a5)
				    : -XEN_ENOSYS;
	if (rc) {
		a->failed++;
		a->last_rc = rc;
		a->last_failed_nr = nr;
	}
	return rc;
}

static unsigned long ptr(const void *p)
{
	return (unsigned long)(uintptr_t)p;
}

long xen_mmu_update(struct xen_hcall_acct *a, mmu_update_t *req,
		    unsigned count, unsigned *done)
{
	a->mmu_requests += count;
	return xen_hcall(a, __HYPERVISOR_mmu_update, ptr(req), count, ptr(done),
			 DOMID_SELF, 0);
}

long xen_mmuext_op(struct xen_hcall_acct *a, struct mmuext_op *op,
		   unsigned count, unsigned *done)
{
	a->mmuext_ops += count;
	return xen_hcall(a, __HYPERVISOR_mmuext_op, ptr(op), count, ptr(done),
			 DOMID_SELF, 0);
}

long xen_update_va_mapping(struct xen_hcall_acct *a, uint64_t va,
			   uint64_t val, unsigned long flags)
{
	return xen_hcall(a, __HYPERVISOR_update_va_mapping, va, val, flags, 0, 0);
}

long xen_multicall(struct xen_hcall_acct *a, multicall_entry_t *calls,
		   unsigned count)
{
	a->multicall_entries += count;
	return xen_hcall(a, __HYPERVISOR_multicall, ptr(calls), count, 0, 0, 0);
}

long xen_console_write(struct xen_hcall_acct *a, const char *s, unsigned len)
{
	return xen_hcall(a, __HYPERVISOR_console_io, CONSOLEIO_write, len,
			 ptr(s), 0, 0);
}

