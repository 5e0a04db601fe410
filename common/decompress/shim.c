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
 * libzstd's tracing hooks, weak and undefined unless a program defines
 * them: left undefined, the UEFI image's -shared link turns each into a
 * GOT entry with an R_X86_64_GLOB_DAT relocation, which GNU-EFI's
 * self-relocation (RELATIVE only) refuses, so the image would not start.
 * Defined here, begin says "no trace" (0) and libzstd never calls end.
 */
unsigned long long ZSTD_trace_decompress_begin(const void *dctx);
void ZSTD_trace_decompress_end(unsigned long long ctx, const void *trace);

unsigned long long ZSTD_trace_decompress_begin(const void *dctx)
{
	(void)dctx;
	return 0;
}

void ZSTD_trace_decompress_end(unsigned long long ctx, const void *trace)
{
	(void)ctx;
	(void)trace;
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
