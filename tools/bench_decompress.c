/*
 * make bench: each decoder of common/decompress/ (compiled as the images
 * compile it: -O2, no SIMD in our code; Debian's archives as built) next
 * to the hosted library on the same compressed input, in MB/s of decoded
 * output. The input is the first 16 MiB of the vmlinux of the first
 * installed Debian kernel (decoded by the layer itself; the slow
 * compressors at their kernel levels make a whole one take minutes), or a
 * built-in 8 MiB mix of text and
 * binary when none is installed; each format's file is made by its CLI
 * tool. For bzip2 the comparison is our decoder against libbz2; for the
 * others it is our wrapper (arena, block walk, checks) around the very
 * library the reference calls directly. LZO's reference is `lzop -dc`
 * (the container is ours, liblzo2 has none), timed with its process.
 */
#define _GNU_SOURCE
#include <asm/bootparam.h>
#include <bzlib.h>
#include <glob.h>
#include <lz4.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress/decompress.h"

#define MIB (1u << 20)
#define ARENA (96u * MIB)
#define INPUT_MAX (16u * MIB)

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_decompress: %s\n", what);
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	fstat(fileno(f), &st);
	unsigned char *p = malloc((size_t)st.st_size + 1);
	*n = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	return p;
}

static unsigned char *filter(const char *cmd, const unsigned char *in, size_t n, size_t *outn)
{
	char ip[] = "/tmp/eb-bench-inXXXXXX", op[] = "/tmp/eb-bench-outXXXXXX";
	int fi = mkstemp(ip), fo = mkstemp(op);
	close(fo);
	if (fi < 0 || write(fi, in, n) != (ssize_t)n)
		die("cannot write a temporary file");
	close(fi);
	char sh[512];
	snprintf(sh, sizeof sh, "%s <%s >%s", cmd, ip, op);
	unsigned char *out = system(sh) == 0 ? slurp(op, outn) : NULL;
	unlink(ip);
	unlink(op);
	return out;
}

static unsigned char *arena, *out;
static size_t out_cap;

/* The input: a Debian kernel's vmlinux, else a built-in mix. */
static unsigned char *input(size_t *n, char *what, size_t whatlen)
{
	glob_t g;
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) == 0) {
		size_t kn;
		unsigned char *k = slurp(g.gl_pathv[0], &kn);
		const struct boot_params *bp = (const void *)k;
		if (k && kn > sizeof *bp && bp->hdr.header == 0x53726448) {
			size_t off = ((size_t)(bp->hdr.setup_sects ? bp->hdr.setup_sects : 4) + 1) * 512 +
				     bp->hdr.payload_offset;
			char err[200];
			unsigned char *v = malloc(256 * MIB);
			eb_decompress_arena(arena, ARENA);
			if (off + bp->hdr.payload_length <= kn &&
			    eb_decompress(k + off, bp->hdr.payload_length, v, 256 * MIB, n, err,
					  sizeof err) == 0) {
				if (*n > INPUT_MAX)
					*n = INPUT_MAX;
				snprintf(what, whatlen, "the first %zu bytes of the vmlinux of %s", *n,
					 g.gl_pathv[0]);
				free(k);
				globfree(&g);
				return v;
			}
			free(v);
		}
		free(k);
		globfree(&g);
	}
	*n = 8 * MIB;
	unsigned char *p = malloc(*n);
	uint32_t x = 1;
	static const char words[] = "page table entry frame pinned lazy direct map kernel ";
	for (size_t i = 0; i < *n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (i >> 15) % 3 == 0 ? (uint8_t)(x >> 24) : (uint8_t)words[(i * 7) % 52];
	}
	snprintf(what, whatlen, "built-in 8 MiB mix (no /boot/vmlinuz-*)");
	return p;
}

struct fmt {
	const char *name, *compress;
	/* the hosted reference: decode z into out, return the decoded size */
	size_t (*hosted)(const unsigned char *z, size_t zn);
	const char *hosted_name;
};

static size_t h_gzip(const unsigned char *z, size_t zn)
{
	z_stream s = { 0 };
	inflateInit2(&s, 16 + MAX_WBITS);
	s.next_in = (unsigned char *)z;
	s.avail_in = (uInt)zn;
	s.next_out = out;
	s.avail_out = (uInt)out_cap;
	int rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	return rc == Z_STREAM_END ? s.total_out : 0;
}

static size_t h_bzip2(const unsigned char *z, size_t zn)
{
	unsigned int n = (unsigned int)out_cap;
	return BZ2_bzBuffToBuffDecompress((char *)out, &n, (char *)z, (unsigned)zn, 0, 0) == BZ_OK ? n : 0;
}

static size_t h_lzma_common(lzma_stream *s, const unsigned char *z, size_t zn)
{
	s->next_in = z;
	s->avail_in = zn;
	s->next_out = out;
	s->avail_out = out_cap;
	lzma_ret r = lzma_code(s, LZMA_FINISH);
	size_t n = out_cap - s->avail_out;
	lzma_end(s);
	return r == LZMA_STREAM_END ? n : 0;
}

static size_t h_lzma(const unsigned char *z, size_t zn)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_alone_decoder(&s, UINT64_MAX) != LZMA_OK)
		return 0;
	return h_lzma_common(&s, z, zn);
}

static size_t h_xz(const unsigned char *z, size_t zn)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return 0;
	return h_lzma_common(&s, z, zn);
}

static size_t h_zstd(const unsigned char *z, size_t zn)
{
	size_t r = ZSTD_decompress(out, out_cap, z, zn);
	return ZSTD_isError(r) ? 0 : r;
}

/* The bare legacy-frame loop around liblz4: chunk size, block. */
static size_t h_lz4(const unsigned char *z, size_t zn)
{
	size_t at = 4, n = 0;
	while (zn - at > 4) {
		uint32_t c;
		memcpy(&c, z + at, 4);
		int r = LZ4_decompress_safe((const char *)z + at + 4, (char *)out + n, (int)c,
					    (int)(out_cap - n));
		if (r < 0)
			return 0;
		n += (size_t)r;
		at += 4 + c;
	}
	return n;
}

static size_t h_lzo_cli(const unsigned char *z, size_t zn)
{
	size_t n = 0;
	unsigned char *p = filter("lzop -dc", z, zn, &n);
	free(p);
	return p ? n : 0;
}

static const struct fmt fmts[] = {
	{ "gzip", "gzip -9 -n -c", h_gzip, "zlib inflate" },
	{ "bzip2", "bzip2 -9 -c", h_bzip2, "libbz2" },
	{ "lzma", "xz --format=lzma -6 -c", h_lzma, "liblzma" },
	{ "xz", "xz --check=crc32 --x86 --lzma2=preset=6 -c", h_xz, "liblzma" },
	{ "lzo", "lzop -9 -c", h_lzo_cli, "lzop -dc (CLI)" },
	{ "lz4", "lz4 -l -9 -c", h_lz4, "liblz4 blocks" },
	{ "zstd", "zstd -19 -q -c", h_zstd, "ZSTD_decompress" },
};

/* Run fn until 0.3 s have passed (at least twice); MB/s of output. */
static double rate(size_t (*fn)(const unsigned char *, size_t), const unsigned char *z,
		   size_t zn, size_t want)
{
	unsigned runs = 0;
	double t0 = now(), t;
	do {
		if (fn(z, zn) != want)
			return -1;
		runs++;
		t = now() - t0;
	} while (t < 0.3 || runs < 2);
	return (double)want * runs / t / 1e6;
}

static size_t ours(const unsigned char *z, size_t zn)
{
	size_t n = 0;
	char err[200];
	eb_decompress_arena(arena, ARENA);
	if (eb_decompress(z, zn, out, out_cap, &n, err, sizeof err)) {
		fprintf(stderr, "bench_decompress: %s\n", err);
		return 0;
	}
	return n;
}

int main(void)
{
	arena = malloc(ARENA);
	char what[160];
	size_t n;
	unsigned char *in = input(&n, what, sizeof what);
	out_cap = n + MIB;
	out = malloc(out_cap);
	if (!arena || !in || !out)
		die("out of memory");
	printf("decompress: %s; MB/s of decoded output (tools/bench_decompress.c)\n", what);
	printf("decompress: %-6s %10s %10s %10s  %s\n", "format", "compressed", "ours", "hosted", "hosted is");
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		const struct fmt *f = &fmts[i];
		size_t zn;
		unsigned char *z = filter(f->compress, in, n, &zn);
		if (!z) {
			printf("decompress: %-6s skipped: `%s` failed (is its tool installed?)\n", f->name,
			       f->compress);
			continue;
		}
		double a = rate(ours, z, zn, n), b = rate(f->hosted, z, zn, n);
		if (a < 0 || b < 0 || memcmp(out, in, n) != 0)
			printf("decompress: %-6s %10zu  FAILED to decode to the input\n", f->name, zn);
		else
			printf("decompress: %-6s %10zu %10.1f %10.1f  %s\n", f->name, zn, a, b,
			       f->hosted_name);
		free(z);
	}
	return 0;
}
