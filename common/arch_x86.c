#include "arch.h"

void arch_write_cr3(uint64_t root_pa)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(root_pa) : "memory");
}

uint64_t arch_read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

void arch_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#define MSR_EFER 0xc0000080u

uint64_t arch_read_efer(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
	return ((uint64_t)hi << 32) | lo;
}

void arch_write_efer(uint64_t efer)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(MSR_EFER), "a"((uint32_t)efer),
			   "d"((uint32_t)(efer >> 32))
			 : "memory");
}

uint64_t arch_read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

void arch_write_cr0(uint64_t cr0)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
}

bool arch_cpu_has_nx(void)
{
	uint32_t a, b, c, d = 0;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u));
	if (a < 0x80000001u)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0x80000001u), "c"(0));
	return d & (1u << 20);
}

#define CR4_PGE (1ULL << 7)

void arch_flush_tlb(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (!(cr4 & CR4_PGE)) {
		arch_write_cr3(arch_read_cr3());
		return;
	}
	/* Clearing PGE flushes global entries as well (SDM 4.10.4.1). */
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PGE) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}
