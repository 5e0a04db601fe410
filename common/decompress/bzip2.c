/*
 * bzip2, decoded here (docs/decompress.md says why: Debian's libbz2.a
 * brings stdio with it). Written from the format description:
 *
 *   stream: "BZh" and the block size digit '1'..'9' (x 100000 bytes), then
 *           blocks, then the end marker 0x177245385090, the stream CRC and
 *           padding to a byte; streams may follow each other
 *   block:  marker 0x314159265359, CRC of its output, a "randomised" bit,
 *           the 24-bit origin pointer of the Burrows-Wheeler transform, the
 *           bitmap of byte values used, 2..6 Huffman tables with their
 *           selectors (one table per 50 symbols, move-to-front coded), the
 *           code lengths (delta coded), and the symbols: move-to-front
 *           indexes with zero runs in bijective base 2 (RUNA, RUNB)
 *   output: undo the BWT, then the initial run-length coding (4 equal
 *           bytes and a count of more)
 *
 * Bits are read most significant first. Randomised blocks, which no
 * encoder has written since bzip2 0.9.5, are refused. The BWT vector (4
 * bytes a symbol, up to 3.6 MB) comes from the arena.
 */
#include "arena.h"
#include "internal.h"
#include "libc.h"

#define BZ_BLOCK_MAGIC 0x314159265359ULL
#define BZ_END_MAGIC 0x177245385090ULL
#define BZ_MAX_GROUPS 6
#define BZ_MIN_GROUPS 2
#define BZ_GROUP_SIZE 50
#define BZ_MAX_ALPHA 258
#define BZ_MAX_CODE_LEN 20
#define BZ_MAX_SELECTORS (2 + 900000 / BZ_GROUP_SIZE)
#define BZ_FAST_BITS 10

struct bitreader {
	const uint8_t *p;
	size_t len, pos;
	uint64_t buf; /* the next bits, most significant first */
	unsigned n;   /* how many of buf's top bits are input */
	int eof;      /* a read went past the input */
};

static void refill(struct bitreader *b)
{
	while (b->n <= 56 && b->pos < b->len) {
		b->buf |= (uint64_t)b->p[b->pos++] << (56 - b->n);
		b->n += 8;
	}
}

/* The next k (1..24) bits, not consumed; zeros past the end of the input. */
static uint32_t peek(struct bitreader *b, unsigned k)
{
	if (b->n < k)
		refill(b);
	return (uint32_t)(b->buf >> (64 - k));
}

static void skip(struct bitreader *b, unsigned k)
{
	if (b->n < k) {
		refill(b);
		if (b->n < k) {
			b->eof = 1;
			b->buf = 0;
			b->n = 0;
			return;
		}
	}
	b->buf <<= k;
	b->n -= k;
}

static uint32_t bits(struct bitreader *b, unsigned k)
{
	uint32_t v = peek(b, k);
	skip(b, k);
	return v;
}

/* The byte holding the next unread bit: where an error points. */
static size_t offset(const struct bitreader *b)
{
	return b->pos - b->n / 8;
}

struct huffman {
	int first[BZ_MAX_CODE_LEN + 2]; /* first code of each length */
	int count[BZ_MAX_CODE_LEN + 2];
	int index[BZ_MAX_CODE_LEN + 2]; /* where each length starts in sym */
	uint16_t sym[BZ_MAX_ALPHA];     /* symbols by length, then value */
	/* Codes up to BZ_FAST_BITS long, looked up at once: symbol << 5 | length. */
	uint16_t fast[1u << BZ_FAST_BITS];
	unsigned min_len, max_len;
};

struct bz {
	struct dc_job *j;
	struct bitreader br;
	uint32_t *tt;
	uint32_t block_max;
	uint8_t used[256]; /* byte values in use, in order */
	unsigned nused;
	uint8_t selector[BZ_MAX_SELECTORS];
	unsigned nselectors;
	unsigned ngroups;
	struct huffman group[BZ_MAX_GROUPS];
	uint32_t crc_table[256];
};

static void crc_init(uint32_t *t)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i << 24;
		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? c << 1 ^ 0x04c11db7u : c << 1;
		t[i] = c;
	}
}

static int fail(struct bz *z, const char *what)
{
	if (z->br.eof)
		return dc_fail(z->j, z->br.len, "truncated: the input ends inside %s", what);
	return dc_fail(z->j, offset(&z->br), "bad %s", what);
}

static int build_huffman(struct huffman *h, const uint8_t *len, unsigned alpha)
{
	memset(h->count, 0, sizeof h->count);
	h->min_len = BZ_MAX_CODE_LEN;
	h->max_len = 0;
	for (unsigned s = 0; s < alpha; s++) {
		h->count[len[s]]++;
		if (len[s] < h->min_len)
			h->min_len = len[s];
		if (len[s] > h->max_len)
			h->max_len = len[s];
	}
	int code = 0, at = 0;
	for (unsigned l = 1; l <= BZ_MAX_CODE_LEN; l++) {
		h->first[l] = code;
		h->index[l] = at;
		/* Too many codes of this length: not a prefix code. */
		if (code + h->count[l] > (1 << l))
			return -1;
		code = (code + h->count[l]) << 1;
		at += h->count[l];
	}
	int fill[BZ_MAX_CODE_LEN + 2];
	memcpy(fill, h->index, sizeof fill);
	for (unsigned s = 0; s < alpha; s++)
		h->sym[fill[len[s]]++] = (uint16_t)s;
	memset(h->fast, 0, sizeof h->fast);
	for (unsigned l = 1; l <= BZ_FAST_BITS; l++)
		for (int i = 0; i < h->count[l]; i++) {
			unsigned c = (unsigned)(h->first[l] + i) << (BZ_FAST_BITS - l);
			unsigned span = 1u << (BZ_FAST_BITS - l);
			uint16_t e = (uint16_t)(h->sym[h->index[l] + i] << 5 | l);
			for (unsigned k = 0; k < span; k++)
				h->fast[c + k] = e;
		}
	return 0;
}

/* One symbol, or -1 for a bit string that is no code. */
static int decode_symbol(struct bitreader *b, const struct huffman *h)
{
	uint16_t e = h->fast[peek(b, BZ_FAST_BITS)];
	if (e) {
		skip(b, e & 31);
		return e >> 5;
	}
	uint32_t v = peek(b, h->max_len);
	for (unsigned l = BZ_FAST_BITS + 1; l <= h->max_len; l++) {
		int c = (int)(v >> (h->max_len - l));
		if (c - h->first[l] < h->count[l] && c >= h->first[l]) {
			skip(b, l);
			return h->sym[h->index[l] + c - h->first[l]];
		}
	}
	return -1;
}

static int read_tables(struct bz *z)
{
	struct bitreader *b = &z->br;
	uint32_t groups16 = bits(b, 16);
	z->nused = 0;
	for (unsigned i = 0; i < 16; i++)
		if (groups16 & (0x8000u >> i)) {
			uint32_t m = bits(b, 16);
			for (unsigned k = 0; k < 16; k++)
				if (m & (0x8000u >> k))
					z->used[z->nused++] = (uint8_t)(i * 16 + k);
		}
	if (z->nused == 0)
		return fail(z, "symbol map (no byte value in use)");
	unsigned alpha = z->nused + 2;
	z->ngroups = bits(b, 3);
	if (z->ngroups < BZ_MIN_GROUPS || z->ngroups > BZ_MAX_GROUPS)
		return fail(z, "number of Huffman tables");
	unsigned nsel = bits(b, 15);
	if (nsel == 0)
		return fail(z, "number of selectors");
	uint8_t mtf[BZ_MAX_GROUPS];
	for (unsigned g = 0; g < z->ngroups; g++)
		mtf[g] = (uint8_t)g;
	z->nselectors = 0;
	for (unsigned i = 0; i < nsel; i++) {
		unsigned k = 0;
		while (bits(b, 1)) {
			if (++k >= z->ngroups || b->eof)
				return fail(z, "selector");
		}
		uint8_t g = mtf[k];
		for (; k > 0; k--)
			mtf[k] = mtf[k - 1];
		mtf[0] = g;
		/* Selectors past what a block can use are read and dropped. */
		if (z->nselectors < BZ_MAX_SELECTORS)
			z->selector[z->nselectors++] = g;
	}
	for (unsigned g = 0; g < z->ngroups; g++) {
		uint8_t len[BZ_MAX_ALPHA];
		int cur = (int)bits(b, 5);
		for (unsigned s = 0; s < alpha; s++) {
			for (;;) {
				if (cur < 1 || cur > BZ_MAX_CODE_LEN || b->eof)
					return fail(z, "Huffman code length");
				if (!bits(b, 1))
					break;
				cur += bits(b, 1) ? -1 : 1;
			}
			len[s] = (uint8_t)cur;
		}
		if (build_huffman(&z->group[g], len, alpha))
			return fail(z, "Huffman code lengths (not a prefix code)");
	}
	return b->eof ? fail(z, "Huffman tables") : 0;
}

/* Huffman and move-to-front decoding into tt; returns the block's length. */
static int read_symbols(struct bz *z, uint32_t *nblock, uint32_t counts[256])
{
	struct bitreader *b = &z->br;
	uint8_t mtf[256];
	for (unsigned i = 0; i < 256; i++)
		mtf[i] = (uint8_t)i;
	unsigned eob = z->nused + 1;
	uint32_t n = 0, run = 0, weight = 1;
	memset(counts, 0, 256 * sizeof counts[0]);
	for (unsigned sel = 0;; sel++) {
		if (sel >= z->nselectors)
			return fail(z, "block (more symbols than selectors)");
		const struct huffman *h = &z->group[z->selector[sel]];
		for (unsigned k = 0; k < BZ_GROUP_SIZE; k++) {
			int s = decode_symbol(b, h);
			if (s < 0 || b->eof)
				return fail(z, "Huffman code");
			if (s <= 1) { /* RUNA, RUNB: a digit of the zero run */
				if (weight > z->block_max)
					return fail(z, "run length (longer than the block)");
				run += weight << s;
				weight <<= 1;
				continue;
			}
			if (run) {
				uint8_t v = z->used[mtf[0]];
				if (run > z->block_max - n)
					return fail(z, "run length (longer than the block)");
				counts[v] += run;
				while (run--)
					z->tt[n++] = v;
				run = 0;
				weight = 1;
			}
			if ((unsigned)s == eob) {
				*nblock = n;
				return 0;
			}
			if (n >= z->block_max)
				return fail(z, "block (longer than its stream header allows)");
			unsigned i = (unsigned)s - 1;
			uint8_t m = mtf[i];
			memmove(mtf + 1, mtf, i);
			mtf[0] = m;
			uint8_t v = z->used[m];
			counts[v]++;
			z->tt[n++] = v;
		}
	}
}

/* Undo the BWT and the initial run-length coding into the output. */
static int emit_block(struct bz *z, uint32_t nblock, uint32_t orig, const uint32_t counts[256],
		      uint32_t *crc_out, size_t at_block)
{
	struct dc_job *j = z->j;
	uint32_t start[256], sum = 0;
	for (unsigned i = 0; i < 256; i++) {
		start[i] = sum;
		sum += counts[i];
	}
	for (uint32_t i = 0; i < nblock; i++) {
		uint8_t v = (uint8_t)z->tt[i];
		z->tt[start[v]++] |= i << 8;
	}
	uint32_t crc = 0xffffffffu, pos = z->tt[orig] >> 8;
	unsigned last = 256, same = 0;
	uint8_t *out = j->dst + j->out, *end = j->dst + j->cap;
	for (uint32_t i = 0; i < nblock; i++) {
		uint32_t t = z->tt[pos];
		uint8_t v = (uint8_t)t;
		pos = t >> 8;
		if (same == 4) { /* a count of more copies of the run's byte */
			if (v > end - out)
				goto full;
			for (unsigned k = 0; k < v; k++) {
				*out++ = (uint8_t)last;
				crc = crc << 8 ^ z->crc_table[(crc >> 24) ^ last];
			}
			same = 0;
			last = 256;
			continue;
		}
		same = v == last ? same + 1 : 1;
		last = v;
		if (out == end)
			goto full;
		*out++ = v;
		crc = crc << 8 ^ z->crc_table[(crc >> 24) ^ v];
	}
	j->out = (size_t)(out - j->dst);
	*crc_out = ~crc;
	return 0;
full:
	return dc_fail(j, at_block, "output buffer too small (cap %zu)", j->cap);
}

static int one_stream(struct bz *z, size_t start)
{
	struct bitreader *b = &z->br;
	struct dc_job *j = z->j;
	b->pos = start;
	b->buf = 0;
	b->n = 0;
	if (bits(b, 24) != 0x425a68) /* "BZh" */
		return dc_fail(j, start, "no stream header");
	uint32_t level = bits(b, 8);
	if (level < '1' || level > '9')
		return dc_fail(j, start + 3, "block size digit 0x%02x is not '1'..'9'", level);
	z->block_max = (level - '0') * 100000;
	uint32_t combined = 0;
	for (;;) {
		size_t at_block = offset(b);
		uint64_t magic = (uint64_t)bits(b, 24) << 24 | bits(b, 24);
		uint32_t crc = bits(b, 16) << 16;
		crc |= bits(b, 16);
		if (b->eof)
			return fail(z, "block header");
		if (magic == BZ_END_MAGIC) {
			if (crc != combined)
				return dc_fail(j, at_block, "stream CRC 0x%08x, the blocks give 0x%08x", crc,
					       combined);
			skip(b, b->n % 8); /* padding to a byte */
			return 0;
		}
		if (magic != BZ_BLOCK_MAGIC)
			return dc_fail(j, at_block, "neither a block nor the end marker");
		if (bits(b, 1))
			return dc_fail(j, at_block, "randomised block (bzip2 before 0.9.5) not supported");
		uint32_t orig = bits(b, 24);
		if (read_tables(z))
			return -1;
		uint32_t nblock = 0, counts[256], got = 0;
		if (read_symbols(z, &nblock, counts))
			return -1;
		if (nblock == 0 || orig >= nblock)
			return dc_fail(j, at_block, "origin pointer %u outside the %u-byte block", orig,
				       nblock);
		if (emit_block(z, nblock, orig, counts, &got, at_block))
			return -1;
		if (got != crc)
			return dc_fail(j, at_block, "block CRC 0x%08x, the data gives 0x%08x", crc, got);
		combined = (combined << 1 | combined >> 31) ^ crc;
	}
}

int dc_bzip2(struct dc_job *j)
{
	struct bz *z = dc_alloc(sizeof *z);
	if (!z)
		return dc_fail_memory(j, 0);
	z->j = j;
	z->br = (struct bitreader){ .p = j->src, .len = j->len };
	z->tt = dc_alloc(900000 * sizeof z->tt[0]);
	if (!z->tt)
		return dc_fail_memory(j, 0);
	crc_init(z->crc_table);
	size_t at = 0;
	for (;;) {
		if (one_stream(z, at))
			return -1;
		at = z->br.pos - z->br.n / 8;
		/* Another stream, unless what is left is Linux's size trailer. */
		if (j->len - at <= 4 || memcmp(j->src + at, "BZh", 3) != 0)
			break;
	}
	j->consumed = at;
	return 0;
}
