#define _POSIX_C_SOURCE 200809L
#include "xen_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xfx *xfx_new(const struct xfx_opts *in)
{
	struct xfx_opts o = { 0 };
	if (in)
		o = *in;
	struct xfx *x = th_alloc(sizeof *x);
	x->sx = sim_xen_new(&o.sim);
	struct sim_xen *sx = x->sx;
	x->pool_frames = o.pool_frames ? o.pool_frames : 64;
	x->pool_pa = (o.pool_pfn ? o.pool_pfn : sx->free_pfn) << 12;
	size_t cap = o.refusal_cap ? o.refusal_cap
				   : xen_be_refusals_needed(x->pool_frames, sx->nr_pt, 2) + 64;
	x->pool_state = th_alloc(x->pool_frames);
	x->pool_pte = th_alloc(x->pool_frames * sizeof *x->pool_pte);
	x->refusals = th_alloc(cap * sizeof *x->refusals);
	x->bcfg = (struct xen_be_config){
		.p2m = sx->p2m,
		.nr_pages = sx->nr_pages,
		.m2p = sx->m2p,
		.m2p_entries = sx->nr_mfns,
		/* What a PV world computes from start_info.pt_base. */
		.template_root_pa = (sx->si.pt_base - sx->virt_base),
		.user_root_pa = o.user_root_pa,
		.pool_template_pte = x->pool_pte,
		.refusals = x->refusals,
		.refusal_cap = cap,
		.hc = &x->hc,
	};
	unsigned long checks = th_checks();
	REQUIRE(xen_be_setup(&x->be, &x->bcfg) == EP_OK);
	x->ops = ep_xen_ops;
	x->cfg = (struct ep_config){
		.ops = &x->ops,
		.backend_data = &x->be,
		.levels = 4,
		.phys_to_virt = sim_xen_phys_to_virt,
		.env = sx,
		.pool_pa = x->pool_pa,
		.pool_frames = x->pool_frames,
		.pool_state = x->pool_state,
	};
	if (!o.no_init)
		XREQUIRE(x, xfx_init(x), EP_OK);
	th_checks_reset(checks); /* the fixture's, not the case's (harness.h) */
	return x;
}

enum ep_err xfx_init(struct xfx *x)
{
	return ep_init(&x->ctx, &x->cfg);
}

uint64_t xfx_kva(const struct xfx *x, uint64_t pfn)
{
	return x->sx->virt_base + (pfn << 12);
}

uint64_t xfx_dva(uint64_t pfn)
{
	return XFX_DMAP + (pfn << 12);
}

enum ep_err xfx_build(struct xfx *x)
{
	struct sim_xen *sx = x->sx;
	uint64_t k = sx->cfg.kernel_pages;
	enum ep_err e;
	if ((e = ep_map(&x->ctx, xfx_kva(x, 0), 0, k << 12, EP_X | EP_G)))
		return e;
	if ((e = ep_map(&x->ctx, xfx_kva(x, k), k << 12,
			(sx->region_pages - k) << 12, EP_W | EP_G)))
		return e;
	return ep_map(&x->ctx, XFX_DMAP, 0, sx->nr_pages << 12, EP_W);
}

enum ep_err xfx_run(struct xfx *x)
{
	enum ep_err e;
	if ((e = xfx_build(x)) || (e = ep_activate(&x->ctx)))
		return e;
	ep_switch_to_late_activation(&x->ctx);
	if ((e = ep_activate(&x->ctx)))
		return e;
	return ep_finish(&x->ctx);
}

const char *xfx_errline(struct xfx *x)
{
	static char buf[512];
	ep_format_error(&x->ctx, buf, sizeof buf);
	return buf;
}

const char *xfx_err_name(enum ep_err e)
{
	static const char *const names[] = {
		"EP_OK", "EP_ERR_ALIGN", "EP_ERR_RANGE", "EP_ERR_WX",
		"EP_ERR_OVERLAP", "EP_ERR_NOT_MAPPED", "EP_ERR_LAZY",
		"EP_ERR_POOL", "EP_ERR_REFUSED", "EP_ERR_BACKEND",
		"EP_ERR_STATE", "EP_ERR_CONFIG", "EP_ERR_FAULT",
	};
	return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "EP_ERR_?";
}

bool xfx_expect(const char *file, int line, struct xfx *x, const char *what,
		enum ep_err got, enum ep_err want, bool fatal)
{
	if (got == want) {
		th_pass();
		return true;
	}
	th_fail(file, line, "%s: expected %s, got %s (%s; xen: %s)", what,
		xfx_err_name(want), xfx_err_name(got),
		got ? xfx_errline(x) : "-", x->sx->why[0] ? x->sx->why : "-");
	if (fatal)
		th_abort();
	return false;
}

bool xfx_check_clean(const char *file, int line, struct xfx *x)
{
	char msg[256];
	if (sx_audit(x->sx)) {
		th_fail(file, line, "simulated Xen saw %llu rule break(s): %s",
			(unsigned long long)x->sx->violations, x->sx->violation);
		return false;
	}
	if (!sx_check_invariants(x->sx, msg, sizeof msg)) {
		th_fail(file, line, "simulated Xen inconsistent: %s", msg);
		return false;
	}
	th_pass();
	return true;
}

struct ro_walk {
	struct sim_xen *sx;
	uint8_t *is_table; /* per mfn */
	size_t tables;
	uint64_t bad_va, bad_mfn;
};

static int note_table(void *arg, uint64_t table, unsigned level)
{
	struct ro_walk *w = arg;
	(void)level;
	uint64_t mfn = table >> 12;
	if (mfn < w->sx->nr_mfns && w->sx->f[mfn].guest && !w->is_table[mfn]) {
		w->is_table[mfn] = 1;
		w->tables++;
	}
	return 0;
}

static int check_leaf(void *arg, const struct sim_leaf *l)
{
	struct ro_walk *w = arg;
	uint64_t mfn = l->pa >> 12;
	if (mfn < w->sx->nr_mfns && w->is_table[mfn] && (l->perms & SIM_PERM_W) &&
	    !w->bad_va) {
		w->bad_va = l->va;
		w->bad_mfn = mfn;
	}
	return 0;
}

size_t xfx_check_tables_ro(const char *file, int line, struct xfx *x)
{
	struct sim_xen *sx = x->sx;
	struct ro_walk w = { sx, calloc(sx->nr_mfns, 1), 0, 0, 0 };
	if (!w.is_table)
		abort();
	uint64_t root = sx->base << 12;
	/* First every table, then every leaf against them. */
	sim_walk(sx->m, root, NULL, note_table, &w);
	sim_walk(sx->m, root, check_leaf, NULL, &w);
	if (w.bad_va)
		th_fail(file, line, "table mfn 0x%llx (pfn 0x%llx) mapped writable at va 0x%llx",
			(unsigned long long)w.bad_mfn,
			(unsigned long long)sx->m2p[w.bad_mfn],
			(unsigned long long)w.bad_va);
	for (uint64_t m = 0; m < sx->nr_mfns && !w.bad_va; m++)
		if (w.is_table[m] && (sx->f[m].wmaps || !sx->f[m].tcount)) {
			th_fail(file, line, "table mfn 0x%llx: wmaps %u, type count %u",
				(unsigned long long)m, sx->f[m].wmaps, sx->f[m].tcount);
			break;
		}
	free(w.is_table);
	return w.tables;
}
