# Fuzzing: libFuzzer harnesses for every parser of untrusted input
# (tests/fuzz/fuzz_*.c, docs/fuzzing.md). Included from the top-level
# Makefile last, after mk/unit.mk: it reuses the *_PORTABLE lists.
#
#   make fuzz          run each harness FUZZ_SECONDS (default 60) on a
#                      working corpus in build/fuzz/work/, print executions
#                      (FUZZ_ONLY="fuzz_elf ..." for some of them)
#   make fuzz-build    just build them (`make all` does when clang can)
#   make test          tests/fuzz/smoke.sh runs each a few seconds
#
# Each harness links the loader's own parser objects, compiled by clang with
# coverage, ASan and UBSan, from a static archive: the linker pulls only the
# objects a harness needs, so one harness never breaks for want of another's
# dependencies (the xen hypercall page, say). A new harness is one file,
# tests/fuzz/fuzz_<name>.c, with its seeds in tests/fuzz/corpus/fuzz_<name>/
# (tests/fuzz/gen-seeds.py); its parser must be in one of the lists below.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := $(WARN) -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=all -Icommon -Ipvh -Ipv -Iefi -Itests/fuzz \
                -idirafter $(EFI_INC) -idirafter $(EFI_INC)/x86_64
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
$(eval $(call objdir,fuzz/obj,FUZZ_CC,FUZZ_CFLAGS))

# Every portable parser the worlds define (mk/unit.mk's COMMON_PORTABLE and
# the worlds' *_PORTABLE lists), whole.
FUZZ_LIB_SRCS := $(sort $(COMMON_PORTABLE) $(PVH_PORTABLE) $(PV_PORTABLE) \
                 $(EFI_PORTABLE))
FUZZ_LIB      := $(BUILD)/fuzz/libparsers.a
FUZZ_HARNESS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

# Is clang's libFuzzer runtime there? Without it the smoke test reports
# the missing package (a SKIP, or a FAIL under CI=true).
FUZZ_AVAILABLE := $(shell printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' | \
	$(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 && echo yes)

# Built aside and renamed: a harness linking meanwhile (another make in the
# same tree) never sees a missing or half-written archive.
$(FUZZ_LIB): $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIB_SRCS))
	@rm -f $@.$$$$.tmp
	ar rcs $@.$$$$.tmp $^ && mv -f $@.$$$$.tmp $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS) -MMD -MP -o $@ $< $(FUZZ_LIB)

.PHONY: fuzz fuzz-build
ifeq ($(FUZZ_AVAILABLE),yes)
fuzz-build: $(FUZZ_HARNESS)
all: fuzz-build
else
fuzz-build:
	@echo "fuzz: $(FUZZ_CC) has no libFuzzer runtime (Debian: clang); nothing built"
endif

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_WORK=$(BUILD)/fuzz/work \
	    FUZZ_ONLY="$(FUZZ_ONLY)" tests/fuzz/smoke.sh
