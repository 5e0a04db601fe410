/*
 * hvm_start_info validation (hvm_start_info.h). The structure comes from
 * whoever started us (QEMU's option ROM, Xen's domain builder): check every
 * count against a limit and every address before it is used, and name the
 * field that is wrong.
 */
#include "hvm_start_info.h"

#include "fmt.h"
#include "libc.h"

#include "page.h"
/* Physical addresses are at most 52 bits wide (SDM 4.1.4). */
#define PHYS_LIMIT (1ULL << 52)

static const void *read_at(pvh_read_fn rd, void *env, uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len < pa || pa + len > PHYS_LIMIT)
		return 0;
	return rd(env, pa, len);
}

/*
 * A NUL-terminated string at pa of at most max bytes (NUL included), read
 * one page at a time so a short string near the end of memory is fine.
 * Returns its length, or -1.
 */
static long string_at(pvh_read_fn rd, void *env, uint64_t pa, size_t max)
{
	size_t n = 0;
	while (n < max) {
		uint64_t at = pa + n;
		size_t chunk = (size_t)(PAGE - (at & (PAGE - 1)));
		if (chunk > max - n)
			chunk = max - n;
		const char *p = read_at(rd, env, at, chunk);
		if (!p)
			return -1;
		for (size_t i = 0; i < chunk; i++)
			if (p[i] == '\0')
				return (long)(n + i);
		n += chunk;
	}
	return -1;
}

static int parse_cmdline(struct pvh_start *s, pvh_read_fn rd, void *env,
			 char *err, size_t errlen)
{
	if (!s->cmdline_pa)
		return 0;
	long n = string_at(rd, env, s->cmdline_pa, EB_LINE_MAX + 1);
	if (n < 0) {
		eb_snprintf(err, errlen,
			    "start_info.cmdline_paddr 0x%llx: no NUL-terminated string of at most %u bytes there",
			    (unsigned long long)s->cmdline_pa, (unsigned)EB_LINE_MAX);
		return -1;
	}
	memcpy(s->cmdline, read_at(rd, env, s->cmdline_pa, (uint64_t)n + 1),
	       (size_t)n);
	s->cmdline[n] = '\0';
	s->cmdline_len = (size_t)n;
	return 0;
}

static int parse_module(struct pvh_start *s, unsigned i,
			const struct hvm_modlist_entry *e, pvh_read_fn rd,
			void *env, char *err, size_t errlen)
{
	unsigned long long pa = e->paddr, len = e->size;
	if (pa == 0) {
		/* "nothing will be loaded at physical address 0" (hvm_start_info.h) */
		eb_snprintf(err, errlen, "start_info.modlist[%u].paddr is 0", i);
		return -1;
	}
	if (len == 0) {
		eb_snprintf(err, errlen, "start_info.modlist[%u].size is 0 (module at 0x%llx)",
			    i, pa);
		return -1;
	}
	if (pa + len < pa || pa + len > PHYS_LIMIT) {
		eb_snprintf(err, errlen,
			    "start_info.modlist[%u]: paddr 0x%llx + size 0x%llx leaves the physical address space",
			    i, pa, len);
		return -1;
	}
	if (e->reserved) {
		eb_snprintf(err, errlen, "start_info.modlist[%u].reserved is 0x%llx, must be 0",
			    i, (unsigned long long)e->reserved);
		return -1;
	}
	if (e->cmdline_paddr &&
	    string_at(rd, env, e->cmdline_paddr, PVH_MOD_CMDLINE_MAX) < 0) {
		eb_snprintf(err, errlen,
			    "start_info.modlist[%u].cmdline_paddr 0x%llx: no NUL-terminated string of at most %u bytes there",
			    i, (unsigned long long)e->cmdline_paddr,
			    (unsigned)PVH_MOD_CMDLINE_MAX - 1);
		return -1;
	}
	s->mods[i] = (struct pvh_module){ pa, len, e->cmdline_paddr };
	return 0;
}

static int parse_modules(struct pvh_start *s, uint32_t nr, pvh_read_fn rd,
			 void *env, char *err, size_t errlen)
{
	if (nr == 0)
		return 0;
	if (nr > PVH_MOD_MAX) {
		eb_snprintf(err, errlen, "start_info.nr_modules is %u, limit %u", nr,
			    (unsigned)PVH_MOD_MAX);
		return -1;
	}
	if (!s->modlist_pa) {
		eb_snprintf(err, errlen, "start_info.modlist_paddr is 0 with nr_modules %u",
			    nr);
		return -1;
	}
	const struct hvm_modlist_entry *list =
		read_at(rd, env, s->modlist_pa, nr * sizeof(*list));
	if (!list) {
		eb_snprintf(err, errlen,
			    "start_info.modlist_paddr 0x%llx: %u entries cannot be read there",
			    (unsigned long long)s->modlist_pa, nr);
		return -1;
	}
	for (unsigned i = 0; i < nr; i++) {
		struct hvm_modlist_entry e;
		memcpy(&e, &list[i], sizeof e); /* the list need not be aligned */
		if (parse_module(s, i, &e, rd, env, err, errlen))
			return -1;
	}
	s->nmods = nr;
	return 0;
}

int pvh_parse_start_info(uint64_t pa, pvh_read_fn rd, void *env,
			 struct pvh_start *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->pa = pa;
	/* The version-0 part first: the version says whether there is more. */
	const size_t v0 = offsetof(struct hvm_start_info, memmap_paddr);
	const struct hvm_start_info *p = read_at(rd, env, pa, v0);
	if (!p) {
		eb_snprintf(err, errlen, "start_info at 0x%llx cannot be read (ebx at entry)",
			    (unsigned long long)pa);
		return -1;
	}
	struct hvm_start_info si;
	memset(&si, 0, sizeof si);
	memcpy(&si, p, v0);
	if (si.magic != XEN_HVM_START_MAGIC_VALUE) {
		eb_snprintf(err, errlen, "start_info.magic is 0x%08x, want 0x%08x",
			    si.magic, (unsigned)XEN_HVM_START_MAGIC_VALUE);
		return -1;
	}
	if (si.version > 1) {
		eb_snprintf(err, errlen,
			    "start_info.version is %u; this loader knows versions 0 and 1",
			    si.version);
		return -1;
	}
	if (si.version >= 1) {
		p = read_at(rd, env, pa, sizeof si);
		if (!p) {
			eb_snprintf(err, errlen,
				    "start_info at 0x%llx: version 1 structure (%zu bytes) cannot be read",
				    (unsigned long long)pa, sizeof si);
			return -1;
		}
		memcpy(&si, p, sizeof si);
	}
	if (si.flags & ~(uint32_t)PVH_SIF_KNOWN) {
		eb_snprintf(err, errlen, "start_info.flags 0x%x has unknown bits 0x%x",
			    si.flags, si.flags & ~(uint32_t)PVH_SIF_KNOWN);
		return -1;
	}
	if (si.version >= 1 && si.reserved) {
		eb_snprintf(err, errlen, "start_info.reserved is 0x%x, must be 0",
			    si.reserved);
		return -1;
	}
	s->version = si.version;
	s->flags = si.flags;
	s->rsdp_pa = si.rsdp_paddr;
	s->cmdline_pa = si.cmdline_paddr;
	s->modlist_pa = si.modlist_paddr;
	if (parse_cmdline(s, rd, env, err, errlen) ||
	    parse_modules(s, si.nr_modules, rd, env, err, errlen))
		return -1;
	if (si.version >= 1) {
		if (si.memmap_entries && !si.memmap_paddr) {
			eb_snprintf(err, errlen,
				    "start_info.memmap_paddr is 0 with memmap_entries %u",
				    si.memmap_entries);
			return -1;
		}
		if (si.memmap_entries > EB_MEM_MAX) {
			eb_snprintf(err, errlen, "start_info.memmap_entries is %u, limit %u",
				    si.memmap_entries, (unsigned)EB_MEM_MAX);
			return -1;
		}
		s->memmap_pa = si.memmap_paddr;
		s->memmap_entries = si.memmap_entries;
	}
	return 0;
}

uint32_t pvh_e820_type(uint32_t type)
{
	switch (type) {
	case XEN_HVM_MEMMAP_TYPE_RAM: return EB_MEM_RAM;
	case XEN_HVM_MEMMAP_TYPE_ACPI: return EB_MEM_ACPI_RECLAIM;
	case XEN_HVM_MEMMAP_TYPE_NVS: return EB_MEM_ACPI_NVS;
	case XEN_HVM_MEMMAP_TYPE_UNUSABLE: return EB_MEM_UNUSABLE;
	default: /* reserved, disabled, persistent, anything unknown */
		return EB_MEM_RESERVED;
	}
}

int pvh_e820_add(struct eb_memmap *m, uint64_t addr, uint64_t size,
		 uint32_t type, const char *field, char *err, size_t errlen)
{
	unsigned long long a = addr, n = size;
	if (addr + size < addr || addr + size > PHYS_LIMIT) {
		eb_snprintf(err, errlen,
			    "%s: addr 0x%llx + size 0x%llx leaves the physical address space",
			    field, a, n);
		return -1;
	}
	uint32_t t = pvh_e820_type(type);
	uint64_t end = addr + size;
	uint64_t lo = (addr + PAGE - 1) & ~(PAGE - 1), hi = end & ~(PAGE - 1);
	/* One firmware entry, however many pieces it becomes. */
	uint32_t entries = m->fw_entries;
	char why[160];
	int rc;
	if (t != EB_MEM_RAM || size == 0)
		rc = eb_memmap_add(m, addr, size, t, why, sizeof why);
	else if (hi <= lo) /* not one whole page of RAM */
		rc = eb_memmap_add(m, addr, size, EB_MEM_RESERVED, why, sizeof why);
	else
		rc = eb_memmap_add(m, addr, lo - addr, EB_MEM_RESERVED, why, sizeof why) ||
		     eb_memmap_add(m, lo, hi - lo, EB_MEM_RAM, why, sizeof why) ||
		     eb_memmap_add(m, hi, end - hi, EB_MEM_RESERVED, why, sizeof why);
	m->fw_entries = entries + 1;
	if (rc) {
		eb_snprintf(err, errlen, "%s: %s", field, why);
		return -1;
	}
	return 0;
}

static bool has_ram(const struct eb_memmap *m)
{
	for (uint32_t i = 0; i < m->count; i++)
		if (m->r[i].type == EB_MEM_RAM)
			return true;
	return false;
}

int pvh_memmap_from_start_info(const struct pvh_start *s, pvh_read_fn rd,
			       void *env, struct eb_memmap *m, char *err,
			       size_t errlen)
{
	const struct hvm_memmap_table_entry *t =
		read_at(rd, env, s->memmap_pa,
			(uint64_t)s->memmap_entries * sizeof(*t));
	if (!s->memmap_entries || !t) {
		eb_snprintf(err, errlen,
			    "start_info.memmap_paddr 0x%llx: %u entries cannot be read there",
			    (unsigned long long)s->memmap_pa, s->memmap_entries);
		return -1;
	}
	for (uint32_t i = 0; i < s->memmap_entries; i++) {
		struct hvm_memmap_table_entry e;
		memcpy(&e, &t[i], sizeof e);
		char field[40];
		eb_snprintf(field, sizeof field, "start_info.memmap[%u]", i);
		if (e.reserved) {
			eb_snprintf(err, errlen, "%s.reserved is 0x%x, must be 0",
				    field, e.reserved);
			return -1;
		}
		if (pvh_e820_add(m, e.addr, e.size, e.type, field, err, errlen))
			return -1;
	}
	char why[200];
	if (eb_memmap_normalize(m, why, sizeof why)) {
		eb_snprintf(err, errlen, "start_info.memmap: %s", why);
		return -1;
	}
	if (!has_ram(m)) {
		eb_snprintf(err, errlen,
			    "start_info.memmap: %u entries and not one page of RAM",
			    s->memmap_entries);
		return -1;
	}
	return 0;
}

/* The type at pa, or NULL when no range holds it. */
int pvh_check_modules(const struct pvh_start *s, const struct eb_memmap *m,
		      char *err, size_t errlen)
{
	if (s->nmods == 0) {
		eb_snprintf(err, errlen,
			    "start_info.nr_modules is 0: no boot module (the kernel, or a cpio holding it)");
		return -1;
	}
	for (unsigned i = 0; i < s->nmods; i++) {
		uint64_t end = s->mods[i].pa + s->mods[i].len;
		uint64_t at = eb_memmap_ram_until(m, s->mods[i].pa, end);
		if (at >= end)
			continue;
		const char *t = eb_memmap_type_at(m, at);
		eb_snprintf(err, errlen,
			    "start_info.modlist[%u]: 0x%llx-0x%llx is not all RAM (0x%llx is %s)",
			    i, (unsigned long long)s->mods[i].pa,
			    (unsigned long long)end, (unsigned long long)at,
			    t ? t : "outside the memory map");
		return -1;
	}
	return 0;
}
