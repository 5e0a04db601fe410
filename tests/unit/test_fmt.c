/*
 * eb_snprintf (common/fmt.h): every documented conversion, flags and length
 * modifiers, compared with what C's snprintf gives where they agree, and
 * the truncation contract (always NUL-terminated, returns the full length).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "harness.h"

#define EXPECT_FMT(want, ...)                                                   \
	do {                                                                    \
		char b_[128];                                                   \
		memset(b_, 'Z', sizeof b_);                                     \
		int n_ = eb_snprintf(b_, sizeof b_, __VA_ARGS__);               \
		CHECKF(strcmp(b_, want) == 0 && n_ == (int)strlen(want),        \
		       "eb_snprintf(%s): got \"%s\" (%d), want \"%s\" (%d)",    \
		       #__VA_ARGS__, b_, n_, want, (int)strlen(want));          \
	} while (0)

/* Not format-checked by the compiler: for the deliberately odd formats. */
static int via_va(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = eb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(fmt_integers)
{
	EXPECT_FMT("0", "%d", 0);
	EXPECT_FMT("-42 42", "%d %i", -42, 42);
	EXPECT_FMT("-2147483648", "%d", INT_MIN);
	EXPECT_FMT("2147483647", "%d", INT_MAX);
	EXPECT_FMT("4294967295", "%u", UINT_MAX);
	EXPECT_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("-1", "%ld", -1L);
	EXPECT_FMT("123456789012", "%zu", (size_t)123456789012ULL);
}

TEST(fmt_hex)
{
	EXPECT_FMT("0 ff FF", "%x %x %X", 0u, 255u, 255u);
	EXPECT_FMT("deadbeef", "%x", 0xdeadbeefu);
	EXPECT_FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	EXPECT_FMT("FFFF800000000000", "%llX", 0xffff800000000000ULL);
	EXPECT_FMT("0x00000000fee00000", "0x%016llx", 0xfee00000ULL);
	EXPECT_FMT("1234abcd", "%lx", 0x1234abcdUL);
	EXPECT_FMT("0xabc", "%p", (void *)0xabc);
}

TEST(fmt_width_and_zero_pad)
{
	EXPECT_FMT("   42", "%5d", 42);
	EXPECT_FMT("00042", "%05d", 42);
	EXPECT_FMT("  -42", "%5d", -42);
	EXPECT_FMT("-0042", "%05d", -42);
	EXPECT_FMT("123456", "%3d", 123456);
	EXPECT_FMT("0000beef", "%08x", 0xbeefu);
	EXPECT_FMT("    7", "%5u", 7u);
	EXPECT_FMT("[  3]", "[%3u]", 3u);
	EXPECT_FMT("   ab", "%5s", "ab");
}

TEST(fmt_strings_chars_percent)
{
	EXPECT_FMT("hello world", "%s %s", "hello", "world");
	EXPECT_FMT("", "%s", "");
	char b[16];
	CHECK_EQ(via_va(b, sizeof b, "%s", (char *)NULL), 6);
	CHECK_STR(b, "(null)");
	EXPECT_FMT("x=A", "x=%c", 'A');
	EXPECT_FMT("100%", "100%%");
	EXPECT_FMT("plain text", "plain text");
	EXPECT_FMT("a1b2c", "a%db%uc", 1, 2u);
}

/* The same formats through C's snprintf: both must agree. */
TEST(fmt_agrees_with_libc)
{
	static const long long vals[] = { 0, 1, -1, 9, 10, 4095, -4096, 1LL << 40, LLONG_MAX };
	char a[64], b[64];
	for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		long long v = vals[i];
		int na = eb_snprintf(a, sizeof a, "%lld|%llx|%20lld|%020llx", v,
				     (unsigned long long)v, v, (unsigned long long)v);
		int nb = snprintf(b, sizeof b, "%lld|%llx|%20lld|%020llx", v,
				  (unsigned long long)v, v, (unsigned long long)v);
		CHECKF(na == nb && strcmp(a, b) == 0, "value %lld: eb \"%s\" libc \"%s\"", v, a, b);
	}
}

/* Precision as C has it: fewest digits, longest string (read no further). */
TEST(fmt_precision)
{
	EXPECT_FMT("x", "x%.0u", 0u);
	EXPECT_FMT("x7", "x%.0llu", 7ull);
	EXPECT_FMT("0042|  0042", "%.4d|%6.4x", 42, 0x42u);
	char z[16];
	via_va(z, sizeof z, "%08.4d", -42); /* C ignores the 0 flag here */
	CHECK_STR(z, "   -0042");
	EXPECT_FMT("xen-3|ab", "%.5s|%.9s", "xen-3.0-x86_64", "ab");
	char unterminated[4] = { 'w', 'x', 'y', 'z' };
	EXPECT_FMT("wxyz.", "%.4s.", unterminated);
	char a[64], b[64];
	static const unsigned vals[] = { 0, 1, 99, 4096 };
	for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		eb_snprintf(a, sizeof a, "%.0u|%.3x|%5.2u|%-6.3s|", vals[i], vals[i], vals[i], "abcdef");
		snprintf(b, sizeof b, "%.0u|%.3x|%5.2u|%-6.3s|", vals[i], vals[i], vals[i], "abcdef");
		CHECKF(strcmp(a, b) == 0, "value %u: eb \"%s\" libc \"%s\"", vals[i], a, b);
	}
}

TEST(fmt_bytes)
{
	static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 9 };
	char b[32];
	eb_fmt_bytes(b, sizeof b, elf, sizeof elf, 8);
	CHECK_STR(b, "7f 45 4c 46 02 01 01 00");
	eb_fmt_bytes(b, sizeof b, elf, 2, 8);
	CHECK_STR(b, "7f 45");
	eb_fmt_bytes(b, sizeof b, elf, 0, 8);
	CHECK_STR(b, "none");
	eb_fmt_bytes(b, 6, elf, sizeof elf, 8); /* cut, still terminated */
	CHECK_STR(b, "7f 45");
}

TEST(fmt_truncation)
{
	char b[8];
	memset(b, 'Z', sizeof b);
	/* Returns the length the whole output would have had. */
	CHECK_EQ(eb_snprintf(b, 6, "hello world"), 11);
	CHECK_STR(b, "hello");
	CHECK_EQ(b[6], 'Z'); /* nothing written past size */
	memset(b, 'Z', sizeof b);
	CHECK_EQ(eb_snprintf(b, 1, "abc"), 3);
	CHECK_EQ(b[0], 0);
	CHECK_EQ(b[1], 'Z');
	/* size 0: nothing written at all (buf may even be NULL). */
	CHECK_EQ(eb_snprintf(NULL, 0, "%d-%s", 12345, "xyz"), 9);
	memset(b, 'Z', sizeof b);
	CHECK_EQ(eb_snprintf(b, 0, "abc"), 3);
	CHECK_EQ(b[0], 'Z');
	/* Truncation inside a number and exactly at the end. */
	memset(b, 'Z', sizeof b);
	CHECK_EQ(eb_snprintf(b, 4, "%x", 0xabcdefu), 6);
	CHECK_STR(b, "abc");
	CHECK_EQ(eb_snprintf(b, 8, "1234567"), 7);
	CHECK_STR(b, "1234567");
	CHECK_EQ(eb_snprintf(b, 8, "12345678"), 8);
	CHECK_STR(b, "1234567");
}

TEST(fmt_vsnprintf)
{
	char b[32];
	CHECK_EQ(via_va(b, sizeof b, "%s=%llx", "cr3", 0x1000ULL), 8);
	CHECK_STR(b, "cr3=1000");
}

/* A format ending in a lone '%' or an unknown conversion does not crash
 * or read past the string. */
TEST(fmt_malformed)
{
	char b[32];
	int n = via_va(b, sizeof b, "abc%");
	CHECK_EQ(n, (int)strlen(b));
	CHECK(strncmp(b, "abc", 3) == 0);
	n = via_va(b, sizeof b, "%q!");
	CHECK_EQ(n, (int)strlen(b));
	CHECK(strchr(b, '!') != NULL);
}

int main(void)
{
	RUN(fmt_integers);
	RUN(fmt_hex);
	RUN(fmt_width_and_zero_pad);
	RUN(fmt_strings_chars_percent);
	RUN(fmt_agrees_with_libc);
	RUN(fmt_precision);
	RUN(fmt_bytes);
	RUN(fmt_truncation);
	RUN(fmt_vsnprintf);
	RUN(fmt_malformed);
	return th_done();
}
