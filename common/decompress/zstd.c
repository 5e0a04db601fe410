/*
 * zstd through libzstd (libzstd-dev), block by block with its bufferless
 * API: the output is one flat buffer (so earlier blocks stay reachable as
 * the window) and every step names the input it took, which gives an
 * error its offset. Frames follow each other until the input ends or only
 * Linux's 4-byte size trailer is left; skippable frames are skipped.
 */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_decompressContinue and friends */
#include <zstd.h>
#include <zstd_errors.h>

#include "arena.h"
#include "internal.h"

static void *zs_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return dc_alloc(size);
}

static void zs_free(void *opaque, void *p)
{
	(void)opaque;
	dc_free(p);
}

/* Does a frame (or a skippable one) start at src + at? */
static int frame_magic(const struct dc_job *j, size_t at)
{
	if (j->len - at < 4)
		return 0;
	uint32_t m = eb_le32(j->src + at);
	return m == ZSTD_MAGICNUMBER || (m & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

static int one_frame(struct dc_job *j, ZSTD_DCtx *d, size_t *at)
{
	size_t r = ZSTD_decompressBegin(d);
	if (ZSTD_isError(r))
		return dc_fail(j, *at, "%s", ZSTD_getErrorName(r));
	for (;;) {
		size_t need = ZSTD_nextSrcSizeToDecompress(d);
		if (need == 0)
			return 0;
		if (need > j->len - *at)
			return dc_fail(j, *at, "truncated: %zu more bytes needed, %zu left",
				       need, j->len - *at);
		r = ZSTD_decompressContinue(d, j->dst + j->out, j->cap - j->out,
					    j->src + *at, need);
		if (ZSTD_isError(r)) {
			if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
				return dc_fail(j, *at, "output buffer too small (cap %zu)", j->cap);
			if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
				return dc_fail_memory(j, *at);
			return dc_fail(j, *at, "%s", ZSTD_getErrorName(r));
		}
		*at += need;
		j->out += r;
	}
}

int dc_zstd(struct dc_job *j)
{
	ZSTD_customMem mem = { zs_alloc, zs_free, NULL };
	ZSTD_DCtx *d = ZSTD_createDCtx_advanced(mem);
	if (!d)
		return dc_fail_memory(j, 0);
	size_t at = 0;
	int rc = 0;
	do {
		rc = one_frame(j, d, &at);
	} while (rc == 0 && j->len - at != 4 && frame_magic(j, at));
	ZSTD_freeDCtx(d);
	j->consumed = at;
	return rc;
}
