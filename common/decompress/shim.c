/*
 * What Debian's static decompression archives need from a C library, for
 * the freestanding images (docs/decompress.md): the allocation functions
 * their default allocators name, served by the decoders' arena (our own
 * calls never go through them: each library is handed the arena through
 * its own allocator hook), and the stack protector's failure call. The
 * mem* functions come from common/libc.c. Host builds never link this:
 * there the C library serves the same names.
 */
#include <stddef.h>

#include "arena.h"

void *malloc(size_t n);
void *calloc(size_t nmemb, size_t size);
void free(void *p);
_Noreturn void __stack_chk_fail(void);

void *malloc(size_t n)
{
	return dc_alloc(n);
}

void *calloc(size_t nmemb, size_t size)
{
	return dc_calloc(nmemb, size);
}

void free(void *p)
{
	dc_free(p);
}

/*
 * A library function found its stack canary overwritten. Going on would
 * return through a smashed frame; ud2 instead lands in the loader's
 * exception handler, which prints where and ends the run.
 */
_Noreturn void __stack_chk_fail(void)
{
	__builtin_trap();
}
