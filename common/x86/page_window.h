/*
 * One physical page mapped for a moment at an address no one else uses:
 * how a native-paging world (PVH, the test kernel under PVH) reaches a
 * page that lies outside every mapping it is allowed to keep, such as a
 * PVH domU's console ring (the toolstack puts it in E820-reserved memory,
 * which no direct map covers). open() hangs three (four with LA57) tables
 * of our own .bss under a free top-level slot of the live root, close()
 * clears the slot and flushes the address: between the two nothing else
 * runs, so the tree anyone walks or hands over never shows the window.
 */
#ifndef EARLYBOOT_X86_PAGE_WINDOW_H
#define EARLYBOOT_X86_PAGE_WINDOW_H

#include <stdint.h>

/* How this world turns physical addresses into pointers and back. */
struct x86_window_env {
	void *(*va_of_pa)(uint64_t pa);
	uint64_t (*pa_of_va)(const void *va);
};

/* Map the page at pa; its address, or NULL when the root has no free slot. */
void *x86_window_open(const struct x86_window_env *env, uint64_t pa);
void x86_window_close(void);

#endif
