/*
 * How many table frames a set of mappings needs, before any frame exists.
 *
 * On an empty tree, with the largest leaf chosen greedily, a page of a
 * request [va, last] with pa - va = delta ends up under a leaf of level <= L
 * unless it lies in an aligned block of the smallest allowed size S > L
 * whose alignment delta also has. Those blocks tile the middle of the range
 * [round_up(va, S), round_down(last + 1, S)), so the pages needing a table
 * at level L form at most two intervals: the head and the tail. Tables at
 * level L are one per size(L + 1) region touched by those intervals, counted
 * over the union of every request's intervals.
 */
#include "paging/ep_internal.h"

#define MAX_INTERVALS (2 * (EP_SIZING_MAX_REQS + 1))

struct interval {
	uint64_t lo, hi; /* region indices, inclusive */
};

static unsigned add(struct interval *iv, unsigned n, uint64_t first,
		    uint64_t last, unsigned shift)
{
	if (first > last)
		return n;
	iv[n].lo = first >> shift;
	iv[n].hi = last >> shift;
	return n + 1;
}

/* Pages of [va, last] that need tables at level L, as region intervals. */
static unsigned intervals_for(struct interval *iv, unsigned n,
			      const struct ep_range_req *r, unsigned L,
			      unsigned levels, unsigned leaf_mask)
{
	uint64_t last = r->va + (r->len - 1);
	unsigned shift = (unsigned)ep_level_shift(L + 1);
	for (unsigned K = L + 1; K <= 3 && K < levels; K++) {
		uint64_t S = ep_level_size(K);
		if (!(leaf_mask & (1u << (K - 1))) || ((r->pa - r->va) & (S - 1)))
			continue;
		/* Whole blocks: [mid_lo, mid_last], inclusive so 2^64 needs no bit 64. */
		uint64_t mid_lo = (r->va + (S - 1)) & ~(S - 1);
		uint64_t mid_last = ((last + 1) & ~(S - 1)) - 1;
		if (mid_lo < r->va || mid_last < mid_lo ||
		    mid_last > last)
			break; /* no whole block: every page needs level <= L */
		n = add(iv, n, r->va, mid_lo - 1, shift);
		return mid_last == last ? n : add(iv, n, mid_last + 1, last, shift);
	}
	return add(iv, n, r->va, last, shift);
}

static uint64_t union_count(struct interval *iv, unsigned n)
{
	for (unsigned i = 1; i < n; i++) { /* insertion sort by lo */
		struct interval x = iv[i];
		unsigned j = i;
		for (; j > 0 && iv[j - 1].lo > x.lo; j--)
			iv[j] = iv[j - 1];
		iv[j] = x;
	}
	uint64_t total = 0;
	for (unsigned i = 0; i < n;) {
		uint64_t lo = iv[i].lo, hi = iv[i].hi;
		for (i++; i < n && iv[i].lo <= hi + 1; i++)
			if (iv[i].hi > hi)
				hi = iv[i].hi;
		total += hi - lo + 1;
	}
	return total;
}

static uint64_t frames_for(const struct ep_range_req *reqs, size_t n,
			   unsigned levels, unsigned leaf_mask)
{
	struct interval iv[MAX_INTERVALS];
	uint64_t frames = 1; /* the root */
	for (unsigned L = 1; L < levels; L++) {
		unsigned k = 0;
		for (size_t i = 0; i < n; i++)
			if (reqs[i].len)
				k = intervals_for(iv, k, &reqs[i], L, levels,
						  leaf_mask);
		frames += union_count(iv, k);
	}
	return frames;
}

uint64_t ep_pool_frames_needed(const struct ep_range_req *reqs, size_t n,
			       unsigned levels, unsigned leaf_mask,
			       bool self_map, uint64_t self_va, uint64_t self_pa)
{
	struct ep_range_req all[EP_SIZING_MAX_REQS + 1];
	if (n > EP_SIZING_MAX_REQS || (levels != 4 && levels != 5))
		return 0;
	leaf_mask |= EP_LEAF_4K;
	for (size_t i = 0; i < n; i++)
		all[i] = reqs[i];
	uint64_t frames = frames_for(all, n, levels, leaf_mask);
	if (!self_map)
		return frames;
	/* Mapping the pool can need more frames, which need mapping: iterate. */
	for (unsigned round = 0; round < 64; round++) {
		all[n] = (struct ep_range_req){ self_va, self_pa,
						frames * EP_PAGE_SIZE };
		uint64_t next = frames_for(all, n + 1, levels, leaf_mask);
		if (next <= frames)
			return frames;
		frames = next;
	}
	return 0;
}
