/* First fit in RAM around busy ranges (place.h). */
#include "place.h"

#include "fmt.h"

#define PAGE 4096ULL

static uint64_t page_down(uint64_t v) { return v & ~(PAGE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

/* The end of the first busy range [cand, cand+len) meets, or 0 if none. */
static uint64_t collides(const struct eb_range *busy, size_t nbusy,
			 uint64_t cand, uint64_t len)
{
	for (size_t i = 0; i < nbusy; i++) {
		if (!busy[i].len)
			continue;
		uint64_t lo = page_down(busy[i].pa);
		uint64_t hi = page_up(busy[i].pa + busy[i].len);
		if (cand < hi && lo < cand + len)
			return hi;
	}
	return 0;
}

int eb_place(const struct eb_memmap *m, const struct eb_range *busy,
	     size_t nbusy, uint64_t len, uint64_t min_pa, const char *what,
	     uint64_t *pa, char *err, size_t errlen)
{
	len = page_up(len ? len : 1);
	for (uint32_t i = 0; i < m->count; i++) {
		const struct eb_mem_range *r = &m->r[i];
		if (r->type != EB_MEM_RAM)
			continue;
		uint64_t end = page_down(r->pa + r->len);
		uint64_t cand = page_up(r->pa > min_pa ? r->pa : min_pa);
		/* Each step moves past one busy range: at most nbusy + 1 steps. */
		while (cand < end && end - cand >= len) {
			uint64_t past = collides(busy, nbusy, cand, len);
			if (!past) {
				*pa = cand;
				return 0;
			}
			cand = past;
		}
	}
	eb_snprintf(err, errlen,
		    "no room for the %s: %llu KiB of free RAM above 0x%llx wanted",
		    what, (unsigned long long)(len >> 10),
		    (unsigned long long)min_pa);
	return -1;
}
