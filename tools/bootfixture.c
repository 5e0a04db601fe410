/*
 * Host tool for the boot tests: writes the test initrd (header with length
 * and CRC32, see common/crc32.h) and derives broken kernels from a good one.
 *
 *   bootfixture initrd OUT SIZE          test initrd of SIZE bytes
 *   bootfixture elf-paddr IN OUT PADDR   move every PT_LOAD to PADDR onwards
 *   bootfixture elf-memsz IN OUT MEMSZ   first PT_LOAD gets memory size MEMSZ
 *   bootfixture elf-memsz-last IN OUT MEMSZ   the last one does (it grows
 *                                        into nothing else: only too big)
 *   bootfixture pe-corrupt OUT           "MZ" and a PE signature (what makes
 *                                        earlyboot hand the file to the
 *                                        firmware), then headers no loader
 *                                        can accept
 *   bootfixture elf-notes IN OUT NOTE... one more PT_NOTE segment holding
 *                                        the NOTEs (appended to the file,
 *                                        with a new program header table):
 *       linux              a note named "Linux" (what makes a vmlinux)
 *       xen:TYPE=NUMBER    a Xen note, 8-byte little-endian descriptor
 *       xen:TYPE=s:TEXT    a Xen note, NUL-terminated string
 */
#define _POSIX_C_SOURCE 200809L
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static int initrd(const char *out, unsigned long long size)
{
	struct eb_test_initrd h = { EB_TEST_INITRD_MAGIC, size, 0, 0 };
	if (size < sizeof h) {
		fprintf(stderr, "initrd: size below %zu\n", sizeof h);
		return 1;
	}
	unsigned char *buf = malloc(size);
	if (!buf)
		return 1;
	/* A simple LCG: deterministic content, no two pages alike. */
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	for (size_t i = sizeof h; i < size; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		buf[i] = (unsigned char)(x >> 56);
	}
	h.crc = eb_crc32(0, buf + sizeof h, size - sizeof h);
	memcpy(buf, &h, sizeof h);
	spit(out, buf, size);
	return 0;
}

static Elf64_Phdr *phdrs(unsigned char *buf, size_t len, unsigned *n)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > len) {
		fprintf(stderr, "not a usable ELF\n");
		exit(1);
	}
	*n = eh->e_phnum;
	return (Elf64_Phdr *)(buf + eh->e_phoff);
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, unsigned long v)
{
	put16(p, (unsigned)(v & 0xffff));
	put16(p + 2, (unsigned)(v >> 16));
}

/*
 * 1 KiB: the DOS stub's "MZ" and its pointer (offset 0x3c) to "PE\0\0" at
 * 0x80; a COFF header for x86-64 with one section and a PE32+ optional
 * header whose numbers contradict each other and the file: headers
 * 64 KiB long in a 1 KiB file, an image of 4 KiB smaller than its headers,
 * and 16 data directories announced in an optional header too short for
 * them. No section table follows.
 */
static int pe_corrupt(const char *out)
{
	unsigned char buf[1024];
	memset(buf, 0, sizeof buf);
	buf[0] = 'M';
	buf[1] = 'Z';
	put32(buf + 0x3c, 0x80);
	memcpy(buf + 0x80, "PE\0\0", 4);
	unsigned char *coff = buf + 0x84, *opt = coff + 20;
	put16(coff + 0, 0x8664); /* Machine: x86-64 */
	put16(coff + 2, 1);      /* NumberOfSections */
	put16(coff + 16, 0x70);  /* SizeOfOptionalHeader: no room for directories */
	put16(coff + 18, 0x22);  /* Characteristics: executable, large address aware */
	put16(opt + 0, 0x20b);   /* Magic: PE32+ */
	put32(opt + 16, 0x1000); /* AddressOfEntryPoint */
	put32(opt + 32, 0x1000); /* SectionAlignment */
	put32(opt + 36, 0x200);  /* FileAlignment */
	put32(opt + 56, 0x1000); /* SizeOfImage */
	put32(opt + 60, 0x10000); /* SizeOfHeaders */
	put16(opt + 68, 10);     /* Subsystem: EFI application */
	put32(opt + 108, 16);    /* NumberOfRvaAndSizes */
	spit(out, buf, sizeof buf);
	return 0;
}

/* Append one note (name, type, descriptor) to out at *len, 4-aligned. */
static void put_note(unsigned char *out, size_t *len, const char *name,
		     unsigned type, const void *desc, unsigned dsz)
{
	unsigned nsz = (unsigned)strlen(name) + 1;
	unsigned hdr[3] = { nsz, dsz, type };
	memcpy(out + *len, hdr, sizeof hdr);
	*len += sizeof hdr;
	memcpy(out + *len, name, nsz);
	*len += (nsz + 3) & ~3u;
	memcpy(out + *len, desc, dsz);
	*len += (dsz + 3) & ~3u;
}

static int elf_notes(const char *in, const char *out, int n, char **spec)
{
	size_t len;
	unsigned char *buf = slurp(in, &len);
	unsigned nph;
	phdrs(buf, len, &nph);
	unsigned char notes[4096];
	size_t nlen = 0;
	memset(notes, 0, sizeof notes);
	for (int i = 0; i < n; i++) {
		if (nlen > sizeof notes - 512) {
			fprintf(stderr, "elf-notes: too many notes\n");
			return 1;
		}
		if (strcmp(spec[i], "linux") == 0) {
			put_note(notes, &nlen, "Linux", 0x100, "0.0.0-fixture", 14);
			continue;
		}
		unsigned type;
		int at = 0;
		if (sscanf(spec[i], "xen:%u=%n", &type, &at) != 1 || !at) {
			fprintf(stderr, "elf-notes: bad note '%s'\n", spec[i]);
			return 2;
		}
		const char *v = spec[i] + at;
		if (strncmp(v, "s:", 2) == 0) {
			put_note(notes, &nlen, "Xen", type, v + 2, (unsigned)strlen(v + 2) + 1);
		} else {
			unsigned long long x = strtoull(v, 0, 0);
			put_note(notes, &nlen, "Xen", type, &x, 8);
		}
	}
	/* File: old bytes, notes (4-aligned), new program headers (8-aligned). */
	size_t note_off = (len + 3) & ~(size_t)3;
	size_t ph_off = (note_off + nlen + 7) & ~(size_t)7;
	size_t total = ph_off + (nph + 1) * sizeof(Elf64_Phdr);
	unsigned char *o = calloc(1, total);
	if (!o)
		return 1;
	memcpy(o, buf, len);
	memcpy(o + note_off, notes, nlen);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)o;
	memcpy(o + ph_off, buf + eh->e_phoff, nph * sizeof(Elf64_Phdr));
	Elf64_Phdr np = { .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = note_off,
			  .p_filesz = nlen, .p_align = 4 };
	memcpy(o + ph_off + nph * sizeof(Elf64_Phdr), &np, sizeof np);
	eh->e_phoff = ph_off;
	eh->e_phnum = (Elf64_Half)(nph + 1);
	spit(out, o, total);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "pe-corrupt") == 0)
		return pe_corrupt(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "elf-notes") == 0)
		return elf_notes(argv[2], argv[3], argc - 4, argv + 4);
	if (argc == 4 && strcmp(argv[1], "initrd") == 0)
		return initrd(argv[2], strtoull(argv[3], 0, 0));
	if (argc == 5 && (strcmp(argv[1], "elf-paddr") == 0 ||
			  strcmp(argv[1], "elf-memsz") == 0 ||
			  strcmp(argv[1], "elf-memsz-last") == 0)) {
		bool last = strcmp(argv[1], "elf-memsz-last") == 0;
		size_t len;
		unsigned char *buf = slurp(argv[2], &len);
		unsigned n;
		Elf64_Phdr *ph = phdrs(buf, len, &n);
		unsigned long long v = strtoull(argv[4], 0, 0);
		unsigned long long first = ~0ULL;
		for (unsigned i = 0; i < n; i++)
			if (ph[i].p_type == PT_LOAD && ph[i].p_paddr < first)
				first = ph[i].p_paddr;
		int last_load = -1;
		for (unsigned i = 0; i < n; i++)
			if (ph[i].p_type == PT_LOAD)
				last_load = (int)i;
		for (unsigned i = 0; i < n; i++) {
			if (ph[i].p_type != PT_LOAD || (last && (int)i != last_load))
				continue;
			if (argv[1][4] == 'p') {
				ph[i].p_paddr = v + (ph[i].p_paddr - first);
				/* Keep vaddr and paddr congruent mod a page. */
			} else {
				ph[i].p_memsz = v;
				break;
			}
		}
		spit(argv[3], buf, len);
		return 0;
	}
	fprintf(stderr, "usage: bootfixture initrd OUT SIZE | elf-paddr IN OUT PADDR | elf-memsz[-last] IN OUT MEMSZ | pe-corrupt OUT | elf-notes IN OUT NOTE...\n");
	return 2;
}
