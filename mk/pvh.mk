# The PVH world: build/earlyboot-pvh.elf (QEMU -kernel, Xen dom0=pvh).
# Included from the top-level Makefile.
#
# Linked at its physical address (1 MiB, va == pa), so compiled for the
# small code model, not the kernel one: objects in build/pvh/, common/ from
# build/pvh/libcommon.a (mk/common.mk's pvh flavour). The link fails unless the
# XEN_ELFNOTE_PHYS32_ENTRY note survived and equals the entry point
# (tools/check-pvh-note).

PVH_SRCS := $(wildcard pvh/*.c) pvh/entry.asm
# The hypercall page is named (mk/common.mk): Xen fills it through its address.
PVH_OBJS := $(addprefix $(BUILD)/pvh/,$(addsuffix .o,$(basename $(PVH_SRCS)))) \
            $(BUILD)/pvh/common/xen/hc_page.o

$(BUILD)/earlyboot-pvh.elf: $(PVH_OBJS) $(BUILD)/pvh/libcommon.a linker/pvh.ld tools/check-pvh-note mk/common.mk
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/pvh.ld -o $@.tmp $(PVH_OBJS) $(call decompress_link,pvh)
	tools/check-pvh-note $@.tmp
	$(elf_ship)

IMAGES += $(BUILD)/earlyboot-pvh.elf
BOOT_IMAGES += $(BUILD)/earlyboot-pvh.elf

# The start-info parser is portable: the host tests link it; so is the
# counting hypercall wrapper (tests/unit/test_hc_door.c gives it a stub
# page). mk/unit.mk and mk/fuzz.mk gather the *_PORTABLE lists.
PVH_PORTABLE := pvh/hvm_start_info.c common/xen/hc.c common/xen/hc_raw.c \
                common/xen/console_ring.c
HOST_INCS    += -Ipvh

# ---- booting it -----------------------------------------------------------
.PHONY: test-boot-pvh boot-run-pvh boot-run-pvh-xen
# `make run-pvh` / `make run-pvh-xen`: one boot with ptdump
# (tests/boot/pvh.sh run / run-xen, tests/lib/boot.bash's show_run).
boot-run-pvh: $(BUILD)/earlyboot-pvh.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pvh.sh run
boot-run-pvh-xen: $(BUILD)/earlyboot-pvh.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pvh.sh run-xen
test-boot-pvh: $(BUILD)/earlyboot-pvh.elf $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/pvh.sh
