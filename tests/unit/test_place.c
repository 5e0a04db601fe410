/* Room for what the loader places itself (common/place.c): first fit in RAM around busy ranges. */
#include <string.h>

#include "harness.h"
#include "place.h"

static struct eb_mem_range st[16];
static struct eb_memmap m;
static char err[200];

static void ram(void)
{
	eb_memmap_init(&m, st, 16);
	eb_memmap_add(&m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&m, 0x100000, 0x3f00000, EB_MEM_RAM, err, sizeof err); /* to 64 MiB */
	eb_memmap_add(&m, 0x4000000, 0x1000000, EB_MEM_ACPI_NVS, err, sizeof err);
	eb_memmap_add(&m, 0x100000000ULL, 0x40000000, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
}

TEST(lowest_fit_above_min)
{
	ram();
	uint64_t pa = 0;
	REQUIRE_EQ(eb_place(&m, NULL, 0, 0x3000, 0x100000, "x", &pa, err, sizeof err), 0);
	CHECK_EQ(pa, 0x100000);
	/* min_pa inside a range, unaligned: rounded up. */
	REQUIRE_EQ(eb_place(&m, NULL, 0, 1, 0x200123, "x", &pa, err, sizeof err), 0);
	CHECK_EQ(pa, 0x201000);
}

TEST(around_busy_ranges)
{
	ram();
	const struct eb_range busy[] = {
		{ 0x100000, 0x60000, "loader" },
		{ 0x160800, 0x10, "start info" }, /* one stray page, unaligned */
		{ 0x162000, 0x1000, "module" },
	};
	uint64_t pa = 0;
	REQUIRE_EQ(eb_place(&m, busy, 3, 0x1000, 0x100000, "x", &pa, err, sizeof err), 0);
	CHECK_EQ(pa, 0x161000); /* the one-page gap */
	REQUIRE_EQ(eb_place(&m, busy, 3, 0x2000, 0x100000, "x", &pa, err, sizeof err), 0);
	CHECK_EQ(pa, 0x163000);
}

TEST(skips_to_the_next_ram_range)
{
	ram();
	const struct eb_range busy[] = { { 0x100000, 0x3f00000, "all of low RAM" } };
	uint64_t pa = 0;
	REQUIRE_EQ(eb_place(&m, busy, 1, 0x10000, 0x100000, "pools", &pa, err, sizeof err), 0);
	CHECK_EQ(pa, 0x100000000ULL);
}

TEST(no_room_names_what)
{
	ram();
	uint64_t pa = 0;
	CHECK_EQ(eb_place(&m, NULL, 0, 0x80000000ULL, 0x100000, "page-table pools", &pa, err, sizeof err), -1);
	CHECK_STR(err, "no room for the page-table pools: 2097152 KiB of free RAM above 0x100000 wanted");
}

int main(void)
{
	RUN(lowest_fit_above_min);
	RUN(around_busy_ranges);
	RUN(skips_to_the_next_ram_range);
	RUN(no_room_names_what);
	return th_done();
}
