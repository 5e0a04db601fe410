/*
 * The xen backend: making a root live, and giving back what the rule took.
 *
 * Activation is one mmuext_op call: pin the new L4 (Xen validates the whole
 * tree: every table read-only everywhere, no PSE), load it, unpin the old
 * one. Unpinning the template drops its type, so its frames become ordinary
 * memory and the entries the rule wrote read-only over them are given back
 * writable. release_spare does the same for pool frames that never became
 * tables, once ep_finish closes the pool.
 */
#include "paging/xen/xen_be_internal.h"

static const char *ext_name(unsigned cmd)
{
	switch (cmd) {
	case MMUEXT_PIN_L4_TABLE: return "mmuext_op: pin L4";
	case MMUEXT_NEW_BASEPTR: return "mmuext_op: new baseptr";
	case MMUEXT_NEW_USER_BASEPTR: return "mmuext_op: new user baseptr";
	case MMUEXT_UNPIN_TABLE: return "mmuext_op: unpin";
	}
	return "mmuext_op";
}

/* Give one refused entry back, if it is still the one the rule wrote. */
static enum ep_err give_back(struct ep_ctx *ctx, struct xen_be *be,
			     struct xen_be_refusal *r, enum xen_be_why why)
{
	uint64_t pfn = r->pfn;
	r->pfn = XEN_NO_PFN;
	uint64_t now = be_read_ma(ctx, be, r->pte_ma) & ~XEN_VOLATILE_BITS;
	uint64_t wrote = r->want & ~(EP_PTE_RW | XEN_VOLATILE_BITS);
	if (now != wrote)
		return EP_OK; /* rewritten since: the latest request wins */
	be->restored++;
	return be_queue(ctx, be, r->pte_ma, r->want, why, pfn << EP_PAGE_SHIFT);
}

/*
 * The template is unpinned: Xen dropped its type, so the rule no longer
 * covers its frames (tmpl_live), and the entries it wrote read-only over
 * them go back to what was asked. The frames are called released only once
 * that batch went in: a released frame is one a next user may write, and
 * after a failed give-back some of them are still read-only.
 */
static enum ep_err release_template(struct ep_ctx *ctx, struct xen_be *be)
{
	be->tmpl_live = false;
	/*
	 * defect=template: the frames are released all the same; only the
	 * give-back is skipped, so the broken promise is exactly "writable
	 * again".
	 */
	for (size_t i = 0; i < be->nrefusals && !be->cfg.debug.keep_template_readonly; i++) {
		struct xen_be_refusal *r = &be->cfg.refusals[i];
		if (r->pfn == XEN_NO_PFN || xen_tmpl_find(be, r->pfn) < 0)
			continue;
		enum ep_err e = give_back(ctx, be, r, XEN_WHY_TMPL);
		if (e)
			return e;
	}
	enum ep_err e = be_flush(ctx, be);
	if (e)
		return e;
	for (unsigned i = 0; i < be->ntmpl; i++)
		be->tmpl[i].state = XEN_TMPL_RELEASED;
	return EP_OK;
}

/*
 * The handover variant of the activation (xen_be_handover): pin only, then
 * write down the load, the unpin and the give-back for the world to send.
 * The give-back entries are read back now, while the template is still the
 * live tree and the m2p still this domain's: the world may rewrite the m2p
 * before it switches (nothing reads an entry after this).
 */
static enum ep_err hand_over(struct ep_ctx *ctx, struct xen_be *be, uint64_t root_pa)
{
	struct xen_be_handover *h = be->cfg.handover;
	if (be->pinned_pa || !be->tmpl_live)
		return ep_fail(ctx, EP_ERR_STATE,
			       "xen: handover activation of a tree already live", 0,
			       root_pa, 0, 4);
	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
	pin.arg1.mfn = be_mfn(be, root_pa);
	unsigned done = 0;
	long rc = xen_mmuext_op(be->hc, &pin, 1, &done);
	if (rc)
		return be_fail(ctx, be, ext_name(MMUEXT_PIN_L4_TABLE), root_pa, rc);
	be->pinned_pa = root_pa;
	h->ext[0] = (struct mmuext_op){ .cmd = MMUEXT_NEW_BASEPTR };
	h->ext[0].arg1.mfn = be_mfn(be, root_pa);
	h->ext[1] = (struct mmuext_op){ .cmd = MMUEXT_UNPIN_TABLE };
	h->ext[1].arg1.mfn = be_mfn(be, be->cfg.template_root_pa);
	h->next = 2;
	h->ngive_back = 0;
	for (size_t i = 0; i < be->nrefusals && !be->cfg.debug.keep_template_readonly; i++) {
		struct xen_be_refusal *r = &be->cfg.refusals[i];
		if (r->pfn == XEN_NO_PFN || xen_tmpl_find(be, r->pfn) < 0)
			continue;
		uint64_t now = be_read_ma(ctx, be, r->pte_ma) & ~XEN_VOLATILE_BITS;
		uint64_t pfn = r->pfn;
		r->pfn = XEN_NO_PFN;
		if (now != (r->want & ~(EP_PTE_RW | XEN_VOLATILE_BITS)))
			continue; /* rewritten since: the latest request wins */
		if (h->ngive_back == h->cap)
			return ep_fail(ctx, EP_ERR_CONFIG,
				       "xen: handover give-back list full", 0,
				       pfn << EP_PAGE_SHIFT, h->cap + 1, 0);
		h->give_back[h->ngive_back].ptr = r->pte_ma | MMU_NORMAL_PT_UPDATE;
		h->give_back[h->ngive_back++].val = r->want;
		be->restored++;
	}
	be->base_pa = root_pa;
	be->tmpl_live = false;
	for (unsigned i = 0; i < be->ntmpl; i++)
		be->tmpl[i].state = XEN_TMPL_RELEASED;
	return EP_OK;
}

static void add_op(struct mmuext_op *op, uint64_t *subject, unsigned *n,
		   unsigned cmd, const struct xen_be *be, uint64_t pa)
{
	op[*n] = (struct mmuext_op){ .cmd = cmd };
	op[*n].arg1.mfn = be_mfn(be, pa);
	subject[*n] = pa;
	(*n)++;
}

static enum ep_err activate(struct ep_ctx *ctx, uint64_t root_pa, bool late)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	if ((e = be_flush(ctx, be)))
		return e;
	if (be->cfg.handover && !late)
		return hand_over(ctx, be, root_pa);

	struct mmuext_op op[4];
	uint64_t subject[4];
	unsigned n = 0, done = 0;
	bool pin = be->pinned_pa != root_pa;
	uint64_t old = be->pinned_pa ? be->pinned_pa
		       : be->tmpl_live ? be->cfg.template_root_pa : 0;
	/*
	 * The user base pointer only ever names a real user tree: the one the
	 * world supplied (cfg.user_root_pa), never the kernel's own root.
	 */
	uint64_t user = be->cfg.user_root_pa;
	if (late && user == root_pa)
		return ep_fail(ctx, EP_ERR_CONFIG,
			       "xen: the user root is the kernel's root", 0,
			       root_pa, 0, 4);
	if (pin)
		add_op(op, subject, &n, MMUEXT_PIN_L4_TABLE, be, root_pa);
	if (be->base_pa != root_pa)
		add_op(op, subject, &n, MMUEXT_NEW_BASEPTR, be, root_pa);
	/*
	 * Only the late variant touches the user base pointer: early on, no
	 * user page tables exist, and loading one that is not a valid L4 is
	 * the very failure this split exists to avoid. The late one sets it to
	 * the user root supplied, or to none (0) without one, once: whatever
	 * Xen left there before is then known not to be a stale tree.
	 */
	if (late && (!be->user_base_set || be->user_base_pa != user)) {
		add_op(op, subject, &n, MMUEXT_NEW_USER_BASEPTR, be,
		       user ? user : root_pa);
		/* 0 is "none" for Xen; an error names the root it was for. */
		if (!user)
			op[n - 1].arg1.mfn = 0;
	}
	if (pin && old)
		add_op(op, subject, &n, MMUEXT_UNPIN_TABLE, be, old);
	if (!n)
		return EP_OK;

	long rc = xen_mmuext_op(be->hc, op, n, &done);
	/*
	 * Xen runs the operations in order and stops at the one that fails:
	 * those before it went in, and the backend's state must say so even
	 * then (a new root pinned, or pinned and loaded, with the template
	 * still pinned), so that nothing is pinned or loaded behind the
	 * caller's back.
	 */
	unsigned failed = rc ? (done < n ? done : n - 1) : n;
	for (unsigned i = 0; i < failed; i++) {
		if (op[i].cmd == MMUEXT_PIN_L4_TABLE)
			be->pinned_pa = subject[i];
		else if (op[i].cmd == MMUEXT_NEW_BASEPTR)
			be->base_pa = subject[i];
		else if (op[i].cmd == MMUEXT_NEW_USER_BASEPTR) {
			be->user_base_set = true;
			be->user_base_pa = user;
		}
	}
	if (rc)
		return be_fail(ctx, be, ext_name(op[failed].cmd), subject[failed], rc);
	if (pin && old == be->cfg.template_root_pa && be->tmpl_live)
		return release_template(ctx, be);
	return EP_OK;
}

enum ep_err xen_activate_early(struct ep_ctx *ctx, uint64_t root_pa)
{
	return activate(ctx, root_pa, false);
}

enum ep_err xen_activate_late(struct ep_ctx *ctx, uint64_t root_pa)
{
	return activate(ctx, root_pa, true);
}

/*
 * The pool frames that never became tables: every entry the rule wrote
 * read-only over one goes back to what was asked. The core calls this for
 * each spare frame once the pool is closed and the tree is live (then
 * flushes); the first call gives back the records of every spare frame in
 * one pass over the log, so a finish costs one pass, not one per frame, and
 * the later calls find nothing left.
 */
enum ep_err xen_release_spare(struct ep_ctx *ctx, uint64_t pa)
{
	enum ep_err e;
	struct xen_be *be = be_get(ctx, &e);
	if (!be)
		return e;
	/* Until the pin has completed a spare frame is a table frame. */
	if (!be->pinned_pa)
		return ep_fail(ctx, EP_ERR_STATE,
			       "xen: spare frame given back before the pin", 0, pa,
			       0, 0);
	if (be->spares_released)
		return EP_OK;
	/* Entries are read back below: what they were asked to be must be in. */
	if (be->pending_writes && (e = be_flush(ctx, be)))
		return e;
	for (size_t i = 0; i < be->nrefusals; i++) {
		struct xen_be_refusal *r = &be->cfg.refusals[i];
		uint64_t rpa = r->pfn << EP_PAGE_SHIFT;
		if (r->pfn == XEN_NO_PFN || rpa < pa || rpa >= ctx->pool.top ||
		    ep_frame_state(ctx, rpa) != EP_FRAME_FREE)
			continue;
		if ((e = give_back(ctx, be, r, XEN_WHY_SPARE)))
			return e;
	}
	be->spares_released = true;
	return EP_OK;
}
