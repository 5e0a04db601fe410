/*
 * common/libc.c, the string functions every image links (8 bytes a step,
 * then the tail), against the host C library's: every length up to 80 at
 * every alignment, overlaps in both directions at every distance up to
 * 17, a large overlapping move, and the direction flag left clear.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The image's functions under names of their own, beside the host's. */
#define memset eb_memset
#define memcpy eb_memcpy
#define memmove eb_memmove
#define memcmp eb_memcmp
#define strlen eb_strlen
#define strcmp eb_strcmp
#define strncmp eb_strncmp
#include "libc.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp

#define ROOM 256

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

static bool direction_flag_clear(void)
{
	return !(__builtin_ia32_readeflags_u64() & (1u << 10));
}

TEST(memcpy_every_length_and_alignment)
{
	unsigned char src[ROOM], got[ROOM], want[ROOM];
	unsigned bad = 0;
	for (size_t n = 0; n <= 80; n++)
		for (size_t so = 0; so < 8; so++)
			for (size_t d = 0; d < 8; d++) {
				fill(src, ROOM, (unsigned)(n + so));
				memset(got, 0xee, ROOM);
				memset(want, 0xee, ROOM);
				void *r = eb_memcpy(got + d, src + so, n);
				memcpy(want + d, src + so, n);
				if (r != got + d || memcmp(got, want, ROOM))
					bad++;
			}
	CHECKF(bad == 0, "%u of 81 x 64 copies differ from the C library's (or wrote past n)", bad);
}

TEST(memset_every_length_alignment_and_value)
{
	static const int values[] = { 0, 0x5a, 0x80, 0xff, 0x1ff /* only its low byte */ };
	unsigned char got[ROOM], want[ROOM];
	unsigned bad = 0;
	for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
		for (size_t n = 0; n <= 80; n++)
			for (size_t d = 0; d < 8; d++) {
				memset(got, 0x11, ROOM);
				memset(want, 0x11, ROOM);
				void *r = eb_memset(got + d, values[v], n);
				memset(want + d, values[v], n);
				if (r != got + d || memcmp(got, want, ROOM))
					bad++;
			}
	CHECKF(bad == 0, "%u of 5 x 81 x 8 fills differ from the C library's", bad);
}

TEST(memmove_overlaps_both_ways)
{
	unsigned char got[ROOM], want[ROOM];
	unsigned bad = 0;
	for (size_t n = 0; n <= 80; n++)
		for (size_t dist = 1; dist <= 17; dist++)
			for (size_t base = 0; base < 8; base++)
				for (int up = 0; up < 2; up++) {
					size_t s = up ? base : base + dist, d = up ? base + dist : base;
					fill(got, ROOM, (unsigned)(n * 3 + dist));
					memcpy(want, got, ROOM);
					void *r = eb_memmove(got + d, got + s, n);
					memmove(want + d, want + s, n);
					if (r != got + d || memcmp(got, want, ROOM) || !direction_flag_clear())
						bad++;
				}
	CHECKF(bad == 0, "%u of 81 x 17 x 8 x 2 overlapping moves differ from the C library's", bad);
}

TEST(memmove_large_overlap_up)
{
	/* A module moved up by less than its size: 1 MiB + 3 bytes, 4099 up. */
	size_t n = (1u << 20) + 3, dist = 4099;
	unsigned char *got = malloc(n + dist), *want = malloc(n + dist);
	REQUIRE(got && want);
	fill(got, n + dist, 9);
	memcpy(want, got, n + dist);
	eb_memmove(got + dist, got, n);
	memmove(want + dist, want, n);
	CHECK(memcmp(got, want, n + dist) == 0);
	CHECK(direction_flag_clear());
	free(got);
	free(want);
}

TEST(compare_and_length)
{
	CHECK(eb_memcmp("abc", "abd", 3) < 0);
	CHECK(eb_memcmp("abd", "abc", 3) > 0);
	CHECK_EQ(eb_memcmp("abc", "abc", 3), 0);
	CHECK_EQ(eb_strlen("earlyboot"), 9);
	CHECK(eb_strcmp("a", "b") < 0);
	CHECK_EQ(eb_strncmp("kernel=x", "kernel=y", 7), 0);
	CHECK(eb_strncmp("kernel=x", "kernel=y", 8) < 0);
}

int main(void)
{
	RUN(memcpy_every_length_and_alignment);
	RUN(memset_every_length_alignment_and_value);
	RUN(memmove_overlaps_both_ways);
	RUN(memmove_large_overlap_up);
	RUN(compare_and_length);
	return th_done();
}
