/*
 * A native world's bzImage that is to be entered through its PVH entry
 * (docs/pvh_handoff.md, "Which protocol"): the entry note lies in the
 * compressed payload, so the vmlinux comes out first and becomes the
 * kernel file (docs/decompress.md). Shared by the PVH and UEFI worlds;
 * the decoding itself is unpack.h's.
 */
#ifndef EARLYBOOT_DECOMPRESS_BOOT_UNPACK_H
#define EARLYBOOT_DECOMPRESS_BOOT_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "boot.h"
#include "place.h"
#include "unpack.h"

/*
 * Is b's kernel file a bzImage whose vmlinux is to replace it? When the
 * PVH protocol is asked for (protocol=pvh), or by default as Xen's PVH dom0
 * (b->world EB_WORLD_PVH_XEN), where a Linux kernel runs as the PVH dom0 it
 * is. b->world and b->opt must be set.
 */
bool eb_boot_wants_vmlinux(const struct eb_boot *b, const void *file);

/* What a world does for the decoder besides its CPU hooks. */
struct eb_boot_unpack_env {
	struct eb_unpack_cpu cpu;
	/* Make [pa, pa + len) mapped now (no fault during the call); may be NULL. */
	void (*map_now)(uint64_t pa, uint64_t len);
	/* The bytes at pa (identity in the native worlds before the hand-over). */
	void *(*phys)(uint64_t pa, uint64_t len);
	/*
	 * Where a firmware owns memory (UEFI): len bytes at or above min_pa,
	 * 0 with *pa or -1 with err. NULL: the lowest free run of b->mem
	 * clear of busy[] (place.h).
	 */
	int (*alloc)(uint64_t len, uint64_t min_pa, uint64_t *pa, char *err, size_t errlen);
};

/* What eb_boot_unpack did, for the world's bookkeeping and its log. */
struct eb_boot_unpacked {
	uint64_t pa;        /* the vmlinux: keep [pa, +out_bytes) until copied */
	uint64_t out_bytes;
	uint64_t arena;     /* right after it: free again */
	char line[300];     /* eb_unpack_describe's line */
};

/*
 * Decode the bzImage at b->kfile_pa: its output and arena placed (env->alloc,
 * or in b->mem clear of busy[]) above where the kernel itself goes
 * (pref_address + init_size, and min_pa), then b->kfile_pa/kfile_len name
 * the vmlinux. 0, or -1 with one line in err (not yet naming the kernel).
 */
int eb_boot_unpack(struct eb_boot *b, const struct eb_range *busy, size_t nbusy,
		   uint64_t min_pa, const struct eb_boot_unpack_env *env,
		   struct eb_boot_unpacked *u, char *err, size_t errlen);

#endif
