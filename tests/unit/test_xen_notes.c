/*
 * common/xen_notes.c: the Xen ELF notes of a PV kernel. ELFs are made here,
 * note by note: Linux's set (as Debian 12's generic vmlinux carries it: no
 * HYPERCALL_PAGE, FEATURES without a NUL), earlyboot's own, then one thing
 * wrong at a time, each refused with a message naming what. When make has
 * built them, the real build/linux/vmlinux (the kernel tools/linux-image
 * names, mk/linux.mk) and build/earlyboot-pv.elf are read too (SKIP
 * otherwise).
 */
#define _DEFAULT_SOURCE
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "xen_notes.h"

#define VB 0xffffffff80000000ULL

struct note {
	const char *owner;
	unsigned type;
	const void *desc;
	unsigned size;
};

/* Numeric and string descriptors, kept alive for the case's ELF. */
static uint64_t u64s[32];
static unsigned nu64;
static const void *num(uint64_t v)
{
	u64s[nu64 % 32] = v;
	return &u64s[nu64++ % 32];
}

#define N(t, v) { "Xen", t, num(v), 8 }
#define S(t, s) { "Xen", t, s, sizeof(s) }

/* An ELF64 with one PT_LOAD and the notes in `segs` PT_NOTE segments. */
static uint8_t *make_elf(const struct note *notes, unsigned n, unsigned segs,
			 uint64_t *len)
{
	uint8_t *f = th_alloc(65536);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof *eh;
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (Elf64_Half)(1 + segs);
	Elf64_Phdr *ph = (Elf64_Phdr *)(f + eh->e_phoff);
	uint64_t at = 4096;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = at,
			      .p_vaddr = VB + 0x1000000, .p_paddr = 0x1000000,
			      .p_filesz = 16, .p_memsz = 16, .p_align = 4096 };
	at += 4096;
	for (unsigned s = 0; s < segs; s++) {
		uint64_t start = at;
		for (unsigned i = s; i < n; i += segs) {
			const struct note *x = &notes[i];
			uint32_t nsz = (uint32_t)strlen(x->owner) + 1;
			uint32_t h[3] = { nsz, x->size, x->type };
			memcpy(f + at, h, 12);
			at += 12;
			memcpy(f + at, x->owner, nsz);
			at += (nsz + 3) & ~3u;
			memcpy(f + at, x->desc, x->size);
			at += (x->size + 3) & ~3u;
		}
		ph[1 + s] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_flags = PF_R,
					  .p_offset = start, .p_filesz = at - start,
					  .p_align = 4 };
	}
	*len = at;
	return f;
}

static const char linux_features[41] = "!writable_page_tables|pae_pgdir_above_4gb";
static const uint32_t linux_supported = 0x8801, one = 1;

/* Debian 12's generic vmlinux (readelf -n), in its order; its release
 * string (the "Linux" note) replaced by a made-up one. */
static unsigned linux_notes(struct note *o)
{
	struct note v[] = {
		S(XEN_ELFNOTE_GUEST_OS, "linux"),
		S(XEN_ELFNOTE_GUEST_VERSION, "2.6"),
		S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"),
		N(XEN_ELFNOTE_VIRT_BASE, VB),
		N(XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL),
		N(XEN_ELFNOTE_ENTRY, 0xffffffff830791c0ULL),
		{ "Xen", XEN_ELFNOTE_FEATURES, linux_features, sizeof linux_features },
		{ "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES, &linux_supported, 4 },
		S(XEN_ELFNOTE_PAE_MODE, "yes"),
		S(XEN_ELFNOTE_LOADER, "generic"),
		{ "Xen", XEN_ELFNOTE_SUSPEND_CANCEL, &one, 4 },
		{ "Xen", XEN_ELFNOTE_MOD_START_PFN, &one, 4 },
		N(XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ULL),
		N(XEN_ELFNOTE_PADDR_OFFSET, 0),
		{ "GNU", 3, "0123456789abcdefghij", 20 },
		{ "Linux", 0x100, "0.0.0-fixture", 14 },
		N(XEN_ELFNOTE_PHYS32_ENTRY, 0x1000850),
	};
	memcpy(o, v, sizeof v);
	return sizeof v / sizeof v[0];
}

static struct eb_xen_notes out;
static char err[300];

static int parse(const uint8_t *f, uint64_t len)
{
	err[0] = 0;
	return eb_xen_notes_parse_pv(f, len, &out, err, sizeof err);
}

#define EXPECT_BAD(f, len, text)                                                  \
	do {                                                                      \
		CHECK_EQ(parse(f, len), -1);                                      \
		CHECKF(strstr(err, text), "error '%s' does not say '%s'", err, text); \
	} while (0)

TEST(linux_vmlinux_notes)
{
	struct note v[32];
	unsigned n = linux_notes(v);
	uint64_t len;
	uint8_t *f = make_elf(v, n, 1, &len);
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.entry, 0xffffffff830791c0ULL);
	CHECK_EQ(out.virt_base, VB);
	CHECK_EQ(out.paddr_offset, 0);
	CHECK_EQ(out.init_p2m, 0x8000000000ULL);
	CHECK_EQ(out.hv_start_low, 0xffff800000000000ULL);
	CHECK_EQ(out.phys32_entry, 0x1000850);
	/* The bitmap, and the names of FEATURES ('!' ones required too). */
	CHECK_EQ(out.supported_features, 0x8801 | 1u << XENFEAT_pae_pgdir_above_4gb);
	CHECK_EQ(out.required_features, 1u << XENFEAT_writable_page_tables);
	CHECK(out.supported_features & (1u << XENFEAT_dom0));
	unsigned bit = 99;
	CHECK_EQ(eb_xen_features_missing(&out, PV_FEATURES_OFFERED, &bit), -1);
	CHECK(out.mod_start_pfn);
	CHECK(!eb_xen_note_has(&out, XEN_ELFNOTE_HYPERCALL_PAGE));
	CHECK_EQ(out.hypercall_page, 0);
	CHECK_STR(out.guest_os, "linux");
	CHECK_STR(out.loader, "generic");
	CHECK_STR(out.xen_version, "xen-3.0");
	CHECK_STR(out.features, "!writable_page_tables|pae_pgdir_above_4gb");
	CHECK_EQ(out.count, n - 2); /* GNU and Linux are not Xen's */
}

TEST(notes_spread_over_segments)
{
	struct note v[32];
	unsigned n = linux_notes(v);
	uint64_t len;
	uint8_t *f = make_elf(v, n, 3, &len);
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.entry, 0xffffffff830791c0ULL);
	CHECK_EQ(out.count, n - 2);
}

TEST(earlyboot_style_notes)
{
	struct note v[] = {
		S(XEN_ELFNOTE_GUEST_OS, "earlyboot"), S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"),
		S(XEN_ELFNOTE_LOADER, "generic"), N(XEN_ELFNOTE_VIRT_BASE, VB),
		N(XEN_ELFNOTE_PADDR_OFFSET, VB), N(XEN_ELFNOTE_ENTRY, VB),
		N(XEN_ELFNOTE_HYPERCALL_PAGE, VB + 0x1000),
	};
	uint64_t len;
	uint8_t *f = make_elf(v, 7, 1, &len);
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.paddr_offset, VB);
	CHECK(eb_xen_note_has(&out, XEN_ELFNOTE_HYPERCALL_PAGE));
	CHECK_EQ(out.hypercall_page, VB + 0x1000);
}

TEST(small_numeric_descriptors)
{
	uint32_t e32 = 0x1000850;
	uint16_t e16 = 0x1234;
	struct note v[] = {
		S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"), S(XEN_ELFNOTE_GUEST_OS, "linux"),
		N(XEN_ELFNOTE_VIRT_BASE, 0), { "Xen", XEN_ELFNOTE_ENTRY, &e32, 4 },
		{ "Xen", XEN_ELFNOTE_PADDR_OFFSET, &e16, 2 },
	};
	uint64_t len;
	uint8_t *f = make_elf(v, 5, 1, &len);
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.entry, 0x1000850);
	CHECK_EQ(out.paddr_offset, 0x1234);
}

TEST(no_xen_notes)
{
	struct note v[] = { { "Linux", 0x100, "0.0.0", 6 }, { "GNU", 3, "abcd", 4 } };
	uint64_t len;
	uint8_t *f = make_elf(v, 2, 1, &len);
	EXPECT_BAD(f, len, "no Xen ELF notes");
	/* No PT_NOTE at all: the same. */
	f = make_elf(v, 0, 0, &len);
	EXPECT_BAD(f, len, "no Xen ELF notes");
	/* Only a PVH entry: not a PV kernel either, said so. */
	uint32_t e32 = 0x1000000;
	struct note pvh[] = { { "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &e32, 4 } };
	f = make_elf(pvh, 1, 1, &len);
	EXPECT_BAD(f, len, "no Xen ELF notes for a PV kernel (only the PVH entry note PHYS32_ENTRY, no __xen_guest section)");
	CHECK(!eb_xen_notes_pv_kernel(f, len));
}

/* Linux's set without one note. */
static void without(unsigned type, const char *want)
{
	struct note v[32], w[32];
	unsigned n = linux_notes(v), m = 0;
	for (unsigned i = 0; i < n; i++)
		if (strcmp(v[i].owner, "Xen") || v[i].type != type)
			w[m++] = v[i];
	uint64_t len;
	uint8_t *f = make_elf(w, m, 1, &len);
	EXPECT_BAD(f, len, want);
}

TEST(required_notes_named)
{
	without(XEN_ELFNOTE_XEN_VERSION, "Xen ELF note XEN_VERSION (type 5) missing");
	/* Linux's set has PADDR_OFFSET: without VIRT_BASE it means nothing. */
	without(XEN_ELFNOTE_VIRT_BASE, "PADDR_OFFSET 0x0 given without VIRT_BASE");
}

static void with(unsigned type, const void *desc, unsigned size, const char *want);

/* Xen's defaults: ENTRY is e_entry, VIRT_BASE 0, PADDR_OFFSET 0 with notes. */
TEST(defaults_as_xen_builder)
{
	struct note v[] = {
		S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"), S(XEN_ELFNOTE_LOADER, "generic"),
	};
	uint64_t len;
	uint8_t *f = make_elf(v, 2, 1, &len);
	((Elf64_Ehdr *)f)->e_entry = 0x401000;
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.entry, 0x401000);
	CHECK(out.entry_from_header);
	CHECK_EQ(out.virt_base, 0);
	CHECK_EQ(out.paddr_offset, 0);
	CHECK(!out.legacy);
	/* VIRT_BASE alone: PADDR_OFFSET still 0 (the notes' interface). */
	struct note w[] = {
		S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"), S(XEN_ELFNOTE_LOADER, "generic"),
		N(XEN_ELFNOTE_VIRT_BASE, 0x400000),
	};
	f = make_elf(w, 3, 1, &len);
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.virt_base, 0x400000);
	CHECK_EQ(out.paddr_offset, 0);
	/* libelf compares prefixes: "xen-3.0-custom" and "generic-x" pass. */
	struct note x[] = {
		S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0-custom"), S(XEN_ELFNOTE_LOADER, "generic-x"),
	};
	f = make_elf(x, 2, 1, &len);
	CHECKF(parse(f, len) == 0, "refused: %s", err);
}

TEST(feature_strings_as_libelf)
{
	uint32_t sup = 0, req = 0;
	REQUIRE_EQ(eb_xen_features_parse("!writable_page_tables|pae_pgdir_above_4gb", &sup,
					 &req, err, sizeof err), 0);
	CHECK_EQ(sup, 1u << 0 | 1u << 4);
	CHECK_EQ(req, 1u << 0);
	/* Unknown names are ignored unless required; empty items are nothing. */
	sup = req = 0;
	REQUIRE_EQ(eb_xen_features_parse("no_such|dom0||!supervisor_mode_kernel", &sup, &req,
					 err, sizeof err), 0);
	CHECK_EQ(sup, 1u << XENFEAT_dom0 | 1u << XENFEAT_supervisor_mode_kernel);
	CHECK_EQ(req, 1u << XENFEAT_supervisor_mode_kernel);
	CHECK_EQ(eb_xen_features_parse("dom0|!no_such_feature", &sup, &req, err, sizeof err),
		 -1);
	CHECKF(strstr(err, "requires \"no_such_feature\""), "error '%s'", err);
	CHECK_STR(eb_xen_feature_name(XENFEAT_dom0), "dom0");
	CHECK(eb_xen_feature_name(31) == NULL);
}

TEST(required_feature_not_offered_named)
{
	static const char smk[] = "!supervisor_mode_kernel|writable_page_tables";
	static const char unknown[] = "!made_up";
	with(XEN_ELFNOTE_FEATURES, smk, sizeof smk, NULL);
	unsigned bit = 99;
	CHECK_EQ(eb_xen_features_missing(&out, PV_FEATURES_OFFERED, &bit), 0);
	CHECK_EQ(bit, XENFEAT_supervisor_mode_kernel);
	CHECK(!(PV_FEATURES_OFFERED & (1u << XENFEAT_auto_translated_physmap)));
	with(XEN_ELFNOTE_FEATURES, unknown, sizeof unknown,
	     "FEATURES requires \"made_up\", a feature <xen/features.h> does not name");
	/* The bitmap form adds to the supported set, never to the required. */
	static const uint32_t bits = 1u << XENFEAT_hvm_callback_vector;
	with(XEN_ELFNOTE_SUPPORTED_FEATURES, &bits, 4, NULL);
	CHECK(out.supported_features & bits);
	CHECK(!(out.required_features & bits));
}

/* An ELF with no notes and a __xen_guest section holding `text`. */
static uint8_t *make_legacy(const char *text, uint64_t *len)
{
	uint8_t *f = make_elf(NULL, 0, 0, len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	static const char names[] = "\0.shstrtab\0__xen_guest";
	uint64_t at = *len;
	memcpy(f + at, names, sizeof names);
	uint64_t names_at = at;
	at += sizeof names;
	uint64_t text_at = at;
	memcpy(f + at, text, strlen(text) + 1);
	at = (at + strlen(text) + 1 + 7) & ~7ULL;
	Elf64_Shdr *sh = (Elf64_Shdr *)(f + at);
	memset(sh, 0, 3 * sizeof *sh);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = names_at,
			      .sh_size = sizeof names };
	sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = text_at,
			      .sh_size = strlen(text) + 1 };
	eh->e_shoff = at;
	eh->e_shentsize = sizeof *sh;
	eh->e_shnum = 3;
	eh->e_shstrndx = 1;
	*len = at + 3 * sizeof *sh;
	return f;
}

TEST(legacy_xen_guest_section)
{
	uint64_t len;
	uint8_t *f = make_legacy("GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,HYPERCALL_PAGE=0x101,LOADER=generic,FEATURES=!writable_page_tables", &len);
	CHECK(eb_xen_notes_pv_kernel(f, len));
	REQUIRE_EQ(parse(f, len), 0);
	CHECK(out.legacy);
	CHECK_EQ(out.virt_base, VB);
	/* No ELF_PADDR_OFFSET: VIRT_BASE, the legacy default (paddr = vaddr). */
	CHECK_EQ(out.paddr_offset, VB);
	CHECK_EQ(out.hypercall_page, VB + 0x101000);
	CHECK_EQ(out.required_features, 1u);
	f = make_legacy("XEN_VER=xen-3.0,LOADER=generic,VIRT_BASE=0x400000,ELF_PADDR_OFFSET=0", &len);
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.paddr_offset, 0);
	f = make_legacy("XEN_VER=xen-3.0,LOADER=generic,VIRT_BASE=0x40zz", &len);
	EXPECT_BAD(f, len, "__xen_guest entry VIRT_BASE at file offset 0x");
}

TEST(pv_kernel_or_not)
{
	struct note v[32];
	unsigned n = linux_notes(v);
	uint64_t len;
	uint8_t *f = make_elf(v, n, 1, &len);
	CHECK(eb_xen_notes_pv_kernel(f, len));
	/* The PVH entry alone (a PVH kernel) is no PV kernel; no notes neither. */
	struct note pvh[] = { N(XEN_ELFNOTE_PHYS32_ENTRY, 0x100000) };
	f = make_elf(pvh, 1, 1, &len);
	CHECK(!eb_xen_notes_pv_kernel(f, len));
	f = make_elf(NULL, 0, 0, &len);
	CHECK(!eb_xen_notes_pv_kernel(f, len));
	CHECK(!eb_xen_notes_pv_kernel("not an elf", 10));
}

/* Linux's set with one note's descriptor replaced. */
static void with(unsigned type, const void *desc, unsigned size, const char *want)
{
	struct note v[32];
	unsigned n = linux_notes(v);
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(v[i].owner, "Xen") && v[i].type == type) {
			v[i].desc = desc;
			v[i].size = size;
		}
	uint64_t len;
	uint8_t *f = make_elf(v, n, 1, &len);
	if (want)
		EXPECT_BAD(f, len, want);
	else
		CHECKF(parse(f, len) == 0, "refused: %s", err);
}

TEST(bad_notes_named)
{
	with(XEN_ELFNOTE_ENTRY, "abc", 3, "ENTRY (type 1) at file offset 0x");
	with(XEN_ELFNOTE_ENTRY, "abc", 3, "descriptor of 3 bytes, want 1, 2, 4 or 8");
	with(XEN_ELFNOTE_VIRT_BASE, "0123456789abcdef", 16, "VIRT_BASE (type 3)");
	with(XEN_ELFNOTE_SUPPORTED_FEATURES, "ab", 2, "want at least 4");
	with(XEN_ELFNOTE_XEN_VERSION, "xen-2.0", 8, "XEN_VERSION is \"xen-2.0\"");
	static const char longname[100] =
		"linux-but-a-very-long-guest-os-name-that-does-not-fit-in-sixty-four-bytes";
	with(XEN_ELFNOTE_GUEST_OS, longname, sizeof longname, "at most 63 kept");
	/* A string without NUL is fine (Linux's FEATURES is one). */
	with(XEN_ELFNOTE_GUEST_VERSION, "2.6", 3, NULL);
}

TEST(loader_or_linux_required)
{
	struct note v[] = {
		S(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"), S(XEN_ELFNOTE_GUEST_OS, "plan9\x01"),
		S(XEN_ELFNOTE_LOADER, "grub"), N(XEN_ELFNOTE_VIRT_BASE, VB),
		N(XEN_ELFNOTE_ENTRY, VB),
	};
	uint64_t len;
	uint8_t *f = make_elf(v, 5, 1, &len);
	EXPECT_BAD(f, len, "LOADER \"grub\" and GUEST_OS \"plan9?\"");
	CHECK(eb_xen_notes_pv_kernel(f, len)); /* a PV kernel, refused */
}

TEST(twice_refused)
{
	struct note v[32];
	unsigned n = linux_notes(v);
	v[n++] = (struct note)N(XEN_ELFNOTE_ENTRY, VB);
	uint64_t len;
	uint8_t *f = make_elf(v, n, 1, &len);
	EXPECT_BAD(f, len, "Xen ELF note ENTRY (type 1) given twice");
}

TEST(malformed_containers)
{
	struct note v[32];
	unsigned n = linux_notes(v);
	uint64_t len;
	uint8_t *f = make_elf(v, n, 1, &len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	Elf64_Phdr *ph = (Elf64_Phdr *)(f + eh->e_phoff);
	/* A note whose descriptor runs past the segment. */
	uint32_t big = 0x10000;
	memcpy(f + ph[1].p_offset + 4, &big, 4);
	EXPECT_BAD(f, len, "run past its PT_NOTE segment");
	/* The segment past the file. */
	f = make_elf(v, n, 1, &len);
	ph = (Elf64_Phdr *)(f + ((Elf64_Ehdr *)f)->e_phoff);
	ph[1].p_filesz = len;
	EXPECT_BAD(f, len, "PT_NOTE segment 1");
	/* Program headers past the file; a short file; not an ELF. */
	f = make_elf(v, n, 1, &len);
	((Elf64_Ehdr *)f)->e_phoff = len;
	EXPECT_BAD(f, len, "program headers");
	EXPECT_BAD(f, 40, "too short");
	f = make_elf(v, n, 1, &len);
	f[1] = 'X';
	EXPECT_BAD(f, len, "not an ELF64");
}

/* A real file from the build, or NULL (the case SKIPs). */
static uint8_t *slurp(const char *path, uint64_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	uint8_t *buf = th_alloc((uint64_t)n);
	size_t got = fread(buf, 1, (size_t)n, fp);
	fclose(fp);
	*len = got;
	return got == (size_t)n ? buf : NULL;
}

TEST(real_debian_vmlinux)
{
	uint64_t len;
	uint8_t *f = slurp("build/linux/vmlinux", &len);
	if (!f)
		th_skip("build/linux/vmlinux not built: run `make linux` (the kernel of package linux-image-amd64, named by tools/linux-image)");
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.virt_base, VB);
	CHECK_EQ(out.paddr_offset, 0);
	CHECK(out.entry > VB);
	CHECK(out.supported_features & (1u << XENFEAT_dom0));
	unsigned bit;
	CHECK_EQ(eb_xen_features_missing(&out, PV_FEATURES_OFFERED, &bit), -1);
	CHECK_STR(out.guest_os, "linux");
}

TEST(real_earlyboot_pv_image)
{
	uint64_t len;
	uint8_t *f = slurp("build/earlyboot-pv.elf", &len);
	if (!f)
		th_skip("build/earlyboot-pv.elf not built");
	REQUIRE_EQ(parse(f, len), 0);
	CHECK_EQ(out.virt_base, VB);
	CHECK_EQ(out.paddr_offset, VB);
	CHECK_EQ(out.entry, VB);
	CHECK(eb_xen_note_has(&out, XEN_ELFNOTE_HYPERCALL_PAGE));
	CHECK_STR(out.guest_os, "earlyboot");
}

int main(void)
{
	RUN(linux_vmlinux_notes);
	RUN(notes_spread_over_segments);
	RUN(earlyboot_style_notes);
	RUN(small_numeric_descriptors);
	RUN(no_xen_notes);
	RUN(required_notes_named);
	RUN(defaults_as_xen_builder);
	RUN(feature_strings_as_libelf);
	RUN(required_feature_not_offered_named);
	RUN(legacy_xen_guest_section);
	RUN(pv_kernel_or_not);
	RUN(bad_notes_named);
	RUN(loader_or_linux_required);
	RUN(twice_refused);
	RUN(malformed_containers);
	RUN(real_debian_vmlinux);
	RUN(real_earlyboot_pv_image);
	return th_done();
}
