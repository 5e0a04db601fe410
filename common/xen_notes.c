/* The Xen ELF notes of a kernel (xen_notes.h). Portable. */
#include "xen_notes.h"

#include <elf.h>

#include "byteorder.h"
#include "cpio.h"
#include "elf_load.h"
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

/* <xen/features.h>'s bits by name (Xen's libelf knows a few of them only). */
static const char *const features[32] = {
	[XENFEAT_writable_page_tables] = "writable_page_tables",
	[XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
	[XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
	[XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
	[XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
	[XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
	[XENFEAT_highmem_assist] = "highmem_assist",
	[XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
	[XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
	[XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
	[XENFEAT_hvm_pirqs] = "hvm_pirqs",
	[XENFEAT_dom0] = "dom0",
	[XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
	[XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
	[XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
	[XENFEAT_not_direct_mapped] = "not_direct_mapped",
	[XENFEAT_direct_mapped] = "direct_mapped",
};

const char *eb_xen_feature_name(unsigned bit)
{
	return bit < 32 ? features[bit] : NULL;
}

int eb_xen_features_parse(const char *s, uint32_t *supported, uint32_t *required,
			  char *err, size_t n)
{
	while (*s) {
		size_t len = 0;
		while (s[len] && s[len] != '|')
			len++;
		bool req = len && s[0] == '!';
		const char *name = s + req;
		size_t nlen = len - req;
		unsigned bit = 0;
		for (; bit < 32; bit++)
			if (features[bit] && strlen(features[bit]) == nlen &&
			    memcmp(features[bit], name, nlen) == 0)
				break;
		if (bit < 32) {
			*supported |= 1u << bit;
			if (req)
				*required |= 1u << bit;
		} else if (req) {
			char q[EB_XEN_NOTE_STR_MAX * 2];
			memcpy(q, name, nlen);
			q[nlen] = '\0';
			eb_snprintf(err, n,
				    "Xen ELF note FEATURES requires \"%s\", a feature <xen/features.h> does not name",
				    eb_cpio_printable(q, sizeof q, q));
			return -1;
		}
		s += len + (s[len] == '|');
	}
	return 0;
}

int eb_xen_features_missing(const struct eb_xen_notes *n, uint32_t offered,
			    unsigned *bit)
{
	uint32_t missing = n->required_features & ~offered;
	for (unsigned b = 0; b < 32; b++)
		if (missing >> b & 1) {
			*bit = b;
			return 0;
		}
	return -1;
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
			w[i] = eb_le32(d + 4 * i);
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
		o->supported_features |= eb_le32(d);
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
		if (string(d, size, type, off, o->features, sizeof o->features, err, n))
			return -1;
		return eb_xen_features_parse(o->features, &o->supported_features,
					     &o->required_features, err, n);
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
		uint32_t namesz = eb_le32(f + pos), descsz = eb_le32(f + pos + 4);
		uint32_t type = eb_le32(f + pos + 8);
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

/* The section called `name` ([*off, *off + *size) of the file), or false. */
static bool find_section(const uint8_t *f, uint64_t len, const Elf64_Ehdr *eh,
			 const char *name, uint64_t *off, uint64_t *size)
{
	uint64_t shsz = sizeof(Elf64_Shdr);
	if (eh->e_shentsize != shsz || eh->e_shoff > len ||
	    (uint64_t)eh->e_shnum * shsz > len - eh->e_shoff ||
	    eh->e_shstrndx >= eh->e_shnum)
		return false;
	Elf64_Shdr strs, sh;
	memcpy(&strs, f + eh->e_shoff + eh->e_shstrndx * shsz, shsz);
	if (strs.sh_offset > len || strs.sh_size > len - strs.sh_offset)
		return false;
	size_t nlen = strlen(name) + 1;
	for (unsigned i = 1; i < eh->e_shnum; i++) {
		memcpy(&sh, f + eh->e_shoff + i * shsz, shsz);
		if (sh.sh_name >= strs.sh_size || strs.sh_size - sh.sh_name < nlen ||
		    memcmp(f + strs.sh_offset + sh.sh_name, name, nlen) != 0)
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > len ||
		    sh.sh_size > len - sh.sh_offset)
			return false;
		*off = sh.sh_offset;
		*size = sh.sh_size;
		return true;
	}
	return false;
}

/* A legacy value: decimal, 0x hex or 0 octal, as strtoull(.., 0) reads it. */
static bool legacy_number(const char *v, uint64_t *out)
{
	unsigned base = 10;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	} else if (v[0] == '0' && v[1]) {
		base = 8;
	}
	if (!*v)
		return false;
	uint64_t x = 0;
	for (; *v; v++) {
		unsigned d = *v >= '0' && *v <= '9' ? (unsigned)(*v - '0')
			     : *v >= 'a' && *v <= 'f' ? (unsigned)(*v - 'a' + 10)
			     : *v >= 'A' && *v <= 'F' ? (unsigned)(*v - 'A' + 10) : 99;
		if (d >= base || x > (~0ULL - d) / base)
			return false;
		x = x * base + d;
	}
	*out = x;
	return true;
}

/*
 * The legacy __xen_guest section: "NAME=VALUE,NAME=VALUE" up to a NUL or
 * the section's end; the names libelf reads, each recorded as the note it
 * stands for. HYPERCALL_PAGE there is a page number from VIRT_BASE.
 */
static int legacy(const uint8_t *f, uint64_t off, uint64_t size,
		  struct eb_xen_notes *o, char *err, size_t n)
{
	static const struct {
		const char *name;
		unsigned type;
	} keys[] = {
		{ "LOADER", XEN_ELFNOTE_LOADER }, { "GUEST_OS", XEN_ELFNOTE_GUEST_OS },
		{ "GUEST_VER", XEN_ELFNOTE_GUEST_VERSION },
		{ "XEN_VER", XEN_ELFNOTE_XEN_VERSION },
		{ "VIRT_BASE", XEN_ELFNOTE_VIRT_BASE },
		{ "VIRT_ENTRY", XEN_ELFNOTE_ENTRY },
		{ "ELF_PADDR_OFFSET", XEN_ELFNOTE_PADDR_OFFSET },
		{ "HYPERCALL_PAGE", XEN_ELFNOTE_HYPERCALL_PAGE },
		{ "FEATURES", XEN_ELFNOTE_FEATURES },
	};
	o->legacy = true;
	uint64_t pos = 0;
	while (pos < size && f[off + pos]) {
		char item[EB_XEN_NOTE_STR_MAX * 2 + 24];
		size_t len = 0;
		while (pos + len < size && f[off + pos + len] && f[off + pos + len] != ',')
			len++;
		if (len >= sizeof item) {
			eb_snprintf(err, n,
				    "__xen_guest section at file offset 0x%llx: entry of %llu bytes at +0x%llx, at most %llu",
				    (unsigned long long)off, (unsigned long long)len,
				    (unsigned long long)pos,
				    (unsigned long long)(sizeof item - 1));
			return -1;
		}
		memcpy(item, f + off + pos, len);
		item[len] = '\0';
		uint64_t at = off + pos;
		pos += len + 1;
		char *eq = item;
		while (*eq && *eq != '=')
			eq++;
		const char *val = *eq ? eq + 1 : "";
		*eq = '\0';
		for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			if (strcmp(item, keys[k].name) != 0)
				continue;
			unsigned t = keys[k].type;
			uint64_t num = 0;
			bool numeric = t == XEN_ELFNOTE_VIRT_BASE || t == XEN_ELFNOTE_ENTRY ||
				       t == XEN_ELFNOTE_PADDR_OFFSET ||
				       t == XEN_ELFNOTE_HYPERCALL_PAGE;
			if (numeric && !legacy_number(val, &num)) {
				char q[EB_XEN_NOTE_STR_MAX];
				eb_snprintf(err, n,
					    "__xen_guest entry %s at file offset 0x%llx: \"%s\" is not a number",
					    keys[k].name, (unsigned long long)at,
					    eb_cpio_printable(q, sizeof q, val));
				return -1;
			}
			if (numeric) {
				uint8_t d[8];
				for (unsigned i = 0; i < 8; i++)
					d[i] = (uint8_t)(num >> (8 * i));
				if (take(o, t, d, 8, at, err, n))
					return -1;
			} else if (take(o, t, (const uint8_t *)val, (uint32_t)strlen(val), at,
					err, n)) {
				return -1;
			}
		}
	}
	/* A page number from VIRT_BASE (libelf adds it once both are known). */
	if (eb_xen_note_has(o, XEN_ELFNOTE_HYPERCALL_PAGE))
		o->hypercall_page = (o->hypercall_page << 12) + o->virt_base;
	return 0;
}

/* Did a note of this type come from anything but the PVH entry? */
static bool pv_typed(const struct eb_xen_notes *o)
{
	return o->present & ~(1ULL << XEN_ELFNOTE_PHYS32_ENTRY);
}

static int header(const uint8_t *f, uint64_t len, Elf64_Ehdr *eh, char *err, size_t n)
{
	if (len < sizeof *eh) {
		eb_snprintf(err, n, "%llu bytes: too short for an ELF64 header",
			    (unsigned long long)len);
		return -1;
	}
	memcpy(eh, f, sizeof *eh);
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64) {
		eb_snprintf(err, n, "not an ELF64 file");
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff) {
		eb_snprintf(err, n,
			    "ELF program headers (%u of %u bytes at 0x%llx) outside the %llu-byte file",
			    eh->e_phnum, eh->e_phentsize, (unsigned long long)eh->e_phoff,
			    (unsigned long long)len);
		return -1;
	}
	return 0;
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
	uint64_t want = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		eb_snprintf(err, n, "%llu bytes: too short for an ELF%s header",
			    (unsigned long long)len, is64 ? "64" : "32");
		return -1;
	}
	Elf64_Ehdr eh;
	eb_elf_read_header(f, len, &eh);
	if (eh.e_phentsize != want || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * want > len - eh.e_phoff) {
		eb_snprintf(err, n,
			    "ELF program headers (%u of %u bytes at 0x%llx) outside the %llu-byte file",
			    eh.e_phnum, eh.e_phentsize, (unsigned long long)eh.e_phoff,
			    (unsigned long long)len);
		return -1;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		eb_elf_read_phdr(f + eh.e_phoff + i * want, !is64, &ph);
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
			eb_snprintf(err, n,
				    "PT_NOTE segment %u (0x%llx bytes at 0x%llx) outside the %llu-byte file",
				    i, (unsigned long long)ph.p_filesz,
				    (unsigned long long)ph.p_offset, (unsigned long long)len);
			return -1;
		}
		if (walk(f, ph.p_offset, ph.p_filesz, o, err, n))
			return -1;
	}
	return 0;
}

bool eb_xen_notes_pv_kernel(const void *elf, uint64_t len)
{
	static struct eb_xen_notes o;
	char err[8];
	Elf64_Ehdr eh;
	uint64_t off, size;
	if (header(elf, len, &eh, err, sizeof err))
		return false;
	/* A malformed note still says "Xen": the full parse names the fault. */
	if (eb_xen_notes_read(elf, len, &o, err, sizeof err) || pv_typed(&o))
		return true;
	return !o.count && find_section(elf, len, &eh, "__xen_guest", &off, &size);
}

int eb_xen_notes_parse_pv(const void *elf, uint64_t len, struct eb_xen_notes *o,
			  char *err, size_t n)
{
	const uint8_t *f = elf;
	memset(o, 0, sizeof *o);
	Elf64_Ehdr eh;
	if (header(f, len, &eh, err, n) || eb_xen_notes_read(f, len, o, err, n))
		return -1;
	uint64_t goff, gsize;
	/* A PVH entry note alone makes no PV kernel (the test kernel has one). */
	if (!pv_typed(o)) {
		if (!find_section(f, len, &eh, "__xen_guest", &goff, &gsize)) {
			eb_snprintf(err, n,
				    "no Xen ELF notes for a PV kernel (%s, no __xen_guest section): not a Xen PV kernel (Linux: CONFIG_XEN_PV)",
				    o->count ? "only the PVH entry note PHYS32_ENTRY"
					     : "no note named \"Xen\" in any PT_NOTE segment");
			return -1;
		}
		if (legacy(f, goff, gsize, o, err, n))
			return -1;
	}

	if (!eb_xen_note_has(o, XEN_ELFNOTE_XEN_VERSION))
		return fail(err, n, "Xen ELF note %s (type %u) missing (%llu Xen notes found)",
			    XEN_ELFNOTE_XEN_VERSION, o->count, 0);
	char q[EB_XEN_NOTE_STR_MAX], q2[EB_XEN_NOTE_STR_MAX];
	/* libelf compares the first 7 and 5 bytes (a prefix, as here). */
	if (strncmp(o->xen_version, "xen-3.0", 7) != 0) {
		eb_snprintf(err, n,
			    "Xen ELF note XEN_VERSION is \"%s\": only \"xen-3.0\" images are PV kernels",
			    eb_cpio_printable(q, sizeof q, o->xen_version));
		return -1;
	}
	/* libelf: the generic loader, or a Linux image. */
	if (strncmp(o->loader, "generic", 7) != 0 && strncmp(o->guest_os, "linux", 5) != 0) {
		eb_snprintf(err, n,
			    "Xen ELF notes LOADER \"%s\" and GUEST_OS \"%s\": want LOADER \"generic\" or GUEST_OS \"linux\"",
			    eb_cpio_printable(q, sizeof q, o->loader),
			    eb_cpio_printable(q2, sizeof q2, o->guest_os));
		return -1;
	}

	/* Xen's defaults and the one combination it refuses. */
	bool vb = eb_xen_note_has(o, XEN_ELFNOTE_VIRT_BASE);
	if (eb_xen_note_has(o, XEN_ELFNOTE_PADDR_OFFSET) && !vb) {
		eb_snprintf(err, n,
			    "Xen ELF note PADDR_OFFSET 0x%llx given without VIRT_BASE: the kernel's place is undefined",
			    (unsigned long long)o->paddr_offset);
		return -1;
	}
	if (!eb_xen_note_has(o, XEN_ELFNOTE_PADDR_OFFSET))
		o->paddr_offset = o->legacy ? o->virt_base : 0;
	if (!eb_xen_note_has(o, XEN_ELFNOTE_ENTRY)) {
		o->entry = eh.e_entry;
		o->entry_from_header = true;
	}
	return 0;
}
