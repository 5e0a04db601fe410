/*
 * ELF64 kernel images: validate the file, check where its PT_LOAD segments
 * would land, copy them there. World-neutral: the caller supplies the RAM
 * ranges, the ranges the loader occupies, and a way to reach physical memory.
 */
#ifndef EARLYBOOT_ELF_LOAD_H
#define EARLYBOOT_ELF_LOAD_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

#define EB_ELF_MAX_SEGS 16
/* No sane kernel segment is larger: anything bigger is an "absurd" size. */
#define EB_ELF_MAX_SEG_SIZE (1ULL << 30)

struct eb_elf_seg {
	unsigned index;    /* program header index, for messages */
	uint64_t vaddr, paddr, offset, filesz, memsz;
	uint32_t flags;    /* PF_R | PF_W | PF_X */
};

struct eb_elf_info {
	uint64_t entry;
	unsigned nseg;
	struct eb_elf_seg seg[EB_ELF_MAX_SEGS];
};

struct eb_range {
	uint64_t pa, len;
	const char *name; /* for messages ("loader image", ...) */
};

/*
 * Validate an ELF64 x86-64 executable of size bytes and collect its PT_LOAD
 * segments. 0, or -1 with a one-line reason naming the segment in err.
 */
int eb_elf_parse(const void *file, uint64_t size, struct eb_elf_info *out,
		 char *err, size_t errlen);

/* What eb_elf_parse_flags may relax (eb_elf_parse passes 0: nothing). */
#define EB_ELF_ALLOW_WX (1u << 0)        /* accept writable+executable segments */
#define EB_ELF_ENTRY_UNCHECKED (1u << 1) /* out->entry is e_entry, unchecked: the
					    caller knows what it means */
#define EB_ELF_ALLOW_ELF32 (1u << 2)     /* accept an i386 ELF32 too (a PVH
					    kernel), its fields widened */

/*
 * eb_elf_parse with some of its rules relaxed: the same validation of the
 * header and of every segment otherwise (Linux's vmlinux has an RWX init
 * segment and a physical e_entry; common/linux_boot.c uses both flags; a
 * PVH kernel may be an ELF32, common/pvh_kernel.c adds the third).
 */
int eb_elf_parse_flags(const void *file, uint64_t size, struct eb_elf_info *out,
		       unsigned flags, char *err, size_t errlen);

/*
 * The ELF header of either class, widened to ELF64's fields (bytes past a
 * short file read as 0), and one program header at `at` likewise: the one
 * place an ELF32 is read (eb_elf_parse_flags, common/xen_notes.c).
 */
void eb_elf_read_header(const void *file, uint64_t size, Elf64_Ehdr *eh);
void eb_elf_read_phdr(const void *at, bool is32, Elf64_Phdr *p);

/*
 * Every segment's pages [paddr, paddr+memsz) must be RAM in m (normalized:
 * sorted, adjacent ranges of one type merged) and overlap none of busy[]
 * (the loader, its pools, ...). The error names the segment, its pages and
 * the first address that is not RAM with what lies there (a range's type,
 * or a hole).
 */
int eb_elf_check_placement(const struct eb_elf_info *info,
			   const struct eb_memmap *m,
			   const struct eb_range *busy, size_t nbusy,
			   char *err, size_t errlen);

/* Page-rounded physical extent of a segment. */
uint64_t eb_elf_seg_pa_start(const struct eb_elf_seg *s);
uint64_t eb_elf_seg_pa_end(const struct eb_elf_seg *s);

/*
 * Copy each segment's file bytes to its paddr and zero the rest of memsz.
 * p2v gives a pointer to physical memory, contiguous across one segment.
 */
void eb_elf_copy(const struct eb_elf_info *info, const void *file,
		 void *(*p2v)(void *env, uint64_t pa), void *env);

#endif
