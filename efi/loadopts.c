/* See loadopts.h. */
#include "loadopts.h"

#include "libc.h"

static bool ends_in_efi(const char *word, size_t n)
{
	if (n < 4)
		return false;
	const char *ext = word + n - 4;
	return ext[0] == '.' && (ext[1] | 0x20) == 'e' &&
	       (ext[2] | 0x20) == 'f' && (ext[3] | 0x20) == 'i';
}

long efi_load_options_text(const CHAR16 *w, UINTN size, char *out,
			   size_t outlen)
{
	UINTN n = size / sizeof(CHAR16);
	if (!w || n == 0 || (size & 1) || outlen < 2)
		return -1;
	size_t len = 0;
	for (UINTN i = 0; i < n && w[i]; i++) {
		if (w[i] != '\t' && (w[i] < 0x20 || w[i] > 0x7e))
			return -1;
		if (len < outlen - 1)
			out[len++] = (char)w[i];
	}
	out[len] = '\0';
	/* The shell passes the image's own name first: drop it. */
	size_t skip = 0;
	while (out[skip] == ' ')
		skip++;
	size_t w_end = skip;
	while (out[w_end] && out[w_end] != ' ')
		w_end++;
	if (ends_in_efi(out + skip, w_end - skip)) {
		memmove(out, out + w_end, len - w_end + 1);
		len -= w_end;
	}
	skip = 0;
	while (skip < len && out[skip] == ' ')
		skip++;
	memmove(out, out + skip, len - skip + 1);
	len -= skip;
	return len > 0 ? (long)len : -1;
}

size_t efi_cfg_first_line(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || text[i] == '\r' || text[i] == '\0')
			return i;
	return len;
}
