# The Xen PV world: build/earlyboot-pv.elf (a 64-bit PV kernel: Xen's dom0
# or any PV domain). Included from the top-level Makefile.
#
# Linked at VIRT_BASE 0xffffffff80000000 (kernel code model). common/ is
# linked from an archive so only what the PV world uses comes in: the
# native CPU-table code (common/x86/cpu.c, traps.c, chainload.c) is never
# pulled, since a PV kernel runs in ring 3 on Xen's trap table.

PV_IMG_C   := $(wildcard pv/*.c)
PV_IMG_ASM := pv/entry.asm pv/trap_entry.asm
PV_LIB_C   := $(wildcard common/*.c) $(wildcard common/x86/*.c) $(wildcard common/xen/*.c)
PV_LIB_OBJS := $(patsubst %.c,$(BUILD)/pv-img/%.o,$(PV_LIB_C)) \
               $(BUILD)/pv-img/common/xen/hc_page.o
PV_IMG_OBJS := $(patsubst %.c,$(BUILD)/pv-img/%.o,$(PV_IMG_C)) \
               $(patsubst %.asm,$(BUILD)/pv-img/%.o,$(PV_IMG_ASM))
PV_IMG_HDRS := $(COMMON_ALL_HDRS) $(wildcard pv/*.h)

$(BUILD)/pv-img/%.o: %.c $(PV_IMG_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -Ipv -c -o $@ $<

$(BUILD)/pv-img/%.o: %.asm common/x86/gpr.inc
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -o $@ $<

$(BUILD)/pv-img/libcommon.a: $(PV_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# hc_page.o (the hypercall page) is named on the command line: nothing
# references it by a call, only the HYPERCALL_PAGE note, so an archive
# member would be left out.
$(BUILD)/earlyboot-pv.elf: $(PV_IMG_OBJS) $(BUILD)/pv-img/libcommon.a linker/pv.ld
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/pv.ld -o $@ $(PV_IMG_OBJS) $(BUILD)/pv-img/common/xen/hc_page.o \
	    $(BUILD)/pv-img/libcommon.a

IMAGES += $(BUILD)/earlyboot-pv.elf

.PHONY: test-boot-pv run-pv
run-pv: $(BUILD)/earlyboot-pv.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pv.sh run
test-boot-pv: $(BUILD)/earlyboot-pv.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture $(BUILD)/pvstart.elf \
	      $(BUILD)/linux/vmlinux $(BUILD)/linux/initramfs.cpio
	@tests/boot/pv.sh

# pvstart.elf: the judge of a PV start of day (tests/pvstart/), a PV kernel
# laid out like Linux's vmlinux, booted by earlyboot's PV world and, as the
# reference, by Xen itself (tests/boot/pv.sh pvstart, pvstart-xen).
PVSTART_C    := tests/pvstart/main.c common/fmt.c common/libc.c common/crc32.c \
                common/xen/hc_raw.c
PVSTART_OBJS := $(patsubst %.c,$(BUILD)/pvstart/%.o,$(PVSTART_C)) \
                $(BUILD)/pvstart/tests/pvstart/entry.o

$(BUILD)/pvstart/%.o: %.c $(COMMON_ALL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<

$(BUILD)/pvstart/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -o $@ $<

$(BUILD)/pvstart.elf: $(PVSTART_OBJS) linker/pvstart.ld
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/pvstart.ld -o $@ $(PVSTART_OBJS)

IMAGES += $(BUILD)/pvstart.elf
