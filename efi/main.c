/*
 * efi_main: everything that needs boot services — command line, files,
 * placement and allocation of every frame the handoff will use, the ACPI
 * pointer, CPU features — then ExitBootServices and on to handoff.c on our
 * own stack. Nothing after this file calls the firmware.
 */
#include "boot.h"
#include "decompress/boot_unpack.h"
#include "fmt.h"
#include "bootinfo.h"
#include "dmap.h"
#include "paging/early_paging.h"
#include "fwmap.h"
#include "libc.h"
#include "pvh_info.h"
#include "loader.h"
#include "x86/cpu.h"
#include "x86/serial.h"
#include "x86/unpack_cpu.h"

/* From linker/efi.ld: our own image, relocated, and its .bss. */
extern char ImageBase[], _text[], _etext[], _bss[], _ebss[];

#include "page.h"

static struct efi_boot boot;
static uint8_t loader_stack[64 * 1024] __attribute__((aligned(16)));
static struct eb_mem_range scratch_map[EB_MEM_MAX];

static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

static void cpu_features(struct efi_boot *b)
{
	struct x86_paging_caps caps;
	x86_paging_caps(&caps);
	b->nx = caps.nx;
	b->leaf_mask = caps.leaf_mask;
	b->levels = b->fw_levels = caps.levels;
	b->la57 = caps.la57;
}

static uint64_t find_rsdp(EFI_SYSTEM_TABLE *st)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t v1 = 0;
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, &acpi20, sizeof acpi20) == 0)
			return (uint64_t)t->VendorTable;
		if (memcmp(&t->VendorGuid, &acpi10, sizeof acpi10) == 0)
			v1 = (uint64_t)t->VendorTable;
	}
	return v1;
}

/*
 * The display the firmware set up, for a Linux kernel's screen_info: the
 * Graphics Output Protocol's current mode, when it has a linear
 * framebuffer. None is not an error (a headless machine, a blit-only mode).
 */
static void find_screen(EFI_SYSTEM_TABLE *st, struct efi_boot *b)
{
	EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	char why[160];
	if (EFI_ERROR(st->BootServices->LocateProtocol(&gop_guid, NULL, (void **)&gop)) ||
	    !gop || !gop->Mode || !gop->Mode->Info)
		return;
	const EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE *mode = gop->Mode;
	if (efi_screen_info(mode->Info, mode->FrameBufferBase, mode->FrameBufferSize,
			    &b->screen, why, sizeof why)) {
		eb_info("display: %s; Linux gets no screen_info", why);
		return;
	}
	b->has_screen = true;
	eb_info("display: %ux%u, %u bits a pixel, framebuffer 0x%llx+0x%llx",
		b->screen.lfb_width, b->screen.lfb_height, b->screen.lfb_depth,
		(unsigned long long)mode->FrameBufferBase,
		(unsigned long long)mode->FrameBufferSize);
}

static uint64_t alloc_pages_below(EFI_SYSTEM_TABLE *st, uint64_t bytes,
				  const char *what, bool below_4g)
{
	/* AllocateMaxAddress: pa holds the highest address allowed. */
	EFI_PHYSICAL_ADDRESS pa = below_4g ? 0xffffffffULL : 0;
	EFI_STATUS s = st->BootServices->AllocatePages(
		below_4g ? AllocateMaxAddress : AllocateAnyPages, EfiLoaderData,
		page_up(bytes) / PAGE, &pa);
	if (EFI_ERROR(s))
		eb_fail("allocating %llu bytes for the %s: %s",
			 (unsigned long long)bytes, what, efi_status_name(s));
	return pa;
}

static uint64_t alloc_pages(EFI_SYSTEM_TABLE *st, uint64_t bytes, const char *what)
{
	return alloc_pages_below(st, bytes, what, false);
}

static void read_or_fail(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li,
			 const char *what, const char *path, uint64_t *pa,
			 uint64_t *len)
{
	*len = 0;
	EFI_STATUS s = efi_read_file(st, li->DeviceHandle, path, pa, len);
	if (s == EFI_OUT_OF_RESOURCES && *len)
		eb_fail("%s %s: its %llu bytes do not fit in free memory (AllocatePages: %s)",
			what, path, (unsigned long long)*len, efi_status_name(s));
	if (EFI_ERROR(s))
		eb_fail("%s %s: cannot read: %s", what, path, efi_status_name(s));
}

static void read_files(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li, struct efi_boot *b)
{
	if (!b->opt.kernel[0])
		eb_fail("no kernel= option on the command line");
	read_or_fail(st, li, "kernel", b->opt.kernel, &b->kfile_pa, &b->kfile_len);
	eb_info("kernel %s: %llu bytes at 0x%llx", b->opt.kernel,
		(unsigned long long)b->kfile_len, (unsigned long long)b->kfile_pa);
	/*
	 * The file as read, before any protocol is chosen: a PE kernel the
	 * firmware starts is measured here too (and by the firmware into
	 * PCR 4, as every image its LoadImage loads).
	 */
	if (b->opt.debug == EB_DEBUG_TCG2_BAD_PCR)
		efi_tpm_debug_bad_pcr();
	efi_measure(EB_PCR_FILES, "kernel", b->opt.kernel, (const void *)b->kfile_pa,
		    b->kfile_len);
	if (b->opt.initrd[0]) {
		read_or_fail(st, li, "initrd", b->opt.initrd, &b->initrd_pa,
			     &b->initrd_len);
		eb_info("initrd %s: %llu bytes at 0x%llx", b->opt.initrd,
			 (unsigned long long)b->initrd_len,
			 (unsigned long long)b->initrd_pa);
		efi_sb_verify_file(st, li, "initrd", b->opt.initrd,
				   (const void *)b->initrd_pa, b->initrd_len);
		efi_measure(EB_PCR_FILES, "initrd", b->opt.initrd,
			    (const void *)b->initrd_pa, b->initrd_len);
	}
	/* Exactly as the kernel gets it (without its NUL), whichever protocol. */
	efi_measure(EB_PCR_CMDLINE, "kernel command line", "", b->opt.kernel_cmdline,
		    strlen(b->opt.kernel_cmdline));
	/*
	 * A PE image that is nothing else goes to the firmware; one that is
	 * also a bzImage (an EFI stub) takes the Linux protocol unless
	 * protocol=efi asks for the firmware (docs/uefi.md, "Which protocol").
	 * Under Secure Boot nothing runs unchecked, whichever way it is
	 * started (docs/secureboot.md): a PE image the firmware starts is
	 * checked by its LoadImage in efi_start_pe_app; a bzImage by LoadImage
	 * here, then booted through the Linux protocol from the same buffer;
	 * anything else needs its detached signature.
	 */
	const void *kf = (const void *)b->kfile_pa;
	enum eb_kernel_kind kind = eb_kernel_kind(kf, b->kfile_len);
	if (kind == EB_KERNEL_PE && b->opt.protocol && b->opt.protocol != EB_PROTOCOL_EFI)
		eb_fail("kernel %s: protocol=%s, but the kernel is a PE/EFI application without a Linux setup header: only the firmware can start it (protocol=efi)",
			b->opt.kernel, eb_protocol_name(b->opt.protocol));
	if (kind == EB_KERNEL_PE ||
	    (b->opt.protocol == EB_PROTOCOL_EFI && eb_file_is_pe(kf, b->kfile_len)))
		efi_start_pe_app(st, li, b); /* the firmware starts it; no return */
	if (kind == EB_KERNEL_BZIMAGE && eb_file_is_pe(kf, b->kfile_len))
		efi_sb_verify_pe(st, li, "kernel", b->opt.kernel, kf, b->kfile_len);
	else
		efi_sb_verify_file(st, li, "kernel", b->opt.kernel, kf,
				   b->kfile_len);
}

/*
 * Claim a segment's frames before anyone else takes them: free parts are
 * allocated at their address; parts the firmware holds as boot-services
 * memory are free from ExitBootServices on, and we copy only after it
 * (OVMF keeps its DXE volume at 9-22 MiB, right where kernels load).
 * Anything else there (runtime, ACPI, reserved, our own data) is an error.
 */
static void claim_segment(EFI_SYSTEM_TABLE *st, struct efi_boot *b,
			  const struct eb_elf_seg *seg)
{
	const struct efi_map_buf *fw = efi_read_map(st);
	uint64_t lo = eb_elf_seg_pa_start(seg), hi = eb_elf_seg_pa_end(seg);
	EFI_MEMORY_DESCRIPTOR desc;
	const EFI_MEMORY_DESCRIPTOR *d = &desc;
	UINTN off = 0;
	char err[160];
	int got;
	while ((got = efi_map_next(fw->buf, fw->size, fw->desc_size, &off, &desc,
				   err, sizeof err)) > 0) {
		uint64_t d_lo = d->PhysicalStart, d_hi = d_lo + d->NumberOfPages * PAGE;
		uint64_t a = lo > d_lo ? lo : d_lo, z = hi < d_hi ? hi : d_hi;
		if (a >= z)
			continue;
		if (d->Type == EfiBootServicesCode || d->Type == EfiBootServicesData)
			continue;
		EFI_PHYSICAL_ADDRESS pa = a;
		if (d->Type == EfiConventionalMemory &&
		    !EFI_ERROR(st->BootServices->AllocatePages(AllocateAddress, EfiLoaderData,
							       (z - a) / PAGE, &pa)))
			continue;
		eb_fail("kernel %s: segment %u at pa 0x%llx-0x%llx: 0x%llx is in use (firmware memory type %u)",
			 b->opt.kernel, seg->index, (unsigned long long)lo,
			 (unsigned long long)hi, (unsigned long long)a, (unsigned)d->Type);
	}
	if (got < 0)
		eb_fail("%s", err);
}

static EFI_SYSTEM_TABLE *unpack_st;

/* The decoder's output and arena: the firmware's pages, above min_pa. */
static int unpack_alloc(uint64_t len, uint64_t min_pa, uint64_t *pa, char *err,
			size_t errlen)
{
	EFI_PHYSICAL_ADDRESS at = 0;
	EFI_STATUS s = unpack_st->BootServices->AllocatePages(AllocateAnyPages, EfiLoaderData,
							      page_up(len) / PAGE, &at);
	if (EFI_ERROR(s) || at < min_pa) {
		if (!EFI_ERROR(s))
			unpack_st->BootServices->FreePages(at, page_up(len) / PAGE);
		eb_snprintf(err, errlen,
			    "no %llu bytes for the decompressed vmlinux and its arena above 0x%llx (AllocatePages: %s, at 0x%llx)",
			    (unsigned long long)len, (unsigned long long)min_pa,
			    efi_status_name(s), (unsigned long long)at);
		return -1;
	}
	*pa = at;
	return 0;
}

static void *unpack_phys(uint64_t pa, uint64_t len)
{
	(void)len;
	return (void *)pa; /* the firmware's identity map */
}

/*
 * protocol=pvh with a bzImage: the vmlinux inside it, decoded on the
 * firmware's stack and tables (identity, all present: no #PF to take),
 * interrupts off for the call (the firmware's timer would land on the
 * decoders' stack), becomes the kernel file; the arena goes back.
 */
static void unpack_bzimage(EFI_SYSTEM_TABLE *st, struct efi_boot *b, struct eb_boot *k)
{
	unpack_st = st;
	struct eb_boot_unpack_env env = {
		.cpu = x86_unpack_cpu(0, x86_tsc_khz_pit()),
		.phys = unpack_phys,
		.alloc = unpack_alloc,
	};
	static struct eb_boot_unpacked u;
	char err[300];
	k->kfile_pa = b->kfile_pa;
	if (eb_boot_unpack(k, 0, 0, 1ULL << 20, &env, &u, err, sizeof err))
		eb_fail("kernel %s (a Linux bzImage): %s", b->opt.kernel, err);
	if (u.arena)
		st->BootServices->FreePages(u.pa + u.out_bytes, u.arena / PAGE);
	eb_info("kernel %s (a Linux bzImage): %s; the vmlinux at 0x%llx is the kernel file now",
		b->opt.kernel, u.line, (unsigned long long)u.pa);
	b->kfile_pa = k->kfile_pa;
	b->kfile_len = k->kfile_len;
}

/*
 * Parse the kernel by kind (a bzImage is placed here too), check the
 * segments against RAM and the loader, then claim their frames.
 */
static void place_kernel(EFI_SYSTEM_TABLE *st, struct efi_boot *b,
			 const struct eb_memmap *m)
{
	static struct eb_boot k;
	char err[240];
	memset(&k, 0, sizeof k);
	k.world = EB_WORLD_UEFI;
	k.opt = b->opt;
	k.kernel_name = b->opt.kernel;
	k.kfile_len = b->kfile_len;
	k.mem = *m;
	if (eb_boot_wants_vmlinux(&k, (const void *)b->kfile_pa))
		unpack_bzimage(st, b, &k);
	const struct eb_range busy[] = {
		{ b->image_pa, b->image_len, "loader image" },
		{ b->kfile_pa, page_up(b->kfile_len), "kernel file buffer" },
		{ b->initrd_pa, page_up(b->initrd_len), "initrd" },
	};
	if (eb_boot_parse_kernel(&k, (const void *)b->kfile_pa, busy, 3, 1ULL << 20,
				 err, sizeof err))
		eb_fail("kernel %s: %s", b->opt.kernel, err);
	b->kind = k.kind;
	b->protocol = k.protocol;
	b->bz = k.bz;
	eb_info("kernel %s: entered through the %s protocol (%s)", b->opt.kernel,
		eb_protocol_name(b->protocol),
		b->opt.protocol ? "protocol= on the command line" : "the default for it here");
	/* The depth, now that the kernel is known: the pools are sized for it. */
	if (eb_boot_choose_levels(&k, b->la57, err, sizeof err))
		eb_fail("%s", err);
	b->levels = k.levels;
	eb_info("paging: %u levels for the kernel (firmware runs %u, CPU %s LA57, kernel takes up to %u, paging=%s)",
		b->levels, b->fw_levels, b->la57 ? "offers" : "lacks",
		k.kernel_max_levels,
		b->opt.paging == 5 ? "5" : b->opt.paging == 4 ? "4" : "default");
	if (eb_boot_place_kernel(&k, busy, 3, 1ULL << 20, err, sizeof err))
		eb_fail("kernel %s: %s", b->opt.kernel, err);
	char moved[120];
	if (eb_boot_kernel_moved(&k, moved, sizeof moved))
		eb_info("kernel %s: %s", b->opt.kernel, moved);
	b->elf = k.elf;
	b->pvh = k.pvh;
	eb_info("kernel %s: %s, %u segment%s, entry 0x%llx", b->opt.kernel,
		eb_kernel_kind_name(b->kind), b->elf.nseg, b->elf.nseg == 1 ? "" : "s",
		(unsigned long long)b->elf.entry);
	b->kernel_pa_delta = k.kernel_pa_delta;
	for (unsigned i = 0; i < b->elf.nseg; i++)
		claim_segment(st, b, &b->elf.seg[i]);
}

/*
 * The main pool holds every eager table; its size depends on the mappings
 * it will hold, itself included (common/boot.h), so allocate, measure with
 * the real address, and grow until it fits. The lazy pool follows it.
 */
static void alloc_pools(EFI_SYSTEM_TABLE *st, struct efi_boot *b,
			const struct eb_memmap *m)
{
	static struct eb_boot eb;
	efi_describe(b, &eb);
	eb.mem = *m;
	b->lazy_frames = eb_boot_lazy_frames(m, b->levels, b->leaf_mask);
	uint64_t frames = eb_boot_main_frames(&eb, 0, 0);
	for (int round = 0; round < 8; round++) {
		uint64_t bytes = (frames + b->lazy_frames) * PAGE;
		/*
		 * The root is the pool's first frame; a change of depth loads
		 * it from 32-bit code (common/x86/paging_depth.h).
		 */
		uint64_t pa = alloc_pages_below(st, bytes, "page-table pools",
						b->levels != b->fw_levels);
		uint64_t need = eb_boot_main_frames(&eb, pa, bytes);
		if (need <= frames) {
			b->pool_pa = pa;
			b->pool_frames = frames;
			b->lazy_pa = pa + frames * PAGE;
			return;
		}
		st->BootServices->FreePages(pa, bytes / PAGE);
		frames = need;
	}
	eb_fail("page-table pool sizing did not converge");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct efi_boot *b = &boot;
	EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *li;

	/*
	 * .bss has no bytes in the file (linker/efi.ld); the PE loader should
	 * zero what SizeOfImage adds, but the statics below must not depend on
	 * one firmware's loader getting that right.
	 */
	memset(_bss, 0, (size_t)(_ebss - _bss));
	serial_init();
	if (EFI_ERROR(st->BootServices->HandleProtocol(image, &li_guid, (void **)&li)))
		eb_fail("no loaded-image protocol on our own handle");
	efi_sb_init(st, image); /* before anything is read: it decides what is trusted */
	efi_tpm_init(st);       /* before the command line: it is measured */
	efi_get_cmdline(st, li, &b->opt);
	b->image_handle = image;
	b->systab_pa = (uint64_t)(uintptr_t)st;
	b->image_pa = (uint64_t)li->ImageBase;
	b->image_len = page_up(li->ImageSize);
	b->text_pa = (uint64_t)_text;
	b->text_end = page_up((uint64_t)_etext);
	eb_info("image 0x%llx-0x%llx (text 0x%llx-0x%llx)",
		 (unsigned long long)b->image_pa,
		 (unsigned long long)(b->image_pa + b->image_len),
		 (unsigned long long)b->text_pa, (unsigned long long)b->text_end);
	if ((uint64_t)ImageBase != b->image_pa || b->text_pa & (PAGE - 1))
		eb_fail("image layout unexpected: ImageBase 0x%llx, _text 0x%llx",
			 (unsigned long long)(uint64_t)ImageBase,
			 (unsigned long long)b->text_pa);

	read_files(st, li, b);
	cpu_features(b);
	if (!b->nx)
		eb_fail("CPU without NX: the handoff promises W^X");

	struct eb_memmap m;
	eb_memmap_init(&m, scratch_map, EB_MEM_MAX);
	efi_current_map(st, &m);
	place_kernel(st, b, &m);
	if (b->protocol == EB_PROTOCOL_LINUX)
		efi_tpm_hand_log_to_linux(st); /* every measurement is in it now */
	b->bootinfo_pa = alloc_pages(st, sizeof(struct eb_bootinfo), "boot info");
	if (b->protocol == EB_PROTOCOL_LINUX)
		b->linux_params_pa = alloc_pages(st, EB_LINUX_PARAMS_BYTES, "Linux zero page");
	/* The PVH kernel reads it from 32-bit code: below 4 GiB (pvh_info.h). */
	if (b->protocol == EB_PROTOCOL_PVH)
		b->pvh_info_pa = alloc_pages_below(st, EB_PVH_INFO_BYTES, "PVH start info", true);
	alloc_pools(st, b, &m);
	b->acpi_rsdp_pa = find_rsdp(st);
	if (b->protocol == EB_PROTOCOL_LINUX)
		find_screen(st, b);
	eb_info("pools: main %llu frames at 0x%llx, lazy %llu frames at 0x%llx; leaves%s%s%s",
		 (unsigned long long)b->pool_frames, (unsigned long long)b->pool_pa,
		 (unsigned long long)b->lazy_frames, (unsigned long long)b->lazy_pa,
		 b->leaf_mask & EP_LEAF_1G ? " 1G" : "", " 2M", " 4K");

	efi_exit_boot_services(st, image, b);
	/* Interrupts are off now; never come back to the firmware's stack. */
	__asm__ volatile("cli");
	x86_switch_stack((uint64_t)(loader_stack + sizeof loader_stack),
			 efi_after_exit, b);
}
