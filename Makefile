# earlyboot: one entry point. `make` builds every image into build/,
# `make test` runs every test and ends with "N passed, N failed[, N skipped]".
BUILD      := build
HOSTCC     ?= gcc
CC         := gcc

WARN       := -std=c11 -Wall -Wextra -Werror
# Freestanding image code: no libc, no red zone (interrupts share the stack),
# no SIMD state (nobody saves it).
KCFLAGS    := $(WARN) -O2 -g -ffreestanding -nostdlib -mno-red-zone \
              -mgeneral-regs-only -fno-stack-protector -fno-pic -fno-pie \
              -mcmodel=kernel -fno-asynchronous-unwind-tables -Icommon
# Host tests: the same common/ sources, under ASan and UBSan.
HOSTCFLAGS := $(WARN) -O1 -g -fsanitize=address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer -Icommon -Itests/unit
BENCHFLAGS := $(WARN) -O2 -g -Icommon

# common/ code that runs both in images and on the host.
COMMON_PORTABLE := $(filter-out common/libc.c common/arch_x86.c,$(wildcard common/*.c))
COMMON_HDRS     := $(wildcard common/*.h)
# The bench measures common/ compiled as the images compile it (no SIMD).
BENCH_OBJS := $(patsubst common/%.c,$(BUILD)/bench/%.o,$(COMMON_PORTABLE))

UNIT_SUPPORT := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_TESTS   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
# Compiled once, linked into every unit test binary.
HOST_OBJS    := $(patsubst %.c,$(BUILD)/host/%.o,$(COMMON_PORTABLE) $(UNIT_SUPPORT))

# ---- Xen PV (pv/) ----------------------------------------------------------
# Code that runs both in the image and on the host (the xen backend; the one
# counted hypercall door common/xen/hc.c is in mk/pvh.mk's PVH_PORTABLE) is
# linked into every unit test, against the simulated Xen in
# tests/unit/sim_xen*.c, which stands in for the raw call xen_hypercall5.
# common/xen/hc_call.c (the real raw call) is image-only: never in the host
# link.
PV_PORTABLE := pv/xen_backend.c pv/xen_template.c pv/xen_activate.c \
               pv/xen_request.c pv/xen_m2p.c pv/start_info.c pv/xen_notes.c \
               pv/linux_layout.c pv/linux_tree.c
PV_HDRS     := $(wildcard pv/*.h)
HOSTCFLAGS  += -Ipv
HOST_OBJS   += $(patsubst %.c,$(BUILD)/host/%.o,$(PV_PORTABLE))
$(HOST_OBJS): $(PV_HDRS)
# ----------------------------------------------------------------------------

IMAGES :=
.DEFAULT_GOAL := all
include mk/images.mk
include mk/pvh.mk
include mk/pv.mk
include mk/linux.mk
# Last: it archives the *_PORTABLE lists the world makefiles define.
include mk/fuzz.mk

.PHONY: all images unit test test-unit bench bench-boot run clean deps
all: images unit

# Both README commands start here: install whatever Debian package is missing.
deps:
	@tools/install-deps

images: $(IMAGES)

unit: $(UNIT_TESTS)

$(BUILD)/host/%.o: %.c $(COMMON_HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(HOST_OBJS) $(COMMON_HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $< $(HOST_OBJS)

$(BUILD)/bench/%.o: common/%.c $(COMMON_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(BENCHFLAGS) -mgeneral-regs-only -c -o $@ $<

$(BUILD)/bench/bench_paging: tools/bench_paging.c $(BENCH_OBJS)
	$(HOSTCC) $(BENCHFLAGS) -o $@ $^

test-unit: unit
	@tests/run-tests.sh unit

test: deps
	@$(MAKE) -j$(shell nproc) --no-print-directory all linux
	@tests/run-tests.sh all

bench: deps $(BUILD)/bench/bench_paging
	$(BUILD)/bench/bench_paging

# Stock Linux to its initramfs, earlyboot vs the usual loaders (docs/perf.md).
bench-boot: deps
	@$(MAKE) -j$(shell nproc) --no-print-directory all linux
	tools/bench-boot

clean:
	rm -rf $(BUILD)
