#define _POSIX_C_SOURCE 200809L
#include "sim_mmu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "harness.h"

/* Entry bits, from the SDM rather than from early_paging.h on purpose. */
#define E_P (1ULL << 0)
#define E_RW (1ULL << 1)
#define E_US (1ULL << 2)
#define E_PWT (1ULL << 3)
#define E_PCD (1ULL << 4)
#define E_A (1ULL << 5)
#define E_D (1ULL << 6)
#define E_PS (1ULL << 7)
#define E_G (1ULL << 8)
#define E_XD (1ULL << 63)
/* Address field of any entry: bits 51:12 (bits above MAXPHYADDR are reserved). */
#define E_ADDR 0x000ffffffffff000ULL

static struct sim *current;

static void sim_free(void *p)
{
	struct sim *s = p;
	for (unsigned i = 0; i < s->nregion; i++)
		free(s->region[i].mem);
	if (current == s)
		current = NULL;
	free(s);
}

struct sim *sim_new(unsigned levels)
{
	struct sim *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->la57 = levels == 5;
	s->nxe = true;
	s->wp = true;
	s->cpu_nx = true;
	s->maxphyaddr = 52;
	th_defer(sim_free, s);
	current = s;
	return s;
}

uint8_t *sim_add_ram(struct sim *s, uint64_t pa, uint64_t size, const char *name)
{
	if (s->nregion == SIM_MAX_REGIONS || size == 0) {
		fprintf(stderr, "sim_add_ram: cannot add %s at 0x%llx\n", name,
			(unsigned long long)pa);
		abort();
	}
	for (unsigned i = 0; i < s->nregion; i++) {
		const struct sim_region *r = &s->region[i];
		if (pa < r->pa + r->size && r->pa < pa + size) {
			fprintf(stderr, "sim_add_ram: %s at 0x%llx overlaps %s\n",
				name, (unsigned long long)pa, r->name);
			abort();
		}
	}
	uint8_t *mem = calloc(1, (size_t)size);
	if (!mem)
		abort();
	s->region[s->nregion++] = (struct sim_region){ pa, size, mem, name };
	return mem;
}

void *sim_try_phys(struct sim *s, uint64_t pa, uint64_t len)
{
	for (unsigned i = 0; i < s->nregion; i++) {
		const struct sim_region *r = &s->region[i];
		if (pa >= r->pa && pa - r->pa < r->size && len <= r->size - (pa - r->pa))
			return r->mem + (pa - r->pa);
	}
	return NULL;
}

void *sim_phys_to_virt(void *env, uint64_t pa)
{
	struct sim *s = env;
	/* A table is a whole frame: the frame must be backed, not just a byte. */
	uint8_t *frame = sim_try_phys(s, pa & ~0xfffULL, 4096);
	void *p = frame ? frame + (pa & 0xfff) : NULL;
	if (!p) {
		fprintf(stderr,
			"sim_phys_to_virt: pa 0x%llx is outside every simulated buffer:",
			(unsigned long long)pa);
		for (unsigned i = 0; i < s->nregion; i++)
			fprintf(stderr, " %s [0x%llx, 0x%llx)", s->region[i].name,
				(unsigned long long)s->region[i].pa,
				(unsigned long long)(s->region[i].pa + s->region[i].size));
		fprintf(stderr, "\n");
		abort();
	}
	return p;
}

uint64_t sim_read64(struct sim *s, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, sim_phys_to_virt(s, pa & ~7ULL), sizeof v);
	return v;
}

void sim_write64(struct sim *s, uint64_t pa, uint64_t v)
{
	memcpy(sim_phys_to_virt(s, pa & ~7ULL), &v, sizeof v);
}

/* ---- TLB ------------------------------------------------------------ */

static void tlb_flush(struct sim *s, bool keep_global)
{
	for (unsigned i = 0; i < SIM_TLB_SIZE; i++)
		if (!keep_global || !s->tlb[i].global)
			s->tlb[i].valid = false;
}

void sim_set_root(struct sim *s, uint64_t root_pa)
{
	s->cr3 = root_pa;
	tlb_flush(s, false);
}

/* ---- common/arch.h on the simulated CPU ------------------------------ */

static struct sim *cpu(const char *what)
{
	if (!current) {
		fprintf(stderr, "%s: no simulated machine (sim_new first)\n", what);
		abort();
	}
	return current;
}

static void record(struct sim *s, enum sim_event e)
{
	if (s->nevents < SIM_EVENT_LOG)
		s->events[s->nevents] = e;
	s->nevents++;
}

void arch_write_cr3(uint64_t root_pa)
{
	struct sim *s = cpu("arch_write_cr3");
	record(s, SIM_EV_CR3);
	s->nxe_at_cr3 = s->nxe;
	s->wp_at_cr3 = s->wp;
	s->cr3 = root_pa;
	s->cr3_writes++;
	/* MOV to CR3 without PCID drops every non-global translation. */
	tlb_flush(s, true);
}

uint64_t arch_read_cr3(void)
{
	struct sim *s = cpu("arch_read_cr3");
	s->cr3_reads++;
	return s->cr3;
}

void arch_invlpg(uint64_t va)
{
	struct sim *s = cpu("arch_invlpg");
	if (s->invlpgs < SIM_INVLPG_LOG)
		s->invlpg_log[s->invlpgs] = va;
	s->invlpgs++;
	/* INVLPG drops the translation of the page holding va, global or not,
	 * whatever its size. */
	for (unsigned i = 0; i < SIM_TLB_SIZE; i++) {
		struct sim_tlb_entry *t = &s->tlb[i];
		if (t->valid && va - t->va < t->size)
			t->valid = false;
	}
}

void arch_flush_tlb(void)
{
	struct sim *s = cpu("arch_flush_tlb");
	s->flushes++;
	record(s, SIM_EV_FLUSH);
	/* As documented in arch.h: every translation, global ones too. */
	tlb_flush(s, false);
}

/* Long mode is on (LME, LMA) in every state the tests model. */
#define EFER_LONG_MODE ((1ULL << 8) | (1ULL << 10))
#define CR0_PE_PG ((1ULL << 0) | (1ULL << 31))

uint64_t arch_read_efer(void)
{
	struct sim *s = cpu("arch_read_efer");
	return EFER_LONG_MODE | (s->nxe ? ARCH_EFER_NXE : 0);
}

void arch_write_efer(uint64_t efer)
{
	struct sim *s = cpu("arch_write_efer");
	record(s, SIM_EV_EFER);
	if ((efer & ARCH_EFER_NXE) && !s->cpu_nx) {
		s->nxe_gp++; /* the write does not happen */
		return;
	}
	s->nxe = efer & ARCH_EFER_NXE;
}

uint64_t arch_read_cr0(void)
{
	struct sim *s = cpu("arch_read_cr0");
	return CR0_PE_PG | (s->wp ? ARCH_CR0_WP : 0);
}

void arch_write_cr0(uint64_t cr0)
{
	struct sim *s = cpu("arch_write_cr0");
	record(s, SIM_EV_CR0);
	s->wp = cr0 & ARCH_CR0_WP;
}

bool arch_cpu_has_nx(void)
{
	return cpu("arch_cpu_has_nx")->cpu_nx;
}

/* ---- the walker ----------------------------------------------------- */

bool sim_canonical(const struct sim *s, uint64_t va)
{
	unsigned bits = s->la57 ? 57 : 48;
	uint64_t top = va >> (bits - 1); /* bits 63:bits-1 all equal */
	return top == 0 || top == (~0ULL >> (bits - 1));
}

bool sim_allowed(const struct sim *s, unsigned perms, unsigned access)
{
	bool user = access & SIM_U;
	if (user && !(perms & SIM_PERM_U))
		return false;
	if (access & SIM_W) {
		/* CR0.WP: supervisor writes honour R/W too. */
		if (!(perms & SIM_PERM_W) && (user || s->wp))
			return false;
		if (!user && s->smap && (perms & SIM_PERM_U))
			return false;
	} else if (access & SIM_X) {
		if (s->nxe && !(perms & SIM_PERM_X))
			return false;
		if (!user && s->smep && (perms & SIM_PERM_U))
			return false;
	} else if (!user && s->smap && (perms & SIM_PERM_U)) {
		return false;
	}
	return true;
}

static uint32_t access_err(const struct sim *s, unsigned access)
{
	uint32_t e = 0;
	if (access & SIM_W)
		e |= SIM_PF_W;
	if (access & SIM_U)
		e |= SIM_PF_U;
	/* SDM 4.7: I/D is reported only with SMEP or (PAE and NXE). */
	if ((access & SIM_X) && (s->nxe || s->smep))
		e |= SIM_PF_I;
	return e;
}

uint32_t sim_prot_err(const struct sim *s, unsigned access)
{
	return access_err(s, access) | SIM_PF_P;
}

/* Reserved bits of an entry at `level` (leaf: PS at level 2/3). */
static uint64_t reserved_mask(const struct sim *s, unsigned level, bool large)
{
	uint64_t m = 0;
	if (s->maxphyaddr < 52)
		m |= ((1ULL << 52) - 1) & ~((1ULL << s->maxphyaddr) - 1);
	if (!s->nxe)
		m |= E_XD;
	if (level >= 4)
		m |= E_PS; /* PS is reserved in PML4E and PML5E */
	if (large) /* address bits below the leaf size, except PAT (bit 12) */
		m |= (1ULL << (12 + 9 * (level - 1))) - 1 - 0x1fffULL;
	return m;
}

static unsigned leaf_perms(const struct sim *s, uint64_t e, bool rw, bool us, bool xd)
{
	unsigned p = 0;
	if (rw)
		p |= SIM_PERM_W;
	if (us)
		p |= SIM_PERM_U;
	if (!xd || !s->nxe)
		p |= SIM_PERM_X;
	if (e & E_G)
		p |= SIM_PERM_G;
	if ((e & (E_PCD | E_PWT)) == (E_PCD | E_PWT))
		p |= SIM_PERM_UC;
	return p;
}

static struct sim_result walk(struct sim *s, uint64_t va, unsigned access,
			      bool update_ad)
{
	struct sim_result r;
	memset(&r, 0, sizeof r);
	if (!sim_canonical(s, va)) {
		r.kind = SIM_GP;
		return r;
	}
	unsigned levels = s->la57 ? 5 : 4;
	uint64_t table = s->cr3 & E_ADDR;
	uint64_t *slots[5];
	bool rw = true, us = true, xd = false;

	for (unsigned level = levels; level >= 1; level--) {
		unsigned idx = (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
		uint64_t *t = sim_try_phys(s, table, 4096);
		if (!t) {
			r.kind = SIM_BADPA;
			r.bad_pa = table;
			return r;
		}
		uint64_t e = t[idx];
		slots[r.depth] = &t[idx];
		r.table[r.depth] = table;
		r.ent[r.depth] = e;
		r.depth++;
		if (!(e & E_P)) {
			r.kind = SIM_PF;
			r.err = access_err(s, access);
			return r;
		}
		bool large = (level == 2 || level == 3) && (e & E_PS);
		if (e & reserved_mask(s, level, large)) {
			r.kind = SIM_PF;
			r.err = access_err(s, access) | SIM_PF_P | SIM_PF_RSVD;
			return r;
		}
		rw = rw && (e & E_RW);
		us = us && (e & E_US);
		xd = xd || (e & E_XD);
		if (level == 1 || large) {
			uint64_t size = 1ULL << (12 + 9 * (level - 1));
			r.level = level;
			r.size = size;
			r.entry = e;
			r.pa = (e & E_ADDR & ~(size - 1)) | (va & (size - 1));
			r.perms = leaf_perms(s, e, rw, us, xd);
			if (!sim_allowed(s, r.perms, access)) {
				r.kind = SIM_PF;
				r.err = sim_prot_err(s, access);
				return r;
			}
			if (update_ad) {
				for (unsigned i = 0; i < r.depth; i++)
					*slots[i] |= E_A;
				if (access & SIM_W)
					*slots[r.depth - 1] |= E_D;
			}
			r.kind = SIM_OK;
			return r;
		}
		table = e & E_ADDR;
	}
	abort(); /* level 1 is always a leaf */
}

struct sim_result sim_probe(struct sim *s, uint64_t va)
{
	return walk(s, va, SIM_R, false);
}

struct sim_result sim_access(struct sim *s, uint64_t va, unsigned access)
{
	if (s->tlb_on && sim_canonical(s, va)) {
		for (unsigned i = 0; i < SIM_TLB_SIZE; i++) {
			struct sim_tlb_entry *t = &s->tlb[i];
			/*
			 * A cached translation that allows the access is used as
			 * is: that is how a missing invalidation after a
			 * restricting change shows. One that forbids it makes us
			 * walk again, as CPUs may (so stale *widened* rights are
			 * never reported as faults: those are spurious, not bugs).
			 */
			if (t->valid && va - t->va < t->size &&
			    sim_allowed(s, t->perms, access)) {
				struct sim_result r;
				memset(&r, 0, sizeof r);
				r.kind = SIM_OK;
				r.pa = t->pa + (va - t->va);
				r.perms = t->perms;
				r.level = t->level;
				r.size = t->size;
				r.entry = t->entry;
				r.from_tlb = true;
				return r;
			}
		}
	}
	struct sim_result r = walk(s, va, access, s->set_ad);
	if (r.kind == SIM_OK && s->tlb_on) {
		struct sim_tlb_entry *t = &s->tlb[s->tlb_next++ % SIM_TLB_SIZE];
		t->valid = true;
		t->global = r.perms & SIM_PERM_G;
		t->va = va & ~(r.size - 1);
		t->size = r.size;
		t->pa = r.pa & ~(r.size - 1);
		t->perms = r.perms;
		t->level = r.level;
		t->entry = r.entry;
	}
	return r;
}

/* ---- enumerating leaves ------------------------------------------- */

struct walk_state {
	struct sim *s;
	int (*fn)(void *, const struct sim_leaf *);
	int (*tfn)(void *, uint64_t, unsigned);
	void *arg;
	unsigned levels;
};

static uint64_t sign_extend(const struct walk_state *w, uint64_t va)
{
	unsigned bits = w->levels == 5 ? 57 : 48;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

static int walk_table(struct walk_state *w, uint64_t table, unsigned level,
		      uint64_t base, bool rw, bool us, bool xd)
{
	uint64_t *t = sim_try_phys(w->s, table, 4096);
	if (!t)
		return -1;
	if (w->tfn) {
		int rc = w->tfn(w->arg, table, level);
		if (rc)
			return rc;
	}
	uint64_t span = 1ULL << (12 + 9 * (level - 1));
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!(e & E_P))
			continue;
		uint64_t va = sign_extend(w, base + (uint64_t)i * span);
		bool large = (level == 2 || level == 3) && (e & E_PS);
		bool nrw = rw && (e & E_RW), nus = us && (e & E_US);
		bool nxd = xd || (e & E_XD);
		int rc;
		if (level == 1 || large) {
			struct sim_leaf l = {
				.va = va,
				.pa = e & E_ADDR & ~(span - 1),
				.size = span,
				.entry = e,
				.level = level,
				.perms = leaf_perms(w->s, e, nrw, nus, nxd),
			};
			rc = w->fn ? w->fn(w->arg, &l) : 0;
		} else {
			rc = walk_table(w, e & E_ADDR, level - 1, va, nrw, nus, nxd);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int sim_walk(struct sim *s, uint64_t root, int (*fn)(void *, const struct sim_leaf *),
	     int (*tfn)(void *, uint64_t table, unsigned level), void *arg)
{
	struct walk_state w = { s, fn, tfn, arg, s->la57 ? 5 : 4 };
	return walk_table(&w, root & E_ADDR, w.levels, 0, true, true, false);
}

const char *sim_kind_name(enum sim_kind k)
{
	switch (k) {
	case SIM_OK:
		return "ok";
	case SIM_PF:
		return "#PF";
	case SIM_GP:
		return "#GP";
	case SIM_BADPA:
		return "table outside memory";
	}
	return "?";
}

const char *sim_err_str(uint32_t err, char *buf, size_t len)
{
	snprintf(buf, len, "0x%x[%s%s%s%s%s]", err, err & SIM_PF_P ? " P" : " !P",
		 err & SIM_PF_W ? " W" : "", err & SIM_PF_U ? " U" : "",
		 err & SIM_PF_RSVD ? " RSVD" : "", err & SIM_PF_I ? " I" : "");
	return buf;
}
