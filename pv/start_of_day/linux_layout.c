/* The PV start-of-day layout and its permutation (linux_layout.h). Portable. */
#include "linux_layout.h"

#include "paging/early_paging.h"
#include "fmt.h"
#include "libc.h"

#include "page.h"
/* Xen's own L4 slots (256..271): no guest region may reach into them. */
#define XEN_SLOTS_START 0xffff800000000000ULL
#define XEN_SLOTS_END 0xffff880000000000ULL

static uint64_t pages_of(uint64_t bytes)
{
	return bytes / PAGE + (bytes % PAGE != 0);
}

static uint64_t up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Tables for [virt_base, virt_base + end pages): 4 levels, 4 KiB leaves. */
static uint64_t tables_for(uint64_t virt_base, uint64_t end)
{
	struct ep_range_req r = { virt_base, 0, end * PAGE };
	return ep_pool_frames_needed(&r, 1, 4, EP_LEAF_4K, false, 0, 0);
}

/* The region's last byte stays in the same canonical half, clear of Xen. */
static int region_ok(uint64_t vb, uint64_t end)
{
	if (end > (1ULL << 36))
		return 0;
	uint64_t last = vb + end * PAGE - 1;
	return last >= vb && ep_canonical(vb, 4) && ep_canonical(last, 4) &&
	       (vb >> 63) == (last >> 63) &&
	       (last < XEN_SLOTS_START || vb >= XEN_SLOTS_END);
}

int pv_layout_plan(const struct pv_layout_in *in, struct pv_layout *l,
		   char *err, size_t n)
{
	memset(l, 0, sizeof *l);
	l->virt_base = in->virt_base;
	l->nr_pages = in->nr_pages;
	if (in->virt_base & (PAGE - 1)) {
		eb_snprintf(err, n, "VIRT_BASE 0x%llx is not page aligned",
			    (unsigned long long)in->virt_base);
		return -1;
	}
	if (in->kernel_pfn >= in->kernel_end_pfn || in->kernel_end_pfn > in->nr_pages) {
		eb_snprintf(err, n,
			    "kernel at pfns 0x%llx-0x%llx: empty or beyond the domain's 0x%llx pages",
			    (unsigned long long)in->kernel_pfn,
			    (unsigned long long)in->kernel_end_pfn,
			    (unsigned long long)in->nr_pages);
		return -1;
	}
	if (in->keep_pfns > in->kernel_pfn) {
		eb_snprintf(err, n,
			    "the loader's image (pfns 0-0x%llx) reaches into the kernel's first pfn 0x%llx: its frames could not keep their pfns",
			    (unsigned long long)in->keep_pfns,
			    (unsigned long long)in->kernel_pfn);
		return -1;
	}
	if (in->initrd_len > in->nr_pages * PAGE) {
		eb_snprintf(err, n, "initrd of %llu bytes: larger than the domain",
			    (unsigned long long)in->initrd_len);
		return -1;
	}
	l->kernel = in->kernel_pfn;
	l->kernel_end = in->kernel_end_pfn;
	l->initrd = l->kernel_end;
	l->initrd_len = in->initrd_len;
	l->initrd_pages = pages_of(in->initrd_len);
	l->p2m = l->initrd + l->initrd_pages;
	l->p2m_pages = pages_of(in->nr_pages * sizeof(xen_pfn_t));
	l->start_info = l->p2m + l->p2m_pages;
	l->pt = l->start_info + 1;
	/*
	 * The tables map the region, which ends after them (stack, padding,
	 * 4 MiB): Xen's "pair of simultaneous equations". The count grows
	 * with the region and the region with the count, both monotonically,
	 * so iterating from below stops at the least fixed point.
	 */
	uint64_t pt = 1;
	for (;;) {
		l->stack = l->pt + pt;
		l->padding = l->stack + PV_LAYOUT_STACK_PAGES;
		/* 4 MiB in virtual addresses, as Xen aligns v_end. */
		uint64_t vb_pfn = in->virt_base / PAGE;
		l->end = up(vb_pfn + l->padding + PV_LAYOUT_PADDING_PAGES,
			    PV_LAYOUT_ALIGN_PAGES) - vb_pfn;
		if (!region_ok(in->virt_base, l->end)) {
			eb_snprintf(err, n,
				    "region 0x%llx + %llu MiB leaves the canonical half or meets Xen's slots",
				    (unsigned long long)in->virt_base,
				    (unsigned long long)(l->end >> 8));
			return -1;
		}
		uint64_t need = tables_for(in->virt_base, l->end);
		if (need <= pt)
			break;
		pt = need;
	}
	l->pt_frames = pt;
	l->moved = l->end - l->kernel;
	l->src = in->busy_pfns > l->end ? in->busy_pfns : l->end;
	uint64_t limit = in->limit_pfns && in->limit_pfns < in->nr_pages ? in->limit_pfns
									  : in->nr_pages;
	if (l->src + l->moved > limit || l->src + l->moved < l->src) {
		eb_snprintf(err, n,
			    "the domain's %llu MiB are too few: the new region (%llu MiB) is built in free frames from pfn 0x%llx, up to pfn 0x%llx (%llu MiB)%s",
			    (unsigned long long)(in->nr_pages >> 8),
			    (unsigned long long)(l->end >> 8), (unsigned long long)l->src,
			    (unsigned long long)(l->src + l->moved),
			    (unsigned long long)((l->src + l->moved) >> 8),
			    limit < in->nr_pages ? ", past the decoded kernel's frames" : "");
		return -1;
	}
	return 0;
}

uint64_t pv_layout_swap(const struct pv_layout *l, uint64_t pfn)
{
	if (pfn >= l->kernel && pfn < l->end)
		return l->src + (pfn - l->kernel);
	if (pfn >= l->src && pfn < l->src + l->moved)
		return l->kernel + (pfn - l->src);
	return pfn;
}

void pv_layout_move(const struct pv_layout *l, uint64_t i, uint64_t *old_pfn,
		    uint64_t *new_pfn)
{
	/* First the new region's frames, then the ones they displace. */
	uint64_t p = i < l->moved ? l->kernel + i : l->src + (i - l->moved);
	*new_pfn = p;
	*old_pfn = pv_layout_swap(l, p);
}

void pv_layout_p2m(const struct pv_layout *l, const xen_pfn_t *old_p2m,
		   xen_pfn_t *new_p2m)
{
	for (uint64_t p = 0; p < l->nr_pages; p++)
		new_p2m[p] = old_p2m[pv_layout_swap(l, p)];
	uint64_t cap = l->p2m_pages * (PAGE / sizeof(xen_pfn_t));
	for (uint64_t p = l->nr_pages; p < cap; p++)
		new_p2m[p] = ~(xen_pfn_t)0;
}
