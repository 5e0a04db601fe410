/*
 * The Xen ELF notes of a PV kernel (<xen/elfnote.h>): what the kernel tells
 * its loader about its start of day. Xen reads them in its domain builder
 * (libelf); earlyboot reads them to build the same start of day for the
 * kernel it chainloads from its own PV domain (pv/linux_enter.c).
 *
 * Portable and untrusted-input safe: host-tested (tests/unit/
 * test_xen_notes.c) and fuzzed (tests/fuzz/fuzz_xen_notes.c). The notes are
 * read from the PT_NOTE segments (where Xen looks first; Linux, Mini-OS and
 * earlyboot's own image put them there), every note named "Xen"; notes of
 * other owners ("Linux", "GNU") are skipped.
 *
 * Required (an error naming the note when missing): at least one Xen note,
 * ENTRY and VIRT_BASE, XEN_VERSION "xen-3.0", and LOADER "generic" or
 * GUEST_OS "linux" (the two checks Xen's libelf makes before it loads a PV
 * image). HYPERCALL_PAGE is optional, as it is for Xen: Linux stopped
 * asking for one (its 2024 hypercall rework, in Debian 12's kernel: it
 * issues `syscall` itself), so requiring it would refuse the very kernel
 * this path exists for. Defaults as libelf's: PADDR_OFFSET 0 (the notes'
 * interface, not the legacy __xen_guest one).
 */
#ifndef EARLYBOOT_PV_XEN_NOTES_H
#define EARLYBOOT_PV_XEN_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/abi.h"

/* Longest string note kept (longer ones are an error, never cut). */
#define PV_NOTE_STR_MAX 64

struct pv_xen_notes {
	/* Bit XEN_ELFNOTE_<type> set for every Xen note found (types <= MAX). */
	uint64_t present;
	unsigned count;          /* Xen notes read, unknown types included */
	uint64_t entry;          /* XEN_ELFNOTE_ENTRY: virtual */
	uint64_t hypercall_page; /* XEN_ELFNOTE_HYPERCALL_PAGE: virtual, 0: none */
	uint64_t virt_base;      /* XEN_ELFNOTE_VIRT_BASE */
	uint64_t paddr_offset;   /* XEN_ELFNOTE_PADDR_OFFSET (default 0) */
	uint64_t init_p2m;       /* XEN_ELFNOTE_INIT_P2M: virtual, 0: none */
	uint64_t hv_start_low;   /* XEN_ELFNOTE_HV_START_LOW, 0: none */
	uint64_t phys32_entry;   /* XEN_ELFNOTE_PHYS32_ENTRY, 0: none */
	uint32_t supported_features; /* XEN_ELFNOTE_SUPPORTED_FEATURES, submap 0 */
	bool mod_start_pfn;      /* XEN_ELFNOTE_MOD_START_PFN nonzero */
	char guest_os[PV_NOTE_STR_MAX];
	char guest_version[PV_NOTE_STR_MAX];
	char xen_version[PV_NOTE_STR_MAX];
	char loader[PV_NOTE_STR_MAX];
	char features[PV_NOTE_STR_MAX * 2]; /* XEN_ELFNOTE_FEATURES */
	char pae_mode[PV_NOTE_STR_MAX];
};

static inline bool pv_note_has(const struct pv_xen_notes *n, unsigned type)
{
	return type <= XEN_ELFNOTE_MAX && (n->present >> type) & 1;
}

/*
 * Read the Xen notes of the ELF64 file [elf, elf + len). 0, or -1 with one
 * line in err naming what is missing or malformed (the note, its offset in
 * the file, the field). Only the notes are checked here; the program
 * headers' PT_LOAD segments are eb_elf_parse_flags' job.
 */
int pv_xen_notes_parse(const void *elf, uint64_t len, struct pv_xen_notes *out,
		       char *err, size_t errlen);

/* "ENTRY", "HYPERCALL_PAGE", ... for messages ("type N" beyond the known). */
const char *pv_xen_note_name(unsigned type);

#endif
