/* gzip through zlib's inflate (zlib1g-dev), header and CRC checked by zlib. */
#include <zlib.h>

#include "arena.h"
#include "internal.h"

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return dc_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	dc_free(p);
}

int dc_gzip(struct dc_job *j)
{
	z_stream z = { .zalloc = z_alloc, .zfree = z_free };
	/* 16 + 15: a gzip wrapper around a deflate stream with a 32 KiB window. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return dc_fail_memory(j, 0);
	z.next_in = (Bytef *)(uintptr_t)j->src;
	size_t in_left = j->len, out_left = j->cap;
	int rc;
	/* avail_in/avail_out are 32-bit: feed at most 1 GiB at a time. */
	do {
		uInt in = in_left > (1u << 30) ? 1u << 30 : (uInt)in_left;
		uInt out = out_left > (1u << 30) ? 1u << 30 : (uInt)out_left;
		z.avail_in = in;
		z.next_out = j->dst + (j->cap - out_left);
		z.avail_out = out;
		rc = inflate(&z, Z_FINISH);
		in_left -= in - z.avail_in;
		out_left -= out - z.avail_out;
	} while (rc == Z_BUF_ERROR && ((z.avail_in == 0 && in_left) ||
				       (z.avail_out == 0 && out_left)));
	size_t at = j->len - in_left;
	j->out = j->cap - out_left;
	inflateEnd(&z);
	if (rc == Z_STREAM_END) {
		j->consumed = at;
		return 0;
	}
	if (rc == Z_MEM_ERROR)
		return dc_fail_memory(j, at);
	if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
		return dc_fail(j, at, "corrupt data (%s)", z.msg ? z.msg : "inflate");
	if (out_left == 0)
		return dc_fail(j, at, "output buffer too small (cap %zu)", j->cap);
	return dc_fail(j, at, "truncated: the stream ends before its end marker");
}
