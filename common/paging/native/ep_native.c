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

static enum ep_err native_activate(struct ep_ctx *ctx, uint64_t root_pa)
{
	(void)ctx;
	arch_write_cr3(root_pa);
	return EP_OK;
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
};
