/*
 * The single boot module (common/bootmod.c) as PVH (and later PV) read it:
 * classify, find kernel/initrd/cmdline, extract the command line, then
 * parse the kernel as ELF. The first input byte picks the kernel= and
 * initrd= member names, as the loader's options would.
 */
#include "bootmod.h"
#include "bootinfo.h"
#include "elf_load.h"
#include "fuzz.h"

static void check_part(const struct eb_bootmod_part *p, size_t len)
{
	if (!p->present)
		return;
	FUZZ_ASSERT(p->off <= len && p->len <= len - p->off);
	FUZZ_ASSERT(memchr(p->name, '\0', sizeof p->name) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *kname = (data[0] & 1) ? "vmlinuz" : NULL;
	const char *iname = (data[0] & 2) ? "rd.img" : ((data[0] & 4) ? "" : NULL);
	uint8_t *mod = fuzz_dup(data + 1, size - 1);
	size_t len = size - 1;
	struct eb_bootmod bm;
	char err[300];
	err[0] = '\0';
	if (eb_bootmod_parse(mod, len, kname, iname, &bm, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		goto out;
	}
	FUZZ_ASSERT(bm.kernel.present);
	check_part(&bm.kernel, len);
	check_part(&bm.initrd, len);
	check_part(&bm.cmdline, len);
	if (bm.cmdline.present) {
		char line[EB_CMDLINE_MAX];
		if (eb_bootmod_cmdline(mod, &bm, line, sizeof line, err, sizeof err))
			fuzz_check_err(err, sizeof err);
		else
			FUZZ_ASSERT(strlen(line) < sizeof line);
	}
	struct eb_elf_info info;
	if (eb_elf_parse(mod + bm.kernel.off, bm.kernel.len, &info, err, sizeof err))
		fuzz_check_err(err, sizeof err);
out:
	free(mod);
	return 0;
}
