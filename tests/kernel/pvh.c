/*
 * The test kernel entered through the PVH boot protocol
 * (docs/pvh_handoff.md): entry.asm's 32-bit stub recorded the CPU's state
 * and built our own long mode, with the first 16 GiB identity-mapped, so
 * physical addresses are pointers here. Checks, in an order where each
 * defect= the loader applies trips its own first: pvh-header, pvh-cpu,
 * pvh-memmap, pvh-cmdline, pvh-rsdp, then initrd (as in the earlyboot
 * handoff, from the module the start info lists first).
 */
#include "crc32.h"
#include "libc.h"
#include "tk.h"
#include "xen/abi.h"
#include "xen/hc_hvm.h"

#define CR0_PE (1u << 0)
#define CR0_PG (1u << 31)
#define EFER_LME (1u << 8)
#define IDENTITY_LIMIT (16ULL << 30) /* entry.asm's identity map */
#define NAME_MAX 64

static const void *phys(const char *check, uint64_t pa, uint64_t len)
{
	if (pa >= IDENTITY_LIMIT || len > IDENTITY_LIMIT - pa)
		tk_fail(check, "0x%llx+0x%llx lies beyond the 16 GiB we map",
			(unsigned long long)pa, (unsigned long long)len);
	return (const void *)(uintptr_t)pa;
}

static void check_header(const struct hvm_start_info *si, bool xen)
{
	const char *c = "pvh-header";
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		tk_fail(c, "magic 0x%x, want 0x%x", si->magic, XEN_HVM_START_MAGIC_VALUE);
	if (si->version != 1)
		tk_fail(c, "version %u, want 1 (with a memory map)", si->version);
	if (si->nr_modules > EB_MOD_MAX || (si->nr_modules && !si->modlist_paddr))
		tk_fail(c, "nr_modules %u, modlist_paddr 0x%llx", si->nr_modules,
			(unsigned long long)si->modlist_paddr);
	if (si->reserved)
		tk_fail(c, "reserved 0x%x", si->reserved);
	/* As Xen's dom0 we run in the domain Xen started: its flags are ours. */
	uint32_t dom0 = SIF_PRIVILEGED | SIF_INITDOMAIN;
	if (xen && (si->flags & dom0) != dom0)
		tk_fail(c, "flags 0x%x under Xen lack SIF_PRIVILEGED|SIF_INITDOMAIN", si->flags);
}

/* The protocol's machine state: protected mode, paging off, CR4 clear. */
static void check_cpu(void)
{
	const char *c = "pvh-cpu";
	uint32_t cr0 = tk_pvh_entry_cr0, cr4 = tk_pvh_entry_cr4, efer = tk_pvh_entry_efer;
	if (!(cr0 & CR0_PE) || (cr0 & CR0_PG) || cr4 || (efer & EFER_LME))
		tk_fail(c, "CR0 0x%x (want PE on, PG off), CR4 0x%x (want 0), EFER 0x%x (want LME off) at entry",
			cr0, cr4, efer);
}

static const struct hvm_memmap_table_entry *map;
static uint32_t nmap;

/* Is [pa, pa+len) inside one RAM entry of the map? */
static bool in_ram(uint64_t pa, uint64_t len)
{
	for (uint32_t i = 0; i < nmap; i++)
		if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM && pa >= map[i].addr &&
		    pa + len <= map[i].addr + map[i].size)
			return true;
	return false;
}

static void must_be_ram(const char *c, const char *what, uint64_t pa, uint64_t len)
{
	if (!in_ram(pa, len))
		tk_fail(c, "%s at 0x%llx+0x%llx lies in no RAM entry of the memory map",
			what, (unsigned long long)pa, (unsigned long long)len);
}

static void check_memmap(const struct hvm_start_info *si, uint64_t si_pa)
{
	const char *c = "pvh-memmap";
	if (!si->memmap_entries || si->memmap_entries > EB_MEM_MAX || !si->memmap_paddr)
		tk_fail(c, "memmap_entries %u at 0x%llx", si->memmap_entries,
			(unsigned long long)si->memmap_paddr);
	nmap = si->memmap_entries;
	map = phys(c, si->memmap_paddr, nmap * sizeof *map);
	uint64_t ram = 0;
	for (uint32_t i = 0; i < nmap; i++) {
		const struct hvm_memmap_table_entry *e = &map[i];
		if (!e->size || e->addr + e->size < e->addr || e->reserved ||
		    e->type < XEN_HVM_MEMMAP_TYPE_RAM || e->type > XEN_HVM_MEMMAP_TYPE_PMEM)
			tk_fail(c, "entry %u: 0x%llx+0x%llx type %u reserved %u", i,
				(unsigned long long)e->addr, (unsigned long long)e->size,
				e->type, e->reserved);
		if (i && e->addr < map[i - 1].addr + map[i - 1].size)
			tk_fail(c, "not sorted: entry %u at 0x%llx, entry %u ends at 0x%llx", i,
				(unsigned long long)e->addr, i - 1,
				(unsigned long long)(map[i - 1].addr + map[i - 1].size));
		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM)
			ram += e->size;
	}
	/* What we can see: where we run and what we were handed is RAM. */
	uint64_t kpa = (uint64_t)__kernel_start - TK_VIRT_OFFSET;
	must_be_ram(c, "the kernel", kpa, (uint64_t)(__kernel_end - __kernel_start));
	must_be_ram(c, "the start info", si_pa, sizeof *si);
	must_be_ram(c, "the memory map", si->memmap_paddr, nmap * sizeof *map);
	if (si->nr_modules)
		must_be_ram(c, "the module list", si->modlist_paddr,
			    si->nr_modules * sizeof(struct hvm_modlist_entry));
	if (ram < (16ULL << 20))
		tk_fail(c, "only %llu KiB of RAM", (unsigned long long)(ram >> 10));
}

static const char *cmdline = "";

static void check_cmdline(const struct hvm_start_info *si)
{
	const char *c = "pvh-cmdline";
	if (!si->cmdline_paddr)
		tk_fail(c, "cmdline_paddr is 0: the loader's \"--\" line was not handed over");
	const char *s = phys(c, si->cmdline_paddr, 1);
	uint64_t n = 0;
	while (n < EB_CMDLINE_MAX && s[n])
		n++;
	if (n == EB_CMDLINE_MAX)
		tk_fail(c, "no NUL within %u bytes at 0x%llx", EB_CMDLINE_MAX,
			(unsigned long long)si->cmdline_paddr);
	must_be_ram(c, "the command line", si->cmdline_paddr, n + 1);
	cmdline = s;
}

static void check_rsdp(const struct hvm_start_info *si)
{
	const char *c = "pvh-rsdp";
	if (!si->rsdp_paddr)
		tk_fail(c, "rsdp_paddr is 0");
	const uint8_t *r = phys(c, si->rsdp_paddr, 36);
	if (memcmp(r, "RSD PTR ", 8) != 0)
		tk_fail(c, "no \"RSD PTR \" signature at 0x%llx",
			(unsigned long long)si->rsdp_paddr);
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum = (uint8_t)(sum + r[i]);
	if (sum)
		tk_fail(c, "checksum of the first 20 bytes is 0x%02x, not 0", sum);
}

/* Module 0 is the initrd (Linux takes it so); its string names it. */
static unsigned check_initrd(const struct hvm_start_info *si)
{
	const char *c = "initrd";
	bool promised;
	uint64_t want = tk_initrd_promise(cmdline, &promised);
	const struct hvm_modlist_entry *m = 0;
	if (si->nr_modules) {
		const struct hvm_modlist_entry *ml =
			phys(c, si->modlist_paddr, si->nr_modules * sizeof *ml);
		const char *name = ml[0].cmdline_paddr ? phys(c, ml[0].cmdline_paddr, 8) : "";
		if (strncmp(name, "initrd", 7) == 0)
			m = &ml[0];
	}
	if (!m && promised)
		tk_fail(c, "tk.initrd=%llu, but module 0 is no 'initrd' (%u modules)",
			(unsigned long long)want, si->nr_modules);
	if (!m)
		return 0;
	if (promised && m->size != want)
		tk_fail(c, "module 'initrd' has %llu bytes, tk.initrd=%llu",
			(unsigned long long)m->size, (unsigned long long)want);
	must_be_ram(c, "the initrd", m->paddr, m->size);
	tk_initrd_verify(phys(c, m->paddr, m->size), m->size);
	return 1;
}

/*
 * Which world: Xen's CPUID leaves say pvh-xen; without Xen, legacy BIOS
 * tables (SeaBIOS, under QEMU's own PVH boot) put the RSDP in the BIOS
 * area below 1 MiB, UEFI firmware puts it in ACPI memory above.
 */
static const char *world_of(const struct hvm_start_info *si, bool xen)
{
	if (xen)
		return "pvh-xen-pvh";
	return si->rsdp_paddr && si->rsdp_paddr < (1u << 20) ? "pvh-pvh" : "uefi-pvh";
}

unsigned tk_run_pvh_checks(uint64_t si_pa, const char **world)
{
	bool xen = xen_cpuid_base() != 0;
	const struct hvm_start_info *si = phys("pvh-header", si_pa, sizeof *si);
	*world = world_of(si, xen);
	unsigned n = 0;
	check_header(si, xen), n++;
	check_cpu(), n++;
	check_memmap(si, si_pa), n++;
	check_cmdline(si), n++;
	check_rsdp(si), n++;
	n += check_initrd(si);
	return n;
}
