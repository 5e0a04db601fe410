/* The Xen PV world (pv/): what its files share. */
#ifndef EARLYBOOT_PV_H
#define EARLYBOOT_PV_H

#include <stdbool.h>
#include <stdint.h>

#include "start_info.h"
#include "xen/hc.h"

/* The image's link base, the notes' VIRT_BASE (pv/entry.asm). */
#define PV_VIRT_BASE 0xffffffff80000000ULL

extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[];

/* The domain's one hypercall accounting: every call, every file. */
extern struct xen_hcall_acct pv_hc;

/*
 * Install the trap table (HYPERVISOR_set_trap_table): from then on every
 * exception prints a diagnostic and ends the run with the loader-error
 * status. Returns Xen's code.
 */
long pv_traps_install(void);
/* PHYSDEVOP_set_iopl: 1 while the loader runs (port 0xf4), 0 for a kernel. */
long pv_iopl_set(unsigned level);

/*
 * Choose the console: console_io for dom0, the start info's ring for a
 * domU (then x86_exit ends the domain). Says which, in words, for the log.
 */
const char *pv_console_select(const struct pv_start *si);
/* The ring's pfn (as Xen numbered it) when a domU's ring is the console. */
bool pv_console_ring_pfn(uint64_t *pfn);
/*
 * From now on fn(pfn) says where the live tree maps the ring (NULL: not
 * at all, the bytes are lost): for a start of day that renumbers frames.
 */
void pv_console_locate(struct xencons_interface *(*fn)(uint64_t pfn));

/*
 * Nanoseconds vCPU 0 has run (Xen's runstate accounting, up to now), for
 * timing what the loader does; 0 when Xen will not say.
 */
uint64_t pv_now_ns(void);

/* End the QEMU run with status (needs PHYSDEVOP_set_iopl(1) first). */
__attribute__((noreturn)) void pv_exit(uint8_t status);

#endif
