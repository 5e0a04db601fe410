/*
 * Changing the paging depth (4 <-> 5 levels) on the way to a new tree.
 * CR4.LA57 may change only while long mode is inactive (the SDM's rule for
 * MOV to CR4: #GP when LA57 would change with EFER.LMA = 1), so a native
 * world that runs 4-level (OVMF's tables, the PVH entry stub's) and hands
 * over 5-level leaves long mode for a moment: depth_switch.asm, from code
 * identity-mapped below 4 GiB in both trees, drops to compatibility mode,
 * turns paging off, sets CR4.LA57, loads the new root, turns paging on and
 * comes back to 64-bit code. docs/early_paging.md, "Paging depth".
 */
#ifndef EARLYBOOT_X86_PAGING_DEPTH_H
#define EARLYBOOT_X86_PAGING_DEPTH_H

#include <stdbool.h>
#include <stdint.h>

#include "paging/early_paging.h"

/*
 * The native backend whose activation switches the CPU to the tree's depth
 * (ctx->levels) when it runs another one, and is a plain CR3 load
 * otherwise. The switch needs the root, the loader's text and the current
 * stack below 4 GiB (32-bit code loads CR3 and reads the stack); anything
 * else is one error line naming it.
 */
const struct ep_backend_ops *x86_depth_ops(void);

/* 5 when CR4.LA57 is on, else 4. */
unsigned x86_paging_levels(void);

/* depth_switch.asm: interrupts off; root, code and stack below 4 GiB. */
void x86_paging_switch(uint64_t root_pa, uint64_t la57);

/*
 * Enter a kernel through the PVH boot protocol (docs/pvh_handoff.md) by
 * the same way out of long mode as the depth switch: 32-bit flat protected
 * mode, paging off, CR4 clear, EFER.LME clear, ebx = start_info_pa, esp =
 * stack_top. The entry, the start info, the stack, the loader's text and
 * its switch GDT must lie below 4 GiB; anything else is one error line
 * naming it. keep_pae (defect=cpu) leaves CR4.PAE on, a broken promise the
 * test kernel must notice. Interrupts off; never returns.
 */
__attribute__((noreturn)) void x86_pvh_enter(uint64_t entry, uint64_t start_info_pa,
					     uint64_t stack_top, bool keep_pae);

#endif
