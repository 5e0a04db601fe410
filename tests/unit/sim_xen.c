/*
 * The simulated Xen: frames, types and validation, audits, guest accesses.
 * Hypercalls are in sim_xen_hcall.c, the start-of-day in sim_xen_boot.c.
 * Written from Xen's public interface and the behaviour measured in
 * docs/platform.md, not from Xen's code.
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_xen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entry bits, from the SDM (as sim_mmu.c does). */
#define X_P (1ULL << 0)
#define X_RW (1ULL << 1)
#define X_US (1ULL << 2)
#define X_GUEST_KERNEL (1ULL << 52)
#define X_PS (1ULL << 7)
#define X_ADDR 0x000ffffffffff000ULL

static struct sim_xen *current;

void sim_xen_make_current(struct sim_xen *sx)
{
	current = sx;
}

struct sim_xen *sx_current(void)
{
	if (!current) {
		fprintf(stderr, "xen_hypercall5: no simulated Xen (sim_xen_new)\n");
		abort();
	}
	return current;
}

void sx_forget(struct sim_xen *sx)
{
	if (current == sx)
		current = NULL;
}

uint64_t *sx_frame_mem(struct sim_xen *sx, uint64_t mfn)
{
	return (uint64_t *)(sx->mem + mfn * 4096);
}

static uint64_t *shadow_mem(struct sim_xen *sx, uint64_t mfn)
{
	return (uint64_t *)(sx->shadow + mfn * 4096);
}

uint64_t sx_mfn(const struct sim_xen *sx, uint64_t pfn)
{
	return pfn < sx->nr_pages ? sx->p2m[pfn] : SX_NO_MFN;
}

uint64_t sx_pfn(const struct sim_xen *sx, uint64_t mfn)
{
	return mfn < sx->nr_mfns ? sx->m2p[mfn] : SX_INVALID_M2P;
}

void *sim_xen_phys_to_virt(void *env, uint64_t pa)
{
	struct sim_xen *sx = env;
	uint64_t pfn = pa >> 12;
	if (pfn >= sx->nr_pages) {
		fprintf(stderr, "sim_xen_phys_to_virt: pa 0x%llx beyond nr_pages 0x%llx\n",
			(unsigned long long)pa, (unsigned long long)sx->nr_pages);
		abort();
	}
	return sx->mem + sx->p2m[pfn] * 4096 + (pa & 0xfff);
}

bool sx_is_xen_slot(unsigned idx)
{
	return idx >= 256 && idx < 272;
}

long sx_refuse(struct sim_xen *sx, long rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sx->why, sizeof sx->why, fmt, ap);
	va_end(ap);
	sx->last_rc = rc;
	return rc;
}

void sx_write(struct sim_xen *sx, uint64_t mfn, unsigned idx, uint64_t val)
{
	sx_frame_mem(sx, mfn)[idx] = val;
	shadow_mem(sx, mfn)[idx] = val;
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* The references one present entry of a typed level-`level` table holds. */
static long get_entry_refs(struct sim_xen *sx, unsigned level, uint64_t e)
{
	uint64_t mfn = (e & X_ADDR) >> 12;
	if (mfn >= sx->nr_mfns || !sx->f[mfn].guest)
		return sx_refuse(sx, -XEN_EINVAL,
				 "L%u entry 0x%llx maps mfn 0x%llx the guest does not own",
				 level, ull(e), ull(mfn));
	if (level > 1) {
		if (e & X_PS)
			return sx_refuse(sx, -XEN_EINVAL,
					 "L%u entry 0x%llx has PSE: invalid for a PV guest",
					 level, ull(e));
		return sx_get_type(sx, mfn, level - 1);
	}
	struct sx_frame *f = &sx->f[mfn];
	if (e & X_RW) {
		/* validating: the frame is becoming a table right now. */
		if (f->tcount || f->validating)
			return sx_refuse(sx, -XEN_EBUSY,
					 "writable mapping of mfn 0x%llx (pfn 0x%llx), an L%u page table",
					 ull(mfn), ull(sx->m2p[mfn]), f->type);
		f->wmaps++;
	}
	f->maps++;
	return 0;
}

static void put_entry_refs(struct sim_xen *sx, unsigned level, uint64_t e)
{
	uint64_t mfn = (e & X_ADDR) >> 12;
	if (level > 1) {
		sx_put_type(sx, mfn);
		return;
	}
	struct sx_frame *f = &sx->f[mfn];
	f->maps--;
	if (e & X_RW)
		f->wmaps--;
}

static bool guest_slot(unsigned level, unsigned idx)
{
	return level != 4 || !sx_is_xen_slot(idx);
}

/*
 * Validate mfn as a level-`level` table: take the references of every
 * present entry (or none, if one is bad), then adjust the entries as Xen
 * does for a 64-bit PV guest (_PAGE_USER) and, for an L4, write Xen's own
 * slots into it.
 */
static long validate(struct sim_xen *sx, uint64_t mfn, unsigned level)
{
	uint64_t *t = sx_frame_mem(sx, mfn);
	struct sx_frame *f = &sx->f[mfn];
	long rc = 0;
	unsigned i;
	f->validating = true;
	for (i = 0; i < 512 && !rc; i++)
		if (guest_slot(level, i) && (t[i] & X_P))
			rc = get_entry_refs(sx, level, t[i]);
	if (rc) {
		for (i--; i-- > 0;)
			if (guest_slot(level, i) && (t[i] & X_P))
				put_entry_refs(sx, level, t[i]);
		f->validating = false;
		return rc;
	}
	for (i = 0; i < 512; i++) {
		if (!guest_slot(level, i))
			sx_write(sx, mfn, i, (sx->xen_l3_mfn << 12) | 0x23);
		else if ((t[i] & X_P) && !(t[i] & X_US))
			sx_write(sx, mfn, i, t[i] | X_US);
	}
	f->validating = false;
	return 0;
}

long sx_get_type(struct sim_xen *sx, uint64_t mfn, unsigned level)
{
	if (mfn >= sx->nr_mfns || !sx->f[mfn].guest)
		return sx_refuse(sx, -XEN_EINVAL, "mfn 0x%llx is not the guest's",
				 ull(mfn));
	struct sx_frame *f = &sx->f[mfn];
	if (f->tcount) {
		if (f->type != level)
			return sx_refuse(sx, -XEN_EINVAL,
					 "mfn 0x%llx is an L%u table, used as L%u",
					 ull(mfn), f->type, level);
		f->tcount++;
		return 0;
	}
	if (f->validating)
		return sx_refuse(sx, -XEN_EINVAL,
				 "mfn 0x%llx reached again while validating (loop)",
				 ull(mfn));
	if (f->wmaps)
		return sx_refuse(sx, -XEN_EINVAL,
				 "mfn 0x%llx (pfn 0x%llx) is mapped writable %u time(s): cannot become an L%u table",
				 ull(mfn), ull(sx->m2p[mfn]), f->wmaps, level);
	long rc = validate(sx, mfn, level);
	if (rc)
		return rc;
	f->type = (uint8_t)level;
	f->tcount = 1;
	return 0;
}

void sx_put_type(struct sim_xen *sx, uint64_t mfn)
{
	struct sx_frame *f = &sx->f[mfn];
	if (!f->tcount) {
		fprintf(stderr, "sim_xen: type count underflow on mfn 0x%llx\n",
			ull(mfn));
		abort();
	}
	if (--f->tcount)
		return;
	/* A page table is devalidated as soon as nothing types it. */
	const uint64_t *t = sx_frame_mem(sx, mfn);
	for (unsigned i = 0; i < 512; i++)
		if (guest_slot(f->type, i) && (t[i] & X_P))
			put_entry_refs(sx, f->type, t[i]);
	f->type = 0;
}

long sx_update_entry(struct sim_xen *sx, uint64_t mfn, unsigned idx,
		     uint64_t val)
{
	unsigned level = sx->f[mfn].type;
	if (!guest_slot(level, idx))
		return sx_refuse(sx, -XEN_EINVAL,
				 "L4 slot %u of mfn 0x%llx belongs to Xen", idx,
				 ull(mfn));
	uint64_t old = sx_frame_mem(sx, mfn)[idx];
	if (val & X_P) {
		long rc = get_entry_refs(sx, level, val);
		if (rc)
			return rc;
		val |= X_US;
		/*
		 * Xen 4.17 also marks a 64-bit PV kernel's L1 entries with
		 * software bit 52 (its _PAGE_GUEST_KERNEL; measured on the real
		 * Xen): a backend that compares entries must ignore it.
		 */
		if (level == 1)
			val |= X_GUEST_KERNEL;
	}
	sx_write(sx, mfn, idx, val);
	if (old & X_P)
		put_entry_refs(sx, level, old);
	return 0;
}

/* Frames the guest cannot store into: typed, or mapped read-only only. */
static bool audited(const struct sx_frame *f)
{
	return f->guest && (f->tcount || (f->maps && !f->wmaps));
}

void sx_sync_shadows(struct sim_xen *sx)
{
	for (uint64_t mfn = 0; mfn < sx->nr_mfns; mfn++) {
		struct sx_frame *f = &sx->f[mfn];
		bool want = audited(f);
		if (want && !f->shadowed)
			memcpy(shadow_mem(sx, mfn), sx_frame_mem(sx, mfn), 4096);
		f->shadowed = want;
	}
}

static void violation(struct sim_xen *sx, const char *what, uint64_t mfn,
		      unsigned idx)
{
	if (!sx->violations++)
		snprintf(sx->violation, sizeof sx->violation,
			 "%s: mfn 0x%llx (pfn 0x%llx) word %u", what, ull(mfn),
			 ull(sx->m2p[mfn]), idx);
}

uint64_t sx_audit(struct sim_xen *sx)
{
	for (uint64_t mfn = 0; mfn < sx->nr_mfns; mfn++) {
		struct sx_frame *f = &sx->f[mfn];
		uint64_t *m = sx_frame_mem(sx, mfn), *s = shadow_mem(sx, mfn);
		if (!f->shadowed || !memcmp(m, s, 4096))
			continue;
		for (unsigned i = 0; i < 512; i++) {
			if (m[i] == s[i])
				continue;
			uint64_t val = m[i];
			m[i] = s[i]; /* the store never happened: the CPU faulted */
			if (f->tcount && f->type == 1) {
				/* Xen emulates stores into an L1 it validates. */
				sx->emulated++;
				if (!sx_update_entry(sx, mfn, i, val))
					continue;
				violation(sx, "direct store into a typed L1 refused by Xen",
					  mfn, i);
			} else if (f->tcount) {
				violation(sx, "direct store into a typed L2..L4 table",
					  mfn, i);
			} else {
				violation(sx, "direct store into a frame nothing maps writable",
					  mfn, i);
			}
		}
	}
	return sx->violations;
}

struct sx_access sx_guest_store(struct sim_xen *sx, uint64_t va, uint64_t val)
{
	struct sx_access a = { 0 };
	struct sim_result r = sim_access(sx->m, va, SIM_W);
	if (r.kind == SIM_OK) {
		a.mfn = r.pa >> 12;
		memcpy(sx->mem + (r.pa & ~7ULL), &val, 8);
		if (sx->f[a.mfn].shadowed)
			memcpy(sx->shadow + (r.pa & ~7ULL), &val, 8);
		return a;
	}
	a.fault = true;
	a.err = r.err;
	if (r.kind != SIM_PF || (r.err & (SIM_PF_P | SIM_PF_W)) != (SIM_PF_P | SIM_PF_W))
		return a;
	struct sim_result p = sim_probe(sx->m, va);
	a.mfn = p.pa >> 12;
	const struct sx_frame *f = &sx->f[a.mfn];
	if (f->tcount && f->type == 1) {
		/* Writable page tables assist: Xen emulates, and validates. */
		a.fault = false;
		a.err = 0;
		a.emulated = true;
		sx->emulated++;
		a.rc = sx_update_entry(sx, a.mfn, (unsigned)((p.pa & 0xfff) / 8), val);
	}
	return a;
}

struct sx_access sx_guest_load(struct sim_xen *sx, uint64_t va, uint64_t *val)
{
	struct sx_access a = { 0 };
	struct sim_result r = sim_access(sx->m, va, SIM_R);
	if (r.kind != SIM_OK) {
		a.fault = true;
		a.err = r.err;
		return a;
	}
	a.mfn = r.pa >> 12;
	memcpy(val, sx->mem + (r.pa & ~7ULL), 8);
	return a;
}

bool sx_check_invariants(struct sim_xen *sx, char *msg, size_t len)
{
	uint32_t *maps = calloc(sx->nr_mfns, sizeof *maps);
	uint32_t *wmaps = calloc(sx->nr_mfns, sizeof *wmaps);
	uint32_t *tc = calloc(sx->nr_mfns, sizeof *tc);
	bool ok = maps && wmaps && tc;
	if (!ok)
		abort();
	for (uint64_t mfn = 0; mfn < sx->nr_mfns; mfn++) {
		const struct sx_frame *f = &sx->f[mfn];
		if (f->pinned)
			tc[mfn]++;
		if (!f->tcount)
			continue;
		const uint64_t *t = sx_frame_mem(sx, mfn);
		for (unsigned i = 0; i < 512; i++) {
			if (!guest_slot(f->type, i) || !(t[i] & X_P))
				continue;
			uint64_t c = (t[i] & X_ADDR) >> 12;
			if (f->type > 1) {
				tc[c]++;
			} else {
				maps[c]++;
				if (t[i] & X_RW)
					wmaps[c]++;
			}
		}
	}
	if (sx->base != SX_NO_MFN)
		tc[sx->base]++;
	if (sx->user_base != SX_NO_MFN)
		tc[sx->user_base]++;
	for (uint64_t mfn = 0; mfn < sx->nr_mfns && ok; mfn++) {
		const struct sx_frame *f = &sx->f[mfn];
		if (f->maps != maps[mfn] || f->wmaps != wmaps[mfn] || f->tcount != tc[mfn]) {
			snprintf(msg, len,
				 "mfn 0x%llx: maps %u/%u wmaps %u/%u types %u/%u (kept/recomputed)",
				 ull(mfn), f->maps, maps[mfn], f->wmaps, wmaps[mfn],
				 f->tcount, tc[mfn]);
			ok = false;
		} else if (f->tcount && f->wmaps) {
			snprintf(msg, len, "mfn 0x%llx is an L%u table mapped writable",
				 ull(mfn), f->type);
			ok = false;
		} else if (f->pinned && !f->tcount) {
			snprintf(msg, len, "mfn 0x%llx pinned but untyped", ull(mfn));
			ok = false;
		}
	}
	free(maps);
	free(wmaps);
	free(tc);
	return ok;
}
