/*
 * Set-up shared by the xen backend tests: a simulated Xen (sim_xen.h) with
 * its start-of-day, and the real xen backend (common/paging/xen/xen_backend.h) driving an
 * early_paging context on it. x->ops starts as a copy of ep_xen_ops; a test
 * that needs a variant of the backend overrides one op there before
 * xfx_init, so every variant is the real backend minus one thing.
 */
#ifndef EARLYBOOT_XEN_FIXTURE_H
#define EARLYBOOT_XEN_FIXTURE_H

#include "paging/early_paging.h"
#include "harness.h"
#include "sim_xen.h"
#include "paging/xen/xen_backend.h"

#define XFX_DMAP 0xffff888000000000ULL /* where the direct map goes */

struct xfx_opts {
	struct sx_config sim;
	uint64_t pool_frames; /* default 64 */
	uint64_t pool_pfn;    /* default: the first padding frame */
	size_t refusal_cap;   /* default: two views of every table frame, + 64 */
	uint64_t user_root_pa;
	bool no_init;         /* leave xfx_init to the test */
};

struct xfx {
	struct sim_xen *sx;
	struct xen_be be;
	struct xen_be_config bcfg;
	struct xen_hcall_acct hc;
	struct ep_backend_ops ops;
	struct ep_config cfg;
	struct ep_ctx ctx;
	uint64_t pool_pa, pool_frames;
	uint8_t *pool_state;
	uint64_t *pool_pte;
	struct xen_be_refusal *refusals;
};

struct xfx *xfx_new(const struct xfx_opts *o);
/* ep_init with x->ops (after a test changed them). */
enum ep_err xfx_init(struct xfx *x);

/* Where the kernel's mapping and the direct map put pfn. */
uint64_t xfx_kva(const struct xfx *x, uint64_t pfn);
uint64_t xfx_dva(uint64_t pfn);

/*
 * The standard tree: the bootstrap region as the kernel maps it (the
 * kernel image RX, the rest RW, so the template and pool frames inside it
 * are refused), then a direct map of all RAM, RW (refused again).
 */
enum ep_err xfx_build(struct xfx *x);
/* build, activate early, switch to late, activate, finish. */
enum ep_err xfx_run(struct xfx *x);

const char *xfx_errline(struct xfx *x);
const char *xfx_err_name(enum ep_err e);
#define XEXPECT(x, call, want) \
	xfx_expect(__FILE__, __LINE__, (x), #call, (call), (want), false)
#define XREQUIRE(x, call, want) \
	xfx_expect(__FILE__, __LINE__, (x), #call, (call), (want), true)
bool xfx_expect(const char *file, int line, struct xfx *x, const char *what,
		enum ep_err got, enum ep_err want, bool fatal);

/* The simulator saw no rule break and its books balance. */
#define XCHECK_SIM_CLEAN(x) xfx_check_clean(__FILE__, __LINE__, (x))
bool xfx_check_clean(const char *file, int line, struct xfx *x);

/*
 * Walk the live tree (CR3) with the hardware walker: every guest table
 * frame reachable from it must be mapped read-only by every leaf that maps
 * it, and Xen must count no writable mapping of it. Returns the number of
 * table frames found.
 */
#define XCHECK_TABLES_RO(x) xfx_check_tables_ro(__FILE__, __LINE__, (x))
size_t xfx_check_tables_ro(const char *file, int line, struct xfx *x);

/* The pool frame's pa from its index, and pfn helpers. */
static inline uint64_t xfx_pool_pfn(const struct xfx *x, uint64_t i)
{
	return (x->pool_pa >> 12) + i;
}

#endif
