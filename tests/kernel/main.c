/*
 * Test kernel entry: take over the CPU tables, run every check, report one
 * line and end the QEMU run through isa-debug-exit.
 */
#include <stdarg.h>

#include "fmt.h"
#include "libc.h"
#include "tk.h"
#include "x86/cpu.h"
#include "x86/io.h"
#include "x86/serial.h"
#include "xen/hc_console.h"
#include "xen/hc_hvm.h"
#include "x86/page_window.h"

static uint8_t df_stack[16384] __attribute__((aligned(16)));
static const char *world = "unknown";
static struct xen_hcall_acct xen;

/*
 * Under Xen PV `mov %%cr3` is privileged, and Xen emulates it: the value is
 * the root's *machine* address (a PV guest is not translated), which the
 * m2p turns into the pseudo-physical address the boot info speaks.
 */
uint64_t tk_read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	if (tk_is_pv())
		return tk_frame_pa(v & 0x000ffffffffff000ULL);
	return v;
}

void tk_fail(const char *check, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	eb_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	con_printf("TESTKERNEL: FAIL %s: %s\n", check, buf);
	x86_exit(EB_EXIT_KERNEL_FAIL);
}

__attribute__((noreturn)) void kmain(uint64_t rdi);

static uint64_t placement_delta;

void tk_learn_placement(uint64_t bootinfo_va)
{
	const struct eb_bootinfo *bi = (const void *)bootinfo_va;
	placement_delta = 0;
	if (bi && bi->magic == EB_BOOTINFO_MAGIC)
		placement_delta = bi->kernel_pa_start -
				  ((uint64_t)__kernel_start - TK_VIRT_OFFSET);
}

uint64_t tk_pa(const void *ours)
{
	return (uint64_t)ours - TK_VIRT_OFFSET + placement_delta;
}

static uint64_t dmap_base, ring_pa;

static void *via_dmap(uint64_t pa)
{
	return (void *)(dmap_base + pa);
}

static uint64_t our_pa(const void *va)
{
	return tk_pa(va);
}

static struct xencons_interface *ring_open(void)
{
	static const struct x86_window_env env = { via_dmap, our_pa };
	return x86_window_open(&env, ring_pa);
}

/*
 * A PVH domU prints through the console ring its HVM params name, as the
 * loader did (console_io is dom0's). The page is E820-reserved memory,
 * outside the direct map: a page window for each write, its root reached
 * through the direct map (page tables are in it). Without a boot info to
 * say where the direct map is, no ring.
 */
static void domu_console(uint64_t rdi)
{
	const struct eb_bootinfo *bi = (const void *)rdi;
	struct xen_hvm_param pfn = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
	struct xen_hvm_param ev = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_EVTCHN };
	if (!bi || bi->magic != EB_BOOTINFO_MAGIC ||
	    xen_hcall(&xen, __HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)&pfn, 0, 0, 0) ||
	    xen_hcall(&xen, __HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)&ev, 0, 0, 0) ||
	    !pfn.value || pfn.value >= (1ULL << 40) || !ev.value || ev.value > 0xffffffffu)
		return;
	dmap_base = bi->dmap_base;
	ring_pa = pfn.value << 12;
	if (xen_hc_console_use_ring(&xen, (uint32_t)ev.value, ring_open, x86_window_close) == 0)
		x86_set_exit_hook(xen_hc_console_exit);
}

/*
 * COM1, or under Xen (a PVH dom0: COM1 belongs to Xen) console_io through
 * our own hypercall page, set up the PVH way. Found through CPUID, not the
 * boot info: the verdict must get out even when the boot info is wrong.
 */
static void console_init(uint64_t rdi)
{
	uint32_t base = xen_cpuid_base();
	if (!base) {
		serial_init();
		return;
	}
	/* The hypercall page's frame: the one read of the boot info before
	 * our trap handlers are in place. */
	tk_learn_placement(rdi);
	if (xen_hc_init_hvm(base, tk_pa(xen_hc_page)) == 0) {
		xen_hc_console_use(&xen);
		domu_console(rdi);
	}
	con_set_sink(xen_hc_console_write);
}

/*
 * The PVH entry (entry.asm's stub, in our own long mode): placed where
 * linked, so no boot info is needed to find our frames.
 */
__attribute__((noreturn)) void kmain_pvh(uint64_t start_info_pa);

void kmain_pvh(uint64_t start_info_pa)
{
	console_init(0);
	x86_cpu_init((uint64_t)(df_stack + sizeof df_stack));
	con_printf("TESTKERNEL: entered through the PVH boot protocol, start info at 0x%llx\n",
		   (unsigned long long)start_info_pa);
	const char *pvh_world = "unknown-pvh";
	unsigned n = tk_run_pvh_checks(start_info_pa, &pvh_world);
	con_printf("TESTKERNEL: PASS %s %u checks\n", pvh_world, n);
	x86_exit(EB_EXIT_PASS);
}

void kmain(uint64_t rdi)
{
	/*
	 * A PV kernel runs in ring 3: no GDT/IDT of its own (lgdt/lidt #GP),
	 * a trap table through Xen instead (pv.c).
	 */
	bool pv = tk_is_pv();
	if (pv) {
		tk_learn_placement(rdi); /* pv.c copies into our hypercall page */
		tk_pv_init(rdi);
	} else {
		console_init(rdi);
		x86_cpu_init((uint64_t)(df_stack + sizeof df_stack));
	}
	tk_learn_placement(rdi);
	const struct eb_bootinfo *bi = (const void *)rdi;
	con_printf("TESTKERNEL: entered, boot info at 0x%llx\n",
		   (unsigned long long)rdi);
	if (bi && bi->magic == EB_BOOTINFO_MAGIC) {
		world = eb_world_name(bi->world);
		/* The boot tests of docs/secureboot.md match this line. */
		con_printf("TESTKERNEL: secure boot %s\n", eb_secure_boot_name(bi->secure_boot));
		/* And the measured-boot tests (docs/measured-boot.md) this one. */
		char pcrs[48];
		eb_pcr_list(bi->measured_pcrs, pcrs, sizeof pcrs);
		con_printf("TESTKERNEL: measured pcrs %s\n", pcrs);
	}
	unsigned n = tk_run_checks(bi, rdi);
	if (pv)
		n += tk_run_pv_checks(bi);
	/* Switches run after the checks: the tables are known good by then. */
	tk_provoke(bi->cmdline);
	con_printf("TESTKERNEL: PASS %s %u checks\n", world, n);
	x86_exit(EB_EXIT_PASS);
}
