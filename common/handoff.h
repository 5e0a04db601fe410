/*
 * Fill the boot-info structure from world-neutral inputs: the memory map
 * after carving, what was loaded, and the early_paging context whose tree is
 * handed over. The world supplies only what it alone knows.
 */
#ifndef EARLYBOOT_HANDOFF_H
#define EARLYBOOT_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "paging/early_paging.h"
#include "memmap.h"

struct eb_handoff_module {
	uint64_t pa, len;
	const char *name;
};

struct eb_handoff {
	uint32_t world;
	uint64_t self_pa;
	uint64_t dmap_base, dmap_size;
	const struct eb_memmap *mem;
	const struct eb_handoff_module *mods;
	unsigned nmods;
	const char *cmdline;
	uint64_t acpi_rsdp_pa;
	uint64_t kernel_pa_start, kernel_pa_end, kernel_entry;
	uint64_t xen_start_info_pa, xen_hypercall_page_pa; /* PV only */
	const struct ep_ctx *ctx;
	unsigned defect; /* enum eb_defect, applied to what is written */
	uint32_t secure_boot; /* enum eb_secure_boot */
	uint32_t measured_pcrs; /* bit n: TPM PCR n extended */
};

/*
 * Write *bi (which the caller reaches however it can). 0, or -1 with a reason
 * when something does not fit the fixed-size arrays.
 */
int eb_handoff_fill(struct eb_bootinfo *bi, const struct eb_handoff *h,
		    char *err, size_t errlen);

#endif
