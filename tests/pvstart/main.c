/*
 * pvstart: judges a PV start of day from inside, as a PV kernel finds it
 * (xen.h, "Start-of-day memory layout"). The same checks pass when Xen
 * itself builds this kernel's start of day (it is a valid dom0 kernel)
 * and when earlyboot's PV world does (docs/pv.md, "Chainloading a PV
 * kernel"): tests/boot/pv.sh runs both.
 *
 * Everything goes through the kernel's own hypercall page (filled by
 * whoever started us: a page still full of int3 ends the domain at the
 * first call, which the boot test sees), or, in the variant without a
 * HYPERCALL_PAGE note, through `syscall`. No trap table is installed: a
 * fault is a crashed dom0, never a pass. One line per check that fails,
 * then `PVSTART: PASS <n> checks` or `PVSTART: FAIL <check>: <detail>`,
 * and the verdict through isa-debug-exit (after PHYSDEVOP_set_iopl(1):
 * a fresh domain has I/O privilege 0).
 */
#include "crc32.h"
#include "fmt.h"
#include "libc.h"
#include "xen/abi.h"
#include "xen/hc.h"

#include "page.h"
/*
 * The variants (mk/pv.mk, docs/pv.md): VIRT_BASE (2 MiB aligned; its
 * region lies in one L2), and whether the kernel names a HYPERCALL_PAGE
 * (without one it makes its hypercalls with `syscall`, as Linux does, and
 * checks that nobody filled the page).
 */
#ifndef PVS_VIRT_BASE
#define PVS_VIRT_BASE 0xffffffff80000000ULL
#endif
#define VB ((uint64_t)(PVS_VIRT_BASE))
#define ADDR 0x000ffffffffff000ULL

extern char pvs_hc_page[], __kernel_start[], __kernel_end[];
void pvs_main(const start_info_t *si, uint64_t entry_rsp, uint64_t entry_gprs);

static unsigned passed;
static char first_fail[200];

static long hc(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
#ifdef PVS_NO_HC_PAGE
	/* 64-bit PV: number in rax, arguments in rdi, rsi, rdx; rcx, r11 lost. */
	long rax = nr;
	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3)
			 :
			 : "rcx", "r11", "memory");
	return rax;
#else
	return xen_hc_raw(pvs_hc_page, nr, a1, a2, a3, 0, 0);
#endif
}

static void out(const char *s)
{
	hc(__HYPERVISOR_console_io, CONSOLEIO_write, strlen(s), (unsigned long)s);
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char buf[300];
	va_list ap;
	va_start(ap, fmt);
	eb_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out(buf);
}

/* One check: its name, whether it held, and what was seen. */
__attribute__((format(printf, 3, 4))) static bool check(const char *name, bool ok,
							 const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	eb_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (ok) {
		passed++;
		return true;
	}
	say("PVSTART: check %s failed: %s\n", name, buf);
	if (!first_fail[0])
		eb_snprintf(first_fail, sizeof first_fail, "%s: %s", name, buf);
	return false;
}

__attribute__((noreturn)) static void verdict(void)
{
	uint8_t code = first_fail[0] ? 0x11 : 0x10;
	if (first_fail[0])
		say("PVSTART: FAIL %s\n", first_fail);
	else
		say("PVSTART: PASS %u checks\n", passed);
	struct physdev_set_iopl iopl = { .iopl = 1 };
	hc(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (unsigned long)&iopl, 0);
	__asm__ volatile("outb %0, %1" : : "a"(code), "Nd"((uint16_t)0xf4));
	for (;;)
		hc(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (memcmp(hay, needle, n) == 0)
			return true;
	return false;
}

static uint64_t up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

struct walk {
	const start_info_t *si;
	const xen_pfn_t *m2p;
	uint64_t m2p_n;
	uint64_t pt_pfn, stack_pfn;
	uint64_t tables, end;
};

/* The pfn an entry names, through the m2p; ~0 when the m2p does not know it. */
static uint64_t entry_pfn(const struct walk *w, uint64_t e)
{
	uint64_t mfn = (e & ADDR) >> 12;
	return mfn < w->m2p_n ? w->m2p[mfn] : ~0ULL;
}

/*
 * The tables are found from the root, entry by entry through the m2p, never
 * by their order; what is checked against [pt_base, pt_base + nr_pt_frames)
 * is only that each lies in xen.h's "bootstrap page tables" element, which
 * the loader builds from pt_base on (docs/pv.md) and Xen's dom0 builder
 * does too (reference:xen-builder-pvstart passes the same checks).
 */
static const uint64_t *table_at(struct walk *w, uint64_t e, const char *level)
{
	uint64_t pfn = entry_pfn(w, e);
	bool in = pfn >= w->pt_pfn && pfn < w->pt_pfn + w->si->nr_pt_frames;
	if (!check("tables", in, "%s table at pfn 0x%llx, outside the %lu frames at pfn 0x%llx",
		   level, (unsigned long long)pfn, w->si->nr_pt_frames,
		   (unsigned long long)w->pt_pfn))
		return 0;
	w->tables++;
	return (const uint64_t *)(VB + pfn * PAGE);
}

/*
 * Walk the region from the L4 at pt_base: mapped 1:1 from VIRT_BASE on
 * (va VB + p*4K -> the frame mfn_list[p]), writable and executable except
 * the tables, read-only; contiguous up to its end, nothing after it in
 * its L2. Counts the tables met and finds the end.
 */
static void walk_region(struct walk *w)
{
	const start_info_t *si = w->si;
	const uint64_t *l4 = (const uint64_t *)si->pt_base;
	unsigned i4 = VB >> 39 & 511, i3 = VB >> 30 & 511, i2 = VB >> 21 & 511;
	uint64_t e4 = l4[i4];
	if (!check("tables", e4 & 1, "L4[%u] (VIRT_BASE) not present", i4))
		return;
	w->tables = 1;
	const uint64_t *l3 = table_at(w, e4, "L3");
	if (!l3 || !check("tables", l3[i3] & 1, "L3[%u] (VIRT_BASE) not present", i3))
		return;
	const uint64_t *l2 = table_at(w, l3[i3], "L2");
	if (!l2)
		return;
	for (unsigned i = 0; i < i2; i++)
		if (!check("region", !(l2[i] & 1), "L2[%u] present below VIRT_BASE", i))
			return;
	bool ended = false;
	unsigned bad = 0;
	for (unsigned i = i2; i < 512; i++) {
		if (!(l2[i] & 1)) {
			ended = true;
			continue;
		}
		if (!check("region", !ended && !(l2[i] & 0x80), "L2[%u] present past the region's end, or a large page", i))
			return;
		const uint64_t *l1 = table_at(w, l2[i], "L1");
		if (!l1)
			return;
		for (unsigned j = 0; j < 512; j++) {
			uint64_t p = (i - i2) * 512ULL + j, e = l1[j];
			if (!(e & 1)) {
				ended = true;
				continue;
			}
			if (ended) {
				check("region", false, "pfn 0x%llx mapped after a hole", (unsigned long long)p);
				return;
			}
			w->end = p + 1;
			bool table = p >= w->pt_pfn && p < w->pt_pfn + si->nr_pt_frames;
			uint64_t mfn = (e & ADDR) >> 12;
			const xen_pfn_t *p2m = (const xen_pfn_t *)si->mfn_list;
			if (p >= si->nr_pages || mfn != p2m[p] || !(e & 2) == !table || (e >> 63)) {
				if (!bad++)
					check("region", false,
					      "pfn 0x%llx: entry 0x%llx (p2m says mfn 0x%llx; table %d: want %s, executable)",
					      (unsigned long long)p, (unsigned long long)e,
					      (unsigned long long)(p < si->nr_pages ? p2m[p] : 0), table,
					      table ? "read-only" : "writable");
			}
		}
	}
	check("region", !bad, "%u bad entries", bad);
}

void pvs_main(const start_info_t *si, uint64_t entry_rsp, uint64_t entry_gprs)
{
	say("PVSTART: entered, start_info at 0x%llx, rsp 0x%llx\n",
	    (unsigned long long)(uint64_t)si, (unsigned long long)entry_rsp);
#ifdef PVS_NO_HC_PAGE
	unsigned filled = 0;
	for (unsigned i = 0; i < PAGE; i++)
		filled += (unsigned char)pvs_hc_page[i] != 0xcc;
	check("hypercall-page", !filled,
	      "no HYPERCALL_PAGE note, yet %u bytes of the page were written", filled);
#else
	check("hypercall-page", (unsigned char)pvs_hc_page[0] != 0xcc,
	      "still int3 (we would not be printing)");
#endif
	check("registers", entry_gprs == 0, "rax..r15 (but rsi, rsp) or to 0x%llx",
	      (unsigned long long)entry_gprs);
	check("magic", memcmp(si->magic, "xen-3.0-x86_64", 15) == 0, "start_info.magic");
	check("flags", (si->flags & SIF_INITDOMAIN) && !(si->flags & SIF_MOD_START_PFN),
	      "0x%x: want SIF_INITDOMAIN, and the initrd mapped (no SIF_MOD_START_PFN)",
	      si->flags);
	check("cmdline", contains((const char *)si->cmd_line, "eb.marker"),
	      "'%s' has no eb.marker", (const char *)si->cmd_line);

	/* xen.h's order, packed, 4 KiB aligned. */
	uint64_t kend = up((uint64_t)__kernel_end);
	uint64_t next = si->mod_len ? up(si->mod_start + si->mod_len) : kend;
	check("layout", !si->mod_len || si->mod_start == kend,
	      "initrd at 0x%llx, the kernel ends at 0x%llx", (unsigned long long)si->mod_start,
	      (unsigned long long)kend);
	check("layout", si->mfn_list == next, "p2m at 0x%llx, want 0x%llx",
	      (unsigned long long)si->mfn_list, (unsigned long long)next);
	next = up(si->mfn_list + si->nr_pages * 8);
	check("layout", (uint64_t)si == next, "start_info at 0x%llx, want 0x%llx",
	      (unsigned long long)(uint64_t)si, (unsigned long long)next);
	check("layout", si->pt_base == (uint64_t)si + PAGE, "pt_base 0x%llx, want 0x%llx",
	      (unsigned long long)si->pt_base, (unsigned long long)((uint64_t)si + PAGE));
	uint64_t stack_top = si->pt_base + (si->nr_pt_frames + 1) * PAGE;
	check("stack", entry_rsp == stack_top, "rsp 0x%llx, want the page after the tables' top 0x%llx",
	      (unsigned long long)entry_rsp, (unsigned long long)stack_top);

	/* The initrd: the boot tests' CRC-checked file. */
	if (check("initrd", si->mod_len >= sizeof(struct eb_test_initrd), "mod_len %lu",
		  si->mod_len)) {
		const struct eb_test_initrd *h = (const void *)si->mod_start;
		check("initrd", h->magic == EB_TEST_INITRD_MAGIC && h->len == si->mod_len &&
				    eb_crc32(0, h + 1, h->len - sizeof *h) == h->crc,
		      "header or CRC wrong (len %llu)", (unsigned long long)h->len);
	}

	/* The m2p knows every frame at its pfn: the p2m inverted. */
	struct xen_machphys_mapping mp;
	long rc = hc(__HYPERVISOR_memory_op, XENMEM_machphys_mapping, (unsigned long)&mp, 0);
	check("m2p", rc == 0, "XENMEM_machphys_mapping: %ld", rc);
	struct walk w = { .si = si, .m2p = (const xen_pfn_t *)mp.v_start,
			  .m2p_n = mp.max_mfn + 1 };
	const xen_pfn_t *p2m = (const xen_pfn_t *)si->mfn_list;
	uint64_t bad = 0, first = 0;
	for (uint64_t p = 0; p < si->nr_pages; p++) {
		uint64_t mfn = p2m[p];
		if (mfn >= w.m2p_n || w.m2p[mfn] != p) {
			if (!bad++)
				first = p;
		}
	}
	check("m2p", !bad, "%llu of %lu pfns wrong, first 0x%llx (mfn 0x%llx -> 0x%llx)",
	      (unsigned long long)bad, si->nr_pages, (unsigned long long)first,
	      (unsigned long long)p2m[first],
	      (unsigned long long)(p2m[first] < w.m2p_n ? w.m2p[p2m[first]] : ~0ULL));

	/* The tables, the region, its end. */
	w.pt_pfn = (si->pt_base - VB) / PAGE;
	w.stack_pfn = w.pt_pfn + si->nr_pt_frames;
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	check("tables", cr3 >> 12 == p2m[w.pt_pfn], "CR3 mfn 0x%llx, pt_base's 0x%llx",
	      (unsigned long long)(cr3 >> 12), (unsigned long long)p2m[w.pt_pfn]);
	walk_region(&w);
	check("tables", w.tables == si->nr_pt_frames, "%llu tables reachable, nr_pt_frames %lu",
	      (unsigned long long)w.tables, si->nr_pt_frames);
	check("region", w.end % 1024 == 0 && w.end >= w.stack_pfn + 1 + 128 &&
				w.end < w.stack_pfn + 1 + 128 + 1024,
	      "ends at pfn 0x%llx, stack at 0x%llx: want 4 MiB, >= 512 KiB padding, no more",
	      (unsigned long long)w.end, (unsigned long long)w.stack_pfn);
	say("PVSTART: region 0x%llx-0x%llx, %lu table frames at 0x%llx, p2m 0x%llx, initrd 0x%llx +%lu, %lu pages\n",
	    (unsigned long long)VB, (unsigned long long)(VB + w.end * PAGE), si->nr_pt_frames,
	    (unsigned long long)si->pt_base, (unsigned long long)si->mfn_list,
	    (unsigned long long)si->mod_start, si->mod_len, si->nr_pages);
	verdict();
}
