/*
 * From the validated start info and memory map to a complete struct
 * eb_boot: the boot module split into kernel, initrd and command line
 * (common/bootmod.h), the kernel checked and placed, then room found for
 * the boot info and both page-table pools (common/place.h), nothing of it
 * touched yet: the copying happens through the direct map of the new tree.
 */
#include "bootmod.h"
#include "decompress/boot_unpack.h"
#include "fmt.h"
#include "libc.h"
#include "pvh_info.h"
#include "place.h"
#include "pvh.h"
#include "x86/cpu.h"
#include "x86/log.h"
#include "x86/unpack_cpu.h"
#include "xen/hc_hvm.h"

#include "page.h"
/* Below 1 MiB lie the start info, real-mode leftovers and BIOS areas. */
#define PLACE_MIN (1ULL << 20)

static char mod_names[PVH_MOD_MAX][16], busy_names[PVH_MOD_MAX][16];
static char kernel_name[EB_CPIO_NAME_MAX + 32];
/* loader, modules, unpacked vmlinux, kernel segments, boot info, Linux zero page or PVH start info, pools */
static struct eb_range busy[2 + PVH_MOD_MAX + EB_ELF_MAX_SEGS + 3];
static size_t nbusy;
/* A bzImage's vmlinux (unpack_bzimage): busy until the kernel is copied. */
static uint64_t unpacked_pa, unpacked_len;

static void self_regions(struct eb_boot *b)
{
	uint64_t text = (uint64_t)__text_start, ro = (uint64_t)__rodata_start;
	uint64_t data = (uint64_t)__data_start, end = (uint64_t)__image_end;
	b->self[0] = (struct eb_self_region){ text, (uint64_t)__text_end - text,
					      EP_X, "loader text" };
	b->self[1] = (struct eb_self_region){ ro, (uint64_t)__rodata_end - ro, 0,
					      "loader rodata" };
	b->self[2] = (struct eb_self_region){ data, end - data, EP_W,
					      "loader data" };
	b->nself = 3;
}

/* Module 0: the kernel, or a cpio holding kernel, initrd and cmdline. */
static void split_module(struct eb_boot *b, const struct pvh_start *si)
{
	const struct pvh_module *m0 = &si->mods[0];
	const void *mod = pvh_phys(0, m0->pa, m0->len);
	if (!mod)
		eb_fail("start_info.modlist[0]: 0x%llx-0x%llx lies beyond the loader's reach (%llu GiB)",
			(unsigned long long)m0->pa,
			(unsigned long long)(m0->pa + m0->len),
			(unsigned long long)(PVH_REACH >> 30));
	struct eb_bootmod bm;
	char err[240];
	if (eb_bootmod_parse(mod, m0->len, b->opt.kernel, b->opt.initrd, &bm, err,
			     sizeof err))
		eb_fail("start_info.modlist[0] (%llu bytes at 0x%llx): %s",
			(unsigned long long)m0->len, (unsigned long long)m0->pa, err);
	if (bm.is_cpio)
		eb_snprintf(kernel_name, sizeof kernel_name, "cpio member '%s'",
			    bm.kernel.name);
	else
		eb_snprintf(kernel_name, sizeof kernel_name, "module 0");
	b->kernel_name = kernel_name;
	b->kfile_pa = m0->pa + bm.kernel.off;
	b->kfile_len = bm.kernel.len;
	if (bm.initrd.present) {
		b->mods[b->nmods++] = (struct eb_handoff_module){
			m0->pa + bm.initrd.off, bm.initrd.len, "initrd"
		};
		eb_info("initrd (cpio member '%s'): %llu bytes at 0x%llx",
			bm.initrd.name, (unsigned long long)bm.initrd.len,
			(unsigned long long)(m0->pa + bm.initrd.off));
	}
	/* The loader's "--" wins; else the cpio's cmdline member, if any. */
	if (!b->opt.kernel_cmdline_given && bm.cmdline.present) {
		if (eb_bootmod_cmdline(mod, &bm, b->opt.kernel_cmdline,
				       sizeof b->opt.kernel_cmdline, err, sizeof err))
			eb_fail("start_info.modlist[0]: %s", err);
		eb_info("kernel command line from cpio member '%s'", bm.cmdline.name);
	}
	/* Further modules go to the kernel as they are. */
	for (unsigned i = 1; i < si->nmods && b->nmods < EB_MOD_MAX; i++) {
		eb_snprintf(mod_names[i], sizeof mod_names[i], "module%u", i);
		b->mods[b->nmods++] = (struct eb_handoff_module){
			si->mods[i].pa, si->mods[i].len, mod_names[i]
		};
	}
}

static void add_busy(uint64_t pa, uint64_t len, const char *name)
{
	busy[nbusy++] = (struct eb_range){ pa, len, name };
}

static uint64_t place(const struct eb_boot *b, uint64_t len, const char *what)
{
	uint64_t pa;
	char err[200];
	if (eb_place(&b->mem, busy, nbusy, len, PLACE_MIN, what, &pa, err, sizeof err))
		eb_fail("%s", err);
	return pa;
}

/*
 * The main pool maps itself, so its size depends on where it lands: place,
 * measure with the real address, grow until the answer fits (as the UEFI
 * world does with AllocatePages).
 */
static void place_pools(struct eb_boot *b)
{
	b->lazy_frames = eb_boot_lazy_frames(&b->mem, b->levels, b->leaf_mask);
	uint64_t frames = eb_boot_main_frames(b, 0, 0);
	for (int round = 0; round < 8; round++) {
		uint64_t bytes = (frames + b->lazy_frames) * PAGE;
		uint64_t pa = place(b, bytes, "page-table pools");
		uint64_t need = eb_boot_main_frames(b, pa, bytes);
		if (need <= frames) {
			b->pool_pa = pa;
			b->pool_frames = frames;
			add_busy(pa, bytes, "page-table pools");
			return;
		}
		frames = need;
	}
	eb_fail("page-table pool sizing did not converge");
}

/* The loader and every module: what the kernel must stay clear of. */
static void busy_loader_and_modules(const struct pvh_start *si)
{
	nbusy = 0;
	add_busy((uint64_t)__image_start,
		 (uint64_t)__image_end - (uint64_t)__image_start, "loader image");
	for (unsigned i = 0; i < si->nmods; i++) {
		eb_snprintf(busy_names[i], sizeof busy_names[i], "module %u", i);
		add_busy(si->mods[i].pa, si->mods[i].len, busy_names[i]);
	}
	if (unpacked_len)
		add_busy(unpacked_pa, unpacked_len, "decompressed vmlinux");
}

static void *phys_rw(uint64_t pa, uint64_t len)
{
	return (void *)pvh_phys(0, pa, len);
}

/*
 * A bzImage to be entered through its PVH entry: its vmlinux, decoded
 * here on the bootstrap tree, becomes the kernel file. The decoders run on
 * entry.asm's stack with what they touch mapped first (no #PF on their
 * stack), SSE on and FS at a canary block (x86_unpack_cpu).
 */
static void unpack_bzimage(struct eb_boot *b)
{
	uint64_t khz = b->world == EB_WORLD_PVH_XEN ? xen_tsc_khz(xen_cpuid_base()) : x86_tsc_khz_pit();
	struct eb_boot_unpack_env env = {
		.cpu = x86_unpack_cpu((uint64_t)boot_stack, khz),
		.map_now = pvh_bootstrap_map_now,
		.phys = phys_rw,
	};
	static struct eb_boot_unpacked u;
	char err[300];
	if (eb_boot_unpack(b, busy, nbusy, PLACE_MIN, &env, &u, err, sizeof err))
		eb_fail("kernel (%s, a Linux bzImage): %s", b->kernel_name, err);
	unpacked_pa = u.pa;
	unpacked_len = u.out_bytes;
	add_busy(u.pa, u.out_bytes, "decompressed vmlinux");
	eb_info("kernel (%s, a Linux bzImage): %s; the vmlinux at 0x%llx is the kernel file now",
		b->kernel_name, u.line, (unsigned long long)u.pa);
}

/*
 * Xen lays dom0's module right after the loader's image, which is where a
 * kernel linked at 16 MiB must go when it cannot move (Linux's vmlinux
 * through its PVH entry, which has no PHYS32_RELOC note in Debian 12's
 * 6.1). When the kernel's linked frames meet module 0 and it may not move,
 * the module moves instead: to the lowest free run of RAM clear of the
 * loader, the other modules and those frames; the kernel file and the
 * initrd inside it are read from the copy. True when it moved.
 */
static bool move_module0(struct eb_boot *b, struct pvh_start *si)
{
	struct pvh_module *m0 = &si->mods[0];
	uint64_t klo, khi;
	eb_boot_kernel_extent(b, &klo, &khi);
	bool fixed = eb_boot_is_pvh(b) && !b->pvh.relocatable;
	if (!fixed || !(m0->pa < khi && klo < m0->pa + m0->len))
		return false;
	add_busy(klo, khi - klo, "kernel's linked frames");
	uint64_t to = place(b, m0->len, "boot module, moved out of the kernel's way");
	const void *from = pvh_phys(0, m0->pa, m0->len);
	void *dst = (void *)pvh_phys(0, to, m0->len);
	if (!from || !dst)
		eb_fail("start_info.modlist[0]: cannot move 0x%llx bytes from 0x%llx to 0x%llx: beyond the loader's reach",
			(unsigned long long)m0->len, (unsigned long long)m0->pa,
			(unsigned long long)to);
	memcpy(dst, from, m0->len);
	eb_info("module 0 moved from 0x%llx to 0x%llx: the kernel's linked frames 0x%llx-0x%llx met it, and it cannot move",
		(unsigned long long)m0->pa, (unsigned long long)to,
		(unsigned long long)klo, (unsigned long long)khi);
	uint64_t old = m0->pa;
	if (b->kfile_pa >= old && b->kfile_pa - old < m0->len)
		b->kfile_pa = b->kfile_pa - old + to;
	for (unsigned i = 0; i < b->nmods; i++)
		if (b->mods[i].pa >= old && b->mods[i].pa - old < m0->len)
			b->mods[i].pa = b->mods[i].pa - old + to;
	m0->pa = to;
	busy_loader_and_modules(si);
	return true;
}

void pvh_plan(struct eb_boot *b, struct pvh_start *si)
{
	self_regions(b);
	split_module(b, si);
	b->acpi_rsdp_pa = si->rsdp_pa;

	/* The kernel's segments: in RAM, clear of us and of every module. */
	busy_loader_and_modules(si);
	char err[240];
	/* Parsed here, where a bzImage can be placed clear of all of it. */
	const void *kfile = pvh_phys(0, b->kfile_pa, b->kfile_len);
	if (kfile && eb_boot_wants_vmlinux(b, kfile)) {
		unpack_bzimage(b);
		kfile = pvh_phys(0, b->kfile_pa, b->kfile_len);
	}
	if (eb_boot_parse_kernel(b, kfile, busy, nbusy, PLACE_MIN, err, sizeof err))
		eb_fail("kernel (%s): %s", b->kernel_name, err);
	eb_info("kernel (%s): %s, %llu bytes, %u segment%s, entry 0x%llx",
		b->kernel_name, eb_kernel_kind_name(b->kind),
		(unsigned long long)b->kfile_len, b->elf.nseg,
		b->elf.nseg == 1 ? "" : "s", (unsigned long long)b->elf.entry);
	eb_info("kernel (%s): entered through the %s protocol (%s)", b->kernel_name,
		eb_protocol_name(b->protocol),
		b->opt.protocol ? "protocol= on the command line" : "the default for it here");
	if (eb_boot_place_kernel(b, busy, nbusy, PLACE_MIN, err, sizeof err) &&
	    (!move_module0(b, si) ||
	     eb_boot_place_kernel(b, busy, nbusy, PLACE_MIN, err, sizeof err)))
		eb_fail("kernel (%s): %s", b->kernel_name, err);
	char moved[120];
	if (eb_boot_kernel_moved(b, moved, sizeof moved))
		eb_info("kernel (%s): %s", b->kernel_name, moved);
	/*
	 * The depth now that the kernel is known: the pools are sized for it,
	 * and common/x86/chainload.c switches to it when the tree goes live
	 * (the entry stub and the bootstrap tree run 4-level).
	 */
	struct x86_paging_caps caps;
	x86_paging_caps(&caps);
	if (eb_boot_choose_levels(b, caps.la57, err, sizeof err))
		eb_fail("%s", err);
	eb_info("paging: %u levels for the kernel (CPU %s LA57, kernel takes up to %u, paging=%s)",
		b->levels, caps.la57 ? "offers" : "lacks", b->kernel_max_levels,
		b->opt.paging == 5 ? "5" : b->opt.paging == 4 ? "4" : "default");
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		const struct eb_elf_seg *s = &b->elf.seg[i];
		add_busy(eb_elf_seg_pa_start(s),
			 eb_elf_seg_pa_end(s) - eb_elf_seg_pa_start(s), "kernel");
	}
	if (eb_boot_is_pvh(b)) {
		/*
		 * First after the kernel, so the lowest free run takes it: the
		 * kernel reads it from 32-bit code, below 4 GiB or nowhere.
		 */
		b->pvh_info_pa = place(b, EB_PVH_INFO_BYTES, "PVH start info");
		if (b->pvh_info_pa + EB_PVH_INFO_BYTES > EB_PVH_INFO_LIMIT)
			eb_fail("no room for the PVH start info below 4 GiB: the lowest free %llu KiB of RAM are at 0x%llx",
				EB_PVH_INFO_BYTES >> 10, (unsigned long long)b->pvh_info_pa);
		add_busy(b->pvh_info_pa, EB_PVH_INFO_BYTES, "PVH start info");
		/* Xen's dom0 flags: the kernel runs as that same dom0. */
		b->pvh_flags = si->flags;
	}
	b->bootinfo_pa = place(b, sizeof(struct eb_bootinfo), "boot info");
	add_busy(b->bootinfo_pa, sizeof(struct eb_bootinfo), "boot info");
	if (eb_boot_is_linux(b)) {
		b->linux_params_pa = place(b, EB_LINUX_PARAMS_BYTES, "Linux zero page");
		add_busy(b->linux_params_pa, EB_LINUX_PARAMS_BYTES, "Linux zero page");
	}
	place_pools(b);
	eb_info("boot info at 0x%llx; pools: main %llu frames at 0x%llx, lazy %llu frames at 0x%llx; leaves%s 2M 4K",
		(unsigned long long)b->bootinfo_pa,
		(unsigned long long)b->pool_frames, (unsigned long long)b->pool_pa,
		(unsigned long long)b->lazy_frames,
		(unsigned long long)(b->pool_pa + b->pool_frames * PAGE),
		b->leaf_mask & EP_LEAF_1G ? " 1G" : "");
}
