/*
 * XZ and LZMA ("alone", .lzma) through liblzma (liblzma-dev). XZ's index,
 * block checks and BCJ filters are liblzma's; both decoders get the arena
 * as their allocator and no memory limit of their own (the arena is it).
 */
#include <lzma.h>

#include "arena.h"
#include "internal.h"

static void *lz_alloc(void *opaque, size_t nmemb, size_t size)
{
	(void)opaque;
	return dc_calloc(nmemb, size);
}

static void lz_free(void *opaque, void *p)
{
	(void)opaque;
	dc_free(p);
}

static const lzma_allocator arena_allocator = { lz_alloc, lz_free, NULL };

static const char *lzma_why(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR: return "not a valid header";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	case LZMA_DATA_ERROR: return "corrupt data";
	case LZMA_BUF_ERROR: return "truncated";
	case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
	default: return "decoder error";
	}
}

static int run(struct dc_job *j, lzma_stream *s)
{
	/* liblzma makes no progress without room for output, even on a stream
	 * that decodes to nothing: then it gets one byte of its own, and
	 * filling it means the (empty) buffer was too small. */
	uint8_t scratch;
	s->next_in = j->src;
	s->avail_in = j->len;
	s->next_out = j->cap ? j->dst : &scratch;
	s->avail_out = j->cap ? j->cap : 1;
	/* A call that makes progress says LZMA_OK; the next one without
	 * progress says why it stopped (LZMA_BUF_ERROR: input or room). */
	lzma_ret r;
	do
		r = lzma_code(s, LZMA_FINISH);
	while (r == LZMA_OK);
	size_t at = (size_t)(s->next_in - j->src);
	j->out = j->cap ? (size_t)(s->next_out - j->dst) : (size_t)(s->next_out - &scratch);
	lzma_end(s);
	if (j->out > j->cap)
		return dc_fail(j, at, "output buffer too small (cap %zu)", j->cap);
	if (r == LZMA_STREAM_END) {
		j->consumed = at;
		return 0;
	}
	if (r == LZMA_MEM_ERROR)
		return dc_fail_memory(j, at);
	if (r == LZMA_BUF_ERROR && j->out == j->cap)
		return dc_fail(j, at, "output buffer too small (cap %zu)", j->cap);
	if (r == LZMA_BUF_ERROR)
		return dc_fail(j, at, "truncated: the stream ends before its end marker");
	return dc_fail(j, at, "%s (lzma_code %d)", lzma_why(r), (int)r);
}

int dc_xz(struct dc_job *j)
{
	lzma_stream s = LZMA_STREAM_INIT;
	s.allocator = &arena_allocator;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return dc_fail_memory(j, 0);
	return run(j, &s);
}

int dc_lzma(struct dc_job *j)
{
	lzma_stream s = LZMA_STREAM_INIT;
	s.allocator = &arena_allocator;
	if (lzma_alone_decoder(&s, UINT64_MAX) != LZMA_OK)
		return dc_fail_memory(j, 0);
	return run(j, &s);
}
