/*
 * newc cpio archives (magic "070701": what `cpio -o -H newc` writes and
 * what Linux unpacks as an initramfs), read strictly: the archive is the
 * boot module, untrusted input. Each member is a 110-byte ASCII header
 * (magic, then 13 fields of 8 hex digits: ino mode uid gid nlink mtime
 * filesize devmajor devminor rdevmajor rdevminor namesize check), the name
 * (namesize bytes, NUL included), padding to a multiple of 4, the data
 * (filesize bytes), padding to a multiple of 4. The member named
 * "TRAILER!!!" ends the archive; what follows it (block padding) is ignored.
 *
 * Every error is one line naming the member (its name once known, else its
 * number) and its offset in the archive. World-neutral and portable.
 */
#ifndef EARLYBOOT_CPIO_H
#define EARLYBOOT_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EB_CPIO_MAGIC "070701"
#define EB_CPIO_HEADER 110
#define EB_CPIO_NAME_MAX 256 /* namesize limit, NUL included */

/* st_mode file types (POSIX values, as cpio stores them). */
#define EB_CPIO_S_IFMT 0170000u
#define EB_CPIO_S_IFREG 0100000u
#define EB_CPIO_S_IFDIR 0040000u

struct eb_cpio_member {
	unsigned index;   /* 0 for the first member */
	uint64_t offset;  /* of its header in the archive */
	char name[EB_CPIO_NAME_MAX]; /* as stored, one leading "./" dropped */
	uint32_t mode;
	uint64_t data;    /* offset of its data in the archive */
	uint64_t size;    /* filesize */
};

/* A reading position in an archive of len bytes at buf. */
struct eb_cpio {
	const uint8_t *buf;
	uint64_t len, pos;
	unsigned next_index;
	bool done; /* the trailer was read */
};

/* True when buf starts with the newc magic (a cheap test to tell formats apart). */
bool eb_cpio_is_newc(const void *buf, uint64_t len);

void eb_cpio_open(struct eb_cpio *c, const void *buf, uint64_t len);

/*
 * The next member: 1 with *m filled; 0 once the trailer is read (and on
 * every later call); -1 with err naming the member and its offset when the
 * archive is malformed or truncated.
 */
int eb_cpio_next(struct eb_cpio *c, struct eb_cpio_member *m, char *err,
		 size_t errlen);

/*
 * name with every byte outside printable ASCII shown as '?', into out (at
 * most cap - 1 bytes kept): member names are any bytes but NUL, and one
 * holding a newline must not forge a line in the boot log (found by
 * tests/fuzz/fuzz_cpio). Returns out, for use as a "%s" argument.
 */
const char *eb_cpio_printable(char *out, size_t cap, const char *name);

static inline bool eb_cpio_is_regular(const struct eb_cpio_member *m)
{
	return (m->mode & EB_CPIO_S_IFMT) == EB_CPIO_S_IFREG;
}

#endif
