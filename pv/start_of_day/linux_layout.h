/*
 * The start of day of a PV kernel that earlyboot chainloads from its own
 * PV domain (docs/pv.md, "Chainloading a PV kernel"): the arithmetic only,
 * portable and host-tested (tests/unit/test_linux_layout.c).
 *
 * The layout is the one xen.h's "Start-of-day memory layout" comment
 * describes and Xen's dom0 builder makes, in the *new* pseudo-physical
 * space, where pfn p is at virt_base + p * 4 KiB:
 *
 *   [0, kernel)             whatever was there (the loader's own image
 *                           among it), mapped, free RAM to the kernel
 *   [kernel, kernel_end)    the kernel's PT_LOAD segments at (paddr -
 *                           PADDR_OFFSET) / 4 KiB
 *   initrd                  mod_start = its virtual address (mapped, as
 *                           Xen does for a kernel without MOD_START_PFN)
 *   p2m                     the new pfn -> mfn list, nr_pages entries
 *   start_info              one page
 *   tables                  the bootstrap page tables (read-only), L4 first
 *   stack                   one page; rsp = its top
 *   padding                 >= 512 KiB, the region ending on 4 MiB
 *
 * each element 4 KiB aligned and packed after the previous one.
 *
 * The new space is a *permutation* of the domain's frames, not a copy in
 * place: the low pfns the kernel wants are occupied (the loader's image,
 * Xen's bootstrap region for the loader, the boot module), so the content
 * of new pfns [kernel, end) is written into frames that are free now, old
 * pfns [src, src + moved), and those frames swap places with old pfns
 * [kernel, end):
 *
 *   new pfn kernel + i  <->  old pfn src + i      (i < moved = end - kernel)
 *   every other pfn stays where it is (the loader's image among them)
 *
 * an involution, so every frame of the domain appears exactly once in the
 * new p2m, and pfn 0 .. kernel (the code that switches and jumps) keeps its
 * frames. src is the first old pfn at or beyond both the old bootstrap
 * region and the new one, so the frames written are free and the two
 * blocks never meet; the block ends below limit_pfns when one is given
 * (frames the loader still reads from while it fills: a decoded vmlinux).
 */
#ifndef EARLYBOOT_PV_LINUX_LAYOUT_H
#define EARLYBOOT_PV_LINUX_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "page.h"
#include "xen/abi.h"

/* xen.h: at least 512 KiB of padding; the region ends on 4 MiB. */
#define PV_LAYOUT_PADDING_PAGES 128ULL
#define PV_LAYOUT_ALIGN_PAGES 1024ULL
/* One page of bootstrap stack, as Xen's dom0 builder gives. */
#define PV_LAYOUT_STACK_PAGES 1ULL

struct pv_layout_in {
	uint64_t virt_base;      /* VIRT_BASE: new pfn p at virt_base + p * 4 KiB */
	uint64_t nr_pages;       /* the domain's frames */
	uint64_t keep_pfns;      /* old pfns [0, keep): the loader; never move */
	uint64_t busy_pfns;      /* old pfns [0, busy): Xen's region; never written */
	uint64_t kernel_pfn;     /* the kernel's first new pfn */
	uint64_t kernel_end_pfn; /* and its end (exclusive) */
	uint64_t initrd_len;     /* bytes; 0: none */
	uint64_t limit_pfns;     /* old pfns from here on are in use: the block
				    built in must end below; 0: nr_pages */
};

struct pv_layout {
	uint64_t virt_base, nr_pages;
	/* New pfns of each element (pages: its length). */
	uint64_t kernel, kernel_end;
	uint64_t initrd, initrd_pages, initrd_len;
	uint64_t p2m, p2m_pages;
	uint64_t start_info;
	uint64_t pt, pt_frames;
	uint64_t stack;
	uint64_t padding;   /* first padding pfn (after the stack) */
	uint64_t end;       /* region end: virt_base + end pages is 4 MiB aligned */
	/* The permutation. */
	uint64_t moved;     /* end - kernel */
	uint64_t src;       /* old pfns [src, src + moved) <-> new [kernel, end) */
};

/*
 * Plan the layout. The page-table count is the fixed point Xen's builder
 * searches for (the tables map the region they lie in), computed with
 * ep_pool_frames_needed for 4-level, 4 KiB leaves: exactly the frames the
 * early_paging core will take to map [virt_base, virt_base + end * 4 KiB).
 * 0, or -1 with one line in err (the loader image reaching into the kernel,
 * a domain too small, a region that wraps).
 */
int pv_layout_plan(const struct pv_layout_in *in, struct pv_layout *out,
		   char *err, size_t errlen);

/* Virtual address of new pfn p. */
static inline uint64_t pv_layout_va(const struct pv_layout *l, uint64_t pfn)
{
	return l->virt_base + pfn * PAGE;
}

/*
 * The old pfn whose frame is new pfn p; the permutation is an involution,
 * so the same function gives the new pfn of an old one.
 */
uint64_t pv_layout_swap(const struct pv_layout *l, uint64_t pfn);

/* Frames whose pfn changes: 2 * moved. */
static inline uint64_t pv_layout_moves(const struct pv_layout *l)
{
	return 2 * l->moved;
}
/* The i-th of them (i < pv_layout_moves): its old pfn and its new pfn. */
void pv_layout_move(const struct pv_layout *l, uint64_t i, uint64_t *old_pfn,
		    uint64_t *new_pfn);

/*
 * The new p2m: new_p2m[p] = old_p2m[swap(p)] for p < nr_pages (entries
 * of the last page beyond nr_pages, up to a page's worth: INVALID_P2M).
 */
void pv_layout_p2m(const struct pv_layout *l, const xen_pfn_t *old_p2m,
		   xen_pfn_t *new_p2m);

#endif
