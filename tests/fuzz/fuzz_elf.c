/*
 * ELF64 kernel images (common/elf_load.c) as the worlds use them: parse,
 * check placement against RAM and the loader's own ranges, and, when both
 * pass, copy the segments into a simulated RAM, so a parse that lets a
 * segment reach past the file or past RAM shows up as an ASan report.
 */
#include <elf.h>

#include "elf_load.h"
#include "fuzz.h"

/* Simulated RAM at [RAM_PA, RAM_PA + RAM_LEN); the loader sits at its start. */
#define RAM_PA 0x100000ULL
#define RAM_LEN (4ULL << 20)
#define LOADER_LEN 0x20000ULL

static void *p2v(void *env, uint64_t pa)
{
	uint8_t *ram = env;
	FUZZ_ASSERT(pa >= RAM_PA && pa - RAM_PA < RAM_LEN);
	return ram + (pa - RAM_PA);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	if (!ram && !(ram = malloc(RAM_LEN)))
		abort();
	struct eb_elf_info info;
	char err[200];
	err[0] = '\0';
	if (eb_elf_parse(data, size, &info, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		return 0;
	}
	/* What a successful parse promises (elf_load.h). */
	FUZZ_ASSERT(info.nseg >= 1 && info.nseg <= EB_ELF_MAX_SEGS);
	for (unsigned i = 0; i < info.nseg; i++) {
		const struct eb_elf_seg *s = &info.seg[i];
		FUZZ_ASSERT(s->filesz <= s->memsz && s->memsz <= EB_ELF_MAX_SEG_SIZE);
		FUZZ_ASSERT(s->offset <= size && s->filesz <= size - s->offset);
		FUZZ_ASSERT(!((s->flags & PF_W) && (s->flags & PF_X)));
		FUZZ_ASSERT(eb_elf_seg_pa_start(s) < eb_elf_seg_pa_end(s));
	}
	struct eb_mem_range ram_r;
	struct eb_memmap mem;
	eb_memmap_init(&mem, &ram_r, 1);
	FUZZ_ASSERT(eb_memmap_add(&mem, RAM_PA, RAM_LEN, EB_MEM_RAM, err, sizeof err) == 0);
	const struct eb_range busy = { RAM_PA, LOADER_LEN, "loader image" };
	if (eb_elf_check_placement(&info, &mem, &busy, 1, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		return 0;
	}
	for (unsigned i = 0; i < info.nseg; i++) {
		const struct eb_elf_seg *s = &info.seg[i];
		FUZZ_ASSERT(eb_elf_seg_pa_start(s) >= RAM_PA + LOADER_LEN);
		FUZZ_ASSERT(eb_elf_seg_pa_end(s) <= RAM_PA + RAM_LEN);
	}
	eb_elf_copy(&info, data, p2v, ram);
	return 0;
}
