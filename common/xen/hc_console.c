/* Console output through HYPERVISOR_console_io, or port 0xe9 (hc_console.h). */
#include "hc_console.h"

#include "abi.h"

#define XEN_DEBUG_PORT 0xe9

static struct xen_hc *door;

void xen_hc_console_use(struct xen_hc *h)
{
	door = h;
}

void xen_hc_console_write(const char *s, size_t n)
{
	if (!n)
		return;
	if (door && door->page) {
		xen_hc_call(door, __HYPERVISOR_console_io, CONSOLEIO_write, n,
			    (unsigned long)s, 0, 0);
		return;
	}
	for (size_t i = 0; i < n; i++)
		__asm__ volatile("outb %0, %1" : : "a"(s[i]), "Nd"(XEN_DEBUG_PORT));
}
