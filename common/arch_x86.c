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
