/*
 * The loader command line (common/cmdline.c): the one syntax of
 * LoadOptions, \earlyboot.cfg, hvm_start_info's cmdline_paddr and Xen's
 * command line. Input: the raw bytes, length-delimited as the worlds pass
 * them (no NUL promised).
 */
#include "cmdline.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eb_options o;
	char err[256];
	if (eb_parse_cmdline((const char *)data, size, &o, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		FUZZ_ASSERT(err[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(memchr(o.kernel, '\0', sizeof o.kernel) != NULL);
	FUZZ_ASSERT(memchr(o.initrd, '\0', sizeof o.initrd) != NULL);
	FUZZ_ASSERT(memchr(o.kernel_cmdline, '\0', sizeof o.kernel_cmdline) != NULL);
	FUZZ_ASSERT(o.defect == 0 || eb_defect_name(o.defect) != NULL);
	FUZZ_ASSERT(o.debug == 0 || eb_debug_name(o.debug) != NULL);
	FUZZ_ASSERT(o.kernel_cmdline_given || o.kernel_cmdline[0] == '\0');
	return 0;
}
