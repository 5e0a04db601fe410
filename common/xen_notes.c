/* The Xen ELF notes of a kernel (xen_notes.h). Portable. */
#include "xen_notes.h"

#include <elf.h>

#include "cpio.h"
#include "fmt.h"
#include "libc.h"

static const char *const names[EB_XEN_NOTE_LAST + 1] = {
	[XEN_ELFNOTE_INFO] = "INFO",
	[XEN_ELFNOTE_ENTRY] = "ENTRY",
	[XEN_ELFNOTE_HYPERCALL_PAGE] = "HYPERCALL_PAGE",
	[XEN_ELFNOTE_VIRT_BASE] = "VIRT_BASE",
	[XEN_ELFNOTE_PADDR_OFFSET] = "PADDR_OFFSET",
	[XEN_ELFNOTE_XEN_VERSION] = "XEN_VERSION",
	[XEN_ELFNOTE_GUEST_OS] = "GUEST_OS",
	[XEN_ELFNOTE_GUEST_VERSION] = "GUEST_VERSION",
	[XEN_ELFNOTE_LOADER] = "LOADER",
	[XEN_ELFNOTE_PAE_MODE] = "PAE_MODE",
	[XEN_ELFNOTE_FEATURES] = "FEATURES",
	[XEN_ELFNOTE_BSD_SYMTAB] = "BSD_SYMTAB",
	[XEN_ELFNOTE_HV_START_LOW] = "HV_START_LOW",
	[XEN_ELFNOTE_L1_MFN_VALID] = "L1_MFN_VALID",
	[XEN_ELFNOTE_SUSPEND_CANCEL] = "SUSPEND_CANCEL",
	[XEN_ELFNOTE_INIT_P2M] = "INIT_P2M",
	[XEN_ELFNOTE_MOD_START_PFN] = "MOD_START_PFN",
	[XEN_ELFNOTE_SUPPORTED_FEATURES] = "SUPPORTED_FEATURES",
	[XEN_ELFNOTE_PHYS32_ENTRY] = "PHYS32_ENTRY",
	[XEN_ELFNOTE_PHYS32_RELOC] = "PHYS32_RELOC",
};

const char *eb_xen_note_name(unsigned type)
{
	return type <= EB_XEN_NOTE_LAST && names[type] ? names[type] : "(unknown type)";
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int fail(char *err, size_t n, const char *fmt, unsigned type,
		unsigned long long a, unsigned long long b)
{
	eb_snprintf(err, n, fmt, eb_xen_note_name(type), type, a, b);
	return -1;
}

/* A numeric note: 1, 2, 4 or 8 bytes, little-endian (as libelf reads them). */
static int numeric(const uint8_t *d, uint32_t size, unsigned type, uint64_t off,
		   uint64_t *v, char *err, size_t n)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fail(err, n,
			    "Xen ELF note %s (type %u) at file offset 0x%llx: descriptor of %llu bytes, want 1, 2, 4 or 8",
			    type, off, size);
	uint64_t x = 0;
	for (uint32_t i = size; i-- > 0;)
		x = x << 8 | d[i];
	*v = x;
	return 0;
}

/*
 * A string note: up to its first NUL or the end of its descriptor (Linux
 * writes FEATURES with .ascii: no NUL), and fitting, never cut.
 */
static int string(const uint8_t *d, uint32_t size, unsigned type, uint64_t off,
		  char *out, size_t cap, char *err, size_t n)
{
	uint32_t len = 0;
	while (len < size && d[len])
		len++;
	if (len >= cap) {
		eb_snprintf(err, n,
			    "Xen ELF note %s (type %u) at file offset 0x%llx: string of %u bytes, at most %llu kept",
			    eb_xen_note_name(type), type, (unsigned long long)off, len,
			    (unsigned long long)(cap - 1));
		return -1;
	}
	memcpy(out, d, len);
	out[len] = '\0';
	return 0;
}

static int take(struct eb_xen_notes *o, unsigned type, const uint8_t *d,
		uint32_t size, uint64_t off, char *err, size_t n)
{
	o->count++;
	if (type > EB_XEN_NOTE_LAST)
		return 0; /* crash-dump notes and the like: not the loader's */
	if ((o->present >> type) & 1)
		return fail(err, n,
			    "Xen ELF note %s (type %u) given twice (again at file offset 0x%llx)",
			    type, off, 0);
	o->present |= 1ULL << type;
	uint64_t v = 0;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		return numeric(d, size, type, off, &o->entry, err, n);
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		return numeric(d, size, type, off, &o->hypercall_page, err, n);
	case XEN_ELFNOTE_VIRT_BASE:
		return numeric(d, size, type, off, &o->virt_base, err, n);
	case XEN_ELFNOTE_PADDR_OFFSET:
		return numeric(d, size, type, off, &o->paddr_offset, err, n);
	case XEN_ELFNOTE_INIT_P2M:
		return numeric(d, size, type, off, &o->init_p2m, err, n);
	case XEN_ELFNOTE_HV_START_LOW:
		return numeric(d, size, type, off, &o->hv_start_low, err, n);
	case XEN_ELFNOTE_PHYS32_ENTRY:
		return numeric(d, size, type, off, &o->phys32_entry, err, n);
	case XEN_ELFNOTE_PHYS32_RELOC: {
		/* Up to three 32-bit words: alignment, lowest start, highest byte. */
		if (size % 4 || size > 12)
			return fail(err, n,
				    "Xen ELF note %s (type %u) at file offset 0x%llx: descriptor of %llu bytes, want 0, 4, 8 or 12",
				    type, off, size);
		o->reloc_words = size / 4;
		uint32_t w[3] = { 0, 0, 0 };
		for (unsigned i = 0; i < o->reloc_words; i++)
			w[i] = get32(d + 4 * i);
		o->reloc_align = w[0];
		o->reloc_min = w[1];
		o->reloc_max = w[2];
		return 0;
	}
	case XEN_ELFNOTE_MOD_START_PFN:
		if (numeric(d, size, type, off, &v, err, n))
			return -1;
		o->mod_start_pfn = v != 0;
		return 0;
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		/* Submap 0 (XENFEAT_NR_SUBMAPS is 1): the first 32 bits. */
		if (size < 4)
			return fail(err, n,
				    "Xen ELF note %s (type %u) at file offset 0x%llx: descriptor of %llu bytes, want at least 4",
				    type, off, size);
		o->supported_features = get32(d);
		return 0;
	case XEN_ELFNOTE_GUEST_OS:
		return string(d, size, type, off, o->guest_os, sizeof o->guest_os, err, n);
	case XEN_ELFNOTE_GUEST_VERSION:
		return string(d, size, type, off, o->guest_version,
			      sizeof o->guest_version, err, n);
	case XEN_ELFNOTE_XEN_VERSION:
		return string(d, size, type, off, o->xen_version,
			      sizeof o->xen_version, err, n);
	case XEN_ELFNOTE_LOADER:
		return string(d, size, type, off, o->loader, sizeof o->loader, err, n);
	case XEN_ELFNOTE_FEATURES:
		return string(d, size, type, off, o->features, sizeof o->features,
			      err, n);
	case XEN_ELFNOTE_PAE_MODE:
		return string(d, size, type, off, o->pae_mode, sizeof o->pae_mode,
			      err, n);
	}
	return 0; /* INFO, BSD_SYMTAB, L1_MFN_VALID, SUSPEND_CANCEL: not ours */
}

/* Every note of one PT_NOTE segment [off, off + size) of the file. */
static int walk(const uint8_t *f, uint64_t off, uint64_t size,
		struct eb_xen_notes *o, char *err, size_t n)
{
	uint64_t pos = off, end = off + size;
	while (end - pos >= 12) {
		uint32_t namesz = get32(f + pos), descsz = get32(f + pos + 4);
		uint32_t type = get32(f + pos + 8);
		uint64_t nlen = ((uint64_t)namesz + 3) & ~3ULL;
		uint64_t dlen = ((uint64_t)descsz + 3) & ~3ULL;
		uint64_t left = end - pos - 12;
		/* The last note's descriptor may lack its padding. */
		if (nlen > left || descsz > left - nlen) {
			eb_snprintf(err, n,
				    "ELF note at file offset 0x%llx: name of %u and descriptor of %u bytes run past its PT_NOTE segment (0x%llx-0x%llx)",
				    (unsigned long long)pos, namesz, descsz,
				    (unsigned long long)off, (unsigned long long)end);
			return -1;
		}
		const uint8_t *name = f + pos + 12, *desc = name + nlen;
		if (namesz == 4 && memcmp(name, "Xen", 4) == 0 &&
		    take(o, type, desc, descsz, pos, err, n))
			return -1;
		if (dlen > left - nlen)
			break;
		pos += 12 + nlen + dlen;
	}
	return 0;
}

/* One program header of either class, widened. */
struct phdr {
	uint32_t type;
	uint64_t offset, filesz;
};

static void read_phdr(const uint8_t *f, bool is64, uint64_t at, struct phdr *p)
{
	if (is64) {
		Elf64_Phdr ph;
		memcpy(&ph, f + at, sizeof ph);
		*p = (struct phdr){ ph.p_type, ph.p_offset, ph.p_filesz };
	} else {
		Elf32_Phdr ph;
		memcpy(&ph, f + at, sizeof ph);
		*p = (struct phdr){ ph.p_type, ph.p_offset, ph.p_filesz };
	}
}

int eb_xen_notes_read(const void *elf, uint64_t len, struct eb_xen_notes *o,
		      char *err, size_t n)
{
	const uint8_t *f = elf;
	memset(o, 0, sizeof *o);
	if (len < EI_NIDENT || memcmp(f, ELFMAG, SELFMAG) != 0 ||
	    (f[EI_CLASS] != ELFCLASS64 && f[EI_CLASS] != ELFCLASS32)) {
		eb_snprintf(err, n, "not an ELF32 or ELF64 file");
		return -1;
	}
	bool is64 = f[EI_CLASS] == ELFCLASS64;
	uint64_t phoff, phentsize, phnum, want = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (is64) {
		Elf64_Ehdr eh;
		if (len < sizeof eh)
			goto short_header;
		memcpy(&eh, f, sizeof eh);
		phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
	} else {
		Elf32_Ehdr eh;
		if (len < sizeof eh)
			goto short_header;
		memcpy(&eh, f, sizeof eh);
		phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
	}
	if (phentsize != want || phoff > len || phnum * want > len - phoff) {
		eb_snprintf(err, n,
			    "ELF program headers (%llu of %llu bytes at 0x%llx) outside the %llu-byte file",
			    (unsigned long long)phnum, (unsigned long long)phentsize,
			    (unsigned long long)phoff, (unsigned long long)len);
		return -1;
	}
	for (unsigned i = 0; i < phnum; i++) {
		struct phdr ph;
		read_phdr(f, is64, phoff + i * want, &ph);
		if (ph.type != PT_NOTE)
			continue;
		if (ph.offset > len || ph.filesz > len - ph.offset) {
			eb_snprintf(err, n,
				    "PT_NOTE segment %u (0x%llx bytes at 0x%llx) outside the %llu-byte file",
				    i, (unsigned long long)ph.filesz,
				    (unsigned long long)ph.offset, (unsigned long long)len);
			return -1;
		}
		if (walk(f, ph.offset, ph.filesz, o, err, n))
			return -1;
	}
	return 0;
short_header:
	eb_snprintf(err, n, "%llu bytes: too short for an ELF%s header",
		    (unsigned long long)len, is64 ? "64" : "32");
	return -1;
}

int eb_xen_notes_parse_pv(const void *elf, uint64_t len, struct eb_xen_notes *o,
		       char *err, size_t n)
{
	const uint8_t *f = elf;
	if (len < EI_NIDENT + 1 || memcmp(f, ELFMAG, SELFMAG) != 0 ||
	    f[EI_CLASS] != ELFCLASS64) {
		memset(o, 0, sizeof *o);
		eb_snprintf(err, n, "not an ELF64 file");
		return -1;
	}
	if (eb_xen_notes_read(elf, len, o, err, n))
		return -1;
	if (!o->count) {
		eb_snprintf(err, n,
			    "no Xen ELF notes (no note named \"Xen\" in any PT_NOTE segment): not a Xen PV kernel (Linux: CONFIG_XEN_PV)");
		return -1;
	}
	static const unsigned required[] = { XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_VIRT_BASE,
					     XEN_ELFNOTE_XEN_VERSION };
	for (unsigned i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!eb_xen_note_has(o, required[i]))
			return fail(err, n,
				    "Xen ELF note %s (type %u) missing (%llu Xen notes found)",
				    required[i], o->count, 0);
	char q[EB_XEN_NOTE_STR_MAX], q2[EB_XEN_NOTE_STR_MAX];
	if (strcmp(o->xen_version, "xen-3.0") != 0) {
		eb_snprintf(err, n,
			    "Xen ELF note XEN_VERSION is \"%s\": only \"xen-3.0\" images are PV kernels",
			    eb_cpio_printable(q, sizeof q, o->xen_version));
		return -1;
	}
	/* libelf: the generic loader, or a Linux image. */
	if (strcmp(o->loader, "generic") != 0 && memcmp(o->guest_os, "linux", 5) != 0) {
		eb_snprintf(err, n,
			    "Xen ELF notes LOADER \"%s\" and GUEST_OS \"%s\": want LOADER \"generic\" or GUEST_OS \"linux\"",
			    eb_cpio_printable(q, sizeof q, o->loader),
			    eb_cpio_printable(q2, sizeof q2, o->guest_os));
		return -1;
	}
	return 0;
}
