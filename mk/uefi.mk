# The UEFI world: build/earlyboot.efi, and build/efiapp.efi (a PE/EFI
# application the boot tests hand earlyboot as kernel=). Included from the
# top-level Makefile. Objects in build/efi/; common/ from
# build/efi/libcommon.a (mk/common.mk).

# ---- GNU-EFI's link (its compile flags: mk/common.mk's efi flavour) ------
# GNU-EFI's crt0 and libraries, with a linker script of our own
# (linker/efi.ld): GNU-EFI's stock script folds .bss into .data, which
# stored every static pool and stack in the file as zeros.
EFI_LIBDIR := /usr/lib
EFI_CRT0   := $(EFI_LIBDIR)/crt0-efi-x86_64.o
EFI_LDS    := linker/efi.ld

# Every GNU-EFI application: build/NAME.efi from build/efi/NAME.so, which
# links crt0, the objects listed as its prerequisites (below), then
# build/efi/libcommon.a. A shared object may keep undefined symbols, so
# --no-undefined turns a missing one into a link error; --exclude-libs
# keeps the archives' symbols out of .dynsym (nothing is looked up by name:
# GNU-EFI's crt0 applies RELATIVE relocations only). The .so keeps the
# debug info (gdb: add-symbol-file build/efi/NAME.so at the image base);
# the .efi takes only the sections the firmware loads, .bss as a size with
# no bytes in the file, and no COFF symbol table (the .so has the symbols;
# with the decoders linked in, the table alone was 40 KiB).
$(BUILD)/efi/%.so: $(EFI_CRT0) $(EFI_LDS) $(BUILD)/efi/libcommon.a
	$(LD) -nostdlib -znocombreloc -T $(EFI_LDS) -shared -Bsymbolic --no-undefined \
	    --exclude-libs ALL \
	    -L$(EFI_LIBDIR) $(EFI_CRT0) $(filter %.o,$(filter-out $(EFI_CRT0),$^)) \
	    $(BUILD)/efi/libcommon.a $(EFI_LIBS_$*) -lefi -lgnuefi -o $@

EFI_OBJCOPY = $(OBJCOPY) -j .text -j .dctext -j .sdata -j .data -j .dcdata -j .dynamic -j .dynsym -j .rel \
	    -j .rela -j .rel.* -j .rela.* -j .reloc -j .bss \
	    --strip-all --target efi-app-x86_64 --subsystem=10
$(BUILD)/%.efi: $(BUILD)/efi/%.so
	$(EFI_OBJCOPY) $< $@

$(BUILD)/efi/earlyboot.so: $(patsubst %.c,$(BUILD)/efi/%.o,$(wildcard efi/*.c))
# The loader decodes a bzImage for protocol=pvh (mk/decompress.mk).
EFI_LIBS_earlyboot = $(call decompress_link,efi)

# The loader also carries SBAT metadata (efi/sbat.csv) in a section .sbat
# after the rest of the image: shim refuses to start an image without it
# ("Verification failed: Security Violation", docs/secureboot.md).
$(BUILD)/earlyboot.efi: $(BUILD)/efi/earlyboot.so efi/sbat.csv
	$(EFI_OBJCOPY) $< $@.nosbat
	$(OBJCOPY) --add-section .sbat=efi/sbat.csv \
	    --set-section-flags .sbat=contents,alloc,load,readonly,data \
	    --change-section-vma .sbat=0x$$(objdump -p $@.nosbat | awk '/^SizeOfImage/ { print $$2 }') \
	    $@.nosbat $@
	rm -f $@.nosbat
$(BUILD)/efi/efiapp.so: $(BUILD)/efi/tests/efiapp/efiapp.o
# The signature-manifest template tools/eb-sign fills and signs
# (efi/sig_manifest.h, docs/secureboot.md).
$(BUILD)/efi/sigmanifest.so: $(BUILD)/efi/efi/manifest/sigmanifest.o

IMAGES += $(BUILD)/earlyboot.efi $(BUILD)/efiapp.efi $(BUILD)/sigmanifest.efi
BOOT_IMAGES += $(BUILD)/earlyboot.efi $(BUILD)/efiapp.efi

# The firmware-map and load-options parsers, the map reader (it calls the
# firmware only through the table it is given), the status names and the
# TPM event-size reader are portable: host tests and fuzzers link them
# (mk/unit.mk, mk/fuzz.mk).
EFI_PORTABLE := efi/fwmap.c efi/gop.c efi/loadopts.c efi/map_read.c efi/status.c efi/tcg2_log.c
HOST_INCS    += -Iefi -idirafter $(EFI_INC) -idirafter $(EFI_INC)/x86_64

# ---- booting it -----------------------------------------------------------
# `make run`: one boot with ptdump (tests/boot/uefi.sh run, tests/lib/boot.bash's show_run).
# Makefile's `run` installs missing packages, then makes boot-run-uefi.
.PHONY: boot-run-uefi test-boot-uefi
boot-run-uefi: $(BUILD)/earlyboot.efi $(BUILD)/testkernel.elf $(BUILD)/tools/bootfixture
	@tests/boot/uefi.sh run

test-boot-uefi: $(BUILD)/earlyboot.efi $(BUILD)/efiapp.efi $(BUILD)/testkernel.elf \
                $(BUILD)/tools/bootfixture
	@tests/boot/uefi.sh
