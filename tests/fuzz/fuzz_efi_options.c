/*
 * The UEFI command line's sources (efi/loadopts.c) into the command-line
 * parser, as efi/options.c chains them. Input: one byte choosing the source
 * (even: LoadOptions, odd: \earlyboot.cfg), then the bytes; LoadOptions are
 * copied into an exact, aligned CHAR16 allocation (a read past them shows
 * in ASan), an odd byte count included.
 */
#include "cmdline.h"
#include "fuzz.h"
#include "loadopts.h"

static char line[EB_LINE_MAX + 2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *b = data + 1;
	size_t n = size - 1;
	const char *text = line;
	long len;
	void *copy = fuzz_dup(b, n);
	if (data[0] & 1) {
		text = copy;
		len = (long)efi_cfg_first_line(text, n);
		FUZZ_ASSERT((size_t)len <= n);
		FUZZ_ASSERT(memchr(text, '\n', (size_t)len) == NULL);
	} else {
		len = efi_load_options_text(copy, n, line, sizeof line);
		if (len >= 0) {
			FUZZ_ASSERT((size_t)len < sizeof line);
			FUZZ_ASSERT(line[len] == '\0' && strlen(line) == (size_t)len);
			FUZZ_ASSERT(len > 0 && line[0] != ' ');
			for (long i = 0; i < len; i++)
				FUZZ_ASSERT(line[i] == '\t' ||
					    (line[i] >= 0x20 && line[i] < 0x7f));
		}
	}
	if (len >= 0) {
		struct eb_options o;
		char err[256];
		if (eb_parse_cmdline(text, (size_t)len, &o, err, sizeof err))
			fuzz_check_err(err, sizeof err);
	}
	free(copy);
	return 0;
}
