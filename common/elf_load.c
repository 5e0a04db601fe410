/*
 * ELF64 validation and loading. The file is untrusted input: every offset
 * and size is checked for overflow before it is used.
 */
#include "elf_load.h"

#include <elf.h>
#include <stdbool.h>

#include "fmt.h"
#include "libc.h"

#include "page.h"

static uint64_t round_down(uint64_t v) { return v & ~(PAGE - 1); }
static uint64_t round_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

uint64_t eb_elf_seg_pa_start(const struct eb_elf_seg *s)
{
	return round_down(s->paddr);
}

uint64_t eb_elf_seg_pa_end(const struct eb_elf_seg *s)
{
	return round_up(s->paddr + s->memsz);
}

void eb_elf_read_header(const void *file, uint64_t size, Elf64_Ehdr *eh)
{
	memset(eh, 0, sizeof *eh);
	memcpy(eh, file, size < sizeof *eh ? (size_t)size : sizeof *eh);
	if (eh->e_ident[EI_CLASS] != ELFCLASS32)
		return;
	Elf32_Ehdr e32;
	memset(&e32, 0, sizeof e32);
	memcpy(&e32, file, size < sizeof e32 ? (size_t)size : sizeof e32);
	eh->e_type = e32.e_type;
	eh->e_machine = e32.e_machine;
	eh->e_version = e32.e_version;
	eh->e_entry = e32.e_entry;
	eh->e_phoff = e32.e_phoff;
	eh->e_shoff = e32.e_shoff;
	eh->e_flags = e32.e_flags;
	eh->e_ehsize = e32.e_ehsize;
	eh->e_phentsize = e32.e_phentsize;
	eh->e_phnum = e32.e_phnum;
	eh->e_shentsize = e32.e_shentsize;
	eh->e_shnum = e32.e_shnum;
	eh->e_shstrndx = e32.e_shstrndx;
}

void eb_elf_read_phdr(const void *at, bool is32, Elf64_Phdr *p)
{
	if (!is32) {
		memcpy(p, at, sizeof *p);
		return;
	}
	Elf32_Phdr q;
	memcpy(&q, at, sizeof q);
	*p = (Elf64_Phdr){ .p_type = q.p_type, .p_flags = q.p_flags,
			   .p_offset = q.p_offset, .p_vaddr = q.p_vaddr,
			   .p_paddr = q.p_paddr, .p_filesz = q.p_filesz,
			   .p_memsz = q.p_memsz, .p_align = q.p_align };
}

static int check_header(const Elf64_Ehdr *eh, uint64_t size, unsigned flags,
			char *err, size_t errlen)
{
	bool is32 = eh->e_ident[EI_CLASS] == ELFCLASS32 && (flags & EB_ELF_ALLOW_ELF32);
	uint64_t ehsize = is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	uint64_t phsize = is32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	if (size < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		eb_snprintf(err, errlen, "not an ELF file (bad magic)");
		return -1;
	}
	if (size < ehsize) {
		eb_snprintf(err, errlen, "truncated ELF: %llu bytes, header needs %llu",
			    (unsigned long long)size, (unsigned long long)ehsize);
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 && !is32) {
		eb_snprintf(err, errlen, "not a 64-bit ELF (class %u)",
			    eh->e_ident[EI_CLASS]);
		return -1;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		eb_snprintf(err, errlen, "not a little-endian ELF");
		return -1;
	}
	if (eh->e_machine != (is32 ? EM_386 : EM_X86_64)) {
		eb_snprintf(err, errlen, "ELF machine %u is not %s", eh->e_machine,
			    is32 ? "i386 (an ELF32)" : "x86-64");
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		eb_snprintf(err, errlen, "ELF type %u is not an executable", eh->e_type);
		return -1;
	}
	if (eh->e_phentsize != phsize || eh->e_phnum == 0) {
		eb_snprintf(err, errlen, "ELF program headers: %u entries of %u bytes",
			    eh->e_phnum, eh->e_phentsize);
		return -1;
	}
	uint64_t ph_bytes = (uint64_t)eh->e_phnum * phsize;
	if (eh->e_phoff > size || ph_bytes > size - eh->e_phoff) {
		eb_snprintf(err, errlen,
			    "truncated ELF: program headers at 0x%llx+0x%llx beyond file size 0x%llx",
			    (unsigned long long)eh->e_phoff, (unsigned long long)ph_bytes,
			    (unsigned long long)size);
		return -1;
	}
	return 0;
}

static int check_segment(const Elf64_Phdr *ph, unsigned i, uint64_t size,
			 unsigned flags, char *err, size_t errlen)
{
	unsigned long long va = ph->p_vaddr, pa = ph->p_paddr;
	if (ph->p_memsz == 0 || ph->p_memsz > EB_ELF_MAX_SEG_SIZE) {
		eb_snprintf(err, errlen,
			    "segment %u at 0x%llx: memory size 0x%llx is absurd (limit 0x%llx)",
			    i, va, (unsigned long long)ph->p_memsz,
			    (unsigned long long)EB_ELF_MAX_SEG_SIZE);
		return -1;
	}
	if (ph->p_filesz > ph->p_memsz) {
		eb_snprintf(err, errlen,
			    "segment %u at 0x%llx: file size 0x%llx exceeds memory size 0x%llx",
			    i, va, (unsigned long long)ph->p_filesz,
			    (unsigned long long)ph->p_memsz);
		return -1;
	}
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
		eb_snprintf(err, errlen,
			    "truncated ELF: segment %u at 0x%llx needs file bytes 0x%llx+0x%llx, file has 0x%llx",
			    i, va, (unsigned long long)ph->p_offset,
			    (unsigned long long)ph->p_filesz, (unsigned long long)size);
		return -1;
	}
	if (va + ph->p_memsz < va || pa + ph->p_memsz < pa ||
	    round_up(va + ph->p_memsz) < va || round_up(pa + ph->p_memsz) < pa) {
		eb_snprintf(err, errlen, "segment %u at 0x%llx (pa 0x%llx) wraps around",
			    i, va, pa);
		return -1;
	}
	if ((va & (PAGE - 1)) != (pa & (PAGE - 1))) {
		eb_snprintf(err, errlen,
			    "segment %u: vaddr 0x%llx and paddr 0x%llx differ in page offset",
			    i, va, pa);
		return -1;
	}
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X) &&
	    !(flags & EB_ELF_ALLOW_WX)) {
		eb_snprintf(err, errlen,
			    "segment %u at 0x%llx is writable and executable (W^X)", i, va);
		return -1;
	}
	return 0;
}

/* Pages of two segments may not meet: each page gets one set of permissions. */
static int check_overlaps(const struct eb_elf_info *in, char *err, size_t errlen)
{
	for (unsigned a = 0; a < in->nseg; a++) {
		for (unsigned b = a + 1; b < in->nseg; b++) {
			const struct eb_elf_seg *x = &in->seg[a], *y = &in->seg[b];
			bool va_meet = round_down(x->vaddr) < round_up(y->vaddr + y->memsz) &&
				       round_down(y->vaddr) < round_up(x->vaddr + x->memsz);
			bool pa_meet = eb_elf_seg_pa_start(x) < eb_elf_seg_pa_end(y) &&
				       eb_elf_seg_pa_start(y) < eb_elf_seg_pa_end(x);
			if (va_meet || pa_meet) {
				eb_snprintf(err, errlen,
					    "segments %u (0x%llx) and %u (0x%llx) share a page (%s)",
					    x->index, (unsigned long long)x->vaddr, y->index,
					    (unsigned long long)y->vaddr,
					    va_meet ? "virtual" : "physical");
				return -1;
			}
		}
	}
	return 0;
}

int eb_elf_parse(const void *file, uint64_t size, struct eb_elf_info *out,
		 char *err, size_t errlen)
{
	return eb_elf_parse_flags(file, size, out, 0, err, errlen);
}

int eb_elf_parse_flags(const void *file, uint64_t size, struct eb_elf_info *out,
		       unsigned flags, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	/*
	 * Read the header through a copy: the file need not be 8-byte aligned
	 * (a cpio member's data is only 4-aligned; found by
	 * tests/fuzz/fuzz_bootmod under UBSan). Bytes past a short file stay 0
	 * and check_header refuses it before looking at them.
	 */
	Elf64_Ehdr ehc;
	eb_elf_read_header(file, size, &ehc);
	const Elf64_Ehdr *eh = &ehc;
	if (check_header(eh, size, flags, err, errlen))
		return -1;
	bool is32 = eh->e_ident[EI_CLASS] == ELFCLASS32;
	/* Bytes, not Elf64_Phdr *: a misaligned pointer of that type is UB. */
	const char *ph = (const char *)file + eh->e_phoff;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr p;
		eb_elf_read_phdr(ph + (size_t)i * eh->e_phentsize, is32, &p);
		if (p.p_type != PT_LOAD)
			continue;
		if (check_segment(&p, i, size, flags, err, errlen))
			return -1;
		if (out->nseg == EB_ELF_MAX_SEGS) {
			eb_snprintf(err, errlen, "more than %u PT_LOAD segments",
				    EB_ELF_MAX_SEGS);
			return -1;
		}
		out->seg[out->nseg++] = (struct eb_elf_seg){
			i, p.p_vaddr, p.p_paddr, p.p_offset, p.p_filesz, p.p_memsz,
			p.p_flags
		};
	}
	if (out->nseg == 0) {
		eb_snprintf(err, errlen, "ELF has no PT_LOAD segment");
		return -1;
	}
	if (check_overlaps(out, err, errlen))
		return -1;
	out->entry = eh->e_entry;
	if (flags & EB_ELF_ENTRY_UNCHECKED)
		return 0;
	for (unsigned i = 0; i < out->nseg; i++) {
		const struct eb_elf_seg *s = &out->seg[i];
		if ((s->flags & PF_X) && eh->e_entry >= s->vaddr &&
		    eh->e_entry - s->vaddr < s->memsz)
			return 0;
	}
	eb_snprintf(err, errlen, "entry point 0x%llx is in no executable segment",
		    (unsigned long long)eh->e_entry);
	return -1;
}

int eb_elf_check_placement(const struct eb_elf_info *info,
			   const struct eb_memmap *m,
			   const struct eb_range *busy, size_t nbusy,
			   char *err, size_t errlen)
{
	for (unsigned i = 0; i < info->nseg; i++) {
		const struct eb_elf_seg *s = &info->seg[i];
		uint64_t lo = eb_elf_seg_pa_start(s), hi = eb_elf_seg_pa_end(s);
		for (size_t b = 0; b < nbusy; b++) {
			const struct eb_range *r = &busy[b];
			if (r->len && lo < r->pa + r->len && r->pa < hi) {
				eb_snprintf(err, errlen,
					    "segment %u at pa 0x%llx-0x%llx overlaps the %s at 0x%llx-0x%llx",
					    s->index, (unsigned long long)lo,
					    (unsigned long long)hi, r->name,
					    (unsigned long long)r->pa,
					    (unsigned long long)(r->pa + r->len));
				return -1;
			}
		}
		uint64_t at = eb_memmap_ram_until(m, lo, hi);
		if (at < hi || hi <= lo) {
			const char *what = eb_memmap_type_at(m, at);
			eb_snprintf(err, errlen,
				    "segment %u at pa 0x%llx-0x%llx lies outside usable RAM (0x%llx is %s)",
				    s->index, (unsigned long long)lo,
				    (unsigned long long)hi, (unsigned long long)at,
				    what ? what : EB_MEMMAP_HOLE);
			return -1;
		}
	}
	return 0;
}

void eb_elf_copy(const struct eb_elf_info *info, const void *file,
		 void *(*p2v)(void *env, uint64_t pa), void *env)
{
	for (unsigned i = 0; i < info->nseg; i++) {
		const struct eb_elf_seg *s = &info->seg[i];
		char *dst = p2v(env, s->paddr);
		memcpy(dst, (const char *)file + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
}
