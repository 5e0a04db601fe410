/*
 * common/decompress/unpack.c, the bzImage -> vmlinux step the images call
 * (docs/decompress.md, "Calling the decoders from an image"), on the
 * installed Debian kernels: one of each payload format (the generic
 * kernel's XZ, the cloud kernel's LZ4), given exactly the output and arena
 * the plan asks for, must come out a Linux vmlinux of the trailer's size;
 * a flipped payload byte, a payload outside the file and a zero trailer
 * must each be one line naming the format or field and the offset; and the
 * generic kernel repacked in each of Linux's seven compressions.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decompress/unpack.h"
#include "harness.h"
#include "host_io.h"
#include "pvh_kernel.h"

static struct th_bytes *load(const char *path)
{
	struct th_bytes *f = th_alloc(sizeof *f);
	*f = th_read_file(path);
	return f;
}

/* The host has no canary block to set: the C library's is in place. */
static void no_op_enter(void *canary) { (void)canary; }
static void no_op_leave(void) {}
static const struct eb_unpack_cpu host_cpu = { .enter = no_op_enter, .leave = no_op_leave };

/* Plan and run on f as an image does; rc, with the plan and result. */
static int unpack(const struct th_bytes *f, struct eb_unpack_plan *p, struct eb_unpack_result *r,
		  uint8_t **out, char *err, size_t errlen)
{
	struct eb_bzimage bz;
	if (eb_bzimage_parse(f->p, f->n, &bz, err, errlen) ||
	    eb_unpack_plan(f->p, f->n, &bz, p, err, errlen))
		return -1;
	*out = th_alloc(p->out_bytes);
	uint8_t *arena = th_alloc(p->arena ? p->arena : 1);
	return eb_unpack_run(p, &host_cpu, *out, arena, p->arena, r, err, errlen);
}

/* The first installed kernel whose payload is in format want, or NULL. */
static struct th_bytes *kernel_in(enum eb_comp_format want, char *path, size_t pathlen)
{
	glob_t g;
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0)
		return NULL;
	struct th_bytes *hit = NULL;
	for (size_t i = 0; i < g.gl_pathc && !hit; i++) {
		struct th_bytes *f = load(g.gl_pathv[i]);
		struct eb_bzimage bz;
		struct eb_unpack_plan p;
		char err[200];
		if (!eb_bzimage_parse(f->p, f->n, &bz, err, sizeof err) &&
		    !eb_unpack_plan(f->p, f->n, &bz, &p, err, sizeof err) && p.format == want) {
			hit = f;
			snprintf(path, pathlen, "%s", g.gl_pathv[i]);
		}
	}
	globfree(&g);
	return hit;
}

static void good(enum eb_comp_format fmt, const char *package)
{
	char path[256], err[300] = "";
	struct th_bytes *f = kernel_in(fmt, path, sizeof path);
	if (!f)
		th_skip("no installed kernel with a %s payload (Debian package %s)",
			eb_decompress_format_name(fmt), package);
	struct eb_unpack_plan p;
	struct eb_unpack_result r;
	uint8_t *out;
	int rc = unpack(f, &p, &r, &out, err, sizeof err);
	REQUIREF(rc == 0, "%s: %s", path, err);
	CHECK_EQ(r.out_len, p.out_len);
	CHECK(p.out_bytes % 4096 == 0 && p.out_bytes - p.out_len < 4096);
	CHECK(eb_kernel_kind(out, r.out_len) == EB_KERNEL_VMLINUX);
	CHECK(r.arena_peak <= p.arena);
	CHECK(p.kernel_hi > p.kernel_lo);
	fprintf(stderr, "# %s: %s, arena planned %llu, peak %llu; PVH entry %s\n", path,
		eb_decompress_format_name(fmt), (unsigned long long)p.arena,
		(unsigned long long)r.arena_peak,
		eb_pvh_kernel_has_entry(out, r.out_len) ? "yes" : "no");
}

/* linux-image-amd64: XZ, its dictionary read from the block header. */
TEST(generic_xz)
{
	good(EB_COMP_XZ, "linux-image-amd64");
}

/* linux-image-cloud-amd64: LZ4, no arena at all. */
TEST(cloud_lz4)
{
	good(EB_COMP_LZ4, "linux-image-cloud-amd64");
}

/* The generic kernel (XZ) with its header parsed and its plan made, or a SKIP. */
static struct th_bytes *xz_kernel(struct eb_bzimage *bz, struct eb_unpack_plan *p)
{
	char path[256], err[300] = "";
	struct th_bytes *f = kernel_in(EB_COMP_XZ, path, sizeof path);
	if (!f)
		th_skip("no installed kernel with an xz payload (Debian package linux-image-amd64)");
	REQUIRE(eb_bzimage_parse(f->p, f->n, bz, err, sizeof err) == 0);
	REQUIREF(eb_unpack_plan(f->p, f->n, bz, p, err, sizeof err) == 0, "%s: %s", path, err);
	return f;
}

TEST(corrupt_payload)
{
	char err[300] = "";
	struct eb_bzimage bz;
	struct eb_unpack_plan p;
	struct th_bytes *f = xz_kernel(&bz, &p);
	size_t at = p.payload_off + p.payload_len / 2;
	for (size_t i = 0; i < 4; i++)
		f->p[at + i] ^= 0xff;
	struct eb_unpack_result r;
	uint8_t *out;
	CHECK(unpack(f, &p, &r, &out, err, sizeof err) == -1);
	CHECKF(strncmp(err, "xz: ", 4) == 0 && strstr(err, " at input offset 0x") &&
		       strstr(err, "(payload at file offset 0x"),
	       "error line: %s", err);
}

TEST(bad_fields)
{
	char err[300] = "";
	struct eb_bzimage bz;
	struct eb_unpack_plan p;
	struct th_bytes *f = xz_kernel(&bz, &p);
	/* payload_length past the protected-mode kernel. */
	struct boot_params *bp = (void *)f->p;
	uint32_t len = bp->hdr.payload_length;
	bp->hdr.payload_length = (uint32_t)bz.pm_len;
	CHECK(eb_unpack_plan(f->p, f->n, &bz, &p, err, sizeof err) == -1);
	CHECKF(strstr(err, "payload_offset") && strstr(err, "payload_length"), "%s", err);
	bp->hdr.payload_length = len;
	/* A size trailer of 0. */
	REQUIRE(eb_unpack_plan(f->p, f->n, &bz, &p, err, sizeof err) == 0);
	memset(f->p + p.payload_off + p.payload_len - 4, 0, 4);
	CHECK(eb_unpack_plan(f->p, f->n, &bz, &p, err, sizeof err) == -1);
	CHECKF(strstr(err, "xz, decoded size 0 from its trailer at file offset 0x") &&
		       strstr(err, "empty"),
	       "%s", err);
}

/*
 * Every compression Linux offers, through the same step: the generic
 * kernel with its payload replaced by the first 2 MiB of its own vmlinux,
 * compressed as Linux's build compresses for each CONFIG_KERNEL_* (the
 * size trailer appended for all but gzip, whose footer holds the size),
 * and payload_length set to match. The step is format-blind but for the
 * decoder memory it plans from each stream's header.
 */
static const struct repack {
	enum eb_comp_format format;
	const char *tool, *package, *cmd;
	int trailer;
} repacks[] = {
	{ EB_COMP_GZIP, "gzip", "gzip", "gzip -n -9 -c", 0 },
	{ EB_COMP_BZIP2, "bzip2", "bzip2", "bzip2 -9 -c", 1 },
	{ EB_COMP_LZMA, "xz", "xz-utils", "xz --format=lzma -9 -c", 1 },
	{ EB_COMP_XZ, "xz", "xz-utils", "xz --check=crc32 --x86 --lzma2=dict=32MiB -c", 1 },
	{ EB_COMP_LZO, "lzop", "lzop", "lzop -9 -c", 1 },
	{ EB_COMP_LZ4, "lz4", "lz4", "lz4 -l -12 -c", 1 },
	{ EB_COMP_ZSTD, "zstd", "zstd", "zstd -22 --ultra -q -c", 1 },
};
#define SAMPLE_BYTES (2u << 20)

static void repacked(const struct repack *rp)
{
	char sh[128], err[300] = "";
	snprintf(sh, sizeof sh, "command -v %s >/dev/null", rp->tool);
	if (system(sh) != 0)
		th_skip("no %s (Debian package %s)", rp->tool, rp->package);
	struct eb_bzimage bz;
	struct eb_unpack_plan p;
	struct th_bytes *f = xz_kernel(&bz, &p);
	struct eb_unpack_result r;
	/* Decoded once for all seven cases (seconds under the sanitizers). */
	static uint8_t *vmlinux;
	if (!vmlinux) {
		uint8_t *whole;
		REQUIREF(unpack(f, &p, &r, &whole, err, sizeof err) == 0, "%s", err);
		REQUIRE(r.out_len >= SAMPLE_BYTES);
		vmlinux = malloc(SAMPLE_BYTES);
		REQUIRE(vmlinux);
		memcpy(vmlinux, whole, SAMPLE_BYTES);
	}

	struct th_bytes z = th_filter(rp->cmd, vmlinux, SAMPLE_BYTES);
	size_t len = z.n + (rp->trailer ? 4 : 0);
	REQUIREF(len <= p.payload_len, "%s: %zu bytes, the payload's room is %llu", rp->cmd, len,
		 (unsigned long long)p.payload_len);
	uint8_t *at = f->p + p.payload_off;
	memcpy(at, z.p, z.n);
	if (rp->trailer) {
		uint32_t size = SAMPLE_BYTES;
		memcpy(at + z.n, &size, 4);
	}
	memset(at + len, 0, p.payload_len - len);
	((struct boot_params *)f->p)->hdr.payload_length = (uint32_t)len;

	struct eb_unpack_plan q;
	uint8_t *out;
	REQUIREF(unpack(f, &q, &r, &out, err, sizeof err) == 0, "%s: %s", rp->cmd, err);
	CHECK_EQ(q.format, rp->format);
	CHECK_EQ(r.out_len, (uint64_t)SAMPLE_BYTES);
	CHECK(memcmp(out, vmlinux, SAMPLE_BYTES) == 0);
	CHECK(r.arena_peak <= q.arena);
}

TEST(repacked_gzip) { repacked(&repacks[0]); }
TEST(repacked_bzip2) { repacked(&repacks[1]); }
TEST(repacked_lzma) { repacked(&repacks[2]); }
TEST(repacked_xz) { repacked(&repacks[3]); }
TEST(repacked_lzo) { repacked(&repacks[4]); }
TEST(repacked_lz4) { repacked(&repacks[5]); }
TEST(repacked_zstd) { repacked(&repacks[6]); }

int main(void)
{
	RUN(generic_xz);
	RUN(cloud_lz4);
	RUN(corrupt_payload);
	RUN(bad_fields);
	RUN(repacked_gzip);
	RUN(repacked_bzip2);
	RUN(repacked_lzma);
	RUN(repacked_xz);
	RUN(repacked_lzo);
	RUN(repacked_lz4);
	RUN(repacked_zstd);
	return th_done();
}
