# Stock Linux for the chainload tests and `make bench-boot`: the installed
# Debian kernel (linux-image-amd64), its vmlinux (tools/extract-vmlinux)
# and the busybox initramfs whose /init judges the boot (tests/linux/).
# Included from the top-level Makefile.

LINUX_BZIMAGE ?= $(lastword $(sort $(wildcard /boot/vmlinuz-*-amd64)))

$(BUILD)/linux/vmlinux: tools/extract-vmlinux $(LINUX_BZIMAGE)
	@mkdir -p $(dir $@)
	@if [ -z "$(LINUX_BZIMAGE)" ]; then echo "no /boot/vmlinuz-*-amd64 (install linux-image-amd64)" >&2; exit 1; fi
	tools/extract-vmlinux $(LINUX_BZIMAGE) $@

$(BUILD)/linux/bzImage: $(LINUX_BZIMAGE)
	@mkdir -p $(dir $@)
	@if [ -z "$(LINUX_BZIMAGE)" ]; then echo "no /boot/vmlinuz-*-amd64 (install linux-image-amd64)" >&2; exit 1; fi
	cp $(LINUX_BZIMAGE) $@

$(BUILD)/linux/initramfs.cpio: tests/linux/init tests/linux/mkinitramfs
	@mkdir -p $(dir $@)
	tests/linux/mkinitramfs $@

LINUX_FILES := $(BUILD)/linux/vmlinux $(BUILD)/linux/bzImage $(BUILD)/linux/initramfs.cpio
.PHONY: linux
linux: $(LINUX_FILES)
