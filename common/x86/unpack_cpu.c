/* x86_unpack_cpu and the TSC's rate (unpack_cpu.h). */
#include "unpack_cpu.h"

#include "cpu.h"
#include "io.h"

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define MSR_FS_BASE 0xc0000100u
#define RFLAGS_IF (1ULL << 9)

static uint64_t saved_cr0, saved_cr4, saved_fs, saved_flags;

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static void enter(void *canary_block)
{
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(saved_flags) : : "memory");
	__asm__ volatile("mov %%cr0, %0" : "=r"(saved_cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(saved_cr4));
	uint64_t cr0 = (saved_cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP;
	uint64_t cr4 = saved_cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	saved_fs = rdmsr(MSR_FS_BASE);
	wrmsr(MSR_FS_BASE, (uint64_t)canary_block);
}

static void leave(void)
{
	wrmsr(MSR_FS_BASE, saved_fs);
	__asm__ volatile("mov %0, %%cr4" : : "r"(saved_cr4) : "memory");
	__asm__ volatile("mov %0, %%cr0" : : "r"(saved_cr0) : "memory");
	if (saved_flags & RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}

struct eb_unpack_cpu x86_unpack_cpu(uint64_t stack_lo, uint64_t tsc_khz)
{
	return (struct eb_unpack_cpu){ .enter = enter, .leave = leave,
				       .stack_lo = stack_lo, .tsc_khz = tsc_khz };
}

/* 10 ms of the PIT's 1193182 Hz: channel 2, mode 0, gate through port 0x61. */
#define PIT_TICKS 11932u
#define PIT_SPIN_MAX 100000000ULL

uint64_t x86_tsc_khz_pit(void)
{
	uint8_t gate = inb(0x61);
	outb(0x61, (uint8_t)((gate & ~0x02) | 0x01)); /* speaker off, gate on */
	outb(0x43, 0xb0);                             /* ch 2, lo/hi, mode 0 */
	outb(0x42, PIT_TICKS & 0xff);
	outb(0x42, PIT_TICKS >> 8);
	uint64_t t0 = x86_rdtsc(), spins = 0;
	while (!(inb(0x61) & 0x20))
		if (++spins == PIT_SPIN_MAX) {
			outb(0x61, gate);
			return 0;
		}
	uint64_t t1 = x86_rdtsc();
	outb(0x61, gate);
	return (t1 - t0) / 10;
}
