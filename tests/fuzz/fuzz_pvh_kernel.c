/*
 * A kernel for the PVH entry (common/pvh_kernel.c), as the native worlds
 * read the kernel file they are handed: any bytes as an ELF32 or ELF64.
 * Beyond the sanitizers, a successful parse must hold what pvh_kernel.h
 * promises: the entry inside an executable segment's file bytes, every
 * segment identity-placed and below 4 GiB, a relocation window that is
 * aligned, ordered and below 4 GiB.
 */
#include "fuzz.h"
#include "pvh_kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *f = fuzz_dup(data, size);
	struct eb_elf_info elf;
	struct eb_pvh_kernel pk;
	char err[300];
	err[0] = '\0';
	bool has = eb_pvh_kernel_has_entry(f, size);
	if (eb_pvh_kernel_parse(f, size, &elf, &pk, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		free(f);
		return 0;
	}
	FUZZ_ASSERT(has);
	FUZZ_ASSERT(elf.nseg >= 1 && elf.nseg <= EB_ELF_MAX_SEGS);
	bool entry_in_text = false;
	for (unsigned i = 0; i < elf.nseg; i++) {
		const struct eb_elf_seg *s = &elf.seg[i];
		FUZZ_ASSERT(s->vaddr == s->paddr);
		FUZZ_ASSERT(s->filesz <= s->memsz);
		FUZZ_ASSERT(s->paddr < EB_PVH_LIMIT && s->memsz <= EB_PVH_LIMIT - s->paddr);
		FUZZ_ASSERT(s->offset <= size && s->filesz <= size - s->offset);
		if ((s->flags & PF_X) && pk.entry >= s->paddr && pk.entry - s->paddr < s->filesz)
			entry_in_text = true;
	}
	FUZZ_ASSERT(entry_in_text);
	if (pk.relocatable) {
		FUZZ_ASSERT(pk.align >= 4096 && (pk.align & (pk.align - 1)) == 0);
		FUZZ_ASSERT(pk.min <= pk.max && pk.max < EB_PVH_LIMIT);
	}
	free(f);
	return 0;
}
