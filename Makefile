# earlyboot: the one entry point. `make help` lists the targets.
#
#   make            build every image, host test and fuzz harness into build/
#   make run        build, boot the UEFI world in QEMU, show what happened
#   make test       every test; ends with "N passed, N failed[, N skipped]"
#
# Where things are:
#   Makefile          flags, the includes below, the top-level targets
#   mk/common.mk      how objects are compiled (one directory per flag set,
#                     header dependencies) and common/ as an archive per image
#   mk/uefi.mk        UEFI world: build/earlyboot.efi, build/efiapp.efi
#   mk/pvh.mk         PVH world: build/earlyboot-pvh.elf
#   mk/pv.mk          Xen PV world: build/earlyboot-pv.elf, build/pvstart.elf
#   mk/testkernel.mk  build/testkernel.elf, the kernel every world boots
#   mk/host-tools.mk  build/tools/bootfixture (boot-test fixtures)
#   mk/linux.mk       stock Linux for the chainload tests: make linux
#   mk/secureboot.mk  make sign: the loader and test kernel signed (build/signed/)
#   mk/unit.mk        host unit tests (build/unit/) and make bench
#   mk/fuzz.mk        libFuzzer harnesses: make fuzz
#   mk/decompress.mk  common/decompress/: its freestanding link check, its
#                     unit test, fuzz harness and bench links
# Every boot target runs a script, tests/boot/WORLD.sh; its `run` mode is
# what make run, run-pvh, run-pvh-xen and run-pv call.

BUILD  := build
CC     := gcc
HOSTCC ?= gcc
LD     ?= ld
OBJCOPY ?= objcopy

WARN   := -std=c11 -Wall -Wextra -Werror
# Freestanding image code: no libc, no red zone (interrupts share the stack),
# no SIMD state (nobody saves it). mk/common.mk's pvh flavour swaps the
# code model.
KCFLAGS := $(WARN) -O2 -g -ffreestanding -nostdlib -mno-red-zone \
           -mgeneral-regs-only -fno-stack-protector -fno-pic -fno-pie \
           -mcmodel=kernel -fno-asynchronous-unwind-tables -Icommon

IMAGES :=
# The images a loader reads (each world's mk/*.mk adds its own): at most
# 128 KiB each as shipped (tools/image-sizes, tests/tools/test_image_sizes.sh,
# docs/perf.md "Image sizes"). IMAGES also holds host tools.
BOOT_IMAGES :=
.DEFAULT_GOAL := all
include mk/common.mk
include mk/uefi.mk
include mk/testkernel.mk
include mk/pvh.mk
include mk/pv.mk
include mk/host-tools.mk
include mk/linux.mk
include mk/secureboot.mk
# Last: they gather the *_PORTABLE lists (code that also runs on the host)
# the world makefiles define.
include mk/unit.mk
include mk/fuzz.mk
include mk/decompress.mk

# The headers each object and host program read, written by the compiler
# beside it as a .d file (mk/common.mk): where make finds them.
DEP_DIRS := efi kernel pvh host bench unit fuzz tools decompress
-include $(shell find $(addprefix $(BUILD)/,$(DEP_DIRS)) -name '*.d' -type f 2>/dev/null)

.PHONY: all images test clean deps help run run-pvh run-pvh-xen run-pv list-boot-images
all: images unit

images: $(IMAGES)

# The boot images, for tests/tools/test_image_sizes.sh.
list-boot-images:
	@echo $(BOOT_IMAGES)

# Install whatever Debian package tools/deps.txt lists and is missing; it
# names them before installing. The only change outside build/ that make
# run or make test ever makes.
deps:
	@tools/install-deps

# make run (UEFI), run-pvh, run-pvh-xen, run-pv: install what is missing,
# then the world's boot-run-* target (mk/uefi.mk, pvh.mk, pv.mk) builds what
# its boot needs and boots it.
run: deps
	@$(MAKE) --no-print-directory boot-run-uefi
run-pvh run-pvh-xen run-pv: deps
	@$(MAKE) --no-print-directory boot-$@

test: deps
	@$(MAKE) -j$(shell nproc) --no-print-directory all linux
	@tests/run-tests.sh all

clean:
	rm -rf $(BUILD)

help:
	@echo 'make                build every image, unit test and fuzz harness into build/'
	@echo 'make run            build, boot the UEFI world in QEMU with ptdump: log, verdict,'
	@echo '                    address-space table, SVG path (build/run/uefi.svg)'
	@echo 'make run-pvh        the same for PVH straight from QEMU'
	@echo 'make run-pvh-xen    the same for PVH as Xen dom0'
	@echo 'make run-pv         the same for Xen PV dom0'
	@echo 'make test           every test (unit, boot, tools, fuzz smoke); ends with a count'
	@echo 'make test-unit      the host unit tests only'
	@echo 'make test-boot-uefi one world'"'"'s QEMU boot tests (also test-boot-pvh, test-boot-pv)'
	@echo 'make bench          time the page-table code on the host, list image sizes (docs/perf.md)'
	@echo 'make bench-boot     time stock Linux to its initramfs, earlyboot vs other loaders'
	@echo 'make fuzz           run each libFuzzer harness FUZZ_SECONDS (60) (docs/fuzzing.md)'
	@echo 'make fuzz-build     build the libFuzzer harnesses only'
	@echo 'make linux          stock Linux for the chainload tests (build/linux/)'
	@echo 'make sign SIGN_KEY=k SIGN_CERT=c [SIGN_PASS=p]  sign the loader and test kernel for'
	@echo '                    Secure Boot into build/signed/ (docs/secureboot.md)'
	@echo 'make images         the boot images only; make unit: the unit test binaries only'
	@echo 'make deps           install missing Debian packages (tools/deps.txt); the run'
	@echo '                    targets, test, bench and bench-boot do this first'
	@echo 'make clean          remove build/'
	@echo 'make help           this list'
