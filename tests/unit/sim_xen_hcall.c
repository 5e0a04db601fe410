/*
 * The simulated Xen's hypercalls, behind the same xen_hypercall5 the image
 * gets from common/xen/hc_call.c: mmu_update (page-table entries and
 * MMU_MACHPHYS_UPDATE), mmuext_op, update_va_mapping,
 * multicall and console_io. Every call first audits direct stores (a
 * store the guest could not have made fails the call with -EFAULT and is
 * recorded), and can be made to fail on purpose (fail_at).
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <string.h>

#include "sim_xen.h"
#include "xen/hc.h"

#define NO_STOP UINT_MAX

static long mmu_update(struct sim_xen *sx, const mmu_update_t *req,
		       unsigned count, unsigned *pdone, unsigned stop)
{
	long rc = 0;
	unsigned i;
	for (i = 0; i < count && !rc; i++) {
		if (i == stop) {
			rc = sx->fail_rc;
			break;
		}
		sx->mmu_reqs++;
		uint64_t ptr = req[i].ptr, val = req[i].val;
		uint64_t mfn = ptr >> 12;
		unsigned idx = (unsigned)((ptr & 0xff8) / 8);
		if ((ptr & 3) == MMU_MACHPHYS_UPDATE) {
			/* Xen: the frame must be the guest's; the pfn is not checked. */
			if (mfn >= sx->nr_mfns || !sx->f[mfn].guest)
				rc = sx_refuse(sx, -XEN_EINVAL,
					       "machphys update of mfn 0x%llx, not the guest's",
					       (unsigned long long)mfn);
			else
				sx->m2p[mfn] = val;
		} else if ((ptr & 3) != MMU_NORMAL_PT_UPDATE)
			rc = sx_refuse(sx, -XEN_ENOSYS, "mmu_update command %u",
				       (unsigned)(ptr & 3));
		else if (mfn >= sx->nr_mfns || !sx->f[mfn].guest)
			rc = sx_refuse(sx, -XEN_EINVAL,
				       "mmu_update into mfn 0x%llx, not the guest's",
				       (unsigned long long)mfn);
		else if (sx->f[mfn].tcount)
			rc = sx_update_entry(sx, mfn, idx, val);
		else
			sx_write(sx, mfn, idx, val); /* not a table yet: plain */
		if (rc)
			break;
	}
	if (pdone)
		*pdone = i;
	return rc;
}

static bool guest_mfn(struct sim_xen *sx, uint64_t mfn)
{
	return mfn < sx->nr_mfns && sx->f[mfn].guest;
}

static long one_ext(struct sim_xen *sx, const struct mmuext_op *op)
{
	uint64_t mfn = op->arg1.mfn;
	unsigned cmd = op->cmd;
	sx->ext_ops++;
	switch (cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE: {
		if (!guest_mfn(sx, mfn))
			return sx_refuse(sx, -XEN_EINVAL, "pin of mfn 0x%llx, not the guest's",
					 (unsigned long long)mfn);
		if (sx->f[mfn].pinned)
			return sx_refuse(sx, -XEN_EINVAL, "mfn 0x%llx is already pinned",
					 (unsigned long long)mfn);
		long rc = sx_get_type(sx, mfn, cmd - MMUEXT_PIN_L1_TABLE + 1);
		if (!rc)
			sx->f[mfn].pinned = true;
		return rc;
	}
	case MMUEXT_UNPIN_TABLE:
		if (!guest_mfn(sx, mfn) || !sx->f[mfn].pinned)
			return sx_refuse(sx, -XEN_EINVAL, "unpin of mfn 0x%llx, not pinned",
					 (unsigned long long)mfn);
		sx->f[mfn].pinned = false;
		sx_put_type(sx, mfn);
		return 0;
	case MMUEXT_NEW_BASEPTR:
	case MMUEXT_NEW_USER_BASEPTR: {
		bool user = cmd == MMUEXT_NEW_USER_BASEPTR;
		if (user) {
			sx->user_baseptr_ops++;
			sx->user_baseptr_mfn = mfn;
		}
		uint64_t *slot = user ? &sx->user_base : &sx->base;
		uint64_t old = *slot, now = SX_NO_MFN;
		/* A user base pointer of 0 means none. */
		if (!user || mfn) {
			long rc = sx_get_type(sx, mfn, 4);
			if (rc)
				return rc;
			now = mfn;
		}
		*slot = now;
		if (!user)
			sim_set_root(sx->m, mfn << 12);
		if (old != SX_NO_MFN)
			sx_put_type(sx, old);
		return 0;
	}
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_ALL:
		sx->flushes++;
		return 0;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		sx->invlpgs++;
		return 0;
	case MMUEXT_CLEAR_PAGE:
		if (!guest_mfn(sx, mfn) || sx->f[mfn].tcount)
			return sx_refuse(sx, -XEN_EINVAL,
					 "clear of mfn 0x%llx: not the guest's or a page table",
					 (unsigned long long)mfn);
		for (unsigned i = 0; i < 512; i++)
			sx_write(sx, mfn, i, 0);
		sx->clears++;
		return 0;
	}
	return sx_refuse(sx, -XEN_ENOSYS, "mmuext command %u", cmd);
}

static long mmuext_op(struct sim_xen *sx, const struct mmuext_op *op,
		      unsigned count, unsigned *pdone, unsigned stop)
{
	long rc = 0;
	unsigned i;
	for (i = 0; i < count; i++) {
		rc = i == stop ? sx->fail_rc : one_ext(sx, &op[i]);
		if (rc)
			break;
	}
	if (pdone)
		*pdone = i;
	return rc;
}

/* The L1 (mfn) and slot that map va in the current tree. */
static long find_l1(struct sim_xen *sx, uint64_t va, uint64_t *mfn, unsigned *idx)
{
	uint64_t table = sx->base;
	for (unsigned level = 4; level > 1; level--) {
		uint64_t e = sx_frame_mem(sx, table)[(va >> (12 + 9 * (level - 1))) & 511];
		if (!(e & 1) || (e & 0x80))
			return sx_refuse(sx, -XEN_EINVAL, "update_va_mapping: no L1 for 0x%llx",
					 (unsigned long long)va);
		table = (e & 0x000ffffffffff000ULL) >> 12;
	}
	if (sx->f[table].type != 1 || !sx->f[table].tcount)
		return sx_refuse(sx, -XEN_EINVAL, "update_va_mapping: L1 not validated");
	*mfn = table;
	*idx = (unsigned)((va >> 12) & 511);
	return 0;
}

static long update_va_mapping(struct sim_xen *sx, uint64_t va, uint64_t val,
			      unsigned long flags)
{
	uint64_t l1;
	unsigned idx;
	long rc = find_l1(sx, va, &l1, &idx);
	if (!rc)
		rc = sx_update_entry(sx, l1, idx, val);
	if (!rc && (flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
		sx->flushes++;
	if (!rc && (flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG)
		sx->invlpgs++;
	return rc;
}

static long dispatch(struct sim_xen *sx, unsigned long nr, unsigned long a1,
		     unsigned long a2, unsigned long a3, unsigned stop,
		     bool nested);

static long multicall(struct sim_xen *sx, multicall_entry_t *mc, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		sx->mc_entries++;
		mc[i].result = (xen_ulong_t)dispatch(sx, mc[i].op, mc[i].args[0],
						     mc[i].args[1], mc[i].args[2],
						     NO_STOP, true);
	}
	return 0;
}

static long console_io(struct sim_xen *sx, unsigned long cmd, unsigned long len,
		       const char *buf)
{
	if (cmd != CONSOLEIO_write)
		return -XEN_ENOSYS;
	for (unsigned long i = 0; i < len && sx->console_len + 1 < sizeof sx->console; i++)
		sx->console[sx->console_len++] = buf[i];
	return 0;
}

static long dispatch(struct sim_xen *sx, unsigned long nr, unsigned long a1,
		     unsigned long a2, unsigned long a3, unsigned stop,
		     bool nested)
{
	switch (nr) {
	case __HYPERVISOR_mmu_update:
		return mmu_update(sx, (const mmu_update_t *)a1, (unsigned)a2,
				  (unsigned *)a3, stop);
	case __HYPERVISOR_mmuext_op:
		return mmuext_op(sx, (const struct mmuext_op *)a1, (unsigned)a2,
				 (unsigned *)a3, stop);
	case __HYPERVISOR_update_va_mapping:
		return stop == 0 ? sx->fail_rc : update_va_mapping(sx, a1, a2, a3);
	case __HYPERVISOR_multicall:
		if (nested)
			return -XEN_EINVAL;
		return stop == 0 ? sx->fail_rc
				 : multicall(sx, (multicall_entry_t *)a1, (unsigned)a2);
	case __HYPERVISOR_console_io:
		return stop == 0 ? sx->fail_rc
				 : console_io(sx, a1, a2, (const char *)a3);
	}
	return -XEN_ENOSYS;
}

long xen_hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5)
{
	(void)a4;
	(void)a5;
	struct sim_xen *sx = sx_current();
	sx->calls++;
	sx->per_op[nr < 64 ? nr : 63]++;
	uint64_t before = sx->violations;
	long rc;
	if (sx_audit(sx) != before) {
		rc = sx_refuse(sx, -XEN_EFAULT, "%s", sx->violation);
	} else {
		/*
		 * An injected failure hits a batch partway (fail_where), as a
		 * real one may: the requests before it go in.
		 */
		unsigned stop = NO_STOP;
		if (sx->fail_at && sx->calls == sx->fail_at) {
			bool batch = nr == __HYPERVISOR_mmu_update ||
				     nr == __HYPERVISOR_mmuext_op;
			unsigned n = batch ? (unsigned)a2 : 1;
			stop = sx->fail_where == SX_FAIL_FIRST ? 0
			       : sx->fail_where == SX_FAIL_LAST ? (n ? n - 1 : 0)
								 : n / 2;
			if (!batch)
				stop = 0;
			sx->fail_count = n;
			sx->fail_stop = stop;
		}
		rc = dispatch(sx, nr, a1, a2, a3, stop, false);
	}
	sx_sync_shadows(sx);
	if (rc)
		sx->last_rc = rc;
	return rc;
}
