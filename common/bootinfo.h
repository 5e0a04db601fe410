/*
 * The earlyboot handoff: the boot-info structure every world hands to the
 * next kernel in rdi (docs/handoff.md is the prose version of this file).
 *
 * Rules that make it safe to read before anything is trusted:
 *  - Fixed size, fixed layout, no pointers to pointers: a consumer checks
 *    magic, version and size, then every count against its *_max before it
 *    indexes an array.
 *  - Every address is given as a physical address (*_pa) and, where the
 *    consumer may want to dereference it, as a virtual address (*_va) valid
 *    under the CR3 live at entry. All VAs handed over are direct-map
 *    addresses: va = dmap_base + pa.
 *  - The same structure serves UEFI, PVH (direct and under Xen) and Xen PV;
 *    fields a world has no use for are 0.
 */
#ifndef EARLYBOOT_BOOTINFO_H
#define EARLYBOOT_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define EB_BOOTINFO_MAGIC 0x4f464e49544f4f42ULL /* "BOOTINFO", little-endian */
#define EB_BOOTINFO_VERSION 2

/*
 * The firmware's Secure Boot state as the loader found it (docs/secureboot.md).
 * Only the UEFI world has one; the others hand over EB_SECURE_BOOT_NONE.
 */
enum eb_secure_boot {
	EB_SECURE_BOOT_NONE = 0,      /* no UEFI, or no SecureBoot variable */
	EB_SECURE_BOOT_SETUP = 1,     /* SetupMode 1: no platform key, nothing enforced */
	EB_SECURE_BOOT_OFF = 2,       /* keys enrolled, SecureBoot 0 */
	EB_SECURE_BOOT_ENFORCING = 3, /* SecureBoot 1: every kernel, initrd and
				       * command line was verified against db/dbx */
};

/*
 * The ELF note a kernel of this hand-off carries to be entered with 5-level
 * paging (docs/handoff.md, "Paging depth"): name "earlyboot" (namesz 10),
 * type EB_ELFNOTE_PAGING_LEVELS, a 4-byte little-endian descriptor holding
 * the deepest paging the kernel takes (5; 4 or no note: 4-level only).
 */
#define EB_ELFNOTE_NAME "earlyboot"
#define EB_ELFNOTE_PAGING_LEVELS 1

#define EB_MEM_MAX 512        /* memory-map ranges */
#define EB_MOD_MAX 8          /* modules */
#define EB_MOD_NAME_MAX 64    /* module name, NUL included */
#define EB_CMDLINE_MAX 1024   /* kernel command line, NUL included */
#define EB_FRAMES_MAX 4096    /* page-table frames listed */

enum eb_world {
	EB_WORLD_NONE = 0,
	EB_WORLD_UEFI = 1,
	EB_WORLD_PVH = 2,     /* PVH entered directly (QEMU -kernel) */
	EB_WORLD_PVH_XEN = 3, /* PVH domain under Xen */
	EB_WORLD_PV = 4,      /* Xen PV domain */
};

/*
 * Types of memory-map ranges. The first group is what firmware reports; the
 * second is what earlyboot carved out of RAM for the next kernel.
 */
enum eb_mem_type {
	EB_MEM_RAM = 1,          /* free for the kernel */
	EB_MEM_RESERVED = 2,
	EB_MEM_ACPI_RECLAIM = 3, /* ACPI tables: RAM once parsed */
	EB_MEM_ACPI_NVS = 4,
	EB_MEM_UNUSABLE = 5,     /* errors reported by firmware */
	EB_MEM_FW_RUNTIME = 6,   /* EFI runtime services code/data */
	EB_MEM_MMIO = 7,
	EB_MEM_LOADER = 8,       /* earlyboot itself and its stacks: reclaimable */
	EB_MEM_KERNEL = 9,       /* the kernel's loaded segments */
	EB_MEM_MODULE = 10,      /* modules (initrd, ...) */
	EB_MEM_PAGE_TABLES = 11, /* both page-table pools, [start, top) */
	EB_MEM_BOOT_INFO = 12,   /* this structure */
	EB_MEM_TYPE_MAX = 12,
};

/*
 * True for the types the direct map covers: every byte of these ranges is
 * mapped at dmap_base + pa, read-write, no-execute, when the kernel starts.
 */
static inline bool eb_mem_type_in_dmap(uint32_t type)
{
	switch (type) {
	case EB_MEM_RAM:
	case EB_MEM_ACPI_RECLAIM:
	case EB_MEM_ACPI_NVS:
	case EB_MEM_LOADER:
	case EB_MEM_KERNEL:
	case EB_MEM_MODULE:
	case EB_MEM_PAGE_TABLES:
	case EB_MEM_BOOT_INFO:
		return true;
	default:
		return false;
	}
}

struct eb_mem_range {
	uint64_t pa, len;  /* 4 KiB aligned */
	uint32_t type;     /* enum eb_mem_type */
	uint32_t reserved;
};

struct eb_module {
	uint64_t pa, va, len; /* va: direct-map address of pa */
	char name[EB_MOD_NAME_MAX]; /* NUL-terminated ("initrd", the path, ...) */
};

/* A pool of page-table frames: [start, end) handed out, [end, top) spare. */
struct eb_pool_info {
	uint64_t start, end, top; /* physical addresses */
};

struct eb_counters {
	uint64_t pt_frames;  /* frames that became page tables */
	uint64_t entries;    /* entries written */
	uint64_t faults;     /* #PF served by the materializer (and completions) */
	uint64_t resets;     /* lazy pool resets */
	uint64_t refusals;   /* RW dropped on table-frame mappings (xen) */
	uint64_t hypercalls; /* MMU hypercalls issued (xen) */
};

/* Deliberate defects (loader debug switch `defect=`); 0 in a real boot. */
enum eb_defect {
	EB_DEFECT_NONE = 0,
	EB_DEFECT_MAGIC,    /* wrong magic */
	EB_DEFECT_MEMMAP,   /* two ranges swapped: map unsorted */
	EB_DEFECT_NX,       /* tables built without NX bits */
	EB_DEFECT_SEGMENTS, /* kernel rodata mapped writable */
	EB_DEFECT_DMAP,     /* lowest RAM range left out of the direct map */
	EB_DEFECT_TABLES,   /* last table frame left out of the list */
	EB_DEFECT_INITRD,   /* one byte of the initrd flipped */
	EB_DEFECT_SPARE,    /* Xen PV: spare pool frames not made writable again */
	EB_DEFECT_TEMPLATE, /* Xen PV: Xen's old template frames not made writable again */
	EB_DEFECT_CPU,      /* native: kernel entered with EFER.NXE and CR0.WP off */
	EB_DEFECT_CMDLINE,  /* PVH hand-off: no command line pointer */
	EB_DEFECT_RSDP,     /* PVH hand-off: RSDP pointer off by 8 bytes */
	EB_DEFECT_MAX = EB_DEFECT_RSDP,
};

struct eb_bootinfo {
	/* Header: check these three before anything else. */
	uint64_t magic;   /* EB_BOOTINFO_MAGIC */
	uint32_t version; /* EB_BOOTINFO_VERSION */
	uint32_t size;    /* sizeof(struct eb_bootinfo) */

	uint32_t world;   /* enum eb_world */
	uint32_t levels;  /* paging levels of the handed-over tree: 4 or 5 */
	uint64_t self_pa; /* where this structure is */
	uint64_t self_va; /* = rdi at entry */
	uint64_t cr3;     /* root of the handed-over tree */

	/* Direct map: va = dmap_base + pa for every eb_mem_type_in_dmap range. */
	uint64_t dmap_base;
	uint64_t dmap_size; /* end of the highest direct-mapped range */

	/* Memory map: sorted by pa, non-overlapping, adjacent equal types merged. */
	uint32_t mem_max;   /* EB_MEM_MAX */
	uint32_t mem_count;
	uint64_t fw_bytes;   /* sum of the lengths the firmware reported */
	uint32_t fw_entries; /* number of descriptors the firmware reported */
	/*
	 * Bit n set: the loader extended TPM PCR n (docs/measured-boot.md);
	 * 0: nothing measured (no TPM, or not UEFI). It was reserved0, always
	 * 0, so version 2 readers that ignore it lose nothing.
	 */
	uint32_t measured_pcrs;

	uint32_t mod_max; /* EB_MOD_MAX */
	uint32_t mod_count;

	uint32_t cmdline_max; /* EB_CMDLINE_MAX */
	uint32_t cmdline_len; /* strlen(cmdline) */

	uint64_t acpi_rsdp_pa; /* 0 when the firmware gave none */

	/* Page tables handed over. */
	struct eb_pool_info pool;      /* eager tables and the root */
	struct eb_pool_info lazy_pool; /* the materializer's pool */
	uint32_t frames_max;           /* EB_FRAMES_MAX */
	uint32_t frames_count;         /* table_frames[] entries */

	struct eb_counters counters;

	/* Xen PV only (0 elsewhere). */
	uint64_t xen_start_info_pa, xen_start_info_va;
	uint64_t xen_hypercall_page_pa, xen_hypercall_page_va;

	/* The kernel's own image as the loader placed it. */
	uint64_t kernel_pa_start, kernel_pa_end, kernel_entry;

	uint32_t debug_defect; /* enum eb_defect the loader applied; 0 normally */
	uint32_t secure_boot;  /* enum eb_secure_boot (version 2 on) */

	char cmdline[EB_CMDLINE_MAX];
	struct eb_module mods[EB_MOD_MAX];
	struct eb_mem_range mem[EB_MEM_MAX];
	uint64_t table_frames[EB_FRAMES_MAX]; /* pa of every table frame, sorted */
};

/* The layout is ABI: any change bumps EB_BOOTINFO_VERSION. */
_Static_assert(sizeof(struct eb_mem_range) == 24, "eb_mem_range layout");
_Static_assert(sizeof(struct eb_module) == 88, "eb_module layout");
_Static_assert(sizeof(struct eb_bootinfo) % 8 == 0, "eb_bootinfo alignment");

/* isa-debug-exit (iobase 0xf4) values; QEMU exits with (value << 1) | 1. */
#define EB_EXIT_PORT 0xf4
#define EB_EXIT_PASS 0x10        /* test kernel: every check passed (33) */
#define EB_EXIT_KERNEL_FAIL 0x11 /* test kernel: a check failed (35) */
#define EB_EXIT_LOADER_FAIL 0x12 /* loader: an earlyboot: error: line (37) */

const char *eb_mem_type_name(uint32_t type);
const char *eb_world_name(uint32_t world);
/* "none", "setup", "off", "enforcing" (the stats line's secureboot=). */
const char *eb_secure_boot_name(uint32_t state);
/* measured_pcrs as the stats line says it: "9,12", or "none". */
void eb_pcr_list(uint32_t pcrs, char *out, unsigned long max);

#endif
