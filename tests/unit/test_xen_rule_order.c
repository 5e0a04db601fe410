/*
 * The rule and the API's promises under every order of the public calls.
 *
 * Every sequence of one to five calls out of map, protect, unmap, finish,
 * activate (early) and switch + activate (late) runs on the real xen
 * backend against the simulated Xen; the ranges and permissions of each
 * call come from a PRNG seeded with the sequence's number (fixed: every run
 * is the same), some covering pool frames (the root among them), template
 * frames or ordinary RAM, some writable, some user. After every call:
 *
 *  - the simulated Xen's own audit and books (no direct store it could not
 *    allow, no typed frame mapped writable by a typed L1);
 *  - the rule, on the tree being built, read by the hardware walker in
 *    machine frames: no leaf maps writable a pool frame that is not
 *    released, a template frame while the template is pinned, or a frame
 *    Xen has typed;
 *  - every page of a reference model of what was mapped: ep_translate and
 *    the hardware walker give its frame, its execute permission, user when
 *    asked, and write exactly when asked and the frame is ordinary memory
 *    now (a refused entry is read-only until its frame is given back);
 *  - the user base pointer: untouched until a late activation, and never
 *    set to a tree (no user tree is supplied here: it stays none);
 *  - a call that fails fails with an error the API documents for it, and
 *    never with a backend failure (a refused hypercall would mean the
 *    backend let something through that Xen had to catch).
 *
 * One simulated domain is built once; each sequence starts from a copy of
 * its state (the frames a build can touch: the pool and the template, and
 * every book), so 9330 sequences take a few seconds under ASan.
 */
#include <stdio.h>
#include <string.h>

#include "ep_fixture.h"
#include "xen_fixture.h"

#define NOPS 6
#define MAXLEN 5
#define VA0 0x0000100000000000ULL
#define WPAGES 32 /* the va window the requests fall in */

enum op { OP_MAP, OP_PROTECT, OP_UNMAP, OP_FINISH, OP_EARLY, OP_LATE };
static const char *const op_name[NOPS] = { "map", "protect", "unmap", "finish",
					   "activate-early", "activate-late" };

/* The pristine state every sequence starts from. */
struct snap {
	struct sim_xen sx;
	struct sim m;
	uint8_t *mem, *shadow; /* the touched frames, in order of touched[] */
	struct sx_frame *f;
	struct xfx x;
	struct xen_be be;
	uint8_t *pool_state;
	uint64_t *pool_pte;
	uint64_t touched[256];
	unsigned ntouched;
};

static struct xfx *X;
static struct snap *S;

static void take_snap(void)
{
	struct xfx *x = X;
	struct sim_xen *sx = x->sx;
	struct snap *s = th_alloc(sizeof *s);
	for (uint64_t i = 0; i < x->pool_frames; i++)
		s->touched[s->ntouched++] = sx_mfn(sx, xfx_pool_pfn(x, i));
	for (uint64_t i = 0; i < sx->nr_pt; i++)
		s->touched[s->ntouched++] = sx_mfn(sx, sx->pt_pfn + i);
	REQUIRE(s->ntouched <= 256);
	s->mem = th_alloc(s->ntouched * 4096ULL);
	s->shadow = th_alloc(s->ntouched * 4096ULL);
	for (unsigned i = 0; i < s->ntouched; i++) {
		memcpy(s->mem + i * 4096ULL, sx->mem + s->touched[i] * 4096, 4096);
		memcpy(s->shadow + i * 4096ULL, sx->shadow + s->touched[i] * 4096, 4096);
	}
	s->f = th_alloc(sx->nr_mfns * sizeof *s->f);
	memcpy(s->f, sx->f, sx->nr_mfns * sizeof *s->f);
	s->sx = *sx;
	s->m = *sx->m;
	s->x = *x;
	s->be = x->be;
	s->pool_state = th_alloc(x->pool_frames);
	memcpy(s->pool_state, x->pool_state, x->pool_frames);
	s->pool_pte = th_alloc(x->pool_frames * sizeof *s->pool_pte);
	memcpy(s->pool_pte, x->pool_pte, x->pool_frames * sizeof *s->pool_pte);
	S = s;
}

static void restore(void)
{
	struct xfx *x = X;
	struct sim_xen *sx = x->sx;
	struct snap *s = S;
	for (unsigned i = 0; i < s->ntouched; i++) {
		memcpy(sx->mem + s->touched[i] * 4096, s->mem + i * 4096ULL, 4096);
		memcpy(sx->shadow + s->touched[i] * 4096, s->shadow + i * 4096ULL, 4096);
	}
	memcpy(sx->f, s->f, sx->nr_mfns * sizeof *s->f);
	*sx = s->sx;
	*sx->m = s->m;
	memcpy(x->pool_state, s->pool_state, x->pool_frames);
	memcpy(x->pool_pte, s->pool_pte, x->pool_frames * sizeof *s->pool_pte);
	/* The backend and the context: byte copies (they point at the above). */
	x->be = s->be;
	x->ctx = s->x.ctx;
	x->hc = s->x.hc;
}

/* The model: one slot per page of the window. */
struct page {
	bool mapped;
	uint64_t pa;
	unsigned perms;
};

struct call {
	enum op op;
	uint64_t va, pa, len;
	unsigned perms;
};

/* A frame range of n pages, of one of the kinds the rule cares about. */
static uint64_t pick_pfn(struct rng *r, uint64_t n)
{
	struct xfx *x = X;
	struct sim_xen *sx = x->sx;
	switch (rng_below(r, 6)) {
	case 0: /* the root and what follows it */
		return xfx_pool_pfn(x, 0);
	case 1: /* pool frames, used or spare */
		return xfx_pool_pfn(x, rng_below(r, x->pool_frames - n + 1));
	case 2: /* template frames */
		return sx->pt_pfn + rng_below(r, sx->nr_pt > n ? sx->nr_pt - n + 1 : 1);
	case 3: /* straddling the pool's start: ordinary and table frames */
		return xfx_pool_pfn(x, 0) - rng_below(r, n);
	default: /* ordinary RAM */
		return sx->region_pages + 16 + rng_below(r, 64);
	}
}

static unsigned pick_perms(struct rng *r)
{
	unsigned p = 0;
	if (rng_below(r, 2))
		p |= EP_W;
	else if (!rng_below(r, 4))
		p |= EP_X;
	if (!rng_below(r, 4))
		p |= EP_U;
	return p;
}

static struct call draw(struct rng *r, enum op op)
{
	struct call c = { .op = op };
	uint64_t n = 1 + rng_below(r, 4);
	uint64_t first = rng_below(r, WPAGES - n + 1);
	c.va = VA0 + (first << 12);
	c.len = n << 12;
	c.pa = pick_pfn(r, n) << 12;
	c.perms = pick_perms(r);
	return c;
}

static enum ep_err apply(const struct call *c)
{
	struct ep_ctx *ctx = &X->ctx;
	switch (c->op) {
	case OP_MAP:
		return ep_map(ctx, c->va, c->pa, c->len, c->perms);
	case OP_PROTECT:
		return ep_protect(ctx, c->va, c->len, c->perms);
	case OP_UNMAP:
		return ep_unmap(ctx, c->va, c->len);
	case OP_FINISH:
		return ep_finish(ctx);
	case OP_EARLY:
		return ep_activate(ctx);
	case OP_LATE:
		ep_switch_to_late_activation(ctx);
		return ep_activate(ctx);
	}
	return EP_ERR_CONFIG;
}

/* Errors each call documents (and that leave the tree as it was). */
static bool documented(enum op op, enum ep_err e)
{
	switch (op) {
	case OP_MAP:
		return e == EP_ERR_OVERLAP || e == EP_ERR_REFUSED ||
		       e == EP_ERR_POOL || e == EP_ERR_STATE;
	case OP_PROTECT:
		return e == EP_ERR_NOT_MAPPED || e == EP_ERR_REFUSED ||
		       e == EP_ERR_POOL || e == EP_ERR_STATE;
	case OP_UNMAP:
		return e == EP_ERR_POOL || e == EP_ERR_STATE;
	case OP_FINISH:
		return e == EP_ERR_STATE; /* twice */
	default:
		return false;
	}
}

static void model_apply(struct page *m, const struct call *c)
{
	uint64_t first = (c->va - VA0) >> 12, n = c->len >> 12;
	for (uint64_t i = 0; i < n; i++) {
		struct page *p = &m[first + i];
		if (c->op == OP_MAP)
			*p = (struct page){ true, c->pa + (i << 12), c->perms };
		else if (c->op == OP_PROTECT)
			p->perms = c->perms;
		else if (c->op == OP_UNMAP)
			p->mapped = false;
	}
}

/* A table frame by the states (the oracle's own reading of them). */
static bool protected_frame(uint64_t pa)
{
	struct xfx *x = X;
	struct sim_xen *sx = x->sx;
	int st = ep_frame_state(&x->ctx, pa);
	if (st >= 0)
		return st != EP_FRAME_RELEASED;
	uint64_t pfn = pa >> 12;
	bool tmpl = pfn >= sx->pt_pfn && pfn < sx->pt_pfn + sx->nr_pt;
	return tmpl && sx->f[sx_mfn(sx, sx->l4_pfn)].pinned;
}

struct rule_walk {
	uint64_t bad_va, bad_pfn;
	const char *why;
};

static int rule_leaf(void *arg, const struct sim_leaf *l)
{
	struct rule_walk *w = arg;
	struct sim_xen *sx = X->sx;
	if (!(l->perms & SIM_PERM_W) || w->why)
		return 0;
	uint64_t mfn = l->pa >> 12, pfn = sx_pfn(sx, mfn);
	if (sx->f[mfn].tcount)
		w->why = "a frame Xen has typed";
	else if (protected_frame(pfn << 12))
		w->why = "a table frame before its pin / release";
	if (w->why) {
		w->bad_va = l->va;
		w->bad_pfn = pfn;
	}
	return 0;
}

static const char *seq_str(const enum op *ops, unsigned n)
{
	static char buf[160];
	size_t k = 0;
	for (unsigned i = 0; i < n; i++)
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", i ? ", " : "",
				      op_name[ops[i]]);
	return buf;
}

/* Everything after one step; false (after recording it) on a miss. */
static bool check_step(const struct page *m, const enum op *ops, unsigned nops,
		       unsigned step, uint64_t seed)
{
	struct xfx *x = X;
	struct sim_xen *sx = x->sx;
	const char *seq = seq_str(ops, nops);
	if (!xfx_check_clean(__FILE__, __LINE__, x)) {
		th_fail(__FILE__, __LINE__, "sequence %llu (%s), after step %u",
			(unsigned long long)seed, seq, step);
		return false;
	}
	struct rule_walk rw = { 0, 0, NULL };
	sim_walk(sx->m, sx_mfn(sx, x->ctx.root >> 12) << 12, rule_leaf, NULL, &rw);
	if (rw.why) {
		th_fail(__FILE__, __LINE__,
			"sequence %llu (%s), after step %u: va 0x%llx maps pfn 0x%llx writable: %s",
			(unsigned long long)seed, seq, step, (unsigned long long)rw.bad_va,
			(unsigned long long)rw.bad_pfn, rw.why);
		return false;
	}
	uint64_t cr3 = sx->m->cr3;
	sx->m->cr3 = sx_mfn(sx, x->ctx.root >> 12) << 12;
	bool ok = true;
	for (unsigned i = 0; i < WPAGES && ok; i++) {
		uint64_t va = VA0 + ((uint64_t)i << 12);
		struct ep_translation t;
		enum ep_err e = ep_translate(&x->ctx, va, &t);
		struct sim_result r = sim_probe(sx->m, va);
		if (!m[i].mapped) {
			ok = e == EP_ERR_NOT_MAPPED && r.kind != SIM_OK;
			if (!ok)
				th_fail(__FILE__, __LINE__,
					"sequence %llu (%s), after step %u: va 0x%llx mapped, should not be",
					(unsigned long long)seed, seq, step, (unsigned long long)va);
			continue;
		}
		bool want_w = (m[i].perms & EP_W) && !protected_frame(m[i].pa);
		unsigned hw = (r.perms & SIM_PERM_W ? EP_W : 0) |
			      (r.perms & SIM_PERM_X ? EP_X : 0) |
			      (r.perms & SIM_PERM_U ? EP_U : 0);
		ok = e == EP_OK && t.pa == m[i].pa && r.kind == SIM_OK &&
		     r.pa >> 12 == sx_mfn(sx, m[i].pa >> 12) &&
		     !!(t.perms & EP_W) == want_w && !!(hw & EP_W) == want_w &&
		     !!(t.perms & EP_X) == !!(m[i].perms & EP_X) &&
		     !!(hw & EP_X) == !!(m[i].perms & EP_X) &&
		     (!(m[i].perms & EP_U) || ((t.perms & EP_U) && (hw & EP_U)));
		if (!ok)
			th_fail(__FILE__, __LINE__,
				"sequence %llu (%s), after step %u: va 0x%llx: translate %s pa 0x%llx perms %#x, walker pa(mfn) 0x%llx perms %#x; want pa 0x%llx perms %#x (W %d)",
				(unsigned long long)seed, seq, step, (unsigned long long)va,
				xfx_err_name(e), (unsigned long long)t.pa, t.perms,
				(unsigned long long)r.pa, hw, (unsigned long long)m[i].pa,
				m[i].perms, want_w);
	}
	sx->m->cr3 = cr3;
	return ok;
}

static uint64_t run_sequence(const enum op *ops, unsigned n, uint64_t seed)
{
	struct page m[WPAGES];
	struct rng r = { seed * 0x9e3779b97f4a7c15ULL + 12345 };
	uint64_t checks = 0;
	bool late = false;
	memset(m, 0, sizeof m);
	restore();
	for (unsigned i = 0; i < n; i++) {
		struct call c = draw(&r, ops[i]);
		enum ep_err e = apply(&c);
		if (e == EP_OK)
			model_apply(m, &c);
		else if (!documented(c.op, e)) {
			th_fail(__FILE__, __LINE__,
				"sequence %llu (%s), step %u (%s va 0x%llx pa 0x%llx len 0x%llx perms %#x): %s: %s (xen: %s)",
				(unsigned long long)seed, seq_str(ops, n), i, op_name[c.op],
				(unsigned long long)c.va, (unsigned long long)c.pa,
				(unsigned long long)c.len, c.perms, xfx_err_name(e),
				xfx_errline(X), X->sx->why);
			return checks;
		}
		if (!check_step(m, ops, n, i, seed))
			return checks;
		/*
		 * No user tree was supplied: the user base pointer is never
		 * set to anything, and only a late activation says so.
		 */
		late |= c.op == OP_LATE;
		if (X->sx->user_base != SX_NO_MFN || (!late && X->sx->user_baseptr_ops)) {
			th_fail(__FILE__, __LINE__,
				"sequence %llu (%s), after step %u: user base mfn 0x%llx, %llu NEW_USER_BASEPTR",
				(unsigned long long)seed, seq_str(ops, n), i,
				(unsigned long long)X->sx->user_base,
				(unsigned long long)X->sx->user_baseptr_ops);
			return checks;
		}
		checks++;
	}
	return checks;
}

TEST(every_order_of_up_to_five_calls_keeps_the_rule_and_the_translations)
{
	struct xfx_opts o = {
		.sim = { .nr_pages = 2048, .kernel_pages = 32, .padding_pages = 48 },
		.pool_frames = 12,
	};
	X = xfx_new(&o);
	take_snap();
	uint64_t seqs = 0, steps = 0, seed = 0;
	enum op ops[MAXLEN];
	for (unsigned len = 1; len <= MAXLEN && !th_failed(); len++) {
		uint64_t total = 1;
		for (unsigned i = 0; i < len; i++)
			total *= NOPS;
		for (uint64_t k = 0; k < total && !th_failed(); k++, seed++) {
			uint64_t v = k;
			for (unsigned i = 0; i < len; i++, v /= NOPS)
				ops[i] = (enum op)(v % NOPS);
			steps += run_sequence(ops, len, seed);
			seqs++;
		}
	}
	CHECK_EQ(seqs, 6 + 36 + 216 + 1296 + 7776);
	CHECK_EQ(steps, 6 + 2 * 36 + 3 * 216 + 4 * 1296 + 5 * 7776);
}

/* The finding as reported: map, finish, a writable map of the root's frame. */
TEST(a_writable_map_of_the_root_after_finish_is_refused_before_the_pin)
{
	struct xfx *x = xfx_new(NULL);
	XREQUIRE(x, ep_map(&x->ctx, VA0, 0x800000, 4096, EP_W), EP_OK);
	XREQUIRE(x, ep_finish(&x->ctx), EP_OK);
	/* Explicit: only the root's frame. */
	XEXPECT(x, ep_map(&x->ctx, VA0 + 4096, x->ctx.root, 4096, EP_W), EP_ERR_REFUSED);
	/* Implicit: a range holding it is written read-only and counted. */
	uint64_t before = x->ctx.count.refusals;
	XEXPECT(x, ep_map(&x->ctx, VA0 + 8192, x->ctx.root - 4096, 2 * 4096, EP_W), EP_OK);
	CHECK_EQ(x->ctx.count.refusals, before + 1);
	/* Spare frames stay under the rule until the pin. */
	uint64_t spare = x->ctx.pool.top - 4096; /* the last one; then RAM */
	CHECK_EQ(ep_frame_state(&x->ctx, spare), EP_FRAME_FREE);
	XEXPECT(x, ep_map(&x->ctx, VA0 + 4 * 4096, spare, 2 * 4096, EP_W), EP_OK);
	CHECK_EQ(x->ctx.count.refusals, before + 2);
	struct ep_translation t;
	CHECK_EQ(ep_translate(&x->ctx, VA0 + 4 * 4096, &t), EP_OK);
	CHECK(!(t.perms & EP_W));
	CHECK_EQ(ep_translate(&x->ctx, VA0 + 5 * 4096, &t), EP_OK);
	CHECK(t.perms & EP_W);
	/* The pin goes through, and only then are the spares given back. */
	XEXPECT(x, ep_activate(&x->ctx), EP_OK);
	CHECK_EQ(ep_frame_state(&x->ctx, spare), EP_FRAME_RELEASED);
	CHECK_EQ(ep_translate(&x->ctx, VA0 + 4 * 4096, &t), EP_OK);
	CHECK_EQ(t.pa, spare);
	CHECK(t.perms & EP_W);
	CHECK_EQ(ep_translate(&x->ctx, VA0 + 3 * 4096, &t), EP_OK);
	CHECK_EQ(t.pa, x->ctx.root);
	CHECK(!(t.perms & EP_W));
	XCHECK_TABLES_RO(x);
	XCHECK_SIM_CLEAN(x);
}

int main(void)
{
	RUN(every_order_of_up_to_five_calls_keeps_the_rule_and_the_translations);
	RUN(a_writable_map_of_the_root_after_finish_is_refused_before_the_pin);
	return th_done();
}
