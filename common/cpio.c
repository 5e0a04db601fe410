/*
 * Strict newc reader (cpio.h). Offsets are 64-bit and every step is checked
 * against the archive's length before anything is read, so a truncated or
 * hostile archive gives an error, never an out-of-bounds read.
 */
#include "cpio.h"

#include "fmt.h"
#include "libc.h"

#define TRAILER "TRAILER!!!"

/* The 13 header fields, in order, for messages. */
static const char *const field_names[13] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};
enum { F_MODE = 1, F_FILESIZE = 6, F_NAMESIZE = 11 };

bool eb_cpio_is_newc(const void *buf, uint64_t len)
{
	return len >= 6 && memcmp(buf, EB_CPIO_MAGIC, 6) == 0;
}

void eb_cpio_open(struct eb_cpio *c, const void *buf, uint64_t len)
{
	*c = (struct eb_cpio){ buf, len, 0, 0, false };
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ULL;
}

/* 8 hex digits, either case; -1 if any is not one. */
static int64_t hex8(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t ch = p[i];
		uint32_t d;
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Printable copy of up to n bytes, for quoting bad input in a message. */
static const char *quote(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	out[n] = '\0';
	return out;
}

const char *eb_cpio_printable(char *out, size_t cap, const char *name)
{
	size_t n = 0;
	for (; name[n] && n + 1 < cap; n++)
		out[n] = (name[n] >= 0x20 && name[n] < 0x7f) ? name[n] : '?';
	out[n] = '\0';
	return out;
}

int eb_cpio_next(struct eb_cpio *c, struct eb_cpio_member *m, char *err,
		 size_t errlen)
{
	if (c->done)
		return 0;
	unsigned idx = c->next_index;
	unsigned long long off = c->pos, len = c->len;
	memset(m, 0, sizeof(*m));
	m->index = idx;
	m->offset = c->pos;
	if (c->pos >= c->len) {
		eb_snprintf(err, errlen,
			    "cpio: archive ends at offset 0x%llx after %u members without a " TRAILER " member (truncated)",
			    off, idx);
		return -1;
	}
	if (c->len - c->pos < EB_CPIO_HEADER) {
		eb_snprintf(err, errlen,
			    "cpio: member %u at offset 0x%llx: header truncated (0x%llx bytes left, a header is %u)",
			    idx, off, len - off, (unsigned)EB_CPIO_HEADER);
		return -1;
	}
	const uint8_t *h = c->buf + c->pos;
	if (memcmp(h, EB_CPIO_MAGIC, 6) != 0) {
		char q[7];
		eb_snprintf(err, errlen,
			    "cpio: member %u at offset 0x%llx: magic '%s' is not " EB_CPIO_MAGIC " (newc)",
			    idx, off, quote(q, h, 6));
		return -1;
	}
	uint32_t f[13];
	for (int i = 0; i < 13; i++) {
		int64_t v = hex8(h + 6 + 8 * i);
		if (v < 0) {
			char q[9];
			eb_snprintf(err, errlen,
				    "cpio: member %u at offset 0x%llx: field %s '%s' is not 8 hex digits",
				    idx, off, field_names[i], quote(q, h + 6 + 8 * i, 8));
			return -1;
		}
		f[i] = (uint32_t)v;
	}
	uint32_t namesize = f[F_NAMESIZE];
	if (namesize < 2 || namesize > EB_CPIO_NAME_MAX) {
		eb_snprintf(err, errlen,
			    "cpio: member %u at offset 0x%llx: namesize %u (must be 2 to %u, NUL included)",
			    idx, off, namesize, (unsigned)EB_CPIO_NAME_MAX);
		return -1;
	}
	uint64_t name_at = c->pos + EB_CPIO_HEADER;
	if (c->len - name_at < namesize) {
		eb_snprintf(err, errlen,
			    "cpio: member %u at offset 0x%llx: name of %u bytes runs past the end of the archive at 0x%llx (truncated)",
			    idx, off, namesize, len);
		return -1;
	}
	const char *name = (const char *)c->buf + name_at;
	if (name[namesize - 1] != '\0' || strlen(name) != namesize - 1) {
		eb_snprintf(err, errlen,
			    "cpio: member %u at offset 0x%llx: name is not %u bytes ending in its only NUL",
			    idx, off, namesize);
		return -1;
	}
	/* Members are named in messages from here on. */
	const char *shown = name;
	if (shown[0] == '.' && shown[1] == '/' && shown[2])
		shown += 2;
	memcpy(m->name, shown, strlen(shown) + 1);
	char pn[EB_CPIO_NAME_MAX]; /* the name as messages show it */
	eb_cpio_printable(pn, sizeof pn, m->name);
	m->mode = f[F_MODE];
	m->size = f[F_FILESIZE];
	m->data = align4(name_at + namesize);
	for (uint64_t p = name_at + namesize; p < m->data; p++) {
		if (p >= c->len) {
			eb_snprintf(err, errlen,
				    "cpio: member '%s' at offset 0x%llx: padding after the name runs past the end of the archive (truncated)",
				    pn, off);
			return -1;
		}
		if (c->buf[p]) {
			eb_snprintf(err, errlen,
				    "cpio: member '%s' at offset 0x%llx: padding byte at 0x%llx is not 0",
				    pn, off, (unsigned long long)p);
			return -1;
		}
	}
	if (c->len - m->data < m->size) {
		eb_snprintf(err, errlen,
			    "cpio: member '%s' at offset 0x%llx: data of 0x%llx bytes at 0x%llx runs past the end of the archive at 0x%llx (truncated)",
			    pn, off, (unsigned long long)m->size,
			    (unsigned long long)m->data, len);
		return -1;
	}
	uint64_t next = align4(m->data + m->size);
	if (strcmp(name, TRAILER) == 0) {
		if (m->size) {
			eb_snprintf(err, errlen,
				    "cpio: member '" TRAILER "' at offset 0x%llx has 0x%llx bytes of data",
				    off, (unsigned long long)m->size);
			return -1;
		}
		c->done = true;
		c->pos = next;
		return 0;
	}
	/* The padding after the data belongs to this member: it must be there. */
	if (next > c->len) {
		eb_snprintf(err, errlen,
			    "cpio: member '%s' at offset 0x%llx: padding after its data runs past the end of the archive (truncated)",
			    pn, off);
		return -1;
	}
	c->pos = next;
	c->next_index++;
	return 1;
}
