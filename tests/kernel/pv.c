/*
 * The test kernel as a Xen PV kernel (world `pv`): chainloaded by
 * earlyboot-pv.elf in the same domain, in ring 3, with the loader's pinned
 * tree live. A PV kernel may not load a GDT or IDT, nor write CR3: it hands
 * Xen a trap table (HYPERVISOR_set_trap_table) and switches tables with
 * mmuext_op. Everything here goes through the one counted door
 * (common/xen/hc.h) and Xen's own ABI structures (common/xen/abi.h).
 *
 * Besides the common checks (checks.c, with the walker reading machine
 * frames through the m2p), the PV handoff promises (docs/handoff.md):
 *   pv-ro        every table frame reachable from CR3 is read-only in every
 *                leaf entry that maps it;
 *   pv-ebusy     Xen refuses (-EBUSY) to map one table frame of each level
 *                writable: Xen, not our walker, is the judge;
 *   pv-spare     every spare pool frame [end, top) is mapped writable and
 *                takes a write (loader defect: spare);
 *   pv-template  the frames of Xen's bootstrap tables (walked from their
 *                root, the L4 at start_info.pt_base; nr_pt_frames of them)
 *                are no tables any more, mapped writable everywhere and
 *                take a write (loader defect: template);
 *   pv-cr3       the late write_cr3: NEW_BASEPTR + NEW_USER_BASEPTR back to
 *                the same root in one mmuext_op, then CR3 and a walk still
 *                agree with the boot info.
 */
#include "tk.h"

#include "fmt.h"
#include "libc.h"
#include "x86/io.h"
#include "x86/serial.h"
#include "xen/hc.h"
#include "xen/hc_console.h"

#include "page.h"
#define PTE_RW (1ULL << 1)
#define PTE_ADDR 0x000ffffffffff000ULL

_Static_assert(__HYPERVISOR_iret == 23, "pv_traps.asm's HYPERVISOR_IRET_NR");

static struct xen_hcall_acct pv_hc;

bool tk_is_pv(void)
{
	uint16_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return (cs & 3) == 3;
}

/* pv_traps.asm: one entry per vector 0..19. */
#define VECS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(10) X(11) \
	X(12) X(13) X(14) X(16) X(17) X(18) X(19)
#define DECL(v) extern char tk_pv_trap_##v[];
VECS(DECL)
/*
 * flags 0: privilege 0 (no `int n` from guest user mode), events left as
 * they are (masked since the loader's start of day). Ends with a zero
 * address, as xen.h asks.
 */
#define ENTRY(v) { .vector = v, .flags = 0, .cs = FLAT_KERNEL_CS, \
		   .address = (unsigned long)tk_pv_trap_##v },
static trap_info_t traps[] = { VECS(ENTRY) { 0, 0, 0, 0 } };

/* No console yet: the status alone says the kernel failed. */
static __attribute__((noreturn)) void mute_fail(void)
{
	x86_exit(EB_EXIT_KERNEL_FAIL);
}

static struct xencons_interface *ring_va;

static struct xencons_interface *ring_open(void)
{
	return ring_va;
}

/*
 * A domU (no SIF_INITDOMAIN) prints through the console ring its start
 * info names, as the loader did: console_io is dom0's. The page is a
 * frame of ours, reached through the direct map; the frame is checked
 * like the loader checks it (m2p, then back through the p2m).
 */
static void pv_domu_console(const struct eb_bootinfo *bi, uint64_t m2p_len)
{
	const start_info_t *si = (const void *)(bi->dmap_base + bi->xen_start_info_pa);
	if (si->flags & SIF_INITDOMAIN)
		return;
	uint64_t mfn = si->console.domU.mfn;
	const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
	if (!si->console.domU.evtchn || mfn >= m2p_len)
		tk_fail("pv-console", "start_info.console.domU: mfn 0x%llx evtchn %u",
			(unsigned long long)mfn, si->console.domU.evtchn);
	uint64_t pfn = m2p[mfn];
	if (pfn >= si->nr_pages || (pfn << 12) >= bi->dmap_size)
		tk_fail("pv-console", "console mfn 0x%llx is pfn 0x%llx, outside the direct map",
			(unsigned long long)mfn, (unsigned long long)pfn);
	ring_va = (struct xencons_interface *)(bi->dmap_base + (pfn << 12));
	if (xen_hc_console_use_ring(&pv_hc, si->console.domU.evtchn, ring_open, 0))
		tk_fail("pv-console", "the console ring at pfn 0x%llx has inconsistent indices",
			(unsigned long long)pfn);
	x86_set_exit_hook(xen_hc_console_exit);
}

void tk_pv_init(uint64_t rdi)
{
	const struct eb_bootinfo *bi = (const void *)rdi;
	/*
	 * Our hypercall page is a copy of the one Xen filled in the loader.
	 * Sound because (a) a 64-bit PV page holds position-independent stubs
	 * (each saves rcx/r11, loads the number, syscall; no address in them)
	 * and (b) for a PV domain Xen writes the page once, at domain build,
	 * and never looks at where it lives again. Calling through the loader's
	 * page instead would tie us to memory the handoff types `loader`
	 * (ours to reuse) and hands over only through the NX direct map (the
	 * boot info's xen_hypercall_page_va), where a call faults. We write
	 * our page (R+X text) through its direct-map alias.
	 *
	 * Until set_trap_table below, a fault here lands in the loader's trap
	 * table, still registered with Xen: "earlyboot: error: exception" and
	 * status 37, still a failed run.
	 */
	uint64_t src = bi->xen_hypercall_page_va;
	if (!src || (src & (PAGE - 1)))
		mute_fail();
	char *dst = (char *)(bi->dmap_base + tk_pa(xen_hc_page));
	memcpy(dst, (const void *)src, PAGE);
	/* The page is int3 until filled: a copy of nothing would trap at once. */
	if ((uint8_t)xen_hc_page[0] == 0xcc)
		mute_fail();
	long trc = xen_hcall(&pv_hc, __HYPERVISOR_set_trap_table,
			     (unsigned long)traps, 0, 0, 0, 0);
	xen_hc_console_use(&pv_hc);
	con_set_sink(xen_hc_console_write);
	if (trc)
		tk_fail("pv-traps", "HYPERVISOR_set_trap_table: code %ld", trc);
	/*
	 * The verdict needs port 0xf4, which a ring-3 kernel reaches only with
	 * the I/O privilege the loader asked for (PHYSDEVOP_set_iopl(1)); it
	 * belongs to the vCPU and must survive the jump. Probe it on port 0x80
	 * (POST, harmless) before trusting it; if it is gone, take it back so
	 * the FAIL can get out.
	 */
	if (!tk_io_probe()) {
		struct physdev_set_iopl iopl = { .iopl = 1 };
		long rc = xen_hcall(&pv_hc, __HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl,
				    (unsigned long)&iopl, 0, 0, 0);
		tk_fail("iopl", "port I/O faults: the loader's PHYSDEVOP_set_iopl(1) did not survive the handoff (set_iopl again: code %ld)",
			rc);
	}
	/*
	 * The m2p: Xen maps machine_to_phys_mapping read-only into every PV
	 * guest at MACH2PHYS_VIRT_START (xen-x86_64.h); XENMEM_machphys_mapping
	 * says how far it goes. Xen's own L4 slots span [HYPERVISOR_VIRT_START,
	 * HYPERVISOR_VIRT_END).
	 */
	struct xen_machphys_mapping mp;
	long rc = xen_hcall(&pv_hc, __HYPERVISOR_memory_op, XENMEM_machphys_mapping,
			    (unsigned long)&mp, 0, 0, 0);
	if (rc)
		tk_fail("pv-m2p", "XENMEM_machphys_mapping: code %ld", rc);
	if (mp.v_start != MACH2PHYS_VIRT_START)
		tk_fail("pv-m2p", "m2p at 0x%llx, Xen's headers say 0x%llx",
			(unsigned long long)mp.v_start,
			(unsigned long long)MACH2PHYS_VIRT_START);
	tk_walk_use_m2p((const uint64_t *)MACH2PHYS_VIRT_START, mp.max_mfn + 1,
			(unsigned)((HYPERVISOR_VIRT_START >> 39) & 511),
			(unsigned)((HYPERVISOR_VIRT_END >> 39) & 511));
	pv_domu_console(bi, mp.max_mfn + 1);
}

/*
 * Xen's old bootstrap tables (the template), found the way the loader finds
 * them (common/paging/xen/xen_template.c): walked from their root, entry by entry through
 * the m2p. xen.h gives pt_base as the page directory in CR3 at start of
 * day, the L4 (Linux takes it for the L4 as well), and nr_pt_frames as
 * how many bootstrap table frames there are; it does not say in which
 * order those frames lie behind pt_base (Xen's dom0 builder and the
 * toolstack lay them out differently), so [pt_base, pt_base +
 * nr_pt_frames) is not taken for the set.
 *
 * This reads the template as it is now, after the handoff. That is sound
 * because nothing has changed its shape: the loader only rewrote L1
 * entries of it while it was live (alloc_table takes away its writable
 * mappings of pool frames: same frames, fewer rights), unpinning leaves a
 * table's contents as they are, and the released frames are `loader`
 * memory that neither the loader (its kernel copy and boot info lie past
 * the bootstrap region) nor this kernel writes before the check
 * (write_probe puts back what it wrote). The walk must also meet exactly
 * nr_pt_frames tables: a loader that scrubbed or reused a template frame
 * fails here, loudly, instead of shrinking the set pv-template judges and
 * dmap exempts.
 *
 * More template frames than this is no template Xen built (pv.sh's dom0s,
 * 32 MiB to 1 GiB, all have 7; the loader tracks at most 1024): a corrupt
 * start_info or template must not excuse a whole direct map from the dmap
 * check.
 */
#define TEMPLATE_FRAMES_MAX 512
#define PTE_P 1ULL
#define PTE_PS (1ULL << 7)

static uint64_t tmpl_frames[TEMPLATE_FRAMES_MAX];
static char tmpl_why[200];

struct tmpl_walk {
	const struct eb_bootinfo *bi;
	const start_info_t *si;
	uint64_t cr3;
	struct tk_pv_template *t;
};

/* The p2m's mfn for pfn (read through start_info.mfn_list), or ~0. */
static uint64_t p2m_mfn(const struct tmpl_walk *w, uint64_t pfn)
{
	if (pfn >= w->si->nr_pages)
		return ~0ULL;
	uint64_t va = w->si->mfn_list + pfn * 8;
	struct tk_walk t;
	tk_walk(w->cr3, va, &t);
	return t.present ? *(const volatile uint64_t *)va : ~0ULL;
}

static const char *tmpl_visit(struct tmpl_walk *w, uint64_t pa, unsigned level)
{
	struct tk_pv_template *t = w->t;
	if (t->n == TEMPLATE_FRAMES_MAX) {
		eb_snprintf(tmpl_why, sizeof tmpl_why,
			    "the walk from pt_base meets more than %u table frames",
			    TEMPLATE_FRAMES_MAX);
		return tmpl_why;
	}
	/* Read only what the direct map shows: a bad frame gives a FAIL, not a #PF. */
	struct tk_walk d;
	tk_walk(w->cr3, w->bi->dmap_base + pa, &d);
	if (!d.present || d.pa != pa) {
		eb_snprintf(tmpl_why, sizeof tmpl_why,
			    "L%u template frame 0x%llx is not in the direct map",
			    level, (unsigned long long)pa);
		return tmpl_why;
	}
	tmpl_frames[t->n++] = pa;
	t->levels[level]++;
	if (level == 1)
		return 0;
	const volatile uint64_t *tab = (const volatile uint64_t *)(w->bi->dmap_base + pa);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = tab[i];
		/* Xen's own L4 slots point at Xen's frames, not the domain's. */
		if (!(e & PTE_P) || (e & PTE_PS) || (level == 4 && tk_top_slot_is_xen(i)))
			continue;
		uint64_t next = tk_frame_pa(e & PTE_ADDR);
		/* A frame the domain does not own (the p2m disagrees): not followed. */
		if (next == TK_NO_PA || p2m_mfn(w, next / PAGE) != (e & PTE_ADDR) / PAGE)
			continue;
		const char *why = tmpl_visit(w, next, level - 1);
		if (why)
			return why;
	}
	return 0;
}

const char *tk_pv_template(const struct eb_bootinfo *bi, uint64_t cr3,
			   struct tk_pv_template *out)
{
	*out = (struct tk_pv_template){ .frame = tmpl_frames };
	if (bi->world != EB_WORLD_PV || !bi->xen_start_info_pa ||
	    bi->xen_start_info_va != bi->dmap_base + bi->xen_start_info_pa)
		return "no start_info in the boot info";
	/* Walk before reading: a bad pointer must give a FAIL, not a #PF. */
	struct tk_walk t;
	tk_walk(cr3, bi->xen_start_info_va, &t);
	if (!t.present)
		return "start_info is not mapped";
	const start_info_t *si = (const start_info_t *)bi->xen_start_info_va;
	if (memcmp(si->magic, "xen-3.0-x86_64", 14) != 0)
		return "start_info has the wrong magic";
	if (!si->nr_pt_frames || si->nr_pt_frames > TEMPLATE_FRAMES_MAX)
		return "start_info.nr_pt_frames is implausible";
	/* pt_base is a VA that the handed-over tree still maps: the root. */
	if (si->pt_base & (PAGE - 1))
		return "start_info.pt_base is not page aligned";
	tk_walk(cr3, si->pt_base, &t);
	if (!t.present)
		return "start_info.pt_base is not mapped";
	out->root = t.pa;
	struct tmpl_walk w = { bi, si, cr3, out };
	const char *why = tmpl_visit(&w, t.pa, 4);
	if (!why) {
		tk_sort(tmpl_frames, out->n);
		for (uint64_t i = 1; i < out->n && !why; i++)
			if (tmpl_frames[i] == tmpl_frames[i - 1]) {
				eb_snprintf(tmpl_why, sizeof tmpl_why,
					    "frame 0x%llx is reached twice from pt_base: no tree",
					    (unsigned long long)tmpl_frames[i]);
				why = tmpl_why;
			}
	}
	if (!why && out->n != si->nr_pt_frames) {
		eb_snprintf(tmpl_why, sizeof tmpl_why,
			    "the walk from pt_base meets %llu table frames, Xen made %llu: the template is not intact",
			    (unsigned long long)out->n, (unsigned long long)si->nr_pt_frames);
		why = tmpl_why;
	}
	if (why) {
		out->n = 0; /* nothing exempted from dmap; pv-template says why */
		return why;
	}
	return 0;
}

bool tk_pv_in_template(const struct tk_pv_template *t, uint64_t pa)
{
	uint64_t lo = 0, hi = t->n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (t->frame[mid] == pa)
			return true;
		if (t->frame[mid] < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Table frames reachable from CR3, sorted: the subject of pv-ro. */
static uint64_t tables[2 * EB_FRAMES_MAX];
static uint64_t ntables;

static bool is_table(uint64_t pa)
{
	uint64_t lo = 0, hi = ntables;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (tables[mid] == pa)
			return true;
		if (tables[mid] < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct leaf_scan {
	const struct tk_pv_template *tmpl; /* the template's frames */
	const struct eb_pool_info *pools[2];
	uint64_t table_maps, spare_maps, tmpl_maps;
};

static bool in_spare(const struct leaf_scan *s, uint64_t pa)
{
	for (unsigned i = 0; i < 2; i++)
		if (pa >= s->pools[i]->end && pa < s->pools[i]->top)
			return true;
	return false;
}

/* Every leaf: table frames read-only, spare and template frames writable. */
static void scan_leaf(void *arg, uint64_t va, uint64_t e, uint64_t pa,
		      uint64_t size)
{
	struct leaf_scan *s = arg;
	if (pa == TK_NO_PA)
		return; /* not ours: Xen's or a foreign frame */
	for (uint64_t f = pa; f < pa + size; f += PAGE) {
		uint64_t fva = va + (f - pa);
		bool rw = e & PTE_RW;
		if (is_table(f)) {
			s->table_maps++;
			if (rw)
				tk_fail("pv-ro", "table frame 0x%llx is mapped writable at 0x%llx (entry 0x%llx)",
					(unsigned long long)f, (unsigned long long)fva,
					(unsigned long long)e);
		}
		if (in_spare(s, f)) {
			s->spare_maps++;
			if (!rw)
				tk_fail("pv-spare", "spare pool frame 0x%llx is mapped read-only at 0x%llx (entry 0x%llx)",
					(unsigned long long)f, (unsigned long long)fva,
					(unsigned long long)e);
		}
		if (tk_pv_in_template(s->tmpl, f)) {
			s->tmpl_maps++;
			if (!rw)
				tk_fail("pv-template", "template frame 0x%llx is mapped read-only at 0x%llx (entry 0x%llx)",
					(unsigned long long)f, (unsigned long long)fva,
					(unsigned long long)e);
		}
	}
}

/* Write and read back one frame through the direct map; restore it. */
static void write_probe(const char *check, const char *what,
			const struct eb_bootinfo *bi, uint64_t cr3, uint64_t pa)
{
	uint64_t va = bi->dmap_base + pa;
	struct tk_walk t;
	tk_walk(cr3, va, &t);
	/* Judge the entry first: a store through a read-only one would #PF. */
	if (!t.present || t.pa != pa || !t.w)
		tk_fail(check, "%s frame 0x%llx: direct map at 0x%llx is %s", what,
			(unsigned long long)pa, (unsigned long long)va,
			!t.present ? "not mapped" : t.pa != pa ? "the wrong frame" : "read-only");
	volatile uint64_t *p = (volatile uint64_t *)va;
	uint64_t a = p[0], b = p[511];
	p[0] = 0x5a5aa5a55a5aa5a5ULL ^ pa;
	p[511] = ~pa;
	bool ok = p[0] == (0x5a5aa5a55a5aa5a5ULL ^ pa) && p[511] == ~pa;
	p[0] = a;
	p[511] = b;
	if (!ok)
		tk_fail(check, "%s frame 0x%llx: a write through 0x%llx did not read back",
			what, (unsigned long long)pa, (unsigned long long)va);
}

/* Xen must refuse a writable mapping of a table frame: -EBUSY. */
static void ask_writable(const struct eb_bootinfo *bi, uint64_t cr3, uint64_t pa,
			 unsigned level)
{
	uint64_t va = bi->dmap_base + pa;
	struct tk_walk t;
	tk_walk(cr3, va, &t);
	if (!t.present || t.level != 1)
		tk_fail("pv-ebusy", "L%u table frame 0x%llx has no 4 KiB direct-map entry at 0x%llx",
			level, (unsigned long long)pa, (unsigned long long)va);
	uint64_t e = t.entry[t.depth - 1];
	long rc = xen_update_va_mapping(&pv_hc, va, e | PTE_RW, UVMF_INVLPG | UVMF_LOCAL);
	if (rc != -XEN_EBUSY)
		tk_fail("pv-ebusy", "update_va_mapping of L%u table frame 0x%llx writable at 0x%llx returned %ld, want -EBUSY (%d)",
			level, (unsigned long long)pa, (unsigned long long)va, rc,
			-XEN_EBUSY);
	tk_walk(cr3, va, &t);
	if (t.w)
		tk_fail("pv-ebusy", "L%u table frame 0x%llx: refused, yet mapped writable now",
			level, (unsigned long long)pa);
}

unsigned tk_run_pv_checks(const struct eb_bootinfo *bi)
{
	unsigned n = 0;
	uint64_t cr3 = bi->cr3;
	if (bi->world != EB_WORLD_PV)
		tk_fail("header", "world %u (%s), but we run as a PV kernel", bi->world,
			eb_world_name(bi->world));
	if (bi->xen_start_info_va != bi->dmap_base + bi->xen_start_info_pa ||
	    !bi->xen_start_info_pa)
		tk_fail("header", "xen_start_info_va 0x%llx is not the direct-map address of 0x%llx",
			(unsigned long long)bi->xen_start_info_va,
			(unsigned long long)bi->xen_start_info_pa);
	const start_info_t *si = (const start_info_t *)bi->xen_start_info_va;
	if (memcmp(si->magic, "xen-3.0-x86_64", 14) != 0)
		tk_fail("header", "start_info magic '%.14s'", si->magic);

	/* The template's frames: judged here, and exempted from dmap's. */
	struct tk_pv_template tmpl;
	struct leaf_scan s = { .tmpl = &tmpl, .pools = { &bi->pool, &bi->lazy_pool } };
	const char *why = tk_pv_template(bi, cr3, &tmpl);
	if (why)
		tk_fail("pv-template", "%s (pt_base 0x%llx, nr_pt_frames %llu)", why,
			(unsigned long long)si->pt_base,
			(unsigned long long)si->nr_pt_frames);
	struct tk_walk t;

	ntables = tk_table_frames(cr3, tables, sizeof tables / sizeof tables[0]);
	if (ntables > sizeof tables / sizeof tables[0])
		tk_fail("pv-ro", "%llu table frames, more than we can hold",
			(unsigned long long)ntables);
	tk_sort(tables, ntables);
	tk_for_each_leaf(cr3, scan_leaf, &s);
	if (s.table_maps < ntables)
		tk_fail("pv-ro", "%llu mappings of %llu table frames: the direct map must show each",
			(unsigned long long)s.table_maps, (unsigned long long)ntables);
	con_printf("TESTKERNEL: pv: %llu table frames, %llu mappings of them, all read-only\n",
		   (unsigned long long)ntables, (unsigned long long)s.table_maps);
	n++;

	/* One table frame per level: the walk of our own text. */
	tk_walk(cr3, (uint64_t)__text_start, &t);
	for (unsigned i = 0; i < t.depth; i++)
		ask_writable(bi, cr3, t.table[i], t.top - i);
	con_printf("TESTKERNEL: pv: Xen refused a writable mapping of %u table frames (-EBUSY)\n",
		   t.depth);
	n++;

	uint64_t spare = 0;
	const struct eb_pool_info *pools[2] = { &bi->pool, &bi->lazy_pool };
	for (unsigned i = 0; i < 2; i++)
		for (uint64_t pa = pools[i]->end; pa < pools[i]->top; pa += PAGE, spare++)
			write_probe("pv-spare", "spare pool", bi, cr3, pa);
	con_printf("TESTKERNEL: pv: %llu spare pool frames writable\n",
		   (unsigned long long)spare);
	n++;

	for (uint64_t i = 0; i < tmpl.n; i++) {
		uint64_t pa = tmpl.frame[i];
		if (is_table(pa))
			tk_fail("pv-template", "template frame 0x%llx is still a table of the live tree",
				(unsigned long long)pa);
		write_probe("pv-template", "template", bi, cr3, pa);
	}
	con_printf("TESTKERNEL: pv: %llu template frames writable (%llu mappings), found by a walk from pt_base's L4 0x%llx through the m2p (%u L4, %u L3, %u L2, %u L1; nr_pt_frames %llu)\n",
		   (unsigned long long)tmpl.n, (unsigned long long)s.tmpl_maps,
		   (unsigned long long)tmpl.root, tmpl.levels[4], tmpl.levels[3],
		   tmpl.levels[2], tmpl.levels[1], (unsigned long long)si->nr_pt_frames);
	n++;

	/*
	 * The late write_cr3. Under PV `mov %%cr3` is emulated by Xen and
	 * gives the machine address of the root; the direct map's entry for
	 * bi->cr3 must name the same machine frame.
	 */
	uint64_t ma;
	__asm__ volatile("mov %%cr3, %0" : "=r"(ma));
	tk_walk(cr3, bi->dmap_base + cr3, &t);
	if (!t.present || (t.entry[t.depth - 1] & PTE_ADDR) != (ma & PTE_ADDR))
		tk_fail("pv-cr3", "CR3 reads machine 0x%llx, the direct map of root 0x%llx holds 0x%llx",
			(unsigned long long)ma, (unsigned long long)cr3,
			(unsigned long long)(t.entry[t.depth - 1] & PTE_ADDR));
	struct mmuext_op op[2] = {
		{ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = ma >> 12 },
		{ .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = ma >> 12 },
	};
	unsigned done = 0;
	long rc = xen_mmuext_op(&pv_hc, op, 2, &done);
	if (rc || done != 2)
		tk_fail("pv-cr3", "mmuext_op NEW_BASEPTR + NEW_USER_BASEPTR to mfn 0x%llx: code %ld, %u of 2 done",
			(unsigned long long)(ma >> 12), rc, done);
	if (tk_read_cr3() != cr3)
		tk_fail("pv-cr3", "after write_cr3 CR3 is 0x%llx, want 0x%llx",
			(unsigned long long)tk_read_cr3(), (unsigned long long)cr3);
	tk_walk(cr3, (uint64_t)__text_start, &t);
	if (!t.present || t.pa != tk_pa(__text_start))
		tk_fail("pv-cr3", "after write_cr3 our text no longer translates");
	n++;
	con_printf("TESTKERNEL: pv: %llu hypercalls, %llu failed (the -EBUSY ones expected)\n",
		   (unsigned long long)pv_hc.total, (unsigned long long)pv_hc.failed);
	return n;
}
