/*
 * The world-neutral middle of every native boot (boot.h): what used to be
 * the UEFI world's own carving, sizing and tree building, shared now with
 * PVH so both hand over the same shape of tree.
 */
#include "boot.h"

#include <elf.h>

#include "fmt.h"
#include "kmap.h"
#include "pvh_info.h"
#include "xen_notes.h"
#include "libc.h"
#include "place.h"

#include "page.h"

static uint64_t page_down(uint64_t v) { return v & ~(PAGE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

uint64_t eb_boot_lazy_frames(const struct eb_memmap *m, unsigned levels,
			     unsigned leaf_mask)
{
	struct eb_dmap plan;
	eb_dmap_plan(&plan, m, EB_DMAP_BASE, 0);
	uint64_t need = eb_dmap_frames_needed(&plan, levels, leaf_mask);
	/* +8: slack for a reset's worth of partial tables. */
	return (need > EB_BOOT_LAZY_MIN ? need : EB_BOOT_LAZY_MIN) + 8;
}

bool eb_boot_is_linux(const struct eb_boot *b)
{
	return b->protocol == EB_PROTOCOL_LINUX;
}

bool eb_boot_is_pvh(const struct eb_boot *b)
{
	return b->protocol == EB_PROTOCOL_PVH;
}

static bool is_elf32(const void *file, uint64_t len)
{
	return len > EI_CLASS && ((const uint8_t *)file)[EI_CLASS] == ELFCLASS32;
}

/* The rule of boot.h (eb_boot_parse_kernel), into b->protocol. */
static int choose_protocol(struct eb_boot *b, const void *file, char *err,
			   size_t errlen)
{
	bool elf = b->kind == EB_KERNEL_ELF || b->kind == EB_KERNEL_VMLINUX;
	bool pvh_entry = elf && eb_pvh_kernel_has_entry(file, b->kfile_len);
	bool elf32 = elf && is_elf32(file, b->kfile_len);
	const char *kind = b->kind == EB_KERNEL_ELF
				   ? (elf32 ? "an ELF32" : "an ELF64 that is not Linux")
				   : eb_kernel_kind_name(b->kind);
	switch (b->opt.protocol) {
	case EB_PROTOCOL_PVH:
		if (b->kind == EB_KERNEL_BZIMAGE) {
			eb_snprintf(err, errlen,
				    "protocol=pvh: a Linux bzImage's PVH entry note lies inside its compressed payload, and this caller did not decode it first (decompress/boot_unpack.h): give its vmlinux");
			return -1;
		}
		if (!pvh_entry) {
			eb_snprintf(err, errlen,
				    "protocol=pvh: the kernel (%s) carries no Xen ELF note PHYS32_ENTRY (type %u): it has no PVH entry",
				    kind, XEN_ELFNOTE_PHYS32_ENTRY);
			return -1;
		}
		break;
	case EB_PROTOCOL_LINUX:
		if (!eb_kernel_is_linux(b->kind)) {
			eb_snprintf(err, errlen,
				    "protocol=linux: the kernel is %s, not a Linux bzImage or vmlinux",
				    kind);
			return -1;
		}
		break;
	case EB_PROTOCOL_EFI:
		/* The UEFI world starts it before any parsing (efi/main.c). */
		eb_snprintf(err, errlen,
			    "protocol=efi: the kernel (%s) is not a PE image: only a PE image is started by the firmware",
			    kind);
		return -1;
	case EB_PROTOCOL_EARLYBOOT:
		if (b->kind != EB_KERNEL_ELF || elf32) {
			eb_snprintf(err, errlen,
				    "protocol=earlyboot: the kernel is %s: only an ELF64 that is not Linux takes the earlyboot handoff",
				    kind);
			return -1;
		}
		break;
	default:
		if (eb_kernel_is_linux(b->kind))
			b->protocol = b->kind == EB_KERNEL_VMLINUX && pvh_entry &&
						      b->world == EB_WORLD_PVH_XEN
					      ? EB_PROTOCOL_PVH
					      : EB_PROTOCOL_LINUX;
		else if (b->kind == EB_KERNEL_ELF && pvh_entry &&
			 (elf32 || !eb_elf_has_earlyboot_note(file, b->kfile_len)))
			b->protocol = EB_PROTOCOL_PVH;
		else
			b->protocol = EB_PROTOCOL_EARLYBOOT;
		return 0;
	}
	b->protocol = b->opt.protocol;
	return 0;
}

/*
 * Which promises a defect= breaks exist only in some hand-offs: one that
 * the chosen protocol does not carry would be accepted and do nothing, a
 * test that could not fail. The Linux protocol takes none.
 */
static bool defect_applies(unsigned defect, unsigned protocol)
{
	switch (defect) {
	case EB_DEFECT_NONE:
		return true;
	case EB_DEFECT_MAGIC:
	case EB_DEFECT_MEMMAP:
	case EB_DEFECT_INITRD:
	case EB_DEFECT_CPU:
		return protocol == EB_PROTOCOL_EARLYBOOT || protocol == EB_PROTOCOL_PVH;
	case EB_DEFECT_CMDLINE:
	case EB_DEFECT_RSDP:
		return protocol == EB_PROTOCOL_PVH;
	default:
		return protocol == EB_PROTOCOL_EARLYBOOT;
	}
}

int eb_boot_parse_kernel(struct eb_boot *b, const void *file,
			 const struct eb_range *busy, size_t nbusy,
			 uint64_t min_pa, char *err, size_t errlen)
{
	b->kind = eb_kernel_kind(file, b->kfile_len);
	b->kernel_max_levels = 4;
	if (choose_protocol(b, file, err, errlen))
		return -1;
	if (!defect_applies(b->opt.defect, b->protocol)) {
		eb_snprintf(err, errlen,
			    "defect=%s breaks no promise of the %s hand-off this kernel takes",
			    eb_defect_name(b->opt.defect), eb_protocol_name(b->protocol));
		return -1;
	}
	if (b->protocol == EB_PROTOCOL_PVH)
		return eb_pvh_kernel_parse(file, b->kfile_len, &b->elf, &b->pvh,
					   err, errlen);
	switch (b->kind) {
	case EB_KERNEL_ELF:
		if (is_elf32(file, b->kfile_len)) {
			eb_snprintf(err, errlen,
				    "not a 64-bit ELF (class 1), and no Xen ELF note PHYS32_ENTRY (type %u) offers a PVH entry",
				    XEN_ELFNOTE_PHYS32_ENTRY);
			return -1;
		}
		if (eb_elf_parse(file, b->kfile_len, &b->elf, err, errlen))
			return -1;
		b->kernel_max_levels = eb_kernel_max_levels(b->kind, file,
							    b->kfile_len, 0);
		return 0;
	case EB_KERNEL_VMLINUX:
		return eb_vmlinux_parse(file, b->kfile_len, &b->elf, err, errlen);
	case EB_KERNEL_BZIMAGE: {
		uint64_t at;
		if (eb_bzimage_parse(file, b->kfile_len, &b->bz, err, errlen) ||
		    eb_bzimage_place(&b->bz, &b->mem, busy, nbusy, min_pa, &at,
				     err, errlen))
			return -1;
		eb_bzimage_as_segments(&b->bz, at, &b->elf);
		b->kernel_max_levels = eb_kernel_max_levels(b->kind, file,
							    b->kfile_len, &b->bz);
		return 0;
	}
	case EB_KERNEL_PE:
		eb_snprintf(err, errlen,
			    "a PE/EFI application without a Linux setup header (boot_flag 0xaa55 at 0x1fe and \"HdrS\" at 0x202): only the UEFI world can start one");
		return -1;
	default: {
		char first[32];
		eb_fmt_bytes(first, sizeof first, file, b->kfile_len, 8);
		eb_snprintf(err, errlen,
			    "not an ELF, a Linux bzImage or a PE/EFI application (%llu bytes, first bytes: %s)",
			    (unsigned long long)b->kfile_len, first);
		return -1;
	}
	}
}

#define TWO_MIB (2ULL << 20)

/* The alignment a kernel of this kind keeps when it moves; 0: it may not. */
static uint64_t move_align(enum eb_kernel_kind kind, uint64_t linked_pa)
{
	uint64_t low_bit = linked_pa ? linked_pa & -linked_pa : 1ULL << 62;
	switch (kind) {
	case EB_KERNEL_ELF:
		/* Any frames serve; as aligned as linked, up to a large page. */
		return low_bit < PAGE ? PAGE : low_bit > TWO_MIB ? TWO_MIB : low_bit;
	case EB_KERNEL_VMLINUX:
		/*
		 * startup_64 moves itself in whole 2 MiB pages; the linked
		 * address is a multiple of the kernel's CONFIG_PHYSICAL_ALIGN,
		 * which the file states nowhere else, so keep all of its
		 * alignment.
		 */
		return low_bit < TWO_MIB ? TWO_MIB : low_bit;
	default:
		return 0;
	}
}

/*
 * A relocatable PVH kernel: the lowest free run in its PHYS32_RELOC window
 * (above min_pa too), aligned as the note says. 0 with *at, or -1 with err.
 */
static int place_pvh(const struct eb_boot *b, const struct eb_range *busy,
		     size_t nbusy, uint64_t min_pa, uint64_t size,
		     const char *why, uint64_t *at, char *err, size_t errlen)
{
	const struct eb_pvh_kernel *pk = &b->pvh;
	uint64_t lo = pk->min > min_pa ? pk->min : min_pa;
	if (eb_place_aligned(&b->mem, busy, nbusy, size, lo, pk->align, at) ||
	    *at > pk->max || size - 1 > pk->max - *at) {
		eb_snprintf(err, errlen,
			    "%s, and no other 0x%llx-byte run of RAM aligned to 0x%llx is free in its PHYS32_RELOC window 0x%llx-0x%llx",
			    why, (unsigned long long)size, (unsigned long long)pk->align,
			    (unsigned long long)lo, (unsigned long long)pk->max);
		return -1;
	}
	return 0;
}

int eb_boot_place_kernel(struct eb_boot *b, const struct eb_range *busy,
			 size_t nbusy, uint64_t min_pa, char *err,
			 size_t errlen)
{
	b->kernel_pa_delta = 0;
	if (!eb_elf_check_placement(&b->elf, &b->mem, busy, nbusy, err, errlen))
		return 0;
	uint64_t lo, hi;
	eb_boot_kernel_extent(b, &lo, &hi);
	uint64_t align = move_align(b->kind, lo), at;
	char why[200];
	eb_snprintf(why, sizeof why, "%s", err);
	if (eb_boot_is_pvh(b)) {
		if (!b->pvh.relocatable) {
			eb_snprintf(err, errlen,
				    "%s, and it has no Xen ELF note PHYS32_RELOC allowing it elsewhere",
				    why);
			return -1;
		}
		if (place_pvh(b, busy, nbusy, min_pa, hi - lo, why, &at, err, errlen))
			return -1;
	} else if (!align) {
		return -1; /* err names the conflict */
	} else if (eb_place_aligned(&b->mem, busy, nbusy, hi - lo, min_pa, align, &at)) {
		eb_snprintf(err, errlen,
			    "%s, and no other 0x%llx-byte run of RAM aligned to 0x%llx above 0x%llx is free",
			    why, (unsigned long long)(hi - lo),
			    (unsigned long long)align, (unsigned long long)min_pa);
		return -1;
	}
	uint64_t delta = at - lo;
	/* Identity-run kernels (a vmlinux, a PVH kernel) move their entry too. */
	bool identity = b->kind == EB_KERNEL_VMLINUX || eb_boot_is_pvh(b);
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		b->elf.seg[i].paddr += delta;
		if (identity)
			b->elf.seg[i].vaddr += delta;
	}
	if (identity)
		b->elf.entry += delta;
	if (eb_boot_is_pvh(b))
		b->pvh.entry += delta;
	b->kernel_pa_delta = (int64_t)delta;
	return 0;
}

bool eb_boot_kernel_moved(const struct eb_boot *b, char *out, size_t outlen)
{
	if (!b->kernel_pa_delta)
		return false;
	uint64_t lo, hi;
	eb_boot_kernel_extent(b, &lo, &hi);
	eb_snprintf(out, outlen, "linked at pa 0x%llx, which is taken: placed at pa 0x%llx",
		    (unsigned long long)(lo - (uint64_t)b->kernel_pa_delta),
		    (unsigned long long)lo);
	return true;
}

int eb_boot_choose_levels(struct eb_boot *b, bool la57_offered, char *err,
			  size_t errlen)
{
	unsigned want = b->opt.paging;
	if (eb_boot_is_pvh(b)) {
		b->levels = 4;
		if (!want)
			return 0;
		eb_snprintf(err, errlen,
			    "paging=%u: kernel %s is entered through the PVH boot protocol, with paging off: it builds its own tables",
			    want, b->kernel_name ? b->kernel_name : "");
		return -1;
	}
	if (want == 0) {
		b->levels = la57_offered && b->kernel_max_levels >= 5 ? 5 : 4;
		return 0;
	}
	if (want == 5 && !la57_offered) {
		eb_snprintf(err, errlen,
			    "paging=5: the CPU does not offer 5-level paging (CPUID.(EAX=7,ECX=0):ECX.LA57, bit 16, is 0)");
		return -1;
	}
	if (want == 5 && b->kernel_max_levels < 5 && b->kind != EB_KERNEL_VMLINUX) {
		if (b->kind == EB_KERNEL_BZIMAGE)
			eb_snprintf(err, errlen,
				    "paging=5: kernel %s does not declare 5-level support: xloadflags 0x%04x lacks XLF_5LEVEL (bit 5)",
				    b->kernel_name ? b->kernel_name : "", b->bz.xloadflags);
		else
			eb_snprintf(err, errlen,
				    "paging=5: kernel %s does not declare 5-level support: no ELF note \"%s\" of type %u holding 5",
				    b->kernel_name ? b->kernel_name : "", EB_ELFNOTE_NAME,
				    EB_ELFNOTE_PAGING_LEVELS);
		return -1;
	}
	b->levels = want;
	return 0;
}

unsigned eb_boot_extra_regions(const struct eb_boot *b,
			       struct eb_self_region *out)
{
	unsigned n = 0;
	if (!eb_boot_is_linux(b))
		return 0;
	out[n++] = (struct eb_self_region){ b->linux_params_pa,
					    EB_LINUX_PARAMS_BYTES, EP_W,
					    "Linux zero page and command line" };
	if (b->kind == EB_KERNEL_BZIMAGE) {
		/*
		 * The decompressor runs on these tables until it builds its
		 * own: it reads the BIOS data area in page 0 and may put its
		 * trampoline below 1 MiB (docs/linux.md).
		 */
		out[n++] = (struct eb_self_region){ 0, PAGE, 0,
						    "BIOS data area (page 0)" };
		out[n++] = (struct eb_self_region){ PAGE, (1ULL << 20) - PAGE,
						    EP_W, "low memory" };
	}
	return n;
}

uint64_t eb_boot_main_frames(const struct eb_boot *b, uint64_t pool_pa,
			     uint64_t pool_bytes)
{
	struct ep_range_req req[EB_SELF_MAX + EB_BOOT_MAX_EXTRA + EB_ELF_MAX_SEGS + 1];
	struct eb_self_region extra[EB_BOOT_MAX_EXTRA];
	unsigned nextra = eb_boot_extra_regions(b, extra);
	size_t n = 0;
	for (unsigned i = 0; i < b->nself; i++)
		req[n++] = (struct ep_range_req){ b->self[i].pa, b->self[i].pa,
						  b->self[i].len };
	for (unsigned i = 0; i < nextra; i++)
		req[n++] = (struct ep_range_req){ extra[i].pa, extra[i].pa,
						  extra[i].len };
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		const struct eb_elf_seg *s = &b->elf.seg[i];
		uint64_t va = page_down(s->vaddr);
		req[n++] = (struct ep_range_req){ va, eb_elf_seg_pa_start(s),
						  page_up(s->vaddr + s->memsz) - va };
	}
	if (pool_bytes)
		req[n++] = (struct ep_range_req){ pool_pa, pool_pa, pool_bytes };
	uint64_t eager = ep_pool_frames_needed(req, n, b->levels, b->leaf_mask,
					       false, 0, 0);
	/*
	 * Each lazy region of the direct map builds the tables at its two
	 * edges from the main pool (below the root: levels - 1 per edge).
	 */
	struct eb_dmap plan;
	eb_dmap_plan(&plan, &b->mem, EB_DMAP_BASE, 0);
	return eager + 2ull * plan.n * (b->levels - 1) + 4;
}

static int carve(struct eb_memmap *m, uint64_t pa, uint64_t len, uint32_t type,
		 const char *what, char *err, size_t errlen)
{
	return eb_memmap_carve(m, pa, len, type, what, err, errlen);
}

static int carve_all(struct eb_boot *b, char *err, size_t errlen)
{
	struct eb_memmap *m = &b->mem;
	for (unsigned i = 0; i < b->nself; i++)
		if (carve(m, b->self[i].pa, b->self[i].len, EB_MEM_LOADER,
			  "loader image", err, errlen))
			return -1;
	if (carve(m, b->pool_pa, (b->pool_frames + b->lazy_frames) * PAGE,
		  EB_MEM_PAGE_TABLES, "page-table pools", err, errlen))
		return -1;
	if (carve(m, b->bootinfo_pa, page_up(sizeof(struct eb_bootinfo)),
		  EB_MEM_BOOT_INFO, "boot info", err, errlen))
		return -1;
	if (eb_boot_is_linux(b) &&
	    carve(m, b->linux_params_pa, EB_LINUX_PARAMS_BYTES, EB_MEM_BOOT_INFO,
		  "Linux zero page", err, errlen))
		return -1;
	if (eb_boot_is_pvh(b) &&
	    carve(m, b->pvh_info_pa, EB_PVH_INFO_BYTES, EB_MEM_BOOT_INFO,
		  "PVH start info", err, errlen))
		return -1;
	/* Linux reads the firmware's map after us: nothing may land on it. */
	if (b->efi.map_size &&
	    carve(m, page_down(b->efi.map_pa),
		  page_up(b->efi.map_pa + b->efi.map_size) - page_down(b->efi.map_pa),
		  EB_MEM_BOOT_INFO, "UEFI memory map", err, errlen))
		return -1;
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		const struct eb_elf_seg *s = &b->elf.seg[i];
		char what[32];
		eb_snprintf(what, sizeof what, "kernel segment %u", s->index);
		if (carve(m, eb_elf_seg_pa_start(s),
			  eb_elf_seg_pa_end(s) - eb_elf_seg_pa_start(s),
			  EB_MEM_KERNEL, what, err, errlen))
			return -1;
	}
	/* A module need not start on a page (a cpio member does not). */
	for (unsigned i = 0; i < b->nmods; i++) {
		uint64_t lo = page_down(b->mods[i].pa);
		uint64_t hi = page_up(b->mods[i].pa + b->mods[i].len);
		if (carve(m, lo, hi - lo, EB_MEM_MODULE, b->mods[i].name, err,
			  errlen))
			return -1;
	}
	return 0;
}

/*
 * The map as it was before eb_boot_carve, put back when one of its carves
 * fails: a failed carve leaves no half-carved map (loader and pools
 * re-typed, the kernel not) for anything after it to trust.
 */
static struct eb_mem_range carve_undo[EB_MEM_MAX];

int eb_boot_carve(struct eb_boot *b, char *err, size_t errlen)
{
	struct eb_memmap *m = &b->mem;
	uint32_t count = m->count;
	if (count > EB_MEM_MAX) {
		eb_snprintf(err, errlen, "memory map: more than %u ranges", EB_MEM_MAX);
		return -1;
	}
	memcpy(carve_undo, m->r, count * sizeof(m->r[0]));
	if (carve_all(b, err, errlen)) {
		memcpy(m->r, carve_undo, count * sizeof(m->r[0]));
		m->count = count;
		return -1;
	}
	return 0;
}

/* Table frames are identity-mapped eagerly: the same pointer before and after. */
static void *identity(void *env, uint64_t pa)
{
	(void)env;
	return (void *)(uintptr_t)pa;
}

static int ep_error(struct ep_ctx *ctx, const char *what, char *err,
		    size_t errlen)
{
	char why[200];
	ep_format_error(ctx, why, sizeof why);
	eb_snprintf(err, errlen, "page tables: %s: %s", what, why);
	return -1;
}

int eb_boot_build(struct eb_boot *b, struct ep_ctx *ctx, struct eb_dmap *plan,
		  uint8_t *pool_state, uint8_t *lazy_state, char *err,
		  size_t errlen)
{
	if (b->pool_frames > EB_BOOT_MAX_POOL || b->lazy_frames > EB_BOOT_MAX_LAZY) {
		eb_snprintf(err, errlen,
			    "page-table pools of %llu + %llu frames exceed %u + %u",
			    (unsigned long long)b->pool_frames,
			    (unsigned long long)b->lazy_frames, EB_BOOT_MAX_POOL,
			    EB_BOOT_MAX_LAZY);
		return -1;
	}
	struct ep_config cfg = {
		.ops = b->ops ? b->ops : &ep_native_ops,
		.levels = b->levels,
		.leaf_mask = b->leaf_mask,
		/* defect=cpu enters the kernel with NXE off: bit 63 would be reserved. */
		.no_nx = b->opt.defect == EB_DEFECT_NX || b->opt.defect == EB_DEFECT_CPU,
		.phys_to_virt = b->phys_to_virt ? b->phys_to_virt : identity,
		.env = b->pt_env,
		.pool_pa = b->pool_pa,
		.pool_frames = b->pool_frames,
		.pool_state = pool_state,
		.lazy_pool_pa = b->pool_pa + b->pool_frames * PAGE,
		.lazy_pool_frames = b->lazy_frames,
		.lazy_pool_state = lazy_state,
	};
	if (ep_init(ctx, &cfg))
		return ep_error(ctx, "init", err, errlen);
	if (b->on_ctx)
		b->on_ctx(ctx);
	/* Ourselves, W^X: each region with the permissions the world gave. */
	for (unsigned i = 0; i < b->nself; i++)
		if (ep_map(ctx, b->self[i].pa, b->self[i].pa, b->self[i].len,
			   b->self[i].perms))
			return ep_error(ctx, b->self[i].name, err, errlen);
	if (ep_map(ctx, b->pool_pa, b->pool_pa,
		   (b->pool_frames + b->lazy_frames) * PAGE, EP_W))
		return ep_error(ctx, "page-table pools", err, errlen);
	struct eb_self_region extra[EB_BOOT_MAX_EXTRA];
	unsigned nextra = eb_boot_extra_regions(b, extra);
	for (unsigned i = 0; i < nextra; i++)
		if (ep_map(ctx, extra[i].pa, extra[i].pa, extra[i].len,
			   extra[i].perms))
			return ep_error(ctx, extra[i].name, err, errlen);
	if (b->kind == EB_KERNEL_VMLINUX && b->levels == 5) {
		/*
		 * A vmlinux entered 5-level: startup_64 records the depth in
		 * variables that are __ro_after_init, inside its R+X segment,
		 * while it still runs on our tables (measured with Debian's
		 * 6.1: a write #PF there, then a triple fault; 4-level it
		 * writes nothing there). The bzImage's decompressor hands it
		 * a writable identity map; so do we: every segment writable,
		 * the W+X declared as the protocol's (docs/linux.md).
		 */
		for (unsigned i = 0; i < b->elf.nseg; i++)
			b->elf.seg[i].flags |= PF_W;
	}
	char why[240];
	unsigned kflags = (b->opt.defect == EB_DEFECT_SEGMENTS ? EB_KMAP_RODATA_WRITABLE : 0) |
			  (eb_boot_is_linux(b) ? EB_KMAP_WX_BY_PROTOCOL : 0);
	/*
	 * A PVH kernel starts with paging off: it is copied through the
	 * direct map like everything else and needs no mapping of its own.
	 */
	if (!eb_boot_is_pvh(b) &&
	    eb_kernel_map(ctx, &b->elf, kflags, why, sizeof why)) {
		eb_snprintf(err, errlen, "kernel %s: %s", b->kernel_name, why);
		return -1;
	}
	eb_dmap_plan(plan, &b->mem, EB_DMAP_BASE, b->opt.defect == EB_DEFECT_DMAP);
	if (eb_dmap_declare(ctx, plan))
		return ep_error(ctx, "direct map", err, errlen);
	return 0;
}

void eb_boot_kernel_extent(const struct eb_boot *b, uint64_t *start,
			   uint64_t *end)
{
	uint64_t lo = ~0ULL, hi = 0;
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		uint64_t s = eb_elf_seg_pa_start(&b->elf.seg[i]);
		uint64_t e = eb_elf_seg_pa_end(&b->elf.seg[i]);
		lo = s < lo ? s : lo;
		hi = e > hi ? e : hi;
	}
	*start = b->elf.nseg ? lo : 0;
	*end = hi;
}

const struct eb_handoff_module *eb_boot_module(const struct eb_boot *b,
					       const char *name)
{
	for (unsigned i = 0; i < b->nmods; i++)
		if (b->mods[i].name && strcmp(b->mods[i].name, name) == 0)
			return &b->mods[i];
	return 0;
}
