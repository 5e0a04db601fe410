/* Parser for the loader command line (syntax in cmdline.h). */
#include "cmdline.h"

#include "fmt.h"
#include "libc.h"

static const char *const defect_names[] = {
	[EB_DEFECT_MAGIC] = "magic",   [EB_DEFECT_MEMMAP] = "memmap",
	[EB_DEFECT_NX] = "nx",         [EB_DEFECT_SEGMENTS] = "segments",
	[EB_DEFECT_DMAP] = "dmap",     [EB_DEFECT_TABLES] = "tables",
	[EB_DEFECT_INITRD] = "initrd", [EB_DEFECT_SPARE] = "spare",
	[EB_DEFECT_TEMPLATE] = "template",
};

static const char *const debug_names[] = {
	[EB_DEBUG_FAULT_OUTSIDE] = "fault-outside",
	[EB_DEBUG_FAULT_IN_HANDLER] = "fault-in-handler",
};

const char *eb_debug_name(unsigned debug)
{
	if (debug == 0 || debug > EB_DEBUG_MAX)
		return 0;
	return debug_names[debug];
}

const char *eb_defect_name(unsigned defect)
{
	if (defect == 0 || defect > EB_DEFECT_MAX)
		return 0;
	return defect_names[defect];
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does the word [w, w+n) equal s? */
static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* "key=" prefix: the value is returned through val/vlen. */
static bool word_key(const char *w, size_t n, const char *key,
		     const char **val, size_t *vlen)
{
	size_t k = strlen(key);
	if (n < k || memcmp(w, key, k) != 0)
		return false;
	*val = w + k;
	*vlen = n - k;
	return true;
}

static int set_path(char *dst, const char *opt, const char *v, size_t n,
		    char *err, size_t errlen)
{
	if (dst[0]) {
		eb_snprintf(err, errlen, "option %s given twice", opt);
		return -1;
	}
	if (n == 0) {
		eb_snprintf(err, errlen, "option %s needs a path", opt);
		return -1;
	}
	if (n >= EB_PATH_MAX) {
		eb_snprintf(err, errlen, "option %s: path is %zu bytes, limit is %u",
			    opt, n, (unsigned)EB_PATH_MAX - 1);
		return -1;
	}
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/*
 * fmt.c has no precision: copy a word out for a message, cut at 64 bytes,
 * bytes outside printable ASCII shown as '?' so the message stays one
 * clean line whatever the line held.
 */
static const char *word_copy(char *buf, const char *w, size_t n)
{
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		buf[i] = (w[i] >= 0x20 && w[i] < 0x7f) ? w[i] : '?';
	buf[n] = '\0';
	return buf;
}

static int set_defect(struct eb_options *o, const char *v, size_t n, char *err,
		      size_t errlen)
{
	for (unsigned d = 1; d <= EB_DEFECT_MAX; d++) {
		if (word_is(v, n, defect_names[d])) {
			o->defect = d;
			return 0;
		}
	}
	char b[65];
	eb_snprintf(err, errlen,
		    "unknown defect '%s' (magic memmap nx segments dmap tables initrd spare template)",
		    word_copy(b, v, n));
	return -1;
}

static int set_debug(struct eb_options *o, const char *v, size_t n, char *err,
		     size_t errlen)
{
	for (unsigned d = 1; d <= EB_DEBUG_MAX; d++) {
		if (word_is(v, n, debug_names[d])) {
			o->debug = d;
			return 0;
		}
	}
	char b[65];
	eb_snprintf(err, errlen,
		    "unknown debug switch '%s' (fault-outside fault-in-handler)",
		    word_copy(b, v, n));
	return -1;
}

static int option(struct eb_options *o, const char *w, size_t n, char *err,
		  size_t errlen)
{
	const char *v;
	size_t vn;
	if (word_key(w, n, "kernel=", &v, &vn))
		return set_path(o->kernel, "kernel=", v, vn, err, errlen);
	if (word_key(w, n, "initrd=", &v, &vn))
		return set_path(o->initrd, "initrd=", v, vn, err, errlen);
	if (word_key(w, n, "defect=", &v, &vn))
		return set_defect(o, v, vn, err, errlen);
	if (word_key(w, n, "debug=", &v, &vn))
		return set_debug(o, v, vn, err, errlen);
	if (word_key(w, n, "paging=", &v, &vn)) {
		if (word_is(v, vn, "4") || word_is(v, vn, "5")) {
			o->paging = (unsigned)(v[0] - '0');
			return 0;
		}
		char b[65];
		eb_snprintf(err, errlen, "paging='%s': 4 or 5 (paging levels)",
			    word_copy(b, v, vn));
		return -1;
	}
	if (word_is(w, n, "ptdump")) {
		o->ptdump = true;
		return 0;
	}
	if (word_is(w, n, "quiet")) {
		o->quiet = true;
		return 0;
	}
	char b[65];
	eb_snprintf(err, errlen, "unknown option '%s'", word_copy(b, w, n));
	return -1;
}

int eb_parse_cmdline(const char *line, size_t len, struct eb_options *o,
		     char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (err && errlen)
		err[0] = '\0';
	/* A NUL ends the line early (LoadOptions often carry one). */
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\0')
			len = i;
	if (len > EB_LINE_MAX) {
		eb_snprintf(err, errlen, "command line is %zu bytes, limit is %u",
			    len, (unsigned)EB_LINE_MAX);
		return -1;
	}
	size_t i = 0;
	while (i < len) {
		while (i < len && blank(line[i]))
			i++;
		size_t start = i;
		while (i < len && !blank(line[i]))
			i++;
		if (i == start)
			break;
		const char *w = line + start;
		size_t n = i - start;
		if (word_is(w, n, "--")) {
			while (i < len && blank(line[i]))
				i++;
			size_t end = len;
			while (end > i && blank(line[end - 1]))
				end--;
			if (end - i >= EB_CMDLINE_MAX) {
				eb_snprintf(err, errlen,
					    "kernel command line is %zu bytes, limit is %u",
					    end - i, (unsigned)EB_CMDLINE_MAX - 1);
				return -1;
			}
			memcpy(o->kernel_cmdline, line + i, end - i);
			o->kernel_cmdline[end - i] = '\0';
			o->kernel_cmdline_given = true;
			return 0;
		}
		if (option(o, w, n, err, errlen))
			return -1;
	}
	return 0;
}
