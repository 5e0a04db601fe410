# Host unit tests (build/unit/test_*, tests/unit/) and the page-table bench
# with the image sizes (make bench). Included from the top-level Makefile after the world
# makefiles, whose *_PORTABLE lists (code that runs both in an image and on
# the host) it links, with the include directories they add to HOST_INCS.

# Host tests: the same sources, under ASan and UBSan.
HOSTCFLAGS := $(WARN) -O1 -g -fsanitize=address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer -Icommon -Itests/unit \
              $(HOST_INCS)
$(eval $(call objdir,host,HOSTCC,HOSTCFLAGS))

# common/ code that runs both in images and on the host.
COMMON_PORTABLE := $(filter-out common/libc.c common/arch_x86.c,$(wildcard common/*.c)) \
                   $(wildcard common/paging/*.c) $(wildcard common/paging/native/*.c)
UNIT_SUPPORT := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_TESTS   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
# Compiled once, linked into every unit test binary.
HOST_OBJS    := $(patsubst %.c,$(BUILD)/host/%.o,$(sort $(COMMON_PORTABLE) \
                $(EFI_PORTABLE) $(PVH_PORTABLE) $(PV_PORTABLE)) $(UNIT_SUPPORT))

# (Named here, not in the pattern, so make keeps the objects after a link.)
$(UNIT_TESTS): $(HOST_OBJS)
$(BUILD)/unit/%: tests/unit/%.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -o $@ $< $(HOST_OBJS)

.PHONY: unit test-unit bench bench-boot list-common-portable
unit: $(UNIT_TESTS)

# The one list of host-portable common/ sources, for tests that compile
# common/ themselves (tests/tools/test_ptdump_view.py).
list-common-portable:
	@echo $(COMMON_PORTABLE)

test-unit: unit
	@tests/run-tests.sh unit

# The bench measures common/ compiled as the images compile it (no SIMD).
BENCHFLAGS     := $(WARN) -O2 -g -Icommon
BENCH_OBJFLAGS := $(BENCHFLAGS) -mgeneral-regs-only
$(eval $(call objdir,bench,HOSTCC,BENCH_OBJFLAGS))
BENCH_OBJS := $(patsubst %.c,$(BUILD)/bench/%.o,$(COMMON_PORTABLE))

$(BUILD)/bench/bench_paging: tools/bench_paging.c $(BENCH_OBJS)
	$(HOSTCC) $(BENCHFLAGS) -MMD -MP -o $@ $< $(BENCH_OBJS)

# Then the size of every boot image as shipped (tools/image-sizes).
bench: deps $(BUILD)/bench/bench_paging $(BOOT_IMAGES)
	$(BUILD)/bench/bench_paging
	@$(MAKE) --no-print-directory $(BUILD)/bench/bench_decompress && $(BUILD)/bench/bench_decompress
	@tools/image-sizes $(BOOT_IMAGES)

# Stock Linux to its initramfs, earlyboot vs the usual loaders (docs/perf.md);
# then as an xl domU, earlyboot vs pvgrub2, GRUB PVH and xl (tools/bench-domu).
bench-boot: deps
	@$(MAKE) -j$(shell nproc) --no-print-directory all linux
	tools/bench-boot
	tools/bench-domu
