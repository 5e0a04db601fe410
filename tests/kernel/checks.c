/*
 * What the test kernel verifies, in an order where each loader defect
 * (defect=NAME) trips its own check first: header, cpu, memmap, nx,
 * segments, dmap, tables, initrd.
 */
#include "tk.h"

#include "crc32.h"
#include "libc.h"

#include "page.h"
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ULL << 11)
#define CR0_WP (1ULL << 16)

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static bool has_nul(const char *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (!s[i])
			return true;
	return false;
}

static void check_header(const struct eb_bootinfo *bi, uint64_t rdi)
{
	const char *c = "header";
	if (bi->magic != EB_BOOTINFO_MAGIC)
		tk_fail(c, "magic 0x%llx, want 0x%llx", (unsigned long long)bi->magic,
			(unsigned long long)EB_BOOTINFO_MAGIC);
	if (bi->version != EB_BOOTINFO_VERSION)
		tk_fail(c, "version %u, want %u", bi->version, EB_BOOTINFO_VERSION);
	if (bi->size != sizeof(*bi))
		tk_fail(c, "size %u, want %zu", bi->size, sizeof(*bi));
	if (bi->world < EB_WORLD_UEFI || bi->world > EB_WORLD_PV)
		tk_fail(c, "world %u unknown", bi->world);
	if (bi->levels != 4 && bi->levels != 5)
		tk_fail(c, "levels %u", bi->levels);
	if (bi->secure_boot > EB_SECURE_BOOT_ENFORCING ||
	    (bi->world != EB_WORLD_UEFI && bi->secure_boot != EB_SECURE_BOOT_NONE))
		tk_fail(c, "secure_boot %u in world %u", bi->secure_boot, bi->world);
	/* Only the UEFI world measures, and only into PCRs 0-23 (a PC TPM's). */
	if ((bi->world != EB_WORLD_UEFI && bi->measured_pcrs) || bi->measured_pcrs >> 24)
		tk_fail(c, "measured_pcrs 0x%x in world %u", bi->measured_pcrs, bi->world);
	/*
	 * The depth the boot info states is the one the CPU walks (natively:
	 * under Xen PV, CR4 is Xen's to emulate and the tree is 4-level).
	 */
	uint64_t cr4 = 0;
	if (!tk_is_pv())
		__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	unsigned cpu_levels = (cr4 & (1ull << 12)) ? 5 : 4; /* CR4.LA57 */
	if (!tk_is_pv() && bi->levels != cpu_levels)
		tk_fail(c, "levels %u, but CR4.LA57 is %s (%u-level paging)",
			bi->levels, cpu_levels == 5 ? "on" : "off", cpu_levels);
	if (bi->mem_max != EB_MEM_MAX || bi->mem_count > bi->mem_max ||
	    bi->mem_count == 0)
		tk_fail(c, "mem_count %u mem_max %u", bi->mem_count, bi->mem_max);
	if (bi->mod_max != EB_MOD_MAX || bi->mod_count > bi->mod_max)
		tk_fail(c, "mod_count %u mod_max %u", bi->mod_count, bi->mod_max);
	if (bi->frames_max != EB_FRAMES_MAX || bi->frames_count > bi->frames_max ||
	    bi->frames_count == 0)
		tk_fail(c, "frames_count %u frames_max %u", bi->frames_count,
			bi->frames_max);
	if (bi->cmdline_max != EB_CMDLINE_MAX || bi->cmdline_len >= bi->cmdline_max ||
	    bi->cmdline[bi->cmdline_len] != '\0')
		tk_fail(c, "cmdline_len %u cmdline_max %u", bi->cmdline_len,
			bi->cmdline_max);
	if (bi->self_va != rdi || bi->self_va != bi->dmap_base + bi->self_pa)
		tk_fail(c, "self_va 0x%llx, rdi 0x%llx, dmap_base+self_pa 0x%llx",
			(unsigned long long)bi->self_va, (unsigned long long)rdi,
			(unsigned long long)(bi->dmap_base + bi->self_pa));
	if ((tk_read_cr3() & 0x000ffffffffff000ULL) != bi->cr3)
		tk_fail(c, "cr3 0x%llx, boot info says 0x%llx",
			(unsigned long long)tk_read_cr3(), (unsigned long long)bi->cr3);
	for (uint32_t i = 0; i < bi->mod_count; i++)
		if (!has_nul(bi->mods[i].name, EB_MOD_NAME_MAX))
			tk_fail(c, "module %u name not NUL-terminated", i);
}

/*
 * The two protections every entry of the tables relies on (docs/handoff.md):
 * EFER.NXE (else bit 63 is reserved and no page is no-execute) and CR0.WP
 * (else ring 0 writes through read-only pages). A native loader must set
 * them whatever its predecessor left; defect=cpu clears both. Before nx:
 * with NXE off, nx would trip first. Not run under Xen PV (0 checks): a PV
 * kernel runs in ring 3 and both registers are Xen's, which the loader can
 * neither set nor clear, and what a read returns is Xen's emulation, so the
 * check could not fail through anything the loader did.
 */
static unsigned check_cpu(void)
{
	const char *c = "cpu";
	if (tk_is_pv())
		return 0;
	uint64_t efer = rdmsr(MSR_EFER), cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	if (!(efer & EFER_NXE) || !(cr0 & CR0_WP))
		tk_fail(c, "EFER.NXE %s, CR0.WP %s at entry (EFER 0x%llx, CR0 0x%llx)",
			efer & EFER_NXE ? "on" : "off", cr0 & CR0_WP ? "on" : "off",
			(unsigned long long)efer, (unsigned long long)cr0);
	return 1;
}

/* Is [pa, pa+len) inside one range of the given type? */
static bool inside_type(const struct eb_bootinfo *bi, uint64_t pa, uint64_t len,
			uint32_t type)
{
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct eb_mem_range *r = &bi->mem[i];
		if (r->type == type && pa >= r->pa && pa + len <= r->pa + r->len)
			return true;
	}
	return false;
}

static void check_memmap(const struct eb_bootinfo *bi)
{
	const char *c = "memmap";
	uint64_t total = 0;
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct eb_mem_range *r = &bi->mem[i];
		if (r->len == 0 || r->pa + r->len < r->pa)
			tk_fail(c, "range %u at 0x%llx has length 0x%llx", i,
				(unsigned long long)r->pa, (unsigned long long)r->len);
		if (r->type < EB_MEM_RAM || r->type > EB_MEM_TYPE_MAX)
			tk_fail(c, "range %u at 0x%llx has type %u", i,
				(unsigned long long)r->pa, r->type);
		if (i && r->pa < bi->mem[i - 1].pa)
			tk_fail(c, "not sorted: range %u at 0x%llx before range %u at 0x%llx",
				i - 1, (unsigned long long)bi->mem[i - 1].pa, i,
				(unsigned long long)r->pa);
		if (i && r->pa < bi->mem[i - 1].pa + bi->mem[i - 1].len)
			tk_fail(c, "ranges %u and %u overlap at 0x%llx", i - 1, i,
				(unsigned long long)r->pa);
		total += r->len;
	}
	if (total != bi->fw_bytes)
		tk_fail(c, "ranges sum to 0x%llx bytes, firmware reported 0x%llx",
			(unsigned long long)total, (unsigned long long)bi->fw_bytes);
	if (!inside_type(bi, bi->self_pa, sizeof(*bi), EB_MEM_BOOT_INFO))
		tk_fail(c, "boot info at 0x%llx not in a boot-info range",
			(unsigned long long)bi->self_pa);
	uint64_t kpa = tk_pa(__kernel_start);
	uint64_t klen = (uint64_t)(__kernel_end - __kernel_start);
	if (!inside_type(bi, kpa, klen, EB_MEM_KERNEL))
		tk_fail(c, "kernel at 0x%llx+0x%llx not in a kernel range",
			(unsigned long long)kpa, (unsigned long long)klen);
	for (uint32_t i = 0; i < bi->mod_count; i++)
		if (!inside_type(bi, bi->mods[i].pa & ~(PAGE - 1), bi->mods[i].len,
				 EB_MEM_MODULE))
			tk_fail(c, "module %u at 0x%llx not in a module range", i,
				(unsigned long long)bi->mods[i].pa);
	const struct eb_pool_info *pools[2] = { &bi->pool, &bi->lazy_pool };
	for (unsigned i = 0; i < 2; i++) {
		const struct eb_pool_info *p = pools[i];
		if (p->start > p->end || p->end > p->top)
			tk_fail(c, "pool %u: start 0x%llx end 0x%llx top 0x%llx", i,
				(unsigned long long)p->start, (unsigned long long)p->end,
				(unsigned long long)p->top);
		if (p->top > p->start &&
		    !inside_type(bi, p->start, p->top - p->start, EB_MEM_PAGE_TABLES))
			tk_fail(c, "pool %u at 0x%llx not in a page-tables range", i,
				(unsigned long long)p->start);
	}
}

/* A page of data holding `ret`, to be executed by the NX check. */
static uint8_t nx_page[PAGE] __attribute__((aligned(4096)));

static void check_nx(void)
{
	const char *c = "nx";
	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		tk_fail(c, "EFER.NXE is off");
	nx_page[0] = 0xc3; /* ret */
	if (!tk_nx_probe((uint64_t)nx_page))
		tk_fail(c, "executed from data page 0x%llx without a fault",
			(unsigned long long)(uint64_t)nx_page);
}

static void check_range(const char *what, const char *lo, const char *hi,
			bool w, bool x, uint64_t cr3)
{
	for (uint64_t va = (uint64_t)lo; va < (uint64_t)hi; va += PAGE) {
		struct tk_walk t;
		tk_walk(cr3, va, &t);
		uint64_t want = tk_pa((const void *)va);
		if (!t.present)
			tk_fail("segments", "%s page 0x%llx not mapped", what,
				(unsigned long long)va);
		if (t.pa != want)
			tk_fail("segments", "%s page 0x%llx maps pa 0x%llx, want 0x%llx",
				what, (unsigned long long)va, (unsigned long long)t.pa,
				(unsigned long long)want);
		if (t.w != w || t.x != x)
			tk_fail("segments", "%s page 0x%llx is %s%s, want %s%s", what,
				(unsigned long long)va, t.w ? "RW" : "R",
				t.x ? "+X" : "+NX", w ? "RW" : "R", x ? "+X" : "+NX");
	}
}

static void check_segments(uint64_t cr3)
{
	check_range("text", __text_start, __text_end, false, true, cr3);
	check_range("rodata", __rodata_start, __rodata_end, false, false, cr3);
	check_range("data", __data_start, __data_end, true, false, cr3);
}

static uint64_t found[2 * EB_FRAMES_MAX];
static uint64_t nfound;

/*
 * Is pa a table frame reachable from CR3 (found[], sorted)? Our own walk,
 * not table_frames[]: a wrong list is the tables check's to name.
 */
static bool reachable_table(uint64_t pa)
{
	uint64_t lo = 0, hi = nfound;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (found[mid] == pa)
			return true;
		if (found[mid] < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void check_dmap(const struct eb_bootinfo *bi, uint64_t cr3)
{
	const char *c = "dmap";
	bool pv = bi->world == EB_WORLD_PV;
	struct tk_pv_template tp = { 0 };
	nfound = 0;
	if (pv) {
		/* Not found: nothing is exempted, and pv-template says why. */
		(void)tk_pv_template(bi, cr3, &tp);
		nfound = tk_table_frames(cr3, found, 2 * EB_FRAMES_MAX);
		if (nfound > 2 * EB_FRAMES_MAX)
			nfound = 2 * EB_FRAMES_MAX; /* the tables check says so */
		tk_sort(found, nfound);
	}
	uint64_t high = 0, ranges = 0;
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct eb_mem_range *r = &bi->mem[i];
		if (!eb_mem_type_in_dmap(r->type))
			continue;
		ranges++;
		/* Every byte, one leaf at a time. */
		uint64_t pa = r->pa & ~(PAGE - 1), end = r->pa + r->len;
		while (pa < end) {
			uint64_t va = bi->dmap_base + pa;
			struct tk_walk t;
			tk_walk(cr3, va, &t);
			if (!t.present)
				tk_fail(c, "pa 0x%llx (%s) not mapped at 0x%llx",
					(unsigned long long)pa, eb_mem_type_name(r->type),
					(unsigned long long)va);
			if (t.pa != pa)
				tk_fail(c, "va 0x%llx maps pa 0x%llx, want 0x%llx",
					(unsigned long long)va, (unsigned long long)t.pa,
					(unsigned long long)pa);
			/*
			 * Xen PV: a table frame can have no writable mapping
			 * (Xen refuses it), so the direct map shows the listed
			 * table frames read-only; pv.c checks that every
			 * mapping of them is.
			 */
			bool want_w = !(pv && reachable_table(pa));
			/*
			 * Spare pool frames and Xen's old template frames
			 * under PV: pv-spare and pv-template judge them, so a
			 * loader that forgets to give them back fails the
			 * check named after that promise, not this one.
			 */
			bool spare = pv && pa >= bi->pool.end && pa < bi->pool.top;
			bool tmpl = pv && tk_pv_in_template(&tp, pa);
			if (spare || tmpl)
				want_w = t.w;
			if (t.w != want_w || t.x)
				tk_fail(c, "va 0x%llx is %s%s, want %s+NX",
					(unsigned long long)va, t.w ? "RW" : "R",
					t.x ? "+X" : "+NX", want_w ? "RW" : "R (a table frame under PV)");
			if (pa >= (1ULL << 32))
				high++;
			pa = (pa & ~(t.size - 1)) + t.size;
		}
	}
	if (!ranges)
		tk_fail(c, "no direct-mapped range in the memory map");
	/* The data itself: our text read through the direct map. */
	const char *alias = (const char *)(bi->dmap_base +
					   tk_pa(__text_start));
	if (memcmp(alias, __text_start, PAGE) != 0)
		tk_fail(c, "text read through the direct map differs");
	bool ram_high = false;
	for (uint32_t i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].type == EB_MEM_RAM &&
		    bi->mem[i].pa + bi->mem[i].len > (1ULL << 32))
			ram_high = true;
	if (ram_high && !high)
		tk_fail(c, "RAM above 4 GiB but nothing checked there");
}

static uint64_t listed[EB_FRAMES_MAX];

void tk_sort(uint64_t *a, uint64_t n)
{
	/* Shell sort: a few thousand frames, no recursion, no libc. */
	for (uint64_t gap = n / 2; gap; gap /= 2)
		for (uint64_t i = gap; i < n; i++)
			for (uint64_t j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
				uint64_t t = a[j];
				a[j] = a[j - gap];
				a[j - gap] = t;
			}
}

static void check_tables(const struct eb_bootinfo *bi, uint64_t cr3)
{
	const char *c = "tables";
	uint64_t n = tk_table_frames(cr3, found, 2 * EB_FRAMES_MAX);
	if (n > 2 * EB_FRAMES_MAX)
		tk_fail(c, "%llu table frames reachable, more than we can hold",
			(unsigned long long)n);
	uint64_t m = bi->frames_count;
	memcpy(listed, bi->table_frames, m * sizeof(listed[0]));
	tk_sort(found, n);
	tk_sort(listed, m);
	for (uint64_t i = 0; i < n || i < m; i++) {
		if (i < n && i < m && found[i] == listed[i])
			continue;
		if (i >= m || (i < n && found[i] < listed[i]))
			tk_fail(c, "frame 0x%llx is reachable from CR3 but not listed (%llu reachable, %llu listed)",
				(unsigned long long)found[i], (unsigned long long)n,
				(unsigned long long)m);
		tk_fail(c, "frame 0x%llx is listed but not reachable from CR3 (%llu reachable, %llu listed)",
			(unsigned long long)listed[i], (unsigned long long)n,
			(unsigned long long)m);
	}
	for (uint64_t i = 0; i < m; i++) {
		bool in_pool = listed[i] >= bi->pool.start && listed[i] < bi->pool.end;
		bool in_lazy = listed[i] >= bi->lazy_pool.start &&
			       listed[i] < bi->lazy_pool.end;
		if (!in_pool && !in_lazy)
			tk_fail(c, "frame 0x%llx is in neither pool's [start, end)",
				(unsigned long long)listed[i]);
	}
}

/*
 * tk.initrd=<bytes> on the command line: the value, and *given = true (the
 * boot scripts add it whenever they hand the loader an initrd). A value
 * that is not a decimal byte count fails the check: a typo must not turn
 * the promise into no promise.
 */
uint64_t tk_initrd_promise(const char *cmdline, bool *given)
{
	static const char key[] = "tk.initrd=";
	const size_t klen = sizeof key - 1;
	*given = false;
	for (const char *p = cmdline; *p; p++) {
		if ((p != cmdline && p[-1] != ' ') || strncmp(p, key, klen) != 0)
			continue;
		const char *v = p + klen;
		uint64_t n = 0;
		const char *q = v;
		for (; *q >= '0' && *q <= '9'; q++) {
			if (n > (~0ULL - 9) / 10)
				tk_fail("initrd", "tk.initrd=%.24s is too large", v);
			n = n * 10 + (uint64_t)(*q - '0');
		}
		if (q == v || (*q != ' ' && *q != '\0'))
			tk_fail("initrd", "tk.initrd=%.24s is not a byte count", v);
		*given = true;
		return n;
	}
	return 0;
}

/*
 * Returns 1 if checked, 0 if there is no initrd and none was promised
 * (tk.initrd=): an initrd the loader was given but did not hand over fails.
 */
static unsigned check_initrd(const struct eb_bootinfo *bi)
{
	const char *c = "initrd";
	const struct eb_module *md = 0;
	bool promised;
	uint64_t want = tk_initrd_promise(bi->cmdline, &promised);
	for (uint32_t i = 0; i < bi->mod_count; i++)
		if (strcmp(bi->mods[i].name, "initrd") == 0)
			md = &bi->mods[i];
	if (!md && promised)
		tk_fail(c, "tk.initrd=%llu, but no module named 'initrd' was handed over (%u modules)",
			(unsigned long long)want, bi->mod_count);
	if (!md)
		return 0;
	if (promised && md->len != want)
		tk_fail(c, "module 'initrd' has %llu bytes, tk.initrd=%llu",
			(unsigned long long)md->len, (unsigned long long)want);
	if (md->va != bi->dmap_base + md->pa)
		tk_fail(c, "module va 0x%llx is not the direct-map address of 0x%llx",
			(unsigned long long)md->va, (unsigned long long)md->pa);
	tk_initrd_verify((const void *)md->va, md->len);
	return 1;
}

void tk_initrd_verify(const void *data, uint64_t len)
{
	const char *c = "initrd";
	const struct eb_test_initrd *h = data;
	if (len < sizeof(*h) || h->magic != EB_TEST_INITRD_MAGIC)
		tk_fail(c, "no test-initrd header (len %llu)", (unsigned long long)len);
	if (h->len != len)
		tk_fail(c, "header says %llu bytes, module has %llu",
			(unsigned long long)h->len, (unsigned long long)len);
	uint32_t crc = eb_crc32(0, (const char *)data + sizeof(*h), len - sizeof(*h));
	if (crc != h->crc)
		tk_fail(c, "crc32 0x%08x, header says 0x%08x", crc, h->crc);
}

unsigned tk_run_checks(const struct eb_bootinfo *bi, uint64_t rdi)
{
	unsigned n = 0;
	check_header(bi, rdi), n++;
	n += check_cpu();
	tk_walk_init(bi->dmap_base, bi->levels, rdmsr(MSR_EFER) & EFER_NXE);
	uint64_t cr3 = bi->cr3;
	check_memmap(bi), n++;
	check_nx(), n++;
	check_segments(cr3), n++;
	check_dmap(bi, cr3), n++;
	check_tables(bi, cr3), n++;
	n += check_initrd(bi);
	return n;
}
