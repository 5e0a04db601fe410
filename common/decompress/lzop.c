/*
 * LZO in the lzop container (what `lzop` writes, and Linux's lzo
 * payloads), read here; each block is liblzo2's (liblzo2-dev)
 * lzo1x_decompress_safe.
 *
 *   magic (9), version (2), library version (2), [version needed (2)],
 *   method (1), [level (1)], flags (4), [filter (4)], mode (4),
 *   mtime (4), [mtime high (4)], name length (1), name, header checksum (4),
 *   [extra field: length (4), data, checksum (4)]
 *   blocks: decoded size (4; 0 ends), stored size (4), the checksums the
 *   flags ask for, the data (stored as is when both sizes are equal)
 *
 * Numbers are big-endian; the [bracketed] fields exist from container
 * version 0x0940 on, or when a flag says so. Every checksum present is
 * verified: lzop's own blocks carry Adler-32 or CRC-32 of their data.
 */
#include <lzo/lzo1x.h>

#include "internal.h"
#include "libc.h"

#define LZOP_MAGIC_LEN 9
#define F_ADLER32_D 0x0001u
#define F_ADLER32_C 0x0002u
#define F_H_EXTRA_FIELD 0x0040u
#define F_CRC32_D 0x0100u
#define F_CRC32_C 0x0200u
#define F_H_FILTER 0x0800u
#define F_H_CRC32 0x1000u
/* lzop itself never writes a block bigger than this. */
#define LZOP_MAX_BLOCK (64u << 20)
#define LZOP_NEW_HEADER 0x0940u

struct reader {
	struct dc_job *j;
	size_t at;
};

static int need(struct reader *r, size_t n, const char *what)
{
	if (n > r->j->len - r->at)
		return dc_fail(r->j, r->at, "truncated: %s needs %zu bytes, %zu left", what, n,
			       r->j->len - r->at);
	return 0;
}

static int u8(struct reader *r, uint32_t *v, const char *what)
{
	if (need(r, 1, what))
		return -1;
	*v = r->j->src[r->at++];
	return 0;
}

static int u16(struct reader *r, uint32_t *v, const char *what)
{
	if (need(r, 2, what))
		return -1;
	*v = (uint32_t)r->j->src[r->at] << 8 | r->j->src[r->at + 1];
	r->at += 2;
	return 0;
}

static int u32(struct reader *r, uint32_t *v, const char *what)
{
	if (need(r, 4, what))
		return -1;
	*v = eb_be32(r->j->src + r->at);
	r->at += 4;
	return 0;
}

static int header(struct reader *r, uint32_t *flags)
{
	struct dc_job *j = r->j;
	uint32_t version, libver, needed = 0, method, level, v, name_len, sum;
	r->at = LZOP_MAGIC_LEN;
	size_t start = r->at;
	if (u16(r, &version, "version") || u16(r, &libver, "library version"))
		return -1;
	if (version >= LZOP_NEW_HEADER && u16(r, &needed, "version needed"))
		return -1;
	size_t at_method = r->at;
	if (u8(r, &method, "method"))
		return -1;
	if (method < 1 || method > 3) /* LZO1X-1, LZO1X-1(15), LZO1X-999 */
		return dc_fail(j, at_method, "method %u is not LZO1X (1..3)", method);
	if (version >= LZOP_NEW_HEADER && u8(r, &level, "level"))
		return -1;
	if (u32(r, flags, "flags"))
		return -1;
	if (*flags & F_H_FILTER) {
		size_t at_filter = r->at;
		if (u32(r, &v, "filter"))
			return -1;
		return dc_fail(j, at_filter, "filter %u is not supported", v);
	}
	if (u32(r, &v, "mode") || u32(r, &v, "mtime"))
		return -1;
	if (version >= LZOP_NEW_HEADER && u32(r, &v, "mtime high"))
		return -1;
	if (u8(r, &name_len, "name length") || need(r, name_len, "name"))
		return -1;
	r->at += name_len;
	uint32_t want = *flags & F_H_CRC32 ? lzo_crc32(0, j->src + start, r->at - start)
					   : lzo_adler32(1, j->src + start, r->at - start);
	size_t at_sum = r->at;
	if (u32(r, &sum, "header checksum"))
		return -1;
	if (sum != want)
		return dc_fail(j, at_sum, "header checksum 0x%08x, the header gives 0x%08x", sum, want);
	if (*flags & F_H_EXTRA_FIELD) {
		uint32_t extra;
		if (u32(r, &extra, "extra field length") || need(r, extra, "extra field"))
			return -1;
		r->at += extra;
		if (u32(r, &v, "extra field checksum"))
			return -1;
	}
	return 0;
}

/* A block's checksums: Adler-32 first, then CRC-32, as the flags say. */
static int checksums(struct reader *r, uint32_t flags, uint32_t f_adler, uint32_t f_crc,
		     uint32_t sums[2])
{
	sums[0] = sums[1] = 0;
	if ((flags & f_adler) && u32(r, &sums[0], "block Adler-32"))
		return -1;
	if ((flags & f_crc) && u32(r, &sums[1], "block CRC-32"))
		return -1;
	return 0;
}

static int verify(struct reader *r, size_t at, uint32_t flags, uint32_t f_adler,
		  uint32_t f_crc, const uint32_t sums[2], const uint8_t *p, size_t n,
		  const char *what)
{
	if ((flags & f_adler) && lzo_adler32(1, p, n) != sums[0])
		return dc_fail(r->j, at, "Adler-32 of the block's %s data does not match", what);
	if ((flags & f_crc) && lzo_crc32(0, p, n) != sums[1])
		return dc_fail(r->j, at, "CRC-32 of the block's %s data does not match", what);
	return 0;
}

int dc_lzo(struct dc_job *j)
{
	struct reader r = { j, 0 };
	uint32_t flags;
	if (header(&r, &flags))
		return -1;
	for (;;) {
		size_t at_block = r.at;
		uint32_t dlen, slen, dsum[2], csum[2] = { 0, 0 };
		if (u32(&r, &dlen, "block size"))
			return -1;
		if (dlen == 0)
			break;
		if (u32(&r, &slen, "stored block size"))
			return -1;
		if (dlen > LZOP_MAX_BLOCK || slen == 0 || slen > dlen)
			return dc_fail(j, at_block, "block sizes %u (stored) / %u (decoded) out of range",
				       slen, dlen);
		if (checksums(&r, flags, F_ADLER32_D, F_CRC32_D, dsum))
			return -1;
		if (slen < dlen && checksums(&r, flags, F_ADLER32_C, F_CRC32_C, csum))
			return -1;
		if (need(&r, slen, "block data"))
			return -1;
		if (dlen > j->cap - j->out)
			return dc_fail(j, at_block, "output buffer too small (cap %zu)", j->cap);
		const uint8_t *data = j->src + r.at;
		uint8_t *out = j->dst + j->out;
		if (slen == dlen) {
			memcpy(out, data, dlen);
		} else {
			if (verify(&r, r.at, flags, F_ADLER32_C, F_CRC32_C, csum, data, slen, "stored"))
				return -1;
			lzo_uint got = dlen;
			int e = lzo1x_decompress_safe(data, slen, out, &got, NULL);
			if (e != LZO_E_OK || got != dlen)
				return dc_fail(j, r.at, "corrupt block (lzo error %d, %lu of %u bytes)", e,
					       (unsigned long)got, dlen);
		}
		if (verify(&r, r.at, flags, F_ADLER32_D, F_CRC32_D, dsum, out, dlen, "decoded"))
			return -1;
		r.at += slen;
		j->out += dlen;
	}
	j->consumed = r.at;
	return 0;
}
