/*
 * The PV tree, through early_paging with ep_xen_ops (docs/xen_backend.md):
 *
 *   kernel region  [VIRT_BASE, +region) -> pfn 0..: this image, the p2m,
 *                  start_info, Xen's template, the pool (in our .bss: Xen
 *                  maps all of it, so every pool frame is reachable and has
 *                  a template L1 entry the backend can make read-only);
 *   direct map     EB_DMAP_BASE -> every pseudo-physical page, 4 KiB leaves;
 *   the kernel's segments at their link addresses.
 *
 * pv_tree_build makes that tree live (the earlyboot handoff: activate
 * early, switch to late at the named point, activate late). For the
 * handoff pv_tree_and_enter then copies the kernel through the direct map,
 * finishes (spare frames writable again), fills the boot info and enters
 * the kernel with the pinned tree live. The PV start of day of a Linux
 * kernel (linux_enter.c) builds the same tree as its staging tree, with
 * the direct map cut to the frames it fills and no kernel segments.
 */
#include "tree.h"

#include "dmap.h"
#include "fmt.h"
#include "handoff.h"
#include "libc.h"
#include "memmap.h"
#include "x86/audit.h"
#include "x86/log.h"
#include "x86/serial.h"
#include "paging/xen/xen_backend.h"

#include "page.h"
/*
 * Pool capacity: a 1 GiB domain's direct map alone is 512 L1s; 2 GiB fits.
 * Sized at run time with ep_pool_frames_needed; only that many are used.
 */
#define PV_POOL_MAX 1100
/* Xen pads the bootstrap region by at least 512 KiB (docs/platform.md, docs/pv.md). */
#define PV_PADDING (512ULL << 10)

static uint8_t pool[PV_POOL_MAX][PAGE] __attribute__((aligned(4096)));
static uint8_t pool_state[PV_POOL_MAX];
static uint64_t pool_pte[PV_POOL_MAX];
static struct xen_be_refusal refusals[8192];
static struct xen_be be;
static struct ep_backend_ops ops;
static struct ep_ctx ctx;
static struct eb_mem_range mem_storage[16];
static struct eb_memmap mem;
static uint8_t entry_stack[16384] __attribute__((aligned(16)));

static uint64_t pa_of(const void *p)
{
	return (uint64_t)p - PV_VIRT_BASE;
}

/* Table frames live in the bootstrap region: reached at VIRT_BASE + pa. */
static void *region_virt(void *env, uint64_t pa)
{
	(void)env;
	return (void *)(PV_VIRT_BASE + pa);
}

static void *via_dmap(void *env, uint64_t pa)
{
	(void)env;
	return (void *)(EB_DMAP_BASE + pa);
}

/*
 * How many entries Xen's m2p has (XENMEM_machphys_mapping): every backend
 * configuration that reads machine frames back through the m2p needs it.
 */
uint64_t pv_m2p_entries(void)
{
	struct xen_machphys_mapping mp;
	long rc = xen_hcall(&pv_hc, __HYPERVISOR_memory_op, XENMEM_machphys_mapping,
			    (unsigned long)&mp, 0, 0, 0);
	if (rc)
		eb_fail("XENMEM_machphys_mapping: code %ld", rc);
	return (uint64_t)mp.max_mfn + 1;
}

static void check(enum ep_err e, const char *what)
{
	eb_check_ep(&ctx, e, "page tables", what);
}

static uint64_t up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static unsigned seg_perms(const struct eb_elf_seg *s)
{
	return (s->flags & 2 /* PF_W */ ? EP_W : 0) | (s->flags & 1 /* PF_X */ ? EP_X : 0);
}

/* What is still RAM below `end` becomes loader memory. */
static int carve_rest(struct eb_memmap *m, uint64_t end, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < m->count; i++) {
		const struct eb_mem_range *r = &m->r[i];
		if (r->type != EB_MEM_RAM || r->pa >= end)
			continue;
		uint64_t pa = r->pa, len = (r->pa + r->len < end ? r->pa + r->len : end) - pa;
		if (eb_memmap_carve(m, pa, len, EB_MEM_LOADER, "bootstrap region", err, errlen))
			return -1;
		i = (uint32_t)-1; /* the map changed: start over */
	}
	return 0;
}

uint64_t pv_bootstrap_region(const struct pv_boot *b)
{
	const struct pv_start *si = b->si;
	uint64_t ram = si->nr_pages * PAGE;
	/*
	 * The bootstrap region ends at least PV_PADDING past the last thing
	 * Xen put in it (the template's frames or its stack follow the p2m
	 * and start_info), and past our own image; what lies in it is mapped
	 * in the new tree where it was in the template.
	 */
	uint64_t last = pa_of(__image_end);
	uint64_t marks[] = { si->pt_base_pa + si->nr_pt_frames * PAGE,
			     b->start_info_pa + PAGE,
			     si->mfn_list_va - PV_VIRT_BASE + si->nr_pages * 8,
			     si->mod_pa + si->mod_len };
	for (unsigned i = 0; i < 4; i++)
		if (marks[i] > last)
			last = marks[i];
	uint64_t region = up(last + PAGE + PV_PADDING, 4ULL << 20);
	return region > ram ? ram : region;
}

struct ep_ctx *pv_tree_build(struct pv_boot *b, uint64_t region, uint64_t dmap_pa,
			     uint64_t dmap_len, const struct eb_elf_info *kernel,
			     bool late)
{
	const struct pv_start *si = b->si;
	unsigned nseg = kernel ? kernel->nseg : 0;

	/* Pool size: the tables map themselves (self_map), fixed point. */
	struct ep_range_req reqs[3 + EB_ELF_MAX_SEGS];
	size_t nreq = 0;
	reqs[nreq++] = (struct ep_range_req){ PV_VIRT_BASE, 0, region };
	if (dmap_len)
		reqs[nreq++] = (struct ep_range_req){ EB_DMAP_BASE + dmap_pa, dmap_pa,
						      dmap_len };
	for (unsigned i = 0; i < nseg; i++) {
		const struct eb_elf_seg *s = &kernel->seg[i];
		uint64_t va = s->vaddr & ~(PAGE - 1);
		reqs[nreq++] = (struct ep_range_req){
			va, eb_elf_seg_pa_start(s),
			eb_elf_seg_pa_end(s) - eb_elf_seg_pa_start(s)
		};
	}
	uint64_t frames = ep_pool_frames_needed(reqs, nreq, 4, EP_LEAF_4K, true,
						(uint64_t)pool, pa_of(pool));
	/* A little headroom: spare frames [end, top) the finish releases. */
	frames += 4;
	if (frames == 4 || frames > PV_POOL_MAX)
		eb_fail("page-table pool: %llu frames needed, %u built in (dom0_mem too large for this image)",
			(unsigned long long)frames, PV_POOL_MAX);

	size_t rcap = xen_be_refusals_needed(frames, si->nr_pt_frames, 2);
	if (rcap > sizeof refusals / sizeof refusals[0])
		eb_fail("refusal log: %llu entries needed", (unsigned long long)rcap);
	struct xen_be_config bc = {
		.p2m = (const xen_pfn_t *)si->mfn_list_va,
		.nr_pages = si->nr_pages,
		.m2p = (const xen_pfn_t *)MACH2PHYS_VIRT_START,
		.m2p_entries = pv_m2p_entries(),
		.template_root_pa = si->pt_base_pa,
		.pool_template_pte = pool_pte,
		.refusals = refusals,
		.refusal_cap = rcap,
		.hc = &pv_hc,
		/*
		 * defect=template: the old template frames keep the read-only
		 * entries the rule wrote over them, which the test kernel's
		 * pv-template check must catch (Xen cannot: read-only is legal).
		 */
		.debug.keep_template_readonly = b->opt.defect == EB_DEFECT_TEMPLATE,
	};
	if (xen_be_setup(&be, &bc) != EP_OK)
		eb_fail("xen backend: setup refused its configuration");
	ops = ep_xen_ops;
	/*
	 * defect=spare: the pool's spare frames keep the read-only entries the
	 * rule wrote over them, which the test kernel's pv-spare check must
	 * catch (and Xen cannot: read-only is legal).
	 */
	if (b->opt.defect == EB_DEFECT_SPARE)
		ops.release_spare = 0;
	struct ep_config cfg = {
		.ops = &ops,
		.backend_data = &be,
		.levels = 4,
		.phys_to_virt = region_virt,
		.pool_pa = pa_of(pool),
		.pool_frames = frames,
		.pool_state = pool_state,
	};
	check(ep_init(&ctx, &cfg), "init");
	eb_info("region 0x%llx-0x%llx (%llu KiB), pool %llu frames at 0x%llx, %llu template frames, direct map of 0x%llx-0x%llx",
		(unsigned long long)PV_VIRT_BASE, (unsigned long long)(PV_VIRT_BASE + region),
		(unsigned long long)(region >> 10), (unsigned long long)frames,
		(unsigned long long)pa_of(pool), (unsigned long long)si->nr_pt_frames,
		(unsigned long long)dmap_pa, (unsigned long long)(dmap_pa + dmap_len));

	uint64_t text = pa_of(__text_start), text_end = pa_of(__text_end);
	uint64_t ro = pa_of(__rodata_start), ro_end = pa_of(__rodata_end);
	if (text)
		check(ep_map(&ctx, PV_VIRT_BASE, 0, text, EP_W), "map below the image");
	check(ep_map(&ctx, PV_VIRT_BASE + text, text, text_end - text, EP_X), "map loader text");
	check(ep_map(&ctx, PV_VIRT_BASE + ro, ro, ro_end - ro, 0), "map loader rodata");
	check(ep_map(&ctx, PV_VIRT_BASE + ro_end, ro_end, region - ro_end, EP_W),
	      "map the bootstrap region");
	if (dmap_len)
		check(ep_map(&ctx, EB_DMAP_BASE + dmap_pa, dmap_pa, dmap_len, EP_W),
		      "map the direct map");
	for (unsigned i = 0; i < nseg; i++) {
		const struct eb_elf_seg *s = &kernel->seg[i];
		uint64_t p0 = eb_elf_seg_pa_start(s);
		check(ep_map(&ctx, s->vaddr & ~(PAGE - 1), p0, eb_elf_seg_pa_end(s) - p0,
			     seg_perms(s)),
		      "map the kernel");
	}
	check(ep_activate(&ctx), "activate (early)");
	eb_info("new tree live (early activation): root 0x%llx", (unsigned long long)ctx.root);
	if (late) {
		/* The one named point: user page tables exist from here on. */
		ep_switch_to_late_activation(&ctx);
		check(ep_activate(&ctx), "activate (late)");
	}
	return &ctx;
}

void pv_tree_and_enter(struct pv_boot *b)
{
	const struct pv_start *si = b->si;
	uint64_t ram = si->nr_pages * PAGE;
	uint64_t region = pv_bootstrap_region(b);

	/* The kernel's segments: in the domain, clear of the region. */
	uint64_t kstart = ~0ULL, kend = 0;
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		const struct eb_elf_seg *s = &b->elf.seg[i];
		uint64_t s0 = eb_elf_seg_pa_start(s), s1 = eb_elf_seg_pa_end(s);
		if (s0 < kstart)
			kstart = s0;
		if (s1 > kend)
			kend = s1;
	}
	if (kstart < region || kend > ram)
		eb_fail("kernel: segments 0x%llx-0x%llx must lie between the bootstrap region's end 0x%llx and the domain's 0x%llx",
			(unsigned long long)kstart, (unsigned long long)kend,
			(unsigned long long)region, (unsigned long long)ram);
	uint64_t bootinfo_pa = up(kend, PAGE);
	if (bootinfo_pa + up(sizeof(struct eb_bootinfo), PAGE) > ram)
		eb_fail("boot info: no room after the kernel (0x%llx) in %llu MiB",
			(unsigned long long)kend, (unsigned long long)(ram >> 20));
	eb_info("kernel 0x%llx-0x%llx, boot info at 0x%llx", (unsigned long long)kstart,
		(unsigned long long)kend, (unsigned long long)bootinfo_pa);

	pv_tree_build(b, region, 0, ram, &b->elf, true);

	eb_elf_copy(&b->elf, b->kfile, via_dmap, 0);
	check(ep_finish(&ctx), "finish");


	eb_memmap_init(&mem, mem_storage, sizeof mem_storage / sizeof mem_storage[0]);
	char err[240];
	if (eb_memmap_add(&mem, 0, ram, EB_MEM_RAM, err, sizeof err) ||
	    eb_memmap_normalize(&mem, err, sizeof err) ||
	    /*
	     * The pool (our .bss) and the initrd (in the boot module) lie
	     * inside the bootstrap region, but the handoff promises them
	     * their own types: carved first, the rest of the region after.
	     */
	    eb_memmap_carve(&mem, ctx.pool.start, ctx.pool.top - ctx.pool.start,
			    EB_MEM_PAGE_TABLES, "page-table pool", err, sizeof err) ||
	    (b->initrd_len &&
	     eb_memmap_carve(&mem, b->initrd_pa & ~(PAGE - 1),
			     up(b->initrd_pa + b->initrd_len, PAGE) - (b->initrd_pa & ~(PAGE - 1)),
			     EB_MEM_MODULE, "initrd", err, sizeof err)) ||
	    carve_rest(&mem, region, err, sizeof err) ||
	    eb_memmap_carve(&mem, kstart, kend - kstart, EB_MEM_KERNEL, "kernel", err, sizeof err) ||
	    eb_memmap_carve(&mem, bootinfo_pa, up(sizeof(struct eb_bootinfo), PAGE),
			    EB_MEM_BOOT_INFO, "boot info", err, sizeof err))
		eb_fail("memory map: %s", err);
	struct eb_handoff_module mods[1] = { { b->initrd_pa, b->initrd_len, "initrd" } };
	struct eb_handoff h = {
		.world = EB_WORLD_PV,
		.self_pa = bootinfo_pa,
		.dmap_base = EB_DMAP_BASE,
		.dmap_size = ram,
		.mem = &mem,
		.mods = mods,
		.nmods = b->initrd_len ? 1 : 0,
		.cmdline = b->opt.kernel_cmdline,
		.kernel_pa_start = kstart,
		.kernel_pa_end = kend,
		.kernel_entry = b->elf.entry,
		.xen_start_info_pa = b->start_info_pa,
		.xen_hypercall_page_pa = pa_of(xen_hc_page),
		.ctx = &ctx,
		.defect = b->opt.defect,
	};
	struct eb_bootinfo *bi = via_dmap(0, bootinfo_pa);
	if (eb_handoff_fill(bi, &h, err, sizeof err))
		eb_fail("%s", err);
	if (b->opt.ptdump) {
		eb_audit_world(EB_WORLD_PV);
		eb_audit_range("exec", (uint64_t)__text_start,
			       up((uint64_t)__text_end, PAGE), "loader text");
		eb_audit_kernel(&b->elf, 0);
		eb_audit_table_frames(bi->table_frames, bi->frames_count,
				      "pool (the pinned tree)");
		ep_dump(&ctx, con_line, 0);
	}
	const struct eb_counters *c = &bi->counters;
	con_printf("earlyboot: stats pt_frames=%llu faults=%llu resets=%llu refusals=%llu hypercalls=%llu\n",
		   (unsigned long long)c->pt_frames, (unsigned long long)c->faults,
		   (unsigned long long)c->resets, (unsigned long long)c->refusals,
		   (unsigned long long)c->hypercalls);
	eb_info("entries written %llu, mmu_update requests %llu, mmuext ops %llu, hypercalls failed %llu, pool %llu of %llu frames used",
		(unsigned long long)ctx.count.entries_written,
		(unsigned long long)pv_hc.mmu_requests, (unsigned long long)pv_hc.mmuext_ops,
		(unsigned long long)pv_hc.failed,
		(unsigned long long)((ctx.pool.end - ctx.pool.start) / PAGE),
		(unsigned long long)ep_pool_frames(&ctx.pool));
	eb_info("entering kernel at 0x%llx, boot info at 0x%llx",
		(unsigned long long)b->elf.entry, (unsigned long long)bi->self_va);
	uint64_t sp = (uint64_t)(entry_stack + sizeof entry_stack);
	__asm__ volatile("mov %0, %%rsp\n\tjmp *%1"
			 : : "r"(sp), "r"(b->elf.entry), "D"(bi->self_va) : "memory");
	__builtin_unreachable();
}
