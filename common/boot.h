/*
 * What every world knows once it has gathered its inputs, and the
 * world-neutral steps that turn it into the handed-over tree: carve the
 * memory map, size the pools, build the tree through early_paging (native
 * backend). The UEFI and PVH worlds fill a struct eb_boot each their own
 * way; common/x86/chainload.c then runs the rest, identical for both.
 */
#ifndef EARLYBOOT_BOOT_H
#define EARLYBOOT_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "cmdline.h"
#include "dmap.h"
#include "paging/early_paging.h"
#include "elf_load.h"
#include "handoff.h"
#include "linux_boot.h"
#include "memmap.h"
#include "pvh_kernel.h"

/* The loader's own image, identity-mapped (va == pa) with these perms. */
#define EB_SELF_MAX 4
struct eb_self_region {
	uint64_t pa, len; /* page aligned */
	unsigned perms;   /* enum ep_perm: headers/rodata 0, text EP_X, data EP_W */
	const char *name;
};

/* Pool state arrays the build uses: one byte per frame. */
#define EB_BOOT_MAX_POOL 2048
#define EB_BOOT_MAX_LAZY 8192
/* The lazy pool never shrinks below Linux's early pool: resets stay rare. */
#define EB_BOOT_LAZY_MIN 64

struct eb_boot {
	uint32_t world;          /* enum eb_world */
	struct eb_options opt;   /* ptdump, quiet, defect, the kernel's command line */
	uint32_t secure_boot;    /* enum eb_secure_boot (UEFI only; else NONE) */
	uint32_t measured_pcrs;  /* bit n: TPM PCR n extended (UEFI only) */
	const char *kernel_name; /* for messages: a path, a cpio member, ... */
	struct eb_self_region self[EB_SELF_MAX];
	unsigned nself;
	/* The kernel file where it lies now, validated; copied after the switch. */
	uint64_t kfile_pa, kfile_len;
	/*
	 * What the file is (linux_boot.h). An ELF or a vmlinux fills elf; a
	 * bzImage fills bz and, once placed, elf with its one segment.
	 */
	enum eb_kernel_kind kind;
	struct eb_bzimage bz;
	struct eb_elf_info elf;
	/* How it is entered (enum eb_protocol, never DEFAULT once parsed). */
	unsigned protocol;
	/* PVH only: what its notes say, and its start info's block and flags. */
	struct eb_pvh_kernel pvh;
	uint64_t pvh_info_pa;
	uint32_t pvh_flags;
	/* Linux only: the zero page, then the command line. */
	uint64_t linux_params_pa;
	/* Handed over as they are (the initrd is named "initrd"). */
	struct eb_handoff_module mods[EB_MOD_MAX];
	unsigned nmods;
	uint64_t bootinfo_pa;
	/* One block: pool_frames main-pool frames, then lazy_frames lazy ones. */
	uint64_t pool_pa, pool_frames, lazy_frames;
	uint64_t acpi_rsdp_pa;
	/* UEFI only: what Linux needs to keep UEFI (linux_boot.h). */
	struct eb_efi_handoff efi;
	/* levels: the handed-over tree's depth (eb_boot_choose_levels). */
	unsigned levels, leaf_mask;
	/* Where eb_boot_place_kernel moved the kernel from its linked paddr. */
	int64_t kernel_pa_delta;
	/* The deepest paging the kernel declares (eb_kernel_max_levels). */
	unsigned kernel_max_levels;
	/*
	 * Optional: the backend the handed-over tree is built with; NULL is
	 * ep_native_ops. common/x86/chainload.c gives one whose activation
	 * changes the paging depth when the tree's differs from the CPU's.
	 */
	const struct ep_backend_ops *ops;
	/* The firmware's map, normalized; eb_boot_carve re-types what we use. */
	struct eb_memmap mem;
	/*
	 * Optional: called once the handed-over context is initialised, before
	 * any table is built (PVH under Xen attaches its hypercall counter).
	 */
	void (*on_ctx)(struct ep_ctx *ctx);
	/*
	 * Optional: how table frames are reached. NULL in the images: identity,
	 * the pools being identity-mapped in the tree that is live while this
	 * one is built and in this one. The host tests point it at a simulator.
	 */
	void *(*phys_to_virt)(void *env, uint64_t pa);
	void *pt_env;
};

/*
 * PVH: the block of the start info (common/pvh_info.h) lies below this
 * and is placed like the boot info; eb_boot_carve carves it.
 */
#define EB_PVH_INFO_LIMIT EB_PVH_LIMIT

/* The zero page and the command line after it (Linux kernels only). */
#define EB_LINUX_PARAMS_BYTES (2 * 4096ULL)

/* The kernel is entered through the Linux boot protocol. */
bool eb_boot_is_linux(const struct eb_boot *b);
/* The kernel is entered through the PVH boot protocol. */
bool eb_boot_is_pvh(const struct eb_boot *b);

/*
 * Classify and validate the kernel file (b->kfile_len bytes at file) into
 * b->kind, b->protocol and b->elf (and b->bz, b->pvh); a bzImage is placed
 * too, in b->mem clear of busy[] and at or above min_pa. A PE/EFI
 * application or an unknown format is an error here (the UEFI world starts
 * PE applications before).
 *
 * The protocol (docs/pvh_handoff.md, "Which protocol"): b->opt.protocol
 * when given, refused with one line when the kernel cannot speak it (PVH
 * without a PHYS32_ENTRY note or for a bzImage, which every world
 * replaces by its vmlinux first: decompress/boot_unpack.h; Linux for what is not
 * Linux, earlyboot for Linux or an ELF32); else a bzImage or a vmlinux gets
 * Linux's, except a vmlinux with a PVH entry as Xen's PVH dom0 (b->world
 * EB_WORLD_PVH_XEN), which gets PVH so that it runs as the PVH dom0 it is;
 * an ELF64 carrying the earlyboot note gets the earlyboot handoff, an ELF
 * with a PHYS32_ENTRY note and no earlyboot note (an ELF32 always) PVH,
 * any other ELF the earlyboot handoff. b->world and b->opt must be set.
 * 0, or -1 with one line (not yet naming the kernel) in err.
 */
int eb_boot_parse_kernel(struct eb_boot *b, const void *file,
			 const struct eb_range *busy, size_t nbusy,
			 uint64_t min_pa, char *err, size_t errlen);

/*
 * Where the parsed kernel goes (docs/handoff.md, "Placement"): where it is
 * linked when those frames are free RAM clear of busy[]; else, for a kernel
 * that may move physically, the lowest free run at or above min_pa with the
 * alignment its kind needs, every segment's paddr (a vmlinux's vaddr and
 * entry too: it runs identity-mapped) shifted by one delta, kept in
 * b->kernel_pa_delta. An earlyboot ELF keeps its virtual addresses; a
 * vmlinux works out its own load offset in startup_64. A bzImage was
 * placed by eb_boot_parse_kernel. A PVH kernel moves only when its
 * PHYS32_RELOC note allows it, within the note's alignment and window, and
 * its entry moves with it. 0, or -1 with one line naming the
 * conflict at the linked address and why no other place serves.
 */
int eb_boot_place_kernel(struct eb_boot *b, const struct eb_range *busy,
			 size_t nbusy, uint64_t min_pa, char *err,
			 size_t errlen);

/*
 * When eb_boot_place_kernel moved the kernel: one line for the log ("linked
 * at pa X, which is taken: placed at pa Y") in out, and true.
 */
bool eb_boot_kernel_moved(const struct eb_boot *b, char *out, size_t outlen);

/*
 * The depth of the tree to hand over, into b->levels (docs/early_paging.md,
 * "Paging depth"): paging=4|5 when given, else 5 where the CPU offers LA57
 * (la57_offered: CPUID) and the kernel declares it takes 5 levels
 * (b->kernel_max_levels, set by eb_boot_parse_kernel), else 4. paging=5 is
 * an error where the CPU lacks LA57 or an ELF or bzImage kernel does not
 * declare it; a vmlinux has nothing to declare it with, so there paging=5
 * is the operator's word. A PVH kernel is entered with paging off: the
 * loader keeps 4 levels and any paging= is an error. 0, or -1 with one
 * line in err.
 */
int eb_boot_choose_levels(struct eb_boot *b, bool la57_offered, char *err,
			  size_t errlen);

/*
 * The identity-mapped regions besides the loader and the kernel that the
 * kernel's protocol needs; out holds EB_BOOT_MAX_EXTRA. Returns the count.
 */
#define EB_BOOT_MAX_EXTRA 3
unsigned eb_boot_extra_regions(const struct eb_boot *b,
			       struct eb_self_region *out);

/* Frames the lazy pool needs to hold the whole direct map of m. */
uint64_t eb_boot_lazy_frames(const struct eb_memmap *m, unsigned levels,
			     unsigned leaf_mask);

/*
 * Frames the main pool needs for b's eager mappings (the loader's regions,
 * the kernel's segments), for the block of both pools [pool_pa, +pool_bytes)
 * when pool_bytes != 0, and for the tables the direct map's lazy regions
 * build at their edges. The world allocates, calls this with the real
 * address, and grows until the answer fits.
 */
uint64_t eb_boot_main_frames(const struct eb_boot *b, uint64_t pool_pa,
			     uint64_t pool_bytes);

/*
 * Re-type in b->mem what the loader placed: its image (loader), the pools
 * (page tables), the boot info, the kernel's segments, the modules. Each
 * must lie in RAM. 0, or -1 with a reason naming what did not fit (say
 * "kernel segment 1"), its pages and what lies there; b->mem is then as it
 * was before the call (at most EB_MEM_MAX ranges).
 */
int eb_boot_carve(struct eb_boot *b, char *err, size_t errlen);

/*
 * Build the tree to hand over (not yet live): the loader's regions and both
 * pools identity-mapped, the kernel's segments at their link addresses, and
 * the direct map of the carved memory map declared lazy at EB_DMAP_BASE.
 * Table frames are reached through b->phys_to_virt (identity by default:
 * the caller's live tree maps the pools). pool_state/lazy_state hold EB_BOOT_MAX_POOL/EB_BOOT_MAX_LAZY
 * bytes. 0, or -1 with a reason.
 */
int eb_boot_build(struct eb_boot *b, struct ep_ctx *ctx, struct eb_dmap *plan,
		  uint8_t *pool_state, uint8_t *lazy_state, char *err,
		  size_t errlen);

/* Page-rounded physical extent of the kernel's segments. */
void eb_boot_kernel_extent(const struct eb_boot *b, uint64_t *start,
			   uint64_t *end);

/* The module named name, or NULL. */
const struct eb_handoff_module *eb_boot_module(const struct eb_boot *b,
					       const char *name);

#endif
