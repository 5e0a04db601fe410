# Host tools the build makes: build/tools/bootfixture writes the boot
# tests' fixtures (a CRC-checked initrd, ELF files with a field changed, a
# corrupt PE). Included from the top-level Makefile.

$(BUILD)/tools/bootfixture: tools/bootfixture.c common/crc32.c
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -O1 -g -Icommon -MMD -MP -o $@ tools/bootfixture.c common/crc32.c

IMAGES += $(BUILD)/tools/bootfixture

# build/tools/pe-hash: the Authenticode hash earlyboot's Secure Boot
# refusals name (common/pe_hash.c), for tests/tools/test_pe_hash.sh.
$(BUILD)/tools/pe-hash: tools/pe_hash.c common/pe_hash.c common/sha256.c
	@mkdir -p $(@D)
	$(HOSTCC) $(WARN) -O1 -g -Icommon -MMD -MP -o $@ tools/pe_hash.c common/pe_hash.c common/sha256.c

IMAGES += $(BUILD)/tools/pe-hash
