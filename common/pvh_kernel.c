/* See pvh_kernel.h. */
#include "pvh_kernel.h"

#include <elf.h>

#include "fmt.h"
#include "libc.h"
#include "xen_notes.h"

#include "page.h"

bool eb_pvh_kernel_has_entry(const void *file, uint64_t len)
{
	struct eb_xen_notes n;
	char err[8];
	return eb_xen_notes_read(file, len, &n, err, sizeof err) == 0 &&
	       eb_xen_note_has(&n, XEN_ELFNOTE_PHYS32_ENTRY);
}

static int reloc_window(const struct eb_xen_notes *n, struct eb_pvh_kernel *pk,
			char *err, size_t errlen)
{
	pk->relocatable = eb_xen_note_has(n, XEN_ELFNOTE_PHYS32_RELOC);
	if (!pk->relocatable)
		return 0;
	pk->align = n->reloc_words >= 1 ? n->reloc_align : EB_PVH_RELOC_ALIGN_DEFAULT;
	pk->min = n->reloc_words >= 2 ? n->reloc_min : 0;
	pk->max = n->reloc_words >= 3 ? n->reloc_max : EB_PVH_LIMIT - 1;
	if (pk->align < PAGE || (pk->align & (pk->align - 1))) {
		eb_snprintf(err, errlen,
			    "Xen ELF note PHYS32_RELOC: alignment 0x%llx is not a power of two of at least 0x%llx",
			    (unsigned long long)pk->align, (unsigned long long)PAGE);
		return -1;
	}
	if (pk->min > pk->max) {
		eb_snprintf(err, errlen,
			    "Xen ELF note PHYS32_RELOC: lowest start 0x%llx lies above the highest byte 0x%llx",
			    (unsigned long long)pk->min, (unsigned long long)pk->max);
		return -1;
	}
	return 0;
}

int eb_pvh_kernel_parse(const void *file, uint64_t len, struct eb_elf_info *elf,
			struct eb_pvh_kernel *pk, char *err, size_t errlen)
{
	memset(pk, 0, sizeof *pk);
	struct eb_xen_notes n;
	if (eb_xen_notes_read(file, len, &n, err, errlen))
		return -1;
	if (!eb_xen_note_has(&n, XEN_ELFNOTE_PHYS32_ENTRY)) {
		eb_snprintf(err, errlen,
			    "no Xen ELF note PHYS32_ENTRY (type %u): no PVH entry (%u Xen notes found)",
			    XEN_ELFNOTE_PHYS32_ENTRY, n.count);
		return -1;
	}
	if (eb_elf_parse_flags(file, len, elf,
			       EB_ELF_ALLOW_WX | EB_ELF_ENTRY_UNCHECKED | EB_ELF_ALLOW_ELF32,
			       err, errlen))
		return -1;
	pk->elf32 = ((const uint8_t *)file)[EI_CLASS] == ELFCLASS32;
	pk->entry = n.phys32_entry;
	bool found = false;
	for (unsigned i = 0; i < elf->nseg; i++) {
		struct eb_elf_seg *s = &elf->seg[i];
		s->vaddr = s->paddr;
		if (eb_elf_seg_pa_end(s) > EB_PVH_LIMIT) {
			eb_snprintf(err, errlen,
				    "segment %u at pa 0x%llx-0x%llx reaches above 4 GiB, out of reach of a 32-bit entry with paging off",
				    s->index, (unsigned long long)s->paddr,
				    (unsigned long long)(s->paddr + s->memsz));
			return -1;
		}
		if ((s->flags & PF_X) && pk->entry >= s->paddr &&
		    pk->entry - s->paddr < s->filesz)
			found = true;
	}
	if (!found) {
		eb_snprintf(err, errlen,
			    "Xen ELF note PHYS32_ENTRY 0x%llx lies in no executable segment's file bytes (by physical address)",
			    (unsigned long long)pk->entry);
		return -1;
	}
	elf->entry = pk->entry;
	return reloc_window(&n, pk, err, errlen);
}
