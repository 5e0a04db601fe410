/*
 * Finding Xen and filling the hypercall page the PVH/HVM way: Xen's CPUID
 * leaves (base 0x40000000, or a multiple of 0x100 above it when Xen also
 * shows Viridian first) carry the signature "XenVMMXenVMM"; leaf base+2
 * names the MSR to which the guest writes the physical address of a page,
 * and Xen fills that page with its hypercall stubs.
 */
#ifndef EARLYBOOT_XEN_HC_HVM_H
#define EARLYBOOT_XEN_HC_HVM_H

#include <stdint.h>

#include "hc.h"

/* The base leaf of Xen's CPUID leaves; 0 when not running on Xen. */
uint32_t xen_cpuid_base(void);
/*
 * The guest's TSC rate in kHz from Xen's time leaf; 0 when Xen does not
 * say (an HVM or PVH guest's leaf does; a PV guest's reads 0: pv/xen_time.c).
 */
uint32_t xen_tsc_khz(uint32_t base);
/* Xen's version, (major << 16) | minor, from leaf base+1. */
uint32_t xen_cpuid_version(uint32_t base);

/*
 * Have Xen fill the one hypercall page (xen_hc_page), which lies at
 * physical address page_pa. 0, or -1 when leaf base+2 offers no page (then
 * no hypercall may be made).
 */
int xen_hc_init_hvm(uint32_t base, uint64_t page_pa);

#endif
