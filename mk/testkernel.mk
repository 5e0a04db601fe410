# build/testkernel.elf: the test kernel every world chainloads; it judges
# the handoff from inside (tests/kernel/, docs/handoff.md). Included from
# the top-level Makefile. Objects in build/kernel/, common/ from
# build/kernel/libcommon.a: mk/common.mk's kernel flavour, which the PV
# world shares.

TK_SRCS := $(wildcard tests/kernel/*.c) tests/kernel/entry.asm tests/kernel/pv_traps.asm
# The hypercall page is named (mk/common.mk): Xen fills it through its
# address.
TK_OBJS := $(addprefix $(BUILD)/kernel/,$(addsuffix .o,$(basename $(TK_SRCS)))) \
           $(BUILD)/kernel/common/xen/hc_page.o

$(BUILD)/testkernel.elf: $(TK_OBJS) $(BUILD)/kernel/libcommon.a linker/testkernel.ld mk/common.mk
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/testkernel.ld -o $@.tmp $(TK_OBJS) $(BUILD)/kernel/libcommon.a
	$(elf_ship)

IMAGES += $(BUILD)/testkernel.elf
BOOT_IMAGES += $(BUILD)/testkernel.elf
