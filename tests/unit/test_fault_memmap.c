/*
 * Fault injection, memory maps (docs/fault_injection.md): the firmware map
 * has something other than RAM where the kernel wants to go. For each of
 * the kernel's three segments, at its first, middle and last page, one of
 *
 *  - a hole: 16 pages that no range covers,
 *  - a reserved range (2 pages),
 *  - an MMIO range (1 page),
 *  - a one-page gap between two RAM ranges,
 *
 * and every placement path must answer with one line naming the segment,
 * its pages, the first address that is not RAM and what lies there, and
 * leave the map exactly as it was (no half-carved map):
 * eb_elf_check_placement (where the worlds check the ELF), eb_memmap_carve
 * (one segment), eb_boot_carve (everything a native boot carves, in order:
 * loader, pools, boot info, segments, modules). eb_place, which searches
 * rather than checks, must place around the defect, or say there is no
 * room. One line per path and kind of defect (9 placements each).
 */
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "harness.h"
#include "place.h"

#include "page.h"
#define MiB (1ULL << 20)
#define KBASE 0xffffffff81000000ULL
#define KPA (16 * MiB)

enum defect { HOLE, RESERVED, MMIO, GAP, NDEFECT };
static const struct {
	const char *name;
	uint64_t pages;
	uint32_t type; /* 0: no range */
	const char *what;
} defects[] = {
	[HOLE] = { "hole", 16, 0, "a hole in the map" },
	[RESERVED] = { "reserved", 2, EB_MEM_RESERVED, "reserved" },
	[MMIO] = { "mmio", 1, EB_MEM_MMIO, "mmio" },
	[GAP] = { "one_page_gap", 1, 0, "a hole in the map" },
};
static const char *const where_name[] = { "first", "middle", "last" };

/* The test kernel's segments (program headers 1, 2 and 4). */
static const struct eb_elf_seg segs[3] = {
	{ 1, KBASE, KPA, 0x1000, 0x9000, 0x9000, 5 },
	{ 2, KBASE + 0x9000, KPA + 0x9000, 0xa000, 0x2000, 0x2000, 4 },
	{ 4, KBASE + 0xb000, KPA + 0xb000, 0xc000, 0x100, 0x12000, 6 },
};

static struct eb_mem_range st[64];
static struct eb_boot b;
static char err[300];

/* The page of segment s at where (0 first, 1 middle, 2 last). */
static uint64_t defect_pa(unsigned s, unsigned where)
{
	uint64_t lo = eb_elf_seg_pa_start(&segs[s]), hi = eb_elf_seg_pa_end(&segs[s]);
	uint64_t pages = (hi - lo) / PAGE;
	return lo + (where == 0 ? 0 : where == 1 ? pages / 2 : pages - 1) * PAGE;
}

/*
 * 256 MiB of RAM with a legacy hole, and the defect at pa (none when
 * pa == 0); ram_end: where RAM stops (0: 256 MiB).
 */
static void firmware(struct eb_memmap *m, enum defect d, uint64_t pa, uint64_t ram_end)
{
	uint64_t top = ram_end ? ram_end : 256 * MiB;
	eb_memmap_init(m, st, 64);
	REQUIRE_EQ(eb_memmap_add(m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(m, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err), 0);
	if (!pa) {
		REQUIRE_EQ(eb_memmap_add(m, MiB, top - MiB, EB_MEM_RAM, err, sizeof err), 0);
	} else {
		uint64_t end = pa + defects[d].pages * PAGE;
		REQUIRE_EQ(eb_memmap_add(m, MiB, pa - MiB, EB_MEM_RAM, err, sizeof err), 0);
		if (defects[d].type)
			REQUIRE_EQ(eb_memmap_add(m, pa, end - pa, defects[d].type, err, sizeof err), 0);
		if (end < top)
			REQUIRE_EQ(eb_memmap_add(m, end, top - end, EB_MEM_RAM, err, sizeof err), 0);
	}
	REQUIRE_EQ(eb_memmap_add(m, 0xfec00000, 0x1000, EB_MEM_MMIO, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_normalize(m, err, sizeof err), 0);
}

struct saved {
	struct eb_mem_range r[64];
	uint32_t count;
};

static void save(const struct eb_memmap *m, struct saved *s)
{
	memcpy(s->r, m->r, m->count * sizeof m->r[0]);
	s->count = m->count;
}

static bool unchanged(const struct eb_memmap *m, const struct saved *s)
{
	return m->count == s->count && memcmp(m->r, s->r, s->count * sizeof s->r[0]) == 0;
}

static void expect_one_line(const char *path, const char *got, const char *want,
			    unsigned s, unsigned where, enum defect d)
{
	CHECKF(strcmp(got, want) == 0 && !strchr(got, '\n'),
	       "%s, %s of segment %u at its %s page: \"%s\", want \"%s\"", path,
	       defects[d].name, segs[s].index, where_name[where], got, want);
}

/* Every segment, every position, this defect: fn checks one. */
static void each_placement(enum defect d,
			   void (*fn)(enum defect d, unsigned s, unsigned where, uint64_t pa))
{
	for (unsigned s = 0; s < 3 && !th_failed(); s++)
		for (unsigned where = 0; where < 3 && !th_failed(); where++)
			fn(d, s, where, defect_pa(s, where));
}

static struct eb_elf_info kernel(void)
{
	struct eb_elf_info info = { .entry = KBASE, .nseg = 3 };
	memcpy(info.seg, segs, sizeof segs);
	return info;
}

/* ---- eb_elf_check_placement ---- */

static void elf_check_one(enum defect d, unsigned s, unsigned where, uint64_t pa)
{
	struct eb_memmap m;
	struct saved sv;
	firmware(&m, d, pa, 0);
	save(&m, &sv);
	struct eb_elf_info info = kernel();
	const struct eb_range busy[] = { { MiB, 0x66000, "loader image" } };
	CHECK_EQ(eb_elf_check_placement(&info, &m, busy, 1, err, sizeof err), -1);
	char want[200];
	snprintf(want, sizeof want,
		 "segment %u at pa 0x%llx-0x%llx lies outside usable RAM (0x%llx is %s)",
		 segs[s].index, (unsigned long long)eb_elf_seg_pa_start(&segs[s]),
		 (unsigned long long)eb_elf_seg_pa_end(&segs[s]), (unsigned long long)pa,
		 defects[d].what);
	expect_one_line("eb_elf_check_placement", err, want, s, where, d);
	CHECK(unchanged(&m, &sv));
}

/* ---- eb_memmap_carve, one segment ---- */

static void memmap_carve_one(enum defect d, unsigned s, unsigned where, uint64_t pa)
{
	struct eb_memmap m;
	struct saved sv;
	firmware(&m, d, pa, 0);
	save(&m, &sv);
	uint64_t lo = eb_elf_seg_pa_start(&segs[s]), hi = eb_elf_seg_pa_end(&segs[s]);
	char what[32], want[200];
	snprintf(what, sizeof what, "kernel segment %u", segs[s].index);
	CHECK_EQ(eb_memmap_carve(&m, lo, hi - lo, EB_MEM_KERNEL, what, err, sizeof err), -1);
	snprintf(want, sizeof want,
		 "memory map: kernel segment %u at 0x%llx-0x%llx is not free RAM (0x%llx is %s)",
		 segs[s].index, (unsigned long long)lo, (unsigned long long)hi,
		 (unsigned long long)pa, defects[d].what);
	expect_one_line("eb_memmap_carve", err, want, s, where, d);
	CHECKF(unchanged(&m, &sv), "eb_memmap_carve changed the map (%u ranges, was %u)",
	       m.count, sv.count);
}

/* ---- eb_boot_carve: everything, in order ---- */

static void describe(enum defect d, uint64_t pa)
{
	memset(&b, 0, sizeof b);
	b.world = EB_WORLD_PVH;
	b.levels = 4;
	b.leaf_mask = EP_LEAF_4K | EP_LEAF_2M;
	b.kernel_name = "test";
	firmware(&b.mem, d, pa, 0);
	b.self[0] = (struct eb_self_region){ MiB, 0xc000, EP_X, "text" };
	b.self[1] = (struct eb_self_region){ MiB + 0xc000, 0x3000, 0, "rodata" };
	b.self[2] = (struct eb_self_region){ MiB + 0xf000, 0x57000, EP_W, "data" };
	b.nself = 3;
	b.elf = kernel();
	b.mods[0] = (struct eb_handoff_module){ 100 * MiB + 0x7c, MiB + 37, "initrd" };
	b.nmods = 1;
	b.bootinfo_pa = 2 * MiB;
	b.pool_pa = 4 * MiB;
	b.pool_frames = 64;
	b.lazy_frames = 72;
}

static void boot_carve_one(enum defect d, unsigned s, unsigned where, uint64_t pa)
{
	describe(d, pa);
	struct saved sv;
	save(&b.mem, &sv);
	uint64_t fw = b.mem.fw_bytes;
	CHECK_EQ(eb_boot_carve(&b, err, sizeof err), -1);
	char want[200];
	snprintf(want, sizeof want,
		 "memory map: kernel segment %u at 0x%llx-0x%llx is not free RAM (0x%llx is %s)",
		 segs[s].index, (unsigned long long)eb_elf_seg_pa_start(&segs[s]),
		 (unsigned long long)eb_elf_seg_pa_end(&segs[s]), (unsigned long long)pa,
		 defects[d].what);
	expect_one_line("eb_boot_carve", err, want, s, where, d);
	/* Not half carved: the loader, pools and boot info went in first. */
	CHECKF(unchanged(&b.mem, &sv),
	       "eb_boot_carve, %s of segment %u at its %s page: the map changed (%u ranges, was %u)",
	       defects[d].name, segs[s].index, where_name[where], b.mem.count, sv.count);
	CHECK_EQ(eb_memmap_total(&b.mem), fw);
}

/* ---- eb_place: around the defect, or no room ---- */

static void place_one(enum defect d, unsigned s, unsigned where, uint64_t pa)
{
	(void)s;
	(void)where;
	struct eb_memmap m;
	struct saved sv;
	const struct eb_range busy[] = { { MiB, 0x66000, "loader image" } };
	uint64_t lo = eb_elf_seg_pa_start(&segs[0]), hi = eb_elf_seg_pa_end(&segs[2]);
	uint64_t got = 0, len = hi - lo;
	/* Room above: the first fit lies wholly in RAM, clear of the defect. */
	firmware(&m, d, pa, 0);
	save(&m, &sv);
	REQUIRE_EQ(eb_place(&m, busy, 1, len, lo, "kernel", &got, err, sizeof err), 0);
	CHECKF(eb_memmap_ram_until(&m, got, got + len) == got + len &&
	       (got >= pa + defects[d].pages * PAGE || got + len <= pa),
	       "eb_place, %s at 0x%llx: placed 0x%llx-0x%llx", defects[d].name,
	       (unsigned long long)pa, (unsigned long long)got,
	       (unsigned long long)(got + len));
	CHECK(unchanged(&m, &sv));
	/* RAM ends with the kernel's pages: no room, said in one line. */
	firmware(&m, d, pa, hi + (pa + defects[d].pages * PAGE >= hi ? defects[d].pages * PAGE : 0));
	save(&m, &sv);
	got = 0x1234;
	CHECK_EQ(eb_place(&m, busy, 1, len, lo, "kernel", &got, err, sizeof err), -1);
	char want[160];
	snprintf(want, sizeof want, "no room for the kernel: %llu KiB of free RAM above 0x%llx wanted",
		 (unsigned long long)(len >> 10), (unsigned long long)lo);
	CHECK_STR(err, want);
	CHECK_EQ(got, 0x1234);
	CHECK(unchanged(&m, &sv));
}

static void (*const paths[])(enum defect, unsigned, unsigned, uint64_t) = {
	elf_check_one, memmap_carve_one, boot_carve_one, place_one,
};
static const char *const path_names[] = {
	"eb_elf_check_placement", "eb_memmap_carve", "eb_boot_carve", "eb_place",
};
static unsigned cur_path;
static enum defect cur_defect;

static void one_scenario(void)
{
	each_placement(cur_defect, paths[cur_path]);
}

/* Without a defect every path goes through: the scenarios test the defect. */
TEST(clean_map_places_the_kernel)
{
	struct eb_memmap m;
	firmware(&m, HOLE, 0, 0);
	struct eb_elf_info info = kernel();
	const struct eb_range busy[] = { { MiB, 0x66000, "loader image" } };
	CHECK_EQ(eb_elf_check_placement(&info, &m, busy, 1, err, sizeof err), 0);
	uint64_t got = 0;
	CHECK_EQ(eb_place(&m, busy, 1, eb_elf_seg_pa_end(&segs[2]) - KPA, KPA, "kernel", &got,
			  err, sizeof err), 0);
	CHECK_EQ(got, KPA);
	describe(HOLE, 0);
	uint64_t fw = b.mem.fw_bytes;
	REQUIRE_EQ(eb_boot_carve(&b, err, sizeof err), 0);
	CHECK_EQ(eb_memmap_total(&b.mem), fw);
	for (unsigned s = 0; s < 3; s++)
		CHECK_STR(eb_memmap_type_at(&b.mem, eb_elf_seg_pa_start(&segs[s])), "kernel");
	CHECK_STR(eb_memmap_type_at(&b.mem, 4 * MiB), "page-tables");
}

/* A carve that runs out of ranges halfway must not leave half a carve. */
TEST(carve_out_of_ranges_changes_nothing)
{
	struct eb_memmap m;
	eb_memmap_init(&m, st, 4);
	/* Two RAM ranges that touch but were never merged (no normalize). */
	REQUIRE_EQ(eb_memmap_add(&m, MiB, MiB, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 2 * MiB, MiB, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 8 * MiB, MiB, EB_MEM_RESERVED, err, sizeof err), 0);
	struct saved sv;
	save(&m, &sv);
	/* Splits the first into two and the second into two: 5 ranges, max 4. */
	CHECK_EQ(eb_memmap_carve(&m, MiB + PAGE, MiB, EB_MEM_KERNEL, "kernel segment 1", err,
				 sizeof err), -1);
	CHECK_STR(err, "memory map: more than 4 ranges");
	CHECKF(unchanged(&m, &sv), "the map changed: %u ranges", m.count);
}

int main(void)
{
	static char names[4][NDEFECT][80];
	RUN(clean_map_places_the_kernel);
	RUN(carve_out_of_ranges_changes_nothing);
	for (unsigned p = 0; p < 4; p++)
		for (unsigned d = 0; d < NDEFECT; d++) {
			snprintf(names[p][d], sizeof names[p][d], "%s_%s_at_first_middle_last_page",
				 path_names[p], defects[d].name);
			cur_path = p;
			cur_defect = (enum defect)d;
			th_run_case(__FILE__, names[p][d], one_scenario);
		}
	return th_done();
}
