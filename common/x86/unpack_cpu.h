/*
 * The native worlds' side of eb_unpack_run (decompress/unpack.h): what
 * Debian's decoder archives need from the CPU for the length of the call
 * (docs/decompress.md, "Calling the decoders from an image").
 */
#ifndef EARLYBOOT_X86_UNPACK_CPU_H
#define EARLYBOOT_X86_UNPACK_CPU_H

#include <stdint.h>

#include "decompress/unpack.h"

/*
 * Hooks that, around the call, turn SSE on (CR0.EM and CR0.TS clear,
 * CR0.MP, CR4.OSFXSR and OSXMMEXCPT set), point IA32_FS_BASE at the canary
 * block and keep interrupts off; leave() puts all three back as they were.
 * stack_lo: the lowest byte of the current stack; tsc_khz as measured.
 */
struct eb_unpack_cpu x86_unpack_cpu(uint64_t stack_lo, uint64_t tsc_khz);

/*
 * The TSC's rate against the PIT's channel 2 (1.193182 MHz) over 10 ms;
 * 0 when the PIT's output never rises (no PIT: under Xen, ask
 * xen_tsc_khz instead).
 */
uint64_t x86_tsc_khz_pit(void);

#endif
