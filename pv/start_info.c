/* The start_info check (start_info.h). Portable: host tests and image. */
#include "start_info.h"

#include "fmt.h"
#include "libc.h"

#include "page.h"
#define MAGIC "xen-3.0-x86_64"

static int bad(char *err, size_t n, const char *fmt, unsigned long long v)
{
	eb_snprintf(err, n, fmt, v);
	return -1;
}

/* Index of the first NUL in p[0..n), or n. */
static size_t nul_at(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i])
		i++;
	return i;
}

/* A virtual address inside the image's half of the address space. */
static bool in_kernel_half(uint64_t va, uint64_t virt_base)
{
	return va >= virt_base;
}

int pv_parse_start_info(const void *p, uint64_t virt_base,
			struct pv_start *o, char *err, size_t n)
{
	const start_info_t *si = p;
	memset(o, 0, sizeof *o);
	/*
	 * "xen-<version>-<platform>": only a 64-bit layout may be read as
	 * one. Compare the known prefix; the version part may grow.
	 */
	if (memcmp(si->magic, "xen-", 4) != 0 ||
	    nul_at(si->magic, sizeof si->magic) == sizeof si->magic)
		return bad(err, n, "start_info.magic: not a NUL-terminated \"xen-...\" string%.0llu", 0ull);
	size_t ml = strlen(si->magic);
	if (ml < 6 || strcmp(si->magic + ml - 6, "x86_64") != 0)
		return bad(err, n, "start_info.magic: not an x86_64 start info (want \"" MAGIC "\")%.0llu", 0ull);
	if (si->nr_pages == 0 || si->nr_pages > PV_MAX_PAGES)
		return bad(err, n, "start_info.nr_pages: %llu", si->nr_pages);
	if (si->shared_info & (PAGE - 1))
		return bad(err, n, "start_info.shared_info: 0x%llx not page aligned",
			   si->shared_info);
	if ((si->pt_base & (PAGE - 1)) || !in_kernel_half(si->pt_base, virt_base))
		return bad(err, n, "start_info.pt_base: 0x%llx not a page of the bootstrap region",
			   si->pt_base);
	/* 4 levels need at least one frame each. */
	if (si->nr_pt_frames < 4 || si->nr_pt_frames > si->nr_pages)
		return bad(err, n, "start_info.nr_pt_frames: %llu", si->nr_pt_frames);
	if ((si->pt_base - virt_base) / PAGE >= si->nr_pages)
		return bad(err, n, "start_info.pt_base: 0x%llx beyond the domain's pages",
			   si->pt_base);
	if ((si->mfn_list & 7) || !in_kernel_half(si->mfn_list, virt_base) ||
	    si->mfn_list + si->nr_pages * 8 < si->mfn_list)
		return bad(err, n, "start_info.mfn_list: 0x%llx", si->mfn_list);
	if (si->mod_len) {
		if (si->flags & SIF_MOD_START_PFN) {
			if (si->mod_start >= si->nr_pages ||
			    si->mod_len > (si->nr_pages - si->mod_start) * PAGE)
				return bad(err, n, "start_info.mod_start: pfn 0x%llx (+ mod_len) beyond the domain",
					   si->mod_start);
			o->mod_pa = si->mod_start * PAGE;
		} else {
			if (!in_kernel_half(si->mod_start, virt_base) ||
			    si->mod_start + si->mod_len < si->mod_start)
				return bad(err, n, "start_info.mod_start: 0x%llx not in the bootstrap region",
					   si->mod_start);
			if ((si->mod_start - virt_base + si->mod_len + PAGE - 1) / PAGE >
			    si->nr_pages)
				return bad(err, n, "start_info.mod_len: %llu runs beyond the domain",
					   si->mod_len);
			o->mod_va = si->mod_start;
			o->mod_pa = si->mod_start - virt_base;
		}
		o->mod_len = si->mod_len;
	}
	const char *cl = (const char *)si->cmd_line;
	size_t cl_len = nul_at(cl, sizeof si->cmd_line);
	if (cl_len == sizeof si->cmd_line)
		return bad(err, n, "start_info.cmd_line: not NUL-terminated within %llu bytes",
			   sizeof si->cmd_line);
	o->cmdline_len = cl_len;
	memcpy(o->cmdline_buf, cl, o->cmdline_len + 1);
	o->cmdline = o->cmdline_buf;
	o->nr_pages = si->nr_pages;
	o->shared_info_ma = si->shared_info;
	o->flags = si->flags;
	o->dom0 = (si->flags & SIF_INITDOMAIN) != 0;
	o->pt_base_va = si->pt_base;
	o->pt_base_pa = si->pt_base - virt_base;
	o->nr_pt_frames = si->nr_pt_frames;
	o->mfn_list_va = si->mfn_list;
	o->first_p2m_pfn = si->first_p2m_pfn;
	o->nr_p2m_frames = si->nr_p2m_frames;
	if (!o->dom0) {
		o->console_mfn = si->console.domU.mfn;
		o->console_evtchn = si->console.domU.evtchn;
	}
	return 0;
}

int pv_console_pfn(const struct pv_start *s, const uint64_t *m2p, uint64_t m2p_len,
		   const uint64_t *p2m, uint64_t *pfn, char *err, size_t n)
{
	if (s->dom0)
		return bad(err, n, "start_info.console: dom0 has no console ring%.0llu", 0ull);
	if (!s->console_evtchn)
		return bad(err, n, "start_info.console.domU.evtchn: %llu", 0ull);
	if (!s->console_mfn || s->console_mfn >= m2p_len)
		return bad(err, n, "start_info.console.domU.mfn: 0x%llx beyond the m2p",
			   s->console_mfn);
	uint64_t p = m2p[s->console_mfn];
	uint64_t mapped = s->pt_base_pa / PAGE + s->nr_pt_frames;
	if (p >= s->nr_pages || p2m[p] != s->console_mfn)
		return bad(err, n, "start_info.console.domU.mfn: 0x%llx is not a frame of this domain",
			   s->console_mfn);
	if (p >= mapped)
		return bad(err, n, "start_info.console.domU.mfn: pfn 0x%llx past the bootstrap tables",
			   p);
	*pfn = p;
	return 0;
}
