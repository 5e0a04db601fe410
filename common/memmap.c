#include "memmap.h"

#include "fmt.h"
#include "libc.h"

void eb_memmap_init(struct eb_memmap *m, struct eb_mem_range *storage,
		    uint32_t max)
{
	*m = (struct eb_memmap){ storage, 0, max, 0, 0 };
}

int eb_memmap_add(struct eb_memmap *m, uint64_t pa, uint64_t len,
		  uint32_t type, char *err, size_t errlen)
{
	m->fw_entries++;
	m->fw_bytes += len;
	if (len == 0)
		return 0;
	if (pa + len < pa) {
		eb_snprintf(err, errlen, "memory map: range 0x%llx+0x%llx wraps",
			    (unsigned long long)pa, (unsigned long long)len);
		return -1;
	}
	if (m->count == m->max) {
		eb_snprintf(err, errlen, "memory map: more than %u ranges", m->max);
		return -1;
	}
	m->r[m->count++] = (struct eb_mem_range){ pa, len, type, 0 };
	return 0;
}

static void merge(struct eb_memmap *m)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < m->count; i++) {
		struct eb_mem_range *p = out ? &m->r[out - 1] : 0;
		if (p && p->type == m->r[i].type && p->pa + p->len == m->r[i].pa)
			p->len += m->r[i].len;
		else
			m->r[out++] = m->r[i];
	}
	m->count = out;
}

int eb_memmap_normalize(struct eb_memmap *m, char *err, size_t errlen)
{
	/* Insertion sort: firmware maps are short and usually nearly sorted. */
	for (uint32_t i = 1; i < m->count; i++) {
		struct eb_mem_range x = m->r[i];
		uint32_t j = i;
		for (; j > 0 && m->r[j - 1].pa > x.pa; j--)
			m->r[j] = m->r[j - 1];
		m->r[j] = x;
	}
	for (uint32_t i = 1; i < m->count; i++) {
		const struct eb_mem_range *a = &m->r[i - 1], *b = &m->r[i];
		if (a->pa + a->len > b->pa) {
			eb_snprintf(err, errlen,
				    "memory map: firmware ranges overlap at 0x%llx (%s and %s)",
				    (unsigned long long)b->pa, eb_mem_type_name(a->type),
				    eb_mem_type_name(b->type));
			return -1;
		}
	}
	merge(m);
	return 0;
}

uint64_t eb_memmap_ram_until(const struct eb_memmap *m, uint64_t pa,
			     uint64_t end)
{
	uint64_t at = pa;
	/* The map is sorted: RAM ranges must follow each other without a gap. */
	for (uint32_t i = 0; i < m->count && at < end; i++) {
		const struct eb_mem_range *r = &m->r[i];
		if (r->pa + r->len <= at)
			continue;
		if (r->pa > at || r->type != EB_MEM_RAM)
			break;
		at = r->pa + r->len;
	}
	return at < end ? at : end;
}

const char *eb_memmap_type_at(const struct eb_memmap *m, uint64_t pa)
{
	for (uint32_t i = 0; i < m->count; i++)
		if (pa >= m->r[i].pa && pa - m->r[i].pa < m->r[i].len)
			return eb_mem_type_name(m->r[i].type);
	return 0;
}

/* Is every byte of [pa, end) covered by RAM ranges? */
static int check_ram(const struct eb_memmap *m, uint64_t pa, uint64_t end,
		     const char *what, char *err, size_t errlen)
{
	uint64_t at = eb_memmap_ram_until(m, pa, end);
	if (at >= end)
		return 0;
	const char *type = eb_memmap_type_at(m, at);
	if (!type)
		type = EB_MEMMAP_HOLE;
	eb_snprintf(err, errlen,
		    "memory map: %s at 0x%llx-0x%llx is not free RAM (0x%llx is %s)",
		    what, (unsigned long long)pa, (unsigned long long)end,
		    (unsigned long long)at, type);
	return -1;
}

int eb_memmap_carve(struct eb_memmap *m, uint64_t pa, uint64_t len,
		    uint32_t type, const char *what, char *err, size_t errlen)
{
	uint64_t end = pa + len;
	if (len == 0)
		return 0;
	if (end < pa) {
		eb_snprintf(err, errlen, "memory map: %s at 0x%llx+0x%llx wraps",
			    what, (unsigned long long)pa, (unsigned long long)len);
		return -1;
	}
	if (check_ram(m, pa, end, what, err, errlen))
		return -1;
	/*
	 * Room first, so that a failure leaves the map as it was: the ranges
	 * [pa, end) meets become one piece each, plus the part of the first
	 * before pa and the part of the last after end.
	 */
	uint32_t extra = 0;
	for (uint32_t i = 0; i < m->count; i++) {
		const struct eb_mem_range *r = &m->r[i];
		extra += r->pa < pa && r->pa + r->len > pa;
		extra += r->pa < end && r->pa + r->len > end;
	}
	if (m->count + extra > m->max) {
		eb_snprintf(err, errlen, "memory map: more than %u ranges", m->max);
		return -1;
	}
	/* Each intersected range splits into at most three. */
	for (uint32_t i = 0; i < m->count; i++) {
		struct eb_mem_range r = m->r[i];
		uint64_t r_end = r.pa + r.len;
		if (r_end <= pa || r.pa >= end)
			continue;
		struct eb_mem_range parts[3];
		unsigned n = 0;
		if (r.pa < pa)
			parts[n++] = (struct eb_mem_range){ r.pa, pa - r.pa, r.type, 0 };
		uint64_t lo = r.pa > pa ? r.pa : pa, hi = r_end < end ? r_end : end;
		parts[n++] = (struct eb_mem_range){ lo, hi - lo, type, 0 };
		if (r_end > end)
			parts[n++] = (struct eb_mem_range){ end, r_end - end, r.type, 0 };
		memmove(&m->r[i + n], &m->r[i + 1],
			(m->count - i - 1) * sizeof(m->r[0]));
		memcpy(&m->r[i], parts, n * sizeof(parts[0]));
		m->count += n - 1;
		i += n - 1;
	}
	merge(m);
	return 0;
}

uint64_t eb_memmap_total(const struct eb_memmap *m)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < m->count; i++)
		t += m->r[i].len;
	return t;
}
