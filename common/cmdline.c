/* Parser for the loader command line (syntax in cmdline.h). */
#include "cmdline.h"

#include "fmt.h"
#include "libc.h"

/* Worlds a name applies to, as a mask of bit (enum eb_world). */
#define IN(w) (1u << (w))
#define NATIVE (IN(EB_WORLD_UEFI) | IN(EB_WORLD_PVH) | IN(EB_WORLD_PVH_XEN))
#define EVERY (NATIVE | IN(EB_WORLD_PV))

struct named {
	const char *name;
	unsigned worlds;
};

/*
 * A "pick one name from a table" option: entry v of names is value v (0 is
 * "none" and has no name). Everything said about the option, the list of
 * valid names in its error line included, comes from here.
 */
struct name_table {
	const char *option; /* "defect=" */
	const char *what;   /* "defect", for "unknown defect 'x'" */
	const struct named *names;
	unsigned max;
};

static const struct named defect_names[] = {
	[EB_DEFECT_MAGIC] = { "magic", EVERY },
	[EB_DEFECT_MEMMAP] = { "memmap", EVERY },
	[EB_DEFECT_NX] = { "nx", EVERY },
	[EB_DEFECT_SEGMENTS] = { "segments", EVERY },
	[EB_DEFECT_DMAP] = { "dmap", EVERY },
	[EB_DEFECT_TABLES] = { "tables", EVERY },
	[EB_DEFECT_INITRD] = { "initrd", EVERY },
	[EB_DEFECT_SPARE] = { "spare", IN(EB_WORLD_PV) },
	[EB_DEFECT_TEMPLATE] = { "template", IN(EB_WORLD_PV) },
	/* A PV guest's EFER and CR0 are Xen's: it can leave nothing off. */
	[EB_DEFECT_CPU] = { "cpu", NATIVE },
	/* The PVH hand-off's start info: native worlds only (protocol=pvh). */
	[EB_DEFECT_CMDLINE] = { "cmdline", NATIVE },
	[EB_DEFECT_RSDP] = { "rsdp", NATIVE },
};

/*
 * common/x86/traps.c and chainload.c act on the first three (the native
 * loaders), pv/linux_enter.c on the bridge's, efi/main.c on the TPM's.
 */
static const struct named debug_names[] = {
	[EB_DEBUG_FAULT_OUTSIDE] = { "fault-outside", NATIVE },
	[EB_DEBUG_FAULT_IN_HANDLER] = { "fault-in-handler", NATIVE },
	[EB_DEBUG_WP_OFF] = { "wp-off", NATIVE },
	[EB_DEBUG_BRIDGE_LOAD] = { "bridge-load", IN(EB_WORLD_PV) },
	[EB_DEBUG_BRIDGE_UNPIN] = { "bridge-unpin", IN(EB_WORLD_PV) },
	[EB_DEBUG_BRIDGE_GIVE_BACK] = { "bridge-give-back", IN(EB_WORLD_PV) },
	[EB_DEBUG_TCG2_BAD_PCR] = { "tcg2-bad-pcr", IN(EB_WORLD_UEFI) },
};

/* The Linux boot protocol and the PVH entry are native: Xen PV has neither. */
static const struct named protocol_names[] = {
	[EB_PROTOCOL_EARLYBOOT] = { "earlyboot", EVERY },
	[EB_PROTOCOL_LINUX] = { "linux", NATIVE },
	[EB_PROTOCOL_PVH] = { "pvh", NATIVE },
	/* Only a firmware can start a PE image. */
	[EB_PROTOCOL_EFI] = { "efi", IN(EB_WORLD_UEFI) },
};

_Static_assert(sizeof protocol_names / sizeof protocol_names[0] == EB_PROTOCOL_MAX + 1,
	       "one name per enum eb_protocol");
_Static_assert(sizeof defect_names / sizeof defect_names[0] == EB_DEFECT_MAX + 1,
	       "one name per enum eb_defect");
_Static_assert(sizeof debug_names / sizeof debug_names[0] == EB_DEBUG_MAX + 1,
	       "one name per enum eb_debug");

static const struct name_table defects = { "defect=", "defect", defect_names,
					   EB_DEFECT_MAX };
static const struct name_table debugs = { "debug=", "debug switch", debug_names,
					  EB_DEBUG_MAX };

static const struct name_table protocols = { "protocol=", "protocol",
					     protocol_names, EB_PROTOCOL_MAX };

static const char *table_name(const struct name_table *t, unsigned v)
{
	if (v == 0 || v > t->max)
		return 0;
	return t->names[v].name;
}

const char *eb_debug_name(unsigned debug)
{
	return table_name(&debugs, debug);
}

const char *eb_protocol_name(unsigned protocol)
{
	return table_name(&protocols, protocol);
}

const char *eb_defect_name(unsigned defect)
{
	return table_name(&defects, defect);
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

/*
 * Append word to the blank-separated list [buf, buf+len) that ends at *at;
 * a list cut short stays NUL-terminated.
 */
static void append_word(char *buf, size_t len, size_t *at, const char *word)
{
	int n = eb_snprintf(buf + *at, len - *at, "%s%s", *at ? " " : "", word);
	*at += (size_t)n < len - *at ? (size_t)n : len - *at - 1;
}

static int pick_name(const struct name_table *t, const char *v, size_t n,
		     unsigned *out, char *err, size_t errlen)
{
	for (unsigned d = 1; d <= t->max; d++) {
		if (word_is(v, n, t->names[d].name)) {
			*out = d;
			return 0;
		}
	}
	/* The list comes from the table: a new name cannot be left out. */
	char b[65], names[256] = "";
	size_t at = 0;
	for (unsigned d = 1; d <= t->max; d++)
		append_word(names, sizeof names, &at, t->names[d].name);
	eb_snprintf(err, errlen, "unknown %s '%s' (%s)", t->what,
		    word_copy(b, v, n), names);
	return -1;
}

static int check_world(const struct name_table *t, unsigned v, uint32_t world,
		       char *err, size_t errlen)
{
	if (v == 0 || v > t->max || (t->names[v].worlds & IN(world)))
		return 0;
	char worlds[64] = "";
	size_t at = 0;
	for (uint32_t w = EB_WORLD_UEFI; w <= EB_WORLD_PV; w++)
		if (t->names[v].worlds & IN(w))
			append_word(worlds, sizeof worlds, &at, eb_world_name(w));
	eb_snprintf(err, errlen, "%s%s has no meaning in the %s world (only in: %s)",
		    t->option, t->names[v].name, eb_world_name(world), worlds);
	return -1;
}

int eb_options_check_world(const struct eb_options *o, uint32_t world,
			   char *err, size_t errlen)
{
	if (check_world(&defects, o->defect, world, err, errlen) ||
	    check_world(&protocols, o->protocol, world, err, errlen))
		return -1;
	return check_world(&debugs, o->debug, world, err, errlen);
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
	if (word_key(w, n, defects.option, &v, &vn))
		return pick_name(&defects, v, vn, &o->defect, err, errlen);
	if (word_key(w, n, debugs.option, &v, &vn))
		return pick_name(&debugs, v, vn, &o->debug, err, errlen);
	if (word_key(w, n, protocols.option, &v, &vn))
		return pick_name(&protocols, v, vn, &o->protocol, err, errlen);
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
