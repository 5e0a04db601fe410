/* The boot module: a kernel, or a cpio holding one (bootmod.h). */
#include "bootmod.h"

#include "fmt.h"
#include "libc.h"
#include "linux_boot.h"


static int want(struct eb_bootmod_part *part, const char *what,
		const struct eb_cpio_member *m, char *err, size_t errlen)
{
	char pn[EB_CPIO_NAME_MAX];
	eb_cpio_printable(pn, sizeof pn, m->name);
	if (part->present) {
		eb_snprintf(err, errlen,
			    "cpio: member '%s' at offset 0x%llx: a second %s (the first is at 0x%llx)",
			    pn, (unsigned long long)m->offset, what,
			    (unsigned long long)part->member_offset);
		return -1;
	}
	if (!eb_cpio_is_regular(m)) {
		eb_snprintf(err, errlen,
			    "cpio: member '%s' at offset 0x%llx: the %s is not a regular file (mode 0x%x)",
			    pn, (unsigned long long)m->offset, what, m->mode);
		return -1;
	}
	part->present = true;
	part->off = m->data;
	part->len = m->size;
	part->member_offset = m->offset;
	memcpy(part->name, m->name, sizeof part->name);
	return 0;
}

/* "a, b, c" of the members seen, cut to fit, printable (cpio.h). */
static void add_seen(char *seen, size_t cap, const char *raw)
{
	char name[EB_CPIO_NAME_MAX];
	eb_cpio_printable(name, sizeof name, raw);
	size_t n = strlen(seen), k = strlen(name);
	if (n + k + 3 >= cap)
		return;
	if (n) {
		memcpy(seen + n, ", ", 2);
		n += 2;
	}
	memcpy(seen + n, name, k + 1);
}

static int parse_cpio(const void *mod, uint64_t len, const char *kname,
		      const char *iname, struct eb_bootmod *bm, char *err,
		      size_t errlen)
{
	struct eb_cpio c;
	struct eb_cpio_member m;
	char seen[160] = "";
	int rc;
	eb_cpio_open(&c, mod, len);
	while ((rc = eb_cpio_next(&c, &m, err, errlen)) == 1) {
		add_seen(seen, sizeof seen, m.name);
		if (strcmp(m.name, kname) == 0)
			rc = want(&bm->kernel, "kernel", &m, err, errlen);
		else if (strcmp(m.name, iname) == 0)
			rc = want(&bm->initrd, "initrd", &m, err, errlen);
		else if (strcmp(m.name, "cmdline") == 0)
			rc = want(&bm->cmdline, "cmdline", &m, err, errlen);
		if (rc < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (!bm->kernel.present) {
		char kn[EB_CPIO_NAME_MAX];
		eb_snprintf(err, errlen, "cpio: no member '%s' (members: %s)",
			    eb_cpio_printable(kn, sizeof kn, kname),
			    seen[0] ? seen : "none");
		return -1;
	}
	return 0;
}

int eb_bootmod_parse(const void *mod, uint64_t len, const char *kernel_member,
		     const char *initrd_member, struct eb_bootmod *bm,
		     char *err, size_t errlen)
{
	memset(bm, 0, sizeof(*bm));
	const uint8_t *p = mod;
	bool named = (kernel_member && *kernel_member) ||
		     (initrd_member && *initrd_member);
	/* The cpio magic first: it is certain at offset 0, a kernel's kind is
	 * read further in. */
	if (eb_cpio_is_newc(p, len)) {
		bm->is_cpio = true;
		return parse_cpio(mod, len,
				  kernel_member && *kernel_member ? kernel_member : "kernel",
				  initrd_member && *initrd_member ? initrd_member : "initrd",
				  bm, err, errlen);
	}
	/* A bare kernel of any kind the loaders know; the world checks it. */
	enum eb_kernel_kind kind = eb_kernel_kind(mod, len);
	if (kind != EB_KERNEL_UNKNOWN) {
		if (named) {
			eb_snprintf(err, errlen,
				    "kernel= and initrd= name cpio members, but the module is itself a kernel: %s",
				    eb_kernel_kind_name(kind));
			return -1;
		}
		bm->kernel = (struct eb_bootmod_part){ true, 0, len, 0, "" };
		return 0;
	}
	char first[32];
	eb_fmt_bytes(first, sizeof first, p, len, 8);
	eb_snprintf(err, errlen,
		    "neither a kernel (ELF, bzImage) nor a newc cpio (%llu bytes, first bytes: %s)",
		    (unsigned long long)len, first);
	return -1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int eb_bootmod_cmdline(const void *mod, const struct eb_bootmod *bm, char *out,
		       size_t outlen, char *err, size_t errlen)
{
	const char *s = (const char *)mod + bm->cmdline.off;
	uint64_t n = bm->cmdline.len;
	while (n && blank(s[n - 1]))
		n--;
	for (uint64_t i = 0; i < n; i++) {
		if (s[i] == '\0') {
			eb_snprintf(err, errlen,
				    "cpio: member '%s' at offset 0x%llx: NUL byte at 0x%llx in the command line",
				    bm->cmdline.name,
				    (unsigned long long)bm->cmdline.member_offset,
				    (unsigned long long)i);
			return -1;
		}
	}
	if (n >= outlen) {
		eb_snprintf(err, errlen,
			    "cpio: member '%s' at offset 0x%llx: command line is %llu bytes, limit is %zu",
			    bm->cmdline.name,
			    (unsigned long long)bm->cmdline.member_offset,
			    (unsigned long long)n, outlen - 1);
		return -1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}
