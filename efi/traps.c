/*
 * The loader's exceptions: #PF goes to the materializer while our tables
 * are live; anything it cannot serve, #DF (on its IST stack) and every other
 * vector print a decoded diagnostic and end the run with a failure status.
 */
#include "early_paging.h"
#include "loader.h"
#include "x86/cpu.h"
#include "x86/serial.h"

static struct ep_ctx *served;

void efi_traps_set_ctx(struct ep_ctx *ctx)
{
	served = ctx;
}

void x86_trap(struct x86_frame *f)
{
	uint64_t cr2 = x86_read_cr2();
	if (f->vector == X86_VEC_PF && served && served->live) {
		struct ep_fault_diag d;
		if (ep_lazy_fault(served, cr2, f->rip, (uint32_t)f->error, &d) == EP_OK)
			return;
		char buf[1024];
		ep_format_fault(&d, buf, sizeof buf);
		con_printf("earlyboot:   %s", buf);
		efi_fail("page fault the materializer cannot serve: %s at cr2=0x%llx rip=0x%llx",
			 ep_fault_reason_name(d.reason), (unsigned long long)cr2,
			 (unsigned long long)f->rip);
	}
	if (f->vector == X86_VEC_DF)
		efi_fail("double fault (a fault while delivering a fault) at rip=0x%llx rsp=0x%llx cr2=0x%llx",
			 (unsigned long long)f->rip, (unsigned long long)f->rsp,
			 (unsigned long long)cr2);
	efi_fail("exception %s at rip=0x%llx error=0x%llx cr2=0x%llx",
		 x86_vector_name(f->vector), (unsigned long long)f->rip,
		 (unsigned long long)f->error, (unsigned long long)cr2);
}
