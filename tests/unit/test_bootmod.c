/*
 * The boot module (common/bootmod.c): a bare ELF kernel, or a cpio holding
 * kernel, initrd and cmdline; the member names the loader options choose;
 * everything else is one error that says what is wrong.
 */
#include <string.h>

#include "bootmod.h"
#include "cmdline.h"
#include "cpio_fixture.h"
#include "harness.h"

static uint8_t buf[16384];
static size_t len;
static struct eb_bootmod bm;
static char err[300];

static const char elf[] = "\x7f" "ELF\x02\x01\x01 rest of a kernel";

static int parse(const char *k, const char *i)
{
	return eb_bootmod_parse(buf, len, k, i, &bm, err, sizeof err);
}

static void cpio3(void)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, ".", CX_DIR, NULL, 0);
	len = cx_member(buf, len, "kernel", CX_REG, elf, sizeof elf - 1);
	len = cx_member(buf, len, "initrd", CX_REG, "INITRD", 6);
	len = cx_member(buf, len, "cmdline", CX_REG, "console=ttyS0 quiet\n\n", 21);
	len = cx_trailer(buf, len);
}

TEST(bare_elf_is_the_kernel)
{
	memcpy(buf, elf, sizeof elf - 1);
	len = sizeof elf - 1;
	REQUIRE_EQ(parse(NULL, ""), 0);
	CHECK(!bm.is_cpio);
	CHECK(bm.kernel.present);
	CHECK_EQ(bm.kernel.off, 0);
	CHECK_EQ(bm.kernel.len, len);
	CHECK(!bm.initrd.present && !bm.cmdline.present);
}

TEST(member_names_mean_nothing_for_a_bare_elf)
{
	memcpy(buf, elf, sizeof elf - 1);
	len = sizeof elf - 1;
	CHECK_EQ(parse("vmlinux", NULL), -1);
	CHECK_STR(err, "kernel= and initrd= name cpio members, but the module is itself a kernel: ELF (earlyboot handoff)");
	CHECK_EQ(parse(NULL, "ramdisk"), -1);
}

/* Any kernel the loaders know is a bare kernel; the world judges it. */
TEST(bare_bzimage_and_pe_are_the_kernel)
{
	memset(buf, 0, sizeof buf);
	buf[0x1fe] = 0x55;
	buf[0x1ff] = 0xaa;
	memcpy(buf + 0x202, "HdrS", 4);
	len = 0x1000;
	REQUIRE_EQ(parse(NULL, NULL), 0);
	CHECK(!bm.is_cpio);
	CHECK_EQ(bm.kernel.off, 0);
	CHECK_EQ(bm.kernel.len, 0x1000);
	CHECK_EQ(parse("kernel", NULL), -1);
	CHECK_STR(err, "kernel= and initrd= name cpio members, but the module is itself a kernel: Linux bzImage");
	/* Without "HdrS" it is nothing known. */
	memset(buf + 0x202, 0, 4);
	CHECK_EQ(parse(NULL, NULL), -1);
	memset(buf, 0, sizeof buf);
	memcpy(buf, "MZ", 2);
	buf[0x3c] = 0x80;
	memcpy(buf + 0x80, "PE\0\0", 4);
	len = 0x200;
	REQUIRE_EQ(parse(NULL, NULL), 0);
	CHECK(bm.kernel.present);
}

TEST(cpio_parts)
{
	cpio3();
	REQUIRE_EQ(parse(NULL, NULL), 0);
	CHECK(bm.is_cpio);
	CHECK(memcmp(buf + bm.kernel.off, elf, bm.kernel.len) == 0);
	CHECK_EQ(bm.kernel.member_offset, 112);
	CHECK_STR(bm.kernel.name, "kernel");
	CHECK(bm.initrd.present);
	CHECK(memcmp(buf + bm.initrd.off, "INITRD", 6) == 0);
	CHECK_EQ(bm.initrd.len, 6);
	char line[EB_CMDLINE_MAX];
	REQUIRE_EQ(eb_bootmod_cmdline(buf, &bm, line, sizeof line, err, sizeof err), 0);
	CHECK_STR(line, "console=ttyS0 quiet");
}

TEST(other_member_names)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "vmlinux", CX_REG, elf, sizeof elf - 1);
	len = cx_member(buf, len, "ramdisk.img", CX_REG, "R", 1);
	len = cx_member(buf, len, "kernel", CX_REG, "not this one", 12);
	len = cx_trailer(buf, len);
	REQUIRE_EQ(parse("vmlinux", "ramdisk.img"), 0);
	CHECK_EQ(bm.kernel.member_offset, 0);
	CHECK_EQ(bm.initrd.len, 1);
	CHECK(!bm.cmdline.present);
}

TEST(missing_kernel_lists_the_members)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "initrd", CX_REG, "I", 1);
	len = cx_member(buf, len, "vmlinuz", CX_REG, "V", 1);
	len = cx_trailer(buf, len);
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "cpio: no member 'kernel' (members: initrd, vmlinuz)");
	memset(buf, 0, sizeof buf);
	len = cx_trailer(buf, 0);
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "cpio: no member 'kernel' (members: none)");
}

TEST(kernel_twice)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "kernel", CX_REG, "A", 1);
	len = cx_member(buf, len, "./kernel", CX_REG, "B", 1);
	len = cx_trailer(buf, len);
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "cpio: member 'kernel' at offset 0x7c: a second kernel (the first is at 0x0)");
}

TEST(kernel_must_be_a_file)
{
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "kernel", CX_DIR, NULL, 0);
	len = cx_trailer(buf, len);
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "cpio: member 'kernel' at offset 0x0: the kernel is not a regular file (mode 0x41ed)");
}

TEST(neither_elf_nor_cpio)
{
	memcpy(buf, "MZ\x90\x00\x03\x00\x00\x00\x04", 9);
	len = 9;
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "neither a kernel (ELF, bzImage) nor a newc cpio (9 bytes, first bytes: 4d 5a 90 00 03 00 00 00)");
	len = 2;
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "neither a kernel (ELF, bzImage) nor a newc cpio (2 bytes, first bytes: 4d 5a)");
	len = 0;
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK_STR(err, "neither a kernel (ELF, bzImage) nor a newc cpio (0 bytes, first bytes: none)");
}

TEST(malformed_cpio_error_passes_through)
{
	cpio3();
	len = 112 + 130; /* inside kernel's data */
	CHECK_EQ(parse(NULL, NULL), -1);
	CHECK(strstr(err, "cpio: member 'kernel' at offset 0x70: data of") == err);
	CHECK(strstr(err, "(truncated)") != NULL);
}

TEST(cmdline_member_limits)
{
	static char big[EB_CMDLINE_MAX + 8];
	memset(big, 'c', sizeof big);
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "kernel", CX_REG, elf, sizeof elf - 1);
	len = cx_member(buf, len, "cmdline", CX_REG, big, EB_CMDLINE_MAX);
	len = cx_trailer(buf, len);
	REQUIRE_EQ(parse(NULL, NULL), 0);
	char line[EB_CMDLINE_MAX];
	CHECK_EQ(eb_bootmod_cmdline(buf, &bm, line, sizeof line, err, sizeof err), -1);
	CHECK_STR(err, "cpio: member 'cmdline' at offset 0x90: command line is 1024 bytes, limit is 1023");
	/* With a NUL inside. */
	memset(buf, 0, sizeof buf);
	len = cx_member(buf, 0, "kernel", CX_REG, elf, sizeof elf - 1);
	len = cx_member(buf, len, "cmdline", CX_REG, "a\0b", 3);
	len = cx_trailer(buf, len);
	REQUIRE_EQ(parse(NULL, NULL), 0);
	CHECK_EQ(eb_bootmod_cmdline(buf, &bm, line, sizeof line, err, sizeof err), -1);
	CHECK_STR(err, "cpio: member 'cmdline' at offset 0x90: NUL byte at 0x1 in the command line");
}

int main(void)
{
	RUN(bare_elf_is_the_kernel);
	RUN(member_names_mean_nothing_for_a_bare_elf);
	RUN(bare_bzimage_and_pe_are_the_kernel);
	RUN(cpio_parts);
	RUN(other_member_names);
	RUN(missing_kernel_lists_the_members);
	RUN(kernel_twice);
	RUN(kernel_must_be_a_file);
	RUN(neither_elf_nor_cpio);
	RUN(malformed_cpio_error_passes_through);
	RUN(cmdline_member_limits);
	return th_done();
}
