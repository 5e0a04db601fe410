/*
 * Minimal formatted output for freestanding code: %s %c %d %i %u %x %X %p %%
 * with optional '0' flag, width, and l/ll/z length modifiers. Always
 * NUL-terminates; returns the length the full output would have had, so a
 * caller can detect truncation.
 */
#ifndef EARLYBOOT_FMT_H
#define EARLYBOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>

int eb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int eb_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
