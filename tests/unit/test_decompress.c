/*
 * common/decompress/ against the hosted tools (docs/decompress.md): every
 * format compressed by its own CLI tool and decoded by our layer must come
 * out byte-identical; truncated, corrupted, too-big and foreign inputs must
 * fail with one line naming the format and an input offset. The payloads
 * of the installed Debian kernels (/boot/vmlinuz-*) are decoded too and
 * compared with the CLI tool's output.
 */
#define _GNU_SOURCE
#include <asm/bootparam.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress/decompress.h"
#include "harness.h"
#include "host_io.h"

#define ARENA_SIZE (96u << 20) /* XZ's largest dictionary, 64 MiB, and some */
static unsigned char *arena;

struct buf {
	uint8_t *p;
	size_t n;
};

struct format {
	enum eb_comp_format f;
	const char *tool, *package;
	const char *compress, *decompress; /* shell commands, stdin to stdout */
	int has_check; /* the format detects a flipped data byte */
};

static const struct format formats[] = {
	{ EB_COMP_GZIP, "gzip", "gzip", "gzip -9 -n -c", "gzip -dc", 1 },
	{ EB_COMP_BZIP2, "bzip2", "bzip2", "bzip2 -9 -c", "bzip2 -dc", 1 },
	{ EB_COMP_LZMA, "xz", "xz-utils", "xz --format=lzma -9 -c", "xz --format=lzma -dc", 0 },
	{ EB_COMP_XZ, "xz", "xz-utils", "xz --check=crc32 --x86 --lzma2=preset=6 -c", "xz -dc", 1 },
	{ EB_COMP_LZO, "lzop", "lzop", "lzop -9 -c", "lzop -dc", 1 },
	{ EB_COMP_LZ4, "lz4", "lz4", "lz4 -l -9 -c", "lz4 -dc", 0 },
	{ EB_COMP_ZSTD, "zstd", "zstd", "zstd -19 -q -c", "zstd -dc -q", 1 },
};
#define NFORMATS (sizeof formats / sizeof formats[0])

static void setup_arena(void)
{
	if (!arena) {
		arena = malloc(ARENA_SIZE);
		if (!arena)
			abort();
	}
	eb_decompress_arena(arena, ARENA_SIZE);
}

static void free_buf(void *p)
{
	free(((struct buf *)p)->p);
	free(p);
}

static struct buf *new_buf(size_t n)
{
	struct buf *b = calloc(1, sizeof *b);
	if (!b || !(b->p = malloc(n ? n : 1)))
		abort();
	b->n = n;
	th_defer(free_buf, b);
	return b;
}

static int have_tool(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static void need_tool(const struct format *f)
{
	if (!have_tool(f->tool))
		th_skip("%s not installed (Debian package %s)", f->tool, f->package);
}

/* A th_bytes as a buf of the tests here. */
static struct buf *as_buf(struct th_bytes b)
{
	struct buf *o = new_buf(b.n);
	memcpy(o->p, b.p, b.n);
	return o;
}

static struct buf *read_file(const char *path) { return as_buf(th_read_file(path)); }

/* Run a shell filter over in; its output (the case fails if it fails). */
static struct buf *filter(const char *cmd, const uint8_t *in, size_t n)
{
	return as_buf(th_filter(cmd, in, n));
}

/* Inputs: empty, text-like, random, long runs, and a 3 MB mix. */
static struct buf *sample(int kind)
{
	static const size_t sizes[] = { 0, 20000, 65537, 300000, 3u << 20 };
	size_t n = sizes[kind];
	struct buf *b = new_buf(n);
	uint32_t x = 0x12345678u + (uint32_t)kind;
	static const char words[] = "page table entry frame pinned lazy direct map kernel ";
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		switch (kind) {
		case 1: b->p[i] = (uint8_t)words[(i * 7 + (i >> 9)) % (sizeof words - 1)]; break;
		case 2: b->p[i] = (uint8_t)(x >> 24); break;
		case 3: b->p[i] = (uint8_t)((i / 1000) & 1 ? 0 : (i >> 12)); break;
		default: b->p[i] = (i >> 16) & 1 ? (uint8_t)(x >> 24) : (uint8_t)words[i % 13]; break;
		}
	}
	return b;
}
#define NSAMPLES 5

/* Each sample compressed once per format (the tools are the slow part);
 * a case gets its own copy, which it may corrupt. */
static struct buf *compress(const struct format *f, int kind, const struct buf *in)
{
	static struct buf cache[NFORMATS][NSAMPLES];
	struct buf *c = &cache[f - formats][kind];
	if (!c->p) {
		struct buf *z = filter(f->compress, in->p, in->n);
		c->p = malloc(z->n ? z->n : 1);
		if (!c->p)
			abort();
		memcpy(c->p, z->p, z->n);
		c->n = z->n;
	}
	struct buf *copy = new_buf(c->n);
	memcpy(copy->p, c->p, c->n);
	return copy;
}

/* Decode with the layer; *err gets the error line. Returns 0 or -1. */
static int decode(const uint8_t *src, size_t n, size_t cap, struct buf **out, char *err,
		  size_t errlen)
{
	setup_arena();
	*out = new_buf(cap);
	size_t got = 0;
	int rc = eb_decompress(src, n, (*out)->p, cap, &got, err, errlen);
	if (rc == 0)
		(*out)->n = got;
	return rc;
}

static void check_same(const char *what, const struct buf *got, const struct buf *want)
{
	size_t i = 0;
	size_t n = got->n < want->n ? got->n : want->n;
	while (i < n && got->p[i] == want->p[i])
		i++;
	CHECKF(got->n == want->n && i == n, "%s: %zu bytes, want %zu; first difference at %zu",
	       what, got->n, want->n, i);
}

/* An error line: "<format>: ... at input offset 0x..." and nothing else. */
static void check_error(const char *what, const struct format *f, const char *err,
			const char *must_contain)
{
	const char *name = eb_decompress_format_name(f->f);
	char prefix[32];
	snprintf(prefix, sizeof prefix, "%s: ", name);
	CHECKF(strncmp(err, prefix, strlen(prefix)) == 0, "%s: error \"%s\" does not name %s", what,
	       err, name);
	CHECKF(strstr(err, " at input offset 0x") != NULL, "%s: error \"%s\" names no offset",
	       what, err);
	CHECKF(!strchr(err, '\n'), "%s: error \"%s\" is not one line", what, err);
	if (must_contain)
		CHECKF(strstr(err, must_contain) != NULL, "%s: error \"%s\" lacks \"%s\"", what, err,
		       must_contain);
}

static void roundtrip(const struct format *f)
{
	need_tool(f);
	for (int k = 0; k < NSAMPLES && !th_failed(); k++) {
		struct buf *in = sample(k), *z = compress(f, k, in), *out;
		char err[256] = "";
		CHECK_EQ(eb_decompress_detect(z->p, z->n), f->f);
		int rc = decode(z->p, z->n, in->n + 64, &out, err, sizeof err);
		CHECKF(rc == 0, "sample %d (%zu bytes): %s", k, in->n, err);
		if (rc == 0)
			check_same("decoded", out, in);
		/* With Linux's size trailer after the stream, and an exact fit. */
		struct buf *t = new_buf(z->n + 4);
		memcpy(t->p, z->p, z->n);
		uint32_t size = (uint32_t)in->n;
		memcpy(t->p + z->n, &size, 4);
		rc = decode(t->p, t->n, in->n, &out, err, sizeof err);
		CHECKF(rc == 0, "sample %d with trailer: %s", k, err);
		if (rc == 0)
			check_same("decoded with trailer", out, in);
	}
}

static void truncated(const struct format *f)
{
	need_tool(f);
	struct buf *in = sample(4), *z = compress(f, 4, in), *out;
	const size_t cuts[] = { 0, 1, 5, 13, z->n / 3, z->n / 2, z->n - 5, z->n - 1 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		char err[256] = "", what[64];
		snprintf(what, sizeof what, "cut at %zu of %zu", cuts[i], z->n);
		int rc = decode(z->p, cuts[i], in->n, &out, err, sizeof err);
		CHECKF(rc != 0, "%s: decoded %zu bytes", what, out->n);
		/* Too short for its magic: the layer cannot name the format. */
		if (rc && cuts[i] >= 9)
			check_error(what, f, err, NULL);
		else if (rc)
			CHECKF(strncmp(err, "decompress: ", 12) == 0 ||
				       strncmp(err, eb_decompress_format_name(f->f),
					       strlen(eb_decompress_format_name(f->f))) == 0,
			       "%s: \"%s\"", what, err);
	}
}

static void corrupted(const struct format *f)
{
	need_tool(f);
	struct buf *in = sample(4), *z = compress(f, 4, in), *out;
	char err[256] = "";
	if (f->has_check) {
		/* A flipped byte amid the data: the format's check catches it. */
		z->p[z->n / 2] ^= 0x40;
	} else if (f->f == EB_COMP_LZ4) {
		z->p[4 + 3] = 0x7f; /* the first chunk's size, far past the input */
	} else {
		/* LZMA alone: a declared size smaller than the data. */
		memset(z->p + 5, 0, 8);
		z->p[5] = 100;
	}
	int rc = decode(z->p, z->n, in->n, &out, err, sizeof err);
	CHECKF(rc != 0, "corrupted input decoded (%zu bytes)", out->n);
	if (rc)
		check_error("corrupted", f, err, NULL);
}

static void too_small(const struct format *f)
{
	need_tool(f);
	for (int k = 1; k < NSAMPLES; k++) {
		struct buf *in = sample(k), *z = compress(f, k, in), *out;
		const size_t caps[] = { 0, in->n / 2, in->n - 1 };
		for (size_t i = 0; i < 3; i++) {
			char err[256] = "", what[64];
			snprintf(what, sizeof what, "sample %d cap %zu of %zu", k, caps[i], in->n);
			int rc = decode(z->p, z->n, caps[i], &out, err, sizeof err);
			CHECKF(rc != 0, "%s: decoded %zu bytes", what, out->n);
			if (rc)
				check_error(what, f, err, "output buffer too small");
		}
	}
}

static void bad_tail(const struct format *f)
{
	need_tool(f);
	struct buf *in = sample(1), *z = compress(f, 1, in), *out;
	struct buf *t = new_buf(z->n + 5);
	memcpy(t->p, z->p, z->n);
	uint32_t wrong = (uint32_t)in->n + 1;
	memcpy(t->p + z->n, &wrong, 4);
	t->p[z->n + 4] = 0;
	char err[256] = "";
	/* A size trailer that disagrees with the stream. */
	int rc = decode(t->p, z->n + 4, in->n + 8, &out, err, sizeof err);
	CHECKF(rc != 0, "a wrong size trailer was accepted");
	if (rc)
		check_error("wrong trailer", f, err, "size trailer");
	/* Five bytes after the stream: more than a trailer. */
	rc = decode(t->p, z->n + 5, in->n + 8, &out, err, sizeof err);
	CHECKF(rc != 0, "5 trailing bytes were accepted");
	/* LZ4's legacy frame has no end marker: there the bytes are a chunk. */
	if (rc)
		check_error("trailing bytes", f, err,
			    f->f == EB_COMP_LZ4 ? "truncated" : "after the end of the stream");
}

#define PER_FORMAT(kind, fn, idx) \
	TEST(kind##_##idx) { fn(&formats[idx]); }
#define ALL_FORMATS(kind, fn)                                           \
	PER_FORMAT(kind, fn, 0) PER_FORMAT(kind, fn, 1) PER_FORMAT(kind, fn, 2) \
	PER_FORMAT(kind, fn, 3) PER_FORMAT(kind, fn, 4) PER_FORMAT(kind, fn, 5) \
	PER_FORMAT(kind, fn, 6)
ALL_FORMATS(roundtrip, roundtrip)
ALL_FORMATS(truncated, truncated)
ALL_FORMATS(corrupted, corrupted)
ALL_FORMATS(too_small, too_small)
ALL_FORMATS(bad_tail, bad_tail)

TEST(wrong_magic)
{
	static const char text[] = "hello, not compressed at all";
	char err[256] = "";
	struct buf *out;
	CHECK_EQ(eb_decompress_detect(text, sizeof text), EB_COMP_UNKNOWN);
	CHECK(decode((const uint8_t *)text, sizeof text, 4096, &out, err, sizeof err) != 0);
	CHECK_STR(err, "decompress: no known magic (starts 68 65 6c 6c 6f 2c; want gzip, bzip2, "
		       "lzma, xz, lzo, lz4 legacy or zstd) at input offset 0x0");
	CHECK(decode((const uint8_t *)text, 0, 4096, &out, err, sizeof err) != 0);
	CHECK(strstr(err, "starts none") != NULL);
}

TEST(names)
{
	CHECK_STR(eb_decompress_format_name(EB_COMP_GZIP), "gzip");
	CHECK_STR(eb_decompress_format_name(EB_COMP_LZ4), "lz4");
	CHECK_STR(eb_decompress_format_name(EB_COMP_ZSTD), "zstd");
	CHECK_STR(eb_decompress_format_name((enum eb_comp_format)99), "unknown");
}

/* A one-token LZ4 block that decodes to nothing: liblz4 accepts it only
 * with room to spare, so the answer must not depend on the buffer (found
 * by fuzz_decompress). The empty block (one byte 0) stays valid at cap 0. */
TEST(lz4_empty_token)
{
	static const uint8_t bad[] = { 0x02, 0x21, 0x4c, 0x18, 1, 0, 0, 0, 0x02 };
	static const uint8_t empty[] = { 0x02, 0x21, 0x4c, 0x18, 1, 0, 0, 0, 0x00 };
	char err[256] = "";
	struct buf *out;
	CHECK(decode(bad, sizeof bad, 4096, &out, err, sizeof err) != 0);
	check_error("lz4_empty_token", &formats[5], err, "corrupt chunk of 1 bytes");
	CHECK(decode(bad, sizeof bad, 0, &out, err, sizeof err) != 0);
	check_error("lz4_empty_token cap 0", &formats[5], err, NULL);
	for (size_t cap = 0; cap <= 4096; cap += 4096) {
		CHECK_EQ(decode(empty, sizeof empty, cap, &out, err, sizeof err), 0);
		CHECK_EQ(out->n, (size_t)0);
	}
}

/* The arena bounds every decoder that allocates; running dry is an error. */
TEST(arena_exhausted)
{
	const struct format *xz = &formats[3];
	need_tool(xz);
	struct buf *in = sample(4), *z = compress(xz, 4, in), *out = new_buf(in->n);
	static unsigned char small[64 << 10];
	eb_decompress_arena(small, sizeof small);
	char err[256] = "";
	size_t got;
	int rc = eb_decompress(z->p, z->n, out->p, out->n, &got, err, sizeof err);
	CHECK(rc != 0);
	check_error("xz in 64 KiB", xz, err, "out of decoder memory");
	eb_decompress_arena(NULL, 0);
	rc = eb_decompress(z->p, z->n, out->p, out->n, &got, err, sizeof err);
	CHECK(rc != 0);
	check_error("xz without arena", xz, err, "out of decoder memory");
	setup_arena();
	CHECK(eb_decompress(z->p, z->n, out->p, out->n, &got, err, sizeof err) == 0);
	CHECK(eb_decompress_arena_peak() > sizeof small);
}

/* The compressed payload of a bzImage: the setup header's payload fields. */
static int kernel_payload(const struct buf *k, const uint8_t **p, size_t *n, char *why,
			  size_t whylen)
{
	const struct boot_params *bp = (const void *)k->p;
	if (k->n < sizeof *bp || bp->hdr.header != 0x53726448 || bp->hdr.version < 0x0208) {
		snprintf(why, whylen, "no bzImage setup header of protocol >= 2.08");
		return -1;
	}
	size_t pm = ((size_t)(bp->hdr.setup_sects ? bp->hdr.setup_sects : 4) + 1) * 512;
	size_t off = pm + bp->hdr.payload_offset, len = bp->hdr.payload_length;
	if (off > k->n || len > k->n - off || len < 8) {
		snprintf(why, whylen, "payload 0x%zx+0x%zx outside the %zu-byte file", off, len, k->n);
		return -1;
	}
	*p = k->p + off;
	*n = len;
	return 0;
}

/* One kernel of each payload format installed: the formats are what is
 * under test, and each kernel takes seconds under the sanitizers. */
TEST(debian_kernels)
{
	int seen[EB_COMP_COUNT] = { 0 };
	glob_t g;
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0)
		th_skip("no /boot/vmlinuz-* (Debian package linux-image-amd64)");
	th_defer((void (*)(void *))globfree, &g);
	for (size_t i = 0; i < g.gl_pathc && !th_failed(); i++) {
		const char *path = g.gl_pathv[i];
		struct buf *k = read_file(path);
		const uint8_t *p;
		size_t n;
		char why[160], err[256] = "";
		REQUIREF(kernel_payload(k, &p, &n, why, sizeof why) == 0, "%s: %s", path, why);
		enum eb_comp_format f = eb_decompress_detect(p, n);
		const struct format *fm = NULL;
		for (size_t j = 0; j < NFORMATS; j++)
			if (formats[j].f == f)
				fm = &formats[j];
		REQUIREF(fm, "%s: payload in no known format", path);
		if (seen[f]++)
			continue;
		need_tool(fm);
		/* Linux appends the decoded size to every payload but gzip's. */
		size_t stream = f == EB_COMP_GZIP ? n : n - 4;
		struct buf *want = filter(fm->decompress, p, stream), *out;
		int rc = decode(p, n, want->n, &out, err, sizeof err);
		CHECKF(rc == 0, "%s (%s): %s", path, eb_decompress_format_name(f), err);
		if (rc == 0)
			check_same(path, out, want);
		fprintf(stderr, "# %s: %s payload, %zu -> %zu bytes, arena peak %zu\n", path,
			eb_decompress_format_name(f), n, out->n, eb_decompress_arena_peak());
	}
}

int main(void)
{
#define RUN_ALL(kind)                                                             \
	RUN(kind##_0); RUN(kind##_1); RUN(kind##_2); RUN(kind##_3); RUN(kind##_4); \
	RUN(kind##_5); RUN(kind##_6)
	RUN_ALL(roundtrip);
	RUN_ALL(truncated);
	RUN_ALL(corrupted);
	RUN_ALL(too_small);
	RUN_ALL(bad_tail);
	RUN(wrong_magic);
	RUN(names);
	RUN(arena_exhausted);
	RUN(lz4_empty_token);
	RUN(debian_kernels);
	return th_done();
}
