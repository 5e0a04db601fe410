/*
 * Map a loaded ELF kernel at its link addresses through early_paging, with
 * the permissions its program headers ask: R, R+W (NX) or R+X. W+X reaches
 * here only for a Linux kernel, whose boot protocol demands it
 * (EB_KMAP_WX_BY_PROTOCOL); eb_elf_parse refuses it, and so does ep_map.
 */
#ifndef EARLYBOOT_KMAP_H
#define EARLYBOOT_KMAP_H

#include <stddef.h>

#include "paging/early_paging.h"
#include "elf_load.h"

/* enum ep_perm for a segment's p_flags. */
unsigned eb_seg_perms(uint32_t p_flags);

/* eb_kernel_map's flags. */
enum {
	EB_KMAP_RODATA_WRITABLE = 1u << 0, /* the `segments` defect */
	/*
	 * W+X segments are the boot protocol's (Linux: the bzImage it
	 * decompresses in place, vmlinux's init segment): EP_WX_BY_PROTOCOL.
	 */
	EB_KMAP_WX_BY_PROTOCOL = 1u << 1,
};

/*
 * Map every segment. 0, or -1 with a line naming the segment and the
 * early_paging error in err.
 */
int eb_kernel_map(struct ep_ctx *ctx, const struct eb_elf_info *info,
		  unsigned flags, char *err, size_t errlen);

#endif
