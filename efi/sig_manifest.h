/*
 * The signature manifest (docs/secureboot.md): how a file that cannot
 * carry a signature of its own (an ELF kernel, a vmlinux, an initrd,
 * \earlyboot.cfg) is signed. FILE.sig is a small PE/EFI image, built
 * from efi/manifest/sigmanifest.c, holding one struct eb_sig_manifest
 * with FILE's length and SHA-256, and signed with Authenticode like any
 * EFI binary (tools/eb-sign). The firmware's LoadImage checks that
 * signature against db and dbx; the loader then compares the hash.
 * Shared by the template, the loader and (its layout) tools/eb-sign.
 */
#ifndef EARLYBOOT_EFI_SIG_MANIFEST_H
#define EARLYBOOT_EFI_SIG_MANIFEST_H

#include <stdint.h>

#define EB_SIG_MANIFEST_MAGIC "EARLYBOOT-SIGMAN" /* 16 bytes, no NUL */
#define EB_SIG_MANIFEST_VERSION 1

struct eb_sig_manifest {
	char magic[16];     /* EB_SIG_MANIFEST_MAGIC */
	uint64_t version;   /* EB_SIG_MANIFEST_VERSION; at byte 16 */
	uint64_t size;      /* the signed file's length; at byte 24 */
	uint8_t sha256[32]; /* its SHA-256; at byte 32 */
};
_Static_assert(sizeof(struct eb_sig_manifest) == 64, "tools/eb-sign writes this layout");

#endif
