/*
 * The simulated Xen's start-of-day for a PV dom0, laid out as xen.h's
 * "Start-of-day memory layout" describes it: kernel, p2m list, start_info,
 * bootstrap page tables (read-only), stack, at least 512 KiB of padding,
 * the region ending on a 4 MiB boundary and mapped 1:1 (va = virt_base +
 * pfn * 4 KiB) onto the first pseudo-physical frames. The page-table frames
 * come in a configurable, non-sequential order, the p2m is a seeded
 * permutation (contiguous pfns are not contiguous mfns), free frames hold
 * garbage, and the template is pinned and loaded, as Xen leaves it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sim_xen.h"

#define X_P 1ULL
#define X_RW 2ULL
#define X_A 0x20ULL
#define X_D 0x40ULL

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void shuffle(uint64_t *v, uint64_t n, uint64_t *seed)
{
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = splitmix(seed) % i, t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void give_p2m(struct sim_xen *sx)
{
	uint64_t seed = sx->cfg.seed;
	uint64_t *perm = malloc(sx->nr_mfns * sizeof *perm);
	if (!perm)
		abort();
	/* Machine frame 0 stays Xen's: a user base pointer of 0 means none. */
	for (uint64_t i = 0; i < sx->nr_mfns - 1; i++)
		perm[i] = i + 1;
	shuffle(perm, sx->nr_mfns - 1, &seed);
	for (uint64_t m = 0; m < sx->nr_mfns; m++)
		sx->m2p[m] = SX_INVALID_M2P;
	for (uint64_t pfn = 0; pfn < sx->nr_pages; pfn++) {
		sx->p2m[pfn] = perm[pfn];
		sx->m2p[perm[pfn]] = pfn;
		sx->f[perm[pfn]].guest = true;
	}
	sx->xen_l3_mfn = perm[sx->nr_pages]; /* a Xen frame */
	free(perm);
}

/* Levels of the bootstrap frames in the order they sit behind pt_pfn. */
static void pt_order(struct sim_xen *sx, uint64_t l2s)
{
	uint64_t n = sx->nr_pt, l1s = n - 2 - l2s, k = 0;
	uint8_t *lv = sx->pt_level;
	switch (sx->cfg.order) {
	case SX_ORDER_DOM0: /* [L4] [L1] [L2] [L3] [L1] [L1] ... */
		lv[k++] = 4;
		lv[k++] = 1;
		for (uint64_t i = 0; i < l2s; i++)
			lv[k++] = 2;
		lv[k++] = 3;
		while (k < n)
			lv[k++] = 1;
		break;
	case SX_ORDER_TOOLSTACK:
	case SX_ORDER_SHUFFLED: {
		lv[k++] = 4;
		lv[k++] = 3;
		for (uint64_t i = 0; i < l2s; i++)
			lv[k++] = 2;
		for (uint64_t i = 0; i < l1s; i++)
			lv[k++] = 1;
		if (sx->cfg.order == SX_ORDER_TOOLSTACK)
			break;
		uint64_t seed = sx->cfg.seed * 31 + 7;
		uint64_t *v = malloc(n * sizeof *v);
		if (!v)
			abort();
		for (uint64_t i = 0; i < n; i++)
			v[i] = lv[i];
		shuffle(v, n, &seed);
		if (v[0] == 4) { /* never where a careless reader would look */
			v[0] = v[n - 1];
			v[n - 1] = 4;
		}
		for (uint64_t i = 0; i < n; i++)
			lv[i] = (uint8_t)v[i];
		free(v);
		break;
	}
	}
}

static void layout(struct sim_xen *sx)
{
	const struct sx_config *c = &sx->cfg;
	sx->virt_base = c->virt_base;
	sx->p2m_pfn = c->kernel_pages;
	sx->p2m_pages = (sx->nr_pages * 8 + 4095) / 4096;
	sx->si_pfn = sx->p2m_pfn + sx->p2m_pages;
	sx->pt_pfn = sx->si_pfn + 1;
	uint64_t n = 3, l2s = 1;
	for (;;) {
		uint64_t end = sx->pt_pfn + n + 1 + c->padding_pages;
		sx->region_pages = (end + 1023) / 1024 * 1024; /* 4 MiB aligned */
		l2s = (sx->region_pages + 512 * 512 - 1) / (512 * 512);
		uint64_t want = 2 + l2s + sx->region_pages / 512;
		if (want == n)
			break;
		n = want;
	}
	sx->nr_pt = n;
	sx->stack_pfn = sx->pt_pfn + n;
	sx->free_pfn = sx->stack_pfn + 1;
	if (sx->region_pages > sx->nr_pages || l2s > 2) {
		fprintf(stderr, "sim_xen: %llu pages cannot hold a %llu-page bootstrap region\n",
			(unsigned long long)sx->nr_pages,
			(unsigned long long)sx->region_pages);
		abort();
	}
	sx->pt_level = th_alloc(n);
	pt_order(sx, l2s);
}

static uint64_t pt_frame(struct sim_xen *sx, unsigned level, uint64_t k)
{
	for (uint64_t i = 0; i < sx->nr_pt; i++)
		if (sx->pt_level[i] == level && !k--)
			return sx->pt_pfn + i;
	abort();
}

static void set_entry(struct sim_xen *sx, uint64_t pfn, unsigned idx, uint64_t v)
{
	sx_frame_mem(sx, sx->p2m[pfn])[idx] = v;
}

static void build_template(struct sim_xen *sx)
{
	for (uint64_t i = 0; i < sx->nr_pt; i++)
		memset(sx_frame_mem(sx, sx->p2m[sx->pt_pfn + i]), 0, 4096);
	sx->l4_pfn = pt_frame(sx, 4, 0);
	uint64_t l3 = pt_frame(sx, 3, 0), va0 = sx->virt_base;
	unsigned l3_first = (va0 >> 30) & 511;
	set_entry(sx, sx->l4_pfn, (va0 >> 39) & 511, (sx->p2m[l3] << 12) | X_P | X_RW | X_A);
	for (uint64_t p = 0; p < sx->region_pages; p++) {
		uint64_t va = va0 + p * 4096;
		unsigned l3i = (va >> 30) & 511, l2i = (va >> 21) & 511;
		uint64_t l2 = pt_frame(sx, 2, l3i - l3_first);
		uint64_t l1 = pt_frame(sx, 1, p / 512);
		set_entry(sx, l3, l3i, (sx->p2m[l2] << 12) | X_P | X_RW | X_A);
		set_entry(sx, l2, l2i, (sx->p2m[l1] << 12) | X_P | X_RW | X_A);
		/* Everything writable but the bootstrap page tables. */
		bool pt = p >= sx->pt_pfn && p < sx->pt_pfn + sx->nr_pt;
		set_entry(sx, l1, (va >> 12) & 511,
			  (sx->p2m[p] << 12) | X_P | X_A | (pt ? 0 : X_RW | X_D));
	}
}

static void fill_guest_pages(struct sim_xen *sx)
{
	/* Free memory holds garbage: tables must be zeroed by whoever makes them. */
	memset(sx->mem, 0xa5, sx->nr_mfns * 4096);
	memset(sx_frame_mem(sx, sx->xen_l3_mfn), 0, 4096);
	for (uint64_t p = 0; p < sx->cfg.kernel_pages; p++)
		memset(sx_frame_mem(sx, sx->p2m[p]), (int)(0x10 + p % 64), 4096);
	for (uint64_t i = 0; i < sx->p2m_pages; i++) {
		uint64_t *dst = sx_frame_mem(sx, sx->p2m[sx->p2m_pfn + i]);
		memset(dst, 0, 4096);
		for (uint64_t j = 0; j < 512 && i * 512 + j < sx->nr_pages; j++)
			dst[j] = sx->p2m[i * 512 + j];
	}
	memset(sx_frame_mem(sx, sx->p2m[sx->stack_pfn]), 0, 4096);
}

static void fill_start_info(struct sim_xen *sx)
{
	start_info_t *si = &sx->si;
	memset(si, 0, sizeof *si);
	snprintf(si->magic, sizeof si->magic, "xen-3.0-x86_64");
	si->nr_pages = sx->nr_pages;
	si->shared_info = (unsigned long)sx->xen_l3_mfn << 12;
	si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	si->pt_base = sx->virt_base + sx->l4_pfn * 4096;
	si->nr_pt_frames = sx->nr_pt;
	si->mfn_list = sx->virt_base + sx->p2m_pfn * 4096;
	si->first_p2m_pfn = sx->p2m_pfn;
	si->nr_p2m_frames = sx->p2m_pages;
	uint8_t *page = (uint8_t *)sx_frame_mem(sx, sx->p2m[sx->si_pfn]);
	memset(page, 0, 4096);
	memcpy(page, si, sizeof *si);
}

static void sim_xen_free(void *p)
{
	sx_forget(p);
}

struct sim_xen *sim_xen_new(const struct sx_config *in)
{
	struct sim_xen *sx = th_alloc(sizeof *sx);
	if (in)
		sx->cfg = *in;
	struct sx_config *c = &sx->cfg;
	if (!c->nr_pages)
		c->nr_pages = 4096;
	if (!c->xen_frames)
		c->xen_frames = 64;
	if (!c->kernel_pages)
		c->kernel_pages = 256;
	if (!c->padding_pages)
		c->padding_pages = 128;
	if (!c->seed)
		c->seed = 1;
	if (!c->virt_base)
		c->virt_base = 0xffffffff80000000ULL;
	sx->nr_pages = c->nr_pages;
	sx->nr_mfns = c->nr_pages + c->xen_frames;
	sx->m = sim_new(4);
	sx->mem = sim_add_ram(sx->m, 0, sx->nr_mfns * 4096, "machine");
	sx->shadow = th_alloc(sx->nr_mfns * 4096);
	sx->f = th_alloc(sx->nr_mfns * sizeof *sx->f);
	sx->p2m = th_alloc(sx->nr_pages * sizeof *sx->p2m);
	sx->m2p = th_alloc(sx->nr_mfns * sizeof *sx->m2p);
	sx->base = sx->user_base = SX_NO_MFN;
	sx->fail_rc = -XEN_EIO;
	give_p2m(sx);
	layout(sx);
	fill_guest_pages(sx);
	build_template(sx);
	fill_start_info(sx);

	/* Xen pins the bootstrap L4 and loads it as the kernel base pointer. */
	uint64_t l4 = sx->p2m[sx->l4_pfn];
	if (sx_get_type(sx, l4, 4) || sx_get_type(sx, l4, 4)) {
		fprintf(stderr, "sim_xen: the template does not validate: %s\n", sx->why);
		abort();
	}
	sx->f[l4].pinned = true;
	sx->base = l4;
	sim_set_root(sx->m, l4 << 12);
	sx_sync_shadows(sx);
	th_defer(sim_xen_free, sx);
	sim_xen_make_current(sx);
	return sx;
}
