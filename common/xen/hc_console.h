/*
 * Console output under Xen, the same lines in every Xen world:
 *  - a domU: its console ring (console_ring.h), the page and event channel
 *    the toolstack named (PV: start_info.console.domU; PVH: the HVM params
 *    HVM_PARAM_CONSOLE_PFN/EVTCHN), read by xenconsoled in dom0;
 *  - dom0: HYPERVISOR_console_io(CONSOLEIO_write), which Xen prints on its
 *    own console (COM1 here) unprefixed; a domU's return -EPERM on a
 *    release build (docs/platform.md), hence the ring;
 *  - until a hypercall page exists, port 0xe9: Xen intercepts it for
 *    HVM/PVH domains and prints each line as "(dN) ...".
 * Buffers must be mapped in the live tables (stack or eagerly mapped data).
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
/*
 * Print through the console ring from now on. open() gives the ring's
 * address in the live tables (NULL: not reachable now, the bytes are
 * lost), close() (may be NULL) undoes what open() did; they bracket every
 * access, so a world whose mapping of the page changes can follow it.
 * 0, or -1 when the ring's indices are already inconsistent (then the
 * console stays where it was).
 */
int xen_hc_console_use_ring(struct xen_hcall_acct *a, uint32_t evtchn,
			    struct xencons_interface *(*open)(void),
			    void (*close)(void));
/* A console sink (common/x86/serial.h con_sink_fn). */
void xen_hc_console_write(const char *s, size_t n);
/*
 * The x86_exit hook of a domU (common/x86/serial.h): wait (bounded) until
 * the backend has read the ring, then SCHEDOP_shutdown (poweroff for a
 * pass, crash otherwise). Returns only when no ring is in use.
 */
void xen_hc_console_exit(uint8_t code);

#endif
