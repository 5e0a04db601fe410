/*
 * The one place the PV world includes Xen's public headers from. They need
 * <stdint.h> first, and __XEN_INTERFACE_VERSION__ defined before them, or
 * they fall back to the legacy interface without a word (FACTS.md). Every
 * Xen ABI structure (mmu_update_t, struct mmuext_op, start_info_t,
 * multicall_entry_t, ...) comes from here, never retyped.
 * (common/xen/abi.h, the world-neutral twin, is to absorb this one.)
 */
#ifndef EARLYBOOT_PV_XEN_ABI_H
#define EARLYBOOT_PV_XEN_ABI_H

#include <stdint.h>

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif
#include <xen/xen.h>
#include <xen/errno.h>

#endif
