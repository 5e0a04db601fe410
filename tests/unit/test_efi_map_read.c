/*
 * The one GetMemoryMap loop (efi/map_read.c), host-built against a fake
 * firmware: a map larger than the old fixed 64 KiB buffer is read whole,
 * a map that grows between reads gets a bigger buffer, and every way the
 * firmware can refuse (an error status, no memory, a map that never stops
 * outgrowing its buffer, sizes that cannot be right) ends in one line that
 * names the call and the sizes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "map_read.h"

/* The fake firmware: a map of `descs` descriptors `stride` bytes apart. */
static struct {
	UINTN descs, stride;
	UINTN grow_per_alloc;   /* descriptors each AllocatePool adds */
	bool forced;            /* GetMemoryMap answers map_status, lie_size */
	EFI_STATUS map_status;
	UINTN lie_size;
	EFI_STATUS pool_status; /* forced AllocatePool status */
	unsigned allocs, frees, reads;
	void *live;             /* the one pool buffer not yet freed */
} fw;

/* Descriptor i of the fake map: its address tells it apart from others. */
static EFI_MEMORY_DESCRIPTOR fake_desc(UINTN i)
{
	return (EFI_MEMORY_DESCRIPTOR){ .Type = EfiConventionalMemory,
					.PhysicalStart = 0x100000 + i * 0x1000,
					.NumberOfPages = 1 };
}

static EFI_STATUS fake_get_memory_map(UINTN *size, EFI_MEMORY_DESCRIPTOR *map,
				      UINTN *key, UINTN *desc_size, UINT32 *ver)
{
	fw.reads++;
	*desc_size = fw.stride;
	*ver = EFI_MEMORY_DESCRIPTOR_VERSION;
	*key = 1000 + fw.reads;
	if (fw.forced) {
		*size = fw.lie_size;
		return fw.map_status;
	}
	UINTN need = fw.descs * fw.stride;
	if (*size < need) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	for (UINTN i = 0; i < fw.descs; i++) {
		EFI_MEMORY_DESCRIPTOR d = fake_desc(i);
		memset((uint8_t *)map + i * fw.stride, 0xee, fw.stride);
		memcpy((uint8_t *)map + i * fw.stride, &d, sizeof d);
	}
	*size = need;
	return EFI_SUCCESS;
}

static EFI_STATUS fake_allocate_pool(EFI_MEMORY_TYPE type, UINTN size, VOID **buf)
{
	if (type != EfiLoaderData)
		return EFI_INVALID_PARAMETER;
	if (fw.pool_status)
		return fw.pool_status;
	if (fw.live)
		return EFI_ACCESS_DENIED; /* the reader must free before it grows */
	*buf = fw.live = malloc(size);
	fw.allocs++;
	fw.descs += fw.grow_per_alloc;
	return *buf ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS fake_free_pool(VOID *buf)
{
	if (buf != fw.live)
		return EFI_INVALID_PARAMETER;
	free(buf);
	fw.live = NULL;
	fw.frees++;
	return EFI_SUCCESS;
}

static EFI_BOOT_SERVICES bs;
static struct efi_map_buf mb;
static char err[240];

static void free_live(void *arg)
{
	(void)arg;
	free(fw.live);
	fw.live = NULL;
}

static void fresh(UINTN descs, UINTN stride)
{
	memset(&fw, 0, sizeof fw);
	memset(&bs, 0, sizeof bs);
	memset(&mb, 0, sizeof mb);
	err[0] = 0;
	fw.descs = descs;
	fw.stride = stride;
	bs.GetMemoryMap = fake_get_memory_map;
	bs.AllocatePool = fake_allocate_pool;
	bs.FreePool = fake_free_pool;
	th_defer(free_live, NULL);
}

/* Every descriptor of the fake map is in mb, in order. */
static void check_whole_map(void)
{
	REQUIRE_EQ(mb.size, fw.descs * fw.stride);
	REQUIRE(mb.cap >= mb.size);
	CHECK_EQ(mb.desc_size, fw.stride);
	UINTN bad = 0;
	for (UINTN i = 0; i < fw.descs; i++) {
		EFI_MEMORY_DESCRIPTOR want = fake_desc(i), got;
		memcpy(&got, (uint8_t *)mb.buf + i * fw.stride, sizeof got);
		bad += memcmp(&got, &want, sizeof got) != 0;
	}
	CHECK_EQ(bad, 0);
}

/* 2000 descriptors of 48 bytes: more than the 64 KiB the loader once had. */
TEST(map_beyond_64k_read_whole)
{
	fresh(2000, 48);
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	check_whole_map();
	CHECK(mb.size > 64 * 1024);
	CHECK_EQ(mb.allocations, 1);
	CHECK_EQ(fw.allocs, 1);
	CHECK_EQ(mb.key, 1000 + fw.reads);
}

/* The firmware's stride, not sizeof, sizes the slack and the walk. */
TEST(firmware_stride_kept)
{
	fresh(10, 64);
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	check_whole_map();
	CHECK_EQ(mb.cap, 10 * 64 + EFI_MAP_SLACK_DESCS * 64);
}

/* A second read reuses the buffer while the map fits, and grows it after. */
TEST(buffer_grows_with_the_map)
{
	fresh(100, 48);
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	void *first = mb.buf;
	fw.descs += EFI_MAP_SLACK_DESCS; /* still fits: same buffer */
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	CHECK(mb.buf == first);
	CHECK_EQ(mb.allocations, 1);
	check_whole_map();
	fw.descs += 500; /* does not: a new one, the old freed */
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	CHECK_EQ(mb.allocations, 2);
	CHECK_EQ(fw.frees, 1);
	check_whole_map();
}

/* Allocating the buffer adds descriptors: the slack absorbs a few. */
TEST(allocation_growing_the_map_absorbed)
{
	fresh(300, 48);
	fw.grow_per_alloc = 2;
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	CHECK_EQ(mb.allocations, 1);
	check_whole_map();
}

/* A map that outgrows every new buffer ends, naming the sizes. */
TEST(map_outgrowing_every_buffer_fails_with_sizes)
{
	fresh(300, 48);
	fw.grow_per_alloc = EFI_MAP_SLACK_DESCS + 1;
	CHECK_EQ(efi_map_read(&bs, &mb, err, sizeof err), -1);
	CHECK_EQ(fw.allocs, EFI_MAP_READ_ROUNDS);
	char want[240];
	snprintf(want, sizeof want,
		 "GetMemoryMap: the map still outgrew its buffer after %u new buffers (needs %llu bytes, %llu allocated)",
		 EFI_MAP_READ_ROUNDS, (unsigned long long)(fw.descs * 48),
		 (unsigned long long)mb.cap);
	CHECK_STR(err, want);
	CHECK(mb.cap < fw.descs * 48); /* never claims a map it cut short */
}

TEST(error_status_named)
{
	fresh(10, 48);
	fw.forced = true;
	fw.map_status = EFI_DEVICE_ERROR;
	CHECK_EQ(efi_map_read(&bs, &mb, err, sizeof err), -1);
	CHECK_STR(err, "GetMemoryMap: device error");
	CHECK_EQ(fw.allocs, 0);
}

TEST(allocation_failure_named)
{
	fresh(10, 48);
	fw.pool_status = EFI_OUT_OF_RESOURCES;
	CHECK_EQ(efi_map_read(&bs, &mb, err, sizeof err), -1);
	char want[200];
	snprintf(want, sizeof want,
		 "allocating %u bytes for the memory map (GetMemoryMap needs 480): out of resources",
		 480 + EFI_MAP_SLACK_DESCS * 48);
	CHECK_STR(err, want);
}

/* "Too small" without asking for more would loop forever: refused. */
TEST(too_small_asking_no_more_refused)
{
	fresh(10, 48);
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	fw.forced = true;
	fw.map_status = EFI_BUFFER_TOO_SMALL;
	fw.lie_size = mb.cap;
	CHECK_EQ(efi_map_read(&bs, &mb, err, sizeof err), -1);
	char want[200];
	snprintf(want, sizeof want,
		 "GetMemoryMap: buffer too small, yet it asks for %llu bytes with %llu given",
		 (unsigned long long)mb.cap, (unsigned long long)mb.cap);
	CHECK_STR(err, want);
}

/* Success with a size past the buffer: not believed. */
TEST(size_past_buffer_refused)
{
	fresh(10, 48);
	REQUIRE_EQ(efi_map_read(&bs, &mb, err, sizeof err), 0);
	fw.forced = true;
	fw.map_status = EFI_SUCCESS;
	fw.lie_size = mb.cap + 48;
	CHECK_EQ(efi_map_read(&bs, &mb, err, sizeof err), -1);
	char want[200];
	snprintf(want, sizeof want,
		 "GetMemoryMap: says it wrote %llu bytes into a %llu-byte buffer",
		 (unsigned long long)(mb.cap + 48), (unsigned long long)mb.cap);
	CHECK_STR(err, want);
	CHECK_EQ(mb.size, 480); /* the last good read stands */
}

/* A stride so large the slack would overflow: refused before allocating. */
TEST(absurd_stride_refused)
{
	fresh(1, 48);
	fw.stride = (UINTN)-1 / 2;
	fw.descs = 1;
	CHECK_EQ(efi_map_read(&bs, &mb, err, sizeof err), -1);
	CHECK(strstr(err, "beyond any buffer") != NULL);
	CHECK_EQ(fw.allocs, 0);
}

int main(void)
{
	RUN(map_beyond_64k_read_whole);
	RUN(firmware_stride_kept);
	RUN(buffer_grows_with_the_map);
	RUN(allocation_growing_the_map_absorbed);
	RUN(map_outgrowing_every_buffer_fails_with_sizes);
	RUN(error_status_named);
	RUN(allocation_failure_named);
	RUN(too_small_asking_no_more_refused);
	RUN(size_past_buffer_refused);
	RUN(absurd_stride_refused);
	return th_done();
}
