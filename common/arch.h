/*
 * The privileged x86 instructions the native backend needs. Images link
 * common/arch_x86.c; host tests link a simulated CPU (tests/unit/sim_mmu.c)
 * that provides the same functions.
 */
#ifndef EARLYBOOT_ARCH_H
#define EARLYBOOT_ARCH_H

#include <stdint.h>

void arch_write_cr3(uint64_t root_pa);
uint64_t arch_read_cr3(void);
void arch_invlpg(uint64_t va);
/*
 * Drop every translation, global ones too: a range flush of the kernel's
 * own (global) mappings must not leave them stale. Toggles CR4.PGE when it
 * is set, else reloads CR3.
 */
void arch_flush_tlb(void);

#endif
