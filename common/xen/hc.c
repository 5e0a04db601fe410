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

const char *xen_hcall_name(unsigned nr)
{
	switch (nr) {
	case __HYPERVISOR_mmu_update: return "mmu_update";
	case __HYPERVISOR_update_va_mapping: return "update_va_mapping";
	case __HYPERVISOR_multicall: return "multicall";
	case __HYPERVISOR_console_io: return "console_io";
	case __HYPERVISOR_mmuext_op: return "mmuext_op";
	case __HYPERVISOR_sched_op: return "sched_op";
	case __HYPERVISOR_physdev_op: return "physdev_op";
	case __HYPERVISOR_memory_op: return "memory_op";
	case __HYPERVISOR_set_trap_table: return "set_trap_table";
	}
	return "hypercall";
}

const char *xen_mmuext_name(unsigned cmd)
{
	switch (cmd) {
	case MMUEXT_PIN_L1_TABLE: return "pin L1";
	case MMUEXT_PIN_L2_TABLE: return "pin L2";
	case MMUEXT_PIN_L3_TABLE: return "pin L3";
	case MMUEXT_PIN_L4_TABLE: return "pin L4";
	case MMUEXT_UNPIN_TABLE: return "unpin";
	case MMUEXT_NEW_BASEPTR: return "new baseptr";
	case MMUEXT_NEW_USER_BASEPTR: return "new user baseptr";
	case MMUEXT_TLB_FLUSH_LOCAL: return "tlb flush local";
	case MMUEXT_INVLPG_LOCAL: return "invlpg local";
	case MMUEXT_TLB_FLUSH_ALL: return "tlb flush all";
	case MMUEXT_INVLPG_ALL: return "invlpg all";
	case MMUEXT_CLEAR_PAGE: return "clear page";
	}
	return "mmuext";
}
