/*
 * The Linux boot protocol (common/linux_boot.c, bzimage.c,
 * linux_zero_page.c): what kind a kernel file is, the bzImage setup header
 * (one synthetic image, then every field broken in turn, exact messages),
 * placement, the vmlinux ELF, the zero page and its e820 table. The stock
 * Debian kernel the build chose is checked too: build/linux/bzImage and
 * build/linux/vmlinux, which `make linux` (mk/linux.mk) makes from the
 * generic flavour's kernel that tools/linux-image names by package
 * (linux-image-amd64). EB_TEST_BZIMAGE / EB_TEST_VMLINUX name other files.
 */
#include <asm/e820.h>
#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "linux_boot.h"

static char err[300];

/* ---- a synthetic bzImage ------------------------------------------------ */

#define BZ_LEN 0x4000
#define BZ_SETUP 0x400 /* setup_sects 1 */
static uint8_t bz_img[BZ_LEN];
static struct setup_header H; /* what put() writes at 0x1f1 */
static struct eb_bzimage bz;

static void put(void)
{
	memcpy(bz_img + offsetof(struct boot_params, hdr), &H, sizeof H);
}

/* Like Debian 12's kernel, shrunk: protocol 2.15, relocatable, 2 MiB. */
static void good_bz(void)
{
	memset(bz_img, 0, sizeof bz_img);
	memset(bz_img + BZ_SETUP, 0xc3, BZ_LEN - BZ_SETUP);
	bz_img[0] = 'M';
	bz_img[1] = 'Z';
	bz_img[0x1ef] = 0xff; /* the sentinel: a loader must not copy it */
	memset(&H, 0, sizeof H);
	H.setup_sects = 1;
	H.syssize = (BZ_LEN - BZ_SETUP) / 16;
	H.boot_flag = 0xaa55;
	H.jump = 0x6aeb; /* eb 6a: the header ends at 0x26c */
	memcpy(&H.header, "HdrS", 4);
	H.version = 0x020f;
	H.loadflags = LOADED_HIGH;
	H.initrd_addr_max = 0x7fffffff;
	H.kernel_alignment = 0x200000;
	H.relocatable_kernel = 1;
	H.min_alignment = 21;
	H.xloadflags = 0x7f;
	H.cmdline_size = 0x7ff;
	H.payload_offset = 0x100;
	H.payload_length = 0x2000;
	H.pref_address = 0x1000000;
	H.init_size = 0x3f98000;
	put();
}

static int parse_len(uint64_t len)
{
	return eb_bzimage_parse(bz_img, len, &bz, err, sizeof err);
}
static int parse(void) { return parse_len(BZ_LEN); }

/* Break one field of the good image; the parse must fail with want. */
#define BAD(stmt, want)                          \
	do {                                     \
		good_bz();                       \
		stmt;                            \
		put();                           \
		CHECK_EQ(parse(), -1);           \
		CHECK_STR(err, want);            \
	} while (0)

TEST(good_bzimage)
{
	good_bz();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(bz.version, 0x020f);
	CHECK_EQ(bz.setup_len, 0x400);
	CHECK_EQ(bz.pm_offset, 0x400);
	CHECK_EQ(bz.pm_len, BZ_LEN - 0x400);
	CHECK_EQ(bz.hdr_end, 0x26c);
	CHECK_EQ(bz.init_size, 0x3f98000);
	CHECK_EQ(bz.align, 0x200000);
	CHECK_EQ(bz.pref_address, 0x1000000);
	CHECK(bz.relocatable);
	CHECK_EQ(bz.xloadflags, 0x7f);
	CHECK_EQ(bz.cmdline_size, 0x7ff);
	CHECK_EQ(bz.initrd_addr_max, 0x7fffffff);
	/* setup_sects 0 means 4. */
	good_bz();
	H.setup_sects = 0;
	H.syssize = 0;
	put();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(bz.setup_len, 5 * 512);
	CHECK_EQ(bz.pm_len, BZ_LEN - 5 * 512);
	/* Not relocatable: kernel_alignment is not looked at. */
	good_bz();
	H.relocatable_kernel = 0;
	H.kernel_alignment = 0;
	put();
	REQUIRE_EQ(parse(), 0);
	CHECK(!bz.relocatable);
	CHECK_EQ(bz.align, 0x1000);
}

/* Read through byte copies: any alignment of the file will do (UBSan). */
TEST(misaligned_file)
{
	static uint8_t shifted[BZ_LEN + 8];
	good_bz();
	for (unsigned off = 1; off < 8; off++) {
		memcpy(shifted + off, bz_img, BZ_LEN);
		REQUIRE_EQ(eb_bzimage_parse(shifted + off, BZ_LEN, &bz, err, sizeof err), 0);
		CHECK_EQ(bz.init_size, 0x3f98000);
	}
}

TEST(magic_and_version)
{
	good_bz();
	CHECK_EQ(parse_len(0x207), -1);
	CHECK_STR(err, "setup header: file is 519 bytes, too short for boot_flag, \"HdrS\" and version (0x208 bytes)");
	BAD(H.boot_flag = 0x1234, "setup header: boot_flag at 0x1fe is 0x1234, not 0xaa55");
	BAD(memcpy(&H.header, "XXXX", 4),
	    "setup header: \"HdrS\" magic at 0x202 is 58585858, not a Linux bzImage");
	BAD(H.version = 0x0200,
	    "setup header: boot protocol 2.00 (version 0x0200 at 0x206) is older than 2.12, the first with a 64-bit entry");
	BAD(H.version = 0x020b,
	    "setup header: boot protocol 2.11 (version 0x020b at 0x206) is older than 2.12, the first with a 64-bit entry");
	good_bz();
	H.version = 0x020c;
	put();
	CHECK_EQ(parse(), 0);
}

TEST(header_length)
{
	BAD(H.jump = 0x90eb,
	    "setup header: the jump at 0x200 goes backwards (offset 0x90 at 0x201): where the header ends is unknown");
	BAD(H.jump = 0x50eb,
	    "setup header: ends at 0x252 (0x202 + byte 0x50 at 0x201), before the end of init_size at 0x264");
	good_bz();
	CHECK_EQ(parse_len(0x26b), -1);
	CHECK_STR(err, "setup header: ends at 0x26c (0x202 + byte 0x6a at 0x201), beyond the file's 0x26b bytes");
	/* The longest forward jump: the header runs to 0x281, inside the
	 * zero page's room for it (0x290). */
	good_bz();
	H.jump = 0x7feb;
	put();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(bz.hdr_end, 0x281);
	CHECK(bz.hdr_end <= EB_LINUX_HDR_ROOM);
	CHECK_EQ(EB_LINUX_HDR_ROOM, 0x290);
	/* The shortest header that still holds init_size (a 2.12 one ends at 0x268). */
	good_bz();
	H.jump = 0x62eb;
	put();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(bz.hdr_end, 0x264);
}

TEST(entry_and_layout_fields)
{
	BAD(H.xloadflags = 0x7e,
	    "setup header: xloadflags 0x007e at 0x236 lacks XLF_KERNEL_64 (bit 0): no 64-bit entry");
	BAD(H.setup_sects = 31,
	    "setup header: setup_sects 31 at 0x1f1 puts the protected-mode kernel at 0x4000, but the file ends at 0x4000");
	BAD(H.setup_sects = 255,
	    "setup header: setup_sects 255 at 0x1f1 puts the protected-mode kernel at 0x20000, but the file ends at 0x4000");
	BAD(H.kernel_alignment = 0x3000,
	    "setup header: kernel_alignment 0x3000 at 0x230 of a relocatable kernel is not a power of two of at least 0x1000");
	BAD(H.kernel_alignment = 0x800,
	    "setup header: kernel_alignment 0x800 at 0x230 of a relocatable kernel is not a power of two of at least 0x1000");
	BAD(H.kernel_alignment = 0,
	    "setup header: kernel_alignment 0x0 at 0x230 of a relocatable kernel is not a power of two of at least 0x1000");
	BAD(H.pref_address = 0x1000800,
	    "setup header: pref_address 0x1000800 at 0x258 is not 4 KiB aligned");
}

TEST(size_fields)
{
	BAD(H.init_size = BZ_LEN - BZ_SETUP - 1,
	    "setup header: init_size 0x3bff at 0x260 is smaller than the 0x3c00-byte protected-mode kernel");
	good_bz();
	H.init_size = BZ_LEN - BZ_SETUP; /* exactly the kernel: enough */
	put();
	CHECK_EQ(parse(), 0);
	BAD(H.init_size = 0x40001000,
	    "setup header: init_size 0x40001000 at 0x260 is absurd (limit 0x40000000)");
	BAD((H.pref_address = 0xfffffffffff00000ULL, H.init_size = 0x200000),
	    "setup header: pref_address 0xfffffffffff00000 at 0x258 + init_size 0x200000 wraps around");
	BAD(H.cmdline_size = 0,
	    "setup header: cmdline_size at 0x238 is 0: the kernel takes no command line");
}

/*
 * Fields the loaders users trust (GRUB, QEMU, OVMF) do not read do not
 * refuse a kernel: the protected-mode kernel is the rest of the file.
 */
TEST(fields_other_loaders_ignore)
{
	good_bz();
	H.syssize = (BZ_LEN - BZ_SETUP) / 16 + 1; /* 16 bytes past the end */
	put();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(bz.pm_len, BZ_LEN - BZ_SETUP);
	good_bz();
	H.syssize = 0xffffffff;
	put();
	CHECK_EQ(parse(), 0);
	good_bz();
	H.payload_offset = 0x3000; /* past the end: Linux finds its own */
	put();
	CHECK_EQ(parse(), 0);
	good_bz();
	H.payload_offset = 0xffffffff;
	H.payload_length = 2;
	put();
	CHECK_EQ(parse(), 0);
}

/* A file of the build, or NULL. */
static uint8_t *read_file(const char *path, uint64_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = n > 0 ? th_alloc((uint64_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf = NULL;
	fclose(f);
	*len = (uint64_t)n;
	return buf;
}

/* The file the build chose (env names another), or the case SKIPs. */
static uint8_t *build_file(const char *env, const char *dflt, uint64_t *len)
{
	const char *path = getenv(env);
	if (!path || !*path)
		path = dflt;
	uint8_t *f = read_file(path, len);
	if (!f)
		th_skip("%s not found: run `make linux` (the kernel of package linux-image-amd64, named by tools/linux-image) from the top of the tree, or set %s",
			path, env);
	return f;
}

static uint32_t file32(const uint8_t *f, unsigned off)
{
	uint32_t v;
	memcpy(&v, f + off, 4);
	return v;
}

/*
 * Debian 12's generic kernel: the values every point release shares are
 * written here; those that move between releases (init_size, the handover
 * entry) are read from the file's own header bytes.
 */
TEST(debian_bzimage)
{
	uint64_t len = 0;
	uint8_t *f = build_file("EB_TEST_BZIMAGE", "build/linux/bzImage", &len);
	CHECK_EQ(eb_kernel_kind(f, len), EB_KERNEL_BZIMAGE);
	REQUIRE_EQ(eb_bzimage_parse(f, len, &bz, err, sizeof err), 0);
	CHECK_EQ(bz.version, 0x020f);
	CHECK(bz.relocatable);
	CHECK_EQ(bz.align, 0x200000);
	CHECK_EQ(bz.init_size, file32(f, 0x260));
	CHECK(bz.init_size >= bz.pm_len);
	CHECK_EQ(bz.xloadflags, 0x7f);
	CHECK_EQ(bz.pref_address, 0x1000000);
	CHECK_EQ(bz.hdr_end, 0x26c);
	CHECK_EQ(bz.pm_offset, (f[0x1f1] + 1) * 512);
	CHECK_EQ(bz.pm_offset + bz.pm_len, len);
	CHECK_EQ(bz.cmdline_size, 2047);
	/* Its zero page: the header as the file has it, then ours. */
	static struct boot_params zp;
	static struct eb_mem_range st[4];
	struct eb_memmap m;
	eb_memmap_init(&m, st, 4);
	eb_memmap_add(&m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x100000, 0x7f00000, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	struct eb_linux_params p = { .cmdline_pa = 0x20000, .cmdline_len = 20, .mem = &m };
	REQUIRE_EQ(eb_linux_zero_page(&zp, f, &bz, &p, err, sizeof err), 0);
	CHECK_EQ(memcmp((uint8_t *)&zp + 0x1f1, f + 0x1f1, 0x210 - 0x1f1), 0);
	CHECK_EQ(zp.hdr.type_of_loader, 0xff);
	CHECK_EQ(zp.hdr.handover_offset, file32(f, 0x264) /* as the file says */);
	CHECK(zp.hdr.handover_offset != 0);
	uint64_t load = 0;
	REQUIRE_EQ(eb_bzimage_place(&bz, &m, NULL, 0, 0x100000, &load, err, sizeof err), 0);
	CHECK_EQ(load, 0x1000000);
}

/* ---- eb_kernel_kind ----------------------------------------------------- */

/* A vmlinux-shaped ELF: four PT_LOAD like Debian 12's kernel (text R+X, data RW,
 * percpu RW at vaddr 0, init RWX), a PT_NOTE holding a "Xen" and a "Linux"
 * note, e_entry physical. */
#define VM_LEN 0x8000
#define KV 0xffffffff81000000ULL
static uint8_t vm[VM_LEN];
static struct eb_elf_info info;

/* The "Linux" note's name: after the "Xen" note (12 + 4 + 4 bytes) and its own 12-byte header. */
#define LINUX_NAME_AT (0x400 + 20 + 12)

static Elf64_Ehdr *veh(void) { return (Elf64_Ehdr *)vm; }
static Elf64_Phdr *vph(unsigned i) { return (Elf64_Phdr *)(vm + 64) + i; }

static unsigned put_note(unsigned at, const char *name, uint32_t type)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1, descsz = 4;
	memcpy(vm + at, &namesz, 4);
	memcpy(vm + at + 4, &descsz, 4);
	memcpy(vm + at + 8, &type, 4);
	memcpy(vm + at + 12, name, namesz);
	return at + 12 + ((namesz + 3) & ~3u) + 4;
}

static void good_vmlinux(void)
{
	memset(vm, 0, sizeof vm);
	Elf64_Ehdr *e = veh();
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_entry = 0x1000000;
	e->e_phoff = 64;
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 5;
	static const struct { uint64_t va, pa; uint32_t flags; uint64_t memsz; } s[4] = {
		{ KV, 0x1000000, PF_R | PF_X, 0x1000 },
		{ KV + 0x1a00000, 0x2a00000, PF_R | PF_W, 0x1000 },
		{ 0, 0x3044000, PF_R | PF_W, 0x1000 },
		{ KV + 0x2079000, 0x3079000, PF_R | PF_W | PF_X, 0x3000 },
	};
	for (unsigned i = 0; i < 4; i++) {
		Elf64_Phdr *p = vph(i);
		p->p_type = PT_LOAD;
		p->p_offset = 0x1000 * (i + 1);
		p->p_vaddr = s[i].va;
		p->p_paddr = s[i].pa;
		p->p_filesz = 0x800;
		p->p_memsz = s[i].memsz;
		p->p_flags = s[i].flags;
		p->p_align = 0x200000;
	}
	Elf64_Phdr *n = vph(4);
	n->p_type = PT_NOTE;
	n->p_offset = 0x400;
	unsigned end = put_note(0x400, "Xen", 6);
	end = put_note(end, "Linux", 0x100);
	n->p_filesz = end - 0x400;
	n->p_memsz = n->p_filesz;
}

TEST(kernel_kinds)
{
	good_bz();
	CHECK_EQ(eb_kernel_kind(bz_img, BZ_LEN), EB_KERNEL_BZIMAGE); /* "MZ" too */
	CHECK_EQ(eb_kernel_kind(bz_img, 0x205), EB_KERNEL_UNKNOWN); /* "HdrS" cut */
	good_vmlinux();
	CHECK_EQ(eb_kernel_kind(vm, VM_LEN), EB_KERNEL_VMLINUX);
	vm[LINUX_NAME_AT] = 'l'; /* "linux": not the Linux note */
	CHECK_EQ(eb_kernel_kind(vm, VM_LEN), EB_KERNEL_ELF);
	static uint8_t pe[0x100];
	pe[0] = 'M';
	pe[1] = 'Z';
	pe[0x3c] = 0x80;
	memcpy(pe + 0x80, "PE\0\0", 4);
	CHECK_EQ(eb_kernel_kind(pe, sizeof pe), EB_KERNEL_PE);
	pe[0x3c] = 0xfd; /* the PE header would run past the file */
	CHECK_EQ(eb_kernel_kind(pe, sizeof pe), EB_KERNEL_UNKNOWN);
	CHECK_EQ(eb_kernel_kind("#!/bin/sh\n", 10), EB_KERNEL_UNKNOWN);
	CHECK_EQ(eb_kernel_kind("", 0), EB_KERNEL_UNKNOWN);
	CHECK_STR(eb_kernel_kind_name(EB_KERNEL_BZIMAGE), "Linux bzImage");
	CHECK_STR(eb_kernel_kind_name(EB_KERNEL_VMLINUX), "Linux vmlinux ELF");
	CHECK_STR(eb_kernel_kind_name(EB_KERNEL_ELF), "ELF (earlyboot handoff)");
	CHECK_STR(eb_kernel_kind_name(EB_KERNEL_PE), "PE/EFI application");
	CHECK_STR(eb_kernel_kind_name(EB_KERNEL_UNKNOWN), "unknown");
}

/* The depth a kernel declares (docs/early_paging.md, "Paging depth"). */
TEST(kernel_max_levels)
{
	good_bz();
	REQUIRE_EQ(parse(), 0);
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_BZIMAGE, bz_img, BZ_LEN, &bz), 5u); /* 0x7f */
	bz.xloadflags &= ~XLF_5LEVEL;
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_BZIMAGE, bz_img, BZ_LEN, &bz), 4u);
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_BZIMAGE, bz_img, BZ_LEN, NULL), 4u);
	good_vmlinux();
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_VMLINUX, vm, VM_LEN, NULL), 4u);
	/* An ELF of the earlyboot hand-off: its note where the Linux one was. */
	unsigned at = 0x400 + 20;
	unsigned end = put_note(at, EB_ELFNOTE_NAME, EB_ELFNOTE_PAGING_LEVELS);
	vph(4)->p_filesz = vph(4)->p_memsz = end - 0x400;
	uint32_t v = 5, bad_type = 2;
	memcpy(vm + end - 4, &v, 4);
	CHECK_EQ(eb_kernel_kind(vm, VM_LEN), EB_KERNEL_ELF);
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_ELF, vm, VM_LEN, NULL), 5u);
	v = 4;
	memcpy(vm + end - 4, &v, 4);
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_ELF, vm, VM_LEN, NULL), 4u);
	v = 5;
	memcpy(vm + end - 4, &v, 4);
	memcpy(vm + at + 8, &bad_type, 4); /* another type: not ours */
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_ELF, vm, VM_LEN, NULL), 4u);
	bad_type = EB_ELFNOTE_PAGING_LEVELS;
	memcpy(vm + at + 8, &bad_type, 4);
	vph(4)->p_filesz -= 4; /* the descriptor past the PT_NOTE: not read */
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_ELF, vm, VM_LEN, NULL), 4u);
	vph(4)->p_filesz += 4;
	vm[at + 12] = 'E'; /* "Earlyboot": another owner */
	CHECK_EQ(eb_kernel_max_levels(EB_KERNEL_ELF, vm, VM_LEN, NULL), 4u);
}

/* ---- placement ---------------------------------------------------------- */

static struct eb_mem_range mst[16];
static struct eb_memmap m;

/* RAM to 640 KiB, 1 MiB to 256 MiB with an ACPI NVS hole at 64 MiB, and 1 GiB at 4 GiB. */
static void map(void)
{
	eb_memmap_init(&m, mst, 16);
	eb_memmap_add(&m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&m, 0x100000, 0x3f00000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x4000000, 0x100000, EB_MEM_ACPI_NVS, err, sizeof err);
	eb_memmap_add(&m, 0x4100000, 0xbf00000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x100000000ULL, 0x40000000, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
}

static int place(const struct eb_range *busy, size_t nbusy, uint64_t min_pa,
		 uint64_t *pa)
{
	*pa = 0;
	return eb_bzimage_place(&bz, &m, busy, nbusy, min_pa, pa, err, sizeof err);
}

TEST(place_preferred_when_free)
{
	map();
	good_bz();
	REQUIRE_EQ(parse(), 0);
	bz.init_size = 0x2000000; /* 16..48 MiB: free RAM */
	uint64_t pa;
	const struct eb_range busy[] = { { 0x100000, 0x80000, "loader image" } };
	REQUIRE_EQ(place(busy, 1, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x1000000);
	/* pref_address wins even below min_pa: it is where the kernel runs. */
	REQUIRE_EQ(place(busy, 1, 0x8000000, &pa), 0);
	CHECK_EQ(pa, 0x1000000);
}

TEST(place_relocates_to_the_next_aligned_address)
{
	map();
	good_bz();
	REQUIRE_EQ(parse(), 0);
	bz.init_size = 0x2000000;
	uint64_t pa;
	const struct eb_range busy[] = { { 0x1800010, 0x10, "initrd" } };
	REQUIRE_EQ(place(busy, 1, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x1a00000); /* past the busy page, 2 MiB aligned */
	/* The NVS hole at 64 MiB: 0x1a00000 + 0x3000000 would cross it. */
	bz.init_size = 0x3000000;
	REQUIRE_EQ(place(busy, 1, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x4200000); /* the next RAM range, aligned up */
	/* Never below pref_address, though low RAM has room. */
	bz.init_size = 0x100000;
	const struct eb_range at_pref[] = { { 0x1000000, 0x1000, "boot info" } };
	REQUIRE_EQ(place(at_pref, 1, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x1200000);
	/* min_pa above the preferred address, unaligned. */
	REQUIRE_EQ(place(at_pref, 1, 0x5000001, &pa), 0);
	CHECK_EQ(pa, 0x5200000);
	/* Busy ranges at every candidate below 4 GiB: above it. */
	const struct eb_range low[] = { { 0x1000000, 0xf000000, "pools" } };
	REQUIRE_EQ(place(low, 1, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x100000000ULL);
}

TEST(place_not_relocatable)
{
	map();
	good_bz();
	REQUIRE_EQ(parse(), 0);
	bz.relocatable = false;
	uint64_t pa;
	const struct eb_range busy[] = { { 0x100000, 0x80000, "loader image" },
					 { 0x1800010, 0x10, "initrd" } };
	CHECK_EQ(place(busy, 2, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x1000000 (+init_size 0x3f98000) is not free: 0x1800000 is taken by the initrd");
	/* Two busy ranges in the way: the lower one is named, whatever the order. */
	const struct eb_range two[] = { { 0x2000000, 0x1000, "module" },
					{ 0x1800010, 0x10, "initrd" } };
	CHECK_EQ(place(two, 2, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x1000000 (+init_size 0x3f98000) is not free: 0x1800000 is taken by the initrd");
	/* Busy from below the preferred address: the obstacle is at it. */
	const struct eb_range over[] = { { 0xf00000, 0x200000, "loader image" } };
	CHECK_EQ(place(over, 1, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x1000000 (+init_size 0x3f98000) is not free: 0x1000000 is taken by the loader image");
	/* Clear of busy ranges, but reaching the NVS hole at 64 MiB. */
	CHECK_EQ(place(NULL, 0, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x1000000 (+init_size 0x3f98000) is not free: 0x4000000 is acpi-nvs memory");
	/* Both: the lower obstacle is named. */
	const struct eb_range high[] = { { 0x3fff000, 0x1000, "boot info" } };
	CHECK_EQ(place(high, 1, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x1000000 (+init_size 0x3f98000) is not free: 0x3fff000 is taken by the boot info");
	const struct eb_range higher[] = { { 0x4001000, 0x1000, "boot info" } };
	CHECK_EQ(place(higher, 1, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x1000000 (+init_size 0x3f98000) is not free: 0x4000000 is acpi-nvs memory");
	/* Past the end of the map. */
	bz.pref_address = 0x200000000ULL;
	bz.init_size = 0x100000;
	CHECK_EQ(place(NULL, 0, 0x100000, &pa), -1);
	CHECK_STR(err, "kernel is not relocatable and its preferred address 0x200000000 (+init_size 0x100000) is not free: 0x200000000 is not in the memory map");
	/* Where it is free, it goes there. */
	bz.pref_address = 0x1000000;
	REQUIRE_EQ(place(NULL, 0, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x1000000);
}

TEST(place_no_room)
{
	map();
	good_bz();
	REQUIRE_EQ(parse(), 0);
	bz.init_size = 0x40000000; /* 1 GiB: only the range at 4 GiB holds it */
	uint64_t pa;
	REQUIRE_EQ(place(NULL, 0, 0x100000, &pa), 0);
	CHECK_EQ(pa, 0x100000000ULL);
	const struct eb_range busy[] = { { 0x100001000ULL, 0x1000, "module" } };
	CHECK_EQ(place(busy, 1, 0x100000, &pa), -1);
	CHECK_STR(err, "no 0x40000000-byte run of RAM aligned to 0x200000 above 0x1000000 for the kernel (init_size)");
	bz.init_size = 0x1000;
	CHECK_EQ(place(NULL, 0, 0x200000000ULL, &pa), 0); /* pref is free */
	const struct eb_range pref[] = { { 0x1000000, 1, "cmdline" } };
	CHECK_EQ(place(pref, 1, 0x200000000ULL, &pa), -1);
	CHECK_STR(err, "no 0x1000-byte run of RAM aligned to 0x200000 above 0x200000000 for the kernel (init_size)");
}

TEST(as_segments)
{
	good_bz();
	REQUIRE_EQ(parse(), 0);
	bz.init_size = 0x3f98123;
	memset(&info, 0xa5, sizeof info);
	eb_bzimage_as_segments(&bz, 0x1200000, &info);
	CHECK_EQ(info.entry, 0x1200200);
	REQUIRE_EQ(info.nseg, 1);
	CHECK_EQ(info.seg[0].index, 0);
	CHECK_EQ(info.seg[0].vaddr, 0x1200000);
	CHECK_EQ(info.seg[0].paddr, 0x1200000);
	CHECK_EQ(info.seg[0].offset, 0x400);
	CHECK_EQ(info.seg[0].filesz, BZ_LEN - 0x400);
	CHECK_EQ(info.seg[0].memsz, 0x3f99000);
	CHECK_EQ(info.seg[0].flags, PF_R | PF_W | PF_X);
	CHECK_EQ(info.seg[1].memsz, 0); /* the rest cleared */
}

/* ---- vmlinux ------------------------------------------------------------ */

static int vparse(void) { return eb_vmlinux_parse(vm, VM_LEN, &info, err, sizeof err); }

TEST(vmlinux_good)
{
	good_vmlinux();
	/* Plain eb_elf_parse keeps refusing its RWX segment. */
	CHECK_EQ(eb_elf_parse(vm, VM_LEN, &info, err, sizeof err), -1);
	CHECK_STR(err, "segment 3 at 0xffffffff83079000 is writable and executable (W^X)");
	REQUIRE_EQ(vparse(), 0);
	REQUIRE_EQ(info.nseg, 4);
	CHECK_EQ(info.entry, 0x1000000);
	const uint64_t pa[4] = { 0x1000000, 0x2a00000, 0x3044000, 0x3079000 };
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(info.seg[i].paddr, pa[i]);
		CHECK_EQ(info.seg[i].vaddr, pa[i]);
		CHECK_EQ(info.seg[i].index, i);
	}
	CHECK_EQ(info.seg[3].flags, PF_R | PF_W | PF_X);
	CHECK_EQ(info.seg[3].memsz, 0x3000);
	/* The entry may be anywhere in an executable segment's file bytes. */
	veh()->e_entry = 0x3079000 + 0x7ff;
	CHECK_EQ(vparse(), 0);
}

TEST(vmlinux_errors)
{
	good_vmlinux();
	veh()->e_entry = KV;
	CHECK_EQ(vparse(), -1);
	CHECK_STR(err, "vmlinux: entry point 0xffffffff81000000 is not a physical address below 4 GiB (e_entry of a vmlinux is startup_64's load address)");
	veh()->e_entry = 0x100000000ULL;
	CHECK_EQ(vparse(), -1);
	CHECK(strstr(err, "entry point 0x100000000 is not a physical address") != NULL);
	veh()->e_entry = 0x2a00000; /* data */
	CHECK_EQ(vparse(), -1);
	CHECK_STR(err, "vmlinux: entry point 0x2a00000 lies in no executable segment's file bytes (by physical address)");
	veh()->e_entry = 0x1000800; /* text, past its file bytes */
	CHECK_EQ(vparse(), -1);
	CHECK_STR(err, "vmlinux: entry point 0x1000800 lies in no executable segment's file bytes (by physical address)");
	good_vmlinux();
	memcpy(vm + LINUX_NAME_AT, "Xinux", 5);
	CHECK_EQ(eb_kernel_kind(vm, VM_LEN), EB_KERNEL_ELF);
	CHECK_EQ(vparse(), -1);
	CHECK_STR(err, "vmlinux: no ELF note named \"Linux\": not a Linux kernel");
	/* An ELF that is a bzImage too (boot_flag and "HdrS" in its first
	 * page) is a bzImage to eb_kernel_kind: the vmlinux reader agrees. */
	good_vmlinux();
	vm[0x1fe] = 0x55;
	vm[0x1ff] = 0xaa;
	memcpy(vm + 0x202, "HdrS", 4);
	CHECK_EQ(eb_kernel_kind(vm, VM_LEN), EB_KERNEL_BZIMAGE);
	CHECK_EQ(vparse(), -1);
	CHECK_STR(err, "vmlinux: the file also has a bzImage setup header (boot_flag at 0x1fe, \"HdrS\" at 0x202): it is a Linux bzImage, not a vmlinux");
	/* eb_elf_parse's other rules still hold. */
	good_vmlinux();
	vph(1)->p_paddr = 0x1000800;
	vph(1)->p_vaddr = KV + 0x800;
	CHECK_EQ(vparse(), -1);
	CHECK(strstr(err, "segments 0 (0xffffffff81000000) and 1 (0xffffffff81000800) share a page") != NULL);
	good_vmlinux();
	CHECK_EQ(eb_vmlinux_parse(vm, 0x3000, &info, err, sizeof err), -1);
	CHECK(strstr(err, "truncated ELF: segment 2") != NULL);
}

/*
 * The Debian vmlinux: build/linux/vmlinux (tools/extract-vmlinux of the
 * chosen bzImage), or the file EB_TEST_VMLINUX names. Its shape is fixed by
 * the x86-64 linker script: four PT_LOAD (text R+X, data RW, percpu RW at
 * vaddr 0, init RWX), the kernel at its 16 MiB physical start; where each
 * later segment lands moves between releases, so those come from the file's
 * own program headers.
 */
TEST(debian_vmlinux)
{
	uint64_t len = 0;
	uint8_t *f = build_file("EB_TEST_VMLINUX", "build/linux/vmlinux", &len);
	CHECK_EQ(eb_kernel_kind(f, len), EB_KERNEL_VMLINUX);
	REQUIRE_EQ(eb_vmlinux_parse(f, len, &info, err, sizeof err), 0);
	REQUIRE_EQ(info.nseg, 4);
	CHECK_EQ(info.entry, 0x1000000);
	CHECK_EQ(info.seg[0].paddr, 0x1000000);
	const uint32_t fl[4] = { PF_R | PF_X, PF_R | PF_W, PF_R | PF_W, PF_R | PF_W | PF_X };
	Elf64_Ehdr eh;
	REQUIRE(len >= sizeof eh);
	memcpy(&eh, f, sizeof eh);
	unsigned load = 0;
	for (unsigned i = 0; i < eh.e_phnum && load < 4; i++) {
		Elf64_Phdr ph;
		REQUIRE(eh.e_phoff + (i + 1) * sizeof ph <= len);
		memcpy(&ph, f + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD)
			continue;
		CHECK_EQ(info.seg[load].index, i);
		CHECK_EQ(info.seg[load].paddr, ph.p_paddr);
		CHECK_EQ(info.seg[load].vaddr, ph.p_paddr);
		CHECK_EQ(info.seg[load].memsz, ph.p_memsz);
		CHECK_EQ(info.seg[load].flags, fl[load]);
		if (load)
			CHECK(info.seg[load].paddr > info.seg[load - 1].paddr);
		load++;
	}
	CHECK_EQ(load, 4);
}

/* ---- zero page and e820 ------------------------------------------------- */

static struct boot_params zp;

static void small_map(void)
{
	eb_memmap_init(&m, mst, 16);
	eb_memmap_add(&m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&m, 0x100000, 0x7f00000, EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_carve(&m, 0x100000, 0x80000, EB_MEM_LOADER, "loader", err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_carve(&m, 0x1000000, 0x3f98000, EB_MEM_KERNEL, "kernel", err, sizeof err), 0);
}

static uint32_t raw32(unsigned off)
{
	uint32_t v;
	memcpy(&v, (uint8_t *)&zp + off, 4);
	return v;
}

static uint64_t raw64(unsigned off)
{
	uint64_t v;
	memcpy(&v, (uint8_t *)&zp + off, 8);
	return v;
}

static struct eb_linux_params params(void)
{
	return (struct eb_linux_params){
		.cmdline_pa = 0x20000, .cmdline_len = 30,
		.initrd_pa = 0x7000000, .initrd_len = 0x123456,
		.acpi_rsdp_pa = 0xf5a30, .mem = &m,
	};
}

TEST(zero_page_bzimage)
{
	small_map();
	good_bz();
	H.loadflags = CAN_USE_HEAP; /* LOADED_HIGH is added, the rest kept */
	H.jump = 0x6eeb;            /* a header 4 bytes longer than the struct */
	put();
	memcpy(bz_img + 0x26c, "NEW!", 4);
	REQUIRE_EQ(parse(), 0);
	memset(&zp, 0x5a, sizeof zp);
	struct eb_linux_params p = params();
	REQUIRE_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	/* The header as the file has it, except what a loader writes. */
	CHECK_EQ(memcmp((uint8_t *)&zp + 0x1f1, bz_img + 0x1f1, 0x210 - 0x1f1), 0);
	CHECK_EQ(memcmp((uint8_t *)&zp + 0x22c, bz_img + 0x22c, 0x270 - 0x22c), 0);
	CHECK_EQ(((uint8_t *)&zp)[0x270], 0);   /* past the header: zero */
	CHECK_EQ(((uint8_t *)&zp)[0x1ef], 0);   /* the sentinel is not copied */
	CHECK_EQ(((uint8_t *)&zp)[0x210], 0xff); /* type_of_loader */
	CHECK_EQ(((uint8_t *)&zp)[0x211], CAN_USE_HEAP | LOADED_HIGH);
	CHECK_EQ(raw32(0x228), 0x20000);        /* cmd_line_ptr */
	CHECK_EQ(raw32(0xc8), 0);               /* ext_cmd_line_ptr */
	CHECK_EQ(raw32(0x218), 0x7000000);      /* ramdisk_image */
	CHECK_EQ(raw32(0x21c), 0x123456);       /* ramdisk_size */
	CHECK_EQ(raw32(0xc0), 0);
	CHECK_EQ(raw32(0xc4), 0);
	CHECK_EQ(raw64(0x70), 0xf5a30);         /* acpi_rsdp_addr */
	CHECK_EQ(raw32(0x230), 0x200000);       /* kernel_alignment, from the file */
	/* e820 at 0x2d0, count at 0x1e8: loader and kernel are RAM again. */
	REQUIRE_EQ(((uint8_t *)&zp)[0x1e8], 3);
	const struct boot_e820_entry want[3] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x9f000, 0x61000, E820_RESERVED },
		{ 0x100000, 0x7f00000, E820_RAM },
	};
	for (unsigned i = 0; i < 3; i++) {
		struct boot_e820_entry e;
		memcpy(&e, (uint8_t *)&zp + 0x2d0 + 20 * i, sizeof e);
		CHECK_EQ(e.addr, want[i].addr);
		CHECK_EQ(e.size, want[i].size);
		CHECK_EQ(e.type, want[i].type);
	}
	CHECK_EQ(raw32(0x2d0 + 20 * 3 + 16), 0); /* nothing after them */
}

TEST(zero_page_high_halves)
{
	small_map();
	good_bz();
	REQUIRE_EQ(parse(), 0); /* xloadflags 0x7f: may be above 4 GiB */
	struct eb_linux_params p = params();
	p.cmdline_pa = 0x123456000ULL;
	p.initrd_pa = 0x234567000ULL;
	p.initrd_len = 0x100000001ULL;
	REQUIRE_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	CHECK_EQ(zp.hdr.cmd_line_ptr, 0x23456000);
	CHECK_EQ(zp.ext_cmd_line_ptr, 1);
	CHECK_EQ(zp.hdr.ramdisk_image, 0x34567000);
	CHECK_EQ(zp.ext_ramdisk_image, 2);
	CHECK_EQ(zp.hdr.ramdisk_size, 1);
	CHECK_EQ(zp.ext_ramdisk_size, 1);
	/* No initrd: all four fields stay 0. */
	p.initrd_pa = p.initrd_len = 0;
	REQUIRE_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	CHECK_EQ(zp.hdr.ramdisk_image | zp.hdr.ramdisk_size | zp.ext_ramdisk_image | zp.ext_ramdisk_size, 0);
}

TEST(zero_page_refusals)
{
	small_map();
	good_bz();
	REQUIRE_EQ(parse(), 0);
	struct eb_linux_params p = params();
	p.cmdline_len = 2047; /* cmdline_size: accepted */
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	p.cmdline_len = 2048;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "kernel command line is 2048 bytes, the kernel takes at most 2047 (cmdline_size)");
	p = params();
	p.initrd_pa = 0xffffffffffff0000ULL;
	p.initrd_len = 0x10001;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "initrd at 0xffffffffffff0000+0x10001 wraps around");
	p = params();
	p.mem = NULL;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "no memory map for Linux's e820 table");
	/* Not from eb_bzimage_parse. */
	p = params();
	struct eb_bzimage odd = bz;
	odd.hdr_end = 0x291;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &odd, &p, err, sizeof err), -1);
	CHECK_STR(err, "bzImage setup header ends at 0x291, outside 0x1f1..0x290: not from eb_bzimage_parse");

	/* A kernel that cannot be above 4 GiB: initrd_addr_max holds, and
	 * the command line stays below 4 GiB. */
	H.xloadflags = XLF_KERNEL_64;
	put();
	REQUIRE_EQ(parse(), 0);
	p = params();
	p.initrd_pa = 0x7ff00000;
	p.initrd_len = 0x100000; /* last byte 0x7fffffff: accepted */
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	p.initrd_len = 0x100001;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "initrd at 0x7ff00000-0x80000000 ends above initrd_addr_max 0x7fffffff, and xloadflags 0x0001 lacks XLF_CAN_BE_LOADED_ABOVE_4G");
	p = params();
	p.cmdline_pa = 0xfffff800;
	p.cmdline_len = 0x7ff; /* and its NUL: the last byte below 4 GiB */
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	p.cmdline_pa = 0xfffff801;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "kernel command line at 0xfffff801+0x7ff (and its NUL) reaches above 4 GiB, and xloadflags 0x0001 lacks XLF_CAN_BE_LOADED_ABOVE_4G");
	p.cmdline_pa = 0x100000000ULL;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "kernel command line at 0x100000000+0x7ff (and its NUL) reaches above 4 GiB, and xloadflags 0x0001 lacks XLF_CAN_BE_LOADED_ABOVE_4G");
}

TEST(zero_page_vmlinux)
{
	small_map();
	struct eb_linux_params p = params();
	p.initrd_pa = 0x300000000ULL; /* anywhere */
	memset(&zp, 0x5a, sizeof zp);
	REQUIRE_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), 0);
	uint8_t *z = (uint8_t *)&zp;
	CHECK_EQ(z[0x1fe] | z[0x1ff] << 8, 0xaa55);
	CHECK_EQ(z[0x200], 0xeb);
	CHECK_EQ(z[0x201], 0x6a); /* the header ends at 0x26c */
	CHECK_EQ(memcmp(z + 0x202, "HdrS", 4), 0);
	CHECK_EQ(z[0x206] | z[0x207] << 8, 0x020f);
	CHECK_EQ(z[0x210], 0xff);
	CHECK_EQ(z[0x211], LOADED_HIGH);
	CHECK_EQ(raw32(0x230), 0x200000);
	CHECK_EQ(z[0x236] | z[0x237] << 8, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	CHECK_EQ(raw32(0x238), 2047);
	CHECK_EQ(raw32(0x228), 0x20000);
	CHECK_EQ(raw32(0x218), 0);
	CHECK_EQ(raw32(0xc0), 3);
	CHECK_EQ(raw64(0x70), 0xf5a30);
	CHECK_EQ(z[0x1e8], 3);
	CHECK_EQ(z[0x1f1], 0); /* setup_sects: no setup code */
	CHECK_EQ(z[0x1ef], 0);
	p.cmdline_len = 2048;
	CHECK_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), -1);
	CHECK_STR(err, "kernel command line is 2048 bytes, the kernel takes at most 2047 (cmdline_size)");
}

/* efi_info at 0x1c0: raw offsets, as Linux reads them. */
TEST(zero_page_efi_info)
{
	small_map();
	good_bz();
	REQUIRE_EQ(parse(), 0);
	struct eb_linux_params p = params();
	/* No UEFI: efi_info stays zero, signature included. */
	memset(&zp, 0x5a, sizeof zp);
	REQUIRE_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	for (unsigned off = 0x1c0; off < 0x1e0; off += 4)
		CHECK_EQ(raw32(off), 0);
	struct eb_efi_handoff efi = {
		.systab_pa = 0x1bf5e018ULL, .map_pa = 0x123456780ULL,
		.map_size = 48 * 40, .desc_size = 48, .desc_version = 1,
	};
	p.efi = &efi;
	REQUIRE_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	CHECK_EQ(memcmp((uint8_t *)&zp + 0x1c0, "EL64", 4), 0);
	CHECK_EQ(raw32(0x1c4), 0x1bf5e018);  /* efi_systab */
	CHECK_EQ(raw32(0x1c8), 48);          /* efi_memdesc_size */
	CHECK_EQ(raw32(0x1cc), 1);           /* efi_memdesc_version */
	CHECK_EQ(raw32(0x1d0), 0x23456780);  /* efi_memmap */
	CHECK_EQ(raw32(0x1d4), 48 * 40);     /* efi_memmap_size */
	CHECK_EQ(raw32(0x1d8), 0);           /* efi_systab_hi */
	CHECK_EQ(raw32(0x1dc), 1);           /* efi_memmap_hi */
	/* No framebuffer: screen_info stays zero. */
	CHECK_EQ(zp.screen_info.orig_video_isVGA, 0);
	efi.has_screen = true;
	efi.screen.orig_video_isVGA = VIDEO_TYPE_EFI;
	efi.screen.lfb_width = 1280;
	REQUIRE_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), 0);
	CHECK_EQ(((uint8_t *)&zp)[0x0f], VIDEO_TYPE_EFI);
	CHECK_EQ(((uint8_t *)&zp)[0x12] | ((uint8_t *)&zp)[0x13] << 8, 1280);
	/* The vmlinux path fills it too. */
	memset(&zp, 0, sizeof zp);
	REQUIRE_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), 0);
	CHECK_EQ(memcmp((uint8_t *)&zp + 0x1c0, "EL64", 4), 0);
	/* A map Linux would walk wrongly is refused, never handed over. */
	efi.map_size = 48 * 40 + 8;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "UEFI memory map of 1928 bytes is not a whole number of 48-byte descriptors");
	efi.map_size = 0;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "UEFI memory map of 0 bytes is not a whole number of 48-byte descriptors");
	efi.desc_size = 0;
	efi.map_size = 48;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "UEFI memory map of 48 bytes is not a whole number of 0-byte descriptors");
	efi.desc_size = 48;
	efi.map_size = 48ULL << 28;
	CHECK_EQ(eb_linux_zero_page(&zp, bz_img, &bz, &p, err, sizeof err), -1);
	CHECK_STR(err, "UEFI memory map of 12884901888 bytes does not fit efi_info's 32-bit size");
}

static struct boot_e820_entry e8[E820_MAX_ENTRIES_ZEROPAGE + 2];

TEST(e820_types_and_merging)
{
	/* Every handoff type alone: its e820 twin. */
	static const uint32_t twin[EB_MEM_TYPE_MAX + 1] = {
		[EB_MEM_RAM] = E820_RAM,         [EB_MEM_RESERVED] = E820_RESERVED,
		[EB_MEM_ACPI_RECLAIM] = E820_ACPI, [EB_MEM_ACPI_NVS] = E820_NVS,
		[EB_MEM_UNUSABLE] = E820_UNUSABLE, [EB_MEM_FW_RUNTIME] = E820_RESERVED,
		[EB_MEM_MMIO] = E820_RESERVED,   [EB_MEM_LOADER] = E820_RAM,
		[EB_MEM_KERNEL] = E820_RAM,      [EB_MEM_MODULE] = E820_RAM,
		[EB_MEM_PAGE_TABLES] = E820_RAM, [EB_MEM_BOOT_INFO] = E820_RAM,
	};
	unsigned n;
	for (uint32_t t = 1; t <= EB_MEM_TYPE_MAX; t++) {
		eb_memmap_init(&m, mst, 16);
		eb_memmap_add(&m, 0x1000, 0x2000, t, err, sizeof err);
		REQUIRE_EQ(eb_linux_e820(&m, e8, 4, &n, err, sizeof err), 0);
		CHECKF(n == 1 && e8[0].type == twin[t] && e8[0].addr == 0x1000 &&
		       e8[0].size == 0x2000, "type %u: n %u, e820 type %u", t, n, e8[0].type);
	}
	/* Adjacent ranges of one e820 type merge; a gap or a new type does not. */
	eb_memmap_init(&m, mst, 16);
	eb_memmap_add(&m, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x9f000, 0x1000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&m, 0xa0000, 0x20000, EB_MEM_MMIO, err, sizeof err);
	eb_memmap_add(&m, 0xc0000, 0x40000, EB_MEM_FW_RUNTIME, err, sizeof err);
	eb_memmap_add(&m, 0x100000, 0x100000, EB_MEM_LOADER, err, sizeof err);
	eb_memmap_add(&m, 0x200000, 0x100000, EB_MEM_PAGE_TABLES, err, sizeof err);
	eb_memmap_add(&m, 0x300000, 0x100000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x400000, 0x1000, EB_MEM_BOOT_INFO, err, sizeof err);
	eb_memmap_add(&m, 0x402000, 0x1000, EB_MEM_MODULE, err, sizeof err); /* gap */
	eb_memmap_add(&m, 0x403000, 0x1000, EB_MEM_ACPI_RECLAIM, err, sizeof err);
	eb_memmap_add(&m, 0x404000, 0x1000, EB_MEM_ACPI_NVS, err, sizeof err);
	eb_memmap_add(&m, 0x405000, 0x1000, EB_MEM_UNUSABLE, err, sizeof err);
	eb_memmap_add(&m, 0x406000, 0x1000, EB_MEM_KERNEL, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	REQUIRE_EQ(m.count, 13);
	REQUIRE_EQ(eb_linux_e820(&m, e8, 16, &n, err, sizeof err), 0);
	const struct boot_e820_entry want[] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x9f000, 0x61000, E820_RESERVED },
		{ 0x100000, 0x301000, E820_RAM },
		{ 0x402000, 0x1000, E820_RAM },
		{ 0x403000, 0x1000, E820_ACPI },
		{ 0x404000, 0x1000, E820_NVS },
		{ 0x405000, 0x1000, E820_UNUSABLE },
		{ 0x406000, 0x1000, E820_RAM },
	};
	REQUIRE_EQ(n, sizeof want / sizeof want[0]);
	for (unsigned i = 0; i < n; i++)
		CHECKF(e8[i].addr == want[i].addr && e8[i].size == want[i].size &&
		       e8[i].type == want[i].type,
		       "entry %u: 0x%llx+0x%llx type %u", i,
		       (unsigned long long)e8[i].addr, (unsigned long long)e8[i].size,
		       e8[i].type);
}

static bool untouched(const struct boot_e820_entry *e)
{
	const uint8_t *b = (const uint8_t *)e;
	for (size_t i = 0; i < sizeof *e; i++)
		if (b[i] != 0xee)
			return false;
	return true;
}

TEST(e820_limit)
{
	static struct eb_mem_range big[E820_MAX_ENTRIES_ZEROPAGE + 2];
	unsigned n = 77;
	/* 128 ranges (alternating types, so they stay apart): all taken. */
	eb_memmap_init(&m, big, E820_MAX_ENTRIES_ZEROPAGE + 2);
	for (unsigned i = 0; i < E820_MAX_ENTRIES_ZEROPAGE; i++)
		eb_memmap_add(&m, i * 0x1000ULL, 0x1000,
			      i & 1 ? EB_MEM_RESERVED : EB_MEM_RAM, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	REQUIRE_EQ(m.count, E820_MAX_ENTRIES_ZEROPAGE);
	memset(e8, 0xee, sizeof e8);
	REQUIRE_EQ(eb_linux_e820(&m, e8, E820_MAX_ENTRIES_ZEROPAGE, &n, err, sizeof err), 0);
	CHECK_EQ(n, E820_MAX_ENTRIES_ZEROPAGE);
	CHECK_EQ(e8[127].addr, 127 * 0x1000);
	CHECK(untouched(&e8[128])); /* nothing past max */
	/* One more (of the RAM type after a reserved one): refused, not cut. */
	eb_memmap_add(&m, 128 * 0x1000ULL, 0x1000, EB_MEM_RAM, err, sizeof err);
	/* ... and one that merges with it, which does not add to the count. */
	eb_memmap_add(&m, 129 * 0x1000ULL, 0x1000, EB_MEM_LOADER, err, sizeof err);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	memset(e8, 0xee, sizeof e8);
	CHECK_EQ(eb_linux_e820(&m, e8, E820_MAX_ENTRIES_ZEROPAGE, &n, err, sizeof err), -1);
	CHECK_STR(err, "memory map has 129 ranges for Linux's e820 table, which holds 128");
	CHECK_EQ(n, 0);
	CHECK(untouched(&e8[128]));
	/* The same through the zero page. */
	struct eb_linux_params p = params();
	CHECK_EQ(eb_linux_zero_page(&zp, NULL, NULL, &p, err, sizeof err), -1);
	CHECK_STR(err, "memory map has 129 ranges for Linux's e820 table, which holds 128");
	/* A small table counts every range it could not take. */
	CHECK_EQ(eb_linux_e820(&m, e8, 3, &n, err, sizeof err), -1);
	CHECK_STR(err, "memory map has 129 ranges for Linux's e820 table, which holds 3");
	/* A type outside enum eb_mem_type. */
	eb_memmap_init(&m, big, 4);
	eb_memmap_add(&m, 0, 0x1000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&m, 0x1000, 0x1000, 13, err, sizeof err);
	CHECK_EQ(eb_linux_e820(&m, e8, 4, &n, err, sizeof err), -1);
	CHECK_STR(err, "memory map: range 0x1000+0x1000 has type 13, which has no e820 twin");
	m.r[1].type = 0;
	CHECK_EQ(eb_linux_e820(&m, e8, 4, &n, err, sizeof err), -1);
	CHECK_STR(err, "memory map: range 0x1000+0x1000 has type 0, which has no e820 twin");
}

int main(void)
{
	RUN(good_bzimage);
	RUN(misaligned_file);
	RUN(magic_and_version);
	RUN(header_length);
	RUN(entry_and_layout_fields);
	RUN(size_fields);
	RUN(fields_other_loaders_ignore);
	RUN(debian_bzimage);
	RUN(kernel_kinds);
	RUN(kernel_max_levels);
	RUN(place_preferred_when_free);
	RUN(place_relocates_to_the_next_aligned_address);
	RUN(place_not_relocatable);
	RUN(place_no_room);
	RUN(as_segments);
	RUN(vmlinux_good);
	RUN(vmlinux_errors);
	RUN(debian_vmlinux);
	RUN(zero_page_bzimage);
	RUN(zero_page_high_halves);
	RUN(zero_page_refusals);
	RUN(zero_page_vmlinux);
	RUN(zero_page_efi_info);
	RUN(e820_types_and_merging);
	RUN(e820_limit);
	return th_done();
}
