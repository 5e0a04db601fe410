/*
 * Shared between the early_paging core files; not part of the API.
 */
#ifndef EARLYBOOT_EP_INTERNAL_H
#define EARLYBOOT_EP_INTERNAL_H

#include "paging/early_paging.h"

#define EP_MAXPHYADDR_LIMIT (1ULL << 52)

/* Flags of an entry that points to a table (permissive; leaves restrict). */
#define EP_TABLE_FLAGS (EP_PTE_P | EP_PTE_RW | EP_PTE_A)

static inline uint64_t *ep_table(const struct ep_ctx *ctx, uint64_t pa)
{
	return (uint64_t *)ctx->phys_to_virt(ctx->env, pa);
}

static inline bool ep_is_leaf(uint64_t entry, unsigned level)
{
	return level == 1 || (entry & EP_PTE_PS);
}

/* Physical address an entry points to (table or leaf frame). */
static inline uint64_t ep_entry_pa(const struct ep_ctx *ctx, uint64_t entry,
				   unsigned level)
{
	uint64_t raw = ctx->ops->entry_to_pa ? ctx->ops->entry_to_pa(ctx, entry)
					     : (entry & EP_PTE_ADDR_MASK);
	if (level > 1 && (entry & EP_PTE_PS))
		raw &= ~(ep_level_size(level) - 1);
	return raw;
}

/*
 * An entry that points to the table at pa (a pseudo-physical address: the
 * backend's set_entry turns it into its own encoding), with the core's
 * table flags and the user bit of `flags`. Every entry that points to a
 * table is built here from the table's pa, never by editing the bits of an
 * entry read back from a table (under Xen PV those hold a machine frame).
 */
static inline uint64_t ep_table_entry(uint64_t pa, uint64_t flags)
{
	return pa | EP_TABLE_FLAGS | (flags & EP_PTE_US);
}

/* The va of slot 0 of the table that holds va at `level` (sign-extended). */
static inline uint64_t ep_table_base(uint64_t va, unsigned level)
{
	unsigned span = (unsigned)ep_level_shift(level) + 9;
	return span >= 64 ? 0 : va & ~((1ULL << span) - 1);
}

enum ep_op_kind { EP_OP_MAP, EP_OP_PROTECT, EP_OP_UNMAP };

/* One map/protect/unmap request as the tree walker carries it. */
struct ep_op {
	enum ep_op_kind kind;
	const char *name;
	uint64_t va, last; /* inclusive range */
	uint64_t pa;       /* pa of va (map) */
	unsigned perms;
	/* Materializer: tables wholly inside this region come from the lazy pool. */
	const struct ep_lazy_region *lazy;
	/* Only the checks of the dry run: nothing counted, nothing written. */
	bool check_only;
	/* Map only the holes: mapped leaves are kept, not an overlap. */
	bool skip_mapped;
	/* Dry run only: count as if every lazy-pool table were unhooked. */
	bool as_if_reset;
};

/* The dry run alone: the checks, and the frames op needs from each pool. */
enum ep_err ep_count_op(struct ep_ctx *ctx, const struct ep_op *op,
			uint64_t *need_main, uint64_t *need_lazy);

/* Run op: check everything and count frames first, then apply. */
enum ep_err ep_run_op(struct ep_ctx *ctx, const struct ep_op *op);

/* Record the error in ctx and return it. */
enum ep_err ep_fail(struct ep_ctx *ctx, enum ep_err code, const char *op,
		    uint64_t va, uint64_t pa, uint64_t need, unsigned level);

/* Take the next frame of the main or lazy pool and make it a table. */
enum ep_err ep_alloc_table(struct ep_ctx *ctx, bool lazy, bool zero,
			   uint64_t *pa_out);

/* Entry writes, counted; every write of the core goes through these. */
enum ep_err ep_write_entry(struct ep_ctx *ctx, uint64_t table_pa,
			   unsigned level, unsigned index, uint64_t entry);

/* Validate [va, va+len): alignment, canonical, no wrap. */
/*
 * The checks every request that maps makes (ep_map, ep_lazy_declare): the
 * range (ep_check_range), pa aligned and below 2^52, and only known
 * permission bits, W+X only by protocol.
 */
enum ep_err ep_check_mapping(struct ep_ctx *ctx, const char *op, uint64_t va,
			     uint64_t pa, uint64_t len, unsigned perms);
/* [va, last] touches no lazy region (EP_ERR_LAZY names the first va). */
enum ep_err ep_check_not_lazy(struct ep_ctx *ctx, const char *op, uint64_t va,
			      uint64_t last);
enum ep_err ep_check_range(struct ep_ctx *ctx, const char *op, uint64_t va,
			   uint64_t len);

/* Zero a frame about to become a table: the backend's way, or a store. */
static inline enum ep_err ep_zero_table(struct ep_ctx *ctx, uint64_t pa)
{
	if (ctx->ops->zero_table)
		return ctx->ops->zero_table(ctx, pa);
	uint64_t *t = ep_table(ctx, pa);
	for (unsigned i = 0; i < EP_ENTRIES; i++)
		t[i] = 0;
	return EP_OK;
}

/* Does [va, last] meet the backend's hole (ops->hole_start/hole_end)? */
static inline bool ep_in_hole(const struct ep_ctx *ctx, uint64_t va,
			      uint64_t last)
{
	const struct ep_backend_ops *o = ctx->ops;
	return o->hole_end && va < o->hole_end && o->hole_start <= last;
}

#endif
