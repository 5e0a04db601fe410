/*
 * pv/start_of_day/linux_tree.c and the backend's m2p hand-over, against the simulated
 * Xen: the whole PV start of day the loader builds for a kernel, from a
 * dom0 as Xen starts it to the moment before the jump.
 *
 * The loader's staging tree is the fixture's standard tree (the bootstrap
 * region and a direct map of all RAM), activated early only, as
 * pv/linux_enter.c does. Then every frame of the new region gets a tag
 * (what the loader's copy would write), the kernel's tree is built,
 * pinned and loaded, and the m2p handed over. Checked through the
 * simulated MMU and Xen's books:
 *
 *  - va virt_base + p * 4 KiB reaches the frame the new p2m names for p,
 *    for every p of the region, and reads the tag written for p;
 *  - every page is writable and executable except the tables, exactly
 *    [pt, pt + pt_frames), read-only everywhere, typed, the root pinned
 *    and loaded; no user base pointer;
 *  - the staging tree's frames are untyped and writable again;
 *  - after the m2p update, m2p[new_p2m[p]] == p for every p of the domain;
 *  - the backend refuses any further work;
 *  - it never reads the old p2m once the kernel's tree is loaded (in the
 *    image those frames are no longer mapped then).
 *
 * And the failures: a staging tree left as the user base pointer keeps its
 * type, so the give-back is refused (the reason the Linux path never runs
 * the late activation); a refused m2p entry is counted and named, and the
 * rest still go in.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "start_of_day/linux_tree.h"
#include "xen_fixture.h"

#define TAG 0xc0de000000000000ULL

struct run {
	struct xfx *x;
	struct pv_layout l;
	struct pv_linux_tree t;
	struct pv_linux_tree_cfg c;
	xen_pfn_t *new_p2m;
};

static char err[300];

/* Dom0 of nr_pages, staging tree live (early, or late when asked), planned. */
static struct run *setup(uint64_t nr_pages, bool late_staging)
{
	struct run *r = th_alloc(sizeof *r);
	struct xfx_opts o = { .sim = { .nr_pages = nr_pages, .seed = 5 } };
	r->x = xfx_new(&o);
	struct xfx *x = r->x;
	struct sim_xen *sx = x->sx;
	XREQUIRE(x, xfx_build(x), EP_OK);
	XREQUIRE(x, ep_activate(&x->ctx), EP_OK);
	if (late_staging) {
		ep_switch_to_late_activation(&x->ctx);
		XREQUIRE(x, ep_activate(&x->ctx), EP_OK);
	}
	XREQUIRE(x, ep_finish(&x->ctx), EP_OK);

	/* A kernel of 3 MiB at the first 4 MiB boundary past the region. */
	uint64_t kernel = (sx->region_pages + 1023) / 1024 * 1024;
	struct pv_layout_in in = {
		.virt_base = sx->virt_base, .nr_pages = sx->nr_pages,
		.keep_pfns = sx->region_pages, .busy_pfns = sx->region_pages,
		.kernel_pfn = kernel, .kernel_end_pfn = kernel + 0x300,
		.initrd_len = 100000,
	};
	REQUIREF(pv_layout_plan(&in, &r->l, err, sizeof err) == 0, "%s", err);
	const struct pv_layout *l = &r->l;

	/* The loader's copy: a tag per new pfn, in the frame that becomes it. */
	for (uint64_t p = l->kernel; p < l->end; p++)
		if (p < l->pt || p >= l->pt + l->pt_frames)
			*(uint64_t *)sim_xen_phys_to_virt(sx, pv_layout_swap(l, p) << 12) =
				TAG | p;
	r->new_p2m = th_alloc(l->p2m_pages * 4096);
	pv_layout_p2m(l, sx->p2m, r->new_p2m);

	size_t cap = pv_linux_tree_refusals(l, ep_pool_used(&x->ctx.pool));
	r->c = (struct pv_linux_tree_cfg){
		.layout = l,
		.p2m = sx->p2m,
		.m2p = sx->m2p,
		.m2p_entries = sx->nr_mfns,
		.staging_root_pa = x->ctx.root,
		.staging_frames = ep_pool_used(&x->ctx.pool),
		.phys_to_virt = sim_xen_phys_to_virt,
		.env = sx,
		.pool_state = th_alloc(l->pt_frames),
		.pool_pte = th_alloc(l->pt_frames * sizeof(uint64_t)),
		.refusals = th_alloc(cap * sizeof(struct xen_be_refusal)),
		.refusal_cap = cap,
		.hc = &x->hc,
	};
	return r;
}

/*
 * In the image the old p2m's frames are not mapped once the kernel's tree
 * is loaded (they are not in its region), so the backend must not read
 * the p2m after the switch. Here the backend gets a copy, poisoned the
 * first time it reaches for a frame with the kernel's tree loaded: a read
 * after that would send wrong machine frames to the simulated Xen.
 */
struct poison {
	struct sim_xen *sx;
	uint64_t staging_base;
	xen_pfn_t *p2m;
	uint64_t n;
	bool done;
};

static void *poisoning_virt(void *env, uint64_t pa)
{
	struct poison *p = env;
	if (!p->done && p->sx->base != p->staging_base) {
		memset(p->p2m, 0x5a, p->n * sizeof *p->p2m);
		p->done = true;
	}
	return sim_xen_phys_to_virt(p->sx, pa);
}

static const char *tree_err(struct run *r)
{
	static char buf[300];
	ep_format_error(&r->t.ctx, buf, sizeof buf);
	return buf;
}

TEST(start_of_day_as_xen_lays_it_out)
{
	struct run *r = setup(8192, false);
	struct xfx *x = r->x;
	struct sim_xen *sx = x->sx;
	const struct pv_layout *l = &r->l;
	enum ep_err e = pv_linux_tree_build(&r->t, &r->c);
	REQUIREF(e == EP_OK, "build: %s (xen: %s)", tree_err(r), sx->why);
	XCHECK_SIM_CLEAN(x);

	/* Loaded, pinned, no user base pointer; staging unpinned. */
	uint64_t root_mfn = sx->p2m[pv_layout_swap(l, l->pt)];
	CHECK_EQ(sx->base, root_mfn);
	CHECK(sx->f[root_mfn].pinned);
	CHECK_EQ(sx->user_base, SX_NO_MFN);
	CHECK_EQ(r->t.ctx.root, pv_layout_swap(l, l->pt) << 12);
	uint64_t staging_root = sx->p2m[x->ctx.root >> 12];
	CHECK(!sx->f[staging_root].pinned);
	CHECK_EQ(sx->f[staging_root].tcount, 0);

	/* Exactly the table element is tables, all read-only. */
	CHECK_EQ(xfx_check_tables_ro(__FILE__, __LINE__, x), l->pt_frames);
	for (uint64_t i = 0; i < l->pt_frames; i++)
		CHECKF(sx->f[sx->p2m[pv_layout_swap(l, l->pt + i)]].tcount,
		       "table frame %llu untyped", (unsigned long long)i);

	/* Every page of the region: the right frame, the tag, RWX or RO table. */
	for (uint64_t p = 0; p < l->end && !th_failed(); p++) {
		uint64_t va = pv_layout_va(l, p);
		struct sim_result s = sim_probe(sx->m, va);
		REQUIREF(s.kind == SIM_OK, "pfn 0x%llx (va 0x%llx) not mapped",
			 (unsigned long long)p, (unsigned long long)va);
		CHECKF(s.pa >> 12 == r->new_p2m[p], "pfn 0x%llx: mfn 0x%llx, new p2m says 0x%llx",
		       (unsigned long long)p, (unsigned long long)(s.pa >> 12),
		       (unsigned long long)r->new_p2m[p]);
		bool table = p >= l->pt && p < l->pt + l->pt_frames;
		CHECKF(!(s.perms & SIM_PERM_W) == table, "pfn 0x%llx: writable %d, table %d",
		       (unsigned long long)p, !!(s.perms & SIM_PERM_W), table);
		CHECKF(s.perms & SIM_PERM_X, "pfn 0x%llx not executable", (unsigned long long)p);
		if (p >= l->kernel && !table) {
			uint64_t v = 0;
			struct sx_access a = sx_guest_load(sx, va, &v);
			CHECKF(!a.fault && v == (TAG | p), "pfn 0x%llx reads 0x%llx",
			       (unsigned long long)p, (unsigned long long)v);
		}
	}
	/* Nothing mapped past the region in its L2 range. */
	CHECK(sim_probe(sx->m, pv_layout_va(l, l->end)).kind != SIM_OK);

	/* The m2p: every frame of the domain at its new pfn. */
	struct xen_be_m2p_report rep;
	e = pv_linux_tree_m2p(&r->t, l, r->new_p2m, &rep);
	REQUIREF(e == EP_OK, "m2p: %s (xen: %s)", tree_err(r), sx->why);
	CHECK_EQ(rep.updated, 2 * l->moved);
	CHECK_EQ(rep.failed, 0);
	CHECK_EQ(rep.hypercalls, (2 * l->moved + XEN_BE_MMU_BATCH - 1) / XEN_BE_MMU_BATCH);
	for (uint64_t p = 0; p < l->nr_pages && !th_failed(); p++)
		CHECKF(sx->m2p[r->new_p2m[p]] == p, "m2p[0x%llx] = 0x%llx, want pfn 0x%llx",
		       (unsigned long long)r->new_p2m[p],
		       (unsigned long long)sx->m2p[r->new_p2m[p]], (unsigned long long)p);
	/* The tree is the kernel's now: the backend does nothing more. */
	CHECK_EQ(ep_map(&r->t.ctx, 0x1000, 0, 0x1000, 0), EP_ERR_STATE);
	XCHECK_SIM_CLEAN(x);
}

TEST(no_p2m_reads_after_the_switch)
{
	struct run *r = setup(8192, false);
	struct sim_xen *sx = r->x->sx;
	struct poison *p = th_alloc(sizeof *p);
	*p = (struct poison){ sx, sx->base, th_alloc(sx->nr_pages * sizeof(xen_pfn_t)),
			      sx->nr_pages, false };
	memcpy(p->p2m, sx->p2m, sx->nr_pages * sizeof(xen_pfn_t));
	r->c.p2m = p->p2m;
	r->c.phys_to_virt = poisoning_virt;
	r->c.env = p;
	enum ep_err e = pv_linux_tree_build(&r->t, &r->c);
	REQUIREF(e == EP_OK, "build: %s (xen: %s)", tree_err(r), sx->why);
	CHECK(p->done); /* the give-backs did reach for frames after the switch */
	struct xen_be_m2p_report rep;
	CHECK_EQ(pv_linux_tree_m2p(&r->t, &r->l, r->new_p2m, &rep), EP_OK);
	CHECK_EQ(xfx_check_tables_ro(__FILE__, __LINE__, r->x), r->l.pt_frames);
	XCHECK_SIM_CLEAN(r->x);
}

TEST(late_staging_tree_leaves_no_user_base_behind)
{
	/*
	 * A user base pointer left on the staging root would keep it typed
	 * once unpinned, and writing its frames writable into the kernel's
	 * region would be refused (-EBUSY). The late activation never points
	 * the user base at the kernel's root (none, without a user tree), so
	 * a late-activated staging tree is given back like an early one.
	 */
	struct run *r = setup(8192, true);
	struct sim_xen *sx = r->x->sx;
	CHECK_EQ(sx->user_base, SX_NO_MFN);
	CHECK_EQ(sx->user_baseptr_ops, 1);
	CHECK_EQ(sx->user_baseptr_mfn, 0);
	enum ep_err e = pv_linux_tree_build(&r->t, &r->c);
	CHECKF(e == EP_OK, "build: %s (xen: %s)", tree_err(r), sx->why);
	uint64_t staging_root = sx->p2m[r->x->ctx.root >> 12];
	CHECK_EQ(sx->f[staging_root].tcount, 0);
	XCHECK_SIM_CLEAN(r->x);
}

struct bogus {
	const struct pv_layout *l;
	const xen_pfn_t *p2m;
	uint64_t bad1, bad2;
};

static void next_with_bogus(void *env, uint64_t i, uint64_t *mfn, uint64_t *pfn)
{
	const struct bogus *b = env;
	uint64_t old;
	pv_layout_move(b->l, i, &old, pfn);
	*mfn = (i == b->bad1 || i == b->bad2) ? 0 /* Xen's frame */ : b->p2m[*pfn];
}

TEST(refused_m2p_entries_are_counted_and_named)
{
	struct run *r = setup(8192, false);
	struct sim_xen *sx = r->x->sx;
	REQUIRE_EQ(pv_linux_tree_build(&r->t, &r->c), EP_OK);
	struct bogus b = { &r->l, r->new_p2m, 5, 700 };
	struct xen_be_m2p_report rep;
	uint64_t n = pv_layout_moves(&r->l);
	CHECK_EQ(xen_be_m2p_update(&r->t.ctx, n, next_with_bogus, &b, &rep), EP_ERR_BACKEND);
	CHECK_EQ(rep.failed, 2);
	CHECK_EQ(rep.updated, n - 2);
	REQUIRE_EQ(rep.nfirst, 2);
	CHECK_EQ(rep.first[0].mfn, 0);
	uint64_t old, p5, p700;
	pv_layout_move(&r->l, 5, &old, &p5);
	pv_layout_move(&r->l, 700, &old, &p700);
	CHECK_EQ(rep.first[0].pfn, p5);
	CHECK_EQ(rep.first[1].pfn, p700);
	CHECK_EQ(rep.first[0].rc, -XEN_EINVAL);
	/* The ones after the refusals went in all the same. */
	CHECK_EQ(sx->m2p[r->new_p2m[p700 + 1 < r->l.nr_pages ? p700 + 1 : p700]],
		 p700 + 1 < r->l.nr_pages ? p700 + 1 : p700);
	CHECKF(strstr(tree_err(r), "machphys update"), "%s", tree_err(r));
}

TEST(m2p_only_after_the_tree_is_finished)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, xfx_build(x), EP_OK);
	struct bogus b = { 0 };
	struct xen_be_m2p_report rep;
	CHECK_EQ(xen_be_m2p_update(&x->ctx, 1, next_with_bogus, &b, &rep), EP_ERR_STATE);
	CHECK_EQ(rep.hypercalls, 0);
}

int main(void)
{
	RUN(start_of_day_as_xen_lays_it_out);
	RUN(no_p2m_reads_after_the_switch);
	RUN(late_staging_tree_leaves_no_user_base_behind);
	RUN(refused_m2p_entries_are_counted_and_named);
	RUN(m2p_only_after_the_tree_is_finished);
	return th_done();
}
