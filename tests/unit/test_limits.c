/*
 * The resource bounds of docs/limits.md, each at the limit (accepted) and
 * one past it (refused with one message naming the limit). A limit that
 * moves must move here and in the document together.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "bootinfo.h"
#include "bootmod.h"
#include "cmdline.h"
#include "cpio.h"
#include "cpio_fixture.h"
#include "elf_load.h"
#include "harness.h"
#include "hvm_start_info.h"
#include "linux_boot.h"
#include "memmap.h"

static char err[300];

/* ---- memory map: EB_MEM_MAX ranges ---------------------------------- */

/* n disjoint, non-adjacent ranges (so nothing merges). */
static int add_ranges(struct eb_memmap *m, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (eb_memmap_add(m, (uint64_t)i * 0x2000, 0x1000, EB_MEM_RAM, err,
				  sizeof err))
			return -1;
	return eb_memmap_normalize(m, err, sizeof err);
}

TEST(memory_map_ranges)
{
	static struct eb_mem_range st[EB_MEM_MAX];
	struct eb_memmap m;
	eb_memmap_init(&m, st, EB_MEM_MAX);
	REQUIRE_EQ(add_ranges(&m, EB_MEM_MAX), 0);
	CHECK_EQ(m.count, EB_MEM_MAX);
	eb_memmap_init(&m, st, EB_MEM_MAX);
	CHECK_EQ(add_ranges(&m, EB_MEM_MAX + 1), -1);
	CHECK_STR(err, "memory map: more than 512 ranges");
}

/* Carving splits ranges: a full map cannot take a split, and says so. */
TEST(memory_map_carve_past_the_limit)
{
	static struct eb_mem_range st[EB_MEM_MAX];
	struct eb_memmap m;
	eb_memmap_init(&m, st, EB_MEM_MAX);
	REQUIRE_EQ(add_ranges(&m, EB_MEM_MAX - 2), 0);
	/* A carve from the middle of a range: one range becomes three. */
	REQUIRE_EQ(eb_memmap_carve(&m, 0x400, 0x100, EB_MEM_KERNEL, "kernel", err,
				   sizeof err), 0);
	CHECK_EQ(m.count, EB_MEM_MAX);
	CHECK_EQ(eb_memmap_carve(&m, 0x2400, 0x100, EB_MEM_KERNEL, "initrd", err,
				 sizeof err), -1);
	CHECK_STR(err, "memory map: more than 512 ranges");
}

/* ---- the loader command line: EB_LINE_MAX, EB_CMDLINE_MAX, EB_PATH_MAX -- */

static struct eb_options opt;
static char line[EB_LINE_MAX + 64];

static int parse_n(const char *prefix, size_t total)
{
	size_t p = strlen(prefix);
	memcpy(line, prefix, p);
	memset(line + p, 'x', total - p);
	return eb_parse_cmdline(line, total, &opt, err, sizeof err);
}

TEST(loader_command_line)
{
	REQUIRE_EQ(parse_n("kernel=k ", EB_LINE_MAX), -1); /* 'xxx...' unknown */
	CHECK(strstr(err, "unknown option") != NULL);      /* ...but not too long */
	CHECK_EQ(parse_n("kernel=k ", EB_LINE_MAX + 1), -1);
	CHECK_STR(err, "command line is 2049 bytes, limit is 2048");
}

TEST(kernel_command_line)
{
	char pre[] = "kernel=k -- ";
	REQUIRE_EQ(parse_n(pre, strlen(pre) + EB_CMDLINE_MAX - 1), 0);
	CHECK_EQ(strlen(opt.kernel_cmdline), EB_CMDLINE_MAX - 1);
	CHECK_EQ(parse_n(pre, strlen(pre) + EB_CMDLINE_MAX), -1);
	CHECK_STR(err, "kernel command line is 1024 bytes, limit is 1023");
}

TEST(kernel_path)
{
	REQUIRE_EQ(parse_n("kernel=", 7 + EB_PATH_MAX - 1), 0);
	CHECK_EQ(strlen(opt.kernel), EB_PATH_MAX - 1);
	CHECK_EQ(parse_n("kernel=", 7 + EB_PATH_MAX), -1);
	CHECK_STR(err, "option kernel=: path is 256 bytes, limit is 255");
}

/* ---- the kernel: EB_ELF_MAX_SEGS segments of EB_ELF_MAX_SEG_SIZE ---- */

static uint8_t img[0x2000];

/* nseg PT_LOAD segments (the first executable), the last of memsz bytes. */
static int elf_n(unsigned nseg, uint64_t last_memsz)
{
	memset(img, 0, sizeof img);
	Elf64_Ehdr *e = (Elf64_Ehdr *)img;
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_entry = 0x200000;
	e->e_phoff = 64;
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = (Elf64_Half)nseg;
	for (unsigned i = 0; i < nseg; i++) {
		Elf64_Phdr *p = (Elf64_Phdr *)(img + 64) + i;
		p->p_type = PT_LOAD;
		p->p_vaddr = p->p_paddr = 0x200000 + 0x1000ULL * i;
		p->p_memsz = i == nseg - 1 ? last_memsz : 0x1000;
		p->p_flags = i ? PF_R : PF_R | PF_X;
	}
	struct eb_elf_info info;
	return eb_elf_parse(img, sizeof img, &info, err, sizeof err);
}

TEST(kernel_segments)
{
	CHECK_EQ(elf_n(EB_ELF_MAX_SEGS, 0x1000), 0);
	CHECK_EQ(elf_n(EB_ELF_MAX_SEGS + 1, 0x1000), -1);
	CHECK_STR(err, "more than 16 PT_LOAD segments");
}

TEST(kernel_segment_size)
{
	CHECK_EQ(elf_n(2, EB_ELF_MAX_SEG_SIZE), 0);
	CHECK_EQ(elf_n(2, EB_ELF_MAX_SEG_SIZE + 1), -1);
	CHECK(strstr(err, "memory size 0x40000001 is absurd (limit 0x40000000)") != NULL);
}

/* ---- boot module: cpio names, the cmdline member ------------------- */

static uint8_t cp[8192];

TEST(cpio_name)
{
	char name[EB_CPIO_NAME_MAX + 1];
	memset(name, 'n', sizeof name);
	name[EB_CPIO_NAME_MAX - 1] = '\0'; /* namesize = 256 with the NUL */
	size_t n = cx_member(cp, 0, name, CX_REG, "x", 1);
	n = cx_trailer(cp, n);
	struct eb_cpio c;
	struct eb_cpio_member m;
	eb_cpio_open(&c, cp, n);
	CHECK_EQ(eb_cpio_next(&c, &m, err, sizeof err), 1);
	name[EB_CPIO_NAME_MAX - 1] = 'n';
	name[EB_CPIO_NAME_MAX] = '\0'; /* namesize = 257 */
	n = cx_trailer(cp, cx_member(cp, 0, name, CX_REG, "x", 1));
	eb_cpio_open(&c, cp, n);
	CHECK_EQ(eb_cpio_next(&c, &m, err, sizeof err), -1);
	CHECK(strstr(err, "namesize 257 (must be 2 to 256, NUL included)") != NULL);
}

TEST(cpio_cmdline_member)
{
	static char text[EB_CMDLINE_MAX + 1];
	static const uint8_t k[] = { 0x7f, 'E', 'L', 'F' };
	char out[EB_CMDLINE_MAX];
	struct eb_bootmod bm;
	for (unsigned len = EB_CMDLINE_MAX - 1; len <= EB_CMDLINE_MAX; len++) {
		memset(text, 'c', len);
		size_t n = cx_member(cp, 0, "kernel", CX_REG, k, sizeof k);
		n = cx_member(cp, n, "cmdline", CX_REG, text, len);
		n = cx_trailer(cp, n);
		REQUIRE_EQ(eb_bootmod_parse(cp, n, NULL, NULL, &bm, err, sizeof err), 0);
		int rc = eb_bootmod_cmdline(cp, &bm, out, sizeof out, err, sizeof err);
		if (len < EB_CMDLINE_MAX) {
			CHECK_EQ(rc, 0);
			CHECK_EQ(strlen(out), len);
		} else {
			CHECK_EQ(rc, -1);
			CHECK(strstr(err, "command line is 1024 bytes, limit is 1023") != NULL);
		}
	}
}

/* ---- hvm_start_info: PVH_MOD_MAX modules, EB_MEM_MAX map entries ---- */

#define MEM (64u << 10)
static uint8_t mem[MEM];

static const void *rd(void *env, uint64_t pa, uint64_t len)
{
	(void)env;
	if (pa > MEM || len > MEM - pa)
		return NULL;
	return mem + pa;
}

static int start_info(uint32_t nmods, uint32_t nmap)
{
	memset(mem, 0, sizeof mem);
	struct hvm_start_info *si = (struct hvm_start_info *)(mem + 0x100);
	*si = (struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
		.nr_modules = nmods, .modlist_paddr = 0x1000,
		.memmap_paddr = 0x2000, .memmap_entries = nmap,
	};
	struct hvm_modlist_entry *ml = (struct hvm_modlist_entry *)(mem + 0x1000);
	for (uint32_t i = 0; i < nmods; i++)
		ml[i] = (struct hvm_modlist_entry){ 0x100000 + 0x1000ULL * i, 0x1000, 0, 0 };
	struct hvm_memmap_table_entry *mm = (struct hvm_memmap_table_entry *)(mem + 0x2000);
	for (uint32_t i = 0; i < nmap && i < (MEM - 0x2000) / sizeof *mm; i++)
		mm[i] = (struct hvm_memmap_table_entry){ 0x2000ULL * i, 0x1000,
							  XEN_HVM_MEMMAP_TYPE_RAM, 0 };
	static struct pvh_start s;
	if (pvh_parse_start_info(0x100, rd, NULL, &s, err, sizeof err))
		return -1;
	static struct eb_mem_range st[EB_MEM_MAX];
	struct eb_memmap m;
	eb_memmap_init(&m, st, EB_MEM_MAX);
	return pvh_memmap_from_start_info(&s, rd, NULL, &m, err, sizeof err);
}

TEST(pvh_modules)
{
	CHECK_EQ(start_info(PVH_MOD_MAX, 4), 0);
	CHECK_EQ(start_info(PVH_MOD_MAX + 1, 4), -1);
	CHECK_STR(err, "start_info.nr_modules is 9, limit 8");
}

TEST(pvh_memory_map_entries)
{
	CHECK_EQ(start_info(1, EB_MEM_MAX), 0);
	CHECK_EQ(start_info(1, EB_MEM_MAX + 1), -1);
	CHECK_STR(err, "start_info.memmap_entries is 513, limit 512");
}

/* ---- Linux: init_size, command line, e820 table ----------------------- */

static uint8_t bzi[0x2000];

/* A minimal valid bzImage with the given init_size. */
static int bzimage(uint32_t init_size, struct eb_bzimage *bz)
{
	memset(bzi, 0, sizeof bzi);
	struct setup_header h = {
		.setup_sects = 1, .boot_flag = EB_LINUX_BOOT_FLAG, .jump = 0x6aeb,
		.header = EB_LINUX_HDR_MAGIC, .version = 0x020f,
		.xloadflags = XLF_KERNEL_64, .cmdline_size = 2047,
		.pref_address = 0x1000000, .init_size = init_size,
	};
	memcpy(bzi + offsetof(struct boot_params, hdr), &h, sizeof h);
	return eb_bzimage_parse(bzi, sizeof bzi, bz, err, sizeof err);
}

TEST(linux_init_size)
{
	struct eb_bzimage bz;
	CHECK_EQ(bzimage(EB_ELF_MAX_SEG_SIZE, &bz), 0);
	CHECK_EQ(bzimage(EB_ELF_MAX_SEG_SIZE + 1, &bz), -1);
	CHECK_STR(err, "setup header: init_size 0x40000001 at 0x260 is absurd (limit 0x40000000)");
}

static struct eb_mem_range lst[E820_MAX_ENTRIES_ZEROPAGE + 1];
static struct eb_memmap lm;

/* n ranges Linux cannot merge (RAM and reserved in turn). */
static void linux_map(unsigned n)
{
	eb_memmap_init(&lm, lst, E820_MAX_ENTRIES_ZEROPAGE + 1);
	for (unsigned i = 0; i < n; i++)
		eb_memmap_add(&lm, i * 0x1000ULL, 0x1000,
			      i & 1 ? EB_MEM_RESERVED : EB_MEM_RAM, err, sizeof err);
}

TEST(linux_command_line)
{
	static struct boot_params zp;
	struct eb_bzimage bz;
	REQUIRE_EQ(bzimage(0x100000, &bz), 0);
	linux_map(4);
	struct eb_linux_params p = { .cmdline_pa = 0x1000, .cmdline_len = 2047, .mem = &lm };
	CHECK_EQ(eb_linux_zero_page(&zp, bzi, &bz, &p, err, sizeof err), 0);
	CHECK_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), 0);
	p.cmdline_len = 2048;
	CHECK_EQ(eb_linux_zero_page(&zp, bzi, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "kernel command line is 2048 bytes, the kernel takes at most 2047 (cmdline_size)");
	CHECK_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), -1);
	CHECK_STR(err, "kernel command line is 2048 bytes, the kernel takes at most 2047 (cmdline_size)");
}

TEST(linux_e820_entries)
{
	static struct boot_params zp;
	struct eb_linux_params p = { .mem = &lm };
	linux_map(E820_MAX_ENTRIES_ZEROPAGE);
	CHECK_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), 0);
	CHECK_EQ(zp.e820_entries, 128);
	linux_map(E820_MAX_ENTRIES_ZEROPAGE + 1);
	CHECK_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), -1);
	CHECK_STR(err, "memory map has 129 ranges for Linux's e820 table, which holds 128");
}

int main(void)
{
	RUN(memory_map_ranges);
	RUN(memory_map_carve_past_the_limit);
	RUN(loader_command_line);
	RUN(kernel_command_line);
	RUN(kernel_path);
	RUN(kernel_segments);
	RUN(kernel_segment_size);
	RUN(cpio_name);
	RUN(cpio_cmdline_member);
	RUN(pvh_modules);
	RUN(pvh_memory_map_entries);
	RUN(linux_init_size);
	RUN(linux_command_line);
	RUN(linux_e820_entries);
	return th_done();
}
