/*
 * The one entry point: find the format by its magic, run its decoder, then
 * judge what follows the compressed stream (nothing, or Linux's 4-byte
 * size trailer).
 */
#include "decompress.h"

#include <stdarg.h>

#include "arena.h"
#include "fmt.h"
#include "internal.h"
#include "libc.h"

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };
static const uint8_t bzip2_magic[] = { 'B', 'Z', 'h' };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t lzo_magic[] = { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a };
static const uint8_t lz4_legacy_magic[] = { 0x02, 0x21, 0x4c, 0x18 };
static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
/*
 * The LZMA "alone" header has no magic: it starts with the properties byte
 * and a little-endian dictionary size. What every LZMA encoder writes by
 * default (lc=3 lp=0 pb=2, i.e. 0x5d, and a dictionary size whose low byte
 * is zero) is what is recognised, as a kernel's payload always is.
 */
static const uint8_t lzma_magic[] = { 0x5d, 0x00 };

static const struct {
	const uint8_t *magic;
	size_t len;
	enum eb_comp_format format;
} magics[] = {
	{ gzip_magic, sizeof gzip_magic, EB_COMP_GZIP },
	{ bzip2_magic, sizeof bzip2_magic, EB_COMP_BZIP2 },
	{ xz_magic, sizeof xz_magic, EB_COMP_XZ },
	{ lzo_magic, sizeof lzo_magic, EB_COMP_LZO },
	{ lz4_legacy_magic, sizeof lz4_legacy_magic, EB_COMP_LZ4 },
	{ zstd_magic, sizeof zstd_magic, EB_COMP_ZSTD },
	{ lzma_magic, sizeof lzma_magic, EB_COMP_LZMA },
};

static const struct {
	const char *name;
	int (*decode)(struct dc_job *);
} formats[EB_COMP_COUNT] = {
	[EB_COMP_UNKNOWN] = { "unknown", NULL },
	[EB_COMP_GZIP] = { "gzip", dc_gzip },
	[EB_COMP_BZIP2] = { "bzip2", dc_bzip2 },
	[EB_COMP_LZMA] = { "lzma", dc_lzma },
	[EB_COMP_XZ] = { "xz", dc_xz },
	[EB_COMP_LZO] = { "lzo", dc_lzo },
	[EB_COMP_LZ4] = { "lz4", dc_lz4 },
	[EB_COMP_ZSTD] = { "zstd", dc_zstd },
};

enum eb_comp_format eb_decompress_detect(const void *src, size_t len)
{
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (len >= magics[i].len && memcmp(src, magics[i].magic, magics[i].len) == 0)
			return magics[i].format;
	return EB_COMP_UNKNOWN;
}

const char *eb_decompress_format_name(enum eb_comp_format f)
{
	return (unsigned)f < EB_COMP_COUNT ? formats[f].name : "unknown";
}

void eb_decompress_arena(void *mem, size_t size)
{
	dc_arena.base = mem;
	dc_arena.size = mem ? size : 0;
	dc_arena_reset();
}

size_t eb_decompress_arena_peak(void)
{
	return dc_arena.peak;
}

int dc_fail(struct dc_job *j, size_t off, const char *fmt, ...)
{
	if (j->err && j->errlen) {
		int n = eb_snprintf(j->err, j->errlen, "%s: ", j->name);
		if (n >= 0 && (size_t)n < j->errlen) {
			va_list ap;
			va_start(ap, fmt);
			eb_vsnprintf(j->err + n, j->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
		n = (int)strlen(j->err);
		if ((size_t)n < j->errlen)
			eb_snprintf(j->err + n, j->errlen - (size_t)n,
				    " at input offset 0x%zx", off);
	}
	return -1;
}

int dc_fail_memory(struct dc_job *j, size_t off)
{
	return dc_fail(j, off, "out of decoder memory (a request of %zu bytes; arena %zu bytes, %zu in use)",
		       dc_arena.failed_request, dc_arena.size, dc_arena.used);
}

/* After the stream: nothing, or Linux's size trailer equal to what came out. */
static int check_tail(struct dc_job *j)
{
	size_t rest = j->len - j->consumed;
	if (rest == 0)
		return 0;
	if (rest == 4) {
		uint32_t size = eb_le32(j->src + j->consumed);
		if (size == (uint32_t)j->out)
			return 0;
		return dc_fail(j, j->consumed,
			       "size trailer says %u bytes, the stream gave %zu",
			       size, j->out);
	}
	return dc_fail(j, j->consumed,
		       "%zu bytes after the end of the stream (only a 4-byte size may follow)",
		       rest);
}

int eb_decompress(const void *src, size_t len, void *dst, size_t cap,
		  size_t *out_len, char *err, size_t errlen)
{
	struct dc_job j = {
		.src = src, .len = len, .dst = dst, .cap = cap,
		.name = "decompress", .err = err, .errlen = errlen,
	};
	if (err && errlen)
		err[0] = '\0';
	dc_arena_reset();
	enum eb_comp_format f = eb_decompress_detect(src, len);
	if (f == EB_COMP_UNKNOWN) {
		char first[40];
		eb_fmt_bytes(first, sizeof first, src, len, 6);
		return dc_fail(&j, 0, "no known magic (starts %s; want gzip, bzip2, lzma, xz, lzo, lz4 legacy or zstd)",
			       first);
	}
	j.name = formats[f].name;
	if (formats[f].decode(&j) || check_tail(&j))
		return -1;
	*out_len = j.out;
	return 0;
}
