/* Xen detection and the PVH/HVM hypercall page (hc_hvm.h). */
#include "hc_hvm.h"

#include "abi.h"

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

uint32_t xen_cpuid_base(void)
{
	/* Hypervisor leaves exist only when CPUID.1:ECX.hypervisor is set. */
	uint32_t r[4];
	cpuid(1, r);
	if (!(r[2] & (1u << 31)))
		return 0;
	for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000;
	     base += 0x100) {
		cpuid(base, r);
		if (r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
		    r[3] == XEN_CPUID_SIGNATURE_EDX && r[0] - base >= 2)
			return base;
	}
	return 0;
}

uint32_t xen_tsc_khz(uint32_t base)
{
	uint32_t r[4];
	cpuid(base, r);
	if (r[0] < base + 3)
		return 0;
	/* cpuid.h, leaf 4 (base + 3) sub-leaf 0: ECX = the guest's TSC kHz. */
	cpuid(base + 3, r);
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
