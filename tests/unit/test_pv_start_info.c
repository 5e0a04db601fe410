/*
 * pv/start_info.c: a good dom0 start_info as Xen 4.17 hands it (as seen in
 * tests/boot/pv.sh's logs:
 * 64 MiB, pt_base 0xffffffff80029000, 5 table frames), then one bad field
 * at a time, each refused with a message naming the field.
 */
#define _DEFAULT_SOURCE
#include <string.h>

#include "harness.h"
#include "start_info.h"

#define VB 0xffffffff80000000ULL

static start_info_t good(void)
{
	start_info_t si;
	memset(&si, 0, sizeof si);
	strcpy(si.magic, "xen-3.0-x86_64");
	si.nr_pages = 16384;
	si.shared_info = 0x7fffd000;
	si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	si.pt_base = VB + 0x29000;
	si.nr_pt_frames = 5;
	si.mfn_list = VB + 0x10000;
	si.mod_start = VB + 0x40000;
	si.mod_len = 12345;
	strcpy((char *)si.cmd_line, "ptdump -- quiet");
	return si;
}

static struct pv_start out;
static char err[256];

static int parse(const start_info_t *si)
{
	err[0] = 0;
	return pv_parse_start_info(si, VB, &out, err, sizeof err);
}

#define EXPECT_BAD(si, field)                                               \
	do {                                                                \
		CHECK_EQ(parse(&(si)), -1);                                 \
		CHECKF(strstr(err, field) == err, "error '%s' does not start with '%s'", \
		       err, field);                                         \
	} while (0)

TEST(good_dom0_start_info)
{
	start_info_t si = good();
	REQUIRE_EQ(parse(&si), 0);
	CHECK_EQ(out.nr_pages, 16384);
	CHECK(out.dom0);
	CHECK_EQ(out.pt_base_pa, 0x29000);
	CHECK_EQ(out.mod_va, VB + 0x40000);
	CHECK_EQ(out.mod_pa, 0x40000);
	CHECK_EQ(out.mod_len, 12345);
	CHECK_STR(out.cmdline, "ptdump -- quiet");
	CHECK_EQ(out.cmdline_len, 15);
}

TEST(module_as_pfn)
{
	start_info_t si = good();
	si.flags |= SIF_MOD_START_PFN;
	si.mod_start = 0x800;
	REQUIRE_EQ(parse(&si), 0);
	CHECK_EQ(out.mod_va, 0);
	CHECK_EQ(out.mod_pa, 0x800000);
	si.mod_start = 16384;
	EXPECT_BAD(si, "start_info.mod_start");
	si.mod_start = 16383;
	si.mod_len = 8192;
	EXPECT_BAD(si, "start_info.mod_start");
}

TEST(bad_fields_are_named)
{
	start_info_t si = good();
	strcpy(si.magic, "xen-3.0-x86_32p");
	EXPECT_BAD(si, "start_info.magic");
	si = good();
	memset(si.magic, 'x', sizeof si.magic);
	EXPECT_BAD(si, "start_info.magic");
	si = good();
	si.magic[0] = 'X';
	EXPECT_BAD(si, "start_info.magic");
	si = good();
	si.nr_pages = 0;
	EXPECT_BAD(si, "start_info.nr_pages");
	si.nr_pages = PV_MAX_PAGES + 1;
	EXPECT_BAD(si, "start_info.nr_pages");
	si = good();
	si.shared_info += 8;
	EXPECT_BAD(si, "start_info.shared_info");
	si = good();
	si.pt_base += 8;
	EXPECT_BAD(si, "start_info.pt_base");
	si.pt_base = 0x29000;
	EXPECT_BAD(si, "start_info.pt_base");
	si.pt_base = VB + 16384ULL * 4096;
	EXPECT_BAD(si, "start_info.pt_base");
	si = good();
	si.nr_pt_frames = 3;
	EXPECT_BAD(si, "start_info.nr_pt_frames");
	si = good();
	si.mfn_list = VB + 4;
	EXPECT_BAD(si, "start_info.mfn_list");
	si.mfn_list = 0;
	EXPECT_BAD(si, "start_info.mfn_list");
	si = good();
	si.mod_start = 0x1000;
	EXPECT_BAD(si, "start_info.mod_start");
	si = good();
	si.mod_start = ~0ULL - 10;
	EXPECT_BAD(si, "start_info.mod_start");
	si = good();
	si.mod_len = 16384ULL * 4096;
	EXPECT_BAD(si, "start_info.mod_len");
	si = good();
	memset(si.cmd_line, 'a', sizeof si.cmd_line);
	EXPECT_BAD(si, "start_info.cmd_line");
}

TEST(no_module_is_not_an_error_here)
{
	/* The world decides what a missing module means (a boot case). */
	start_info_t si = good();
	si.mod_start = 0;
	si.mod_len = 0;
	REQUIRE_EQ(parse(&si), 0);
	CHECK_EQ(out.mod_len, 0);
}

int main(void)
{
	RUN(good_dom0_start_info);
	RUN(module_as_pfn);
	RUN(bad_fields_are_named);
	RUN(no_module_is_not_an_error_here);
	return th_done();
}
