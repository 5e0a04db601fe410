/*
 * The facts the mappings audit judges a dump against (tools/ptdump-audit,
 * docs/audit.md), printed just before the dump, through the console even
 * when quiet: a dump without them cannot be audited. Each comes from where
 * the range is defined (linker symbols, program headers, the pools, the
 * boot protocol), never from the tables. Every world prints them the same.
 */
#ifndef EARLYBOOT_X86_AUDIT_H
#define EARLYBOOT_X86_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"

/* "earlyboot: audit world <name>" (bootinfo.h's eb_world_name). */
void eb_audit_world(uint32_t world);

/*
 * One range: kind is "exec" (meant executable), "tables" (page-table
 * frames, physical), "wx" (writable and executable because a boot
 * protocol demands it) or "page0" (page 0 mapped for one).
 */
void eb_audit_range(const char *kind, uint64_t lo, uint64_t hi,
		    const char *what);

/*
 * The kernel's executable segments (page-rounded, at the addresses they are
 * mapped: vaddr) as exec facts; when wx_protocol names a protocol, its W+X
 * segments also as wx facts.
 */
void eb_audit_kernel(const struct eb_elf_info *elf, const char *wx_protocol);

/* Table frames (sorted physical addresses) as tables facts, one per run. */
void eb_audit_table_frames(const uint64_t *frames, size_t n, const char *what);

#endif
