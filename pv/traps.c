/*
 * The PV trap table: a PV guest has no IDT of its own; it hands Xen a
 * table of handlers (HYPERVISOR_set_trap_table) and Xen bounces exceptions
 * to them. Installed first thing in pv_main, so a fault anywhere after is
 * a line naming the vector, RIP and error code, not a domain crash that
 * Xen's release build reports only as "domain_crash".
 */
#include "bootinfo.h"
#include "pv.h"
#include "xen/hc_console.h"
#include "x86/serial.h"

struct pv_trap_frame {
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

#define STUBS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(10) X(11) \
	X(12) X(13) X(14) X(16) X(17) X(18) X(19)
#define DECL(v) extern char pv_trap_##v[];
STUBS(DECL)

static const char *const names[20] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?",
	"#TS", "#NP", "#SS", "#GP", "#PF", "?", "#MF", "#AC", "#MC", "#XM",
};

/* Terminated by a zero address (xen.h: "terminated by a zero entry"). */
#define ENTRY(v) { .vector = v, .flags = 0, .cs = FLAT_KERNEL_CS, \
		   .address = (unsigned long)pv_trap_##v },
static trap_info_t table[] = { STUBS(ENTRY) { 0, 0, 0, 0 } };

long pv_traps_install(void)
{
	return xen_hcall(&pv_hc, __HYPERVISOR_set_trap_table,
			 (unsigned long)table, 0, 0, 0, 0);
}

long pv_iopl_set(unsigned level)
{
	struct physdev_set_iopl iopl = { .iopl = level };
	return xen_hcall(&pv_hc, __HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl,
			 (unsigned long)&iopl, 0, 0, 0);
}

void pv_trap(const struct pv_trap_frame *f);

void pv_trap(const struct pv_trap_frame *f)
{
	/*
	 * CR2 lives in the vcpu_info of the shared info page under PV, which
	 * this loader does not map; the RIP and error code name the access.
	 */
	con_printf("earlyboot: error: exception %s (vector %llu) at rip 0x%llx, error code 0x%llx, rsp 0x%llx, cs 0x%llx\n",
		   f->vector < 20 ? names[f->vector] : "?",
		   (unsigned long long)f->vector, (unsigned long long)f->rip,
		   (unsigned long long)f->error, (unsigned long long)f->rsp,
		   (unsigned long long)(f->cs & 0xffff));
	pv_exit(EB_EXIT_LOADER_FAIL);
}

void pv_exit(uint8_t status)
{
	xen_hc_console_exit(status); /* a domU ends here, its log flushed */
	__asm__ volatile("outb %0, %1" : : "a"(status), "Nd"((uint16_t)EB_EXIT_PORT));
	/* Only if QEMU has no isa-debug-exit: park the vCPU for good. */
	for (;;)
		xen_hcall(&pv_hc, __HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
}
