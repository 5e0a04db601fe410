/*
 * hvm_start_info, the PVH start-of-day structure (Xen's public
 * <xen/arch-x86/hvm/start_info.h>, used as is): parse and validate it. It is
 * untrusted input, read through a callback so the same code runs in the
 * image (physical memory through the bootstrap identity map) and in the host
 * tests (a simulated physical memory). Every error is one line that names
 * the field at fault ("start_info.modlist[0].size is 0", ...).
 *
 * Portable: no world headers, no privileged instructions.
 */
#ifndef EARLYBOOT_PVH_HVM_START_INFO_H
#define EARLYBOOT_PVH_HVM_START_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "memmap.h"
#include "xen/abi.h"

#define PVH_MOD_MAX 8          /* modules we accept (EB_MOD_MAX) */
#define PVH_MOD_CMDLINE_MAX 1024 /* a module's string, NUL included */

/*
 * [pa, pa+len) as a pointer, or NULL when that memory cannot be read (not
 * addressable, or outside the simulated memory).
 */
typedef const void *(*pvh_read_fn)(void *env, uint64_t pa, uint64_t len);

struct pvh_module {
	uint64_t pa, len;
	uint64_t cmdline_pa; /* 0: none */
};

struct pvh_start {
	uint64_t pa;       /* where the structure was */
	uint32_t version;  /* 0 or 1 */
	uint32_t flags;    /* SIF_* */
	uint64_t rsdp_pa;  /* 0: none */
	uint64_t cmdline_pa;
	size_t cmdline_len;            /* 0 when cmdline_pa is 0 */
	char cmdline[EB_LINE_MAX + 1]; /* copied: the original may be reused */
	unsigned nmods;
	struct pvh_module mods[PVH_MOD_MAX];
	uint64_t modlist_pa;
	uint64_t memmap_pa;      /* version >= 1; 0: none */
	uint32_t memmap_entries; /* version >= 1; 0: none */
};

/* SIF_* bits a start info may carry (xen.h); any other bit is an error. */
#define PVH_SIF_KNOWN                                                       \
	(SIF_PRIVILEGED | SIF_INITDOMAIN | SIF_MULTIBOOT_MOD |               \
	 SIF_MOD_START_PFN | SIF_VIRT_P2M_4TOOLS | SIF_PM_MASK)

/*
 * Read and validate the structure at pa: magic, version (0 or 1: a version
 * we do not know may have given meaning to what we would ignore), flags,
 * reserved fields, the command line (NUL within EB_LINE_MAX + 1 bytes), the
 * module list (count, address, each entry's address, size, wrap, reserved,
 * string) and, from version 1, the memory map's count and address.
 * 0, or -1 with err naming the field.
 */
int pvh_parse_start_info(uint64_t pa, pvh_read_fn rd, void *env,
			 struct pvh_start *out, char *err, size_t errlen);

/*
 * The version-1 memory map (memmap_entries of struct
 * hvm_memmap_table_entry at memmap_pa) into m, which must be empty:
 * entries checked (wrap, beyond 52 bits, reserved), converted (pvh_e820_add)
 * and normalized (sorted, overlaps refused). At least one RAM range.
 */
int pvh_memmap_from_start_info(const struct pvh_start *s, pvh_read_fn rd,
			       void *env, struct eb_memmap *m, char *err,
			       size_t errlen);

/*
 * One E820-style range into m. hvm_memmap_table_entry and the E820 table
 * XENMEM_memory_map returns share the type values (XEN_HVM_MEMMAP_TYPE_*);
 * unknown types count as reserved, as the E820 convention says. RAM is
 * trimmed inwards to whole pages and the slivers become reserved, so every
 * RAM range handed over is page aligned and every byte is still accounted
 * for. field names the entry in messages ("start_info.memmap[3]").
 */
int pvh_e820_add(struct eb_memmap *m, uint64_t addr, uint64_t size,
		 uint32_t type, const char *field, char *err, size_t errlen);

/* enum eb_mem_type of an E820 / XEN_HVM_MEMMAP_TYPE_* value. */
uint32_t pvh_e820_type(uint32_t type);

/*
 * There must be a module (the first is the boot module), and every module
 * must lie wholly in RAM of m (as reported, before anything is carved).
 * err names the field ("start_info.nr_modules", "start_info.modlist[1]").
 */
int pvh_check_modules(const struct pvh_start *s, const struct eb_memmap *m,
		      char *err, size_t errlen);

#endif
