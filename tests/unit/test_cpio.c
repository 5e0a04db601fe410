/*
 * The strict newc reader (common/cpio.c): members, names, alignment, the
 * trailer; then every kind of damage, each one error naming the member and
 * its offset; every truncation and many random corruptions never read out
 * of bounds (ASan watches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"
#include "cpio_fixture.h"
#include "harness.h"

static uint8_t buf[8192];
static size_t len;
static struct eb_cpio c;
static struct eb_cpio_member m;
static char err[300];

static const char kdata[] = "\x7f" "ELF pretend kernel"; /* 19 bytes: needs padding */

/* ".", "./kernel", "initrd" (empty), trailer, 512-byte block padding. */
static void archive(void)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, ".", CX_DIR, NULL, 0);
	len = cx_member(buf, len, "./kernel", CX_REG, kdata, sizeof kdata - 1);
	len = cx_member(buf, len, "initrd", CX_REG, NULL, 0);
	len = cx_trailer(buf, len);
	len = (len + 511) & ~(size_t)511;
}

static int next(void)
{
	return eb_cpio_next(&c, &m, err, sizeof err);
}

TEST(members_in_order)
{
	archive();
	CHECK(eb_cpio_is_newc(buf, len));
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), 1);
	CHECK_STR(m.name, ".");
	CHECK_EQ(m.index, 0);
	CHECK(!eb_cpio_is_regular(&m));
	REQUIRE_EQ(next(), 1);
	CHECK_STR(m.name, "kernel"); /* "./" dropped */
	CHECK_EQ(m.index, 1);
	CHECK_EQ(m.offset, 112); /* 110 + "." + NUL */
	CHECK_EQ(m.size, sizeof kdata - 1);
	CHECK_EQ(m.data % 4, 0);
	CHECK(memcmp(buf + m.data, kdata, m.size) == 0);
	CHECK(eb_cpio_is_regular(&m));
	REQUIRE_EQ(next(), 1);
	CHECK_STR(m.name, "initrd");
	CHECK_EQ(m.size, 0);
	CHECK_EQ(next(), 0);
	CHECK_EQ(next(), 0); /* and stays at the end */
	CHECK(c.done);
}

TEST(upper_case_hex_is_fine)
{
	archive();
	/* The first member's mode field, in upper case. */
	memcpy(buf + 6 + 8, "000041ED", 8);
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(m.mode, 040755);
}

TEST(wrong_magic)
{
	archive();
	memcpy(buf, "070702", 6); /* the crc variant: not accepted */
	eb_cpio_open(&c, buf, len);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 0 at offset 0x0: magic '070702' is not 070701 (newc)");
	CHECK(!eb_cpio_is_newc(buf, len));
}

TEST(field_not_hex_is_named)
{
	archive();
	memcpy(buf + 112 + 6 + 8 * 6, "0000001g", 8); /* kernel's filesize */
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 1 at offset 0x70: field filesize '0000001g' is not 8 hex digits");
}

TEST(namesize_checks)
{
	archive();
	memcpy(buf + 6 + 8 * 11, "00000000", 8);
	eb_cpio_open(&c, buf, len);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 0 at offset 0x0: namesize 0 (must be 2 to 256, NUL included)");
	archive();
	memcpy(buf + 6 + 8 * 11, "00000101", 8);
	eb_cpio_open(&c, buf, len);
	CHECK_EQ(next(), -1);
	CHECK(strstr(err, "namesize 257") != NULL);
	/* A namesize that does not end on the name's NUL. */
	archive();
	memcpy(buf + 6 + 8 * 11, "00000003", 8);
	eb_cpio_open(&c, buf, len);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 0 at offset 0x0: name is not 3 bytes ending in its only NUL");
}

TEST(embedded_nul_in_name)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "kernel", CX_REG, "x", 1);
	buf[110 + 2] = '\0'; /* "ke\0nel\0" */
	eb_cpio_open(&c, buf, len);
	CHECK_EQ(next(), -1);
	CHECK(strstr(err, "name is not 7 bytes ending in its only NUL") != NULL);
}

TEST(nonzero_padding_after_name)
{
	archive();
	/* "./kernel\0" ends at 112 + 110 + 9 = 0xe7: one padding byte. */
	buf[0xe7] = 'x';
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 'kernel' at offset 0x70: padding byte at 0xe7 is not 0");
}

TEST(truncated_member_is_named_with_its_offset)
{
	archive();
	eb_cpio_open(&c, buf, 112 + 124 + 10); /* into kernel's data */
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 'kernel' at offset 0x70: data of 0x13 bytes at 0xe8 runs past the end of the archive at 0xf6 (truncated)");
	eb_cpio_open(&c, buf, 112 + 50); /* into kernel's header */
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 1 at offset 0x70: header truncated (0x32 bytes left, a header is 110)");
	eb_cpio_open(&c, buf, 112 + 113); /* into kernel's name */
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 1 at offset 0x70: name of 9 bytes runs past the end of the archive at 0xe1 (truncated)");
}

TEST(missing_trailer)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "kernel", CX_REG, "abcd", 4);
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: archive ends at offset 0x7c after 1 members without a TRAILER!!! member (truncated)");
}

TEST(trailer_with_data)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "TRAILER!!!", 0, "zz", 2);
	eb_cpio_open(&c, buf, len);
	CHECK_EQ(next(), -1);
	CHECK_STR(err, "cpio: member 'TRAILER!!!' at offset 0x0 has 0x2 bytes of data");
}

TEST(huge_filesize)
{
	archive();
	memcpy(buf + 112 + 6 + 8 * 6, "ffffffff", 8);
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), 1);
	CHECK_EQ(next(), -1);
	CHECK(strstr(err, "member 'kernel' at offset 0x70: data of 0xffffffff bytes") != NULL);
}

/* Every prefix of a good archive: an error or the whole archive, never a stray read. */
TEST(every_truncation)
{
	archive();
	for (size_t n = 0; n < len && !th_failed(); n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees any overrun */
		memcpy(copy, buf, n);
		eb_cpio_open(&c, copy, n);
		int rc;
		unsigned members = 0;
		while ((rc = next()) == 1)
			members++;
		if (rc == 0)
			CHECKF(members == 3, "prefix %zu: trailer after %u members", n, members);
		else
			CHECKF(strncmp(err, "cpio: ", 6) == 0, "prefix %zu: %s", n, err);
		free(copy);
	}
}

/* Random corruption of a good archive never reads out of bounds. */
TEST(random_corruption)
{
	archive();
	uint64_t x = 0x243f6a8885a308d3ULL;
	uint8_t *copy = malloc(len);
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, buf, len);
		for (int k = 0; k < 3; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t at = (size_t)(x >> 33) % 260;
			uint8_t v = (uint8_t)(x >> 20);
			/* Mostly hex digits, so corruption reaches past the field checks. */
			copy[at] = (x & 0x100) ? "0123456789abcdef"[v & 15] : v;
		}
		eb_cpio_open(&c, copy, len);
		int rc;
		while ((rc = next()) == 1)
			CHECK(m.data + m.size <= len);
	}
	free(copy);
}

/*
 * A name is any bytes but NUL; messages show it with control bytes as '?'
 * so it cannot forge a log line (found by tests/fuzz/fuzz_cpio). The name
 * itself stays as stored: it is what members are matched by.
 */
TEST(control_bytes_in_a_name_stay_out_of_messages)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "evil\nearlyboot: forged", CX_REG, kdata, sizeof kdata - 1);
	len -= 4; /* cut the data's end: an error that names the member */
	eb_cpio_open(&c, buf, len);
	REQUIRE_EQ(next(), -1);
	CHECK(strchr(err, '\n') == NULL);
	CHECK(strstr(err, "member 'evil?earlyboot: forged'") != NULL);
	char out[8];
	CHECK_STR(eb_cpio_printable(out, sizeof out, "a\tb\x7f" "cdefgh"), "a?b?cde");
}

int main(void)
{
	RUN(members_in_order);
	RUN(control_bytes_in_a_name_stay_out_of_messages);
	RUN(upper_case_hex_is_fine);
	RUN(wrong_magic);
	RUN(field_not_hex_is_named);
	RUN(namesize_checks);
	RUN(embedded_nul_in_name);
	RUN(nonzero_padding_after_name);
	RUN(truncated_member_is_named_with_its_offset);
	RUN(missing_trailer);
	RUN(trailer_with_data);
	RUN(huge_filesize);
	RUN(every_truncation);
	RUN(random_corruption);
	return th_done();
}
