/*
 * Console output under Xen. HYPERVISOR_console_io(CONSOLEIO_write): Xen
 * prints a dom0's writes on its own console (COM1 here) unprefixed; a
 * domU's return -EPERM on a release build (docs/platform.md). Until a hypercall
 * page exists, port 0xe9: Xen intercepts it for HVM/PVH domains, dom0
 * included, and prints each line as "(d0) ...". The buffer must be mapped
 * in the live tables (stack or eagerly mapped data).
 */
#ifndef EARLYBOOT_XEN_HC_CONSOLE_H
#define EARLYBOOT_XEN_HC_CONSOLE_H

#include <stddef.h>

#include "hc.h"

/*
 * The accounting the console's hypercalls count in, set once the hypercall
 * page is filled; NULL (the default): port 0xe9.
 */
void xen_hc_console_use(struct xen_hcall_acct *a);
/* A console sink (common/x86/serial.h con_sink_fn). */
void xen_hc_console_write(const char *s, size_t n);

#endif
