/*
 * Image only (never in the host link: the unit tests link the simulated
 * Xen's xen_hypercall5 instead). The page named by the Xen ELF note
 * XEN_ELFNOTE_HYPERCALL_PAGE, and the raw entry that calls into it.
 */
#include "xen_hypercall.h"

#include "xen_abi.h"

/*
 * Xen writes one 32-byte stub per hypercall number here when it builds the
 * domain. Until then it holds int3: a call before Xen filled it traps at
 * once instead of running off into zeros.
 */
__asm__(".pushsection .text.xen_hypercall_page, \"ax\", @progbits\n"
	".balign 4096\n"
	".globl xen_hypercall_page\n"
	".type xen_hypercall_page, @object\n"
	"xen_hypercall_page:\n"
	".fill 4096, 1, 0xcc\n"
	".size xen_hypercall_page, 4096\n"
	".popsection\n");

extern char xen_hypercall_page[4096];

long xen_hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5)
{
	if (nr >= XEN_HYPERCALL_STUBS)
		return -XEN_ENOSYS;
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	unsigned long stub = (unsigned long)xen_hypercall_page + nr * 32;
	long ret;
	/*
	 * The stub saves rcx and r11 around its syscall, but a debug Xen
	 * poisons the argument registers it did not use, so every argument
	 * register (and r9, the sixth) is treated as clobbered. Xen reads
	 * and writes guest memory through the pointer arguments: "memory".
	 */
	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 : [stub] "r"(stub)
			 : "rcx", "r9", "r11", "memory");
	return ret;
}
