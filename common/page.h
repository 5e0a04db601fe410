/*
 * The x86 base page, 4 KiB: the one definition every part of earlyboot
 * (worlds, readers, the test kernel, host tests) counts in. The paging API
 * has its own names for it (EP_PAGE_SIZE, EP_PAGE_SHIFT), equal to these.
 */
#ifndef EARLYBOOT_PAGE_H
#define EARLYBOOT_PAGE_H

#define PAGE 4096ULL

#endif
