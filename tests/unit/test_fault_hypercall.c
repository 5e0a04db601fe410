/*
 * Fault injection, Xen PV side (docs/fault_injection.md): a complete PV
 * build, as pv/tree.c does it through early_paging and the xen backend, is
 * run once cleanly to count its hypercalls K; then once for every N in
 * 1..K with hypercall N failing, at the first, the middle and the last
 * request of its batch (sim_xen's fail_at / fail_where). Every run must
 *
 *  (a) fail at the step that issued call N, with EP_ERR_BACKEND, and an
 *      ep_format_error line naming the hypercall and operation, the frame
 *      (or, for a TLB invalidation, the address) and Xen's code;
 *  (b) leave the simulated Xen consistent: its own books balance, no frame
 *      it holds as a page table is mapped writable, in its live tree or in
 *      ours; every pinned frame and the base pointers are the ones the
 *      backend's state names; frames the context or the backend calls
 *      released really are writable again;
 *  (c) leave a poisoned context: every later request, activation or
 *      finish fails with the first error, without another hypercall and
 *      without changing a byte of machine memory or a frame state.
 *
 * Two builds: "pv_tree" is pv/tree.c's sequence (loader regions, the rest
 * of the bootstrap region, the direct map, the next kernel's segments,
 * early and late activation, finish); "live_edits" adds what may follow a
 * switch (a map that needs new tables: MMUEXT_CLEAR_PAGE; a protect:
 * INVLPG; an unmap of 64 pages: a TLB flush) before the finish.
 * One line per build for the clean run (naming K), one per N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xen_fixture.h"

#define KNEXT_VA 0xffffffff81000000ULL /* the next kernel's link address */
#define LATE_VA 0x0000100000000000ULL  /* mapped after the switch */

enum step_kind { ST_MAP, ST_PROTECT, ST_UNMAP, ST_EARLY, ST_LATE, ST_FINISH };

struct step {
	const char *name;
	enum step_kind kind;
	uint64_t va, pa, len;
	unsigned perms;
};

#define MAX_STEPS 16
#define MAX_CALLS 64

struct build {
	const char *name;
	bool live_edits;
	/* Filled by the clean run. */
	bool measured;
	uint64_t pool_frames;
	unsigned nstep;
	const char *step_name[MAX_STEPS];
	uint64_t calls_after[MAX_STEPS]; /* sx->calls when step i returned */
	uint64_t k;                      /* hypercalls of the whole build */
};

static struct build builds[] = {
	{ .name = "pv_tree", .live_edits = false },
	{ .name = "live_edits", .live_edits = true },
};

#define PG 4096ULL
/* An 8 MiB domain: every run is a fresh simulated Xen, so keep it small. */
#define SIM_CFG { .nr_pages = 2048 }

/* The steps, from the simulated start-of-day (the same for every run). */
static unsigned plan(const struct xfx *x, bool live_edits, struct step *s)
{
	const struct sim_xen *sx = x->sx;
	uint64_t k = sx->cfg.kernel_pages, text = k / 2, ro = k;
	uint64_t kseg = (sx->region_pages + 16) * PG;
	unsigned n = 0;
	/* pv/tree.c: the image as linked (headers W, text X, rodata), then
	 * the rest of the bootstrap region W: p2m, start_info, the template,
	 * stack, padding and the pool in it. */
	s[n++] = (struct step){ "map below the image", ST_MAP, xfx_kva(x, 0), 0, PG, EP_W };
	s[n++] = (struct step){ "map loader text", ST_MAP, xfx_kva(x, 1), PG,
				(text - 1) * PG, EP_X };
	s[n++] = (struct step){ "map loader rodata", ST_MAP, xfx_kva(x, text), text * PG,
				(ro - text) * PG, 0 };
	s[n++] = (struct step){ "map the bootstrap region", ST_MAP, xfx_kva(x, ro), ro * PG,
				(sx->region_pages - ro) * PG, EP_W };
	s[n++] = (struct step){ "map the direct map", ST_MAP, XFX_DMAP, 0,
				sx->nr_pages * PG, EP_W };
	/* The next kernel's three segments, above the region. */
	s[n++] = (struct step){ "map the kernel (text)", ST_MAP, KNEXT_VA, kseg, 12 * PG, EP_X };
	s[n++] = (struct step){ "map the kernel (rodata)", ST_MAP, KNEXT_VA + 12 * PG,
				kseg + 12 * PG, 5 * PG, 0 };
	s[n++] = (struct step){ "map the kernel (data)", ST_MAP, KNEXT_VA + 17 * PG,
				kseg + 17 * PG, 20 * PG, EP_W };
	s[n++] = (struct step){ "activate (early)", ST_EARLY, 0, 0, 0, 0 };
	s[n++] = (struct step){ "activate (late)", ST_LATE, 0, 0, 0, 0 };
	if (live_edits) {
		s[n++] = (struct step){ "map after the switch", ST_MAP, LATE_VA,
					kseg + 64 * PG, 4 * PG, EP_W };
		s[n++] = (struct step){ "protect after the switch", ST_PROTECT,
					xfx_dva(100), 0, 2 * PG, 0 };
		s[n++] = (struct step){ "unmap after the switch", ST_UNMAP,
					xfx_dva(160), 0, 64 * PG, 0 };
	}
	s[n++] = (struct step){ "finish", ST_FINISH, 0, 0, 0, 0 };
	return n;
}

/* Pool size as pv/tree.c computes it: the tables map themselves, + 4. */
static uint64_t pool_frames_for(const struct xfx *x, const struct step *s,
				unsigned n)
{
	struct ep_range_req req[MAX_STEPS];
	size_t nreq = 0;
	for (unsigned i = 0; i < n; i++)
		if (s[i].kind == ST_MAP && s[i].va != LATE_VA)
			req[nreq++] = (struct ep_range_req){ s[i].va, s[i].pa, s[i].len };
	uint64_t pool_pfn = x->sx->free_pfn;
	return ep_pool_frames_needed(req, nreq, 4, EP_LEAF_4K, true,
				     xfx_kva(x, pool_pfn), pool_pfn * PG) + 4;
}

static enum ep_err do_step(struct xfx *x, const struct step *s)
{
	struct ep_ctx *c = &x->ctx;
	switch (s->kind) {
	case ST_MAP: return ep_map(c, s->va, s->pa, s->len, s->perms);
	case ST_PROTECT: return ep_protect(c, s->va, s->len, s->perms);
	case ST_UNMAP: return ep_unmap(c, s->va, s->len);
	case ST_EARLY: return ep_activate(c);
	case ST_LATE:
		ep_switch_to_late_activation(c);
		return ep_activate(c);
	case ST_FINISH: return ep_finish(c);
	}
	return EP_ERR_CONFIG;
}

/* Run the steps until one fails; *at is its index (n: none failed). */
static enum ep_err run_steps(struct xfx *x, const struct step *s, unsigned n,
			     unsigned *at, uint64_t *calls_after)
{
	for (unsigned i = 0; i < n; i++) {
		enum ep_err e = do_step(x, &s[i]);
		if (calls_after)
			calls_after[i] = x->sx->calls;
		if (e) {
			*at = i;
			return e;
		}
	}
	*at = n;
	return EP_OK;
}

static struct xfx *new_run(const struct build *b, struct step *s, unsigned *n)
{
	struct xfx_opts o = { .sim = SIM_CFG, .pool_frames = b->pool_frames };
	struct xfx *x = xfx_new(&o);
	*n = plan(x, b->live_edits, s);
	return x;
}

/* ---- (b): the simulated Xen, the backend and the context agree ---- */

static bool in_pool(const struct xfx *x, uint64_t pfn)
{
	return ep_pool_contains(&x->ctx.pool, pfn * PG);
}

struct rw_walk {
	struct xfx *x;
	bool ours;      /* our tree (else Xen's template, still live) */
	bool pool_open; /* spare pool frames still under the rule */
	uint64_t bad_va, bad_pfn;
	const char *why;
};

/*
 * The backend's record (pool_template_pte, docs/xen_backend.md): the
 * template's writable mapping of pool frame pfn has been taken away, its
 * read-only update went in. (Every pool frame starts mapped writable by
 * the template, so an empty slot means exactly that.)
 */
static bool sealed(const struct xfx *x, uint64_t pfn)
{
	return x->pool_pte[pfn - (x->pool_pa >> 12)] == 0;
}

static int writable_table_leaf(void *arg, const struct sim_leaf *l)
{
	struct rw_walk *w = arg;
	struct xfx *x = w->x;
	struct sim_xen *sx = x->sx;
	if (!(l->perms & SIM_PERM_W) || w->why)
		return 0;
	uint64_t mfn = l->pa >> 12;
	if (mfn >= sx->nr_mfns)
		return 0;
	uint64_t pfn = sx->m2p[mfn];
	const char *why = NULL;
	if (sx->f[mfn].tcount || sx->f[mfn].pinned)
		why = "a frame Xen holds as a page table";
	else if (!w->ours) {
		/*
		 * The template maps the pool writable until alloc_table's
		 * read-only update goes in; a frame the backend counts as
		 * sealed must be read-only there.
		 */
		if (in_pool(x, pfn) && sealed(x, pfn))
			why = "a sealed table frame of the pool";
	} else if (in_pool(x, pfn)) {
		int st = ep_frame_state(&x->ctx, pfn * PG);
		if (st == EP_FRAME_TABLE || st == EP_FRAME_PINNED)
			why = "a table frame of the pool";
		else if (st == EP_FRAME_FREE && w->pool_open)
			why = "a spare frame of the open pool";
	} else if (x->be.tmpl_live &&
		   xen_be_template_state(&x->be, pfn * PG) == XEN_TMPL_TABLE)
		why = "a frame of the live template";
	if (why) {
		w->why = why;
		w->bad_va = l->va;
		w->bad_pfn = pfn;
	}
	return 0;
}

/* Does the tree at root (machine memory) map va writable? */
static bool writable_in(struct sim_xen *sx, uint64_t root_mfn, uint64_t va)
{
	sim_set_root(sx->m, root_mfn << 12);
	struct sim_result r = sim_probe(sx->m, va);
	sim_set_root(sx->m, sx->base << 12);
	return r.kind == SIM_OK && (r.perms & SIM_PERM_W);
}

static bool check_xen_state(struct xfx *x, bool pool_open, const char **why)
{
	static char msg[300];
	struct sim_xen *sx = x->sx;
	struct xen_be *be = &x->be;
	char inv[256];
	if (sx_audit(sx)) {
		snprintf(msg, sizeof msg, "Xen saw a rule break: %s", sx->violation);
		goto bad;
	}
	if (!sx_check_invariants(sx, inv, sizeof inv)) {
		snprintf(msg, sizeof msg, "Xen's books: %s", inv);
		goto bad;
	}
	/* Every pinned frame and base pointer is one the backend names. */
	uint64_t tmpl_root = sx_mfn(sx, be->cfg.template_root_pa >> 12);
	uint64_t ours = be->pinned_pa ? sx_mfn(sx, be->pinned_pa >> 12) : SX_NO_MFN;
	for (uint64_t m = 0; m < sx->nr_mfns; m++) {
		bool told = (m == tmpl_root && be->tmpl_live) || m == ours;
		if (sx->f[m].pinned != told) {
			snprintf(msg, sizeof msg,
				 "mfn 0x%llx (pfn 0x%llx) is %spinned, the backend says %s "
				 "(pinned_pa 0x%llx, template live %d)",
				 (unsigned long long)m, (unsigned long long)sx->m2p[m],
				 sx->f[m].pinned ? "" : "not ", told ? "pinned" : "not",
				 (unsigned long long)be->pinned_pa, be->tmpl_live);
			goto bad;
		}
	}
	if (sx->base != sx_mfn(sx, be->base_pa >> 12)) {
		snprintf(msg, sizeof msg, "Xen's base pointer is pfn 0x%llx, the backend says 0x%llx",
			 (unsigned long long)sx->m2p[sx->base],
			 (unsigned long long)(be->base_pa >> 12));
		goto bad;
	}
	if ((sx->user_base != SX_NO_MFN) != (be->user_base_set && be->user_base_pa)) {
		snprintf(msg, sizeof msg, "Xen's user base pointer is %sset, the backend says %s",
			 sx->user_base != SX_NO_MFN ? "" : "not ",
			 be->user_base_set && be->user_base_pa ? "set" : "not");
		goto bad;
	}
	if (x->ctx.live && sx->base != sx_mfn(sx, x->ctx.root >> 12)) {
		snprintf(msg, sizeof msg, "the context says live, Xen runs on another root");
		goto bad;
	}
	/* No table frame writable: in Xen's live tree and in ours. */
	uint64_t roots[2] = { sx->base, sx_mfn(sx, x->ctx.root >> 12) };
	for (unsigned i = 0; i < 2; i++) {
		struct rw_walk w = { x, i == 1 || roots[0] == roots[1], pool_open, 0, 0, NULL };
		sim_walk(sx->m, roots[i] << 12, writable_table_leaf, NULL, &w);
		if (w.why) {
			snprintf(msg, sizeof msg, "%s tree maps %s (pfn 0x%llx) writable at va 0x%llx",
				 i ? "our" : "Xen's live", w.why, (unsigned long long)w.bad_pfn,
				 (unsigned long long)w.bad_va);
			goto bad;
		}
	}
	/* Whatever is called released is writable again, in both views. */
	for (uint64_t pfn = 0; pfn < sx->nr_pages; pfn++) {
		bool rel = (in_pool(x, pfn) &&
			    ep_frame_state(&x->ctx, pfn * PG) == EP_FRAME_RELEASED) ||
			   xen_be_template_state(be, pfn * PG) == XEN_TMPL_RELEASED;
		if (!rel || be->cfg.debug.keep_template_readonly)
			continue;
		uint64_t va[2] = { xfx_kva(x, pfn), xfx_dva(pfn) };
		for (unsigned i = 0; i < 2; i++)
			if (!writable_in(sx, roots[1], va[i])) {
				snprintf(msg, sizeof msg,
					 "pfn 0x%llx is called released (%s) but va 0x%llx maps it read-only",
					 (unsigned long long)pfn,
					 in_pool(x, pfn) ? "pool" : "template",
					 (unsigned long long)va[i]);
				goto bad;
			}
	}
	return true;
bad:
	*why = msg;
	return false;
}

/* ---- (a): the error names the call, the operation and the frame ---- */

static bool starts(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

static const char *check_error(struct xfx *x, long rc, const struct step *st)
{
	static char msg[400];
	const struct ep_error_info *e = ep_last_error(&x->ctx);
	const char *line = xfx_errline(x);
	const struct xen_be *be = &x->be;
	char want[64];
	if (e->code != EP_ERR_BACKEND || (int64_t)e->need != rc) {
		snprintf(msg, sizeof msg, "error %s code %lld, want EP_ERR_BACKEND %ld: %s",
			 xfx_err_name(e->code), (long long)(int64_t)e->need, rc, line);
		return msg;
	}
	if (!starts(e->op, "mmu_update: ") && !starts(e->op, "mmuext_op: ")) {
		snprintf(msg, sizeof msg, "op \"%s\" names no hypercall", e->op ? e->op : "");
		return msg;
	}
	snprintf(want, sizeof want, "code %ld", rc);
	if (!strstr(line, e->op) || !strstr(line, want)) {
		snprintf(msg, sizeof msg, "line lacks the operation or the code: %s", line);
		return msg;
	}
	/* The subject: what the operation was about. */
	uint64_t pa = e->pa;
	bool ok;
	if (!strcmp(e->op, "mmu_update: entry") || !strcmp(e->op, "mmu_update: table frame read-only") ||
	    !strcmp(e->op, "mmuext_op: clear page")) {
		int s = ep_frame_state(&x->ctx, pa);
		ok = in_pool(x, pa >> 12) && pa < x->ctx.pool.end &&
		     (s == EP_FRAME_TABLE || s == EP_FRAME_PINNED);
	} else if (!strcmp(e->op, "mmu_update: spare frame writable again")) {
		ok = in_pool(x, pa >> 12) && pa >= x->ctx.pool.end;
	} else if (!strcmp(e->op, "mmu_update: template frame writable again")) {
		ok = xen_be_template_state(be, pa) != 0;
	} else if (!strcmp(e->op, "mmuext_op: pin L4") || !strcmp(e->op, "mmuext_op: new baseptr") ||
		   !strcmp(e->op, "mmuext_op: new user baseptr")) {
		ok = pa == x->ctx.root;
	} else if (!strcmp(e->op, "mmuext_op: unpin")) {
		ok = pa == be->cfg.template_root_pa;
	} else if (!strcmp(e->op, "mmuext_op: invlpg") || !strcmp(e->op, "mmuext_op: tlb flush")) {
		/* No frame: the address is the request's. */
		snprintf(want, sizeof want, "va 0x%llx", (unsigned long long)st->va);
		ok = e->va == st->va && strstr(line, want);
		pa = 1; /* checked here */
	} else {
		snprintf(msg, sizeof msg, "unknown operation \"%s\"", e->op);
		return msg;
	}
	if (!ok || !pa) {
		snprintf(msg, sizeof msg, "%s names frame 0x%llx, which is not what it was about: %s",
			 e->op, (unsigned long long)e->pa, line);
		return msg;
	}
	if (pa != 1) {
		snprintf(want, sizeof want, "frame 0x%llx", (unsigned long long)pa);
		if (!strstr(line, want)) {
			snprintf(msg, sizeof msg, "line does not name %s: %s", want, line);
			return msg;
		}
	}
	return NULL;
}

/* ---- (c): the context is poisoned ---- */

struct frozen {
	uint64_t calls;
	uint8_t *mem, *pstate;
	struct ep_ctx ctx;
	struct ep_error_info err;
};

static void freeze(struct xfx *x, struct frozen *f)
{
	uint64_t bytes = x->sx->nr_mfns * PG;
	f->calls = x->sx->calls;
	f->mem = th_alloc(bytes);
	memcpy(f->mem, x->sx->mem, bytes);
	f->pstate = th_alloc(x->pool_frames);
	memcpy(f->pstate, x->pool_state, x->pool_frames);
	f->ctx = x->ctx;
	f->err = *ep_last_error(&x->ctx);
}

static const char *changed(struct xfx *x, const struct frozen *f)
{
	if (x->sx->calls != f->calls)
		return "made a hypercall";
	if (memcmp(f->mem, x->sx->mem, x->sx->nr_mfns * PG))
		return "changed machine memory";
	if (memcmp(f->pstate, x->pool_state, x->pool_frames))
		return "changed a frame state";
	if (x->ctx.pool.end != f->ctx.pool.end || x->ctx.live != f->ctx.live ||
	    x->ctx.finished != f->ctx.finished || x->ctx.root != f->ctx.root)
		return "changed the context";
	return NULL;
}

static const char *check_poisoned(struct xfx *x, const struct step *s,
				  unsigned failed_at)
{
	static char msg[400];
	struct frozen f;
	freeze(x, &f);
	/* Requests that are valid on a healthy context at this point: they
	 * pass the core's own checks and reach the backend. */
	bool dmap_done = false;
	for (unsigned i = 0; i < failed_at; i++)
		dmap_done |= s[i].kind == ST_MAP && s[i].va == XFX_DMAP;
	const struct {
		const char *name;
		int kind;
	} calls[] = { { "ep_map", 0 }, { "ep_unmap", 1 }, { "ep_protect", 2 },
		      { "ep_activate", 3 }, { "ep_finish", 4 } };
	for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		enum ep_err e;
		switch (calls[i].kind) {
		case 0: e = ep_map(&x->ctx, KNEXT_VA + 100 * PG, 0x3000, PG, 0); break;
		case 1: e = ep_unmap(&x->ctx, xfx_dva(5), PG); break;
		case 2:
			if (!dmap_done)
				continue;
			e = ep_protect(&x->ctx, xfx_dva(6), PG, 0);
			break;
		case 3: e = ep_activate(&x->ctx); break;
		default: e = ep_finish(&x->ctx); break;
		}
		const struct ep_error_info *now = ep_last_error(&x->ctx);
		const char *what = changed(x, &f);
		if (e == EP_OK || what) {
			snprintf(msg, sizeof msg, "after the failure, %s returned %s and %s",
				 calls[i].name, xfx_err_name(e), what ? what : "changed nothing");
			return msg;
		}
		if (e != f.err.code || now->code != f.err.code || now->pa != f.err.pa ||
		    now->need != f.err.need || !now->op || !f.err.op ||
		    strcmp(now->op, f.err.op)) {
			snprintf(msg, sizeof msg,
				 "after the failure, %s returned %s (%s), not the first error (%s)",
				 calls[i].name, xfx_err_name(e), xfx_errline(x),
				 f.err.op ? f.err.op : "?");
			return msg;
		}
	}
	return NULL;
}

/* ---- the cases ---- */

static struct build *cur_build;
static uint64_t cur_n;

static void clean_run(void)
{
	struct build *b = cur_build;
	struct step s[MAX_STEPS];
	/* Size the pool from the layout (a first simulator, only read). */
	struct xfx_opts o = { .sim = SIM_CFG, .no_init = true };
	struct xfx *probe = xfx_new(&o);
	unsigned n = plan(probe, b->live_edits, s);
	b->pool_frames = pool_frames_for(probe, s, n);
	/* The live edits touch only the image's own pages (no table frames). */
	REQUIRE(160 + 64 <= probe->sx->cfg.kernel_pages);
	REQUIRE(b->pool_frames > 4 && b->pool_frames <= probe->sx->region_pages);

	unsigned at;
	struct xfx *x = new_run(b, s, &n);
	REQUIRE(n <= MAX_STEPS);
	XREQUIRE(x, run_steps(x, s, n, &at, b->calls_after), EP_OK);
	b->nstep = n;
	for (unsigned i = 0; i < n; i++)
		b->step_name[i] = s[i].name;
	b->k = x->sx->calls;
	REQUIRE(b->k >= 6 && b->k <= MAX_CALLS);
	CHECK_EQ(x->hc.total, b->k);
	CHECK_EQ(x->hc.failed, 0);
	const char *why;
	CHECKF(check_xen_state(x, false, &why), "clean run: %s", why);
	CHECK(x->ctx.live && x->ctx.finished);
	/* The spare frames were given back: their released state is true. */
	CHECK(ep_pool_used(&x->ctx.pool) < x->pool_frames);
	b->measured = true;
}

/* Which step issues call n (1-based) in the clean run. */
static unsigned step_of(const struct build *b, uint64_t n)
{
	unsigned i = 0;
	while (i < b->nstep && b->calls_after[i] < n)
		i++;
	return i;
}

static void fail_call(void)
{
	static const struct {
		enum sx_fail_where where;
		const char *name;
		long rc;
	} pos[] = {
		{ SX_FAIL_FIRST, "first", -XEN_EINVAL },
		{ SX_FAIL_HALF, "middle", -XEN_ENOMEM },
		{ SX_FAIL_LAST, "last", -XEN_EBUSY },
	};
	struct build *b = cur_build;
	uint64_t n = cur_n;
	if (!b->measured)
		th_skip("the clean run failed");
	unsigned want_step = step_of(b, n);
	REQUIRE(want_step < b->nstep);
	for (unsigned p = 0; p < 3 && !th_failed(); p++) {
		struct step s[MAX_STEPS];
		unsigned ns, at;
		struct xfx *x = new_run(b, s, &ns);
		struct sim_xen *sx = x->sx;
		sx->fail_at = n;
		sx->fail_where = pos[p].where;
		sx->fail_rc = pos[p].rc;
		enum ep_err e = run_steps(x, s, ns, &at, NULL);
		const char *why = NULL;
		/* (a) */
		if (e == EP_OK || at != want_step)
			th_fail(__FILE__, __LINE__,
				"call %llu failing at its %s request (%u of %u): step \"%s\" returned %s, want step \"%s\" to fail",
				(unsigned long long)n, pos[p].name, sx->fail_stop + 1, sx->fail_count,
				at < ns ? s[at].name : "none", xfx_err_name(e), s[want_step].name);
		else if ((why = check_error(x, pos[p].rc, &s[at])))
			th_fail(__FILE__, __LINE__, "call %llu at its %s request, step \"%s\": %s",
				(unsigned long long)n, pos[p].name, s[at].name, why);
		else if (x->hc.failed != 1)
			th_fail(__FILE__, __LINE__, "call %llu: %llu failed hypercalls, want 1",
				(unsigned long long)n, (unsigned long long)x->hc.failed);
		/* (b) */
		else if (!check_xen_state(x, s[at].kind != ST_FINISH, &why))
			th_fail(__FILE__, __LINE__, "call %llu at its %s request, step \"%s\" (%s): %s",
				(unsigned long long)n, pos[p].name, s[at].name, xfx_errline(x), why);
		/* (c) */
		else if ((why = check_poisoned(x, s, at)))
			th_fail(__FILE__, __LINE__, "call %llu at its %s request, step \"%s\": %s",
				(unsigned long long)n, pos[p].name, s[at].name, why);
		else if (!check_xen_state(x, s[at].kind != ST_FINISH, &why))
			th_fail(__FILE__, __LINE__, "call %llu at its %s request, after the later calls: %s",
				(unsigned long long)n, pos[p].name, why);
		else
			th_pass(); /* (a), (b) and (c) hold */
	}
}

/* "map the kernel (text)" -> "map_the_kernel_text" */
static void slug(char *out, size_t len, const char *in)
{
	size_t o = 0;
	for (; *in && o + 1 < len; in++) {
		if (*in == '(' || *in == ')')
			continue;
		out[o++] = *in == ' ' ? '_' : *in;
	}
	out[o] = '\0';
}

int main(void)
{
	static char names[2][MAX_CALLS + 2][96];
	for (unsigned i = 0; i < 2; i++) {
		struct build *b = cur_build = &builds[i];
		snprintf(names[i][0], sizeof names[i][0], "%s_clean_run", b->name);
		th_run_case(__FILE__, names[i][0], clean_run);
		for (uint64_t n = 1; b->measured && n <= b->k; n++) {
			char step[64];
			slug(step, sizeof step, b->step_name[step_of(b, n)]);
			snprintf(names[i][n], sizeof names[i][n], "%s_call_%02llu_of_%llu_in_%s",
				 b->name, (unsigned long long)n, (unsigned long long)b->k, step);
			cur_n = n;
			th_run_case(__FILE__, names[i][n], fail_call);
		}
	}
	return th_done();
}
