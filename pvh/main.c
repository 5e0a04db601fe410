/*
 * pvh_main: the PVH world from the entry stub (entry.asm) to the kernel.
 * Console first (COM1, or Xen's console_io under Xen), our own GDT/IDT,
 * the bootstrap tree, then hvm_start_info, the memory map, the command line
 * and the boot module; common/x86/chainload.c builds the tree the kernel
 * gets and enters it, exactly as in the UEFI world.
 */
#include "libc.h"
#include "pvh.h"
#include "x86/chainload.h"
#include "x86/cpu.h"
#include "x86/log.h"
#include "x86/serial.h"

/* entry.asm writes the note with this number: keep the two in step. */
_Static_assert(XEN_ELFNOTE_PHYS32_ENTRY == 18, "entry.asm's note type");

static uint8_t df_stack[16384] __attribute__((aligned(16)));
static struct pvh_start si;
static struct eb_mem_range mem_storage[EB_MEM_MAX];
static struct eb_boot boot;

static uint64_t ram_mib(const struct eb_memmap *m)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < m->count; i++)
		if (m->r[i].type == EB_MEM_RAM)
			t += m->r[i].len;
	return t >> 20;
}

static void memory_map(struct eb_boot *b, bool xen)
{
	char err[240];
	eb_memmap_init(&b->mem, mem_storage, EB_MEM_MAX);
	if (si.version >= 1 && si.memmap_entries) {
		if (pvh_memmap_from_start_info(&si, pvh_phys, 0, &b->mem, err, sizeof err))
			eb_fail("%s", err);
		eb_info("memory map: %u entries from the start info, %llu MiB of RAM",
			si.memmap_entries, (unsigned long long)ram_mib(&b->mem));
		return;
	}
	if (!xen)
		eb_fail("start_info.memmap_entries: version %u start info has no memory map, and there is no Xen to ask",
			si.version);
	if (pvh_xen_memory_map(&b->mem, err, sizeof err))
		eb_fail("%s", err);
	eb_info("memory map: %u entries from XENMEM_memory_map (start info version %u has none), %llu MiB of RAM",
		b->mem.fw_entries, si.version, (unsigned long long)ram_mib(&b->mem));
}

__attribute__((noreturn)) void pvh_main(uint64_t start_info_pa);

void pvh_main(uint64_t start_info_pa)
{
	/* Our IDT first: a fault from here on is a diagnostic, not a triple fault. */
	x86_cpu_init((uint64_t)(df_stack + sizeof df_stack));
	bool xen = pvh_xen_init();
	if (!xen)
		serial_init();
	eb_info("PVH entry at 0x%llx, start info at 0x%llx, %s",
		(unsigned long long)__text_start, (unsigned long long)start_info_pa,
		xen ? pvh_xen_version() : "no hypervisor");

	struct eb_boot *b = &boot;
	struct x86_paging_caps caps;
	x86_paging_caps(&caps);
	if (!caps.nx)
		eb_fail("CPU without NX: the handoff promises W^X");
	b->levels = 4; /* the entry stub's depth, until pvh_plan chooses */
	b->leaf_mask = caps.leaf_mask;
	pvh_bootstrap(caps.leaf_mask);

	char err[300];
	if (pvh_parse_start_info(start_info_pa, pvh_phys, 0, &si, err, sizeof err))
		eb_fail("%s", err);
	if (eb_parse_cmdline(si.cmdline, si.cmdline_len, &b->opt, err, sizeof err) ||
	    eb_options_check_world(&b->opt, xen ? EB_WORLD_PVH_XEN : EB_WORLD_PVH,
				   err, sizeof err))
		eb_fail("command line (start_info.cmdline_paddr): %s", err);
	eb_set_quiet(b->opt.quiet);
	eb_info("start info version %u: flags 0x%x, %u module%s, command line '%s'",
		si.version, si.flags, si.nmods, si.nmods == 1 ? "" : "s", si.cmdline);
	memory_map(b, xen);
	if (pvh_check_modules(&si, &b->mem, err, sizeof err))
		eb_fail("%s", err);

	b->world = xen ? EB_WORLD_PVH_XEN : EB_WORLD_PVH;
	if (xen)
		b->on_ctx = pvh_xen_on_ctx;
	pvh_plan(b, &si);
	eb_chainload(b);
}
