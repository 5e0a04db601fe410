/*
 * The native backend: the CPU walks the tables we store into, so an entry
 * write is a plain store and activation is a CR3 load. UEFI and PVH use it.
 */
#include "arch.h"
#include "paging/ep_internal.h"

static enum ep_err native_set_entry(struct ep_ctx *ctx, uint64_t table_pa,
				    unsigned level, unsigned index,
				    uint64_t entry)
{
	(void)level;
	/* volatile: the CPU may walk this table while we write it. */
	((volatile uint64_t *)ep_table(ctx, table_pa))[index] = entry;
	return EP_OK;
}

static enum ep_err native_set_run(struct ep_ctx *ctx, uint64_t table_pa,
				  unsigned level, unsigned index,
				  unsigned count, uint64_t first, uint64_t step)
{
	(void)level;
	uint64_t *t = ep_table(ctx, table_pa) + index;
	unsigned i = 0;
	/*
	 * The hot loop of every large map. Eight stores per round fill one
	 * cache line with no loop overhead between them; general registers
	 * only, as in the images.
	 */
	for (; i + 8 <= count; i += 8, first += 8 * step) {
		t[i] = first;
		t[i + 1] = first + step;
		t[i + 2] = first + 2 * step;
		t[i + 3] = first + 3 * step;
		t[i + 4] = first + 4 * step;
		t[i + 5] = first + 5 * step;
		t[i + 6] = first + 6 * step;
		t[i + 7] = first + 7 * step;
	}
	for (; i < count; i++, first += step)
		t[i] = first;
	return EP_OK;
}

/*
 * The protections the tree's entries mean nothing without, whatever the
 * predecessor left (a firmware may run with CR0.WP off, or EFER.NXE off
 * and no NX bit anywhere). Set before the CR3 load: the first access
 * through the new tree already honours its read-only and NX bits, and a
 * tree with NX bits is never walked with bit 63 reserved.
 */
static enum ep_err protect_cpu(struct ep_ctx *ctx, uint64_t root_pa)
{
	bool nx = arch_cpu_has_nx();
	if (!nx && !ctx->no_nx)
		return ep_fail(ctx, EP_ERR_CONFIG,
			       "activate: tree has NX bits, CPU has no NX", 0,
			       root_pa, 0, 0);
	uint64_t efer = arch_read_efer();
	if (nx && !(efer & ARCH_EFER_NXE))
		arch_write_efer(efer | ARCH_EFER_NXE);
	uint64_t cr0 = arch_read_cr0();
	if (!(cr0 & ARCH_CR0_WP))
		arch_write_cr0(cr0 | ARCH_CR0_WP);
	return EP_OK;
}

enum ep_err ep_native_activate_with(struct ep_ctx *ctx, uint64_t root_pa,
				    ep_native_load_fn load)
{
	enum ep_err e = protect_cpu(ctx, root_pa);
	if (e)
		return e;
	/*
	 * A CR3 load keeps global translations, and those of the tree it
	 * replaces (the firmware's, at the first activation) may cover
	 * addresses this tree maps differently or not at all. Loading the
	 * root that is already live needs no flush: every change to the tree
	 * invalidated what it touched.
	 */
	bool replaces = (arch_read_cr3() & EP_PTE_ADDR_MASK) != root_pa;
	load(ctx, root_pa);
	if (replaces)
		arch_flush_tlb();
	return EP_OK;
}

static void load_cr3(struct ep_ctx *ctx, uint64_t root_pa)
{
	(void)ctx;
	arch_write_cr3(root_pa);
}

static enum ep_err native_activate(struct ep_ctx *ctx, uint64_t root_pa)
{
	return ep_native_activate_with(ctx, root_pa, load_cr3);
}

/* Beyond this many pages one CR3 reload is cheaper than invlpg each. */
#define NATIVE_INVLPG_MAX 64

static void native_invalidate(struct ep_ctx *ctx, uint64_t va, uint64_t len)
{
	(void)ctx;
	if (len / EP_PAGE_SIZE > NATIVE_INVLPG_MAX) {
		arch_flush_tlb();
		return;
	}
	for (uint64_t off = 0; off < len; off += EP_PAGE_SIZE)
		arch_invlpg(va + off);
}

/* PCID and the PWT/PCD bits share CR3 with the root's address. */
static uint64_t native_live_root(const struct ep_ctx *ctx)
{
	(void)ctx;
	return arch_read_cr3() & EP_PTE_ADDR_MASK;
}

/*
 * Natively there are no user page tables to switch separately, so the early
 * and late activations are the same CR3 load.
 */
const struct ep_backend_ops ep_native_ops = {
	.name = "native",
	.leaf_mask = EP_LEAF_4K | EP_LEAF_2M | EP_LEAF_1G,
	.tables_need_zero = false,
	.alloc_table = 0,
	.set_entry = native_set_entry,
	.set_run = native_set_run,
	.flush = 0,
	.entry_to_pa = 0,
	.activate_early = native_activate,
	.activate_late = native_activate,
	.invalidate = native_invalidate,
	.release_spare = 0,
	.live_root = native_live_root,
};
