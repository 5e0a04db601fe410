/*
 * The UEFI world after ExitBootServices: build the tree through
 * early_paging (native backend), go live on it, load the kernel through the
 * lazily materialized direct map, complete what the handoff promises, fill
 * the boot info and jump.
 */
#include "bootinfo.h"
#include "dmap.h"
#include "early_paging.h"
#include "handoff.h"
#include "kmap.h"
#include "libc.h"
#include "loader.h"
#include "x86/cpu.h"
#include "x86/serial.h"

#define PAGE 4096ULL
#define MAX_POOL 2048
#define MAX_LAZY 8192

static struct eb_mem_range mem_storage[EB_MEM_MAX];
static struct ep_ctx ctx;
static uint8_t pool_state[MAX_POOL], lazy_state[MAX_LAZY];
static uint8_t df_stack[16384] __attribute__((aligned(16)));
/* A valid stack for the kernel's first instructions (docs/handoff.md). */
static uint8_t entry_stack[4096] __attribute__((aligned(16)));

/* Table frames are identity-mapped eagerly: the same pointer before and after. */
static void *identity(void *env, uint64_t pa)
{
	(void)env;
	return (void *)pa;
}

static void *via_dmap(void *env, uint64_t pa)
{
	(void)env;
	return (void *)(EB_DMAP_BASE + pa);
}

static void ep_check(enum ep_err e, const char *what)
{
	if (e == EP_OK)
		return;
	char buf[240];
	ep_format_error(&ctx, buf, sizeof buf);
	efi_fail("page tables: %s: %s", what, buf);
}

static void carve(struct eb_memmap *m, uint64_t pa, uint64_t len, uint32_t type,
		  const char *what)
{
	char err[200];
	if (eb_memmap_carve(m, pa, len, type, what, err, sizeof err))
		efi_fail("%s", err);
}

static void build_memmap(struct efi_boot *b, struct eb_memmap *m)
{
	char err[200];
	eb_memmap_init(m, mem_storage, EB_MEM_MAX);
	if (efi_convert_map(m, b->efi_map, b->efi_map_size, b->efi_desc_size, err,
			    sizeof err))
		efi_fail("%s", err);
	carve(m, b->image_pa, b->image_len, EB_MEM_LOADER, "loader image");
	carve(m, b->pool_pa, (b->pool_frames + b->lazy_frames) * PAGE,
	      EB_MEM_PAGE_TABLES, "page-table pools");
	carve(m, b->bootinfo_pa, (sizeof(struct eb_bootinfo) + PAGE - 1) & ~(PAGE - 1),
	      EB_MEM_BOOT_INFO, "boot info");
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		const struct eb_elf_seg *s = &b->elf.seg[i];
		carve(m, eb_elf_seg_pa_start(s),
		      eb_elf_seg_pa_end(s) - eb_elf_seg_pa_start(s), EB_MEM_KERNEL,
		      "kernel segment");
	}
	if (b->initrd_len)
		carve(m, b->initrd_pa, (b->initrd_len + PAGE - 1) & ~(PAGE - 1),
		      EB_MEM_MODULE, "initrd");
}

static void build_tree(struct efi_boot *b, const struct eb_memmap *m,
		       struct eb_dmap *plan)
{
	if (b->pool_frames > MAX_POOL || b->lazy_frames > MAX_LAZY)
		efi_fail("page-table pools of %llu + %llu frames exceed %u + %u",
			 (unsigned long long)b->pool_frames,
			 (unsigned long long)b->lazy_frames, MAX_POOL, MAX_LAZY);
	struct ep_config cfg = {
		.ops = &ep_native_ops,
		.levels = b->levels,
		.leaf_mask = b->leaf_mask,
		.no_nx = b->opt.defect == EB_DEFECT_NX,
		.phys_to_virt = identity,
		.pool_pa = b->pool_pa,
		.pool_frames = b->pool_frames,
		.pool_state = pool_state,
		.lazy_pool_pa = b->lazy_pa,
		.lazy_pool_frames = b->lazy_frames,
		.lazy_pool_state = lazy_state,
	};
	ep_check(ep_init(&ctx, &cfg), "init");
	uint64_t img_end = b->image_pa + b->image_len;
	/* Ourselves, W^X: headers read-only, text R+X, data (stacks, GDT, IDT) RW. */
	if (b->text_pa > b->image_pa)
		ep_check(ep_map(&ctx, b->image_pa, b->image_pa, b->text_pa - b->image_pa, 0),
			 "loader headers");
	ep_check(ep_map(&ctx, b->text_pa, b->text_pa, b->text_end - b->text_pa, EP_X),
		 "loader text");
	ep_check(ep_map(&ctx, b->text_end, b->text_end, img_end - b->text_end, EP_W),
		 "loader data");
	ep_check(ep_map(&ctx, b->pool_pa, b->pool_pa,
			(b->pool_frames + b->lazy_frames) * PAGE, EP_W),
		 "page-table pools");
	char err[240];
	if (eb_kernel_map(&ctx, &b->elf, b->opt.defect == EB_DEFECT_SEGMENTS, err,
			  sizeof err))
		efi_fail("kernel %s: %s", b->opt.kernel, err);
	eb_dmap_plan(plan, m, EB_DMAP_BASE, b->opt.defect == EB_DEFECT_DMAP);
	ep_check(eb_dmap_declare(&ctx, plan), "direct map");
}

static void dump(const struct efi_boot *b)
{
	if (b->opt.ptdump)
		ep_dump(&ctx, con_line, 0);
}

void efi_after_exit(void *arg)
{
	struct efi_boot *b = arg;
	x86_cpu_init((uint64_t)(df_stack + sizeof df_stack));
	efi_info("left boot services after %u tr%s", b->exit_tries,
		 b->exit_tries == 1 ? "y" : "ies");

	struct eb_memmap m;
	build_memmap(b, &m);
	struct eb_dmap plan;
	build_tree(b, &m, &plan);
	efi_traps_set_ctx(&ctx);
	ep_check(ep_activate(&ctx), "activate");

	/* From here physical memory is reached through the lazy direct map. */
	eb_elf_copy(&b->elf, via_dmap(0, b->kfile_pa), via_dmap, 0);
	if (b->opt.defect == EB_DEFECT_INITRD && b->initrd_len > 64)
		((volatile uint8_t *)via_dmap(0, b->initrd_pa))[b->initrd_len - 1] ^= 0x5a;
	efi_info("kernel loaded; %llu faults served so far",
		 (unsigned long long)ep_counters(&ctx)->faults_served);

	ep_check(ep_lazy_complete(&ctx), "completing the direct map");
	ep_check(ep_finish(&ctx), "finish");

	uint64_t kstart = ~0ULL, kend = 0;
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		uint64_t lo = eb_elf_seg_pa_start(&b->elf.seg[i]);
		uint64_t hi = eb_elf_seg_pa_end(&b->elf.seg[i]);
		kstart = lo < kstart ? lo : kstart;
		kend = hi > kend ? hi : kend;
	}
	struct eb_handoff_module mod = { b->initrd_pa, b->initrd_len, "initrd" };
	struct eb_handoff h = {
		.world = EB_WORLD_UEFI,
		.self_pa = b->bootinfo_pa,
		.dmap_base = EB_DMAP_BASE,
		.dmap_size = eb_dmap_span(&plan),
		.mem = &m,
		.mods = &mod,
		.nmods = b->initrd_len ? 1 : 0,
		.cmdline = b->opt.kernel_cmdline,
		.acpi_rsdp_pa = b->acpi_rsdp_pa,
		.kernel_pa_start = kstart,
		.kernel_pa_end = kend,
		.kernel_entry = b->elf.entry,
		.ctx = &ctx,
		.defect = b->opt.defect,
	};
	struct eb_bootinfo *bi = via_dmap(0, b->bootinfo_pa);
	char err[200];
	if (eb_handoff_fill(bi, &h, err, sizeof err))
		efi_fail("%s", err);

	const struct ep_counters *c = ep_counters(&ctx);
	dump(b);
	if (b->opt.defect)
		efi_info("debug: defect=%s applied", eb_defect_name(b->opt.defect));
	con_printf("earlyboot: stats pt_frames=%llu faults=%llu resets=%llu refusals=%llu hypercalls=%llu\n",
		   (unsigned long long)c->table_frames,
		   (unsigned long long)c->faults_served,
		   (unsigned long long)c->pool_resets,
		   (unsigned long long)c->refusals,
		   (unsigned long long)c->hypercalls);
	efi_info("entering kernel at 0x%llx, boot info at 0x%llx",
		 (unsigned long long)b->elf.entry, (unsigned long long)bi->self_va);
	/* The kernel owns the CPU tables from its first instruction on. */
	efi_traps_set_ctx(0);
	x86_enter_kernel(b->elf.entry, bi->self_va,
			 (uint64_t)(entry_stack + sizeof entry_stack));
}
