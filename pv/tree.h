/* Building, pinning and entering the PV tree (pv/tree.c, pv/linux_enter.c). */
#ifndef EARLYBOOT_PV_TREE_H
#define EARLYBOOT_PV_TREE_H

#include <stdbool.h>

#include "cmdline.h"
#include "elf_load.h"
#include "pv.h"
#include "paging/xen/xen_backend.h"
#include "xen_notes.h"

struct pv_boot {
	struct eb_options opt;
	const struct pv_start *si;
	uint64_t start_info_pa;
	const void *kfile; /* the kernel ELF, in the bootstrap region */
	uint64_t kfile_len;
	struct eb_elf_info elf;
	bool pv_kernel;             /* a Linux vmlinux: Xen's PV start of day */
	struct eb_xen_notes notes;  /* its Xen notes (pv_kernel only) */
	uint64_t initrd_pa, initrd_len;
	/*
	 * A bzImage's vmlinux (pv/unpack.c): decoded through this staging
	 * tree (live, direct map of every frame past the bootstrap region),
	 * which linux_enter.c then fills through; frames from pfn
	 * scratch_pfn on hold the vmlinux and stay out of the new region.
	 * NULL and 0 otherwise.
	 */
	struct ep_ctx *stage;
	uint64_t scratch_pfn;
};

/*
 * The bootstrap region Xen built for this loader, [0, region) in bytes:
 * 4 MiB aligned and past everything Xen put there (our image, start_info,
 * the p2m, the template, the module) by at least 512 KiB.
 */
uint64_t pv_bootstrap_region(const struct pv_boot *b);

/* Entries in Xen's m2p (XENMEM_machphys_mapping); fails the run if Xen won't say. */
uint64_t pv_m2p_entries(void);

/*
 * The loader's own tree, through early_paging with ep_xen_ops over Xen's
 * template, made live: the bootstrap region at VIRT_BASE (text RX, rodata
 * R, the rest RW: the rule keeps the template and the pool read-only), the
 * direct map EB_DMAP_BASE + pa of [dmap_pa, dmap_pa + dmap_len) RW, and
 * the kernel's segments at their link addresses when kernel is not NULL.
 * Activated early; with late, also switched to the late activation at the
 * named point and activated again (user base pointer = the root). Any
 * failure is an eb_fail line. Returns the live context.
 */
struct ep_ctx *pv_tree_build(struct pv_boot *b, uint64_t region, uint64_t dmap_pa,
			     uint64_t dmap_len, const struct eb_elf_info *kernel,
			     bool late);

/*
 * A bzImage module: decode its vmlinux (pv/unpack.c) into the domain's
 * last frames and make it b->kfile. Any failure is an eb_fail line naming
 * the kernel (name), the format and the offset.
 */
void pv_unpack_bzimage(struct pv_boot *b, const char *name);

/* The earlyboot handoff (the test kernel). */
__attribute__((noreturn)) void pv_tree_and_enter(struct pv_boot *b);

/* Xen's PV start of day for a PV kernel (a Linux vmlinux): linux_enter.c. */
__attribute__((noreturn)) void pv_linux_enter(struct pv_boot *b);

#endif
