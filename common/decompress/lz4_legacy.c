/*
 * LZ4's legacy frame (what `lz4 -l` writes, and Linux's lz4 payloads):
 * the magic 0x184c2102, then chunks, each a little-endian 32-bit
 * compressed size and an LZ4 block that decodes to at most 8 MiB. No
 * checksums. The frame ends with the input; another legacy magic at a
 * chunk boundary starts a new frame (concatenated files), and 4 bytes left
 * at a boundary are Linux's size trailer (eb_decompress judges them). Each
 * block is liblz4's (liblz4-dev) LZ4_decompress_safe.
 */
#include <lz4.h>

#include "internal.h"

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

int dc_lz4(struct dc_job *j)
{
	size_t at = 4; /* eb_decompress saw the magic */
	while (j->len - at > 4) {
		uint32_t csize = eb_le32(j->src + at);
		if (csize == LZ4_LEGACY_MAGIC) {
			at += 4;
			continue;
		}
		if (csize == 0 || csize > (uint32_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK))
			return dc_fail(j, at, "chunk size %u out of range (1..%d)", csize,
				       LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK));
		if (csize > j->len - at - 4)
			return dc_fail(j, at, "truncated: chunk of %u bytes, %zu left", csize,
				       j->len - at - 4);
		size_t room = j->cap - j->out;
		if (room > LZ4_LEGACY_BLOCK)
			room = LZ4_LEGACY_BLOCK;
		int n = LZ4_decompress_safe((const char *)j->src + at + 4,
					    (char *)j->dst + j->out, (int)csize, (int)room);
		if (n < 0) {
			/* A chunk that decodes cleanly up to the end of our room
			 * wanted more room than there was, which is no corruption. */
			int part = LZ4_decompress_safe_partial((const char *)j->src + at + 4,
							       (char *)j->dst + j->out, (int)csize,
							       (int)room, (int)room);
			if (room < LZ4_LEGACY_BLOCK && part == (int)room)
				return dc_fail(j, at, "output buffer too small (cap %zu)", j->cap);
			return dc_fail(j, at, "corrupt chunk of %u bytes", csize);
		}
		/* An empty block is the single byte 0 (liblz4's own encoding of
		 * nothing); liblz4 also returns 0 for other one-token blocks, but
		 * only when it has room, so the same input would decode or fail
		 * by the buffer's size. Such a block is corrupt at any size. */
		if (n == 0 && !(csize == 1 && j->src[at + 4] == 0))
			return dc_fail(j, at, "corrupt chunk of %u bytes (decodes to nothing)", csize);
		j->out += (size_t)n;
		at += 4 + csize;
	}
	if (j->len - at > 0 && j->len - at < 4)
		return dc_fail(j, at, "truncated: %zu stray bytes where a chunk size belongs",
			       j->len - at);
	j->consumed = at;
	return 0;
}
