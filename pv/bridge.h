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
 * switch): no trap table, I/O privilege 0, load the kernel's root, unpin
 * the staging tree, give the staging frames back writable, then rip =
 * entry, rsi = start_info, rsp = stack_top, every other register 0.
 *
 * A step Xen refuses returns to the loader with the staging tree live
 * again (what Xen carried out of the give-back made read-only again, the
 * staging root loaded), so the loader prints the refusal through its own
 * console, a domU's ring included, and reinstalls its trap table. Only if
 * Xen refuses that way back too does the bridge print one line itself,
 * through console_io, and end the run.
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
	uint64_t ngive_back;      /* requests in give_back[] */
	uint64_t give_back_done;  /* how many Xen carried out (mmu_update's count) */
	struct physdev_set_iopl iopl;
	uint32_t pad;
	struct mmuext_op load;    /* NEW_BASEPTR: the kernel's root */
	struct mmuext_op unpin;   /* UNPIN_TABLE: the staging tree's root */
	struct mmuext_op back;    /* NEW_BASEPTR: the staging tree's root again */
	uint8_t pad2[128 - 48 - 3 * sizeof(struct mmuext_op)];
	mmu_update_t give_back[PV_BRIDGE_GIVE_BACK];
};

/* The steps; a refused one comes back as pv_bridge_result.step. */
enum pv_bridge_step {
	PV_BRIDGE_STEP_TRAPS = 1, /* set_trap_table(NULL) */
	PV_BRIDGE_STEP_IOPL,      /* PHYSDEVOP_set_iopl(0) */
	PV_BRIDGE_STEP_LOAD,      /* mmuext_op NEW_BASEPTR */
	PV_BRIDGE_STEP_UNPIN,     /* mmuext_op UNPIN_TABLE */
	PV_BRIDGE_STEP_GIVE_BACK, /* mmu_update */
};

/* What a call of the bridge's copy returns, when it returns: a refusal. */
struct pv_bridge_result {
	long rc;   /* Xen's code */
	long step; /* enum pv_bridge_step */
};

/* The offsets pv/bridge.asm uses. */
_Static_assert(offsetof(struct pv_bridge_data, entry) == 0 &&
		       offsetof(struct pv_bridge_data, start_info) == 8 &&
		       offsetof(struct pv_bridge_data, stack_top) == 16 &&
		       offsetof(struct pv_bridge_data, ngive_back) == 24 &&
		       offsetof(struct pv_bridge_data, give_back_done) == 32 &&
		       offsetof(struct pv_bridge_data, iopl) == 40 &&
		       offsetof(struct pv_bridge_data, load) == 48 &&
		       offsetof(struct pv_bridge_data, unpin) == 72 &&
		       offsetof(struct pv_bridge_data, back) == 96 &&
		       offsetof(struct pv_bridge_data, give_back) == 128 &&
		       sizeof(mmu_update_t) == 16 && offsetof(mmu_update_t, val) == 8 &&
		       sizeof(struct pv_bridge_data) <= 4096 - PV_BRIDGE_DATA,
	       "pv/bridge.asm's data offsets");
_Static_assert(__HYPERVISOR_set_trap_table == 0 && __HYPERVISOR_mmu_update == 1 &&
		       __HYPERVISOR_console_io == 18 && __HYPERVISOR_mmuext_op == 26 &&
		       __HYPERVISOR_physdev_op == 33 && PHYSDEVOP_set_iopl == 6 &&
		       CONSOLEIO_write == 0 && DOMID_SELF == 0x7ff0,
	       "pv/bridge.asm's hypercall numbers");

extern const char pv_bridge_code[], pv_bridge_code_end[];

#endif
