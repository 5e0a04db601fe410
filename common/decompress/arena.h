/*
 * The one bounded allocator the decoders use (docs/decompress.md): a bump
 * allocator over the caller's memory. Freeing returns memory only when it
 * is the last block handed out; every eb_decompress call starts it empty,
 * so nothing outlives a call. Exhaustion is a NULL the decoder reports,
 * with the request that failed remembered for the error line.
 */
#ifndef EARLYBOOT_DECOMPRESS_ARENA_H
#define EARLYBOOT_DECOMPRESS_ARENA_H

#include <stddef.h>

struct dc_arena {
	unsigned char *base;
	size_t size, used, peak;
	size_t failed_request; /* the request that found it full, or 0 */
	size_t last;           /* offset of the last block handed out */
};

extern struct dc_arena dc_arena;

void dc_arena_reset(void);
void *dc_alloc(size_t n);
void *dc_calloc(size_t nmemb, size_t size);
void dc_free(void *p);

#endif
