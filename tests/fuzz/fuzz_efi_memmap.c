/*
 * The UEFI firmware memory map (efi/fwmap.c): GetMemoryMap's descriptor
 * array and stride, as efi_after_exit converts it. Input: 2 bytes of
 * descriptor size (little-endian), then the map itself in an exact
 * allocation, so a stride that reads past the map shows up in ASan.
 */
#include "fuzz.h"
#include "fwmap.h"

static void check(const struct eb_memmap *m)
{
	for (uint32_t i = 0; i < m->count; i++) {
		FUZZ_ASSERT(m->r[i].len != 0);
		if (i)
			FUZZ_ASSERT(m->r[i - 1].pa + m->r[i - 1].len <= m->r[i].pa);
	}
	FUZZ_ASSERT(eb_memmap_total(m) == m->fw_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	UINTN desc_size = (UINTN)data[0] | (UINTN)data[1] << 8;
	void *map = fuzz_dup(data + 2, size - 2);
	static struct eb_mem_range st[EB_MEM_MAX];
	struct eb_memmap m;
	char err[200];
	eb_memmap_init(&m, st, EB_MEM_MAX);
	if (efi_convert_map(&m, map, size - 2, desc_size, err, sizeof err))
		fuzz_check_err(err, sizeof err);
	else
		check(&m);
	free(map);
	return 0;
}
