# build/testkernel.elf: the test kernel every world chainloads; it judges
# the handoff from inside (tests/kernel/, docs/handoff.md). Included from
# the top-level Makefile. Objects in build/kernel/ (mk/pv.mk compiles the
# PV world there too, with the same flags); common/ from
# build/kernel/libcommon.a (mk/common.mk).

$(eval $(call objdir,kernel,CC,KCFLAGS))
$(eval $(call common_lib,kernel,$(COMMON_C) $(COMMON_ASM) $(COMMON_XEN_C) $(COMMON_XEN_ASM)))

TK_SRCS := $(wildcard tests/kernel/*.c) tests/kernel/entry.asm tests/kernel/pv_traps.asm
# The hypercall page: found by its address, not called by name.
TK_OBJS := $(addprefix $(BUILD)/kernel/,$(addsuffix .o,$(basename $(TK_SRCS)))) \
           $(BUILD)/kernel/common/xen/hc_page.o

$(BUILD)/testkernel.elf: $(TK_OBJS) $(BUILD)/kernel/libcommon.a linker/testkernel.ld
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/testkernel.ld -o $@ $(TK_OBJS) $(BUILD)/kernel/libcommon.a

IMAGES += $(BUILD)/testkernel.elf
