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

void tk_walk_init(uint64_t dmap_base, unsigned levels, bool nxe)
{
	dmap = dmap_base;
	nlevels = levels;
	nx_on = nxe;
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
			w->pa = (e & ADDR & ~(size - 1)) + (va & (size - 1));
			return;
		}
		table = e & ADDR;
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
		uint64_t e = table_at(table)[i];
		if ((e & P) && !(e & PS))
			n = collect(e & ADDR, L - 1, out, n, max);
	}
	return n;
}

uint64_t tk_table_frames(uint64_t cr3, uint64_t *out, uint64_t max)
{
	return collect(cr3 & ADDR, nlevels, out, 0, max);
}
