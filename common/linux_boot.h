/*
 * The Linux x86 boot protocol, world-neutral and portable (host-tested and
 * fuzzed): recognise what kind of kernel a file is, validate a bzImage's
 * setup header, turn a Linux vmlinux ELF into the identity-mapped segments
 * its 64-bit entry wants, choose where a bzImage goes, and fill the zero
 * page (struct boot_params, from linux-libc-dev's <asm/bootparam.h>: the
 * ABI is never retyped here). docs/linux.md has the whole path.
 */
#ifndef EARLYBOOT_LINUX_BOOT_H
#define EARLYBOOT_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/bootparam.h>

#include "elf_load.h"
#include "memmap.h"

enum eb_kernel_kind {
	EB_KERNEL_UNKNOWN = 0,
	EB_KERNEL_ELF,     /* an ELF64 that is not Linux: the earlyboot handoff */
	EB_KERNEL_VMLINUX, /* an ELF64 carrying a note named "Linux" */
	EB_KERNEL_BZIMAGE, /* boot_flag 0xaa55 and "HdrS" in the setup header */
	EB_KERNEL_PE,      /* "MZ" and a PE header, but no Linux setup header */
};

/* Entered through the Linux boot protocol (a vmlinux or a bzImage). */
static inline bool eb_kernel_is_linux(enum eb_kernel_kind k)
{
	return k == EB_KERNEL_VMLINUX || k == EB_KERNEL_BZIMAGE;
}

/*
 * What the file is, from its first bytes only (a bzImage with an EFI stub is
 * also a PE: it is a bzImage here). Never fails: the parser of the kind
 * chosen says what is wrong with the rest.
 */
enum eb_kernel_kind eb_kernel_kind(const void *file, uint64_t len);
/*
 * "MZ" and a PE header: an image a UEFI firmware can start, whatever
 * eb_kernel_kind calls it (a bzImage with an EFI stub is both).
 */
bool eb_file_is_pe(const void *file, uint64_t len);
const char *eb_kernel_kind_name(enum eb_kernel_kind k);

/*
 * The deepest paging the kernel declares it can be entered with, 4 or 5
 * (docs/early_paging.md, "Paging depth"): a bzImage by XLF_5LEVEL in
 * xloadflags (bz: its parsed header); an earlyboot-handoff ELF by its note
 * (EB_ELFNOTE_NAME, type EB_ELFNOTE_PAGING_LEVELS, bootinfo.h) holding 5;
 * a vmlinux has neither, so 4. Anything missing or malformed is 4.
 */
struct eb_bzimage;
unsigned eb_kernel_max_levels(enum eb_kernel_kind kind, const void *file,
			      uint64_t len, const struct eb_bzimage *bz);

/*
 * Does the ELF64 carry a note named EB_ELFNOTE_NAME (bootinfo.h), of any
 * type: a kernel that speaks the earlyboot handoff says so with it.
 */
bool eb_elf_has_earlyboot_note(const void *file, uint64_t len);

/* The oldest protocol with a 64-bit entry point we can rely on (xloadflags). */
#define EB_LINUX_MIN_PROTOCOL 0x020c

/*
 * Numbers of Documentation/arch/x86/boot.rst that <asm/bootparam.h> does not
 * define (the e820 type numbers come from <asm/e820.h>).
 */
#define EB_LINUX_BOOT_FLAG 0xaa55     /* boot_flag (0x1fe) */
#define EB_LINUX_HDR_MAGIC 0x53726448 /* header (0x202): "HdrS", little-endian */
#define EB_LINUX_LOADER_UNKNOWN 0xff  /* type_of_loader (0x210): no assigned id */
#define EB_LINUX_ENTRY64 0x200        /* xloadflags bit 0 (XLF_KERNEL_64): the
					 64-bit entry, from the start of the
					 loaded protected-mode kernel */
/* The zero page's room for the setup header: [0x1f1, 0x290). */
#define EB_LINUX_HDR_ROOM ((unsigned)offsetof(struct boot_params, edd_mbr_sig_buffer))

/* The header eb_linux_zero_page makes for a vmlinux, which has none. */
#define EB_VMLINUX_PROTOCOL 0x020f      /* version (0x206): 2.15 */
#define EB_VMLINUX_ALIGN 0x200000       /* kernel_alignment (0x230): 2 MiB */
#define EB_VMLINUX_CMDLINE_MAX 2047     /* cmdline_size (0x238): x86 Linux's
					   COMMAND_LINE_SIZE, 2048 with the NUL */

/* A validated bzImage (all offsets inside the file). */
struct eb_bzimage {
	uint16_t version;        /* boot protocol, e.g. 0x020f */
	uint64_t setup_len;      /* (setup_sects + 1) * 512 */
	uint64_t pm_offset;      /* the protected-mode kernel: file offset ... */
	uint64_t pm_len;         /* ... and length (to the end of the file) */
	uint64_t hdr_end;        /* the setup header is file[0x1f1, hdr_end) */
	uint64_t init_size;      /* bytes from the load address it needs (<= 1 GiB) */
	uint64_t align;          /* kernel_alignment: a power of two >= 4 KiB
				    (4 KiB for a kernel that is not relocatable) */
	uint64_t pref_address;   /* where it was linked to run (4 KiB aligned) */
	bool relocatable;
	uint32_t xloadflags;
	uint32_t cmdline_size;   /* longest command line, without the NUL */
	uint64_t initrd_addr_max; /* last byte an initrd may occupy (below 4 GiB) */
};

/*
 * Validate the setup header: boot_flag, "HdrS", protocol >= 2.12, the
 * header's end (0x202 + the jump's offset at 0x201) past init_size and
 * inside the file, a 64-bit entry (XLF_KERNEL_64), setup_sects and the
 * protected-mode kernel inside the file (and at least syssize * 16 bytes of
 * it), kernel_alignment a power of two >= 4 KiB (when relocatable),
 * pref_address 4 KiB aligned, the protected-mode kernel <= init_size <=
 * 1 GiB (EB_ELF_MAX_SEG_SIZE), payload inside the protected-mode kernel,
 * cmdline_size > 0. The file need not be aligned. 0, or -1 with one line
 * naming the field, its offset and its value in err.
 */
int eb_bzimage_parse(const void *file, uint64_t len, struct eb_bzimage *out,
		     char *err, size_t errlen);

/*
 * Where a bzImage goes: pref_address when [pref, pref + init_size) is free
 * RAM (in m, clear of busy; busy ranges count as whole pages), else, when
 * relocatable, the lowest address >= max(min_pa, pref_address) aligned to
 * bz->align with init_size free bytes. Never below pref_address: a
 * relocatable 64-bit kernel loaded lower decompresses itself at
 * pref_address anyway (arch/x86/boot/compressed/head_64.S), over memory
 * nobody checked. A kernel that is not relocatable and has no room at its
 * preferred address is an error naming that address and what lies there.
 * 0 with *load_pa, or -1.
 */
int eb_bzimage_place(const struct eb_bzimage *bz, const struct eb_memmap *m,
		     const struct eb_range *busy, size_t nbusy, uint64_t min_pa,
		     uint64_t *load_pa, char *err, size_t errlen);

/*
 * The bzImage at load_pa as one segment of *out (vaddr == paddr == load_pa,
 * file bytes = the protected-mode kernel, memsz = init_size, R+W+X: the
 * kernel moves and decompresses itself in place), entry load_pa + 0x200
 * (the 64-bit entry).
 */
void eb_bzimage_as_segments(const struct eb_bzimage *bz, uint64_t load_pa,
			    struct eb_elf_info *out);

/*
 * A Linux vmlinux (eb_kernel_kind == EB_KERNEL_VMLINUX, refused otherwise)
 * for the 64-bit entry: PT_LOAD segments validated as eb_elf_parse does,
 * except that W+X segments are accepted (Linux's init segment is RWX;
 * eb_elf_parse_flags with EB_ELF_ALLOW_WX), then each moved to vaddr =
 * paddr (its startup_64 runs identity-mapped at the physical entry e_entry,
 * which must be below 4 GiB and lie in the file bytes of an executable
 * segment, by physical address). 0, or -1 with a reason.
 */
int eb_vmlinux_parse(const void *file, uint64_t len, struct eb_elf_info *out,
		     char *err, size_t errlen);

/*
 * What a UEFI world hands Linux so that it keeps UEFI (runtime services,
 * the firmware's memory map): the system table and the final memory map,
 * as GetMemoryMap returned it before ExitBootServices. All zero elsewhere.
 */
struct eb_efi_handoff {
	uint64_t systab_pa;   /* EFI_SYSTEM_TABLE; 0: not a UEFI boot */
	uint64_t map_pa;      /* the descriptor array */
	uint64_t map_size;    /* bytes */
	uint32_t desc_size;   /* the firmware's stride, never sizeof */
	uint32_t desc_version;
	/* The firmware's framebuffer, when it has a linear one (GOP). */
	bool has_screen;
	struct screen_info screen;
};

/* Inputs of the zero page besides the kernel file. */
struct eb_linux_params {
	uint64_t cmdline_pa;     /* where the command line's bytes will be */
	uint32_t cmdline_len;    /* without the NUL */
	uint64_t initrd_pa, initrd_len; /* 0, 0: none */
	uint64_t acpi_rsdp_pa;   /* 0: unknown */
	const struct eb_memmap *mem; /* the carved map */
	const struct eb_efi_handoff *efi; /* NULL or systab_pa 0: no UEFI */
	uint32_t secure_boot;    /* enum eb_secure_boot (bootinfo.h) */
};

/*
 * Fill *zp (zeroed first). For a bzImage (bz != NULL, from eb_bzimage_parse
 * of file) the setup header file[0x1f1, bz->hdr_end) is copied; for a
 * vmlinux (bz == NULL, file unused) a minimal header is made (boot_flag,
 * "HdrS", protocol 2.15, kernel_alignment 2 MiB, XLF_KERNEL_64 |
 * XLF_CAN_BE_LOADED_ABOVE_4G, cmdline_size 2047). Then type_of_loader 0xff,
 * loadflags |= LOADED_HIGH, the command line (refused when longer than
 * cmdline_size, or above 4 GiB for a kernel without
 * XLF_CAN_BE_LOADED_ABOVE_4G; its high half goes to ext_cmd_line_ptr), the
 * initrd (refused when it ends above initrd_addr_max and the kernel cannot
 * take one above 4 GiB; its high halves go to ext_ramdisk_*),
 * acpi_rsdp_addr, the e820 table from mem (eb_linux_e820, at most
 * E820_MAX_ENTRIES_ZEROPAGE) and, for a UEFI boot, efi_info (the 64-bit
 * loader signature, the system table and the memory map; a map whose size
 * is not a whole number of descriptors, or that does not fit efi_info's
 * 32-bit size, is refused) and, when the firmware has a framebuffer,
 * screen_info, and secure_boot (Linux's efi_secureboot_mode: 3 enabled
 * when the loader verified the kernel under enforcing Secure Boot, 2
 * disabled, else 0 unset). 0, or -1 with a reason.
 */
int eb_linux_zero_page(struct boot_params *zp, const void *file,
		       const struct eb_bzimage *bz,
		       const struct eb_linux_params *p, char *err,
		       size_t errlen);

/*
 * The e820 table Linux gets from the carved map: what the loader used for
 * itself (loader, pools, boot info) and what Linux reserves on its own
 * (kernel, modules) become RAM (E820_RAM) again; reserved, firmware runtime
 * and MMIO become E820_RESERVED, ACPI reclaim E820_ACPI, ACPI NVS E820_NVS,
 * unusable E820_UNUSABLE (<asm/e820.h>); adjacent ranges of one e820 type
 * merge. More than max entries is an error (never a truncated map), and so
 * is a type outside enum eb_mem_type. 0 with *n, or -1.
 */
int eb_linux_e820(const struct eb_memmap *m, struct boot_e820_entry *out,
		  unsigned max, unsigned *n, char *err, size_t errlen);

#endif
