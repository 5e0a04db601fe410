# The Xen PV world: build/earlyboot-pv.elf (a 64-bit PV kernel: Xen's dom0
# or any PV domain), and build/pvstart.elf, the judge of Xen's PV start of
# day. Included from the top-level Makefile.
#
# Linked at VIRT_BASE 0xffffffff80000000 (kernel code model), so compiled
# like the test kernel: objects in build/kernel/, common/ from
# build/kernel/libcommon.a (mk/common.mk's kernel flavour). Only what the
# PV world uses comes out of the archive: the native CPU-table code
# (common/x86/cpu.c, traps.c, chainload.c) is never pulled, since a PV
# kernel runs in ring 3 on Xen's trap table.

# pv/start_of_day/: what the PV world builds for the next PV kernel (its
# Xen notes, the layout Xen's builder would make, the kernel's tree).
PV_SRCS := $(wildcard pv/*.c) $(wildcard pv/start_of_day/*.c) pv/entry.asm pv/trap_entry.asm \
            pv/bridge.asm
# hc_page.o (the hypercall page) is named: nothing in the PV world calls
# it by name, only the HYPERCALL_PAGE note gives its address, so as an
# archive member it would be left out.
PV_OBJS := $(addprefix $(BUILD)/kernel/,$(addsuffix .o,$(basename $(PV_SRCS)))) \
           $(BUILD)/kernel/common/xen/hc_page.o

$(BUILD)/earlyboot-pv.elf: $(PV_OBJS) $(BUILD)/kernel/libcommon.a linker/pv.ld mk/common.mk
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/pv.ld -o $@.tmp $(PV_OBJS) $(call decompress_link,kernel)
	$(elf_ship)

# pvstart.elf: the judge of a PV start of day (tests/pvstart/), a PV kernel
# laid out like Linux's vmlinux, booted by earlyboot's PV world and, as the
# reference, by Xen itself (tests/boot/pv.sh pvstart, xen-builder-pvstart). Its
# hypercall page is its own (tests/pvstart/entry.asm).
PVSTART_SRCS := tests/pvstart/main.c tests/pvstart/entry.asm
PVSTART_OBJS := $(addprefix $(BUILD)/kernel/,$(addsuffix .o,$(basename $(PVSTART_SRCS))))

$(BUILD)/pvstart.elf: $(PVSTART_OBJS) $(BUILD)/kernel/libcommon.a linker/pvstart.ld mk/common.mk
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/pvstart.ld -o $@.tmp $(PVSTART_OBJS) $(BUILD)/kernel/libcommon.a
	$(elf_ship)

IMAGES += $(BUILD)/earlyboot-pv.elf $(BUILD)/pvstart.elf
BOOT_IMAGES += $(BUILD)/earlyboot-pv.elf $(BUILD)/pvstart.elf

# Code that runs both in the image and on the host (the xen backend of
# common/paging/xen/, which needs the hypercall door, so the bench leaves it
# out; the
# one counted hypercall door common/xen/hc.c is in mk/pvh.mk's
# PVH_PORTABLE) is linked into every unit test, against the simulated Xen
# in tests/unit/sim_xen*.c, which stands in for the raw call
# xen_hypercall5. common/xen/hc_call.c (the real raw call) is image-only:
# never in the host link.
PV_PORTABLE := $(wildcard common/paging/xen/*.c) pv/start_info.c \
               pv/start_of_day/linux_layout.c \
               pv/start_of_day/linux_tree.c
HOST_INCS   += -Ipv

# ---- booting it -----------------------------------------------------------
.PHONY: test-boot-pv boot-run-pv
# `make run-pv`: one boot with ptdump (tests/boot/pv.sh run, tests/lib/boot.bash's show_run).
boot-run-pv: $(BUILD)/earlyboot-pv.elf $(BUILD)/testkernel.elf
	@tests/boot/pv.sh run
test-boot-pv: $(BUILD)/earlyboot-pv.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture \
              $(BUILD)/pvstart.elf $(BUILD)/linux/vmlinux $(BUILD)/linux/bzImage \
              $(BUILD)/linux/initramfs.cpio
	@tests/boot/pv.sh

# ---- pvstart's variants ---------------------------------------------------
# The same judge with other notes and addresses (docs/pv.md, "Any PV
# kernel"), each object compiled for its variant in build/kernel/pvstart-V/:
#   low    VIRT_BASE 0x400000, the kernel at +1 MiB (pfn 0x100, under this
#          loader's image), no PADDR_OFFSET note (the notes' default 0),
#          no "Linux" note, one writable and executable PT_LOAD
#   paddr  VIRT_BASE 0xffffffffc0000000, PADDR_OFFSET 0x40000000 (paddr =
#          vaddr - VIRT_BASE + 1 GiB)
#   nohc   as pvstart.elf without HYPERCALL_PAGE (hypercalls by syscall,
#          and the page must stay unfilled)
#   smk    requires supervisor_mode_kernel: refused, by name
PVSTART_VARIANTS := low paddr nohc smk
pvstart_low_DEFS   := -DPVS_VIRT_BASE=0x400000 -DPVS_NO_PADDR_NOTE -DPVS_NO_LINUX
pvstart_low_LDSYMS := --defsym=PVS_VIRT=0x400000 --defsym=PVS_KOFF=0x100000 --no-warn-rwx-segments
pvstart_low_LD     := linker/pvstart-rwx.ld
pvstart_paddr_DEFS   := -DPVS_VIRT_BASE=0xffffffffc0000000 -DPVS_PADDR_OFFSET=0x40000000
pvstart_paddr_LDSYMS := --defsym=PVS_VIRT=0xffffffffc0000000 \
                        --defsym=PVS_PHYS_DELTA=0xffffffff80000000
pvstart_paddr_LD     := linker/pvstart.ld
pvstart_nohc_DEFS   := -DPVS_NO_HC_PAGE
pvstart_nohc_LD     := linker/pvstart.ld
pvstart_smk_DEFS    := -DPVS_FEATURES='"!supervisor_mode_kernel|writable_page_tables"'
pvstart_smk_LD      := linker/pvstart.ld

$(BUILD)/kernel/pvstart-%/main.o: tests/pvstart/main.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) $(pvstart_$*_DEFS) -MMD -MP -c -o $@ $<
$(BUILD)/kernel/pvstart-%/entry.o: tests/pvstart/entry.asm
	@mkdir -p $(@D)
	$(NASM) $(NASMFLAGS) $(pvstart_$*_DEFS) -M -MT $@ -MP -MF $(@:.o=.d) $<
	$(NASM) $(NASMFLAGS) $(pvstart_$*_DEFS) -o $@ $<
$(BUILD)/pvstart-%.elf: $(BUILD)/kernel/pvstart-%/main.o $(BUILD)/kernel/pvstart-%/entry.o \
                       $(BUILD)/kernel/libcommon.a linker/pvstart.ld linker/pvstart-rwx.ld mk/common.mk mk/pv.mk
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    $(pvstart_$*_LDSYMS) -T $(pvstart_$*_LD) -o $@.tmp \
	    $(BUILD)/kernel/pvstart-$*/main.o $(BUILD)/kernel/pvstart-$*/entry.o \
	    $(BUILD)/kernel/libcommon.a
	$(elf_ship)

PVSTART_VARIANT_ELFS := $(foreach v,$(PVSTART_VARIANTS),$(BUILD)/pvstart-$(v).elf)
IMAGES += $(PVSTART_VARIANT_ELFS)
BOOT_IMAGES += $(PVSTART_VARIANT_ELFS)
.SECONDARY: $(foreach v,$(PVSTART_VARIANTS),$(BUILD)/kernel/pvstart-$(v)/main.o $(BUILD)/kernel/pvstart-$(v)/entry.o)
