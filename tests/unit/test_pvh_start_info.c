/*
 * hvm_start_info validation (pvh/start_info.c) against a simulated
 * physical memory: a good version 1 and version 0 structure, then one bad
 * field at a time, each giving one error that names the field.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "hvm_start_info.h"

#define MEM (1u << 20) /* simulated physical memory: [0, 1 MiB) */
#define SI_PA 0x2000u
#define MODLIST_PA 0x3000u
#define CMDLINE_PA 0x4000u
#define MEMMAP_PA 0x5000u
#define MODCMD_PA 0x6000u

static uint8_t mem[MEM];
static struct pvh_start s;
static struct eb_mem_range st[64];
static struct eb_memmap m;
static char err[300];

static const void *rd(void *env, uint64_t pa, uint64_t len)
{
	(void)env;
	if (pa > MEM || len > MEM - pa)
		return NULL;
	return mem + pa;
}

static struct hvm_start_info *si(void)
{
	return (struct hvm_start_info *)(mem + SI_PA);
}
static struct hvm_modlist_entry *mods(void)
{
	return (struct hvm_modlist_entry *)(mem + MODLIST_PA);
}
static struct hvm_memmap_table_entry *map(void)
{
	return (struct hvm_memmap_table_entry *)(mem + MEMMAP_PA);
}

/* What QEMU hands a 128 MiB guest, give or take: v1, one module, a map. */
static void good_v1(void)
{
	memset(mem, 0, sizeof mem);
	*si() = (struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.flags = 0,
		.nr_modules = 1,
		.modlist_paddr = MODLIST_PA,
		.cmdline_paddr = CMDLINE_PA,
		.rsdp_paddr = 0xf5000,
		.memmap_paddr = MEMMAP_PA,
		.memmap_entries = 5,
	};
	strcpy((char *)mem + CMDLINE_PA, "ptdump -- console=ttyS0");
	strcpy((char *)mem + MODCMD_PA, "testkernel.elf");
	mods()[0] = (struct hvm_modlist_entry){ 0x7fc2000, 86576, MODCMD_PA, 0 };
	map()[0] = (struct hvm_memmap_table_entry){ 0, 0x9fc00, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
	map()[1] = (struct hvm_memmap_table_entry){ 0x9fc00, 0x400, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
	map()[2] = (struct hvm_memmap_table_entry){ 0xf0000, 0x10000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
	map()[3] = (struct hvm_memmap_table_entry){ 0x100000, 0x7f00000, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
	map()[4] = (struct hvm_memmap_table_entry){ 0xfffc0000, 0x40000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
	eb_memmap_init(&m, st, 64);
}

static int parse(void)
{
	return pvh_parse_start_info(SI_PA, rd, NULL, &s, err, sizeof err);
}

static int parse_and_map(void)
{
	if (parse())
		return -1;
	return pvh_memmap_from_start_info(&s, rd, NULL, &m, err, sizeof err);
}

TEST(version1_parses)
{
	good_v1();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(s.version, 1);
	CHECK_EQ(s.nmods, 1);
	CHECK_EQ(s.mods[0].pa, 0x7fc2000);
	CHECK_EQ(s.mods[0].len, 86576);
	CHECK_EQ(s.mods[0].cmdline_pa, MODCMD_PA);
	CHECK_STR(s.cmdline, "ptdump -- console=ttyS0");
	CHECK_EQ(s.cmdline_len, strlen("ptdump -- console=ttyS0"));
	CHECK_EQ(s.rsdp_pa, 0xf5000);
	CHECK_EQ(s.memmap_entries, 5);
}

TEST(memory_map_is_page_aligned_and_accounts_for_every_byte)
{
	good_v1();
	REQUIRE_EQ(parse_and_map(), 0);
	/* RAM [0, 0x9fc00) loses its partial last page to the reserved range. */
	REQUIRE_EQ(m.count, 5);
	CHECK_EQ(m.r[0].pa, 0);
	CHECK_EQ(m.r[0].len, 0x9f000);
	CHECK_EQ(m.r[0].type, EB_MEM_RAM);
	CHECK_EQ(m.r[1].pa, 0x9f000);
	CHECK_EQ(m.r[1].len, 0x1000);
	CHECK_EQ(m.r[1].type, EB_MEM_RESERVED);
	CHECK_EQ(m.r[3].pa, 0x100000);
	CHECK_EQ(m.r[3].type, EB_MEM_RAM);
	CHECK_EQ(m.fw_entries, 5);
	CHECK_EQ(m.fw_bytes, 0x9fc00 + 0x400 + 0x10000 + 0x7f00000 + 0x40000);
	CHECK_EQ(eb_memmap_total(&m), m.fw_bytes);
	for (uint32_t i = 0; i < m.count; i++)
		if (m.r[i].type == EB_MEM_RAM)
			CHECKF(!(m.r[i].pa & 0xfff) && !(m.r[i].len & 0xfff),
			       "RAM range %u not page aligned", i);
	CHECK_EQ(pvh_check_modules(&s, &m, err, sizeof err), 0);
}

TEST(version0_reads_nothing_past_its_end)
{
	good_v1();
	/* A version-0 structure in the last 40 bytes of memory: no map fields. */
	const size_t v0 = offsetof(struct hvm_start_info, memmap_paddr);
	struct hvm_start_info h = *si();
	h.version = 0;
	memcpy(mem + MEM - v0, &h, v0);
	REQUIRE_EQ(pvh_parse_start_info(MEM - v0, rd, NULL, &s, err, sizeof err), 0);
	CHECK_EQ(s.version, 0);
	CHECK_EQ(s.memmap_entries, 0);
	CHECK_EQ(s.nmods, 1);
	/* Version 1 there would need bytes that do not exist. */
	h.version = 1;
	memcpy(mem + MEM - v0, &h, v0);
	CHECK_EQ(pvh_parse_start_info(MEM - v0, rd, NULL, &s, err, sizeof err), -1);
	CHECK(strstr(err, "version 1 structure (56 bytes) cannot be read") != NULL);
}

TEST(no_modules_no_cmdline_parse)
{
	good_v1();
	si()->nr_modules = 0;
	si()->modlist_paddr = 0;
	si()->cmdline_paddr = 0;
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(s.nmods, 0);
	CHECK_EQ(s.cmdline_len, 0);
	CHECK_STR(s.cmdline, "");
	/* A valid structure, but nothing to boot. */
	REQUIRE_EQ(pvh_memmap_from_start_info(&s, rd, NULL, &m, err, sizeof err), 0);
	CHECK_EQ(pvh_check_modules(&s, &m, err, sizeof err), -1);
	CHECK_STR(err, "start_info.nr_modules is 0: no boot module (the kernel, or a cpio holding it)");
}

TEST(wrong_magic)
{
	good_v1();
	si()->magic = 0x12345678;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.magic is 0x12345678, want 0x336ec578");
}

TEST(unreadable_structure)
{
	CHECK_EQ(pvh_parse_start_info(0, rd, NULL, &s, err, sizeof err), -1);
	CHECK_STR(err, "start_info at 0x0 cannot be read (ebx at entry)");
	CHECK_EQ(pvh_parse_start_info(MEM + 0x1000, rd, NULL, &s, err, sizeof err), -1);
	CHECK(strstr(err, "start_info at 0x101000 cannot be read") == err);
}

TEST(unknown_version)
{
	good_v1();
	si()->version = 2;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.version is 2; this loader knows versions 0 and 1");
}

TEST(unknown_flags)
{
	good_v1();
	si()->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	CHECK_EQ(parse(), 0);
	si()->flags = SIF_INITDOMAIN | (1u << 20);
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.flags 0x100002 has unknown bits 0x100000");
}

TEST(reserved_must_be_zero)
{
	good_v1();
	si()->reserved = 7;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.reserved is 0x7, must be 0");
	/* Version 0 has no such field: the bytes there are not looked at. */
	si()->version = 0;
	CHECK_EQ(parse(), 0);
}

TEST(cmdline_without_nul)
{
	good_v1();
	memset(mem + CMDLINE_PA, 'x', EB_LINE_MAX + 8);
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.cmdline_paddr 0x4000: no NUL-terminated string of at most 2048 bytes there");
	/* Exactly at the limit is fine. */
	mem[CMDLINE_PA + EB_LINE_MAX] = '\0';
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(s.cmdline_len, EB_LINE_MAX);
	/* A string running off the end of memory. */
	si()->cmdline_paddr = MEM - 4;
	memset(mem + MEM - 4, 'y', 4);
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "start_info.cmdline_paddr 0xffffc:") == err);
}

TEST(module_list_checks)
{
	good_v1();
	si()->nr_modules = PVH_MOD_MAX + 1;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.nr_modules is 9, limit 8");

	good_v1();
	si()->modlist_paddr = 0;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist_paddr is 0 with nr_modules 1");

	good_v1();
	si()->modlist_paddr = MEM - 8;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist_paddr 0xffff8: 1 entries cannot be read there");
}

TEST(module_entry_checks)
{
	good_v1();
	mods()[0].paddr = 0;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist[0].paddr is 0");

	good_v1();
	mods()[0].size = 0;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist[0].size is 0 (module at 0x7fc2000)");

	good_v1();
	mods()[0].paddr = 0xfffffffffffff000ULL;
	mods()[0].size = 0x2000;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist[0]: paddr 0xfffffffffffff000 + size 0x2000 leaves the physical address space");

	good_v1();
	si()->nr_modules = 2;
	mods()[1] = (struct hvm_modlist_entry){ 0x200000, 10, 0, 5 };
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist[1].reserved is 0x5, must be 0");

	good_v1();
	memset(mem + MODCMD_PA, 'z', PVH_MOD_CMDLINE_MAX + 1);
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.modlist[0].cmdline_paddr 0x6000: no NUL-terminated string of at most 1023 bytes there");
}

TEST(module_outside_ram)
{
	good_v1();
	REQUIRE_EQ(parse_and_map(), 0);
	/* In the reserved hole below 1 MiB. */
	s.mods[0] = (struct pvh_module){ 0xf1000, 0x100, 0 };
	CHECK_EQ(pvh_check_modules(&s, &m, err, sizeof err), -1);
	CHECK_STR(err, "start_info.modlist[0]: 0xf1000-0xf1100 is not all RAM (0xf1000 is reserved)");
	/* Running off the end of RAM into nothing. */
	s.mods[0] = (struct pvh_module){ 0x7fff000, 0x2000, 0 };
	CHECK_EQ(pvh_check_modules(&s, &m, err, sizeof err), -1);
	CHECK_STR(err, "start_info.modlist[0]: 0x7fff000-0x8001000 is not all RAM (0x8000000 is outside the memory map)");
	/* The sliver trimmed off the low RAM range is not RAM any more. */
	s.mods[0] = (struct pvh_module){ 0x9f800, 0x100, 0 };
	CHECK_EQ(pvh_check_modules(&s, &m, err, sizeof err), -1);
	CHECK(strstr(err, "(0x9f800 is reserved)") != NULL);
}

TEST(memmap_count_and_address)
{
	good_v1();
	si()->memmap_entries = EB_MEM_MAX + 1;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.memmap_entries is 513, limit 512");

	good_v1();
	si()->memmap_paddr = 0;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "start_info.memmap_paddr is 0 with memmap_entries 5");

	good_v1();
	si()->memmap_paddr = MEM - 48; /* two entries fit, five do not */
	CHECK_EQ(parse_and_map(), -1);
	CHECK_STR(err, "start_info.memmap_paddr 0xfffd0: 5 entries cannot be read there");
}

TEST(memmap_entries_that_make_no_sense)
{
	good_v1();
	map()[2].size = 0xffffffffffff0000ULL;
	CHECK_EQ(parse_and_map(), -1);
	CHECK_STR(err, "start_info.memmap[2]: addr 0xf0000 + size 0xffffffffffff0000 leaves the physical address space");

	good_v1();
	map()[4].addr = 1ULL << 52;
	CHECK_EQ(parse_and_map(), -1);
	CHECK(strstr(err, "start_info.memmap[4]: addr 0x10000000000000") == err);

	good_v1();
	map()[1].reserved = 1;
	CHECK_EQ(parse_and_map(), -1);
	CHECK_STR(err, "start_info.memmap[1].reserved is 0x1, must be 0");

	good_v1();
	map()[3].addr = 0x80000; /* overlaps the first RAM range */
	CHECK_EQ(parse_and_map(), -1);
	CHECK(strstr(err, "start_info.memmap: memory map: firmware ranges overlap at 0x80000") == err);

	good_v1();
	map()[0].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	map()[3].type = XEN_HVM_MEMMAP_TYPE_NVS;
	CHECK_EQ(parse_and_map(), -1);
	CHECK_STR(err, "start_info.memmap: 5 entries and not one page of RAM");
}

TEST(e820_types_and_slivers)
{
	eb_memmap_init(&m, st, 64);
	CHECK_EQ(pvh_e820_type(XEN_HVM_MEMMAP_TYPE_RAM), EB_MEM_RAM);
	CHECK_EQ(pvh_e820_type(XEN_HVM_MEMMAP_TYPE_ACPI), EB_MEM_ACPI_RECLAIM);
	CHECK_EQ(pvh_e820_type(XEN_HVM_MEMMAP_TYPE_NVS), EB_MEM_ACPI_NVS);
	CHECK_EQ(pvh_e820_type(XEN_HVM_MEMMAP_TYPE_UNUSABLE), EB_MEM_UNUSABLE);
	CHECK_EQ(pvh_e820_type(XEN_HVM_MEMMAP_TYPE_PMEM), EB_MEM_RESERVED);
	CHECK_EQ(pvh_e820_type(99), EB_MEM_RESERVED); /* unknown: reserved, as E820 says */
	/* RAM smaller than a page is not RAM. */
	REQUIRE_EQ(pvh_e820_add(&m, 0x10100, 0x800, 1, "e", err, sizeof err), 0);
	CHECK_EQ(m.count, 1);
	CHECK_EQ(m.r[0].type, EB_MEM_RESERVED);
	/* Unaligned at both ends: three pieces, one firmware entry. */
	REQUIRE_EQ(pvh_e820_add(&m, 0x20800, 0x3000, 1, "e", err, sizeof err), 0);
	CHECK_EQ(m.count, 4);
	CHECK_EQ(m.fw_entries, 2);
	CHECK_EQ(m.r[2].pa, 0x21000);
	CHECK_EQ(m.r[2].len, 0x2000);
	CHECK_EQ(m.r[2].type, EB_MEM_RAM);
	CHECK_EQ(m.fw_bytes, 0x800 + 0x3000);
	CHECK_EQ(eb_memmap_total(&m), m.fw_bytes);
}

TEST(memmap_too_many_pieces_names_the_entry)
{
	static struct eb_mem_range tiny[2];
	eb_memmap_init(&m, tiny, 2);
	CHECK_EQ(pvh_e820_add(&m, 0x800, 0x3000, 1, "start_info.memmap[0]", err, sizeof err), -1);
	CHECK_STR(err, "start_info.memmap[0]: memory map: more than 2 ranges");
}

/* Every byte of a good structure flipped in turn: an error or a parse, never a crash. */
TEST(every_byte_flipped)
{
	for (size_t off = 0; off < sizeof(struct hvm_start_info) && !th_failed(); off++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			good_v1();
			mem[SI_PA + off] ^= (uint8_t)(1u << bit);
			if (parse() == 0)
				(void)pvh_memmap_from_start_info(&s, rd, NULL, &m, err, sizeof err);
			else
				CHECKF(strncmp(err, "start_info", 10) == 0,
				       "offset %zu bit %u: error does not name the field: %s",
				       off, bit, err);
		}
	}
}

int main(void)
{
	RUN(version1_parses);
	RUN(memory_map_is_page_aligned_and_accounts_for_every_byte);
	RUN(version0_reads_nothing_past_its_end);
	RUN(no_modules_no_cmdline_parse);
	RUN(wrong_magic);
	RUN(unreadable_structure);
	RUN(unknown_version);
	RUN(unknown_flags);
	RUN(reserved_must_be_zero);
	RUN(cmdline_without_nul);
	RUN(module_list_checks);
	RUN(module_entry_checks);
	RUN(module_outside_ram);
	RUN(memmap_count_and_address);
	RUN(memmap_entries_that_make_no_sense);
	RUN(e820_types_and_slivers);
	RUN(memmap_too_many_pieces_names_the_entry);
	RUN(every_byte_flipped);
	return th_done();
}
