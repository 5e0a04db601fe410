/*
 * Map a loaded ELF kernel at its link addresses through early_paging, with
 * the permissions its program headers ask: R, R+W (NX) or R+X. W+X never
 * reaches here (eb_elf_parse refuses it, and so would ep_map).
 */
#ifndef EARLYBOOT_KMAP_H
#define EARLYBOOT_KMAP_H

#include <stddef.h>

#include "early_paging.h"
#include "elf_load.h"

/* enum ep_perm for a segment's p_flags. */
unsigned eb_seg_perms(uint32_t p_flags);

/*
 * Map every segment; rodata_writable is the `segments` defect. 0, or -1
 * with a line naming the segment and the early_paging error in err.
 */
int eb_kernel_map(struct ep_ctx *ctx, const struct eb_elf_info *info,
		  bool rodata_writable, char *err, size_t errlen);

#endif
