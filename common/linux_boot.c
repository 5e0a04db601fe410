/* See linux_boot.h. */
#include "linux_boot.h"

#include <elf.h>

#include "bootinfo.h"
#include "byteorder.h"
#include "fmt.h"
#include "libc.h"


/*
 * The first note named name (with its NUL: namesz = strlen + 1) among the
 * ELF's PT_NOTE segments, of type type (any type when type < 0): its
 * descriptor and descsz, or NULL. Every size is checked against the file.
 */
static const uint8_t *find_note(const uint8_t *f, uint64_t len,
				const char *name, long type, uint32_t *descsz)
{
	/* An ELF32 (a PVH kernel) has neither a Linux nor an earlyboot note here. */
	if (len < sizeof(Elf64_Ehdr) || f[EI_CLASS] != ELFCLASS64)
		return 0;
	Elf64_Ehdr eh;
	memcpy(&eh, f, sizeof eh);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return 0;
	size_t want = strlen(name) + 1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, f + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_NOTE || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			continue;
		const uint8_t *n = f + ph.p_offset;
		uint64_t left = ph.p_filesz;
		while (left >= 12) {
			uint32_t namesz = eb_le32(n), dsz = eb_le32(n + 4);
			uint64_t nlen = ((uint64_t)namesz + 3) & ~3ull;
			uint64_t dlen = ((uint64_t)dsz + 3) & ~3ull;
			if (nlen > left - 12 || dlen > left - 12 - nlen)
				break;
			if (namesz == want && memcmp(n + 12, name, want) == 0 &&
			    (type < 0 || eb_le32(n + 8) == (uint32_t)type)) {
				*descsz = dsz;
				return n + 12 + nlen;
			}
			n += 12 + nlen + dlen;
			left -= 12 + nlen + dlen;
		}
	}
	return 0;
}

/* A note named "Linux" among the ELF's PT_NOTE segments. */
static bool has_linux_note(const uint8_t *f, uint64_t len)
{
	uint32_t dsz;
	return find_note(f, len, "Linux", -1, &dsz) != 0;
}

bool eb_elf_has_earlyboot_note(const void *file, uint64_t len)
{
	uint32_t dsz;
	return find_note(file, len, EB_ELFNOTE_NAME, -1, &dsz) != 0;
}

unsigned eb_kernel_max_levels(enum eb_kernel_kind kind, const void *file,
			      uint64_t len, const struct eb_bzimage *bz)
{
	switch (kind) {
	case EB_KERNEL_BZIMAGE:
		return bz && (bz->xloadflags & XLF_5LEVEL) ? 5 : 4;
	case EB_KERNEL_ELF: {
		uint32_t dsz;
		const uint8_t *d = find_note(file, len, EB_ELFNOTE_NAME,
					     EB_ELFNOTE_PAGING_LEVELS, &dsz);
		return d && dsz >= 4 && eb_le32(d) >= 5 ? 5 : 4;
	}
	default:
		/* A vmlinux carries no xloadflags: nothing says (docs/linux.md). */
		return 4;
	}
}

enum eb_kernel_kind eb_kernel_kind(const void *file, uint64_t len)
{
	const uint8_t *f = file;
	if (len >= 0x206 && eb_le16(f + 0x1fe) == EB_LINUX_BOOT_FLAG &&
	    eb_le32(f + 0x202) == EB_LINUX_HDR_MAGIC)
		return EB_KERNEL_BZIMAGE;
	if (len >= 4 && memcmp(f, ELFMAG, SELFMAG) == 0)
		return has_linux_note(f, len) ? EB_KERNEL_VMLINUX : EB_KERNEL_ELF;
	return eb_file_is_pe(file, len) ? EB_KERNEL_PE : EB_KERNEL_UNKNOWN;
}

bool eb_file_is_pe(const void *file, uint64_t len)
{
	const uint8_t *f = file;
	if (len < 0x40 || f[0] != 'M' || f[1] != 'Z')
		return false;
	uint32_t pe = eb_le32(f + 0x3c);
	return pe <= len - 4 && memcmp(f + pe, "PE\0\0", 4) == 0;
}

const char *eb_kernel_kind_name(enum eb_kernel_kind k)
{
	switch (k) {
	case EB_KERNEL_ELF: return "ELF (earlyboot handoff)";
	case EB_KERNEL_VMLINUX: return "Linux vmlinux ELF";
	case EB_KERNEL_BZIMAGE: return "Linux bzImage";
	case EB_KERNEL_PE: return "PE/EFI application";
	default: return "unknown";
	}
}

int eb_vmlinux_parse(const void *file, uint64_t len, struct eb_elf_info *out,
		     char *err, size_t errlen)
{
	if (eb_elf_parse_flags(file, len, out,
			       EB_ELF_ALLOW_WX | EB_ELF_ENTRY_UNCHECKED, err, errlen))
		return -1;
	if (!has_linux_note(file, len)) {
		eb_snprintf(err, errlen,
			    "vmlinux: no ELF note named \"Linux\": not a Linux kernel");
		return -1;
	}
	/* An ELF that also carries a setup header is a bzImage to
	 * eb_kernel_kind: one file, one kind, whichever parser is asked. */
	if (eb_kernel_kind(file, len) != EB_KERNEL_VMLINUX) {
		eb_snprintf(err, errlen,
			    "vmlinux: the file also has a bzImage setup header (boot_flag at 0x1fe, \"HdrS\" at 0x202): it is a %s, not a vmlinux",
			    eb_kernel_kind_name(eb_kernel_kind(file, len)));
		return -1;
	}
	if (out->entry >= 1ULL << 32) {
		eb_snprintf(err, errlen,
			    "vmlinux: entry point 0x%llx is not a physical address below 4 GiB (e_entry of a vmlinux is startup_64's load address)",
			    (unsigned long long)out->entry);
		return -1;
	}
	bool found = false;
	for (unsigned i = 0; i < out->nseg; i++) {
		struct eb_elf_seg *s = &out->seg[i];
		s->vaddr = s->paddr;
		if ((s->flags & PF_X) && out->entry >= s->paddr &&
		    out->entry - s->paddr < s->filesz)
			found = true;
	}
	if (!found) {
		eb_snprintf(err, errlen,
			    "vmlinux: entry point 0x%llx lies in no executable segment's file bytes (by physical address)",
			    (unsigned long long)out->entry);
		return -1;
	}
	return 0;
}
