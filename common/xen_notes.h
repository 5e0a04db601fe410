/*
 * The Xen ELF notes of a kernel (<xen/elfnote.h>): what the kernel tells
 * its loader about its start of day. Xen reads them in its domain builder
 * (libelf); earlyboot reads them to build the same start of day for a PV
 * kernel it chainloads from its own PV domain (pv/linux_enter.c), and to
 * find the 32-bit PVH entry of a kernel it enters through the PVH boot
 * protocol in the native worlds (common/pvh_kernel.c, docs/pvh_handoff.md).
 * Both ELF classes are read: a PVH kernel may be an ELF32.
 *
 * Portable and untrusted-input safe: host-tested (tests/unit/
 * test_xen_notes.c) and fuzzed (tests/fuzz/fuzz_xen_notes.c). The notes are
 * read from the PT_NOTE segments (where Xen looks first; Linux, Mini-OS and
 * earlyboot's own image put them there), every note named "Xen"; notes of
 * other owners ("Linux", "GNU") are skipped.
 *
 * A PV kernel (eb_xen_notes_parse_pv) requires (an error naming the note
 * when missing): at least one Xen note (or, failing that, the legacy
 * `__xen_guest` section), XEN_VERSION "xen-3.0", and LOADER "generic" or
 * GUEST_OS "linux" (the two checks Xen's libelf makes before it loads a PV
 * image; both compare prefixes, as libelf does). HYPERCALL_PAGE is
 * optional, as it is for Xen: Linux stopped asking for one (its 2024
 * hypercall rework, in Debian 12's kernel: it issues `syscall` itself), so
 * requiring it would refuse the very kernel this path exists for.
 *
 * The defaults are Xen's dom0 builder's (docs/pv.md, "The kernel's
 * notes"): VIRT_BASE absent is 0; ENTRY absent is the ELF header's
 * e_entry; PADDR_OFFSET absent is 0 with notes and VIRT_BASE with the
 * legacy section (whose kernels set paddr = vaddr); PADDR_OFFSET without
 * VIRT_BASE is an error. The kernel then lies at virtual
 * paddr - PADDR_OFFSET + VIRT_BASE, pfn (paddr - PADDR_OFFSET) / 4 KiB.
 *
 * FEATURES ("a|!b|c": b required, all three supported) and
 * SUPPORTED_FEATURES (a bitmap) are merged as libelf merges them: a
 * required name is also supported, the bitmap adds to the supported set,
 * and an unknown name that is required is an error naming it (an unknown
 * one that is not is ignored).
 */
#ifndef EARLYBOOT_XEN_NOTES_H
#define EARLYBOOT_XEN_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/abi.h"

/*
 * XEN_ELFNOTE_PHYS32_RELOC: a PVH kernel that may be loaded elsewhere than
 * its linked physical address, within the alignment, lowest start and
 * highest last byte its descriptor gives (up to three 32-bit words, each
 * optional). Newer Xen headers define it; the 4.17 ones we build against
 * stop at PHYS32_ENTRY, so its number is named here, and nowhere else.
 */
#ifndef XEN_ELFNOTE_PHYS32_RELOC
#define XEN_ELFNOTE_PHYS32_RELOC 19
#endif
/* The highest note type this reader knows (and keeps a bit for). */
#define EB_XEN_NOTE_LAST XEN_ELFNOTE_PHYS32_RELOC

/* Longest string note kept (longer ones are an error, never cut). */
#define EB_XEN_NOTE_STR_MAX 64

struct eb_xen_notes {
	/* Bit XEN_ELFNOTE_<type> set for every Xen note found (types <= LAST). */
	uint64_t present;
	unsigned count;          /* Xen notes read, unknown types included */
	uint64_t entry;          /* XEN_ELFNOTE_ENTRY: virtual */
	uint64_t hypercall_page; /* XEN_ELFNOTE_HYPERCALL_PAGE: virtual, 0: none */
	uint64_t virt_base;      /* XEN_ELFNOTE_VIRT_BASE */
	uint64_t paddr_offset;   /* XEN_ELFNOTE_PADDR_OFFSET (default 0) */
	uint64_t init_p2m;       /* XEN_ELFNOTE_INIT_P2M: virtual, 0: none */
	uint64_t hv_start_low;   /* XEN_ELFNOTE_HV_START_LOW, 0: none */
	uint64_t phys32_entry;   /* XEN_ELFNOTE_PHYS32_ENTRY, 0: none */
	/*
	 * XEN_ELFNOTE_PHYS32_RELOC, when present: the words it gave
	 * (reloc_words 0..3), the rest 0; eb_pvh_kernel_parse applies the
	 * defaults.
	 */
	unsigned reloc_words;
	uint32_t reloc_align, reloc_min, reloc_max;
	/* Submap 0 (XENFEAT_NR_SUBMAPS is 1): FEATURES and SUPPORTED_FEATURES. */
	uint32_t supported_features;
	uint32_t required_features; /* the '!' names of FEATURES */
	bool mod_start_pfn;      /* XEN_ELFNOTE_MOD_START_PFN nonzero */
	bool legacy;             /* read from the __xen_guest section */
	bool entry_from_header;  /* no ENTRY: e_entry */
	char guest_os[EB_XEN_NOTE_STR_MAX];
	char guest_version[EB_XEN_NOTE_STR_MAX];
	char xen_version[EB_XEN_NOTE_STR_MAX];
	char loader[EB_XEN_NOTE_STR_MAX];
	char features[EB_XEN_NOTE_STR_MAX * 2]; /* XEN_ELFNOTE_FEATURES */
	char pae_mode[EB_XEN_NOTE_STR_MAX];
};

static inline bool eb_xen_note_has(const struct eb_xen_notes *n, unsigned type)
{
	return type <= EB_XEN_NOTE_LAST && (n->present >> type) & 1;
}

/*
 * Read every Xen note of the ELF32 or ELF64 file [elf, elf + len), none
 * required (a file without any has out->count 0). 0, or -1 with one line in
 * err naming what is malformed (the note, its offset in the file, the
 * field). Only the notes are checked here; the program headers' PT_LOAD
 * segments are eb_elf_parse_flags' job.
 */
int eb_xen_notes_read(const void *elf, uint64_t len, struct eb_xen_notes *out,
		      char *err, size_t errlen);

/*
 * eb_xen_notes_read of an ELF64, then what a PV kernel must carry (above):
 * 0, or -1 with one line naming what is missing.
 */
int eb_xen_notes_parse_pv(const void *elf, uint64_t len, struct eb_xen_notes *out,
		       char *err, size_t errlen);

/* "ENTRY", "HYPERCALL_PAGE", ... for messages ("type N" beyond the known). */
const char *eb_xen_note_name(unsigned type);

/* Does this ELF name itself a PV kernel: a Xen note other than the PVH
 * entry (PHYS32_ENTRY), or a __xen_guest section? Never fails. */
bool eb_xen_notes_pv_kernel(const void *elf, uint64_t len);

/* The <xen/features.h> name of feature bit `bit`, or NULL. */
const char *eb_xen_feature_name(unsigned bit);

/*
 * Parse a FEATURES string as libelf does, or-ing into *supported and
 * *required. 0, or -1 with the unknown required name in err.
 */
int eb_xen_features_parse(const char *s, uint32_t *supported, uint32_t *required,
			  char *err, size_t errlen);

/*
 * What the PV start of day earlyboot builds honours, when a kernel requires
 * it (docs/pv.md, "Features"): the features Xen gives every 64-bit PV
 * domain, writable_page_tables (Xen emulates a PV kernel's writes to its
 * page-table frames), and dom0. Not: auto_translated_physmap and the hvm_*
 * ones (a PV domain is never translated), supervisor_mode_kernel (a 64-bit
 * PV kernel runs in ring 3; Xen's builder refuses it too),
 * writable_descriptor_tables and the ARM ones.
 */
#define PV_FEATURES_OFFERED                                                        \
	((1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_pae_pgdir_above_4gb) | \
	 (1u << XENFEAT_mmu_pt_update_preserve_ad) | (1u << XENFEAT_highmem_assist) |  \
	 (1u << XENFEAT_gnttab_map_avail_bits) | (1u << XENFEAT_dom0) |                \
	 (1u << XENFEAT_memory_op_vnode_supported) |                                   \
	 (1u << XENFEAT_linux_rsdp_unrestricted))

/*
 * The first feature the kernel requires that `offered` lacks: 0 and its
 * bit in *bit, or -1 when every required one is offered.
 */
int eb_xen_features_missing(const struct eb_xen_notes *n, uint32_t offered,
			    unsigned *bit);

#endif
