/*
 * The UEFI world's internal interface. efi_main (main.c) gathers everything
 * while boot services exist; after ExitBootServices, handoff.c describes the
 * boot in common/boot.h's terms and common/x86/chainload.c builds the tables
 * and enters the kernel (the same steps as the PVH world).
 */
#ifndef EARLYBOOT_EFI_LOADER_H
#define EARLYBOOT_EFI_LOADER_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "elf_load.h"
#include "fwmap.h"
#include "gop.h"
#include "linux_boot.h"
#include "map_read.h"
#include "memmap.h"
#include "pvh_kernel.h"
#include "status.h"
#include "x86/log.h"

/* Everything the second half needs, gathered before ExitBootServices. */
struct efi_boot {
	struct eb_options opt;
	EFI_HANDLE image_handle;           /* ours: the parent of a PE kernel */
	uint64_t image_pa, image_len;      /* the loader's PE image */
	uint64_t text_pa, text_end;        /* its code, page-rounded */
	uint64_t kfile_pa, kfile_len;      /* the kernel file as read */
	enum eb_kernel_kind kind;          /* and what it is (linux_boot.h) */
	unsigned protocol;                 /* how it is entered (enum eb_protocol) */
	struct eb_bzimage bz;
	struct eb_elf_info elf;
	struct eb_pvh_kernel pvh;          /* PVH: its notes, moved with it */
	uint64_t pvh_info_pa;              /* PVH: the start info's block */
	int64_t kernel_pa_delta;           /* eb_boot_place_kernel's move */
	uint64_t linux_params_pa;          /* Linux: zero page + command line */
	uint64_t initrd_pa, initrd_len;    /* 0 when none */
	uint64_t bootinfo_pa;
	uint64_t pool_pa, pool_frames;     /* main pool, then the lazy pool */
	uint64_t lazy_pa, lazy_frames;
	uint64_t acpi_rsdp_pa;
	unsigned levels, leaf_mask;
	unsigned fw_levels;  /* the firmware's depth (CR4.LA57) */
	bool nx, la57;       /* la57: CPUID offers 5-level paging */
	/* The final memory map as the firmware left it. */
	const void *efi_map;
	UINTN efi_map_size, efi_desc_size;
	UINT32 efi_desc_version;
	uint64_t systab_pa;                /* handed to Linux (efi_info) */
	bool has_screen;                   /* GOP's framebuffer, for Linux */
	struct screen_info screen;
	unsigned exit_tries;
};

/* Messages and errors: common/x86/log.h (eb_info, eb_fail). */

/* files.c: read a whole file from the loader's volume into fresh pages. */
EFI_STATUS efi_read_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device,
			 const char *path, uint64_t *pa, uint64_t *len);
/*
 * "boot/k.elf" -> L"\\boot\\k.elf" (the file protocol wants backslashes and
 * a leading one), at most max units with the NUL.
 */
void efi_file_path(const char *path, CHAR16 *out, size_t max);

/*
 * pe_app.c: the kernel file is a PE/EFI application (eb_kernel_kind ==
 * EB_KERNEL_PE): the firmware loads and starts it with the kernel command
 * line as its load options; it never comes back to earlyboot's own loader.
 * Whatever the application returns ends the run with one error line.
 */
__attribute__((noreturn)) void efi_start_pe_app(EFI_SYSTEM_TABLE *st,
						EFI_LOADED_IMAGE *li,
						const struct efi_boot *b);

/*
 * initrd_media.c: len bytes at pa become the initrd a PE kernel reads
 * through LoadFile2 (the Linux initrd media device path); an error when
 * another handle serves one already.
 */
void efi_serve_initrd(EFI_SYSTEM_TABLE *st, const char *name, uint64_t pa,
		      uint64_t len);

/*
 * pe_app.c: our volume's device path plus a file node for wpath (pool
 * memory), so the firmware knows where an image came from; NULL when the
 * volume has none.
 */
EFI_DEVICE_PATH *efi_file_device_path(EFI_BOOT_SERVICES *bs, EFI_HANDLE volume,
				      const CHAR16 *wpath);

/*
 * secureboot.c (docs/secureboot.md). efi_sb_init reads the firmware's
 * state once, first thing; when it enforces, every check below ends the
 * run with one error line on a refusal, and does nothing otherwise.
 */
void efi_sb_init(EFI_SYSTEM_TABLE *st, EFI_HANDLE self);
uint32_t efi_sb_state(void); /* enum eb_secure_boot */
bool efi_sb_enforcing(void);
/* A file without a signature of its own: path.sig must sign it (sig_manifest.h). */
void efi_sb_verify_file(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li, const char *what,
			const char *path, const void *data, uint64_t len);
/* A PE image (a bzImage's EFI stub) we start ourselves: LoadImage checks it. */
void efi_sb_verify_pe(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li, const char *what,
		      const char *path, const void *file, uint64_t len);
/* LoadImage refused a PE image with status s: the one line saying why. */
__attribute__((noreturn)) void efi_sb_pe_refused(const char *what, const char *path,
						 const void *file, uint64_t len,
						 EFI_STATUS s);

/*
 * measure.c (docs/measured-boot.md): efi_tpm_init finds the TPM once,
 * first thing; without one every efi_measure does nothing. With one, each
 * extends PCR pcr by the SHA-256 (and every other active bank's digest) of
 * len bytes at data and logs an EV_IPL event "earlyboot WHAT NAME"; a
 * failure ends the run with one error line.
 */
#define EB_PCR_FILES 9    /* kernel and initrd files, as read */
#define EB_PCR_CMDLINE 12 /* the loader's options line, the kernel command line */
void efi_tpm_init(EFI_SYSTEM_TABLE *st);
void efi_measure(unsigned pcr, const char *what, const char *name,
		 const void *data, uint64_t len);
uint32_t efi_measured_pcrs(void); /* bit n: PCR n extended */
/* debug=tcg2-bad-pcr: every later measurement into a PCR the TPM lacks. */
void efi_tpm_debug_bad_pcr(void);
/* Linux entered without its EFI stub: the event log as its stub would hand it. */
void efi_tpm_hand_log_to_linux(EFI_SYSTEM_TABLE *st);

/* options.c: the command line from LoadOptions or \earlyboot.cfg. */
void efi_get_cmdline(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li,
		     struct eb_options *opt);

/*
 * memmap.c: every read of the firmware's map, through map_read.h into one
 * buffer (the conversion itself: fwmap.h). A failure ends the run with
 * one line.
 */
/* The raw map as it is now; valid until the next read. */
const struct efi_map_buf *efi_read_map(EFI_SYSTEM_TABLE *st);
/* The map as it is now (before exit), into m. */
void efi_current_map(EFI_SYSTEM_TABLE *st, struct eb_memmap *m);
/* Loop GetMemoryMap/ExitBootServices; the final map goes into b. */
void efi_exit_boot_services(EFI_SYSTEM_TABLE *st, EFI_HANDLE image,
			    struct efi_boot *b);

/* handoff.c: after ExitBootServices, on our own stack. */
__attribute__((noreturn)) void efi_after_exit(void *boot);

/*
 * handoff.c: what the world-neutral steps (common/boot.h) need to know of
 * this boot; used to size the pools before exit and to finish after it.
 */
struct eb_boot;
void efi_describe(const struct efi_boot *b, struct eb_boot *eb);

#endif
