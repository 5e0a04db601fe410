/*
 * pv/start_of_day/linux_layout.c: the PV start-of-day layout and its permutation.
 *
 * Every layout is judged by audit(), written here from xen.h's comment and
 * Xen's dom0 builder, not from the code under test: elements packed in
 * xen.h's order, each on its own pages; the table count Xen's builder would
 * compute for the region; >= 512 KiB of padding, ending on 4 MiB and no
 * later than needed; the permutation a bijection of the domain's frames
 * that leaves the loader's pfns alone and writes only frames that are
 * free; the move list exactly the pfns that change; the new p2m the old
 * one composed with the permutation. audit() is shown to fail on layouts
 * broken one way at a time (mutants), so a pass means something.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "start_of_day/linux_layout.h"

#define VB 0xffffffff80000000ULL
#define MB(x) ((uint64_t)(x) << 8) /* pages */

/* Xen's builder: NR(l, h, shift) tables of one level covering [l, h). */
static uint64_t nr(uint64_t l, uint64_t h, unsigned shift)
{
	uint64_t m = (1ULL << shift) - 1;
	return (((h + m) & ~m) - (l & ~m)) >> shift;
}

static uint64_t xen_pt_count(uint64_t vb, uint64_t end_pfn)
{
	uint64_t v_end = vb + end_pfn * 4096;
	return 1 + nr(vb, v_end, 39) + nr(vb, v_end, 30) + nr(vb, v_end, 21);
}

/* What is wrong with l for in, or NULL. */
static const char *audit(const struct pv_layout_in *in, const struct pv_layout *l)
{
	static char why[256];
#define BAD(...) do { snprintf(why, sizeof why, __VA_ARGS__); return why; } while (0)
	uint64_t np = in->nr_pages;
	if (l->kernel != in->kernel_pfn || l->kernel_end != in->kernel_end_pfn)
		BAD("kernel moved: 0x%llx-0x%llx", (unsigned long long)l->kernel,
		    (unsigned long long)l->kernel_end);
	if (l->initrd != l->kernel_end ||
	    l->initrd_pages != (in->initrd_len + 4095) / 4096 ||
	    l->p2m != l->initrd + l->initrd_pages)
		BAD("initrd not packed after the kernel");
	if (l->p2m_pages != (np * 8 + 4095) / 4096 || l->start_info != l->p2m + l->p2m_pages)
		BAD("p2m not packed, or not nr_pages entries");
	if (l->pt != l->start_info + 1 || l->stack != l->pt + l->pt_frames ||
	    l->padding != l->stack + 1)
		BAD("start_info, tables, stack not packed");
	if (l->end % 1024)
		BAD("region end pfn 0x%llx not on 4 MiB", (unsigned long long)l->end);
	if (l->end - l->padding < 128)
		BAD("padding %llu pages, under 512 KiB", (unsigned long long)(l->end - l->padding));
	if (l->end - l->padding >= 128 + 1024)
		BAD("padding %llu pages: 4 MiB more than needed",
		    (unsigned long long)(l->end - l->padding));
	if (l->pt_frames != xen_pt_count(in->virt_base, l->end))
		BAD("%llu table frames, Xen's builder would use %llu",
		    (unsigned long long)l->pt_frames,
		    (unsigned long long)xen_pt_count(in->virt_base, l->end));
	if (l->moved != l->end - l->kernel)
		BAD("moved %llu, region block is %llu", (unsigned long long)l->moved,
		    (unsigned long long)(l->end - l->kernel));

	/* The permutation, frame by frame. */
	uint8_t *seen = calloc(np, 1);
	uint64_t changed = 0;
	for (uint64_t p = 0; p < np; p++) {
		uint64_t o = pv_layout_swap(l, p);
		if (o >= np) {
			free(seen);
			BAD("new pfn 0x%llx -> old 0x%llx beyond the domain",
			    (unsigned long long)p, (unsigned long long)o);
		}
		if (seen[o]++) {
			free(seen);
			BAD("old frame 0x%llx appears twice in the new p2m", (unsigned long long)o);
		}
		if (p < in->keep_pfns && o != p) {
			free(seen);
			BAD("loader pfn 0x%llx moves to frame 0x%llx", (unsigned long long)p,
			    (unsigned long long)o);
		}
		/* Content is written into the frames of [kernel, end): free ones. */
		if (p >= l->kernel && p < l->end && o < in->busy_pfns) {
			free(seen);
			BAD("new pfn 0x%llx is written into busy frame 0x%llx",
			    (unsigned long long)p, (unsigned long long)o);
		}
		if (pv_layout_swap(l, o) != p) {
			free(seen);
			BAD("swap is not its own inverse at 0x%llx", (unsigned long long)p);
		}
		changed += o != p;
	}
	free(seen);
	if (changed != pv_layout_moves(l))
		BAD("%llu pfns change, %llu moves listed", (unsigned long long)changed,
		    (unsigned long long)pv_layout_moves(l));
	uint8_t *listed = calloc(np, 1);
	for (uint64_t i = 0; i < pv_layout_moves(l); i++) {
		uint64_t o, p;
		pv_layout_move(l, i, &o, &p);
		if (p >= np || o != pv_layout_swap(l, p) || o == p || listed[p]++) {
			free(listed);
			BAD("move %llu (0x%llx -> 0x%llx) wrong or repeated",
			    (unsigned long long)i, (unsigned long long)o, (unsigned long long)p);
		}
	}
	free(listed);
	return NULL;
#undef BAD
}

/* A seeded permutation of mfns for the domain. */
static xen_pfn_t *random_p2m(uint64_t n, uint64_t seed)
{
	xen_pfn_t *p = th_alloc(n * sizeof *p);
	for (uint64_t i = 0; i < n; i++)
		p[i] = 0x100000 + i * 3;
	for (uint64_t i = n; i > 1; i--) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t j = (seed >> 33) % i;
		xen_pfn_t t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
	return p;
}

static int cmp(const void *x, const void *y)
{
	xen_pfn_t a = *(const xen_pfn_t *)x, b = *(const xen_pfn_t *)y;
	return a < b ? -1 : a > b;
}

static void check_p2m(const struct pv_layout *l, const xen_pfn_t *old)
{
	uint64_t cap = l->p2m_pages * 512;
	xen_pfn_t *nw = th_alloc(cap * sizeof *nw);
	pv_layout_p2m(l, old, nw);
	for (uint64_t p = 0; p < l->nr_pages && !th_failed(); p++)
		CHECKF(nw[p] == old[pv_layout_swap(l, p)], "new p2m[0x%llx]",
		       (unsigned long long)p);
	for (uint64_t p = l->nr_pages; p < cap; p++)
		CHECK_EQ(nw[p], ~0ULL);
	/* The same machine frames, each once: sort both and compare. */
	xen_pfn_t *a = th_alloc(l->nr_pages * sizeof *a), *b = th_alloc(l->nr_pages * sizeof *b);
	memcpy(a, old, l->nr_pages * sizeof *a);
	memcpy(b, nw, l->nr_pages * sizeof *b);
	qsort(a, l->nr_pages, sizeof *a, cmp);
	qsort(b, l->nr_pages, sizeof *b, cmp);
	CHECK(memcmp(a, b, l->nr_pages * sizeof *a) == 0);
}

/* The real run: Debian 12's generic vmlinux, busybox initramfs, 512 MiB dom0. */
static struct pv_layout_in real_run(void)
{
	return (struct pv_layout_in){
		.virt_base = VB, .nr_pages = 131072, .keep_pfns = 0x4b9,
		.busy_pfns = 0x4800, .kernel_pfn = 0x1000, .kernel_end_pfn = 0x4a00,
		.initrd_len = 1985024,
	};
}

static char err[300];

TEST(debian_vmlinux_512m_numbers)
{
	struct pv_layout_in in = real_run();
	struct pv_layout l;
	REQUIRE_EQ(pv_layout_plan(&in, &l, err, sizeof err), 0);
	const char *bad = audit(&in, &l);
	REQUIRE(!bad || (th_fail(__FILE__, __LINE__, "%s", bad), 0));
	/* docs/pv.md's table, from the boot log of that run. */
	CHECK_EQ(l.initrd, 0x4a00);
	CHECK_EQ(l.initrd_pages, 485);
	CHECK_EQ(l.p2m, 0x4be5);
	CHECK_EQ(l.p2m_pages, 256);
	CHECK_EQ(l.start_info, 0x4ce5);
	CHECK_EQ(l.pt, 0x4ce6);
	CHECK_EQ(l.pt_frames, 43);
	CHECK_EQ(l.stack, 0x4d11);
	CHECK_EQ(l.end, 0x5000);
	CHECK_EQ(l.src, 0x5000);
	CHECK_EQ(pv_layout_moves(&l), 2 * 0x4000);
	check_p2m(&l, random_p2m(in.nr_pages, 7));
}

TEST(many_shapes_pass_the_audit)
{
	uint64_t seed = 12345;
	int audited = 0;
	for (int i = 0; i < 300 && !th_failed(); i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = seed >> 16;
		struct pv_layout_in in = {
			.virt_base = VB,
			.nr_pages = MB(64) + (r % 8) * MB(64),
			.keep_pfns = 0x100 + r % 0x300,
			.kernel_pfn = 0x1000,
			.kernel_end_pfn = 0x1000 + 1 + (r >> 8) % MB(40),
			.initrd_len = (r >> 20) % 3 ? (r >> 24) % (8u << 20) : 0,
		};
		in.busy_pfns = in.keep_pfns + (r >> 30) % MB(90);
		struct pv_layout l;
		if (pv_layout_plan(&in, &l, err, sizeof err)) {
			/* Only a domain too small may refuse here. */
			CHECKF(strstr(err, "too few"), "shape %d refused: %s", i, err);
			continue;
		}
		audited++;
		const char *bad = audit(&in, &l);
		CHECKF(!bad, "shape %d (nr 0x%llx busy 0x%llx kernel 0x%llx-0x%llx initrd %llu): %s",
		       i, (unsigned long long)in.nr_pages, (unsigned long long)in.busy_pfns,
		       (unsigned long long)in.kernel_pfn, (unsigned long long)in.kernel_end_pfn,
		       (unsigned long long)in.initrd_len, bad);
		if (i % 50 == 0)
			check_p2m(&l, random_p2m(in.nr_pages, seed));
	}
	/* The shapes are meant to be mostly plannable: most got audited. */
	CHECKF(audited >= 200, "only %d of 300 shapes planned", audited);
}

TEST(padding_at_the_4m_edge)
{
	/* Stack ending exactly on 4 MiB: Xen adds 4 MiB for the padding. */
	struct pv_layout_in in = real_run();
	in.initrd_len = 0;
	struct pv_layout l;
	REQUIRE_EQ(pv_layout_plan(&in, &l, err, sizeof err), 0);
	/* Grow the kernel until the padding would be exactly 0, then check. */
	uint64_t want_pad = l.end - l.padding;
	in.kernel_end_pfn += want_pad;
	REQUIRE_EQ(pv_layout_plan(&in, &l, err, sizeof err), 0);
	const char *bad = audit(&in, &l);
	CHECKF(!bad, "%s", bad);
	CHECK(l.end - l.padding >= 128);
}

/* The audit must see each of these. */
TEST(audit_catches_broken_layouts)
{
	struct pv_layout_in in = real_run();
	struct pv_layout good, l;
	REQUIRE_EQ(pv_layout_plan(&in, &good, err, sizeof err), 0);
	REQUIRE(audit(&in, &good) == NULL);
	struct {
		const char *what, *says;
		void (*mutate)(struct pv_layout *);
	} m[] = {
		{ "frames taken from Xen's busy region", "busy frame",
		  (void (*)(struct pv_layout *))0 },
		{ "blocks overlapping", "own inverse", 0 },
		{ "end off 4 MiB", "not on 4 MiB", 0 },
		{ "one table frame short", "table frames", 0 },
		{ "padding under 512 KiB", "padding", 0 },
	};
	for (unsigned i = 0; i < sizeof m / sizeof m[0]; i++) {
		l = good;
		switch (i) {
		case 0: l.src = in.busy_pfns - 16; break;
		case 1: l.src = l.end - 16; break;
		case 2: l.end -= 1; l.moved -= 1; break;
		case 3: l.pt_frames -= 1; l.stack -= 1; l.padding -= 1; break;
		case 4:
			l.padding = l.end - 64;
			l.stack = l.padding - 1;
			l.pt_frames = l.stack - l.pt;
			break;
		}
		const char *bad = audit(&in, &l);
		fprintf(stderr, "# mutant %s: %s\n", m[i].what, bad ? bad : "(passed)");
		CHECKF(bad && strstr(bad, m[i].says), "%s: audit said '%s'", m[i].what,
		       bad ? bad : "nothing");
	}
	/* And a loader pfn that moves. */
	in.keep_pfns = in.kernel_pfn + 1;
	const char *bad = audit(&in, &good);
	CHECKF(bad && strstr(bad, "loader pfn"), "audit said '%s'", bad ? bad : "nothing");
}

TEST(refusals_name_the_cause)
{
	struct pv_layout_in in = real_run();
	struct pv_layout l;
	in.keep_pfns = 0x1001;
	CHECK_EQ(pv_layout_plan(&in, &l, err, sizeof err), -1);
	CHECKF(strstr(err, "the loader's image (pfns 0-0x1001) reaches into the kernel's first pfn 0x1000"),
	       "%s", err);
	in = real_run();
	in.nr_pages = MB(128);
	CHECK_EQ(pv_layout_plan(&in, &l, err, sizeof err), -1);
	CHECKF(strstr(err, "the domain's 128 MiB are too few"), "%s", err);
	in = real_run();
	in.kernel_end_pfn = in.kernel_pfn;
	CHECK_EQ(pv_layout_plan(&in, &l, err, sizeof err), -1);
	CHECKF(strstr(err, "empty"), "%s", err);
	in = real_run();
	in.virt_base = VB + 1;
	CHECK_EQ(pv_layout_plan(&in, &l, err, sizeof err), -1);
	CHECKF(strstr(err, "not page aligned"), "%s", err);
	/* A region that would run past the top of the address space. */
	in = real_run();
	in.nr_pages = 1ULL << 21;
	in.kernel_end_pfn = (1ULL << 19) + 16;
	CHECK_EQ(pv_layout_plan(&in, &l, err, sizeof err), -1);
	CHECKF(strstr(err, "canonical"), "%s", err);
	in = real_run();
	in.initrd_len = in.nr_pages * 4096 + 1;
	CHECK_EQ(pv_layout_plan(&in, &l, err, sizeof err), -1);
	CHECKF(strstr(err, "initrd"), "%s", err);
}

int main(void)
{
	RUN(debian_vmlinux_512m_numbers);
	RUN(many_shapes_pass_the_audit);
	RUN(padding_at_the_4m_edge);
	RUN(audit_catches_broken_layouts);
	RUN(refusals_name_the_cause);
	return th_done();
}
