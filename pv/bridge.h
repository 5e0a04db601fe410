/*
 * The bridge (pv/bridge.asm): the last steps of a PV start of day for a
 * kernel whose VIRT_BASE is not this loader's, where the kernel's tree does
 * not map the loader (docs/pv.md, "Any VIRT_BASE: the bridge").
 *
 * One page of the new region (the last page of its padding) holds the
 * bridge's code, copied from the loader's rodata, and this data block at
 * PV_BRIDGE_DATA. The staging tree maps that page read-only and executable
 * at the address the kernel's tree gives it, so code running there is
 * mapped before and after the switch. It issues its hypercalls with
 * `syscall` itself (the loader's hypercall page is not mapped after the
 * switch) and uses no stack: no trap table, load the kernel's root and
 * unpin the staging tree, give the staging frames back writable, I/O
 * privilege 0, then rip = entry, rsi = start_info, rsp = stack_top, every
 * other register 0. A refused call prints one `earlyboot: error:` line
 * from the page and ends the run with the loader's failure status.
 */
#ifndef EARLYBOOT_PV_BRIDGE_H
#define EARLYBOOT_PV_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "xen/abi.h"

/* The code takes the page's first bytes, the data the rest. */
#define PV_BRIDGE_DATA 0x400
#define PV_BRIDGE_GIVE_BACK ((4096 - PV_BRIDGE_DATA - 128) / sizeof(mmu_update_t))

struct pv_bridge_data {
	uint64_t entry, start_info, stack_top;
	uint64_t next;       /* mmuext ops in ext[] */
	uint64_t ngive_back; /* requests in give_back[] */
	struct physdev_set_iopl iopl;
	uint32_t pad;
	struct mmuext_op ext[2];
	uint8_t pad2[128 - 48 - 2 * sizeof(struct mmuext_op)];
	mmu_update_t give_back[PV_BRIDGE_GIVE_BACK];
};

/* The offsets pv/bridge.asm uses. */
_Static_assert(offsetof(struct pv_bridge_data, entry) == 0 &&
		       offsetof(struct pv_bridge_data, start_info) == 8 &&
		       offsetof(struct pv_bridge_data, stack_top) == 16 &&
		       offsetof(struct pv_bridge_data, next) == 24 &&
		       offsetof(struct pv_bridge_data, ngive_back) == 32 &&
		       offsetof(struct pv_bridge_data, iopl) == 40 &&
		       offsetof(struct pv_bridge_data, ext) == 48 &&
		       offsetof(struct pv_bridge_data, give_back) == 128 &&
		       sizeof(struct pv_bridge_data) <= 4096 - PV_BRIDGE_DATA,
	       "pv/bridge.asm's data offsets");
_Static_assert(__HYPERVISOR_set_trap_table == 0 && __HYPERVISOR_mmu_update == 1 &&
		       __HYPERVISOR_console_io == 18 && __HYPERVISOR_mmuext_op == 26 &&
		       __HYPERVISOR_physdev_op == 33 && PHYSDEVOP_set_iopl == 6 &&
		       CONSOLEIO_write == 0 && DOMID_SELF == 0x7ff0,
	       "pv/bridge.asm's hypercall numbers");

extern const char pv_bridge_code[], pv_bridge_code_end[];

#endif
