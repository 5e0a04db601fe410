# Secure Boot (docs/secureboot.md): `make sign` signs the loader and the
# test kernel with a key the user names, into build/signed/ (nothing
# outside build/ is written):
#
#   make sign SIGN_KEY=db.key SIGN_CERT=db.pem [SIGN_PASS=passphrase]
#
# build/signed/earlyboot.efi carries an Authenticode signature (sbsign);
# build/signed/testkernel.elf is the kernel unchanged beside its detached
# signature testkernel.elf.sig (tools/eb-sign says why each gets which).
# The boot tests (tests/boot/secureboot.sh) sign with OVMF's snakeoil pair
# through the same tool. Included from the top-level Makefile.
SIGNED := $(BUILD)/signed
SIGN_KEY ?=
SIGN_CERT ?=
SIGN_PASS ?=

.PHONY: sign
sign: $(BUILD)/earlyboot.efi $(BUILD)/testkernel.elf $(BUILD)/sigmanifest.efi
	@if [ -z "$(SIGN_KEY)" ] || [ -z "$(SIGN_CERT)" ]; then \
		echo 'make sign: name the key and certificate: make sign SIGN_KEY=key.pem SIGN_CERT=cert.pem [SIGN_PASS=...]' >&2; \
		exit 2; fi
	tools/eb-sign "$(SIGN_KEY)" "$(SIGN_CERT)" $(BUILD)/earlyboot.efi $(SIGNED)/earlyboot.efi "$(SIGN_PASS)"
	tools/eb-sign "$(SIGN_KEY)" "$(SIGN_CERT)" $(BUILD)/testkernel.elf $(SIGNED)/testkernel.elf "$(SIGN_PASS)"
	@echo "signed: $(SIGNED)/earlyboot.efi $(SIGNED)/testkernel.elf $(SIGNED)/testkernel.elf.sig"
