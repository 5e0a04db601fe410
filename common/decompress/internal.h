/*
 * What the format decoders of common/decompress/ share: one job (the call's
 * buffers and error line) and how they report a fault.
 */
#ifndef EARLYBOOT_DECOMPRESS_INTERNAL_H
#define EARLYBOOT_DECOMPRESS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "byteorder.h"
#include "decompress.h"

struct dc_job {
	const uint8_t *src;
	size_t len;
	uint8_t *dst;
	size_t cap;
	size_t out;      /* bytes written to dst so far */
	size_t consumed; /* input bytes the stream took, trailer excluded */
	const char *name; /* the format, for error lines */
	char *err;
	size_t errlen;
};

/* Write "<format>: <message> at input offset 0x<off>" and return -1. */
int dc_fail(struct dc_job *j, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The arena ran dry: name the request that did not fit. */
int dc_fail_memory(struct dc_job *j, size_t off);

/*
 * One decoder per format: decode j->src into j->dst, set j->out and
 * j->consumed (where the compressed stream ended), return 0; or dc_fail.
 * eb_decompress judges what follows j->consumed.
 */
int dc_gzip(struct dc_job *j);
int dc_bzip2(struct dc_job *j);
int dc_lzma(struct dc_job *j);
int dc_xz(struct dc_job *j);
int dc_lzo(struct dc_job *j);
int dc_lz4(struct dc_job *j);
int dc_zstd(struct dc_job *j);

#endif
