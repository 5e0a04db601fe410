/*
 * The PVH hand-off's portable parts: common/pvh_kernel.c (a kernel's
 * PHYS32_ENTRY and PHYS32_RELOC notes, ELF32 and ELF64), the protocol rule
 * and the relocation of common/boot.c, and common/pvh_info.c (the
 * hvm_start_info built from a carved memory map and a module list). ELFs
 * are made here; each bad one is refused with a line naming what.
 */
#define _DEFAULT_SOURCE
#include <elf.h>
#include <string.h>

#include "boot.h"
#include "harness.h"
#include "pvh_info.h"
#include "pvh_kernel.h"
#include "xen_notes.h"

#define LINKED 0x1000000u

struct pvh_elf {
	bool is64, entry_note, reloc_note, earlyboot_note;
	uint32_t entry, paddr;
	uint32_t reloc[3];
	unsigned reloc_words;
};

static void note(uint8_t *f, uint64_t *at, const char *owner, uint32_t type,
		 const void *desc, uint32_t size)
{
	uint32_t nsz = (uint32_t)strlen(owner) + 1, h[3] = { nsz, size, type };
	memcpy(f + *at, h, 12);
	*at += 12;
	memcpy(f + *at, owner, nsz);
	*at += (nsz + 3) & ~3u;
	memcpy(f + *at, desc, size);
	*at += (size + 3) & ~3u;
}

/* One R+X PT_LOAD of 0x2000 bytes (0x100 in the file) at e->paddr, then the notes. */
static uint8_t *make(const struct pvh_elf *e, uint64_t *len)
{
	uint8_t *f = th_alloc(16384);
	uint64_t at = 8192, nstart = at;
	if (e->entry_note)
		note(f, &at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &e->entry, 4);
	if (e->reloc_note)
		note(f, &at, "Xen", XEN_ELFNOTE_PHYS32_RELOC, e->reloc, 4 * e->reloc_words);
	if (e->earlyboot_note) {
		uint32_t five = 5;
		note(f, &at, "earlyboot", 1, &five, 4);
	}
	memcpy(f, ELFMAG, SELFMAG);
	f[EI_DATA] = ELFDATA2LSB;
	f[EI_VERSION] = EV_CURRENT;
	if (e->is64) {
		Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
		eh->e_ident[EI_CLASS] = ELFCLASS64;
		eh->e_type = ET_EXEC, eh->e_machine = EM_X86_64;
		eh->e_phoff = sizeof *eh, eh->e_phentsize = sizeof(Elf64_Phdr), eh->e_phnum = 2;
		eh->e_entry = 0xffffffff81000000ULL;
		Elf64_Phdr *ph = (Elf64_Phdr *)(f + eh->e_phoff);
		ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				      .p_offset = 4096, .p_vaddr = 0xffffffff80000000ULL + e->paddr,
				      .p_paddr = e->paddr, .p_filesz = 0x100, .p_memsz = 0x2000 };
		ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = nstart,
				      .p_filesz = at - nstart };
	} else {
		Elf32_Ehdr *eh = (Elf32_Ehdr *)f;
		eh->e_ident[EI_CLASS] = ELFCLASS32;
		eh->e_type = ET_EXEC, eh->e_machine = EM_386;
		eh->e_phoff = sizeof *eh, eh->e_phentsize = sizeof(Elf32_Phdr), eh->e_phnum = 2;
		eh->e_entry = e->paddr;
		Elf32_Phdr *ph = (Elf32_Phdr *)(f + eh->e_phoff);
		ph[0] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				      .p_offset = 4096, .p_vaddr = e->paddr, .p_paddr = e->paddr,
				      .p_filesz = 0x100, .p_memsz = 0x2000 };
		ph[1] = (Elf32_Phdr){ .p_type = PT_NOTE, .p_offset = (uint32_t)nstart,
				      .p_filesz = (uint32_t)(at - nstart) };
	}
	*len = at;
	return f;
}

static const struct pvh_elf good32 = { .entry_note = true, .entry = LINKED + 0x10,
				       .paddr = LINKED };
static struct eb_elf_info elf;
static struct eb_pvh_kernel pk;
static char err[300];

#define EXPECT_BAD(call, text)                                                    \
	do {                                                                      \
		err[0] = 0;                                                       \
		CHECK_EQ((call), -1);                                             \
		CHECKF(strstr(err, text), "error '%s' does not say '%s'", err, text); \
	} while (0)

TEST(elf32_with_entry)
{
	uint64_t len;
	uint8_t *f = make(&good32, &len);
	REQUIRE_EQ(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err), 0);
	CHECK(pk.elf32);
	CHECK_EQ(pk.entry, LINKED + 0x10);
	CHECK_EQ(elf.entry, LINKED + 0x10);
	CHECK(!pk.relocatable);
	CHECK_EQ(elf.nseg, 1);
	CHECK_EQ(elf.seg[0].vaddr, elf.seg[0].paddr);
	CHECK(eb_pvh_kernel_has_entry(f, len));
	/* Without the flag an ELF32 stays refused as before. */
	CHECK_EQ(eb_elf_parse(f, len, &elf, err, sizeof err), -1);
	CHECK(strstr(err, "not a 64-bit ELF (class 1)") != 0);
}

TEST(elf64_keeps_physical_addresses)
{
	struct pvh_elf e = good32;
	e.is64 = true;
	uint64_t len;
	uint8_t *f = make(&e, &len);
	REQUIRE_EQ(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err), 0);
	CHECK(!pk.elf32);
	CHECK_EQ(elf.seg[0].vaddr, LINKED);
}

TEST(bad_kernels_named)
{
	uint64_t len;
	struct pvh_elf e = good32;
	e.entry_note = false;
	uint8_t *f = make(&e, &len);
	EXPECT_BAD(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err),
		   "no Xen ELF note PHYS32_ENTRY (type 18)");
	CHECK(!eb_pvh_kernel_has_entry(f, len));
	e = good32;
	e.entry = LINKED + 0x100; /* past the file bytes */
	f = make(&e, &len);
	EXPECT_BAD(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err),
		   "PHYS32_ENTRY 0x1000100 lies in no executable segment's file bytes");
	e = good32;
	e.paddr = 0xfffff000u; /* its 0x2000 bytes cross 4 GiB */
	e.entry = 0xfffff000u;
	f = make(&e, &len);
	EXPECT_BAD(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err),
		   "reaches above 4 GiB");
	e = good32;
	e.reloc_note = true, e.reloc_words = 1, e.reloc[0] = 0x3000;
	f = make(&e, &len);
	EXPECT_BAD(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err),
		   "PHYS32_RELOC: alignment 0x3000 is not a power of two");
	e.reloc_words = 3, e.reloc[0] = 0x200000, e.reloc[1] = 0x8000000, e.reloc[2] = 0x100000;
	f = make(&e, &len);
	EXPECT_BAD(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err),
		   "lowest start 0x8000000 lies above the highest byte 0x100000");
	e.reloc_words = 2;
	f = make(&e, &len);
	/* The PHYS32_RELOC note's descsz (after the 20 bytes of the entry note): 5. */
	f[8192 + 20 + 4] = 5;
	EXPECT_BAD(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err),
		   "descriptor of 5 bytes, want 0, 4, 8 or 12");
}

TEST(reloc_defaults)
{
	struct pvh_elf e = good32;
	e.reloc_note = true, e.reloc_words = 0;
	uint64_t len;
	uint8_t *f = make(&e, &len);
	REQUIRE_EQ(eb_pvh_kernel_parse(f, len, &elf, &pk, err, sizeof err), 0);
	CHECK(pk.relocatable);
	CHECK_EQ(pk.align, EB_PVH_RELOC_ALIGN_DEFAULT);
	CHECK_EQ(pk.min, 0);
	CHECK_EQ(pk.max, 0xffffffffULL);
}

/* RAM [1 MiB, 256 MiB) with [lo, hi) reserved when hi > lo. */
static struct eb_mem_range store[16];
static void memory(struct eb_memmap *m, uint64_t lo, uint64_t hi)
{
	eb_memmap_init(m, store, 16);
	REQUIRE_EQ(eb_memmap_add(m, 1 << 20, (256 << 20) - (1 << 20), EB_MEM_RAM, err, sizeof err), 0);
	if (hi > lo)
		REQUIRE_EQ(eb_memmap_carve(m, lo, hi - lo, EB_MEM_RESERVED, "taken", err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_normalize(m, err, sizeof err), 0);
}

static struct eb_boot b;

static int parse_place(const uint8_t *f, uint64_t len, unsigned world, unsigned protocol)
{
	memset(&b, 0, sizeof b);
	b.world = world;
	b.opt.protocol = protocol;
	b.kernel_name = "k";
	b.kfile_len = len;
	memory(&b.mem, 0, 0);
	err[0] = 0;
	if (eb_boot_parse_kernel(&b, f, 0, 0, 1 << 20, err, sizeof err))
		return -1;
	return 0;
}

TEST(protocol_rule)
{
	uint64_t len;
	uint8_t *f = make(&good32, &len);
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_UEFI, 0), 0);
	CHECK_EQ(b.protocol, EB_PROTOCOL_PVH); /* an ELF32 with the note */
	EXPECT_BAD(parse_place(f, len, EB_WORLD_UEFI, EB_PROTOCOL_LINUX),
		   "protocol=linux: the kernel is an ELF32, not a Linux bzImage or vmlinux");
	EXPECT_BAD(parse_place(f, len, EB_WORLD_UEFI, EB_PROTOCOL_EARLYBOOT),
		   "protocol=earlyboot: the kernel is an ELF32");
	struct pvh_elf e = good32;
	e.is64 = true, e.earlyboot_note = true;
	f = make(&e, &len);
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_PVH_XEN, 0), 0);
	CHECK_EQ(b.protocol, EB_PROTOCOL_EARLYBOOT); /* it says it speaks ours */
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_PVH, EB_PROTOCOL_PVH), 0);
	CHECK_EQ(b.protocol, EB_PROTOCOL_PVH);
	e.earlyboot_note = false;
	f = make(&e, &len);
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_PVH, 0), 0);
	CHECK_EQ(b.protocol, EB_PROTOCOL_PVH);
	e.entry_note = false;
	f = make(&e, &len);
	EXPECT_BAD(parse_place(f, len, EB_WORLD_PVH, EB_PROTOCOL_PVH),
		   "carries no Xen ELF note PHYS32_ENTRY (type 18): it has no PVH entry");
	e.is64 = false;
	f = make(&e, &len);
	EXPECT_BAD(parse_place(f, len, EB_WORLD_PVH, 0),
		   "not a 64-bit ELF (class 1), and no Xen ELF note PHYS32_ENTRY");
}

TEST(relocation_within_the_window)
{
	struct pvh_elf e = good32;
	uint64_t len;
	uint8_t *f = make(&e, &len);
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_PVH, 0), 0);
	memory(&b.mem, LINKED, LINKED + 0x100000); /* the linked frames taken */
	EXPECT_BAD(eb_boot_place_kernel(&b, 0, 0, 1 << 20, err, sizeof err),
		   "no Xen ELF note PHYS32_RELOC allowing it elsewhere");
	e.reloc_note = true, e.reloc_words = 3;
	e.reloc[0] = 0x400000, e.reloc[1] = 0x3000000, e.reloc[2] = 0x3ffffff;
	f = make(&e, &len);
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_PVH, 0), 0);
	memory(&b.mem, LINKED, LINKED + 0x100000);
	REQUIRE_EQ(eb_boot_place_kernel(&b, 0, 0, 1 << 20, err, sizeof err), 0);
	CHECK_EQ(b.elf.seg[0].paddr, 0x3000000);
	CHECK_EQ(b.pvh.entry, 0x3000010);
	CHECK_EQ(b.elf.entry, 0x3000010);
	CHECK_EQ(b.kernel_pa_delta, 0x2000000);
	/* A window with nothing free in it. */
	e.reloc[1] = 0x3000000, e.reloc[2] = 0x3000fff;
	f = make(&e, &len);
	REQUIRE_EQ(parse_place(f, len, EB_WORLD_PVH, 0), 0);
	memory(&b.mem, LINKED, LINKED + 0x100000);
	EXPECT_BAD(eb_boot_place_kernel(&b, 0, 0, 1 << 20, err, sizeof err),
		   "free in its PHYS32_RELOC window 0x3000000-0x3000fff");
}

static uint8_t block[EB_PVH_INFO_BYTES];

TEST(start_info_from_map_and_modules)
{
	struct eb_memmap m;
	memory(&m, 0, 0);
	REQUIRE_EQ(eb_memmap_carve(&m, 0x200000, 0x4000, EB_MEM_BOOT_INFO, "si", err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_carve(&m, 0x300000, 0x1000, EB_MEM_LOADER, "ld", err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_add(&m, 0xfee00000, 0x1000, EB_MEM_MMIO, err, sizeof err), 0);
	REQUIRE_EQ(eb_memmap_normalize(&m, err, sizeof err), 0);
	const struct eb_handoff_module mods[] = {
		{ 0x5000000, 0x1234, "module1" },
		{ 0x6000000, 0x4321, "initrd" },
	};
	struct eb_pvh_info_in in = { .pa = 0x200000, .flags = SIF_INITDOMAIN, .mem = &m,
				     .mods = mods, .nmods = 2, .cmdline = "console=ttyS0",
				     .rsdp_pa = 0xf5a00 };
	REQUIRE_EQ(eb_pvh_info_build(block, sizeof block, &in, err, sizeof err), 0);
	const struct hvm_start_info *si = (const void *)block;
	CHECK_EQ(si->magic, XEN_HVM_START_MAGIC_VALUE);
	CHECK_EQ(si->version, 1);
	CHECK_EQ(si->flags, SIF_INITDOMAIN);
	CHECK_EQ(si->rsdp_paddr, 0xf5a00);
	CHECK_EQ(si->nr_modules, 2);
	REQUIRE(si->modlist_paddr >= in.pa && si->modlist_paddr < in.pa + sizeof block);
	const struct hvm_modlist_entry *ml = (const void *)(block + (si->modlist_paddr - in.pa));
	CHECK_EQ(ml[0].paddr, 0x6000000); /* the initrd first */
	CHECK_EQ(ml[0].size, 0x4321);
	CHECK_STR((const char *)block + (ml[0].cmdline_paddr - in.pa), "initrd");
	CHECK_EQ(ml[1].paddr, 0x5000000);
	CHECK_STR((const char *)block + (si->cmdline_paddr - in.pa), "console=ttyS0");
	/* The loader's carvings are RAM again: one RAM entry, then the MMIO. */
	REQUIRE_EQ(si->memmap_entries, 2);
	const struct hvm_memmap_table_entry *map =
		(const void *)(block + (si->memmap_paddr - in.pa));
	CHECK_EQ(map[0].addr, 1 << 20);
	CHECK_EQ(map[0].size, (256 << 20) - (1 << 20));
	CHECK_EQ(map[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
	CHECK_EQ(map[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	CHECK_EQ(map[0].reserved, 0);
	/* defect= breaks what the test kernel's pvh-header and pvh-memmap judge. */
	in.defect = EB_DEFECT_MEMMAP;
	REQUIRE_EQ(eb_pvh_info_build(block, sizeof block, &in, err, sizeof err), 0);
	CHECK(map[0].addr > map[1].addr);
	in.defect = EB_DEFECT_MAGIC;
	REQUIRE_EQ(eb_pvh_info_build(block, sizeof block, &in, err, sizeof err), 0);
	CHECK(si->magic != XEN_HVM_START_MAGIC_VALUE);
}

TEST(start_info_placement_impossible)
{
	struct eb_memmap m;
	memory(&m, 0, 0);
	struct eb_pvh_info_in in = { .pa = 0xfffff000ULL, .mem = &m, .cmdline = "" };
	EXPECT_BAD(eb_pvh_info_build(block, sizeof block, &in, err, sizeof err),
		   "PVH start info at 0xfffff000+0x4000: not below 4 GiB");
	in.pa = 0x200000;
	EXPECT_BAD(eb_pvh_info_build(block, 64, &in, err, sizeof err),
		   "does not fit the 64-byte block");
}

int main(void)
{
	RUN(elf32_with_entry);
	RUN(elf64_keeps_physical_addresses);
	RUN(bad_kernels_named);
	RUN(reloc_defaults);
	RUN(protocol_rule);
	RUN(relocation_within_the_window);
	RUN(start_info_from_map_and_modules);
	RUN(start_info_placement_impossible);
	return th_done();
}
