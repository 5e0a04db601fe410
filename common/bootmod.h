/*
 * The boot module of the worlds that get exactly one (PVH: QEMU's -initrd
 * or Xen's dom0 module; Xen PV likewise): either the kernel image itself
 * (an ELF, a vmlinux, a bzImage: any kind eb_kernel_kind knows; the world
 * decides whether it boots it), or a newc cpio holding a member `kernel` and optionally
 * `initrd` and `cmdline` (the kernel's command line). The loader options
 * kernel=NAME and initrd=NAME pick other member names; they mean nothing
 * when the module is the kernel itself, which is then an error.
 *
 * World-neutral and portable: offsets are into the module as given.
 */
#ifndef EARLYBOOT_BOOTMOD_H
#define EARLYBOOT_BOOTMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpio.h"

struct eb_bootmod_part {
	bool present;
	uint64_t off, len;          /* within the module */
	uint64_t member_offset;     /* the member's header, for messages */
	char name[EB_CPIO_NAME_MAX]; /* the member's name ("" for a bare kernel) */
};

struct eb_bootmod {
	bool is_cpio;
	struct eb_bootmod_part kernel, initrd, cmdline;
};

/*
 * Classify the module and find its parts. kernel_member / initrd_member:
 * NULL or "" for the default names "kernel" / "initrd". Errors: neither a
 * kernel nor a newc cpio (its first bytes shown), a malformed cpio (cpio.h),
 * a wanted member missing (the members found listed), twice, or not a
 * regular file, member names given for a bare kernel.
 */
int eb_bootmod_parse(const void *mod, uint64_t len, const char *kernel_member,
		     const char *initrd_member, struct eb_bootmod *out,
		     char *err, size_t errlen);

/*
 * The `cmdline` member as the kernel's command line: trailing blanks and
 * newlines dropped, at most outlen - 1 bytes, no NUL inside. 0 or -1.
 */
int eb_bootmod_cmdline(const void *mod, const struct eb_bootmod *bm, char *out,
		       size_t outlen, char *err, size_t errlen);

#endif
