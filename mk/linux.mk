# Stock Linux for the chainload tests and `make bench-boot`: the installed
# Debian kernel (linux-image-amd64), its vmlinux (tools/extract-vmlinux)
# and the busybox initramfs whose /init judges the boot (tests/linux/).
# Included from the top-level Makefile.

# The generic flavour's bzImage, chosen by package (tools/linux-image asks
# dpkg which kernel linux-image-amd64 depends on; file-name order would take
# the rt or cloud flavour). `make LINUX_BZIMAGE=/path` or the environment
# overrides it. Asked once per make run; a failure leaves it empty, which
# only the rules below that need the kernel turn into an error (the tool's
# own one line, naming the package).
ifeq ($(origin LINUX_BZIMAGE),undefined)
LINUX_BZIMAGE := $(shell tools/linux-image 2>/dev/null)
endif

define linux_need_bzimage
	@if [ -z "$(LINUX_BZIMAGE)" ]; then \
		tools/linux-image >/dev/null && \
			echo "LINUX_BZIMAGE is set but empty (unset it to take linux-image-amd64's kernel)" >&2; \
		exit 1; \
	fi
endef

# Which file build/linux/bzImage was copied from: rewritten only when the
# choice changes, so a new choice (an override, a point release) remakes
# the copy and its vmlinux even when the new file is older than the copy.
$(BUILD)/linux/bzImage.source: linux-image-choice
	@mkdir -p $(dir $@)
	@echo '$(LINUX_BZIMAGE)' | cmp -s - $@ || echo '$(LINUX_BZIMAGE)' >$@
.PHONY: linux-image-choice

$(BUILD)/linux/bzImage: $(LINUX_BZIMAGE) $(BUILD)/linux/bzImage.source
	$(linux_need_bzimage)
	@mkdir -p $(dir $@)
	cp $(LINUX_BZIMAGE) $@

$(BUILD)/linux/vmlinux: tools/extract-vmlinux $(BUILD)/linux/bzImage
	@mkdir -p $(dir $@)
	tools/extract-vmlinux $(BUILD)/linux/bzImage $@

# A static helper of the initramfs: isa-debug-exit without /dev/port.
$(BUILD)/linux/port-exit: tests/linux/port_exit.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -static -nostdlib -ffreestanding \
		-fno-stack-protector -fno-pie -no-pie -o $@ $<

$(BUILD)/linux/initramfs.cpio: tests/linux/init tests/linux/mkinitramfs $(BUILD)/linux/port-exit
	@mkdir -p $(dir $@)
	tests/linux/mkinitramfs $@ $(BUILD)/linux/port-exit

LINUX_FILES := $(BUILD)/linux/vmlinux $(BUILD)/linux/bzImage $(BUILD)/linux/initramfs.cpio
.PHONY: linux
linux: $(LINUX_FILES)
