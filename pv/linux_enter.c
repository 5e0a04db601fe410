/*
 * Chainloading a PV kernel (a Linux vmlinux) from earlyboot's own PV
 * domain: Xen's start of day, rebuilt (docs/pv.md, "Chainloading a PV
 * kernel"). The arithmetic is linux_layout.c, the tables linux_tree.c
 * (both portable, host-tested); this file is the image side:
 *
 *  1. check the kernel against this domain (required features, dom0
 *     support, entry and hypercall page inside the kernel) and plan the
 *     layout; a VIRT_BASE other than ours takes the bridge (bridge.h);
 *  2. the staging tree (pv/tree.c): Xen's bootstrap region as it is, plus
 *     a direct map of exactly the free frames the new region will be
 *     made of, old pfns [src, src + moved); early activation only, so no
 *     user base pointer is ever set on this path;
 *  3. fill those frames through the direct map: the kernel's segments,
 *     the hypercall page (when the kernel names one), the initrd, the new
 *     p2m, start_info, the stack; nothing in place is moved;
 *  4. the kernel's bootstrap tables (linux_tree.c): built, pinned, loaded,
 *     the staging tree unpinned, spare frames back to RW;
 *  5. the m2p: every machine frame whose pfn changed, told to Xen;
 *  6. the trap table and I/O privilege back to a fresh domain's, and the
 *     jump: rsi = start_info, rsp = the stack's top, other registers 0.
 *
 * With our VIRT_BASE the loader's image lies in new pfns [0, kernel), which
 * keep their frames, so this code runs at the same address with the same
 * frames in both trees. With another, the kernel's tree does not map us:
 * step 4 only pins, step 5 comes before the switch, and the bridge page
 * (mapped in both trees) switches, gives back and jumps.
 */
#include "bootinfo.h"
#include "bridge.h"
#include "dmap.h"
#include "fmt.h"
#include "libc.h"
#include "paging/xen/xen_window.h"
#include "pv.h"
#include "start_of_day/linux_layout.h"
#include "start_of_day/linux_tree.h"
#include "tree.h"
#include "x86/audit.h"
#include "x86/log.h"
#include "x86/serial.h"

#include "page.h"
/* Table frames of the kernel's tree: a 1 GiB region (Linux's limit) needs 515. */
#define PV_LINUX_PT_MAX 520
#define PV_LINUX_REFUSALS 2048

static uint8_t pool_state[PV_LINUX_PT_MAX];
static uint64_t pool_pte[PV_LINUX_PT_MAX];
static struct xen_be_refusal refusals[PV_LINUX_REFUSALS];
static struct pv_linux_tree lt;
static struct pv_layout L;
/*
 * The kernel's VIRT_BASE is not ours: its tree does not map this loader,
 * so the switch and the jump run from the bridge page (pv/bridge.h).
 */
static bool bridge;
static struct xen_be_handover handover;

/* Enter a PV kernel (pv/entry.asm): entry, start_info, stack top. */
__attribute__((noreturn)) void pv_jump_kernel(uint64_t entry, uint64_t start_info,
					      uint64_t stack_top);

/* Where new pfn p is filled: the staging tree's direct map of its frame. */
static void *fill_va(uint64_t pfn)
{
	return (void *)(EB_DMAP_BASE + pv_layout_swap(&L, pfn) * PAGE);
}

/*
 * A frame by its current (old) pseudo-physical address, for the backend:
 * below the kernel the frames keep their pfns (and the staging tree maps
 * the bootstrap region 1:1), the block that becomes the new region is in
 * the staging direct map until the new tree is loaded, and at its new
 * place in the new region after.
 */
static void *frame_virt(void *env, uint64_t pa)
{
	(void)env;
	uint64_t pfn = pa / PAGE;
	/* With the bridge the backend is done before the switch. */
	if (bridge ? pfn < L.src : pfn < L.kernel)
		return (void *)(PV_VIRT_BASE + pa);
	if (pfn >= L.src && pfn < L.src + L.moved) {
		if (!bridge && lt.ctx.root && lt.be.base_pa == lt.ctx.root)
			return (void *)(pv_layout_va(&L, pv_layout_swap(&L, pfn)) +
					(pa & (PAGE - 1)));
		return (void *)(EB_DMAP_BASE + pa);
	}
	eb_fail("PV start of day: frame 0x%llx is mapped in neither tree",
		(unsigned long long)pa);
}

/* MMU hypercalls made so far (the door counts every call by number). */
static uint64_t mmu_calls(void)
{
	return pv_hc.per_op[__HYPERVISOR_mmu_update] + pv_hc.per_op[__HYPERVISOR_mmuext_op];
}

static void check(enum ep_err e, struct ep_ctx *ctx, const char *what)
{
	eb_check_ep(ctx, e, "kernel's page tables", what);
}

/* The kernel's pfn extent from its segments' paddr (libelf's pstart/pend). */
static void kernel_extent(const struct pv_boot *b, uint64_t *first, uint64_t *end)
{
	const struct eb_xen_notes *n = &b->notes;
	*first = ~0ULL;
	*end = 0;
	for (unsigned i = 0; i < b->elf.nseg; i++) {
		const struct eb_elf_seg *s = &b->elf.seg[i];
		if (s->paddr < n->paddr_offset)
			eb_fail("kernel: segment %u's paddr 0x%llx lies below PADDR_OFFSET 0x%llx",
				s->index, (unsigned long long)s->paddr,
				(unsigned long long)n->paddr_offset);
		uint64_t lo = (s->paddr - n->paddr_offset) / PAGE;
		uint64_t hi = (s->paddr - n->paddr_offset + s->memsz + PAGE - 1) / PAGE;
		if (lo < *first)
			*first = lo;
		if (hi > *end)
			*end = hi;
	}
}

static void check_kernel(const struct pv_boot *b)
{
	const struct eb_xen_notes *n = &b->notes;
	unsigned bit;
	if (!eb_xen_features_missing(n, PV_FEATURES_OFFERED, &bit))
		eb_fail("kernel: Xen ELF note FEATURES '%s' requires %s (XENFEAT bit %u), which a PV start of day built by earlyboot does not offer",
			n->features,
			eb_xen_feature_name(bit) ? eb_xen_feature_name(bit) : "(unnamed)", bit);
	if (b->si->dom0 && eb_xen_note_has(n, XEN_ELFNOTE_SUPPORTED_FEATURES) &&
	    !(n->supported_features & (1u << XENFEAT_dom0)))
		eb_fail("kernel: Xen ELF note SUPPORTED_FEATURES 0x%x lacks XENFEAT_dom0 (bit %u): it cannot run as dom0 (Xen would refuse it too)",
			n->supported_features, XENFEAT_dom0);
	uint64_t lo = pv_layout_va(&L, L.kernel), hi = pv_layout_va(&L, L.kernel_end);
	if (n->entry < lo || n->entry >= hi)
		eb_fail("kernel: Xen ELF note ENTRY 0x%llx lies outside the kernel's 0x%llx-0x%llx",
			(unsigned long long)n->entry, (unsigned long long)lo,
			(unsigned long long)hi);
	uint64_t hp = n->hypercall_page;
	if (eb_xen_note_has(n, XEN_ELFNOTE_HYPERCALL_PAGE) &&
	    ((hp & (PAGE - 1)) || hp < lo || hp > hi - PAGE))
		eb_fail("kernel: Xen ELF note HYPERCALL_PAGE 0x%llx is not a page of the kernel's 0x%llx-0x%llx",
			(unsigned long long)hp, (unsigned long long)lo,
			(unsigned long long)hi);
	if (strlen(b->opt.kernel_cmdline) >= MAX_GUEST_CMDLINE)
		eb_fail("kernel command line: %llu bytes, start_info.cmd_line holds %u",
			(unsigned long long)strlen(b->opt.kernel_cmdline), MAX_GUEST_CMDLINE - 1);
}

/* Segments by paddr, gaps and bss zeroed: the pages [kernel, kernel_end). */
static void fill_kernel(const struct pv_boot *b)
{
	const struct eb_elf_info *e = &b->elf;
	unsigned order[EB_ELF_MAX_SEGS];
	for (unsigned i = 0; i < e->nseg; i++) {
		unsigned j = i;
		for (; j && e->seg[order[j - 1]].paddr > e->seg[i].paddr; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	/* The block is contiguous in the direct map: one base for all. */
	char *base = fill_va(L.kernel);
	uint64_t at = 0, po = b->notes.paddr_offset + L.kernel * PAGE;
	for (unsigned k = 0; k < e->nseg; k++) {
		const struct eb_elf_seg *s = &e->seg[order[k]];
		uint64_t off = s->paddr - po;
		memset(base + at, 0, off - at);
		memcpy(base + off, (const char *)b->kfile + s->offset, s->filesz);
		memset(base + off + s->filesz, 0, s->memsz - s->filesz);
		at = off + s->memsz;
	}
	memset(base + at, 0, (L.kernel_end - L.kernel) * PAGE - at);
	/*
	 * The hypercall page: Xen filled ours (pv/entry.asm's note) when it
	 * built this domain; a PV kernel's is filled the same way. Copying
	 * ours is exact because 64-bit PV stubs are position independent:
	 * each 32-byte stub is `mov $nr, %eax; syscall; ret` (push/pop of
	 * rcx and r11 around it, and the iret stub is `push %rax; mov $nr,
	 * %eax; syscall`), with no address in it, and Xen never looks at the
	 * page's address again. Debian 12's generic vmlinux names none (it issues
	 * syscall itself), so this runs only for kernels that still do.
	 */
	if (eb_xen_note_has(&b->notes, XEN_ELFNOTE_HYPERCALL_PAGE))
		memcpy(base + (b->notes.hypercall_page - pv_layout_va(&L, L.kernel)),
		       xen_hc_page, PAGE);
}

static void fill_start_info(const struct pv_boot *b)
{
	start_info_t *si = fill_va(L.start_info);
	/* The whole page: dom0's console info lies behind the structure. */
	memcpy(si, (const void *)(PV_VIRT_BASE + b->start_info_pa), PAGE);
	si->pt_base = pv_layout_va(&L, L.pt);
	si->nr_pt_frames = L.pt_frames;
	si->mfn_list = pv_layout_va(&L, L.p2m);
	si->mod_start = L.initrd_len ? pv_layout_va(&L, L.initrd) : 0;
	si->mod_len = L.initrd_len;
	si->flags &= ~(uint32_t)SIF_MOD_START_PFN;
	/* As Xen's builder says when the p2m is in the region. */
	si->first_p2m_pfn = L.nr_pages;
	si->nr_p2m_frames = 0;
	memset(si->cmd_line, 0, sizeof si->cmd_line);
	memcpy(si->cmd_line, b->opt.kernel_cmdline, strlen(b->opt.kernel_cmdline));
}

/*
 * A domU's console ring once the kernel's tree is live (docs/domu.md, "PV
 * domU"). Its frame lies in Xen's old bootstrap region; when that region
 * reaches into the kernel's pfns (a module larger than the space below the
 * kernel), the frame gets a new pfn past the new region, which the
 * kernel's tree does not map, and the ring's old address now holds the
 * kernel's own pages. From the switch to the jump the ring is reached
 * through a window: the first padding page's leaf points at its frame.
 */
static struct xen_be_window ring_window;

static bool kernel_tree_live(void)
{
	return !bridge && lt.ctx.root && lt.be.base_pa == lt.ctx.root;
}

static struct xencons_interface *ring_where(uint64_t pfn)
{
	if (!kernel_tree_live())
		return (struct xencons_interface *)(PV_VIRT_BASE + pfn * PAGE);
	uint64_t q = pv_layout_swap(&L, pfn);
	if (q < L.end)
		return (struct xencons_interface *)pv_layout_va(&L, q);
	return ring_window.open ? (struct xencons_interface *)ring_window.va : 0;
}

static void ring_window_open(const struct pv_start *si)
{
	uint64_t pfn;
	if (!kernel_tree_live() || !pv_console_ring_pfn(&pfn) ||
	    pv_layout_swap(&L, pfn) < L.end)
		return;
	uint64_t va = pv_layout_va(&L, L.padding);
	struct ep_translation t;
	check(ep_translate(&lt.ctx, va, &t), &lt.ctx, "read the first padding page's leaf");
	long rc = xen_be_window_open(&pv_hc, &ring_window, va, t.entry, si->console_mfn);
	/* Lost if it failed (no ring to say it on), but the run still ends. */
	if (rc)
		eb_fail("PV start of day: update_va_mapping of 0x%llx to the console ring's mfn 0x%llx: code %ld",
			(unsigned long long)va, (unsigned long long)si->console_mfn, rc);
	eb_info("console ring (old pfn 0x%llx, new pfn 0x%llx) lies past the new region: reached through the padding page at 0x%llx until the jump",
		(unsigned long long)pfn, (unsigned long long)pv_layout_swap(&L, pfn),
		(unsigned long long)va);
}

static bool bridge_debug(unsigned debug)
{
	return debug >= EB_DEBUG_BRIDGE_LOAD && debug <= EB_DEBUG_BRIDGE_GIVE_BACK;
}

/*
 * The bridge's data: entry, the switch (the handover's load and unpin,
 * and the way back), the give-back. A debug= bridge switch makes Xen
 * refuse one step: the frame it names is the start info's (a data page,
 * neither an L4 nor pinned); the extra give-back request names a machine
 * frame that does not exist.
 */
static void bridge_data(struct pv_bridge_data *bd, const struct pv_boot *b,
			uint64_t si_va, uint64_t sp)
{
	if (handover.next != 2 || handover.ext[0].cmd != MMUEXT_NEW_BASEPTR ||
	    handover.ext[1].cmd != MMUEXT_UNPIN_TABLE)
		eb_fail("PV start of day (bridge): the handover wrote %u mmuext ops, not the load and the unpin",
			handover.next);
	bd->entry = b->notes.entry;
	bd->start_info = si_va;
	bd->stack_top = sp;
	bd->load = handover.ext[0];
	bd->unpin = handover.ext[1];
	bd->back = (struct mmuext_op){ .cmd = MMUEXT_NEW_BASEPTR };
	bd->back.arg1.mfn = handover.ext[1].arg1.mfn;
	bd->ngive_back = handover.ngive_back;
	bd->give_back_done = 0;
	bd->iopl.iopl = 0;
	xen_pfn_t data_mfn = ((const xen_pfn_t *)fill_va(L.p2m))[L.start_info];
	switch (b->opt.debug) {
	case EB_DEBUG_BRIDGE_LOAD:
		bd->load.arg1.mfn = data_mfn;
		break;
	case EB_DEBUG_BRIDGE_UNPIN:
		bd->unpin.arg1.mfn = data_mfn;
		break;
	case EB_DEBUG_BRIDGE_GIVE_BACK:
		if (bd->ngive_back == PV_BRIDGE_GIVE_BACK)
			eb_fail("debug=bridge-give-back: the give-back list is full (%u requests)",
				(unsigned)PV_BRIDGE_GIVE_BACK);
		/* Machine frame 2^40 - 1: no machine has it. */
		bd->give_back[bd->ngive_back].ptr = 0x000ffffffffff000ULL | MMU_NORMAL_PT_UPDATE;
		bd->give_back[bd->ngive_back++].val = 0;
		break;
	}
}

/* pv/bridge.asm takes a give-back request back by clearing this bit. */
_Static_assert(EP_PTE_RW == 2, "pv/bridge.asm's PAGE_RW");

/* A step of the bridge Xen refused: the loader's tree is live again. */
__attribute__((noreturn)) static void bridge_refused(const struct pv_bridge_result *r,
						      const struct pv_bridge_data *bd)
{
	/*
	 * The bridge cleared both first: faults from here are ours to name,
	 * and the run's status needs port 0xf4.
	 */
	long trc = pv_traps_install(), irc = pv_iopl_set(1);
	char what[200];
	switch (r->step) {
	case PV_BRIDGE_STEP_TRAPS:
		eb_snprintf(what, sizeof what, "set_trap_table(NULL)");
		break;
	case PV_BRIDGE_STEP_IOPL:
		eb_snprintf(what, sizeof what, "PHYSDEVOP_set_iopl(0)");
		break;
	case PV_BRIDGE_STEP_LOAD:
		eb_snprintf(what, sizeof what, "mmuext_op NEW_BASEPTR of the kernel's root (mfn 0x%llx)",
			    (unsigned long long)bd->load.arg1.mfn);
		break;
	case PV_BRIDGE_STEP_UNPIN:
		eb_snprintf(what, sizeof what, "mmuext_op UNPIN_TABLE of the staging tree's root (mfn 0x%llx)",
			    (unsigned long long)bd->unpin.arg1.mfn);
		break;
	case PV_BRIDGE_STEP_GIVE_BACK:
		eb_snprintf(what, sizeof what, "mmu_update giving the staging frames back writable (request %llu of %llu, ptr 0x%llx; the %llu before it taken back)",
			    (unsigned long long)bd->give_back_done + 1,
			    (unsigned long long)bd->ngive_back,
			    (unsigned long long)(bd->give_back_done < bd->ngive_back
						 ? bd->give_back[bd->give_back_done].ptr : 0),
			    (unsigned long long)bd->give_back_done);
		break;
	default:
		eb_snprintf(what, sizeof what, "step %ld", r->step);
	}
	eb_fail("PV start of day (bridge): %s refused by Xen: code %ld; back on this loader's tree%s",
		what, r->rc, trc || irc ? " (its trap table or I/O privilege refused again)" : "");
}

void pv_linux_enter(struct pv_boot *b)
{
	const struct pv_start *si = b->si;
	uint64_t region = pv_bootstrap_region(b);
	char err[300];

	/* 1. The plan. */
	uint64_t kfirst, kend;
	kernel_extent(b, &kfirst, &kend);
	bridge = b->notes.virt_base != PV_VIRT_BASE;
	if (bridge_debug(b->opt.debug) && !bridge)
		eb_fail("debug=%s: this kernel's VIRT_BASE 0x%llx is the loader's: it takes no bridge",
			eb_debug_name(b->opt.debug), (unsigned long long)b->notes.virt_base);
	uint64_t image_pfns = ((uint64_t)__image_end - PV_VIRT_BASE + PAGE - 1) / PAGE;
	struct pv_layout_in in = {
		.virt_base = b->notes.virt_base,
		.nr_pages = si->nr_pages,
		/* Our frames need keep their pfns only when we run on in the new tree. */
		.keep_pfns = bridge ? 0 : image_pfns,
		.busy_pfns = region / PAGE,
		.kernel_pfn = kfirst,
		.kernel_end_pfn = kend,
		.initrd_len = b->initrd_len,
		.limit_pfns = b->scratch_pfn,
	};
	if (pv_layout_plan(&in, &L, err, sizeof err))
		eb_fail("PV start of day: %s", err);
	check_kernel(b);
	if (L.pt_frames > PV_LINUX_PT_MAX)
		eb_fail("PV start of day: %llu table frames, at most %u built in",
			(unsigned long long)L.pt_frames, PV_LINUX_PT_MAX);
	eb_info("PV start of day (new pfns): kernel 0x%llx-0x%llx, initrd 0x%llx +%llu, p2m 0x%llx +%llu, start_info 0x%llx, tables 0x%llx +%llu, stack 0x%llx, padding 0x%llx-0x%llx; region 0x%llx-0x%llx",
		(unsigned long long)L.kernel, (unsigned long long)L.kernel_end,
		(unsigned long long)L.initrd, (unsigned long long)L.initrd_pages,
		(unsigned long long)L.p2m, (unsigned long long)L.p2m_pages,
		(unsigned long long)L.start_info, (unsigned long long)L.pt,
		(unsigned long long)L.pt_frames, (unsigned long long)L.stack,
		(unsigned long long)L.padding, (unsigned long long)L.end,
		(unsigned long long)pv_layout_va(&L, 0),
		(unsigned long long)pv_layout_va(&L, L.end));
	eb_info("PV start of day: new pfns 0x%llx-0x%llx are old frames 0x%llx-0x%llx and the reverse (%llu frames each way); pfns below 0x%llx (this loader up to 0x%llx) keep theirs; old bootstrap region ends at pfn 0x%llx",
		(unsigned long long)L.kernel, (unsigned long long)L.end,
		(unsigned long long)L.src, (unsigned long long)(L.src + L.moved),
		(unsigned long long)L.moved, (unsigned long long)L.kernel,
		(unsigned long long)image_pfns, (unsigned long long)in.busy_pfns);

	/*
	 * The bridge page: the padding's last page, mapped at its new address
	 * in the staging tree too (read-only, executable; written through
	 * the direct map), which must not already map that address.
	 */
	uint64_t bridge_pfn = L.end - 1, bridge_va = pv_layout_va(&L, bridge_pfn);
	struct eb_elf_info bridge_map = { .nseg = 1 };
	if (bridge) {
		uint64_t dmap_lo = EB_DMAP_BASE + L.src * PAGE;
		if ((bridge_va >= PV_VIRT_BASE && bridge_va < PV_VIRT_BASE + region) ||
		    (bridge_va >= dmap_lo && bridge_va < dmap_lo + L.moved * PAGE))
			eb_fail("PV start of day: the bridge page 0x%llx (the new region's last) is where this loader's own tree maps its region (0x%llx-0x%llx) or the direct map: VIRT_BASE 0x%llx cannot be bridged",
				(unsigned long long)bridge_va, (unsigned long long)PV_VIRT_BASE,
				(unsigned long long)(PV_VIRT_BASE + region),
				(unsigned long long)b->notes.virt_base);
		bridge_map.seg[0] = (struct eb_elf_seg){
			.vaddr = bridge_va, .paddr = pv_layout_swap(&L, bridge_pfn) * PAGE,
			.memsz = PAGE, .flags = 5 /* PF_R | PF_X */
		};
		eb_info("PV start of day: VIRT_BASE 0x%llx is not this loader's: the switch and the jump run from the bridge page at 0x%llx (new pfn 0x%llx)",
			(unsigned long long)b->notes.virt_base, (unsigned long long)bridge_va,
			(unsigned long long)bridge_pfn);
	}

	/*
	 * 2. The staging tree: the region as it is, and the block to fill
	 * (a bzImage's decoding built it already, with a direct map of every
	 * frame past the region, this block among them).
	 */
	uint64_t h0 = mmu_calls();
	if (b->stage && bridge)
		eb_fail("PV start of day: VIRT_BASE 0x%llx is not this loader's, and the vmlinux decoded from a bzImage cannot take the bridge (its staging tree is built before the layout is known)",
			(unsigned long long)b->notes.virt_base);
	struct ep_ctx *stage = b->stage ? b->stage
					: pv_tree_build(b, region, L.src * PAGE, L.moved * PAGE,
							bridge ? &bridge_map : 0, false);
	check(ep_finish(stage), stage, "finish the staging tree");
	uint64_t stage_frames = ep_pool_used(&stage->pool);
	uint64_t h1 = mmu_calls();

	/* 3. The content, each element in its frames. */
	fill_kernel(b);
	if (L.initrd_len) {
		char *d = fill_va(L.initrd);
		memcpy(d, (const void *)(PV_VIRT_BASE + b->initrd_pa), L.initrd_len);
		memset(d + L.initrd_len, 0, L.initrd_pages * PAGE - L.initrd_len);
	}
	pv_layout_p2m(&L, (const xen_pfn_t *)si->mfn_list_va, fill_va(L.p2m));
	fill_start_info(b);
	memset(fill_va(L.stack), 0, PV_LAYOUT_STACK_PAGES * PAGE);
	struct pv_bridge_data *bd = (void *)((char *)fill_va(bridge_pfn) + PV_BRIDGE_DATA);
	if (bridge) {
		memcpy(fill_va(bridge_pfn), pv_bridge_code,
		       (size_t)(pv_bridge_code_end - pv_bridge_code));
		memset(bd, 0, sizeof *bd);
		handover.give_back = bd->give_back;
		handover.cap = PV_BRIDGE_GIVE_BACK;
	}

	/* 4. The kernel's tables: built, pinned, loaded; staging unpinned. */
	size_t rcap = pv_linux_tree_refusals(&L, stage_frames);
	if (rcap > PV_LINUX_REFUSALS)
		eb_fail("PV start of day: refusal log: %llu entries needed, %u built in",
			(unsigned long long)rcap, PV_LINUX_REFUSALS);
	struct pv_linux_tree_cfg tc = {
		.layout = &L,
		.p2m = (const xen_pfn_t *)si->mfn_list_va,
		.m2p = (const xen_pfn_t *)MACH2PHYS_VIRT_START,
		.m2p_entries = pv_m2p_entries(),
		.staging_root_pa = stage->root,
		.staging_frames = stage_frames,
		.phys_to_virt = frame_virt,
		.pool_state = pool_state,
		.pool_pte = pool_pte,
		.refusals = refusals,
		.refusal_cap = rcap,
		.hc = &pv_hc,
		.handover = bridge ? &handover : 0,
	};
	pv_console_locate(ring_where);
	check(pv_linux_tree_build(&lt, &tc), &lt.ctx,
	      bridge ? "build, pin (the bridge switches)" : "build, pin, switch");
	ring_window_open(si);
	uint64_t h2 = mmu_calls();
	if (bridge)
		eb_info("kernel's tree pinned: root 0x%llx (new pfn 0x%llx), %llu table frames; the bridge loads it, unpins the staging tree (%llu frames) and gives %llu entries back writable",
			(unsigned long long)lt.ctx.root, (unsigned long long)L.pt,
			(unsigned long long)L.pt_frames, (unsigned long long)stage_frames,
			(unsigned long long)handover.ngive_back);
	else
		eb_info("kernel's tree live: root 0x%llx (new pfn 0x%llx), %llu table frames; staging tree (%llu frames) unpinned",
			(unsigned long long)lt.ctx.root, (unsigned long long)L.pt,
			(unsigned long long)L.pt_frames, (unsigned long long)stage_frames);

	/* The kernel's tree as it is handed over (read back through the m2p). */
	if (b->opt.ptdump) {
		uint64_t lo = pv_layout_va(&L, 0), hi = pv_layout_va(&L, L.end);
		const char *why = "Xen PV start of day: every bootstrap element read-writable (xen.h)";
		eb_audit_world(EB_WORLD_PV);
		eb_audit_range("exec", lo, hi, "the bootstrap region");
		eb_audit_range("wx", lo, hi, why);
		eb_audit_range("tables", lt.ctx.pool.start, lt.ctx.pool.end,
			       "the kernel's bootstrap tables");
		ep_dump(&lt.ctx, con_line, 0);
	}

	/*
	 * 5. The m2p: from the new p2m, the only one still mapped (with the
	 * bridge, before the switch: nothing reads an entry back any more).
	 */
	struct xen_be_m2p_report rep;
	const xen_pfn_t *new_p2m = bridge ? fill_va(L.p2m)
				   : (const xen_pfn_t *)pv_layout_va(&L, L.p2m);
	enum ep_err e = pv_linux_tree_m2p(&lt, &L, new_p2m, &rep);
	if (e) {
		for (unsigned i = 0; i < rep.nfirst; i++)
			eb_info("m2p update refused: mfn 0x%llx -> pfn 0x%llx: code %ld",
				(unsigned long long)rep.first[i].mfn,
				(unsigned long long)rep.first[i].pfn, rep.first[i].rc);
		eb_fail("m2p update: Xen refused %llu of %llu entries (first: mfn 0x%llx -> pfn 0x%llx, code %ld)",
			(unsigned long long)rep.failed,
			(unsigned long long)pv_layout_moves(&L),
			(unsigned long long)rep.first[0].mfn,
			(unsigned long long)rep.first[0].pfn, rep.first[0].rc);
	}

	/* 6. Account, leave the domain as Xen leaves a fresh one, jump. */
	uint64_t refused = stage->count.refusals + lt.ctx.count.refusals;
	con_printf("earlyboot: stats pt_frames=%llu faults=0 resets=0 refusals=%llu hypercalls=%llu m2p_updates=%llu staging_pt_frames=%llu\n",
		   (unsigned long long)L.pt_frames, (unsigned long long)refused,
		   (unsigned long long)pv_hc.total, (unsigned long long)rep.updated,
		   (unsigned long long)stage_frames);
	eb_info("entries written %llu (staging %llu), mmu_update requests %llu, mmuext ops %llu, hypercalls failed %llu",
		(unsigned long long)(stage->count.entries_written +
				     lt.ctx.count.entries_written),
		(unsigned long long)stage->count.entries_written,
		(unsigned long long)pv_hc.mmu_requests, (unsigned long long)pv_hc.mmuext_ops,
		(unsigned long long)pv_hc.failed);
	eb_info("MMU hypercalls: staging tree %llu, kernel's tree %llu, m2p %llu; console_io %llu; all hypercalls %llu",
		(unsigned long long)(h1 - h0), (unsigned long long)(h2 - h1),
		(unsigned long long)(mmu_calls() - h2),
		(unsigned long long)pv_hc.per_op[__HYPERVISOR_console_io],
		(unsigned long long)pv_hc.total);
	uint64_t sp = pv_layout_va(&L, L.stack + PV_LAYOUT_STACK_PAGES);
	uint64_t si_va = pv_layout_va(&L, L.start_info);
	eb_info("entering kernel at 0x%llx, start_info at 0x%llx, stack 0x%llx%s",
		(unsigned long long)b->notes.entry, (unsigned long long)si_va,
		(unsigned long long)sp,
		bridge ? " (through the bridge: 5 more hypercalls, not counted above)" : "");
	if (bridge) {
		bridge_data(bd, b, si_va, sp);
		/* Returns only when Xen refused a step. */
		struct pv_bridge_result r = ((struct pv_bridge_result (*)(void))bridge_va)();
		bridge_refused(&r, bd);
	}
	/*
	 * A fresh domain has no trap table (ours lives in memory that is the
	 * kernel's from now on) and I/O privilege 0 (Linux raises it itself);
	 * events stay masked as Xen left them: this loader never unmasked
	 * them nor registered callbacks.
	 */
	long trc = xen_hcall(&pv_hc, __HYPERVISOR_set_trap_table, 0, 0, 0, 0, 0);
	long irc = pv_iopl_set(0);
	if (trc || irc)
		eb_fail("leaving the domain as Xen starts one: set_trap_table(NULL) code %ld, set_iopl(0) code %ld",
			trc, irc);
	/* The padding page's own frame back: the console is silent from here. */
	long wrc = xen_be_window_close(&pv_hc, &ring_window);
	if (wrc)
		eb_fail("PV start of day: giving the padding page at 0x%llx its frame back: update_va_mapping code %ld",
			(unsigned long long)ring_window.va, wrc);
	pv_jump_kernel(b->notes.entry, si_va, sp);
}
