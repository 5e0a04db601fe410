/* Xen detection and the PVH/HVM hypercall page (hc_hvm.h). */
#include "hc_hvm.h"

#include "abi.h"

static void cpuid_sub(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/*
 * A PV guest's plain cpuid is the CPU's own, without Xen's leaves; the
 * forced-emulation prefix (ud2; "xen") has Xen answer with the guest's
 * policy, its leaves included (arch-x86/xen.h, XEN_CPUID).
 */
static void cpuid_pv(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("ud2; .ascii \"xen\"; cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	cpuid_sub(leaf, 0, r);
}

typedef void cpuid_fn(uint32_t leaf, uint32_t sub, uint32_t r[4]);

static uint32_t find_base(cpuid_fn *id)
{
	/* Hypervisor leaves exist only when CPUID.1:ECX.hypervisor is set. */
	uint32_t r[4];
	id(1, 0, r);
	if (!(r[2] & (1u << 31)))
		return 0;
	for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000;
	     base += 0x100) {
		id(base, 0, r);
		if (r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
		    r[3] == XEN_CPUID_SIGNATURE_EDX && r[0] - base >= 2)
			return base;
	}
	return 0;
}

uint32_t xen_cpuid_base(void)
{
	return find_base(cpuid_sub);
}

uint32_t xen_tsc_khz(bool pv)
{
	cpuid_fn *id = pv ? cpuid_pv : cpuid_sub;
	uint32_t base = find_base(id), r[4];
	if (!base)
		return 0;
	id(base, 0, r);
	if (r[0] < base + 3)
		return 0;
	id(base + 3, 0, r); /* cpuid.h, leaf 4 sub-leaf 0: ECX = guest TSC kHz */
	return r[2];
}

uint32_t xen_cpuid_version(uint32_t base)
{
	uint32_t r[4];
	cpuid(base + 1, r);
	return r[0];
}

int xen_hc_init_hvm(uint32_t base, uint64_t page_pa)
{
	uint32_t r[4];
	cpuid(base + 2, r);
	if (r[0] < 1) /* eax: number of hypercall pages */
		return -1;
	uint32_t msr = r[1];
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)page_pa),
			   "d"((uint32_t)(page_pa >> 32))
			 : "memory");
	return 0;
}
