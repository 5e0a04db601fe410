/* The bootstrap tables of a PV kernel's start of day (linux_tree.h). Portable. */
#include "linux_tree.h"

#include "libc.h"

#include "page.h"
#define ALL (EP_W | EP_X | EP_WX_BY_PROTOCOL)

/* What went wrong, where ep_format_error finds it (the context's record). */
static enum ep_err fail(struct ep_ctx *ctx, enum ep_err code, const char *op,
			uint64_t va, uint64_t pa, uint64_t need)
{
	ctx->err = (struct ep_error_info){ code, va, pa, need, 0, op };
	return code;
}

size_t pv_linux_tree_refusals(const struct pv_layout *l, uint64_t staging_frames)
{
	/* The region maps every staging and every table frame once. */
	return xen_be_refusals_needed(l->pt_frames, staging_frames, 1);
}

enum ep_err pv_linux_tree_build(struct pv_linux_tree *t,
				const struct pv_linux_tree_cfg *c)
{
	const struct pv_layout *l = c->layout;
	memset(t, 0, sizeof *t);
	struct xen_be_config bc = {
		.p2m = c->p2m,
		.nr_pages = l->nr_pages,
		.m2p = c->m2p,
		.m2p_entries = c->m2p_entries,
		.template_root_pa = c->staging_root_pa,
		.pool_template_pte = c->pool_pte,
		.refusals = c->refusals,
		.refusal_cap = c->refusal_cap,
		.hc = c->hc,
		.handover = c->handover,
	};
	enum ep_err e = xen_be_setup(&t->be, &bc);
	if (e)
		return fail(&t->ctx, e, "xen backend setup", 0, c->staging_root_pa, 0);
	t->ops = ep_xen_ops;
	struct ep_config cfg = {
		.ops = &t->ops,
		.backend_data = &t->be,
		.levels = 4,
		.phys_to_virt = c->phys_to_virt,
		.env = c->env,
		/* The table element: old frames swap(pt) .. onwards, contiguous. */
		.pool_pa = pv_layout_swap(l, l->pt) * PAGE,
		.pool_frames = l->pt_frames,
		.pool_state = c->pool_state,
	};
	if ((e = ep_init(&t->ctx, &cfg)))
		return e;
	/*
	 * [0, kernel) keeps its frames (the loader's image among them: the
	 * code that switches and jumps stays where it runs); [kernel, end)
	 * is the block of frames that now hold the kernel's content.
	 */
	if (l->kernel && (e = ep_map(&t->ctx, l->virt_base, 0, l->kernel * PAGE, ALL)))
		return e;
	if ((e = ep_map(&t->ctx, pv_layout_va(l, l->kernel), l->src * PAGE,
			l->moved * PAGE, ALL)))
		return e;
	if (ep_pool_used(&t->ctx.pool) != l->pt_frames ||
	    t->ctx.root != cfg.pool_pa)
		return fail(&t->ctx, EP_ERR_STATE,
			    "PV start of day: tables differ from the layout's",
			    l->virt_base, t->ctx.root, ep_pool_used(&t->ctx.pool));
	if ((e = ep_activate(&t->ctx)))
		return e;
	return ep_finish(&t->ctx);
}

struct m2p_walk {
	const struct pv_layout *l;
	const xen_pfn_t *new_p2m;
};

static void next_move(void *env, uint64_t i, uint64_t *mfn, uint64_t *pfn)
{
	const struct m2p_walk *w = env;
	uint64_t old_pfn;
	pv_layout_move(w->l, i, &old_pfn, pfn);
	*mfn = w->new_p2m[*pfn];
}

enum ep_err pv_linux_tree_m2p(struct pv_linux_tree *t, const struct pv_layout *l,
			      const xen_pfn_t *new_p2m,
			      struct xen_be_m2p_report *rep)
{
	struct m2p_walk w = { l, new_p2m };
	return xen_be_m2p_update(&t->ctx, pv_layout_moves(l), next_move, &w, rep);
}
