/*
 * Where the command line comes from: the image's LoadOptions when they hold
 * text (the shell, a boot entry with arguments), else the one-line file
 * \earlyboot.cfg on the loader's volume (the firmware starting
 * EFI/BOOT/BOOTX64.EFI passes nothing useful).
 */
#include "libc.h"
#include "loader.h"

static char line[EB_LINE_MAX + 2];

/*
 * UCS-2 to ASCII. Returns the length, or -1 when the options are not text
 * (boot managers pass binary data) and the cfg file should be used.
 */
static long options_text(const EFI_LOADED_IMAGE *li)
{
	const CHAR16 *w = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / sizeof(CHAR16);
	if (!w || n == 0 || (li->LoadOptionsSize & 1))
		return -1;
	long len = 0;
	for (UINTN i = 0; i < n && w[i]; i++) {
		if (w[i] != '\t' && (w[i] < 0x20 || w[i] > 0x7e))
			return -1;
		if (len < (long)sizeof line - 1)
			line[len] = (char)w[i];
		len++;
	}
	if (len > EB_LINE_MAX) /* the parser reports the limit */
		len = EB_LINE_MAX + 1;
	line[len < (long)sizeof line ? len : (long)sizeof line - 1] = '\0';
	/* The shell passes the image's own name first: drop it. */
	size_t skip = 0;
	while (line[skip] == ' ')
		skip++;
	size_t w_end = skip;
	while (line[w_end] && line[w_end] != ' ')
		w_end++;
	if (w_end - skip >= 4) {
		const char *ext = line + w_end - 4;
		if (ext[0] == '.' && (ext[1] | 0x20) == 'e' && (ext[2] | 0x20) == 'f' &&
		    (ext[3] | 0x20) == 'i') {
			memmove(line, line + w_end, (size_t)len - w_end + 1);
			len -= (long)w_end;
		}
	}
	while (len > 0 && line[0] == ' ') {
		memmove(line, line + 1, (size_t)len);
		len--;
	}
	return len > 0 ? len : -1;
}

void efi_get_cmdline(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li,
		     struct eb_options *opt)
{
	long len = options_text(li);
	const char *src = "LoadOptions";
	const char *text = line;
	if (len < 0) {
		uint64_t pa, flen;
		EFI_STATUS s = efi_read_file(st, li->DeviceHandle, "\\earlyboot.cfg",
					     &pa, &flen);
		if (EFI_ERROR(s))
			eb_fail("no command line: LoadOptions empty and \\earlyboot.cfg: %s",
				 efi_status_name(s));
		src = "\\earlyboot.cfg";
		text = (const char *)pa;
		len = (long)flen;
		/* One line: stop at the first newline. */
		for (long i = 0; i < len; i++)
			if (text[i] == '\n') {
				len = i;
				break;
			}
	}
	char err[256];
	if (eb_parse_cmdline(text, (size_t)len, opt, err, sizeof err))
		eb_fail("command line (%s): %s", src, err);
	eb_set_quiet(opt->quiet);
	eb_info("command line from %s; kernel command line '%s'", src,
		opt->kernel_cmdline);
}
