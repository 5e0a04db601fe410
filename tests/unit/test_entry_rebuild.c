/*
 * Every path of the core that changes an entry already in a table (the user
 * bit added to an intermediate entry, protect, unmap, the split of a large
 * leaf, and each of them inside a split made by the same request) must
 * rebuild the entry from the pa the backend reads back (entry_to_pa), never
 * reuse the entry's raw address bits: under Xen PV those hold a machine
 * frame, and reusing them as a pseudo-physical one sends the entry
 * elsewhere.
 *
 * Each scenario runs under three backends, and after every step every page
 * of a reference model of what was mapped is checked, through ep_translate
 * and through the simulated hardware walker:
 *  - native (identity entries; 4 KiB, 2 MiB, 1 GiB leaves);
 *  - "encoded": the native backend with entries that hold pa ^ ENC_KEY, so
 *    any raw reuse of address bits shows, also on the large-leaf paths Xen
 *    never takes (ep_translate only: the walker would follow the key);
 *  - xen: the real backend on the simulated Xen (4 KiB leaves, machine
 *    frames, a live and pinned tree after the mid-scenario activation).
 */
#include <stdio.h>
#include <string.h>

#include "ep_fixture.h"
#include "xen_fixture.h"

#define ENC_KEY (1ULL << 44)

enum world_kind { W_NATIVE, W_XEN, W_ENCODED, W_COUNT };
static const char *const world_name[] = { "native", "xen", "encoded" };

struct world {
	enum world_kind kind;
	struct fx *f;
	struct xfx *x;
	struct ep_ctx *ctx;
	struct ep_backend_ops enc; /* W_ENCODED: the inner backend */
};

static uint64_t enc(uint64_t e)
{
	return (e & EP_PTE_P) ? e ^ ENC_KEY : e;
}

static enum ep_err enc_set_entry(struct ep_ctx *ctx, uint64_t table_pa,
				 unsigned level, unsigned index, uint64_t entry)
{
	return ep_native_ops.set_entry(ctx, table_pa, level, index, enc(entry));
}

static enum ep_err enc_set_run(struct ep_ctx *ctx, uint64_t table_pa,
			       unsigned level, unsigned index, unsigned count,
			       uint64_t first, uint64_t step)
{
	/* No pa here reaches bit 44, so the key survives the additions. */
	return ep_native_ops.set_run(ctx, table_pa, level, index, count,
				     enc(first), step);
}

static uint64_t enc_entry_to_pa(const struct ep_ctx *ctx, uint64_t entry)
{
	(void)ctx;
	return (entry ^ ENC_KEY) & EP_PTE_ADDR_MASK;
}

static struct world *world_new(enum world_kind kind)
{
	struct world *w = th_alloc(sizeof *w);
	w->kind = kind;
	if (kind == W_XEN) {
		w->x = xfx_new(NULL);
		w->ctx = &w->x->ctx;
		return w;
	}
	struct fx_opts o = { .no_init = kind == W_ENCODED };
	w->f = fx_new(&o);
	if (kind == W_ENCODED) {
		w->enc = ep_native_ops;
		w->enc.set_entry = enc_set_entry;
		w->enc.set_run = enc_set_run;
		w->f->inner = &w->enc;
		w->f->ops.entry_to_pa = enc_entry_to_pa;
		REQUIRE(ep_init(&w->f->ctx, &w->f->cfg) == EP_OK);
	}
	w->ctx = &w->f->ctx;
	return w;
}

/* The reference model: what every page of the window should translate to. */
struct model {
	uint64_t va, pages;
	uint64_t *pa;
	unsigned *perms;
	bool *mapped;
};

static struct model model_new(uint64_t va, uint64_t len)
{
	struct model m = { va, len >> 12, 0, 0, 0 };
	m.pa = th_alloc(m.pages * sizeof *m.pa);
	m.perms = th_alloc(m.pages * sizeof *m.perms);
	m.mapped = th_alloc(m.pages);
	return m;
}

enum step_kind { S_MAP, S_PROTECT, S_UNMAP, S_ACTIVATE };
struct step {
	enum step_kind kind;
	uint64_t off, pa, len;
	unsigned perms;
};

static const char *const step_name[] = { "map", "protect", "unmap", "activate" };

static void model_apply(struct model *m, const struct step *s)
{
	uint64_t first = s->off >> 12, n = s->len >> 12;
	for (uint64_t i = 0; i < n && s->kind != S_ACTIVATE; i++) {
		uint64_t p = first + i;
		if (s->kind == S_MAP) {
			m->mapped[p] = true;
			m->pa[p] = s->pa + (i << 12);
		}
		if (s->kind != S_UNMAP)
			m->perms[p] = s->perms;
		else
			m->mapped[p] = false;
	}
}

/* The hardware walker's view of va in the context's tree: pa in the
 * context's terms (pseudo-physical under Xen). */
static struct sim_result hw_probe(struct world *w, uint64_t va)
{
	if (w->kind == W_NATIVE) {
		fx_use_root(w->f);
		return sim_probe(w->f->sim, va);
	}
	struct sim_xen *sx = w->x->sx;
	uint64_t cr3 = sx->m->cr3;
	sx->m->cr3 = sx_mfn(sx, w->ctx->root >> 12) << 12;
	struct sim_result r = sim_probe(sx->m, va);
	sx->m->cr3 = cr3;
	if (r.kind == SIM_OK)
		r.pa = (sx_pfn(sx, r.pa >> 12) << 12) | (r.pa & 0xfff);
	return r;
}

static unsigned sim_perms_to_ep(unsigned p)
{
	return ((p & SIM_PERM_W) ? EP_W : 0) | ((p & SIM_PERM_X) ? EP_X : 0) |
	       ((p & SIM_PERM_U) ? EP_U : 0);
}

/* Effective perms as they must read back: exact, except that Xen sets
 * _PAGE_USER on whatever it validates (a pinned tree). */
static bool perms_ok(const struct world *w, unsigned got, unsigned want)
{
	unsigned mask = EP_W | EP_X | EP_U;
	got &= mask;
	want &= mask;
	if (w->kind == W_XEN && w->ctx->live)
		return (got | EP_U) == (want | EP_U);
	return got == want;
}

static bool check_model(struct world *w, const struct model *m, unsigned step)
{
	for (uint64_t p = 0; p < m->pages; p++) {
		uint64_t va = m->va + (p << 12);
		struct ep_translation t;
		enum ep_err e = ep_translate(w->ctx, va, &t);
		struct sim_result r = { .kind = SIM_OK };
		bool hw = w->kind != W_ENCODED;
		if (hw)
			r = hw_probe(w, va);
		if (!m->mapped[p]) {
			if (e != EP_ERR_NOT_MAPPED || (hw && r.kind == SIM_OK)) {
				th_fail(__FILE__, __LINE__,
					"%s step %u: va 0x%llx should be unmapped: translate %d, walker pa 0x%llx",
					world_name[w->kind], step, (unsigned long long)va,
					(int)e, (unsigned long long)r.pa);
				return false;
			}
			continue;
		}
		if (e != EP_OK || t.pa != m->pa[p] ||
		    !perms_ok(w, t.perms, m->perms[p])) {
			th_fail(__FILE__, __LINE__,
				"%s step %u: va 0x%llx: translate %d pa 0x%llx perms %#x, want pa 0x%llx perms %#x",
				world_name[w->kind], step, (unsigned long long)va, (int)e,
				(unsigned long long)t.pa, t.perms,
				(unsigned long long)m->pa[p], m->perms[p]);
			return false;
		}
		if (hw && (r.kind != SIM_OK || r.pa != m->pa[p] ||
			   !perms_ok(w, sim_perms_to_ep(r.perms), m->perms[p]))) {
			th_fail(__FILE__, __LINE__,
				"%s step %u: va 0x%llx: walker %s pa 0x%llx perms %#x, want pa 0x%llx perms %#x",
				world_name[w->kind], step, (unsigned long long)va,
				sim_kind_name(r.kind), (unsigned long long)r.pa, r.perms,
				(unsigned long long)m->pa[p], m->perms[p]);
			return false;
		}
	}
	return true;
}

static void run_scenario(enum world_kind kind, uint64_t va, uint64_t window,
			 const struct step *steps, unsigned n)
{
	struct world *w = world_new(kind);
	struct model m = model_new(va, window);
	for (unsigned i = 0; i < n && !th_failed(); i++) {
		const struct step *s = &steps[i];
		enum ep_err e = EP_OK;
		switch (s->kind) {
		case S_MAP:
			e = ep_map(w->ctx, va + s->off, s->pa, s->len, s->perms);
			break;
		case S_PROTECT:
			e = ep_protect(w->ctx, va + s->off, s->len, s->perms);
			break;
		case S_UNMAP:
			e = ep_unmap(w->ctx, va + s->off, s->len);
			break;
		case S_ACTIVATE:
			e = ep_activate(w->ctx);
			break;
		}
		CHECKF(e == EP_OK, "%s step %u (%s at +0x%llx): %s", world_name[kind], i,
		       step_name[s->kind], (unsigned long long)s->off,
		       w->x ? xfx_errline(w->x) : fx_errline(w->f));
		model_apply(&m, s);
		check_model(w, &m, i);
	}
	if (w->x)
		XCHECK_SIM_CLEAN(w->x);
}

#define VA 0x0000004000000000ULL
#define K4 0x1000ULL
#define M2 0x200000ULL
#define G1 0x40000000ULL

/* The finding as reported: adding the user bit to a non-user intermediate. */
TEST(user_bit_on_an_intermediate_entry_keeps_its_frame)
{
	static const struct step s[] = {
		{ S_MAP, 0, 0x100000, K4, 0 },
		{ S_MAP, K4, 0x101000, K4, EP_U },
		{ S_ACTIVATE, 0, 0, 0, 0 },
		/* Once more on the live tree: the entries go through Xen. */
		{ S_MAP, M2, 0x200000, K4, 0 },
		{ S_MAP, M2 + K4, 0x201000, K4, EP_U | EP_W },
	};
	for (unsigned k = 0; k < W_COUNT && !th_failed(); k++)
		run_scenario(k, VA, 4 * M2, s, sizeof s / sizeof s[0]);
}

/* Protect and unmap, 4 KiB leaves everywhere (what Xen allows). */
TEST(protect_and_unmap_rebuild_from_the_frame)
{
	static const struct step s[] = {
		{ S_MAP, 0, 0x800000, 2 * M2, EP_W },
		{ S_PROTECT, 0x100000, 0, 2 * K4, EP_U },         /* US up the tree */
		{ S_PROTECT, 0x180000, 0, 16 * K4, 0 },
		{ S_UNMAP, M2 - K4, 0, 2 * K4, 0 },
		{ S_MAP, M2 - K4, 0xa00000, K4, EP_U | EP_W }, /* US in the hole */
		{ S_ACTIVATE, 0, 0, 0, 0 },
		{ S_PROTECT, 0x300000, 0, 4 * K4, EP_U | EP_W },
		{ S_PROTECT, 0x1fe000, 0, 2 * K4, EP_X },
		{ S_UNMAP, 0x100000, 0, 64 * K4, 0 },
		{ S_MAP, 0x100000 + K4, 0xb00000, K4, EP_U },
	};
	for (unsigned k = 0; k < W_COUNT && !th_failed(); k++)
		run_scenario(k, VA, 3 * M2, s, sizeof s / sizeof s[0]);
}

/*
 * Large leaves split by protect and unmap, twice within one request (1 GiB
 * to 2 MiB to 4 KiB: the dry run reads a split of a split), with the user
 * bit on the way. Native and encoded only: Xen has 4 KiB leaves alone.
 */
TEST(splitting_large_leaves_keeps_every_frame)
{
	static const struct step s[] = {
		{ S_MAP, 0, G1, G1, EP_W },
		{ S_PROTECT, 0x12345000, 0, K4, EP_U },
		{ S_UNMAP, 0x20000000 - K4, 0, 3 * K4, 0 },
		{ S_MAP, 0x20000000 - K4, 0x5000, K4, EP_U },
		{ S_ACTIVATE, 0, 0, 0, 0 },
		{ S_PROTECT, 0x30000000, 0, M2 + K4, 0 },
		{ S_UNMAP, 0x3fe00000 + K4, 0, K4, 0 },
		{ S_MAP, G1, 2 * G1 + M2, 2 * M2, EP_U | EP_W }, /* 2 MiB leaves */
		{ S_PROTECT, G1 + M2 - K4, 0, 2 * K4, EP_U },
		{ S_UNMAP, G1 + 3 * K4, 0, K4, 0 },
	};
	run_scenario(W_NATIVE, VA, G1 + 2 * M2, s, sizeof s / sizeof s[0]);
	if (!th_failed())
		run_scenario(W_ENCODED, VA, G1 + 2 * M2, s, sizeof s / sizeof s[0]);
}

int main(void)
{
	RUN(user_bit_on_an_intermediate_entry_keeps_its_frame);
	RUN(protect_and_unmap_rebuild_from_the_frame);
	RUN(splitting_large_leaves_keeps_every_frame);
	return th_done();
}
