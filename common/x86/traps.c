/* x86_trap for the loaders (see traps.h); the test kernel has its own. */
#include "traps.h"

#include <stdbool.h>

#include "cmdline.h"
#include "cpu.h"
#include "dmap.h"
#include "paging/early_paging.h"
#include "libc.h"
#include "log.h"
#include "serial.h"

/*
 * Where the debug= faults land: inside the direct map's top-level slot, so
 * the diagnostic's walk goes two levels deep (a table, then a missing
 * entry), but 511 GiB above its base: beyond any RAM we boot with, so
 * outside every lazy region. Distinctive values, so a test can insist on
 * them: 0xffff88ffdead0000 and a stack top of 0xffff88ffbad01000.
 */
#define DEBUG_FAULT_VA (EB_DMAP_BASE + 0x7fdead0000ULL)
#define DEBUG_BAD_STACK (EB_DMAP_BASE + 0x7fbad01000ULL)

static struct ep_ctx *served;
/* debug=fault-in-handler: the next unserved #PF makes its handler fault. */
static volatile bool fault_in_handler;

void eb_traps_serve(struct ep_ctx *ctx)
{
	served = ctx;
}

/* ep_format_fault's lines, each an error line (every error line is one). */
static void print_fault(const struct ep_fault_diag *d)
{
	char buf[1024];
	ep_format_fault(d, buf, sizeof buf);
	char *line = buf;
	for (char *p = buf; *p; p++) {
		if (*p != '\n')
			continue;
		*p = '\0'; /* fmt.c has no precision: cut the line in place */
		con_printf("earlyboot: error: %s\n", line);
		line = p + 1;
	}
	if (*line)
		con_printf("earlyboot: error: %s\n", line);
}

/*
 * debug=fault-in-handler, called from the #PF handler. A fault in a
 * handler's body is merely another #PF, delivered on the same good stack
 * and refused like the first: no #DF. A #DF needs a #PF the CPU cannot
 * deliver. #PF has no IST stack, so its frame goes where rsp points; with
 * rsp on an unmapped page, the handler's next push faults, pushing that
 * fault's frame faults again, and the CPU raises #DF instead, which IST1
 * delivers on a stack of its own.
 */
__attribute__((noreturn)) static void fault_on_bad_stack(uint64_t cr2)
{
	fault_in_handler = false;
	eb_info("debug: fault-in-handler: #PF at 0x%llx not served; the handler now pushes onto the unmapped stack 0x%llx",
		(unsigned long long)cr2, (unsigned long long)DEBUG_BAD_STACK);
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "pushq $0"
			 :
			 : "r"(DEBUG_BAD_STACK)
			 : "memory");
	__builtin_unreachable();
}

/*
 * IST1's top as the CPU sees it: TR's descriptor in the live GDT gives the
 * TSS, whose ist[0] sits at byte 36. Read from the hardware's tables rather
 * than from what we meant to load, so the #DF check below proves something.
 */
static uint64_t live_ist1_top(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr;
	uint16_t tr;
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("str %0" : "=r"(tr));
	const uint64_t *desc = (const uint64_t *)(gdtr.base + (tr & ~7u));
	uint64_t lo = desc[0], hi = desc[1];
	uint64_t tss = ((lo >> 16) & 0xffffff) | (((lo >> 56) & 0xff) << 24) |
		       ((hi & 0xffffffff) << 32);
	uint64_t ist1;
	memcpy(&ist1, (const void *)(tss + 36), sizeof ist1); /* not 8-aligned */
	return ist1;
}

/*
 * The #DF handler. Besides the state, it says whether it runs on its IST1
 * stack: the frame isr.asm builds ends exactly at the IST1 top when it does,
 * which is what lets a #DF caused by a bad stack reach a handler at all.
 */
__attribute__((noreturn)) static void double_fault(const struct x86_frame *f,
						   uint64_t cr2)
{
	uint64_t ist1 = live_ist1_top();
	bool on_ist1 = ist1 - (uint64_t)f == sizeof *f;
	eb_fail("double fault (a fault while delivering a fault): rip=0x%llx rsp=0x%llx cr2=0x%llx; handler %s its IST1 stack (frame 0x%llx, IST1 top 0x%llx)",
		(unsigned long long)f->rip, (unsigned long long)f->rsp,
		(unsigned long long)cr2, on_ist1 ? "on" : "NOT on",
		(unsigned long long)(uint64_t)f, (unsigned long long)ist1);
}

void x86_trap(struct x86_frame *f)
{
	uint64_t cr2 = x86_read_cr2();
	if (f->vector == X86_VEC_PF && served && served->live) {
		struct ep_fault_diag d;
		if (ep_lazy_fault(served, cr2, f->rip, (uint32_t)f->error, &d) == EP_OK)
			return;
		if (fault_in_handler)
			fault_on_bad_stack(cr2);
		print_fault(&d);
		/*
		 * Also what ends a fault the materializer would only retry
		 * (no progress) or must not fix (another tree is live).
		 */
		char line[200];
		ep_format_fault_line(&d, line, sizeof line);
		eb_fail("page fault the materializer cannot serve: %s", line);
	}
	if (f->vector == X86_VEC_DF)
		double_fault(f, cr2);
	eb_fail("exception %s at rip=0x%llx error=0x%llx cr2=0x%llx",
		x86_vector_name(f->vector), (unsigned long long)f->rip,
		(unsigned long long)f->error, (unsigned long long)cr2);
}

void eb_debug_provoke(unsigned debug)
{
	if (debug != EB_DEBUG_FAULT_OUTSIDE && debug != EB_DEBUG_FAULT_IN_HANDLER)
		return; /* not a fault switch */
	/* Only our own handlers are under test: never a predecessor's. */
	if (!served || !served->live)
		eb_fail("debug=%s: the loader's tables are not live yet",
			eb_debug_name(debug));
	fault_in_handler = debug == EB_DEBUG_FAULT_IN_HANDLER;
	eb_info("debug: %s: reading 0x%llx, outside every lazy region",
		eb_debug_name(debug), (unsigned long long)DEBUG_FAULT_VA);
	uint64_t v = *(volatile uint64_t *)DEBUG_FAULT_VA;
	/* Only with over 511 GiB of RAM would the direct map reach that far. */
	eb_fail("debug=%s: reading 0x%llx was served (0x%llx): no fault to show",
		eb_debug_name(debug), (unsigned long long)DEBUG_FAULT_VA,
		(unsigned long long)v);
}
