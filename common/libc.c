#include "libc.h"

#include <stdint.h>

/*
 * The string instructions move 8 bytes a step, then the tail a byte a
 * step: as fast as byte steps on hardware with fast strings, and eight
 * times fewer steps where each step costs alike (an emulator: QEMU's TCG
 * runs one step per pass, which made byte steps the larger part of a
 * boot that copies a 64 MB kernel).
 */
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t q = (unsigned char)c * 0x0101010101010101ULL;
	size_t words = n / 8, bytes = n % 8;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(q) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(q) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t words = n / 8, bytes = n % 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
	return dst;
}

/* Overlapping with dst above src: from the end down, the tail first. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	size_t words = n / 8, bytes = n % 8;
	unsigned char *de = d + n - 1;
	const unsigned char *se = s + n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld"
			 : "+D"(de), "+S"(se), "+c"(bytes) : : "memory");
	/* Now at the last byte of the 8-byte words: step to their start. */
	de -= 7;
	se -= 7;
	__asm__ volatile("std\n\trep movsq\n\tcld"
			 : "+D"(de), "+S"(se), "+c"(words) : : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}
