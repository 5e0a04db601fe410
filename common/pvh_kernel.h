/*
 * A kernel entered through the PVH boot protocol (docs/pvh_handoff.md):
 * an ELF32 or ELF64 whose Xen note XEN_ELFNOTE_PHYS32_ENTRY names a 32-bit
 * entry point, entered in flat protected mode with paging off. What the
 * file says, validated: its segments (loaded at their physical addresses,
 * all below 4 GiB: code with paging off reaches nothing above), the entry
 * inside an executable segment's file bytes, and, when the note
 * XEN_ELFNOTE_PHYS32_RELOC is present, where else the image may go.
 *
 * Portable and untrusted-input safe (tests/unit/test_pvh_kernel.c).
 */
#ifndef EARLYBOOT_PVH_KERNEL_H
#define EARLYBOOT_PVH_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"

/* Everything a PVH kernel is handed lies below this (32-bit registers). */
#define EB_PVH_LIMIT (1ULL << 32)
/* PHYS32_RELOC's alignment when the note gives none: a large page. */
#define EB_PVH_RELOC_ALIGN_DEFAULT (2ULL << 20)

struct eb_pvh_kernel {
	uint64_t entry;      /* PHYS32_ENTRY (moved with the image) */
	bool elf32;          /* the file's class */
	bool relocatable;    /* PHYS32_RELOC present */
	/* Its window, defaults applied: start aligned to align, in [min, max]. */
	uint64_t align, min, max; /* max: the highest byte the image may use */
};

/*
 * Does the ELF (either class) carry a well-formed PHYS32_ENTRY note? For
 * choosing the protocol; eb_pvh_kernel_parse says what is wrong otherwise.
 */
bool eb_pvh_kernel_has_entry(const void *file, uint64_t len);

/*
 * Validate the file for the PVH entry into *elf (every segment's vaddr set
 * to its paddr: the kernel starts where it lies) and *pk: its Xen notes
 * readable, PHYS32_ENTRY present and inside an executable segment's file
 * bytes (by physical address), every segment below EB_PVH_LIMIT, W+X
 * segments allowed (the PVH entry runs with paging off: permissions are the
 * kernel's own business from its first instruction), PHYS32_RELOC's
 * alignment a power of two of at least 4 KiB and its window [min, max]
 * below EB_PVH_LIMIT and not empty. 0, or -1 with one line naming the
 * note or segment at fault.
 */
int eb_pvh_kernel_parse(const void *file, uint64_t len, struct eb_elf_info *elf,
			struct eb_pvh_kernel *pk, char *err, size_t errlen);

#endif
