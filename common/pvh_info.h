/*
 * The hvm_start_info (version 1) earlyboot hands a kernel it enters through
 * the PVH boot protocol (docs/pvh_handoff.md), built into one block of
 * EB_PVH_INFO_BYTES that the world placed below 4 GiB and carved as boot
 * info: the structure, the module list, the memory map, the command line
 * and the modules' names, in that order, every address physical and below
 * 4 GiB. The structures are Xen's (<xen/arch-x86/hvm/start_info.h>).
 *
 * Portable (tests/unit/test_pvh_info.c).
 */
#ifndef EARLYBOOT_PVH_INFO_H
#define EARLYBOOT_PVH_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "handoff.h"
#include "memmap.h"

/*
 * The block: the structure, 8 modules, 512 memory-map entries (the carved
 * map's most), a command line of EB_CMDLINE_MAX and the names fit.
 */
#define EB_PVH_INFO_BYTES (16 * 1024ULL)

struct eb_pvh_info_in {
	uint64_t pa;        /* where the block lies (what its addresses say) */
	uint32_t flags;     /* SIF_* passed on (Xen's dom0 flags under Xen) */
	const struct eb_memmap *mem; /* the carved map */
	const struct eb_handoff_module *mods; /* the initrd goes first */
	unsigned nmods;
	const char *cmdline;
	uint64_t rsdp_pa;   /* 0: none */
	unsigned defect;    /* enum eb_defect: magic and memmap break it */
};

/*
 * Write the block (len bytes at block, reached however the caller can).
 * The memory map is the carved one turned into E820 types as Linux's e820
 * table is (common/linux_boot.h, eb_linux_e820): what the loader used for
 * itself is RAM again, the kernel and the modules too (the kernel keeps
 * them from its own allocator). 0, or -1 with one line naming what did not
 * fit or lies above 4 GiB.
 */
int eb_pvh_info_build(void *block, size_t len, const struct eb_pvh_info_in *in,
		      char *err, size_t errlen);

#endif
