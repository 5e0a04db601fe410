/*
 * The loader's command line as the firmware hands it over, turned into
 * text: LoadOptions (UCS-2, from the shell or a boot entry) or the first
 * line of \earlyboot.cfg. Split from options.c so the host can build it:
 * the unit tests and the fuzz harness (tests/fuzz/fuzz_efi_options.c) run
 * the loader's own code on untrusted bytes.
 */
#ifndef EARLYBOOT_EFI_LOADOPTS_H
#define EARLYBOOT_EFI_LOADOPTS_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * LoadOptions (size bytes at w, possibly NULL) as one line of ASCII in
 * out[outlen] (outlen >= 2): up to the first NUL, tabs kept, the image's
 * own name dropped when the shell put it first (a word ending in ".efi"),
 * leading blanks dropped. A line longer than outlen - 2 is cut to
 * outlen - 1 bytes so the command-line parser sees it is too long and says
 * so. Returns the length, or -1 when the options are no text (empty, an
 * odd size, any character outside printable ASCII and tab: boot managers
 * pass binary data), and \earlyboot.cfg is to be read instead.
 */
long efi_load_options_text(const CHAR16 *w, UINTN size, char *out,
			   size_t outlen);

/*
 * The length of the first line of a cfg file of len bytes: up to the first
 * newline, carriage return or NUL (editors end lines with CR LF).
 */
size_t efi_cfg_first_line(const char *text, size_t len);

#endif
