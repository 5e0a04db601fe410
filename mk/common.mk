# How every object is compiled, and how common/ gets into every image.
# Included first from the top-level Makefile; the other mk/*.mk use it.
#
# Object directories. $(eval $(call objdir,DIR,CC,CFLAGS)), CC and CFLAGS
# given as variable names, makes pattern rules that compile any X.c of the
# tree into $(BUILD)/DIR/X.o with $(CC) $(CFLAGS), and any X.asm with
# $(NASM) $(NASMFLAGS). Each object gets an X.d beside it listing the
# headers (or NASM includes) it read, so a changed header rebuilds it: the
# top-level Makefile includes every .d file. (NASM 2.16's -MD leaves the
# %include files out, so NASM writes the list in a run of its own, -M.) One directory per way of
# compiling:
#   build/efi/     GNU-EFI's ABI, -fpic          (mk/uefi.mk)
#   build/kernel/  -mcmodel=kernel               (mk/testkernel.mk, mk/pv.mk)
#   build/pvh/     -mcmodel=small, va == pa      (mk/pvh.mk)
#   build/host/    host, ASan and UBSan          (mk/unit.mk)
#   build/bench/   host, as the images compile   (mk/unit.mk)
#   build/fuzz/obj clang, libFuzzer              (mk/fuzz.mk)
#
# common/ in the images. $(eval $(call common_lib,DIR,SOURCES)) archives
# SOURCES (files under common/), compiled in DIR, into
# $(BUILD)/DIR/libcommon.a. Every image links the same way:
#
#   its own objects, the common/ objects nothing calls, DIR/libcommon.a
#
# The linker takes from an archive only the members that define a symbol
# something already linked refers to, so each image gets just the common/
# code it uses. An object referred to by nothing (the Xen hypercall page
# common/xen/hc_page.o, found by Xen through an ELF note's address, not a
# symbol) must be named on the link line, before the archive.

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

# What each archive holds: all of common/ the flavour can compile.
COMMON_C      := $(wildcard common/*.c) $(wildcard common/x86/*.c)
COMMON_ASM    := common/x86/isr.asm
COMMON_XEN_C  := $(wildcard common/xen/*.c)
COMMON_XEN_ASM := common/xen/hc_page.asm
