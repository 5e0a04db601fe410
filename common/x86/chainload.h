/*
 * The last part of every native boot, the same in every world once a
 * struct eb_boot (common/boot.h) is complete: carve the memory map, build
 * the tree through early_paging, go live on it, copy the kernel through the
 * lazily materialized direct map, complete what the handoff promises, fill
 * the boot info, print the stats line (and the ptdump) and enter the kernel
 * as docs/handoff.md says. Any error is one "earlyboot: error:" line and the
 * loader-failure exit. Needs x86_cpu_init done (our IDT serves the faults).
 */
#ifndef EARLYBOOT_X86_CHAINLOAD_H
#define EARLYBOOT_X86_CHAINLOAD_H

#include "boot.h"

__attribute__((noreturn)) void eb_chainload(struct eb_boot *b);

#endif
