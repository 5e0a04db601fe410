#include "arena.h"

#include "libc.h"

struct dc_arena dc_arena;

/* Each block is preceded by the offset of the block before it, so freeing
 * the newest block makes the one before it the newest. */
#define DC_ALIGN 16
#define DC_HDR DC_ALIGN

void dc_arena_reset(void)
{
	dc_arena.used = 0;
	dc_arena.peak = 0;
	dc_arena.failed_request = 0;
	dc_arena.last = (size_t)-1;
}

void *dc_alloc(size_t n)
{
	size_t room = dc_arena.size - dc_arena.used;
	size_t need = (n + DC_ALIGN - 1) & ~(size_t)(DC_ALIGN - 1);
	if (!dc_arena.base || n == 0 || need < n || need > room ||
	    room - need < DC_HDR) {
		if (!dc_arena.failed_request)
			dc_arena.failed_request = n;
		return NULL;
	}
	unsigned char *blk = dc_arena.base + dc_arena.used;
	memcpy(blk, &dc_arena.last, sizeof dc_arena.last);
	dc_arena.last = dc_arena.used;
	dc_arena.used += DC_HDR + need;
	if (dc_arena.used > dc_arena.peak)
		dc_arena.peak = dc_arena.used;
	return blk + DC_HDR;
}

void *dc_calloc(size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size) {
		if (!dc_arena.failed_request)
			dc_arena.failed_request = (size_t)-1;
		return NULL;
	}
	void *p = dc_alloc(nmemb * size);
	if (p)
		memset(p, 0, nmemb * size);
	return p;
}

void dc_free(void *p)
{
	if (!p)
		return;
	unsigned char *blk = (unsigned char *)p - DC_HDR;
	size_t at = (size_t)(blk - dc_arena.base);
	/* Only the newest block can go back; older ones wait for the reset. */
	if (at == dc_arena.last) {
		dc_arena.used = at;
		memcpy(&dc_arena.last, blk, sizeof dc_arena.last);
	}
}
