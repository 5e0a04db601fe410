# The PVH world: build/earlyboot-pvh.elf (QEMU -kernel, Xen dom0=pvh).
# Included from the top-level Makefile next to mk/images.mk.
#
# Linked at its physical address (1 MiB, va == pa), so compiled for the
# small code model, not the kernel one. The link fails unless the
# XEN_ELFNOTE_PHYS32_ENTRY note survived and equals the entry point
# (tools/check-pvh-note).

PVH_CFLAGS := $(filter-out -mcmodel=kernel,$(KCFLAGS)) -mcmodel=small -Ipvh
PVH_C      := $(wildcard pvh/*.c) $(wildcard common/*.c) $(wildcard common/x86/*.c) \
              $(wildcard common/xen/*.c)
PVH_ASM    := pvh/entry.asm common/x86/isr.asm common/xen/hc_page.asm
PVH_OBJS   := $(patsubst %.c,$(BUILD)/pvh-img/%.o,$(PVH_C)) \
              $(patsubst %.asm,$(BUILD)/pvh-img/%.o,$(PVH_ASM))
PVH_HDRS   := $(COMMON_ALL_HDRS) $(wildcard pvh/*.h) $(wildcard common/xen/*.h)

$(BUILD)/pvh-img/%.o: %.c $(PVH_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(PVH_CFLAGS) -c -o $@ $<

$(BUILD)/pvh-img/%.o: %.asm common/x86/gpr.inc
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -o $@ $<

$(BUILD)/earlyboot-pvh.elf: $(PVH_OBJS) linker/pvh.ld tools/check-pvh-note
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/pvh.ld -o $@.tmp $(PVH_OBJS)
	tools/check-pvh-note $@.tmp
	mv $@.tmp $@

IMAGES += $(BUILD)/earlyboot-pvh.elf

# The start-info parser is portable: the host tests link it; so is the
# counting hypercall wrapper (tests/unit/test_hc_door.c gives it a stub page).
PVH_PORTABLE := pvh/hvm_start_info.c common/xen/hc.c common/xen/hc_raw.c
HOST_OBJS    += $(patsubst %.c,$(BUILD)/host/%.o,$(PVH_PORTABLE))
HOSTCFLAGS   += -Ipvh
$(patsubst %.c,$(BUILD)/host/%.o,$(PVH_PORTABLE)): $(wildcard pvh/*.h) $(wildcard common/xen/*.h)

.PHONY: test-boot-pvh run-pvh run-pvh-xen
# `make run-pvh` / `make run-pvh-xen`: one boot with ptdump, log on stdout.
run-pvh: $(BUILD)/earlyboot-pvh.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pvh.sh run
run-pvh-xen: $(BUILD)/earlyboot-pvh.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pvh.sh run-xen
test-boot-pvh: $(BUILD)/earlyboot-pvh.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pvh.sh
