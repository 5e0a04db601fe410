/* First fit in RAM around busy ranges (place.h). */
#include "place.h"

#include <stdbool.h>

#include "fmt.h"

#include "page.h"

static uint64_t page_down(uint64_t v) { return v & ~(PAGE - 1); }

/* v rounded up to a (a power of two); false when that passes 2^64. */
static bool align_up(uint64_t v, uint64_t a, uint64_t *out)
{
	if (v > UINT64_MAX - (a - 1))
		return false;
	*out = (v + a - 1) & ~(a - 1);
	return true;
}

/* The page-rounded end of b, or UINT64_MAX when that passes 2^64. */
static uint64_t busy_end(const struct eb_range *b)
{
	uint64_t e;
	if (b->pa + b->len < b->pa || !align_up(b->pa + b->len, PAGE, &e))
		return UINT64_MAX;
	return e;
}

const struct eb_range *eb_busy_first(const struct eb_range *busy,
				     size_t nbusy, uint64_t lo, uint64_t hi)
{
	const struct eb_range *first = 0;
	for (size_t i = 0; i < nbusy; i++)
		if (busy[i].len && lo < busy_end(&busy[i]) &&
		    page_down(busy[i].pa) < hi &&
		    (!first || page_down(busy[i].pa) < page_down(first->pa)))
			first = &busy[i];
	return first;
}

int eb_place_aligned(const struct eb_memmap *m, const struct eb_range *busy,
		     size_t nbusy, uint64_t len, uint64_t min_pa,
		     uint64_t align, uint64_t *pa)
{
	if (!align_up(len ? len : 1, PAGE, &len))
		return -1;
	for (uint32_t i = 0; i < m->count; i++) {
		const struct eb_mem_range *r = &m->r[i];
		if (r->type != EB_MEM_RAM)
			continue;
		uint64_t end = r->pa + r->len < r->pa ? page_down(UINT64_MAX)
						      : page_down(r->pa + r->len);
		uint64_t cand;
		if (!align_up(r->pa > min_pa ? r->pa : min_pa, align, &cand))
			continue;
		/* Each step moves past one busy range: at most nbusy + 1 steps. */
		while (cand < end && end - cand >= len) {
			const struct eb_range *b = eb_busy_first(busy, nbusy, cand, cand + len);
			if (!b) {
				*pa = cand;
				return 0;
			}
			if (!align_up(busy_end(b), align, &cand))
				break;
		}
	}
	return -1;
}

int eb_place(const struct eb_memmap *m, const struct eb_range *busy,
	     size_t nbusy, uint64_t len, uint64_t min_pa, const char *what,
	     uint64_t *pa, char *err, size_t errlen)
{
	if (!eb_place_aligned(m, busy, nbusy, len, min_pa, PAGE, pa))
		return 0;
	uint64_t pages = len / PAGE + (len % PAGE || !len);
	eb_snprintf(err, errlen,
		    "no room for the %s: %llu KiB of free RAM above 0x%llx wanted",
		    what, (unsigned long long)(pages * 4), (unsigned long long)min_pa);
	return -1;
}
