/*
 * The UEFI command line's sources (efi/loadopts.c), host-built: LoadOptions
 * as the shell and boot managers pass them, and \earlyboot.cfg's first line.
 */
#include <string.h>

#include "harness.h"
#include "loadopts.h"

static CHAR16 w[256];
static char out[64];

/* s as UCS-2 in w; returns the size in bytes, with the NUL when nul. */
static UINTN ucs2(const char *s, bool nul)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		w[i] = (unsigned char)s[i];
	w[n] = 0;
	return (UINTN)(n + (nul ? 1 : 0)) * sizeof(CHAR16);
}

static long text(const char *s)
{
	return efi_load_options_text(w, ucs2(s, true), out, sizeof out);
}

TEST(shell_line_drops_image_name)
{
	CHECK_EQ(text("fs0:\\EarlyBoot.EFI kernel=k -- x"), 13);
	CHECK(strcmp(out, "kernel=k -- x") == 0);
	CHECK_EQ(text("  earlyboot.efi   ptdump"), 6);
	CHECK(strcmp(out, "ptdump") == 0);
	/* Not an image name: kept. */
	CHECK_EQ(text("kernel=vmlinuz.efix quiet"), 25);
	CHECK(strcmp(out, "kernel=vmlinuz.efix quiet") == 0);
}

TEST(tab_kept_and_stops_at_nul)
{
	UINTN size = ucs2("a\tb", false);
	w[3] = 0;
	w[4] = 'z'; /* after the NUL: never read as text */
	CHECK_EQ(efi_load_options_text(w, size + 4, out, sizeof out), 3);
	CHECK(strcmp(out, "a\tb") == 0);
}

TEST(not_text_means_cfg)
{
	CHECK_EQ(efi_load_options_text(NULL, 8, out, sizeof out), -1);
	CHECK_EQ(efi_load_options_text(w, 0, out, sizeof out), -1);
	CHECK_EQ(efi_load_options_text(w, ucs2("abc", false) - 1, out, sizeof out), -1);
	ucs2("ab", true);
	w[1] = 0x00e9; /* é: not ASCII */
	CHECK_EQ(efi_load_options_text(w, 6, out, sizeof out), -1);
	w[1] = 0x0001;
	CHECK_EQ(efi_load_options_text(w, 6, out, sizeof out), -1);
	/* Only blanks, or only the image's name: nothing to parse. */
	CHECK_EQ(text("   "), -1);
	CHECK_EQ(text("earlyboot.efi"), -1);
}

/* Longer than the buffer: cut one past the parser's room, never silently. */
TEST(too_long_is_cut_where_the_parser_sees_it)
{
	char big[200];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK_EQ(text(big), (long)sizeof out - 1);
	CHECK_EQ(strlen(out), sizeof out - 1);
}

TEST(cfg_first_line)
{
	CHECK_EQ(efi_cfg_first_line("kernel=k\nsecond", 15), 8);
	CHECK_EQ(efi_cfg_first_line("kernel=k\r\n", 10), 8);
	CHECK_EQ(efi_cfg_first_line("ab\0cd", 5), 2);
	CHECK_EQ(efi_cfg_first_line("no newline", 10), 10);
	CHECK_EQ(efi_cfg_first_line("", 0), 0);
}

int main(void)
{
	RUN(shell_line_drops_image_name);
	RUN(tab_kept_and_stops_at_nul);
	RUN(not_text_means_cfg);
	RUN(too_long_is_cut_where_the_parser_sees_it);
	RUN(cfg_first_line);
	return th_done();
}
