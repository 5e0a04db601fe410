/*
 * Shared set-up for the early_paging tests: an ep_ctx on a simulated
 * machine (tests/unit/sim_mmu.h), with a backend that wraps ep_native_ops
 * and records every call, and checks that read the tree back only through
 * the simulated hardware walker.
 */
#ifndef EARLYBOOT_EP_FIXTURE_H
#define EARLYBOOT_EP_FIXTURE_H

#include "paging/early_paging.h"
#include "harness.h"
#include "sim_mmu.h"

#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)
#define TiB (1024ULL * GiB)
#include "page.h"

/* Everything left 0 takes the default shown. */
struct fx_opts {
	unsigned levels;       /* 4 */
	unsigned leaf_mask;    /* cfg.leaf_mask (0: all the backend allows) */
	bool no_nx;            /* cfg.no_nx; also turns the sim's EFER.NXE off */
	uint64_t pool_pa;      /* 16 MiB */
	uint64_t pool_frames;  /* 256 */
	uint64_t lazy_pa;      /* 64 MiB */
	uint64_t lazy_frames;  /* 0: no lazy pool */
	bool tables_need_zero; /* our backend's flag (native's otherwise) */
	bool shadow;           /* keep a shadow copy to catch direct stores */
	bool no_init;          /* leave ep_init to the test */
};

#define FX_LOG 512

/* What the backend was asked to do. */
struct fx_rec {
	unsigned long allocs, set_entry, set_run, entries, flushes;
	unsigned long early, late, invalidates, releases;
	unsigned long nonzero_allocs; /* frames handed to alloc_table not zeroed */
	uint64_t nonzero_pa;
	uint64_t alloc_log[FX_LOG];
	uint64_t release_log[FX_LOG];
	uint64_t inval_va[FX_LOG], inval_len[FX_LOG];
	uint64_t activate_root;
};

struct fx {
	struct sim *sim;
	struct ep_config cfg;
	struct ep_ctx ctx;
	struct ep_backend_ops ops; /* the recording wrapper */
	const struct ep_backend_ops *inner;
	struct fx_rec rec;
	uint8_t *pool_state, *lazy_state;
	uint8_t *pool_mem, *lazy_mem;
	uint8_t *shadow_pool, *shadow_lazy;
	bool no_nx;
};

struct fx *fx_new(const struct fx_opts *o);
/* The opts fx_new used (defaults filled in). */
struct fx_opts fx_defaults(const struct fx_opts *o);
/* Point the simulated walker at this tree (no CR3 write counted). */
void fx_use_root(struct fx *f);

/* "EP_ERR_POOL" etc., for messages. */
const char *fx_err_name(enum ep_err e);
/* The ep_format_error line of the context, in a static buffer. */
const char *fx_errline(struct fx *f);

/* call must return want; on mismatch record both names and the error line. */
#define EXPECT_EP(f, call, want) \
	fx_expect_ep(__FILE__, __LINE__, (f), #call, (call), (want), false)
#define REQUIRE_EP(f, call, want) \
	fx_expect_ep(__FILE__, __LINE__, (f), #call, (call), (want), true)
bool fx_expect_ep(const char *file, int line, struct fx *f, const char *what,
		  enum ep_err got, enum ep_err want, bool fatal);

/* Effective perms the walker must report for a request of `perms`. */
unsigned fx_expect_perms(const struct fx *f, unsigned perms);

/*
 * Every page of [va, va+len) (a sample beyond 4096 pages) must translate
 * through the simulated walker to the matching pa with exactly the
 * requested effective perms, allow exactly the accesses they allow and
 * fault with the right error code otherwise. level: expected leaf level
 * (0: any). Returns false (after recording the failure) at the first miss.
 */
#define CHECK_MAPPED(f, va, pa, len, perms, level) \
	fx_check_mapped(__FILE__, __LINE__, (f), (va), (pa), (len), (perms), (level))
bool fx_check_mapped(const char *file, int line, struct fx *f, uint64_t va,
		     uint64_t pa, uint64_t len, unsigned perms, unsigned level);
/* Every page (sampled) must give a not-present #PF with the right code. */
#define CHECK_UNMAPPED(f, va, len) \
	fx_check_unmapped(__FILE__, __LINE__, (f), (va), (len))
bool fx_check_unmapped(const char *file, int line, struct fx *f, uint64_t va,
		       uint64_t len);

/* Every leaf of the tree, read by the sim walker. Freed with the case. */
struct fx_leaves {
	struct sim_leaf *v;
	size_t n, cap;
};
struct fx_leaves fx_leaves(struct fx *f);
/* Leaves of one level within [va, va+len). */
size_t fx_count_leaves(const struct fx_leaves *l, uint64_t va, uint64_t len,
		       unsigned level);
/* Table frames reachable from the root (sim walk), depth first, with their
 * levels (levels may be NULL). Returns how many, even beyond max. */
size_t fx_tables(struct fx *f, uint64_t *out, unsigned *levels, size_t max);

/* The whole state a failed call must leave alone. */
struct fx_snap {
	uint8_t *pool, *lazy, *pstate, *lstate;
	struct ep_pool p, lp;
	uint64_t root;
	unsigned nlazy;
};
struct fx_snap fx_snap(struct fx *f);
#define CHECK_SAME(f, snap) fx_check_same(__FILE__, __LINE__, (f), (snap))
bool fx_check_same(const char *file, int line, struct fx *f,
		   const struct fx_snap *snap);

/* Shadow mode: every table byte must equal what went through the ops. */
#define CHECK_SHADOW(f) fx_check_shadow(__FILE__, __LINE__, (f))
bool fx_check_shadow(const char *file, int line, struct fx *f);

/* Deterministic PRNG (splitmix64): same sequence on every host. */
struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);

/* Lower-case hex of v without 0x or padding, for substring checks. */
const char *fx_hex(uint64_t v, char *buf);
/* Case-insensitive substring search. */
bool fx_contains(const char *hay, const char *needle);

#endif
