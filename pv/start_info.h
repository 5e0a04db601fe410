/*
 * Xen PV start_info: validated once, then only the checked copy is used.
 * start_info is untrusted input like any other (a toolstack, a fuzzer or a
 * future Xen can hand anything), and everything the loader does after it
 * (walking the template, reaching the module, sizing the direct map)
 * trusts these fields, so each is checked against the others here, in
 * portable code the host tests feed bad inputs to.
 */
#ifndef EARLYBOOT_PV_START_INFO_H
#define EARLYBOOT_PV_START_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/abi.h"

/* More than any x86-64 PV guest can have (2^36 pages: 256 TiB). */
#define PV_MAX_PAGES (1ULL << 36)

struct pv_start {
	uint64_t nr_pages;
	uint64_t shared_info_ma; /* machine address, page aligned */
	uint32_t flags;          /* SIF_* */
	bool dom0;               /* SIF_INITDOMAIN */
	uint64_t pt_base_va;     /* the template's L4, in the bootstrap region */
	uint64_t pt_base_pa;     /* pt_base_va - virt_base */
	uint64_t nr_pt_frames;
	uint64_t mfn_list_va;    /* the p2m, nr_pages entries */
	/* The one module: mapped at mod_va (0 when it came as a pfn). */
	uint64_t mod_va, mod_pa, mod_len;
	const char *cmdline;     /* NUL-terminated copy (inside the struct) */
	size_t cmdline_len;
	char cmdline_buf[MAX_GUEST_CMDLINE];
	uint64_t first_p2m_pfn, nr_p2m_frames;
	/* A domU's console ring (start_info.console.domU), unchecked: pv_console_pfn. */
	uint64_t console_mfn;
	uint32_t console_evtchn;
};

/*
 * Check si (a copy of the start_info page: sizeof(start_info_t) bytes) for
 * a 64-bit PV guest linked at virt_base, and fill out. 0, or -1 with a
 * reason naming the field in err.
 */
int pv_parse_start_info(const void *si, uint64_t virt_base,
			struct pv_start *out, char *err, size_t errlen);

/*
 * The pseudo-physical frame of a domU's console ring, checked: its machine
 * frame translated by m2p (the machine-to-phys table, m2p_len entries) must
 * come back through the p2m (p2m[pfn] == mfn), and xen.h's start-of-day
 * layout puts the page before the bootstrap tables, so it must lie below
 * pt_base + nr_pt_frames, inside what Xen mapped. 0, or -1 with a reason.
 */
int pv_console_pfn(const struct pv_start *s, const uint64_t *m2p, uint64_t m2p_len,
		   const uint64_t *p2m, uint64_t *pfn, char *err, size_t errlen);

#endif
