/* The loader command line: one syntax, errors that name the problem. */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "harness.h"

static struct eb_options o;
static char err[256];

static int parse(const char *s)
{
	return eb_parse_cmdline(s, strlen(s), &o, err, sizeof err);
}

TEST(options_and_kernel_cmdline)
{
	REQUIRE_EQ(parse("kernel=/boot/k.elf initrd=i.img ptdump quiet -- console=ttyS0  a=b "), 0);
	CHECK_STR(o.kernel, "/boot/k.elf");
	CHECK_STR(o.initrd, "i.img");
	CHECK(o.ptdump && o.quiet);
	CHECK_STR(o.kernel_cmdline, "console=ttyS0  a=b");
	CHECK_EQ(o.defect, 0);
}

TEST(no_separator_means_empty_kernel_cmdline)
{
	REQUIRE_EQ(parse("  kernel=k\n"), 0);
	CHECK_STR(o.kernel, "k");
	CHECK_STR(o.kernel_cmdline, "");
	CHECK(!o.ptdump && !o.quiet);
	REQUIRE_EQ(parse(""), 0);
	CHECK_STR(o.kernel, "");
}

TEST(double_dash_inside_kernel_cmdline_is_kept)
{
	REQUIRE_EQ(parse("kernel=k -- init=/bin/sh -- x"), 0);
	CHECK_STR(o.kernel_cmdline, "init=/bin/sh -- x");
}

TEST(unknown_option_is_named)
{
	CHECK_EQ(parse("kernel=k frob -- x"), -1);
	CHECK_STR(err, "unknown option 'frob'");
	CHECK_EQ(parse("--x"), -1);
	CHECK_STR(err, "unknown option '--x'");
}

TEST(bad_values)
{
	CHECK_EQ(parse("kernel="), -1);
	CHECK_STR(err, "option kernel= needs a path");
	CHECK_EQ(parse("kernel=a kernel=b"), -1);
	CHECK_STR(err, "option kernel= given twice");
	CHECK_EQ(parse("defect=bogus"), -1);
	CHECK(strstr(err, "unknown defect 'bogus'") != NULL);
}

TEST(paging_depth)
{
	REQUIRE_EQ(parse("kernel=k -- x"), 0);
	CHECK_EQ(o.paging, 0u); /* the default: chosen from CPU and kernel */
	REQUIRE_EQ(parse("paging=4 kernel=k"), 0);
	CHECK_EQ(o.paging, 4u);
	REQUIRE_EQ(parse("kernel=k paging=5"), 0);
	CHECK_EQ(o.paging, 5u);
	CHECK_EQ(parse("paging=6"), -1);
	CHECK_STR(err, "paging='6': 4 or 5 (paging levels)");
	CHECK_EQ(parse("paging=55"), -1);
	CHECK_STR(err, "paging='55': 4 or 5 (paging levels)");
	CHECK_EQ(parse("paging="), -1);
	CHECK_STR(err, "paging='': 4 or 5 (paging levels)");
}

TEST(defects_by_name)
{
	for (unsigned d = 1; d <= EB_DEFECT_MAX; d++) {
		char line[64];
		snprintf(line, sizeof line, "defect=%s", eb_defect_name(d));
		REQUIRE_EQ(parse(line), 0);
		CHECK_EQ(o.defect, d);
	}
	CHECK(eb_defect_name(0) == NULL);
	CHECK(eb_defect_name(EB_DEFECT_MAX + 1) == NULL);
}

TEST(debug_switches_by_name)
{
	REQUIRE_EQ(parse("kernel=k -- x"), 0);
	CHECK_EQ(o.debug, 0);
	for (unsigned d = 1; d <= EB_DEBUG_MAX; d++) {
		char line[64];
		snprintf(line, sizeof line, "kernel=k debug=%s -- x", eb_debug_name(d));
		REQUIRE_EQ(parse(line), 0);
		CHECK_EQ(o.debug, d);
		CHECK_EQ(o.defect, 0);
	}
	CHECK_STR(eb_debug_name(EB_DEBUG_FAULT_OUTSIDE), "fault-outside");
	CHECK_STR(eb_debug_name(EB_DEBUG_FAULT_IN_HANDLER), "fault-in-handler");
	CHECK(eb_debug_name(0) == NULL);
	CHECK(eb_debug_name(EB_DEBUG_MAX + 1) == NULL);
	CHECK_EQ(parse("debug=fault"), -1);
	CHECK_STR(err, "unknown debug switch 'fault' (fault-outside fault-in-handler wp-off bridge-load bridge-unpin bridge-give-back tcg2-bad-pcr)");
	CHECK_EQ(parse("debug="), -1);
	CHECK(strstr(err, "unknown debug switch ''") != NULL);
	/* After "--" it is the kernel's word, not a loader switch. */
	REQUIRE_EQ(parse("kernel=k -- debug=fault-outside"), 0);
	CHECK_EQ(o.debug, 0);
}

/*
 * The error line of a name picker lists every valid name, each once, in
 * value order: checked against eb_*_name, so a name added to the enum is
 * either in the message or fails here.
 */
static void check_lists_every_name(const char *what, const char *(*name)(unsigned),
				   unsigned max)
{
	char want[512] = "";
	snprintf(want, sizeof want, "unknown %s 'nosuch' (", what);
	for (unsigned v = 1; v <= max; v++) {
		REQUIRE(name(v) != NULL);
		strcat(want, name(v));
		strcat(want, v == max ? ")" : " ");
	}
	CHECK_STR(err, want);
}

TEST(unknown_defect_lists_every_name)
{
	REQUIRE_EQ(parse("kernel=k defect=nosuch"), -1);
	check_lists_every_name("defect", eb_defect_name, EB_DEFECT_MAX);
	CHECK(strstr(err, " rsdp)") != NULL); /* the newest, last */
}

TEST(unknown_debug_lists_every_name)
{
	REQUIRE_EQ(parse("debug=nosuch -- x"), -1);
	check_lists_every_name("debug switch", eb_debug_name, EB_DEBUG_MAX);
	CHECK(strstr(err, " tcg2-bad-pcr)") != NULL);
}

TEST(names_checked_against_the_world)
{
	REQUIRE_EQ(parse("kernel=k defect=cpu"), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_UEFI, err, sizeof err), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PVH, err, sizeof err), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PVH_XEN, err, sizeof err), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PV, err, sizeof err), -1);
	CHECK_STR(err, "defect=cpu has no meaning in the pv world (only in: uefi pvh pvh-xen)");

	REQUIRE_EQ(parse("kernel=k defect=spare"), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PV, err, sizeof err), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_UEFI, err, sizeof err), -1);
	CHECK_STR(err, "defect=spare has no meaning in the uefi world (only in: pv)");

	REQUIRE_EQ(parse("kernel=k debug=wp-off"), 0);
	CHECK_EQ(o.debug, (unsigned)EB_DEBUG_WP_OFF);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PVH, err, sizeof err), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PV, err, sizeof err), -1);
	CHECK_STR(err, "debug=wp-off has no meaning in the pv world (only in: uefi pvh pvh-xen)");

	REQUIRE_EQ(parse("kernel=k debug=bridge-give-back"), 0);
	CHECK_EQ(o.debug, (unsigned)EB_DEBUG_BRIDGE_GIVE_BACK);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_PV, err, sizeof err), 0);
	CHECK_EQ(eb_options_check_world(&o, EB_WORLD_UEFI, err, sizeof err), -1);
	CHECK_STR(err, "debug=bridge-give-back has no meaning in the uefi world (only in: pv)");

	/* Names every world knows, and no name at all, pass everywhere. */
	REQUIRE_EQ(parse("kernel=k defect=magic"), 0);
	for (uint32_t w = EB_WORLD_UEFI; w <= EB_WORLD_PV; w++)
		CHECK_EQ(eb_options_check_world(&o, w, err, sizeof err), 0);
	REQUIRE_EQ(parse("kernel=k"), 0);
	for (uint32_t w = EB_WORLD_UEFI; w <= EB_WORLD_PV; w++)
		CHECK_EQ(eb_options_check_world(&o, w, err, sizeof err), 0);
}

TEST(length_limits)
{
	static char line[EB_LINE_MAX + 16];
	memset(line, 'x', sizeof line - 1);
	CHECK_EQ(eb_parse_cmdline(line, EB_LINE_MAX + 1, &o, err, sizeof err), -1);
	CHECK_STR(err, "command line is 2049 bytes, limit is 2048");

	char path[EB_PATH_MAX + 16] = "kernel=";
	memset(path + 7, 'p', EB_PATH_MAX);
	path[7 + EB_PATH_MAX] = '\0';
	CHECK_EQ(parse(path), -1);
	CHECK(strstr(err, "path is 256 bytes, limit is 255") != NULL);

	static char kl[EB_CMDLINE_MAX + 16] = "kernel=k -- ";
	memset(kl + 12, 'c', EB_CMDLINE_MAX);
	kl[12 + EB_CMDLINE_MAX] = '\0';
	CHECK_EQ(parse(kl), -1);
	CHECK_STR(err, "kernel command line is 1024 bytes, limit is 1023");
	kl[12 + EB_CMDLINE_MAX - 1] = '\0';
	CHECK_EQ(parse(kl), 0);
}

TEST(nul_ends_the_line)
{
	const char s[] = "kernel=k\0garbage";
	REQUIRE_EQ(eb_parse_cmdline(s, sizeof s, &o, err, sizeof err), 0);
	CHECK_STR(o.kernel, "k");
}

int main(void)
{
	RUN(options_and_kernel_cmdline);
	RUN(no_separator_means_empty_kernel_cmdline);
	RUN(double_dash_inside_kernel_cmdline_is_kept);
	RUN(unknown_option_is_named);
	RUN(bad_values);
	RUN(paging_depth);
	RUN(defects_by_name);
	RUN(debug_switches_by_name);
	RUN(unknown_defect_lists_every_name);
	RUN(unknown_debug_lists_every_name);
	RUN(names_checked_against_the_world);
	RUN(length_limits);
	RUN(nul_ends_the_line);
	return th_done();
}
