/*
 * The UEFI firmware map conversion (efi/fwmap.c), host-built: a map with
 * the firmware's own stride, and the strides and page counts a broken or
 * hostile firmware could give, each refused with one message.
 */
#include <string.h>

#include "fwmap.h"
#include "harness.h"

static struct eb_mem_range st[16];
static struct eb_memmap m;
static char err[200];
static uint8_t map[4 * 64];

static void put(unsigned i, size_t stride, UINT32 type, uint64_t pa, uint64_t pages)
{
	EFI_MEMORY_DESCRIPTOR d = { .Type = type, .PhysicalStart = pa,
				    .NumberOfPages = pages };
	memcpy(map + i * stride, &d, sizeof d);
}

TEST(stride_larger_than_descriptor)
{
	memset(map, 0xee, sizeof map); /* the padding is garbage: never read */
	put(0, 64, EfiConventionalMemory, 0x100000, 0x100);
	put(1, 64, EfiConventionalMemory, 0, 0x9f);
	put(2, 64, EfiACPIMemoryNVS, 0x200000, 1);
	eb_memmap_init(&m, st, 16);
	REQUIRE_EQ(efi_convert_map(&m, map, 3 * 64 + 20, 64, err, sizeof err), 0);
	REQUIRE_EQ(m.count, 3);
	CHECK_EQ(m.r[0].pa, 0);
	CHECK_EQ(m.r[1].len, 0x100000);
	CHECK_EQ(m.r[2].type, EB_MEM_ACPI_NVS);
}

/* Stride 0 looped forever, a short one read past the map: both refused. */
TEST(short_stride_refused)
{
	static const UINTN strides[] = { 0, 1, 8, sizeof(EFI_MEMORY_DESCRIPTOR) - 1 };
	for (unsigned i = 0; i < sizeof strides / sizeof strides[0]; i++) {
		eb_memmap_init(&m, st, 16);
		CHECK_EQ(efi_convert_map(&m, map, sizeof map, strides[i], err, sizeof err), -1);
		CHECK(strstr(err, "descriptor size") != NULL);
	}
}

TEST(page_count_overflow_refused)
{
	put(0, sizeof(EFI_MEMORY_DESCRIPTOR), EfiConventionalMemory, 0x1000,
	    (UINT64_MAX >> 12) + 1);
	eb_memmap_init(&m, st, 16);
	CHECK_EQ(efi_convert_map(&m, map, sizeof(EFI_MEMORY_DESCRIPTOR),
				 sizeof(EFI_MEMORY_DESCRIPTOR), err, sizeof err), -1);
	CHECK(strstr(err, "pages overflow") != NULL);
}

int main(void)
{
	RUN(stride_larger_than_descriptor);
	RUN(short_stride_refused);
	RUN(page_count_overflow_refused);
	return th_done();
}
