/*
 * common/decompress/unpack.c, the bzImage -> vmlinux step the images call
 * (docs/decompress.md, "Calling the decoders from an image"), on the
 * installed Debian kernels: one of each payload format (the generic
 * kernel's XZ, the cloud kernel's LZ4), given exactly the output and arena
 * the plan asks for, must come out a Linux vmlinux of the trailer's size;
 * a flipped payload byte, a payload outside the file and a zero trailer
 * must each be one line naming the format or field and the offset.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decompress/unpack.h"
#include "harness.h"
#include "pvh_kernel.h"

struct file {
	uint8_t *p;
	size_t n;
};

static struct file *load(const char *path)
{
	struct file *f = th_alloc(sizeof *f);
	FILE *fp = fopen(path, "rb");
	REQUIREF(fp, "cannot open %s", path);
	REQUIRE(fseek(fp, 0, SEEK_END) == 0);
	long n = ftell(fp);
	REQUIRE(n > 0 && fseek(fp, 0, SEEK_SET) == 0);
	f->n = (size_t)n;
	f->p = th_alloc(f->n);
	REQUIRE(fread(f->p, 1, f->n, fp) == f->n);
	fclose(fp);
	return f;
}

/* The host has no canary block to set: the C library's is in place. */
static void no_op_enter(void *canary) { (void)canary; }
static void no_op_leave(void) {}
static const struct eb_unpack_cpu host_cpu = { .enter = no_op_enter, .leave = no_op_leave };

/* Plan and run on f as an image does; rc, with the plan and result. */
static int unpack(const struct file *f, struct eb_unpack_plan *p, struct eb_unpack_result *r,
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
static struct file *kernel_in(enum eb_comp_format want, char *path, size_t pathlen)
{
	glob_t g;
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0)
		return NULL;
	struct file *hit = NULL;
	for (size_t i = 0; i < g.gl_pathc && !hit; i++) {
		struct file *f = load(g.gl_pathv[i]);
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
	struct file *f = kernel_in(fmt, path, sizeof path);
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
static struct file *xz_kernel(struct eb_bzimage *bz, struct eb_unpack_plan *p)
{
	char path[256], err[300] = "";
	struct file *f = kernel_in(EB_COMP_XZ, path, sizeof path);
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
	struct file *f = xz_kernel(&bz, &p);
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
	struct file *f = xz_kernel(&bz, &p);
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

int main(void)
{
	RUN(generic_xz);
	RUN(cloud_lz4);
	RUN(corrupt_payload);
	RUN(bad_fields);
	return th_done();
}
