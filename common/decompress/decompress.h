/*
 * Decompression of a kernel payload, every compression a Linux bzImage may
 * carry (docs/decompress.md): gzip, bzip2, LZMA (the "alone" format), XZ,
 * LZO (the lzop container), LZ4 (the legacy frame of `lz4 -l`) and zstd.
 *
 * One call decodes a whole input from memory into memory. The format is
 * found by its magic; after the compressed stream the input may end, or
 * carry exactly the 4-byte little-endian decompressed size Linux appends
 * to its payloads (then it must match). Anything else is an error.
 *
 * Decoders that need memory take it from one bounded arena the caller
 * gives once (eb_decompress_arena); when it runs out the call fails with an
 * error saying how much was asked for. Nothing is allocated elsewhere.
 */
#ifndef EARLYBOOT_DECOMPRESS_H
#define EARLYBOOT_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum eb_comp_format {
	EB_COMP_UNKNOWN = 0,
	EB_COMP_GZIP,
	EB_COMP_BZIP2,
	EB_COMP_LZMA,
	EB_COMP_XZ,
	EB_COMP_LZO,
	EB_COMP_LZ4,
	EB_COMP_ZSTD,
};
#define EB_COMP_COUNT (EB_COMP_ZSTD + 1)

/* The format whose magic src starts with, or EB_COMP_UNKNOWN. */
enum eb_comp_format eb_decompress_detect(const void *src, size_t len);

/* "gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd" or "unknown". */
const char *eb_decompress_format_name(enum eb_comp_format f);

/*
 * The memory decoders allocate from: [mem, mem + size), reused by every
 * call (each call starts it empty). Without one, only the formats that
 * need no memory (LZO, LZ4) work. What each needs: docs/decompress.md.
 */
void eb_decompress_arena(void *mem, size_t size);

/* The most arena memory the last eb_decompress call held at once. */
size_t eb_decompress_arena_peak(void);

/*
 * Decode src[0, len) into dst[0, cap). On success returns 0 and sets
 * *out_len to the decoded size. On failure returns -1 with one line in err
 * naming the format and the input offset at fault, e.g.
 *   "xz: corrupt data (lzma_code 9) at input offset 0x1a2c"
 *   "gzip: output buffer too small (cap 4096) at input offset 0x3f1"
 * and dst's contents are unspecified. Never reads src beyond len nor
 * writes dst beyond cap.
 */
int eb_decompress(const void *src, size_t len, void *dst, size_t cap,
		  size_t *out_len, char *err, size_t errlen);

#endif
