/*
 * The CPU tables every image owns once it leaves its predecessor's: a GDT
 * (64-bit code and data, one TSS for the IST stacks), an IDT for the 32
 * exception vectors, and the trap frame the stubs in isr.asm build.
 */
#ifndef EARLYBOOT_X86_CPU_H
#define EARLYBOOT_X86_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define X86_SEL_CODE 0x08
#define X86_SEL_DATA 0x10
#define X86_SEL_TSS 0x18

#define X86_VEC_DF 8
#define X86_VEC_PF 14

/* Pushed by isr.asm, lowest address first. */
struct x86_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Each image defines this: the one C entry for every exception. */
void x86_trap(struct x86_frame *f);

/*
 * Load our GDT, TSS and IDT. df_stack_top is the #DF IST stack, so a fault
 * while delivering a fault (a bad stack) still reaches a handler.
 */
void x86_cpu_init(uint64_t df_stack_top);

const char *x86_vector_name(uint64_t vector);

/* What the CPU offers the page tables we build (CPUID, CR4). */
struct x86_paging_caps {
	bool nx;            /* CPUID 0x80000001 EDX.NX */
	unsigned leaf_mask; /* EP_LEAF_*: 4K and 2M always, 1G with pdpe1gb */
	unsigned levels;    /* 5 when CR4.LA57 is on, else 4 */
	bool la57;          /* CPUID.(EAX=7,ECX=0):ECX.LA57: 5 levels offered */
};
void x86_paging_caps(struct x86_paging_caps *caps);

/* The time-stamp counter, after every earlier instruction has completed. */
static inline uint64_t x86_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t x86_read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* isr.asm: never return. */
__attribute__((noreturn)) void x86_switch_stack(uint64_t top, void (*fn)(void *),
						void *arg);
__attribute__((noreturn)) void x86_enter_kernel(uint64_t entry, uint64_t rdi,
						uint64_t rsp);
/* The Linux boot protocol's 64-bit entry: its GDT layout, rsi = zero page. */
__attribute__((noreturn)) void x86_enter_linux(uint64_t entry,
					       uint64_t boot_params, uint64_t rsp);

#endif
