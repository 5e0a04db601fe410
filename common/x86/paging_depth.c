/* See paging_depth.h. */
#include "paging_depth.h"

#include "arch.h"
#include "log.h"

#define CR4_LA57 (1ull << 12)
#define BELOW_4G (1ull << 32)

unsigned x86_paging_levels(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	return (cr4 & CR4_LA57) ? 5 : 4;
}

static void must_be_low(const char *what, uint64_t pa, unsigned levels)
{
	if (pa >= BELOW_4G)
		eb_fail("switching to %u-level paging: %s at 0x%llx lies above 4 GiB, and the switch runs in 32-bit code",
			levels, what, (unsigned long long)pa);
}

static void depth_load(struct ep_ctx *ctx, uint64_t root_pa)
{
	unsigned from = x86_paging_levels();
	if (from == ctx->levels) {
		arch_write_cr3(root_pa);
		return;
	}
	/* Identity-mapped in both trees: virtual addresses are physical. */
	uint64_t here = (uint64_t)(uintptr_t)x86_paging_switch;
	uint64_t stack = (uint64_t)(uintptr_t)&here;
	must_be_low("the page-table root", root_pa, ctx->levels);
	must_be_low("the loader's text", here + 4096, ctx->levels);
	must_be_low("the stack", stack, ctx->levels);
	x86_paging_switch(root_pa, ctx->levels == 5);
	eb_info("paging: %u levels -> %u (CR4.LA57 %s through the mode switch)",
		from, x86_paging_levels(), ctx->levels == 5 ? "set" : "cleared");
}

/* depth_switch.asm */
__attribute__((noreturn)) void x86_enter_pvh(uint64_t entry, uint64_t start_info_pa,
					     uint64_t stack_top, uint64_t keep_pae);
extern const char x86_switch_gdt[];

static void pvh_must_be_low(const char *what, uint64_t pa)
{
	if (pa >= BELOW_4G)
		eb_fail("entering the kernel through the PVH boot protocol: %s at 0x%llx lies above 4 GiB, and the entry runs in 32-bit code with paging off",
			what, (unsigned long long)pa);
}

void x86_pvh_enter(uint64_t entry, uint64_t start_info_pa, uint64_t stack_top,
		   bool keep_pae)
{
	/* The loader is identity-mapped: its virtual addresses are physical. */
	pvh_must_be_low("the kernel's entry", entry);
	pvh_must_be_low("the start info", start_info_pa);
	pvh_must_be_low("the entry stack", stack_top - 1);
	pvh_must_be_low("the loader's text", (uint64_t)(uintptr_t)x86_enter_pvh + 4096);
	pvh_must_be_low("the loader's switch GDT", (uint64_t)(uintptr_t)x86_switch_gdt + 64);
	x86_enter_pvh(entry, start_info_pa, stack_top, keep_pae);
}

/* The native activation, NXE, WP and the first flush included. */
static enum ep_err depth_activate(struct ep_ctx *ctx, uint64_t root_pa)
{
	return ep_native_activate_with(ctx, root_pa, depth_load);
}

const struct ep_backend_ops *x86_depth_ops(void)
{
	static struct ep_backend_ops ops;
	ops = ep_native_ops;
	ops.name = "native";
	ops.activate_early = depth_activate;
	ops.activate_late = depth_activate;
	return &ops;
}
