/*
 * Memory-map normalization and carving (common/memmap.c), the step every
 * world's firmware map goes through. Input: byte 0 sets the storage size
 * (1..64 ranges, exact allocation so ASan sees an overrun), then 17-byte
 * records: 0x00 add(pa, len, type) until a record with byte 0x01, after
 * which records carve(pa, len, type). Checked after every success: sorted,
 * disjoint, no empty range, and not one byte gained or lost (memmap.h).
 */
#include "fuzz.h"
#include "memmap.h"

#define REC 17

static void check(const struct eb_memmap *m)
{
	FUZZ_ASSERT(m->count <= m->max);
	for (uint32_t i = 0; i < m->count; i++) {
		FUZZ_ASSERT(m->r[i].len != 0);
		FUZZ_ASSERT(m->r[i].pa + m->r[i].len > m->r[i].pa);
		if (i)
			FUZZ_ASSERT(m->r[i - 1].pa + m->r[i - 1].len <= m->r[i].pa);
	}
	FUZZ_ASSERT(eb_memmap_total(m) == m->fw_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint32_t max = data[0] % 64 + 1;
	struct eb_mem_range *st = malloc(max * sizeof *st);
	if (!st)
		abort();
	struct eb_memmap m;
	char err[200];
	eb_memmap_init(&m, st, max);
	size_t at = 1;
	bool carving = false;
	for (; at + REC <= size; at += REC) {
		const uint8_t *r = data + at;
		uint64_t pa = fuzz_le64(r + 1), len = fuzz_le64(r + 9);
		/* Types 1..13 as the worlds produce them, a few unknown ones too. */
		uint32_t type = r[0] >> 1 & 0xf;
		if (!carving && (r[0] & 1)) {
			if (eb_memmap_normalize(&m, err, sizeof err)) {
				fuzz_check_err(err, sizeof err);
				goto out;
			}
			check(&m);
			carving = true;
		}
		int rc = carving ? eb_memmap_carve(&m, pa, len, type ? type : 8,
						   "fuzzed range", err, sizeof err)
				 : eb_memmap_add(&m, pa, len, type, err, sizeof err);
		if (rc) {
			fuzz_check_err(err, sizeof err);
			goto out;
		}
		if (carving)
			check(&m);
	}
	if (!carving && eb_memmap_normalize(&m, err, sizeof err) == 0)
		check(&m);
out:
	free(st);
	return 0;
}
