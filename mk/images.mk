# Images: build/earlyboot.efi (UEFI world) and build/testkernel.elf (the
# judge every world boots). Included from the top-level Makefile.

NASM       ?= nasm
NASMFLAGS  := -f elf64 -Icommon/x86/
OBJCOPY    ?= objcopy
LD         ?= ld

# Image-only code: libc, arch and everything under common/x86/.
COMMON_IMG_C := $(wildcard common/*.c) $(wildcard common/x86/*.c)
COMMON_ALL_HDRS := $(COMMON_HDRS) $(wildcard common/x86/*.h) $(wildcard common/xen/*.h)

# ---- UEFI: GNU-EFI, flags as measured in FACTS.md ----------------------
EFI_INC    := /usr/include/efi
EFI_LIBDIR := /usr/lib
EFI_CRT0   := $(EFI_LIBDIR)/crt0-efi-x86_64.o
EFI_LDS    := $(EFI_LIBDIR)/elf_x86_64_efi.lds
EFI_CFLAGS := $(WARN) -O2 -g -fpic -fshort-wchar -mno-red-zone -ffreestanding \
              -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
              -DGNU_EFI_USE_MS_ABI -I$(EFI_INC) -I$(EFI_INC)/x86_64 -Icommon -Iefi
EFI_OBJS   := $(patsubst %.c,$(BUILD)/efi/%.o,$(wildcard efi/*.c) $(COMMON_IMG_C)) \
              $(BUILD)/efi/common/x86/isr.o

# The firmware-map conversion is portable: host tests and fuzzers link it.
EFI_PORTABLE := efi/fwmap.c efi/loadopts.c
HOST_OBJS    += $(patsubst %.c,$(BUILD)/host/%.o,$(EFI_PORTABLE))
HOSTCFLAGS   += -Iefi -idirafter $(EFI_INC) -idirafter $(EFI_INC)/x86_64
$(patsubst %.c,$(BUILD)/host/%.o,$(EFI_PORTABLE)): efi/fwmap.h efi/loadopts.h

$(BUILD)/efi/%.o: %.c $(COMMON_ALL_HDRS) $(wildcard efi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c -o $@ $<

$(BUILD)/efi/%.o: %.asm common/x86/gpr.inc
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -o $@ $<

# Every GNU-EFI application: build/NAME.efi from build/efi/NAME.so, which
# links the objects listed as its prerequisites (below) with crt0.
$(BUILD)/efi/%.so: $(EFI_CRT0) $(EFI_LDS)
	$(LD) -nostdlib -znocombreloc -T $(EFI_LDS) -shared -Bsymbolic \
	    -L$(EFI_LIBDIR) $(EFI_CRT0) $(filter-out $(EFI_CRT0) $(EFI_LDS),$^) \
	    -lefi -lgnuefi -o $@

$(BUILD)/%.efi: $(BUILD)/efi/%.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
	    -j .rela -j .rel.* -j .rela.* -j .reloc \
	    --target efi-app-x86_64 --subsystem=10 $< $@

$(BUILD)/efi/earlyboot.so: $(EFI_OBJS)

# The PE/EFI application the UEFI boot tests hand earlyboot as kernel=.
EFIAPP_OBJS := $(patsubst %.c,$(BUILD)/efi/%.o,tests/efiapp/efiapp.c \
               common/x86/serial.c common/fmt.c common/libc.c)
$(BUILD)/efi/efiapp.so: $(EFIAPP_OBJS)

# ---- the test kernel ---------------------------------------------------
TK_CFLAGS := $(KCFLAGS) -Itests/kernel
TK_C      := $(wildcard tests/kernel/*.c) common/libc.c common/fmt.c \
             common/crc32.c common/bootinfo.c common/x86/serial.c common/x86/cpu.c \
             common/xen/hc.c common/xen/hc_raw.c common/xen/hc_call.c \
             common/xen/hc_hvm.c common/xen/hc_console.c
TK_OBJS   := $(patsubst %.c,$(BUILD)/tk/%.o,$(TK_C)) \
             $(BUILD)/tk/tests/kernel/entry.o $(BUILD)/tk/tests/kernel/pv_traps.o \
             $(BUILD)/tk/common/x86/isr.o \
             $(BUILD)/tk/common/xen/hc_page.o

$(BUILD)/tk/%.o: %.c $(COMMON_ALL_HDRS) $(wildcard tests/kernel/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TK_CFLAGS) -c -o $@ $<

$(BUILD)/tk/%.o: %.asm common/x86/gpr.inc
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -o $@ $<

$(BUILD)/testkernel.elf: $(TK_OBJS) linker/testkernel.ld
	$(LD) -nostdlib -static -z max-page-size=4096 -z noexecstack \
	    -T linker/testkernel.ld -o $@ $(TK_OBJS)

# ---- host tool for the boot tests (initrd and bad-ELF fixtures) --------
$(BUILD)/tools/bootfixture: tools/bootfixture.c common/crc32.c common/crc32.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(WARN) -O1 -g -Icommon -o $@ tools/bootfixture.c common/crc32.c

IMAGES += $(BUILD)/earlyboot.efi $(BUILD)/efiapp.efi $(BUILD)/testkernel.elf \
          $(BUILD)/tools/bootfixture

# `make run`: boot the UEFI world with ptdump and show the log.
.PHONY: run run-uefi test-boot-uefi
run: deps
	@$(MAKE) --no-print-directory run-uefi
run-uefi: $(BUILD)/earlyboot.efi $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/uefi.sh run

test-boot-uefi: $(BUILD)/earlyboot.efi $(BUILD)/efiapp.efi $(BUILD)/testkernel.elf \
                $(BUILD)/tools/bootfixture
	@tests/boot/uefi.sh
