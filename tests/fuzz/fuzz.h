/*
 * Shared bits of the libFuzzer harnesses (docs/fuzzing.md). Every harness
 * calls the loader's own parser (linked from build/fuzz/libparsers.a, no
 * copies) and, beyond the sanitizers, checks the promises the parser's
 * header makes: a broken promise is a crash, so libFuzzer keeps the input.
 */
#ifndef EARLYBOOT_FUZZ_H
#define EARLYBOOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parser broke a documented promise: say which, then crash. */
#define FUZZ_ASSERT(c)                                                        \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "%s:%d: promise broken: %s\n",        \
				__FILE__, __LINE__, #c);                      \
			abort();                                              \
		}                                                             \
	} while (0)

/*
 * An error message must be one line of printable ASCII, terminated inside
 * its buffer: the loader prints it to the boot log, which tests and tools
 * read line by line, so input echoed in a message must not forge a line.
 */
static inline void fuzz_check_err(const char *err, size_t cap)
{
	FUZZ_ASSERT(memchr(err, '\0', cap) != NULL);
	for (const char *p = err; *p; p++)
		FUZZ_ASSERT(*p >= 0x20 && *p < 0x7f);
}

/* Little-endian reads from the fuzz input (it is not aligned). */
static inline uint64_t fuzz_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * Hand a parser exactly n bytes in a fresh allocation, so ASan catches a
 * read even one byte past what it asked for (libFuzzer's own buffer is
 * exact too, but harnesses that carve the input need this).
 */
static inline void *fuzz_dup(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);
	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

#endif
