/*
 * The PVH world's internal interface. pvh_main (main.c) runs on the entry
 * stub's stack: bootstrap.c replaces the stub's throwaway map with a tree
 * built through early_paging, hvm_start_info.c validates what we were handed,
 * xen.c talks to Xen when there is one, plan.c turns the boot module into a
 * complete struct eb_boot; common/x86/chainload.c does the rest.
 */
#ifndef EARLYBOOT_PVH_H
#define EARLYBOOT_PVH_H

#include <stdbool.h>
#include <stdint.h>

#include "boot.h"
#include "paging/early_paging.h"
#include "hvm_start_info.h"

/* linker/pvh.ld */
extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[];
/* entry.asm's stack, the one every C function here runs on: its lowest byte. */
extern char boot_stack[];

/*
 * bootstrap.c: build and make live the loader's own tree (identity: the
 * image eagerly, W^X; every other address below PVH_REACH lazily, served
 * by the #PF materializer), so start info, modules and memory anywhere
 * below PVH_REACH can be read before we know the memory map.
 */
#define PVH_REACH (512ULL << 30)
struct ep_ctx *pvh_bootstrap(unsigned leaf_mask);
/* pvh_read_fn over the bootstrap map: [pa, pa+len) or NULL past its reach. */
const void *pvh_phys(void *env, uint64_t pa, uint64_t len);
/* Map [pa, pa + len) of the bootstrap tree's lazy identity map now. */
void pvh_bootstrap_map_now(uint64_t pa, uint64_t len);

/*
 * xen.c. pvh_xen_init: when CPUID shows Xen, fill the hypercall page and
 * switch the console to HYPERVISOR_console_io; false on bare hardware.
 */
bool pvh_xen_init(void);
/* "Xen 4.17" for messages. */
const char *pvh_xen_version(void);
/* From now on hypercalls also count in c (NULL: stop). */
void pvh_xen_count_into(struct ep_counters *c);
/* struct eb_boot's on_ctx: count into the handed-over context. */
void pvh_xen_on_ctx(struct ep_ctx *ctx);
/* The memory map from XENMEM_memory_map into the empty m. 0 or -1. */
int pvh_xen_memory_map(struct eb_memmap *m, char *err, size_t errlen);

/*
 * plan.c: the boot module, placement and pools into b (eb_fail on error).
 * Module 0 may move out of a fixed kernel's way (si->mods[0].pa follows).
 */
void pvh_plan(struct eb_boot *b, struct pvh_start *si);

#endif
