/*
 * The freestanding link check of common/decompress/ (mk/decompress.mk):
 * an entry that calls the layer, linked -nostdlib against Debian's static
 * archives, common/decompress/shim.c and the images' common/ archive. The
 * link fails on any symbol nothing of ours provides, which is the point:
 * it is built, never run.
 */
#include "decompress/decompress.h"

void decompress_link_check(void);

static unsigned char arena[1 << 20], out[1 << 16];

void decompress_link_check(void)
{
	static const unsigned char in[] = { 0x1f, 0x8b };
	char err[160];
	size_t n;
	eb_decompress_arena(arena, sizeof arena);
	eb_decompress(in, sizeof in, out, sizeof out, &n, err, sizeof err);
	for (;;)
		__asm__ volatile("hlt");
}
