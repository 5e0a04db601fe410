/*
 * Where the command line comes from: the image's LoadOptions when they hold
 * text (the shell, a boot entry with arguments), else the one-line file
 * \earlyboot.cfg on the loader's volume (the firmware starting
 * EFI/BOOT/BOOTX64.EFI passes nothing useful).
 */
#include "libc.h"
#include "loader.h"
#include "loadopts.h"

/* One more than the parser takes: a longer line is reported, not cut. */
static char line[EB_LINE_MAX + 2];

void efi_get_cmdline(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li,
		     struct eb_options *opt)
{
	long len = efi_load_options_text(li->LoadOptions, li->LoadOptionsSize,
					 line, sizeof line);
	const char *src = "LoadOptions";
	const char *text = line;
	/*
	 * Under Secure Boot the command line must be signed too (it names the
	 * kernel and initrd, and says init=): LoadOptions carry no signature
	 * (anyone who may write a Boot#### variable chooses them), so only a
	 * signed \earlyboot.cfg counts (docs/secureboot.md).
	 */
	if (len >= 0 && efi_sb_enforcing()) {
		eb_info("secure boot: LoadOptions ignored; the command line comes only from a signed \\earlyboot.cfg");
		len = -1;
	}
	if (len < 0) {
		uint64_t pa, flen;
		EFI_STATUS s = efi_read_file(st, li->DeviceHandle, "\\earlyboot.cfg",
					     &pa, &flen);
		if (EFI_ERROR(s))
			eb_fail("no command line: LoadOptions empty and \\earlyboot.cfg: %s",
				 efi_status_name(s));
		src = "\\earlyboot.cfg";
		text = (const char *)pa;
		efi_sb_verify_file(st, li, "command line", "\\earlyboot.cfg",
				   text, flen);
		len = (long)efi_cfg_first_line(text, flen);
	}
	char err[256];
	if (eb_parse_cmdline(text, (size_t)len, opt, err, sizeof err) ||
	    eb_options_check_world(opt, EB_WORLD_UEFI, err, sizeof err))
		eb_fail("command line (%s): %s", src, err);
	/* Every option counts (defect= and protocol= change the boot too). */
	efi_measure(EB_PCR_CMDLINE, "options", src, text, (uint64_t)len);
	eb_set_quiet(opt->quiet);
	eb_info("command line from %s; kernel command line '%s'", src,
		opt->kernel_cmdline);
}
