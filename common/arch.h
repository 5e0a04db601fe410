/*
 * The privileged x86 instructions the native backend needs. Images link
 * common/arch_x86.c; host tests link a simulated CPU (tests/unit/sim_mmu.c)
 * that provides the same functions.
 */
#ifndef EARLYBOOT_ARCH_H
#define EARLYBOOT_ARCH_H

#include <stdbool.h>
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

/*
 * The two protections every native tree relies on: without EFER.NXE bit 63
 * of an entry is reserved (each NX mapping a reserved-bit fault), without
 * CR0.WP ring 0 writes straight through read-only mappings. Plain register
 * access: the policy (which bits, and that they are set before the CR3
 * load) lives in common/paging/native/ep_native.c, where host tests watch
 * it on the simulated CPU.
 */
#define ARCH_EFER_NXE (1ULL << 11)
#define ARCH_CR0_WP (1ULL << 16)
uint64_t arch_read_efer(void);
void arch_write_efer(uint64_t efer);
uint64_t arch_read_cr0(void);
void arch_write_cr0(uint64_t cr0);
/* CPUID 0x80000001 EDX.NX: may EFER.NXE be set (a #GP otherwise)? */
bool arch_cpu_has_nx(void);

#endif
