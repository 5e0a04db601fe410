/*
 * An independent page walker (Intel SDM vol. 3A, 4.5): reads the raw
 * entries from CR3 down, through the direct map the handoff promises.
 */
#include "tk.h"

#define P (1ULL << 0)
#define RW (1ULL << 1)
#define US (1ULL << 2)
#define PS (1ULL << 7)
#define NX (1ULL << 63)
#define ADDR 0x000ffffffffff000ULL

static uint64_t dmap;
static unsigned nlevels;
static bool nx_on;
/*
 * Xen PV only (tk_walk_use_m2p): entries hold machine frames, which the
 * m2p table turns into the pseudo-physical addresses the direct map and the
 * boot info speak; the top-level slots [hole_lo, hole_hi) are Xen's own.
 */
static const uint64_t *m2p;
static uint64_t m2p_entries;
static unsigned hole_lo, hole_hi;

void tk_walk_init(uint64_t dmap_base, unsigned levels, bool nxe)
{
	dmap = dmap_base;
	nlevels = levels;
	nx_on = nxe;
}

void tk_walk_use_m2p(const uint64_t *table, uint64_t entries, unsigned slot_lo,
		     unsigned slot_hi)
{
	m2p = table;
	m2p_entries = entries;
	hole_lo = slot_lo;
	hole_hi = slot_hi;
}

uint64_t tk_frame_pa(uint64_t addr)
{
	if (!m2p)
		return addr;
	uint64_t mfn = addr >> 12;
	if (mfn >= m2p_entries)
		return TK_NO_PA;
	uint64_t pfn = m2p[mfn];
	/* INVALID_M2P_ENTRY and any frame beyond the 52-bit space: not ours. */
	if (pfn >> 40)
		return TK_NO_PA;
	return pfn << 12;
}

bool tk_top_slot_is_xen(unsigned slot)
{
	return m2p && slot >= hole_lo && slot < hole_hi;
}

static const volatile uint64_t *table_at(uint64_t pa)
{
	return (const volatile uint64_t *)(dmap + pa);
}

void tk_walk(uint64_t cr3, uint64_t va, struct tk_walk *w)
{
	*w = (struct tk_walk){ .w = true, .x = true, .u = true, .top = nlevels };
	uint64_t table = cr3 & ADDR;
	for (unsigned L = nlevels; L >= 1; L--) {
		unsigned shift = 12 + 9 * (L - 1);
		uint64_t e = table_at(table)[(va >> shift) & 511];
		w->table[w->depth] = table;
		w->entry[w->depth] = e;
		w->depth++;
		if (!(e & P))
			return;
		w->w &= !!(e & RW);
		w->u &= !!(e & US);
		if (nx_on && (e & NX))
			w->x = false;
		if (L == 1 || (e & PS)) {
			uint64_t size = 1ULL << shift;
			w->present = true;
			w->level = L;
			w->size = size;
			uint64_t base = tk_frame_pa(e & ADDR & ~(size - 1));
			if (base == TK_NO_PA) {
				w->present = false;
				return;
			}
			w->pa = base + (va & (size - 1));
			return;
		}
		table = tk_frame_pa(e & ADDR);
		if (table == TK_NO_PA)
			return; /* a frame that is not ours: not a translation */
	}
}

static uint64_t collect(uint64_t table, unsigned L, uint64_t *out, uint64_t n,
			uint64_t max)
{
	if (n < max)
		out[n] = table;
	n++;
	if (L == 1)
		return n;
	for (unsigned i = 0; i < 512; i++) {
		if (L == nlevels && tk_top_slot_is_xen(i))
			continue;
		uint64_t e = table_at(table)[i];
		if (!(e & P) || (e & PS))
			continue;
		uint64_t next = tk_frame_pa(e & ADDR);
		if (next == TK_NO_PA) {
			/* Listed as is so the tables check names it; not followed. */
			if (n < max)
				out[n] = next;
			n++;
			continue;
		}
		n = collect(next, L - 1, out, n, max);
	}
	return n;
}

static void leaves(uint64_t table, unsigned L, uint64_t va, tk_leaf_fn fn,
		   void *arg)
{
	unsigned shift = 12 + 9 * (L - 1);
	for (unsigned i = 0; i < 512; i++) {
		if (L == nlevels && tk_top_slot_is_xen(i))
			continue;
		uint64_t e = table_at(table)[i];
		if (!(e & P))
			continue;
		uint64_t v = va | ((uint64_t)i << shift);
		unsigned bits = 12 + 9 * nlevels;
		if (L == nlevels && ((v >> (bits - 1)) & 1))
			v |= ~0ULL << bits; /* canonical upper half */
		if (L == 1 || (e & PS)) {
			fn(arg, v, e, tk_frame_pa(e & ADDR & ~((1ULL << shift) - 1)),
			   1ULL << shift);
			continue;
		}
		uint64_t pa = tk_frame_pa(e & ADDR);
		if (pa != TK_NO_PA)
			leaves(pa, L - 1, v, fn, arg);
	}
}

void tk_for_each_leaf(uint64_t cr3, tk_leaf_fn fn, void *arg)
{
	leaves(cr3 & ADDR, nlevels, 0, fn, arg);
}

uint64_t tk_table_frames(uint64_t cr3, uint64_t *out, uint64_t max)
{
	return collect(cr3 & ADDR, nlevels, out, 0, max);
}
