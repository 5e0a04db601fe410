/*
 * Xen PV start_info (pv/start_info.c, the PV world's parser). Input: 8
 * bytes of virt_base, then the start_info page, padded with zeros or cut
 * to sizeof(start_info_t) as the PV world copies it.
 */
#include "fuzz.h"
#include "start_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint64_t virt_base = fuzz_le64(data);
	start_info_t *si = calloc(1, sizeof *si);
	if (!si)
		abort();
	size_t n = size - 8 < sizeof *si ? size - 8 : sizeof *si;
	memcpy(si, data + 8, n);
	static struct pv_start out;
	char err[300];
	if (pv_parse_start_info(si, virt_base, &out, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
	} else {
		FUZZ_ASSERT(out.nr_pages <= PV_MAX_PAGES);
		FUZZ_ASSERT(out.cmdline && out.cmdline[out.cmdline_len] == '\0');
	}
	free(si);
	return 0;
}
