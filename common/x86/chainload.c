/* See chainload.h. Moved here from the UEFI world so PVH runs the same steps. */
#include "chainload.h"

#include <elf.h>

#include "arch.h"
#include "audit.h"
#include "cpu.h"
#include "fmt.h"
#include "libc.h"
#include "log.h"
#include "paging_depth.h"
#include "pvh_info.h"
#include "serial.h"
#include "traps.h"

#include "page.h"

static struct ep_ctx ctx;
static uint8_t pool_state[EB_BOOT_MAX_POOL], lazy_state[EB_BOOT_MAX_LAZY];
/* A valid stack for the kernel's first instructions (docs/handoff.md). */
static uint8_t entry_stack[4096] __attribute__((aligned(16)));

static void *via_dmap(void *env, uint64_t pa)
{
	(void)env;
	return (void *)(EB_DMAP_BASE + pa);
}

static void ep_check(enum ep_err e, const char *what)
{
	eb_check_ep(&ctx, e, "page tables", what);
}

/*
 * What the dump is to be judged against (tools/ptdump-audit, docs/audit.md):
 * the ranges meant to be executable, taken from where they are defined (the
 * loader's linker symbols as the world described them, the kernel's ELF
 * program headers), not from the tables; and the frames that are tables.
 * Printed with the dump, through the console even when quiet, because a
 * dump without them cannot be audited.
 */
static void audit_facts(const struct eb_boot *b, const struct eb_bootinfo *bi)
{
	eb_audit_world(b->world);
	for (unsigned i = 0; i < b->nself; i++)
		if (b->self[i].perms & EP_X)
			eb_audit_range("exec", b->self[i].pa,
				       b->self[i].pa + b->self[i].len, b->self[i].name);
	char proto[64];
	eb_snprintf(proto, sizeof proto, "%s: the Linux boot protocol",
		    eb_kernel_kind_name(b->kind));
	/* A PVH kernel is not in the tree: it starts with paging off. */
	if (!eb_boot_is_pvh(b))
		eb_audit_kernel(&b->elf, eb_boot_is_linux(b) ? proto : 0);
	struct eb_self_region extra[EB_BOOT_MAX_EXTRA];
	unsigned nextra = eb_boot_extra_regions(b, extra);
	for (unsigned i = 0; i < nextra; i++)
		if (extra[i].pa == 0)
			eb_audit_range("page0", 0, extra[i].len, extra[i].name);
	const struct eb_pool_info *pools[2] = { &bi->pool, &bi->lazy_pool };
	for (unsigned i = 0; i < 2; i++)
		if (pools[i]->end > pools[i]->start)
			eb_audit_range("tables", pools[i]->start, pools[i]->end,
				       i ? "lazy pool" : "main pool");
}

/*
 * The zero page and the command line after it, written through the direct
 * map once the carved memory map is final (its e820 table comes from it).
 */
static void linux_zero_page(const struct eb_boot *b)
{
	uint64_t cl_pa = b->linux_params_pa + PAGE;
	size_t cl = strlen(b->opt.kernel_cmdline);
	if (cl >= EB_LINUX_PARAMS_BYTES - PAGE)
		eb_fail("kernel %s: command line of %zu bytes does not fit the %llu-byte buffer",
			b->kernel_name, cl, EB_LINUX_PARAMS_BYTES - PAGE - 1);
	const struct eb_handoff_module *initrd = eb_boot_module(b, "initrd");
	struct eb_linux_params p = {
		.cmdline_pa = cl_pa,
		.cmdline_len = (uint32_t)cl,
		.initrd_pa = initrd ? initrd->pa : 0,
		.initrd_len = initrd ? initrd->len : 0,
		.acpi_rsdp_pa = b->acpi_rsdp_pa,
		.mem = &b->mem,
		.efi = &b->efi,
		.secure_boot = b->secure_boot,
	};
	char err[240];
	if (eb_linux_zero_page(via_dmap(0, b->linux_params_pa),
			       via_dmap(0, b->kfile_pa),
			       b->kind == EB_KERNEL_BZIMAGE ? &b->bz : 0, &p, err,
			       sizeof err))
		eb_fail("kernel %s: zero page: %s", b->kernel_name, err);
	memcpy(via_dmap(0, cl_pa), b->opt.kernel_cmdline, cl + 1);
}

/*
 * The PVH start info (common/pvh_info.h), written through the direct map
 * into its carved block once the memory map is final.
 */
static void pvh_start_info(const struct eb_boot *b)
{
	const struct eb_pvh_info_in in = {
		.pa = b->pvh_info_pa,
		.flags = b->pvh_flags,
		.mem = &b->mem,
		.mods = b->mods,
		.nmods = b->nmods,
		.cmdline = b->opt.kernel_cmdline,
		.rsdp_pa = b->acpi_rsdp_pa,
		.defect = b->opt.defect,
	};
	char err[240];
	if (eb_pvh_info_build(via_dmap(0, b->pvh_info_pa), EB_PVH_INFO_BYTES, &in,
			      err, sizeof err))
		eb_fail("kernel %s: %s", b->kernel_name, err);
}

/*
 * debug=wp-off: a predecessor that left CR0.WP off, which the activation
 * must repair. Only WP: clearing EFER.NXE under the firmware's tables would
 * make each of their NX bits a reserved-bit fault.
 */
static void play_careless_predecessor(const struct eb_boot *b)
{
	if (b->opt.debug != EB_DEBUG_WP_OFF)
		return;
	arch_write_cr0(arch_read_cr0() & ~ARCH_CR0_WP);
	eb_info("debug: wp-off: CR0.WP cleared before the tables go live (CR0 0x%llx)",
		(unsigned long long)arch_read_cr0());
}

/*
 * defect=cpu, the last thing before the kernel: EFER.NXE and CR0.WP off.
 * Safe only because this tree has no NX bits (common/boot.c builds it
 * as for defect=nx), which NXE off makes reserved.
 */
static void leave_cpu_unprotected(const struct eb_boot *b)
{
	if (b->opt.defect != EB_DEFECT_CPU)
		return;
	arch_write_cr0(arch_read_cr0() & ~ARCH_CR0_WP);
	arch_write_efer(arch_read_efer() & ~ARCH_EFER_NXE);
}

void eb_chainload(struct eb_boot *b)
{
	char err[240];
	if (eb_boot_carve(b, err, sizeof err))
		eb_fail("%s", err);
	struct eb_dmap plan;
	/* Going live changes the paging depth when b->levels asks for it. */
	b->ops = x86_depth_ops();
	if (eb_boot_build(b, &ctx, &plan, pool_state, lazy_state, err, sizeof err))
		eb_fail("%s", err);
	eb_traps_serve(&ctx);
	play_careless_predecessor(b);
	ep_check(ep_activate(&ctx), "activate");

	/* From here physical memory is reached through the lazy direct map. */
	eb_elf_copy(&b->elf, via_dmap(0, b->kfile_pa), via_dmap, 0);
	const struct eb_handoff_module *initrd = eb_boot_module(b, "initrd");
	if (b->opt.defect == EB_DEFECT_INITRD && initrd && initrd->len > 64)
		((volatile uint8_t *)via_dmap(0, initrd->pa))[initrd->len - 1] ^= 0x5a;
	eb_info("kernel loaded; %llu faults served so far",
		(unsigned long long)ep_counters(&ctx)->faults_served);
	eb_debug_provoke(b->opt.debug); /* debug=: ends the run in a handler */

	ep_check(ep_lazy_complete(&ctx), "completing the direct map");
	ep_check(ep_finish(&ctx), "finish");

	uint64_t kstart, kend;
	eb_boot_kernel_extent(b, &kstart, &kend);
	struct eb_handoff h = {
		.world = b->world,
		.self_pa = b->bootinfo_pa,
		.dmap_base = EB_DMAP_BASE,
		.dmap_size = eb_dmap_span(&plan),
		.mem = &b->mem,
		.mods = b->mods,
		.nmods = b->nmods,
		.cmdline = b->opt.kernel_cmdline,
		.acpi_rsdp_pa = b->acpi_rsdp_pa,
		.kernel_pa_start = kstart,
		.kernel_pa_end = kend,
		.kernel_entry = b->elf.entry,
		.ctx = &ctx,
		.defect = b->opt.defect,
		.secure_boot = b->secure_boot,
		.measured_pcrs = b->measured_pcrs,
	};
	struct eb_bootinfo *bi = via_dmap(0, b->bootinfo_pa);
	if (eb_handoff_fill(bi, &h, err, sizeof err))
		eb_fail("%s", err);
	if (eb_boot_is_linux(b))
		linux_zero_page(b);
	if (eb_boot_is_pvh(b))
		pvh_start_info(b);

	if (b->opt.ptdump) {
		audit_facts(b, bi);
		ep_dump(&ctx, con_line, 0);
	}
	if (b->opt.defect)
		eb_info("debug: defect=%s applied", eb_defect_name(b->opt.defect));
	/*
	 * The counts handed over, not the live ones: a console that is a
	 * hypercall (PVH under Xen) keeps counting while we print.
	 */
	const struct eb_counters *c = &bi->counters;
	char pcrs[48];
	eb_pcr_list(bi->measured_pcrs, pcrs, sizeof pcrs);
	con_printf("earlyboot: stats pt_frames=%llu faults=%llu resets=%llu refusals=%llu hypercalls=%llu measured=%s secureboot=%s\n",
		   (unsigned long long)c->pt_frames, (unsigned long long)c->faults,
		   (unsigned long long)c->resets, (unsigned long long)c->refusals,
		   (unsigned long long)c->hypercalls, pcrs,
		   eb_secure_boot_name(bi->secure_boot));
	uint64_t stack_top = (uint64_t)(entry_stack + sizeof entry_stack);
	if (eb_boot_is_pvh(b)) {
		eb_info("entering kernel %s through the PVH boot protocol at 0x%llx (32-bit, paging off), start info at 0x%llx",
			b->kernel_name, (unsigned long long)b->pvh.entry,
			(unsigned long long)b->pvh_info_pa);
		eb_traps_serve(0);
		x86_pvh_enter(b->pvh.entry, b->pvh_info_pa, stack_top,
			      b->opt.defect == EB_DEFECT_CPU);
	}
	if (eb_boot_is_linux(b)) {
		eb_info("entering Linux (%s) at 0x%llx, zero page at 0x%llx",
			eb_kernel_kind_name(b->kind), (unsigned long long)b->elf.entry,
			(unsigned long long)b->linux_params_pa);
		eb_traps_serve(0);
		leave_cpu_unprotected(b);
		x86_enter_linux(b->elf.entry, b->linux_params_pa, stack_top);
	}
	eb_info("entering kernel at 0x%llx, boot info at 0x%llx",
		(unsigned long long)b->elf.entry, (unsigned long long)bi->self_va);
	/* The kernel owns the CPU tables from its first instruction on. */
	eb_traps_serve(0);
	leave_cpu_unprotected(b);
	x86_enter_kernel(b->elf.entry, bi->self_va,
			 stack_top);
}
