/*
 * The loader steps on a simulated machine: map a kernel with W^X, declare
 * and complete the direct map through the materializer, fill the boot info.
 * The simulated walker (not early_paging) judges the result.
 */
#include <elf.h>
#include <string.h>

#include "dmap.h"
#include "ep_fixture.h"
#include "handoff.h"
#include "kmap.h"

static struct eb_mem_range st[32];
static struct eb_memmap m;
static struct eb_bootinfo bi;
static char err[256];

static struct fx *machine(void)
{
	struct fx_opts o = { .lazy_frames = 32 };
	struct fx *f = fx_new(&o);
	/* RAM the direct map covers (the fixture's pools live at 16/64 MiB). */
	sim_add_ram(f->sim, 0x200000, 0x200000, "kernel");
	eb_memmap_init(&m, st, 32);
	eb_memmap_add(&m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x100000, 0x3ff00000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x40000000, 0x1000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&m, 0x100000000ULL, 0x80000000ULL, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	return f;
}

static struct eb_elf_info kernel(void)
{
	struct eb_elf_info k = { .entry = 0xffffffff81000000ULL, .nseg = 3 };
	k.seg[0] = (struct eb_elf_seg){ 0, 0xffffffff81000000ULL, 0x200000, 0, 0x2000, 0x2000, PF_R | PF_X };
	k.seg[1] = (struct eb_elf_seg){ 1, 0xffffffff81002000ULL, 0x202000, 0, 0x1000, 0x1000, PF_R };
	k.seg[2] = (struct eb_elf_seg){ 2, 0xffffffff81003000ULL, 0x203000, 0, 0x100, 0x5000, PF_R | PF_W };
	return k;
}

TEST(kernel_segments_get_their_permissions)
{
	struct fx *f = machine();
	struct eb_elf_info k = kernel();
	REQUIRE_EQ(eb_kernel_map(&f->ctx, &k, 0, err, sizeof err), 0);
	fx_use_root(f);
	CHECK_MAPPED(f, 0xffffffff81000000ULL, 0x200000, 0x2000, EP_X, 1);
	CHECK_MAPPED(f, 0xffffffff81002000ULL, 0x202000, 0x1000, 0, 1);
	CHECK_MAPPED(f, 0xffffffff81003000ULL, 0x203000, 0x5000, EP_W, 1);
	CHECK_UNMAPPED(f, 0xffffffff81008000ULL, 0x1000);
}

TEST(segments_defect_makes_rodata_writable)
{
	struct fx *f = machine();
	struct eb_elf_info k = kernel();
	REQUIRE_EQ(eb_kernel_map(&f->ctx, &k, EB_KMAP_RODATA_WRITABLE, err, sizeof err), 0);
	fx_use_root(f);
	CHECK_MAPPED(f, 0xffffffff81002000ULL, 0x202000, 0x1000, EP_W, 1);
}

TEST(kernel_map_error_names_the_segment)
{
	struct fx *f = machine();
	struct eb_elf_info k = kernel();
	REQUIRE_EQ(eb_kernel_map(&f->ctx, &k, 0, err, sizeof err), 0);
	CHECK_EQ(eb_kernel_map(&f->ctx, &k, 0, err, sizeof err), -1);
	CHECK(strstr(err, "mapping segment 0 at 0xffffffff81000000: map: va 0xffffffff81000000 is already mapped") != NULL);
}

TEST(direct_map_completes_above_4g)
{
	struct fx *f = machine();
	struct eb_dmap d;
	eb_dmap_plan(&d, &m, EB_DMAP_BASE, 0);
	REQUIRE_EQ(d.n, 3);
	REQUIRE_EP(f, eb_dmap_declare(&f->ctx, &d), EP_OK);
	REQUIRE_EP(f, ep_lazy_complete(&f->ctx), EP_OK);
	CHECK_EQ(ep_counters(&f->ctx)->pool_resets, 0);
	fx_use_root(f);
	for (unsigned i = 0; i < d.n; i++)
		CHECK_MAPPED(f, d.r[i].va, d.r[i].pa, d.r[i].len, EP_W, 0);
	/* The reserved hole after 1 GiB stays unmapped. */
	CHECK_UNMAPPED(f, EB_DMAP_BASE + 0x40000000, 0x1000);
}

TEST(direct_map_too_big_for_the_pool_is_an_error)
{
	/* 4 KiB leaves only: each 8 MiB run needs 4 tables of the lazy pool. */
	struct fx_opts o = { .lazy_frames = 2, .leaf_mask = EP_LEAF_4K };
	struct fx *f = fx_new(&o);
	eb_memmap_init(&m, st, 32);
	eb_memmap_add(&m, 0x40000000, 0x800000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x80000000, 0x800000, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	struct eb_dmap d;
	eb_dmap_plan(&d, &m, EB_DMAP_BASE, 0);
	REQUIRE_EP(f, eb_dmap_declare(&f->ctx, &d), EP_OK);
	REQUIRE_EP(f, ep_lazy_complete(&f->ctx), EP_ERR_POOL);
	CHECK_EQ(ep_last_error(&f->ctx)->pa, f->ctx.lazy_pool.start);
}

static int collect(void *arg, uint64_t table, unsigned level)
{
	(void)level;
	uint64_t *n = arg;
	n[++n[0]] = table;
	return 0;
}

TEST(boot_info_lists_exactly_the_reachable_tables)
{
	struct fx *f = machine();
	struct eb_elf_info k = kernel();
	REQUIRE_EQ(eb_kernel_map(&f->ctx, &k, 0, err, sizeof err), 0);
	struct eb_dmap d;
	eb_dmap_plan(&d, &m, EB_DMAP_BASE, 0);
	REQUIRE_EP(f, eb_dmap_declare(&f->ctx, &d), EP_OK);
	REQUIRE_EP(f, ep_lazy_complete(&f->ctx), EP_OK);
	REQUIRE_EQ(eb_memmap_carve(&m, 0x200000, 0x8000, EB_MEM_KERNEL, "kernel", err, sizeof err), 0);
	struct eb_handoff_module mod = { 0x300000, 12345, "initrd" };
	struct eb_handoff h = { .world = EB_WORLD_UEFI, .self_pa = 0x280000,
				.dmap_base = EB_DMAP_BASE, .dmap_size = eb_dmap_span(&d),
				.mem = &m, .mods = &mod, .nmods = 1, .cmdline = "a b",
				.ctx = &f->ctx };
	REQUIRE_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), 0);
	CHECK_EQ(bi.magic, EB_BOOTINFO_MAGIC);
	CHECK_EQ(bi.size, sizeof bi);
	CHECK_EQ(bi.self_va, EB_DMAP_BASE + 0x280000);
	CHECK_EQ(bi.mods[0].va, EB_DMAP_BASE + 0x300000);
	CHECK_STR(bi.mods[0].name, "initrd");
	CHECK_STR(bi.cmdline, "a b");
	CHECK_EQ(bi.cmdline_len, 3);
	CHECK_EQ(bi.mem_count, m.count);
	CHECK_EQ(bi.cr3, f->ctx.root);

	/* The sim's view of the tree, against the list. */
	uint64_t sim_tables[512];
	size_t n = fx_tables(f, sim_tables, NULL, 512);
	CHECK_EQ(bi.frames_count, n);
	for (size_t i = 0; i < n; i++) {
		bool listed = false;
		for (uint32_t j = 0; j < bi.frames_count; j++)
			listed |= bi.table_frames[j] == sim_tables[i];
		CHECKF(listed, "reachable table 0x%llx not listed",
		       (unsigned long long)sim_tables[i]);
	}
	for (uint32_t j = 1; j < bi.frames_count; j++)
		CHECK(bi.table_frames[j] > bi.table_frames[j - 1]);
	/* The core's own walk agrees too. */
	uint64_t walked[513] = { 0 };
	ep_walk_tables(&f->ctx, collect, walked);
	CHECK_EQ(walked[0], n);
}

TEST(defects_change_exactly_their_field)
{
	struct fx *f = machine();
	struct eb_handoff h = { .world = EB_WORLD_PVH, .mem = &m, .ctx = &f->ctx,
				.dmap_base = EB_DMAP_BASE };
	REQUIRE_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), 0);
	uint32_t frames = bi.frames_count;
	struct eb_mem_range first = bi.mem[0];
	h.defect = EB_DEFECT_MAGIC;
	REQUIRE_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), 0);
	CHECK(bi.magic != EB_BOOTINFO_MAGIC);
	h.defect = EB_DEFECT_TABLES;
	REQUIRE_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), 0);
	CHECK_EQ(bi.frames_count, frames - 1);
	h.defect = EB_DEFECT_MEMMAP;
	REQUIRE_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), 0);
	CHECK_EQ(bi.mem[1].pa, first.pa);
	CHECK_EQ(bi.debug_defect, EB_DEFECT_MEMMAP);
}

TEST(oversized_inputs_are_refused)
{
	struct fx *f = machine();
	static char longline[EB_CMDLINE_MAX + 1];
	memset(longline, 'x', EB_CMDLINE_MAX);
	struct eb_handoff h = { .mem = &m, .ctx = &f->ctx, .cmdline = longline };
	CHECK_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), -1);
	CHECK_STR(err, "handoff: command line is 1024 bytes, limit 1023");
	struct eb_handoff_module mods[EB_MOD_MAX + 1] = { { 0, 0, "x" } };
	h = (struct eb_handoff){ .mem = &m, .ctx = &f->ctx, .mods = mods,
				 .nmods = EB_MOD_MAX + 1 };
	CHECK_EQ(eb_handoff_fill(&bi, &h, err, sizeof err), -1);
	CHECK_STR(err, "handoff: 9 modules, limit 8");
}

/* The stats line's measured=: the PCR numbers, or none; cut, never overrun. */
TEST(pcr_list_as_the_stats_line_says_it)
{
	char b[48];
	eb_pcr_list(0, b, sizeof b);
	CHECK_STR(b, "none");
	eb_pcr_list((1u << 9) | (1u << 12), b, sizeof b);
	CHECK_STR(b, "9,12");
	eb_pcr_list(1u | (1u << 7) | (1u << 31), b, sizeof b);
	CHECK_STR(b, "0,7,31");
	memset(b, 'Z', sizeof b);
	eb_pcr_list((1u << 9) | (1u << 12), b, 4);
	CHECK_STR(b, "9,1");
	CHECK_EQ(b[4], 'Z');
}

int main(void)
{
	RUN(kernel_segments_get_their_permissions);
	RUN(segments_defect_makes_rodata_writable);
	RUN(kernel_map_error_names_the_segment);
	RUN(direct_map_completes_above_4g);
	RUN(direct_map_too_big_for_the_pool_is_an_error);
	RUN(boot_info_lists_exactly_the_reachable_tables);
	RUN(defects_change_exactly_their_field);
	RUN(oversized_inputs_are_refused);
	RUN(pcr_list_as_the_stats_line_says_it);
	return th_done();
}
