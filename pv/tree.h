/* Building, pinning and entering the PV tree (pv/tree.c). */
#ifndef EARLYBOOT_PV_TREE_H
#define EARLYBOOT_PV_TREE_H

#include "cmdline.h"
#include "elf_load.h"
#include "pv.h"

struct pv_boot {
	struct eb_options opt;
	const struct pv_start *si;
	uint64_t start_info_pa;
	const void *kfile; /* the kernel ELF, in the bootstrap region */
	uint64_t kfile_len;
	struct eb_elf_info elf;
	uint64_t initrd_pa, initrd_len;
};

__attribute__((noreturn)) void pv_tree_and_enter(struct pv_boot *b);

#endif
