/*
 * The test kernel's own exception handling: the NX probe's expected fault,
 * and for everything else a decoded diagnostic (with our own walk of CR2)
 * followed by a FAIL verdict. tk.fault=pf provokes a fault nobody can serve,
 * tk.fault=df a fault inside the fault handler (a #PF whose delivery faults,
 * which the CPU turns into #DF on the IST stack).
 */
#include "libc.h"
#include "tk.h"
#include "x86/cpu.h"
#include "x86/io.h"
#include "x86/serial.h"

#define PF_P 1u
#define PF_W 2u
#define PF_U 4u
#define PF_RSVD 8u
#define PF_I 16u

/*
 * Nothing is ever mapped here: the upper half's first 512 GiB slot. Under
 * Xen PV that slot is Xen's (the m2p is readable there), so the first guest
 * slot past Xen's hole serves instead.
 */
#define TK_UNMAPPED 0xffff800000000000ULL
#define TK_UNMAPPED_PV 0xffff880000000000ULL

static volatile uint64_t nx_target;
static volatile bool nx_caught;
static volatile bool nested;
static volatile bool io_probe, io_caught;

bool tk_io_probe(void)
{
	io_caught = false;
	io_probe = true;
	/* Two bytes (e6 80): the #GP handler below steps over them. */
	__asm__ volatile("outb %%al, $0x80" : : "a"(0) : "memory");
	io_probe = false;
	return !io_caught;
}

bool tk_nx_probe(uint64_t va)
{
	nx_caught = false;
	nx_target = va;
	((void (*)(void))va)();
	nx_target = 0;
	return nx_caught;
}

static void print_walk(uint64_t va)
{
	struct tk_walk w;
	tk_walk(tk_read_cr3(), va, &w);
	for (unsigned i = 0; i < w.depth; i++)
		con_printf("TESTKERNEL:   level %u table 0x%016llx entry 0x%016llx%s\n",
			   w.top - i, (unsigned long long)w.table[i],
			   (unsigned long long)w.entry[i],
			   (w.entry[i] & 1) ? "" : " not present");
}

static void diag(const struct x86_frame *f, uint64_t cr2)
{
	uint32_t ec = (uint32_t)f->error;
	con_printf("TESTKERNEL:   rip=0x%016llx rsp=0x%016llx cr2=0x%016llx error=0x%x",
		   (unsigned long long)f->rip, (unsigned long long)f->rsp,
		   (unsigned long long)cr2, ec);
	if (f->vector == X86_VEC_PF)
		con_printf(" [%s %s %s%s%s]", ec & PF_P ? "protection" : "not-present",
			   ec & PF_W ? "write" : "read",
			   ec & PF_U ? "user" : "supervisor",
			   ec & PF_I ? " instruction-fetch" : "",
			   ec & PF_RSVD ? " reserved-bit" : "");
	con_printf("\n");
	if (f->vector == X86_VEC_PF || f->vector == X86_VEC_DF)
		print_walk(cr2);
}

void x86_trap(struct x86_frame *f)
{
	/* Under PV Xen emulates this read from what it bounced last. */
	uint64_t cr2 = x86_read_cr2();
	if (f->vector == 13 && io_probe) {
		io_caught = true;
		f->rip += 2;
		return;
	}
	if (f->vector == X86_VEC_PF && nx_target && cr2 == nx_target &&
	    (f->error & PF_I)) {
		/* The probe's `call` pushed a return address: return there. */
		nx_caught = true;
		f->rip = *(uint64_t *)f->rsp;
		f->rsp += 8;
		return;
	}
	if (f->vector == X86_VEC_PF && nested) {
		nested = false;
		/* Fault again with no usable stack: the delivery itself faults. */
		__asm__ volatile("mov %0, %%rsp\n\t"
				 "movq (%1), %%rax"
				 :
				 : "r"(TK_UNMAPPED + 0x10000), "r"(TK_UNMAPPED)
				 : "rax", "memory");
	}
	const char *check = f->vector == X86_VEC_PF   ? "page-fault"
			    : f->vector == X86_VEC_DF ? "double-fault"
						      : "exception";
	con_printf("TESTKERNEL: FAIL %s: unexpected %s (vector %llu)\n", check,
		   x86_vector_name(f->vector), (unsigned long long)f->vector);
	diag(f, cr2);
	x86_exit(EB_EXIT_KERNEL_FAIL);
}

static bool has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = s; *p; p++) {
		if ((p == s || p[-1] == ' ') && strncmp(p, w, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

void tk_provoke(const char *cmdline)
{
	if (has_word(cmdline, "tk.fault=df")) {
		/*
		 * Under PV there is no IST: Xen cannot deliver the fault and
		 * kills the domain, so there is nothing to judge.
		 */
		if (tk_is_pv())
			tk_fail("provoke", "tk.fault=df needs an IST stack, which Xen PV has not");
		nested = true;
	}
	if (has_word(cmdline, "tk.fault=pf") || nested) {
		con_printf("TESTKERNEL: provoking a %s\n",
			   nested ? "fault inside the fault handler"
				  : "fault nobody can serve");
		(void)*(volatile uint64_t *)(tk_is_pv() ? TK_UNMAPPED_PV : TK_UNMAPPED);
	}
}
