/*
 * Minimal formatted output for freestanding code: %s %c %d %i %u %x %X %p %%
 * with optional '0' and '-' flags, width, precision (as C's) and l/ll/z
 * length modifiers. Always
 * NUL-terminates; returns the length the full output would have had, so a
 * caller can detect truncation.
 */
#ifndef EARLYBOOT_FMT_H
#define EARLYBOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int eb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int eb_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The first bytes of an input the loader refuses, for its error line: up
 * to max of the len bytes at p as "7f 45 4c 46", or "none" when len is 0.
 */
void eb_fmt_bytes(char *out, size_t outlen, const void *p, uint64_t len,
		  unsigned max);

#endif
