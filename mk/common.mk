# How every object is compiled, and how common/ gets into every image.
# Included first from the top-level Makefile; the other mk/*.mk use it.
#
# Object directories. $(eval $(call objdir,DIR,CC,CFLAGS)), CC and CFLAGS
# given as variable names, makes pattern rules that compile any X.c of the
# tree into $(BUILD)/DIR/X.o with $(CC) $(CFLAGS), and any X.asm with
# $(NASM) $(NASMFLAGS). Each object gets an X.d beside it listing the
# headers (or NASM %include files) it read, so a changed header rebuilds
# it: the top-level Makefile includes the .d files. (NASM 2.16's -MD leaves
# the %include files out, so NASM writes the list in a run of its own, -M.)
# One directory per way of compiling:
#   build/efi/       GNU-EFI's ABI, -fpic      the UEFI world, efiapp
#   build/kernel/    -mcmodel=kernel           test kernel, PV world, pvstart
#   build/pvh/       -mcmodel=small, va == pa  the PVH world
#   build/host/      host, ASan and UBSan      unit tests (mk/unit.mk)
#   build/bench/     host, as images compile   make bench (mk/unit.mk)
#   build/fuzz/obj/  clang, libFuzzer          harnesses (mk/fuzz.mk)
#
# common/ in the images. $(eval $(call common_lib,DIR,SOURCES)) archives
# SOURCES (files under common/), compiled in DIR, into
# $(BUILD)/DIR/libcommon.a; the three image flavours (efi, kernel, pvh)
# are at the end of this file. Every image links the same way:
#
#   its own objects, the common/ objects it must name, DIR/libcommon.a
#
# The linker takes from an archive only the members defining a symbol that
# something already linked refers to, so each image gets just the common/
# code it uses. A member nothing refers to by name comes in only when named
# on the link line: the Xen hypercall page, common/xen/hc_page.o, which Xen
# fills through its address (an ELF note's value, a register), is named by
# every image that has one.

NASM      ?= nasm
NASMFLAGS := -f elf64 -Icommon/x86/

define objdir
$$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$($(2)) $$($(3)) -MMD -MP -c -o $$@ $$<

$$(BUILD)/$(1)/%.o: %.asm
	@mkdir -p $$(@D)
	$$(NASM) $$(NASMFLAGS) -M -MT $$@ -MP -MF $$(@:.o=.d) $$<
	$$(NASM) $$(NASMFLAGS) -o $$@ $$<
endef

# Built aside and renamed: a link running meanwhile (another make in the
# same tree) never sees a missing or half-written archive.
define common_lib
$$(BUILD)/$(1)/libcommon.a: $$(addprefix $$(BUILD)/$(1)/,$$(addsuffix .o,$$(basename $(2))))
	@rm -f $$@.$$$$$$$$.tmp
	ar rcs $$@.$$$$$$$$.tmp $$^ && mv -f $$@.$$$$$$$$.tmp $$@
endef

# The ELF images ship without debug info: a link writes $@.tmp, then
# $(elf_ship) keeps its debug sections beside the image as $@.debug (named
# in the image's .gnu_debuglink, where gdb looks: `gdb build/X.elf` finds
# build/X.elf.debug) and renames the stripped file to $@. The symbol table
# goes with the debug sections (it is a sixth of a loader's file): `nm
# build/X.elf.debug` and gdb still name every function.
# Each ELF image's link names this file as a prerequisite: a change here
# relinks it.
define elf_ship
	$(OBJCOPY) --only-keep-debug $@.tmp $@.debug
	$(OBJCOPY) --strip-all --add-gnu-debuglink=$@.debug $@.tmp
	mv -f $@.tmp $@
endef

# ---- the image flavours ----------------------------------------------------
# common/paging/ is the page-table API with its native backend (every
# world) and its xen backend (common/paging/xen/, with the hypercall door).
COMMON_C   := $(wildcard common/*.c) $(wildcard common/x86/*.c) common/x86/isr.asm \
              common/x86/depth_switch.asm \
              $(wildcard common/paging/*.c) $(wildcard common/paging/native/*.c)
COMMON_XEN := $(wildcard common/xen/*.c) common/xen/hc_page.asm \
              $(wildcard common/paging/xen/*.c)

# efi: GNU-EFI's x86-64 application flags (a position-independent shared
# object, Microsoft ABI at the firmware calls). The UEFI world uses no Xen.
EFI_INC    := /usr/include/efi
EFI_CFLAGS := $(WARN) -O2 -g -fpic -fshort-wchar -mno-red-zone -ffreestanding \
              -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
              -DGNU_EFI_USE_MS_ABI -I$(EFI_INC) -I$(EFI_INC)/x86_64 -Icommon -Iefi
$(eval $(call objdir,efi,CC,EFI_CFLAGS))
$(eval $(call common_lib,efi,$(COMMON_C)))

# kernel: linked in the top 2 GiB (the test kernel, the PV world, pvstart).
$(eval $(call objdir,kernel,CC,KCFLAGS))
$(eval $(call common_lib,kernel,$(COMMON_C) $(COMMON_XEN)))

# pvh: linked at its physical address, 1 MiB (va == pa): small code model.
PVH_CFLAGS := $(filter-out -mcmodel=kernel,$(KCFLAGS)) -mcmodel=small
$(eval $(call objdir,pvh,CC,PVH_CFLAGS))
$(eval $(call common_lib,pvh,$(COMMON_C) $(COMMON_XEN)))
