/* ELF64 validation, placement and copy: untrusted input, exact messages. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "elf_load.h"
#include "harness.h"

#define KBASE 0xffffffff81000000ULL
#define PBASE 0x1000000ULL

static uint8_t img[0x8000];
static struct eb_elf_info info;
static char err[256];

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph(unsigned i) { return (Elf64_Phdr *)(img + 64) + i; }

/* Three segments like the test kernel: text R+X, rodata R, data R+W + bss. */
static void good(void)
{
	memset(img, 0, sizeof img);
	Elf64_Ehdr *e = eh();
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_entry = KBASE;
	e->e_phoff = 64;
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 4;
	const uint32_t flags[3] = { PF_R | PF_X, PF_R, PF_R | PF_W };
	for (unsigned i = 0; i < 3; i++) {
		Elf64_Phdr *p = ph(i);
		p->p_type = PT_LOAD;
		p->p_offset = 0x1000 * (i + 1);
		p->p_vaddr = KBASE + 0x1000 * i;
		p->p_paddr = PBASE + 0x1000 * i;
		p->p_filesz = 0x800;
		p->p_memsz = i == 2 ? 0x3000 : 0x1000;
		p->p_flags = flags[i];
		memset(img + p->p_offset, 0x11 * (i + 1), p->p_filesz);
	}
	ph(3)->p_type = PT_NOTE;
}

static int parse(void) { return eb_elf_parse(img, sizeof img, &info, err, sizeof err); }

TEST(good_kernel)
{
	good();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(info.nseg, 3);
	CHECK_EQ(info.entry, KBASE);
	CHECK_EQ(info.seg[2].memsz, 0x3000);
	CHECK_EQ(eb_elf_seg_pa_end(&info.seg[2]), PBASE + 0x5000);
}

/*
 * The file may start at any byte (a cpio member's data is 4-aligned): the
 * parser must not read it through a misaligned Elf64_Ehdr (UBSan, found by
 * tests/fuzz/fuzz_bootmod).
 */
TEST(misaligned_file)
{
	static uint8_t shifted[sizeof img + 8];
	good();
	for (unsigned off = 1; off < 8; off++) {
		memcpy(shifted + off, img, sizeof img);
		REQUIRE_EQ(eb_elf_parse(shifted + off, sizeof img, &info, err, sizeof err), 0);
		CHECK_EQ(info.nseg, 3);
	}
}

TEST(header_errors)
{
	good();
	CHECK_EQ(eb_elf_parse("hello, world", 12, &info, err, sizeof err), -1);
	CHECK_STR(err, "not an ELF file (bad magic)");
	CHECK_EQ(eb_elf_parse(img, 40, &info, err, sizeof err), -1);
	CHECK_STR(err, "truncated ELF: 40 bytes, header needs 64");
	eh()->e_ident[EI_CLASS] = ELFCLASS32;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "not a 64-bit ELF (class 1)");
	good();
	eh()->e_machine = EM_386;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "ELF machine 3 is not x86-64");
	good();
	eh()->e_phoff = sizeof img - 8;
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "truncated ELF: program headers") != NULL);
	good();
	eh()->e_phoff = ~0ULL - 8; /* offset + size overflows */
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "truncated ELF") != NULL);
}

TEST(segment_errors_name_the_segment)
{
	good();
	ph(1)->p_filesz = 0x2000;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "segment 1 at 0xffffffff81001000: file size 0x2000 exceeds memory size 0x1000");
	good();
	ph(2)->p_memsz = 0x7fffffff0000ULL;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "segment 2 at 0xffffffff81002000: memory size 0x7fffffff0000 is absurd (limit 0x40000000)");
	good();
	ph(0)->p_offset = sizeof img - 0x100;
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "truncated ELF: segment 0 at 0xffffffff81000000") != NULL);
	good();
	ph(0)->p_offset = ~0ULL - 0x10; /* overflow of offset + filesz */
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "truncated ELF: segment 0") != NULL);
	good();
	ph(2)->p_vaddr = ~0ULL - 0x1000;
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "segment 2 at 0xffffffffffffefff (pa 0x1002000) wraps around") != NULL);
	good();
	ph(2)->p_flags = PF_R | PF_W | PF_X;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "segment 2 at 0xffffffff81002000 is writable and executable (W^X)");
	good();
	ph(1)->p_vaddr = KBASE + 0x800;
	ph(1)->p_paddr = PBASE + 0x800;
	CHECK_EQ(parse(), -1);
	CHECK(strstr(err, "segments 0 (0xffffffff81000000) and 1 (0xffffffff81000800) share a page") != NULL);
	good();
	eh()->e_entry = KBASE + 0x1000; /* rodata */
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "entry point 0xffffffff81001000 is in no executable segment");
	good();
	for (unsigned i = 0; i < 4; i++)
		ph(i)->p_type = PT_NOTE;
	CHECK_EQ(parse(), -1);
	CHECK_STR(err, "ELF has no PT_LOAD segment");
}

TEST(placement)
{
	good();
	REQUIRE_EQ(parse(), 0);
	struct eb_mem_range st[4];
	struct eb_memmap ram;
	eb_memmap_init(&ram, st, 4);
	eb_memmap_add(&ram, 0, 0xa0000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&ram, 0x100000, 0x7f00000, EB_MEM_RAM, err, sizeof err);
	struct eb_range busy[] = { { 0x1002000, 0x10000, "loader image" } };
	CHECK_EQ(eb_elf_check_placement(&info, &ram, NULL, 0, err, sizeof err), 0);
	CHECK_EQ(eb_elf_check_placement(&info, &ram, busy, 1, err, sizeof err), -1);
	CHECK_STR(err, "segment 2 at pa 0x1002000-0x1005000 overlaps the loader image at 0x1002000-0x1012000");
	struct eb_memmap small;
	eb_memmap_init(&small, st, 4);
	eb_memmap_add(&small, 0x100000, 0xf01000, EB_MEM_RAM, err, sizeof err); /* ends at 0x1001000 */
	CHECK_EQ(eb_elf_check_placement(&info, &small, NULL, 0, err, sizeof err), -1);
	CHECK_STR(err, "segment 1 at pa 0x1001000-0x1002000 lies outside usable RAM (0x1001000 is a hole in the map)");
}

/* eb_elf_parse_flags relaxes only what it is asked to (vmlinux: both). */
TEST(parse_flags_relax_one_rule_each)
{
	good();
	ph(2)->p_flags = PF_R | PF_W | PF_X;
	CHECK_EQ(eb_elf_parse_flags(img, sizeof img, &info, 0, err, sizeof err), -1);
	CHECK_STR(err, "segment 2 at 0xffffffff81002000 is writable and executable (W^X)");
	CHECK_EQ(eb_elf_parse_flags(img, sizeof img, &info, EB_ELF_ENTRY_UNCHECKED, err,
				    sizeof err), -1);
	CHECK_EQ(eb_elf_parse_flags(img, sizeof img, &info, EB_ELF_ALLOW_WX, err, sizeof err), 0);
	CHECK_EQ(info.seg[2].flags, PF_R | PF_W | PF_X);
	good();
	eh()->e_entry = PBASE; /* physical: in no segment by vaddr */
	CHECK_EQ(eb_elf_parse_flags(img, sizeof img, &info, EB_ELF_ALLOW_WX, err, sizeof err), -1);
	CHECK_STR(err, "entry point 0x1000000 is in no executable segment");
	CHECK_EQ(eb_elf_parse_flags(img, sizeof img, &info, EB_ELF_ENTRY_UNCHECKED, err,
				    sizeof err), 0);
	CHECK_EQ(info.entry, PBASE);
	/* Everything else is still checked. */
	ph(1)->p_filesz = 0x2000;
	CHECK_EQ(eb_elf_parse_flags(img, sizeof img, &info,
				    EB_ELF_ALLOW_WX | EB_ELF_ENTRY_UNCHECKED, err, sizeof err), -1);
	CHECK_STR(err, "segment 1 at 0xffffffff81001000: file size 0x2000 exceeds memory size 0x1000");
}

static uint8_t phys[0x10000];
static void *p2v(void *env, uint64_t pa)
{
	(void)env;
	return phys + (pa - PBASE);
}

TEST(copy_zero_fills_bss)
{
	good();
	REQUIRE_EQ(parse(), 0);
	memset(phys, 0xee, sizeof phys);
	eb_elf_copy(&info, img, p2v, NULL);
	CHECK_EQ(phys[0], 0x11);
	CHECK_EQ(phys[0x7ff], 0x11);
	CHECK_EQ(phys[0x800], 0);
	CHECK_EQ(phys[0x2000], 0x33);
	CHECK_EQ(phys[0x4fff], 0);
	CHECK_EQ(phys[0x5000], 0xee);
}

int main(void)
{
	RUN(good_kernel);
	RUN(misaligned_file);
	RUN(header_errors);
	RUN(segment_errors_name_the_segment);
	RUN(parse_flags_relax_one_rule_each);
	RUN(placement);
	RUN(copy_zero_fills_bss);
	return th_done();
}
