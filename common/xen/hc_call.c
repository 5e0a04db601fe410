/*
 * Image only (the host tests link the simulated Xen's xen_hypercall5
 * instead): the raw call goes through the one hypercall page, xen_hc_page
 * (hc_page.asm), however the world had Xen fill it.
 */
#include "xen/hc.h"

long xen_hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5)
{
	return xen_hc_raw(xen_hc_page, (unsigned)nr, a1, a2, a3, a4, a5);
}
