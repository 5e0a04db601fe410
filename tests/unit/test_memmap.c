/* The handoff memory map and the direct-map plan built from it. */
#include <string.h>

#include "dmap.h"
#include "harness.h"
#include "memmap.h"

static struct eb_mem_range st[16];
static struct eb_memmap m;
static char err[256];

/* Firmware order is not sorted; adjacent equal types merge. */
static void firmware(void)
{
	eb_memmap_init(&m, st, 16);
	REQUIRE_EQ(eb_memmap_add(&m, 0x100000, 0x700000, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0, 0xa0000, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0x800000, 0x8000, EB_MEM_ACPI_NVS, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0x808000, 0x7f8000, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0x1000000, 0xf000000, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0xffc00000, 0x400000, EB_MEM_RESERVED, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0x100000000, 0x40000000, EB_MEM_RAM, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
}

static void check_sorted_total(void)
{
	for (uint32_t i = 1; i < m.count; i++)
		CHECKF(m.r[i].pa >= m.r[i - 1].pa + m.r[i - 1].len,
		       "range %u at 0x%llx overlaps or is unsorted", i,
		       (unsigned long long)m.r[i].pa);
	CHECK_EQ(eb_memmap_total(&m), m.fw_bytes);
}

TEST(sorted_merged_accounted)
{
	firmware();
	CHECK_EQ(m.fw_entries, 7);
	CHECK_EQ(m.count, 6);
	CHECK_EQ(m.r[0].pa, 0);
	CHECK_EQ(m.r[3].pa, 0x808000);
	CHECK_EQ(m.r[3].len, 0xf7f8000); /* 0x808000..0x10000000 merged */
	check_sorted_total();
}

TEST(firmware_overlap_is_an_error)
{
	eb_memmap_init(&m, st, 16);
	eb_memmap_add(&m, 0x1000, 0x2000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x2000, 0x1000, EB_MEM_RESERVED, err, sizeof err);
	CHECK_EQ(eb_memmap_normalize(&m, err, sizeof err), -1);
	CHECK_STR(err, "memory map: firmware ranges overlap at 0x2000 (ram and reserved)");
}

TEST(carve_splits_and_keeps_every_byte)
{
	firmware();
	REQUIRE_EQ(eb_memmap_carve(&m, 0x1000000, 0x5000, EB_MEM_KERNEL, "kernel", err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_carve(&m, 0x2000000, 0x1000, EB_MEM_BOOT_INFO, "boot info", err, sizeof err), 0);
	/* Up to the kernel's first byte (two firmware ranges, merged): fine. */
	REQUIRE_EQ(eb_memmap_carve(&m, 0x900000, 0x700000, EB_MEM_MODULE, "initrd", err, sizeof err), 0);
	check_sorted_total();
	uint32_t k = 0;
	while (k < m.count && m.r[k].type != EB_MEM_KERNEL)
		k++;
	REQUIRE(k < m.count);
	CHECK_EQ(m.r[k].pa, 0x1000000);
	CHECK_EQ(m.r[k].len, 0x5000);
	CHECK_EQ(m.r[k - 1].type, EB_MEM_MODULE);
	CHECK_EQ(m.r[k + 1].type, EB_MEM_RAM);
	/* Carving what is carved already must fail, naming the owner. */
	CHECK_EQ(eb_memmap_carve(&m, 0xfff000, 0x2000, EB_MEM_KERNEL, "kernel", err, sizeof err), -1);
	CHECK_STR(err, "memory map: kernel at 0xfff000-0x1001000 is not free RAM (0xfff000 is module)");
}

TEST(carve_outside_ram_is_an_error)
{
	firmware();
	CHECK_EQ(eb_memmap_carve(&m, 0x7ff000, 0x2000, EB_MEM_KERNEL, "kernel segment", err, sizeof err), -1);
	CHECK_STR(err, "memory map: kernel segment at 0x7ff000-0x801000 is not free RAM (0x800000 is acpi-nvs)");
	CHECK_EQ(eb_memmap_carve(&m, 0xa0000, 0x1000, EB_MEM_KERNEL, "kernel segment", err, sizeof err), -1);
	CHECK(strstr(err, "0xa0000 is a hole in the map") != NULL);
}

TEST(capacity_is_checked)
{
	eb_memmap_init(&m, st, 2);
	eb_memmap_add(&m, 0, 0x100000, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	CHECK_EQ(eb_memmap_carve(&m, 0x10000, 0x1000, EB_MEM_KERNEL, "k", err, sizeof err), -1);
	CHECK_STR(err, "memory map: more than 2 ranges");
}

TEST(dmap_plan)
{
	firmware();
	struct eb_dmap d;
	eb_dmap_plan(&d, &m, EB_DMAP_BASE, 0);
	/* [0,0xa0000), [0x100000,0x10000000) (NVS included), [4G,5G). */
	REQUIRE_EQ(d.n, 3);
	CHECK_EQ(d.r[1].pa, 0x100000);
	CHECK_EQ(d.r[1].len, 0x10000000 - 0x100000);
	CHECK_EQ(d.r[1].va, EB_DMAP_BASE + 0x100000);
	CHECK_EQ(eb_dmap_span(&d), 0x140000000ULL);
	eb_dmap_plan(&d, &m, EB_DMAP_BASE, 1);
	CHECK_EQ(d.n, 2);
	CHECK_EQ(d.r[0].pa, 0x100000);
}

TEST(dmap_plan_joins_closest_when_too_many)
{
	static struct eb_mem_range many[40];
	eb_memmap_init(&m, many, 40);
	/* 12 RAM ranges separated by reserved holes; hole 5 is the smallest. */
	for (uint64_t i = 0; i < 12; i++) {
		uint64_t hole = i == 5 ? 0x1000 : 0x100000;
		eb_memmap_add(&m, i * 0x1000000, 0x1000000 - hole, EB_MEM_RAM, err, sizeof err);
		eb_memmap_add(&m, i * 0x1000000 + 0x1000000 - hole, hole, EB_MEM_RESERVED, err, sizeof err);
	}
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	struct eb_dmap d;
	eb_dmap_plan(&d, &m, EB_DMAP_BASE, 0);
	REQUIRE_EQ(d.n, EP_MAX_LAZY);
	for (unsigned i = 1; i < d.n; i++)
		CHECK(d.r[i].pa >= d.r[i - 1].pa + d.r[i - 1].len);
	/* Every RAM byte is still inside some run. */
	for (uint32_t i = 0; i < m.count; i++) {
		if (m.r[i].type != EB_MEM_RAM)
			continue;
		bool in = false;
		for (unsigned k = 0; k < d.n; k++)
			in |= m.r[i].pa >= d.r[k].pa &&
			      m.r[i].pa + m.r[i].len <= d.r[k].pa + d.r[k].len;
		CHECKF(in, "RAM at 0x%llx left out", (unsigned long long)m.r[i].pa);
	}
}

int main(void)
{
	RUN(sorted_merged_accounted);
	RUN(firmware_overlap_is_an_error);
	RUN(carve_splits_and_keeps_every_byte);
	RUN(carve_outside_ram_is_an_error);
	RUN(capacity_is_checked);
	RUN(dmap_plan);
	RUN(dmap_plan_joins_closest_when_too_many);
	return th_done();
}
