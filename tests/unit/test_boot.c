/*
 * The world-neutral middle of a native boot (common/boot.c) on the
 * simulated MMU: carve the memory map, size both pools with the shared
 * helpers, build the tree, complete the direct map. The sizing must always
 * suffice, and the tree must map exactly what docs/handoff.md promises.
 */
#include <string.h>

#include "boot.h"
#include "harness.h"
#include "place.h"
#include "sim_mmu.h"

#include "page.h"
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct eb_mem_range st[64];
static struct eb_boot b;
static struct ep_ctx ctx;
static struct eb_dmap plan;
static uint8_t pool_state[EB_BOOT_MAX_POOL], lazy_state[EB_BOOT_MAX_LAZY];
static char err[300];

struct layout {
	unsigned levels, leaf_mask;
	uint64_t low_top;  /* RAM [1 MiB, low_top) */
	uint64_t high_len; /* RAM [4 GiB, 4 GiB + high_len) */
};

static void describe(const struct layout *l)
{
	memset(&b, 0, sizeof b);
	b.world = EB_WORLD_PVH;
	b.levels = l->levels;
	b.leaf_mask = l->leaf_mask;
	b.kernel_name = "test";
	eb_memmap_init(&b.mem, st, 64);
	eb_memmap_add(&b.mem, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&b.mem, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&b.mem, MiB, l->low_top - MiB, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&b.mem, 0xfffc0000, 0x40000, EB_MEM_RESERVED, err, sizeof err);
	if (l->high_len)
		eb_memmap_add(&b.mem, 4 * GiB, l->high_len, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&b.mem, err, sizeof err), 0);
	/* A loader at 1 MiB, W^X, as linker/pvh.ld lays it out. */
	b.self[0] = (struct eb_self_region){ MiB, 0xc000, EP_X, "text" };
	b.self[1] = (struct eb_self_region){ MiB + 0xc000, 0x3000, 0, "rodata" };
	b.self[2] = (struct eb_self_region){ MiB + 0xf000, 0x57000, EP_W, "data" };
	b.nself = 3;
	/* The test kernel's three segments at 16 MiB, linked high. */
	b.elf.nseg = 3;
	b.elf.entry = 0xffffffff81000000ULL;
	b.elf.seg[0] = (struct eb_elf_seg){ 0, 0xffffffff81000000ULL, 16 * MiB, 0x1000, 0x9000, 0x9000, 5 };
	b.elf.seg[1] = (struct eb_elf_seg){ 1, 0xffffffff81009000ULL, 16 * MiB + 0x9000, 0xa000, 0x2000, 0x2000, 4 };
	b.elf.seg[2] = (struct eb_elf_seg){ 2, 0xffffffff8100b000ULL, 16 * MiB + 0xb000, 0xc000, 0x100, 0x12000, 6 };
	/* An initrd inside a cpio: not page aligned. */
	b.mods[0] = (struct eb_handoff_module){ 100 * MiB + 0x7c, MiB + 37, "initrd" };
	b.nmods = 1;
}

/* Place boot info and pools as pvh/plan.c does; back the pools with sim RAM. */
static void place(struct sim *sim)
{
	const struct eb_range busy[] = {
		{ MiB, 0x66000, "loader" }, { 16 * MiB, 0x1d000, "kernel" },
		{ 100 * MiB, 2 * MiB, "initrd" },
	};
	struct eb_range all[8];
	memcpy(all, busy, sizeof busy);
	size_t n = 3;
	REQUIRE_EQ(eb_place(&b.mem, all, n, sizeof(struct eb_bootinfo), MiB, "boot info",
			    &b.bootinfo_pa, err, sizeof err), 0);
	all[n++] = (struct eb_range){ b.bootinfo_pa, sizeof(struct eb_bootinfo), "bi" };
	b.lazy_frames = eb_boot_lazy_frames(&b.mem, b.levels, b.leaf_mask);
	uint64_t frames = eb_boot_main_frames(&b, 0, 0);
	for (int round = 0;; round++) {
		REQUIRE(round < 8);
		uint64_t bytes = (frames + b.lazy_frames) * PAGE, pa;
		REQUIRE_EQ(eb_place(&b.mem, all, n, bytes, MiB, "pools", &pa, err, sizeof err), 0);
		uint64_t need = eb_boot_main_frames(&b, pa, bytes);
		if (need <= frames) {
			b.pool_pa = pa;
			b.pool_frames = frames;
			break;
		}
		frames = need;
	}
	sim_add_ram(sim, b.pool_pa, (b.pool_frames + b.lazy_frames) * PAGE, "pools");
	b.phys_to_virt = sim_phys_to_virt;
	b.pt_env = sim;
}

static void expect(struct sim *sim, uint64_t va, uint64_t pa, unsigned perms)
{
	struct sim_result r = sim_probe(sim, va);
	CHECKF(r.kind == SIM_OK, "va 0x%llx: %s", (unsigned long long)va,
	       sim_kind_name(r.kind));
	if (r.kind != SIM_OK)
		return;
	CHECKF(r.pa == pa, "va 0x%llx maps 0x%llx, want 0x%llx", (unsigned long long)va,
	       (unsigned long long)r.pa, (unsigned long long)pa);
	unsigned got = r.perms & (SIM_PERM_W | SIM_PERM_X);
	CHECKF(got == perms, "va 0x%llx perms 0x%x, want 0x%x", (unsigned long long)va,
	       got, perms);
}

static void run(const struct layout *l)
{
	struct sim *sim = sim_new(l->levels);
	describe(l);
	place(sim);
	uint64_t fw = b.mem.fw_bytes;
	REQUIRE_EQ(eb_boot_carve(&b, err, sizeof err), 0);
	CHECK_EQ(eb_memmap_total(&b.mem), fw);
	REQUIRE_EQ(eb_boot_build(&b, &ctx, &plan, pool_state, lazy_state, err, sizeof err), 0);
	REQUIRE_EQ(ep_activate(&ctx), EP_OK);
	/* The sizing must hold the whole direct map: the handoff completes it. */
	REQUIRE_EQ(ep_lazy_complete(&ctx), EP_OK);
	REQUIRE_EQ(ep_finish(&ctx), EP_OK);
	sim_set_root(sim, ctx.root);
	for (unsigned i = 0; i < b.nself; i++)
		expect(sim, b.self[i].pa, b.self[i].pa, b.self[i].perms);
	expect(sim, b.pool_pa, b.pool_pa, SIM_PERM_W);
	expect(sim, 0xffffffff81000000ULL, 16 * MiB, SIM_PERM_X);
	expect(sim, 0xffffffff81009000ULL, 16 * MiB + 0x9000, 0);
	expect(sim, 0xffffffff8101c000ULL, 16 * MiB + 0x1c000, SIM_PERM_W);
	/* Every direct-mapped range, first and last page, RW and NX. */
	for (uint32_t i = 0; i < b.mem.count; i++) {
		const struct eb_mem_range *r = &b.mem.r[i];
		if (!eb_mem_type_in_dmap(r->type))
			continue;
		expect(sim, EB_DMAP_BASE + r->pa, r->pa, SIM_PERM_W);
		uint64_t last = (r->pa + r->len - 1) & ~(PAGE - 1);
		expect(sim, EB_DMAP_BASE + last, last, SIM_PERM_W);
	}
	CHECK_EQ(eb_dmap_span(&plan), l->high_len ? 4 * GiB + l->high_len : l->low_top);
	/* The carve: each thing in a range of its type. */
	const struct eb_handoff_module *md = eb_boot_module(&b, "initrd");
	REQUIRE(md != NULL);
	int t = -1;
	for (uint32_t i = 0; i < b.mem.count; i++)
		if (md->pa >= b.mem.r[i].pa && md->pa + md->len <= b.mem.r[i].pa + b.mem.r[i].len)
			t = (int)b.mem.r[i].type;
	CHECK_EQ(t, EB_MEM_MODULE);
	uint64_t ks, ke;
	eb_boot_kernel_extent(&b, &ks, &ke);
	CHECK_EQ(ks, 16 * MiB);
	CHECK_EQ(ke, 16 * MiB + 0x1d000);
}

TEST(small_guest_2m_leaves)
{
	run(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
}

TEST(five_gib_2m_leaves)
{
	run(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 3 * GiB, 2 * GiB });
}

TEST(five_gib_1g_leaves)
{
	run(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M | EP_LEAF_1G, 3 * GiB, 2 * GiB });
}

TEST(only_4k_leaves)
{
	run(&(struct layout){ 4, EP_LEAF_4K, 512 * MiB, 0 });
}

TEST(five_levels)
{
	run(&(struct layout){ 5, EP_LEAF_4K | EP_LEAF_2M, 1 * GiB, 1 * GiB });
}

static int choose(bool la57)
{
	err[0] = 0;
	return eb_boot_choose_levels(&b, la57, err, sizeof err);
}

/* docs/early_paging.md, "Paging depth": option, CPU and kernel. */
TEST(choose_levels)
{
	memset(&b, 0, sizeof b);
	b.kernel_name = "k.elf";
	b.kind = EB_KERNEL_ELF;
	b.kernel_max_levels = 5;
	CHECK_EQ(choose(true), 0);
	CHECK_EQ(b.levels, 5u);
	CHECK_EQ(choose(false), 0);
	CHECK_EQ(b.levels, 4u);
	b.kernel_max_levels = 4;
	CHECK_EQ(choose(true), 0);
	CHECK_EQ(b.levels, 4u);
	b.opt.paging = 4;
	b.kernel_max_levels = 5;
	CHECK_EQ(choose(true), 0);
	CHECK_EQ(b.levels, 4u);
	b.opt.paging = 5;
	CHECK_EQ(choose(true), 0);
	CHECK_EQ(b.levels, 5u);
	b.levels = 0;
	CHECK_EQ(choose(false), -1);
	CHECK_STR(err, "paging=5: the CPU does not offer 5-level paging (CPUID.(EAX=7,ECX=0):ECX.LA57, bit 16, is 0)");
	CHECK_EQ(b.levels, 0u);
	b.kernel_max_levels = 4;
	CHECK_EQ(choose(true), -1);
	CHECK_STR(err, "paging=5: kernel k.elf does not declare 5-level support: no ELF note \"earlyboot\" of type 1 holding 5");
	b.kind = EB_KERNEL_BZIMAGE;
	b.bz.xloadflags = 0x1f;
	CHECK_EQ(choose(true), -1);
	CHECK_STR(err, "paging=5: kernel k.elf does not declare 5-level support: xloadflags 0x001f lacks XLF_5LEVEL (bit 5)");
	/* A vmlinux declares nothing: paging=5 is the operator's word. */
	b.kind = EB_KERNEL_VMLINUX;
	CHECK_EQ(choose(true), 0);
	CHECK_EQ(b.levels, 5u);
	CHECK_EQ(choose(false), -1);
	b.opt.paging = 0;
	CHECK_EQ(choose(true), 0);
	CHECK_EQ(b.levels, 4u);
}

TEST(carve_outside_ram_is_an_error)
{
	struct sim *sim = sim_new(4);
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	place(sim);
	b.mods[0].pa = 0xa0000; /* in the reserved hole */
	CHECK_EQ(eb_boot_carve(&b, err, sizeof err), -1);
	CHECK_STR(err, "memory map: initrd at 0xa0000-0x1a1000 is not free RAM (0xa0000 is reserved)");
}

/* Linux reads the firmware's map after the handoff: it is carved, not reused. */
TEST(carve_keeps_the_uefi_map)
{
	struct sim *sim = sim_new(4);
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	place(sim);
	b.efi = (struct eb_efi_handoff){ .systab_pa = 0x7f00000, .map_pa = 50 * MiB + 0x18, .map_size = 0x1e00, .desc_size = 48, .desc_version = 1 };
	REQUIRE_EQ(eb_boot_carve(&b, err, sizeof err), 0);
	int t = -1;
	for (uint32_t i = 0; i < b.mem.count; i++)
		if (b.mem.r[i].pa <= 50 * MiB &&
		    b.mem.r[i].pa + b.mem.r[i].len >= 50 * MiB + 0x2000)
			t = (int)b.mem.r[i].type;
	CHECK_EQ(t, EB_MEM_BOOT_INFO);
	/* In use already: an error naming it. */
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	place(sim_new(4));
	b.efi = (struct eb_efi_handoff){ .systab_pa = 0x7f00000, .map_pa = 100 * MiB + 0x1000, .map_size = 0x1e00, .desc_size = 48, .desc_version = 1 };
	CHECK_EQ(eb_boot_carve(&b, err, sizeof err), -1);
	CHECK_STR(err, "memory map: initrd at 0x6400000-0x6501000 is not free RAM (0x6401000 is boot-info)");
}

/* Placement (docs/handoff.md): where linked when free, else moved whole. */
TEST(kernel_stays_where_linked_when_free)
{
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	b.kind = EB_KERNEL_ELF;
	REQUIRE_EQ(eb_boot_place_kernel(&b, NULL, 0, MiB, err, sizeof err), 0);
	CHECK_EQ(b.kernel_pa_delta, 0);
	CHECK_EQ(b.elf.seg[0].paddr, 16 * MiB);
	char line[120];
	CHECK(!eb_boot_kernel_moved(&b, line, sizeof line));
}

TEST(elf_kernel_moves_keeping_its_virtual_addresses)
{
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	b.kind = EB_KERNEL_ELF;
	const struct eb_range busy[] = { { 1 * MiB, 20 * MiB, "firmware" } };
	REQUIRE_EQ(eb_boot_place_kernel(&b, busy, 1, MiB, err, sizeof err), 0);
	uint64_t lo = b.elf.seg[0].paddr;
	CHECK_EQ(lo, 22 * MiB); /* the first 2 MiB boundary past the busy range */
	CHECK_EQ(b.kernel_pa_delta, (int64_t)(6 * MiB));
	CHECK_EQ(b.elf.seg[1].paddr, lo + 0x9000); /* one delta for all */
	CHECK_EQ(b.elf.seg[2].paddr, lo + 0xb000);
	CHECK_EQ(b.elf.seg[0].vaddr, 0xffffffff81000000ULL);
	CHECK_EQ(b.elf.entry, 0xffffffff81000000ULL);
	char line[120];
	REQUIRE(eb_boot_kernel_moved(&b, line, sizeof line));
	CHECK_STR(line, "linked at pa 0x1000000, which is taken: placed at pa 0x1600000");
	/* Outside RAM altogether (linked at 1 TiB): moved to the lowest room. */
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	b.kind = EB_KERNEL_ELF;
	for (unsigned i = 0; i < b.elf.nseg; i++)
		b.elf.seg[i].paddr += (1ULL << 40) - 16 * MiB;
	REQUIRE_EQ(eb_boot_place_kernel(&b, NULL, 0, MiB, err, sizeof err), 0);
	CHECK_EQ(b.elf.seg[0].paddr, 2 * MiB);
}

TEST(vmlinux_moves_by_its_alignment_with_entry)
{
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	b.kind = EB_KERNEL_VMLINUX;
	b.elf.nseg = 1;
	b.elf.seg[0] = (struct eb_elf_seg){ 0, 16 * MiB, 16 * MiB, 0x1000, 0x100000, 0x200000, 7 };
	b.elf.entry = 16 * MiB + 0x40;
	const struct eb_range busy[] = { { 16 * MiB, 4096, "ACPI" } };
	REQUIRE_EQ(eb_boot_place_kernel(&b, busy, 1, MiB, err, sizeof err), 0);
	/* Linked at 16 MiB: 16 MiB alignment is kept, the next such is 32. */
	CHECK_EQ(b.elf.seg[0].paddr, 32 * MiB);
	CHECK_EQ(b.elf.seg[0].vaddr, 32 * MiB); /* it runs identity-mapped */
	CHECK_EQ(b.elf.entry, 32 * MiB + 0x40);
}

TEST(kernel_that_cannot_move_or_fit_is_refused)
{
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	b.kind = EB_KERNEL_BZIMAGE; /* placed by its own rules, at parse */
	const struct eb_range busy[] = { { 16 * MiB, 4096, "ACPI" } };
	CHECK_EQ(eb_boot_place_kernel(&b, busy, 1, MiB, err, sizeof err), -1);
	CHECK_STR(err, "segment 0 at pa 0x1000000-0x1009000 overlaps the ACPI at 0x1000000-0x1001000");
	CHECK_EQ(b.elf.seg[0].paddr, 16 * MiB);
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	b.kind = EB_KERNEL_ELF;
	b.elf.seg[2].memsz = 200 * MiB;
	CHECK_EQ(eb_boot_place_kernel(&b, NULL, 0, MiB, err, sizeof err), -1);
	CHECK_STR(err, "segment 2 at pa 0x100b000-0xd80b000 lies outside usable RAM (0x8000000 is a hole in the map), and no other 0xc80b000-byte run of RAM aligned to 0x200000 above 0x100000 is free");
	CHECK_EQ(b.kernel_pa_delta, 0);
}

TEST(pools_over_the_limit_are_refused)
{
	struct sim *sim = sim_new(4);
	describe(&(struct layout){ 4, EP_LEAF_4K | EP_LEAF_2M, 128 * MiB, 0 });
	place(sim);
	b.lazy_frames = EB_BOOT_MAX_LAZY + 1;
	CHECK_EQ(eb_boot_build(&b, &ctx, &plan, pool_state, lazy_state, err, sizeof err), -1);
	CHECK(strstr(err, "page-table pools of") == err);
}

int main(void)
{
	RUN(small_guest_2m_leaves);
	RUN(five_gib_2m_leaves);
	RUN(five_gib_1g_leaves);
	RUN(only_4k_leaves);
	RUN(five_levels);
	RUN(choose_levels);
	RUN(carve_outside_ram_is_an_error);
	RUN(carve_keeps_the_uefi_map);
	RUN(kernel_stays_where_linked_when_free);
	RUN(elf_kernel_moves_keeping_its_virtual_addresses);
	RUN(vmlinux_moves_by_its_alignment_with_entry);
	RUN(kernel_that_cannot_move_or_fit_is_refused);
	RUN(pools_over_the_limit_are_refused);
	return th_done();
}
