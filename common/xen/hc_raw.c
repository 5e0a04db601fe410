/*
 * Calling one stub of a hypercall page (hc.h). Portable x86-64: the host
 * tests call it on a page of stubs of their own making.
 */
#include "xen/hc.h"

long xen_hc_raw(const void *page, unsigned nr, unsigned long a1,
		unsigned long a2, unsigned long a3, unsigned long a4,
		unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	const char *stub = (const char *)page + (unsigned long)nr * XEN_HC_STUB_SIZE;
	long ret;
	/*
	 * Xen may leave any argument register changed (a debug build poisons
	 * the unused ones) and the stub's syscall/vmcall path may clobber rcx
	 * and r11: all of them are outputs or clobbers. Xen reads and writes
	 * our memory through the pointer arguments: "memory". No red zone is
	 * in use (-mno-red-zone in images), so the call may push.
	 */
	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 : [stub] "r"(stub)
			 : "rcx", "r9", "r11", "memory", "cc");
	return ret;
}
