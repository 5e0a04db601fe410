/*
 * pv_main: the Xen PV world, from pv/entry.asm to the kernel. Trap table
 * first (every fault a diagnostic), the I/O privilege that lets a verdict
 * reach isa-debug-exit, the console (console_io), then start_info, the
 * command line and the one module (same syntax and rule as PVH:
 * common/cmdline.h, common/bootmod.h), and pv/tree.c builds, pins and
 * switches to the new tree and enters the kernel; a Linux vmlinux gets
 * Xen's PV start of day instead (pv/linux_enter.c), and so does the vmlinux
 * inside a bzImage (pv/unpack.c).
 */
#include "bootmod.h"
#include "fmt.h"
#include "libc.h"
#include "linux_boot.h"
#include "pv.h"
#include "x86/log.h"
#include "x86/serial.h"
#include "xen/hc_console.h"
#include "tree.h"

_Static_assert(XEN_ELFNOTE_ENTRY == 1 && XEN_ELFNOTE_HYPERCALL_PAGE == 2 &&
		       XEN_ELFNOTE_VIRT_BASE == 3 && XEN_ELFNOTE_PADDR_OFFSET == 4 &&
		       XEN_ELFNOTE_XEN_VERSION == 5 && XEN_ELFNOTE_GUEST_OS == 6 &&
		       XEN_ELFNOTE_LOADER == 8,
	       "pv/entry.asm's note types");

struct xen_hcall_acct pv_hc;
static struct pv_start si;
static struct pv_boot boot;
static char kernel_name[EB_CPIO_NAME_MAX + 32];

/* Module: the kernel, or a cpio holding kernel, initrd and cmdline. */
static void split_module(struct pv_boot *b)
{
	if (!si.mod_len)
		eb_fail("start_info.mod_len: no boot module (give Xen a second module: the kernel, or a cpio with 'kernel')");
	if (!si.mod_va)
		eb_fail("start_info.mod_start: module given as pfn 0x%llx, outside the bootstrap region; not supported",
			(unsigned long long)(si.mod_pa >> 12));
	const void *mod = (const void *)si.mod_va;
	struct eb_bootmod bm;
	char err[240];
	if (eb_bootmod_parse(mod, si.mod_len, b->opt.kernel, b->opt.initrd, &bm, err,
			     sizeof err))
		eb_fail("start_info.mod_start (%llu bytes at 0x%llx): %s",
			(unsigned long long)si.mod_len, (unsigned long long)si.mod_va, err);
	if (bm.is_cpio)
		eb_snprintf(kernel_name, sizeof kernel_name, "cpio member '%s'",
			    bm.kernel.name);
	else
		eb_snprintf(kernel_name, sizeof kernel_name, "module");
	b->kfile = (const char *)mod + bm.kernel.off;
	b->kfile_len = bm.kernel.len;
	enum eb_kernel_kind kind = eb_kernel_kind(b->kfile, b->kfile_len);
	/* As Xen's builder does: the vmlinux inside it, decoded (pv/unpack.c). */
	if (kind == EB_KERNEL_BZIMAGE) {
		pv_unpack_bzimage(b, kernel_name);
		kind = eb_kernel_kind(b->kfile, b->kfile_len);
		if (kind != EB_KERNEL_VMLINUX)
			eb_fail("kernel (%s): the bzImage's payload decodes to %s, not a Linux vmlinux",
				kernel_name, eb_kernel_kind_name(kind));
	}
	/*
	 * A PV kernel: a vmlinux (a "Linux" note), or any ELF whose Xen notes
	 * (or __xen_guest section) make it one, as Xen's dom0 builder would
	 * take it. It gets Xen's start of day (linux_enter.c). Writable and
	 * executable segments are Xen's ABI (its bootstrap mappings are RWX).
	 */
	if (kind == EB_KERNEL_VMLINUX ||
	    (kind == EB_KERNEL_ELF && eb_xen_notes_pv_kernel(b->kfile, b->kfile_len))) {
		const char *what = kind == EB_KERNEL_VMLINUX ? "a Linux vmlinux" : "a PV kernel";
		b->pv_kernel = true;
		if (eb_xen_notes_parse_pv(b->kfile, b->kfile_len, &b->notes, err, sizeof err))
			eb_fail("kernel (%s, %s): %s", kernel_name, what, err);
		if (eb_elf_parse_flags(b->kfile, b->kfile_len, &b->elf,
				       EB_ELF_ALLOW_WX | EB_ELF_ENTRY_UNCHECKED, err,
				       sizeof err))
			eb_fail("kernel (%s, %s): %s", kernel_name, what, err);
		const struct eb_xen_notes *n = &b->notes;
		b->elf.entry = n->entry;
		eb_info("kernel (%s): %s, %llu bytes, %u segments; Xen %s: ENTRY 0x%llx%s VIRT_BASE 0x%llx%s PADDR_OFFSET 0x%llx%s HYPERCALL_PAGE 0x%llx%s INIT_P2M 0x%llx MOD_START_PFN %u FEATURES '%s' supported 0x%x required 0x%x (%u notes)",
			kernel_name, what, (unsigned long long)b->kfile_len, b->elf.nseg,
			n->legacy ? "__xen_guest section" : "notes",
			(unsigned long long)n->entry, n->entry_from_header ? " (e_entry)" : "",
			(unsigned long long)n->virt_base,
			eb_xen_note_has(n, XEN_ELFNOTE_VIRT_BASE) ? "" : " (absent)",
			(unsigned long long)n->paddr_offset,
			eb_xen_note_has(n, XEN_ELFNOTE_PADDR_OFFSET) ? "" : " (absent)",
			(unsigned long long)n->hypercall_page,
			eb_xen_note_has(n, XEN_ELFNOTE_HYPERCALL_PAGE) ? "" : " (none)",
			(unsigned long long)n->init_p2m, n->mod_start_pfn ? 1 : 0, n->features,
			n->supported_features, n->required_features, n->count);
	} else {
		if (eb_elf_parse(b->kfile, b->kfile_len, &b->elf, err, sizeof err))
			eb_fail("kernel (%s): %s", kernel_name, err);
		eb_info("kernel (%s): %llu bytes, %u segments, entry 0x%llx", kernel_name,
			(unsigned long long)b->kfile_len, b->elf.nseg,
			(unsigned long long)b->elf.entry);
	}
	if (bm.initrd.present) {
		b->initrd_pa = si.mod_pa + bm.initrd.off;
		b->initrd_len = bm.initrd.len;
		eb_info("initrd (cpio member '%s'): %llu bytes at 0x%llx",
			bm.initrd.name, (unsigned long long)bm.initrd.len,
			(unsigned long long)b->initrd_pa);
	}
	if (!b->opt.kernel_cmdline_given && bm.cmdline.present) {
		if (eb_bootmod_cmdline(mod, &bm, b->opt.kernel_cmdline,
				       sizeof b->opt.kernel_cmdline, err, sizeof err))
			eb_fail("start_info.mod_start: %s", err);
		eb_info("kernel command line from cpio member '%s'", bm.cmdline.name);
	}
}

__attribute__((noreturn)) void pv_main(const void *start_info);

void pv_main(const void *start_info)
{
	/* Before anything that can fault: a fault is a line, not a crash. */
	long trc = pv_traps_install();
	/* A verdict needs port 0xf4 (docs/platform.md: set_iopl(1), then outb). */
	long irc = pv_iopl_set(1);
	xen_hc_console_use(&pv_hc);
	con_set_sink(xen_hc_console_write);
	/* The console first: a domU's is named by the start info. */
	char err[300];
	int src = pv_parse_start_info(start_info, PV_VIRT_BASE, &si, err, sizeof err);
	const char *console = src ? "console_io" : pv_console_select(&si);
	eb_info("PV entry at 0x%llx, start info at 0x%llx, console %s",
		(unsigned long long)__text_start, (unsigned long long)start_info, console);
	if (trc)
		eb_fail("HYPERVISOR_set_trap_table: code %ld", trc);
	if (irc)
		eb_fail("PHYSDEVOP_set_iopl(1): code %ld", irc);
	if (src)
		eb_fail("%s", err);
	struct pv_boot *b = &boot;
	if (eb_parse_cmdline(si.cmdline, si.cmdline_len, &b->opt, err, sizeof err) ||
	    eb_options_check_world(&b->opt, EB_WORLD_PV, err, sizeof err))
		eb_fail("command line (start_info.cmd_line): %s", err);
	eb_set_quiet(b->opt.quiet);
	eb_info("start info: %llu pages (%llu MiB), flags 0x%x%s, pt_base 0x%llx, %llu table frames, module %llu bytes, command line '%s'",
		(unsigned long long)si.nr_pages, (unsigned long long)(si.nr_pages >> 8),
		si.flags, si.dom0 ? " (dom0)" : "", (unsigned long long)si.pt_base_va,
		(unsigned long long)si.nr_pt_frames, (unsigned long long)si.mod_len,
		si.cmdline);
	/* Before the module: a bzImage's decoding places memory by them. */
	b->si = &si;
	b->start_info_pa = (uint64_t)start_info - PV_VIRT_BASE;
	split_module(b);
	if (b->pv_kernel)
		pv_linux_enter(b);
	pv_tree_and_enter(b);
}
