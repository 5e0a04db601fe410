/* A page mapped for a moment (page_window.h). */
#include "page_window.h"

#include "libc.h"

#define PTE_P 1ULL
#define PTE_RW 2ULL
#define PTE_ADDR 0x000ffffffffff000ULL
#define CR4_LA57 (1ULL << 12)

static uint64_t tables[4][512] __attribute__((aligned(4096)));
static uint64_t *root_entry;
static uint64_t window_va;

static uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void *x86_window_open(const struct x86_window_env *env, uint64_t pa)
{
	unsigned levels = (read_cr4() & CR4_LA57) ? 5 : 4;
	unsigned shift = 12 + 9 * (levels - 1);
	uint64_t *root = env->va_of_pa(read_cr3() & PTE_ADDR);
	/* The upper half's free slots, from the top down (511 is the kernel's). */
	unsigned slot = 510;
	while (slot >= 256 && root[slot])
		slot--;
	if (slot < 256)
		return 0;
	/* Index 0 at every level below the root: the window is the slot's base. */
	for (unsigned l = 0; l + 1 < levels - 1; l++) {
		memset(tables[l], 0, sizeof tables[l]);
		tables[l][0] = env->pa_of_va(tables[l + 1]) | PTE_P | PTE_RW;
	}
	unsigned leaf = levels - 2;
	memset(tables[leaf], 0, sizeof tables[leaf]);
	tables[leaf][0] = (pa & PTE_ADDR) | PTE_P | PTE_RW;
	window_va = ((uint64_t)slot << shift) | ~((1ULL << (shift + 9)) - 1);
	root_entry = &root[slot];
	__atomic_store_n(root_entry, env->pa_of_va(tables[0]) | PTE_P | PTE_RW,
			 __ATOMIC_RELEASE);
	invlpg(window_va);
	return (void *)window_va;
}

void x86_window_close(void)
{
	if (!root_entry)
		return;
	__atomic_store_n(root_entry, 0, __ATOMIC_RELEASE);
	invlpg(window_va);
	root_entry = 0;
}
