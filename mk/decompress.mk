# Decompression of kernel payloads (common/decompress/, docs/decompress.md):
# the freestanding link check, the host unit test's link, the fuzz harness's
# link and the decoder bench. Included from the top-level Makefile after
# mk/unit.mk and mk/fuzz.mk, whose flags and object directories it reuses.
# The PV and PVH images link it (libdecompress.a below, decompress_link).

DECOMP_SRCS := $(filter-out common/decompress/shim.c,$(wildcard common/decompress/*.c))
# Debian's static archives: the library each format's decoder calls
# (bzip2 is ours), and the package that holds it.
DECOMP_LIBDIR   := /usr/lib/x86_64-linux-gnu
DECOMP_ARCHIVES := $(addprefix $(DECOMP_LIBDIR)/,libzstd.a liblzma.a libz.a liblz4.a liblzo2.a)
DECOMP_LIBS     := -lzstd -llzma -lz -llz4 -llzo2
decomp_pkg = $(patsubst libzstd.a,libzstd-dev,$(patsubst liblzma.a,liblzma-dev,$(patsubst \
             libz.a,zlib1g-dev,$(patsubst liblz4.a,liblz4-dev,$(patsubst liblzo2.a,liblzo2-dev,$(1))))))
$(DECOMP_ARCHIVES):
	@echo "$@ is missing: install Debian package $(call decomp_pkg,$(notdir $@)) (make deps)" >&2
	@exit 1

# ---- the freestanding link check (make all) ------------------------------
# The layer and its shim compiled as the images compile (the kernel
# flavour, mk/common.mk), linked -nostdlib with the archives and the
# images' common/ archive at the kernel images' addresses. ld refuses an
# undefined symbol, so anything the archives need beyond what
# common/decompress/shim.c and common/libc.c provide fails `make all`.
DECOMP_LINKCHECK_OBJS := $(patsubst %.c,$(BUILD)/kernel/%.o,$(DECOMP_SRCS) \
                         common/decompress/shim.c tests/linkcheck/decompress_entry.c)
$(BUILD)/decompress/linkcheck.elf: $(DECOMP_LINKCHECK_OBJS) $(BUILD)/kernel/libcommon.a $(DECOMP_ARCHIVES)
	@mkdir -p $(@D)
	$(LD) -nostdlib -static -z noexecstack -e decompress_link_check \
	    -Ttext=0xffffffff80100000 -o $@ $(DECOMP_LINKCHECK_OBJS) \
	    $(BUILD)/kernel/libcommon.a $(DECOMP_ARCHIVES)

IMAGES += $(BUILD)/decompress/linkcheck.elf

# ---- in the images ---------------------------------------------------------
# The layer, the bzImage glue (unpack.c) and the shim as one archive per
# image flavour; an image links $(call decompress_link,FLAVOUR) in place of
# its libcommon.a: one group, since the archives call back into the shim
# and common/libc.c. linker/pv.ld and pvh.ld gather what comes from these
# archives into *.decompress sections, linker/efi.ld into .dctext and
# .dcdata (PE names are 8 bytes); tools/image-sizes reports them apart.
DECOMP_IMAGE_SRCS := $(DECOMP_SRCS) common/decompress/shim.c
define decomp_lib
$$(BUILD)/$(1)/libdecompress.a: $$(patsubst %.c,$$(BUILD)/$(1)/%.o,$(DECOMP_IMAGE_SRCS))
	@rm -f $$@.$$$$$$$$.tmp
	ar rcs $$@.$$$$$$$$.tmp $$^ && mv -f $$@.$$$$$$$$.tmp $$@
endef
$(eval $(call decomp_lib,kernel))
$(eval $(call decomp_lib,pvh))
$(eval $(call decomp_lib,efi))
decompress_link = --start-group $(BUILD)/$(1)/libcommon.a $(BUILD)/$(1)/libdecompress.a \
                  $(DECOMP_ARCHIVES) --end-group
$(BUILD)/earlyboot-pv.elf: $(BUILD)/kernel/libdecompress.a $(DECOMP_ARCHIVES)
$(BUILD)/earlyboot-pvh.elf: $(BUILD)/pvh/libdecompress.a $(DECOMP_ARCHIVES)
$(BUILD)/efi/earlyboot.so: $(BUILD)/efi/libdecompress.a $(DECOMP_ARCHIVES)

# ---- host unit test ------------------------------------------------------
# test_decompress alone links the layer and the hosted libraries; the other
# unit tests keep mk/unit.mk's link.
DECOMP_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(DECOMP_SRCS))
$(BUILD)/unit/test_decompress: tests/unit/test_decompress.c $(HOST_OBJS) $(DECOMP_HOST_OBJS) $(DECOMP_ARCHIVES)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -o $@ $< $(HOST_OBJS) $(DECOMP_HOST_OBJS) $(DECOMP_LIBS)

# test_unpack: the bzImage glue the images call, on the installed kernels.
$(BUILD)/unit/test_unpack: tests/unit/test_unpack.c $(HOST_OBJS) $(DECOMP_HOST_OBJS) $(DECOMP_ARCHIVES)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -o $@ $< $(HOST_OBJS) $(DECOMP_HOST_OBJS) $(DECOMP_LIBS)

# ---- fuzz harness --------------------------------------------------------
DECOMP_FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(DECOMP_SRCS))
$(BUILD)/fuzz/fuzz_decompress: tests/fuzz/fuzz_decompress.c $(DECOMP_FUZZ_OBJS) $(FUZZ_LIB) $(DECOMP_ARCHIVES)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS) -MMD -MP -o $@ $< $(DECOMP_FUZZ_OBJS) \
	    $(FUZZ_LIB) $(DECOMP_LIBS)

# ---- bench (make bench) --------------------------------------------------
# The layer compiled as the images compile (no SIMD in our code; the
# archives are as Debian built them), next to the hosted libraries.
# (Not the boot glue, which needs the placement code of common/.)
DECOMP_BENCH_OBJS := $(patsubst %.c,$(BUILD)/bench/%.o,$(filter-out common/decompress/boot_unpack.c,$(DECOMP_SRCS)))
# The layer's one other common/ dependency: formatted output.
$(BUILD)/bench/bench_decompress: tools/bench_decompress.c $(DECOMP_BENCH_OBJS) $(BUILD)/bench/common/fmt.o $(DECOMP_ARCHIVES)
	$(HOSTCC) $(BENCHFLAGS) -MMD -MP -o $@ $< $(DECOMP_BENCH_OBJS) $(BUILD)/bench/common/fmt.o \
	    $(DECOMP_LIBS) -lbz2
