/*
 * The simulated MMU is the oracle of every other test, so it is tested on
 * its own first, on tables written by hand from the SDM's entry formats
 * (no early_paging code involved).
 */
#include "arch.h"
#include "ep_fixture.h"

#define P (1ULL << 0)
#define RW (1ULL << 1)
#define US (1ULL << 2)
#define PWT (1ULL << 3)
#define PCD (1ULL << 4)
#define PS (1ULL << 7)
#define G (1ULL << 8)
#define XD (1ULL << 63)

#define RAM 0x100000ULL
/* Tables: root at RAM, then one frame per table used below. */
#define T(n) (RAM + (n) * PAGE)

static struct sim *machine(unsigned levels)
{
	struct sim *s = sim_new(levels);
	sim_add_ram(s, RAM, 16 * PAGE, "tables");
	sim_set_root(s, T(0));
	return s;
}

static void set(struct sim *s, uint64_t table, unsigned idx, uint64_t e)
{
	sim_write64(s, table + 8 * idx, e);
}

/* va 0x40201000 -> PML4[0] PDPT[1] PD[1] PT[1] with a 4-level machine. */
#define VA4K 0x40201000ULL
static void build_4k(struct sim *s, uint64_t upper, uint64_t leaf)
{
	set(s, T(0), 0, T(1) | upper);
	set(s, T(1), 1, T(2) | upper);
	set(s, T(2), 1, T(3) | upper);
	set(s, T(3), 1, leaf);
}

static void expect_pf(struct sim *s, uint64_t va, unsigned acc, uint32_t err)
{
	char b1[64], b2[64];
	struct sim_result r = sim_access(s, va, acc);
	CHECKF(r.kind == SIM_PF && r.err == err,
	       "va 0x%llx access %u: expected #PF %s, got %s %s",
	       (unsigned long long)va, acc, sim_err_str(err, b1, sizeof b1),
	       sim_kind_name(r.kind), sim_err_str(r.err, b2, sizeof b2));
}

static void expect_ok(struct sim *s, uint64_t va, unsigned acc, uint64_t pa)
{
	char b[64];
	struct sim_result r = sim_access(s, va, acc);
	CHECKF(r.kind == SIM_OK && r.pa == pa,
	       "va 0x%llx access %u: expected pa 0x%llx, got %s %s pa 0x%llx",
	       (unsigned long long)va, acc, (unsigned long long)pa,
	       sim_kind_name(r.kind), sim_err_str(r.err, b, sizeof b),
	       (unsigned long long)r.pa);
}

TEST(not_present_error_codes)
{
	struct sim *s = machine(4);
	expect_pf(s, 0x1000, SIM_R, 0);
	expect_pf(s, 0x1000, SIM_W, SIM_PF_W);
	expect_pf(s, 0x1000, SIM_U | SIM_W, SIM_PF_U | SIM_PF_W);
	expect_pf(s, 0x1000, SIM_X, SIM_PF_I);
	expect_pf(s, 0x1000, SIM_U | SIM_X, SIM_PF_U | SIM_PF_I);
	/* SDM 4.7: without NXE (and SMEP) a fetch does not report I/D. */
	s->nxe = false;
	expect_pf(s, 0x1000, SIM_X, 0);
	s->smep = true;
	expect_pf(s, 0x1000, SIM_X, SIM_PF_I);
	/* The walk stopped at the root: one entry read. */
	struct sim_result r = sim_probe(s, 0x1000);
	CHECK_EQ(r.depth, 1);
	CHECK_EQ(r.table[0], T(0));
}

TEST(walk_4k_leaf)
{
	struct sim *s = machine(4);
	build_4k(s, P | RW | US, 0xabcde000ULL | P | RW | XD | G);
	expect_ok(s, VA4K + 0x123, SIM_R, 0xabcde123ULL);
	struct sim_result r = sim_probe(s, VA4K);
	CHECK_EQ(r.level, 1);
	CHECK_EQ(r.size, PAGE);
	CHECK_EQ(r.depth, 4);
	CHECK_EQ(r.perms, SIM_PERM_W | SIM_PERM_G);
	CHECK_EQ(r.table[3], T(3));
	/* PAT (bit 7) in a PTE is not PS and not reserved. */
	set(s, T(3), 1, 0xabcde000ULL | P | (1ULL << 7));
	expect_ok(s, VA4K, SIM_R, 0xabcde000ULL);
	/* Neighbouring pages are not present. */
	expect_pf(s, VA4K + PAGE, SIM_R, 0);
}

TEST(walk_large_leaves)
{
	struct sim *s = machine(4);
	/* 1 GiB leaf at PDPT[3] -> pa 5 GiB, PAT bit 12 set (not address). */
	set(s, T(0), 0, T(1) | P | RW);
	set(s, T(1), 3, 5 * GiB | (1ULL << 12) | P | RW | PS);
	expect_ok(s, 3 * GiB + 0x12345678, SIM_R, 5 * GiB + 0x12345678);
	CHECK_EQ(sim_probe(s, 3 * GiB).level, 3);
	/* 2 MiB leaf at PD[7] under PDPT[0] -> pa 0x7e00000, PAT set. */
	set(s, T(1), 0, T(2) | P | RW);
	set(s, T(2), 7, 0x7e00000ULL | (1ULL << 12) | P | PS | PCD | PWT);
	expect_ok(s, 7 * 2 * MiB + 0x1234, SIM_R, 0x7e01234ULL);
	struct sim_result r = sim_probe(s, 14 * MiB);
	CHECK_EQ(r.level, 2);
	CHECK_EQ(r.size, 2 * MiB);
	CHECK_EQ(r.perms, SIM_PERM_X | SIM_PERM_UC);
	expect_pf(s, 14 * MiB, SIM_W, SIM_PF_P | SIM_PF_W);
}

TEST(reserved_bits)
{
	struct sim *s = machine(4);
	uint32_t rsvd = SIM_PF_P | SIM_PF_RSVD;
	set(s, T(0), 0, T(1) | P | RW);
	set(s, T(1), 0, T(2) | P | RW);
	/* 2 MiB leaf with bit 13 set: reserved (bits 20:13). */
	set(s, T(2), 0, (1ULL << 13) | P | PS);
	expect_pf(s, 0x1000, SIM_R, rsvd);
	expect_pf(s, 0x1000, SIM_W, rsvd | SIM_PF_W);
	set(s, T(2), 0, (1ULL << 20) | P | PS);
	expect_pf(s, 0x1000, SIM_R, rsvd);
	set(s, T(2), 0, (1ULL << 21) | P | PS);
	expect_ok(s, 0x1000, SIM_R, 2 * MiB + 0x1000);
	/* 1 GiB leaf with bit 29 set: reserved (bits 29:13). */
	set(s, T(1), 1, (1ULL << 29) | P | PS);
	expect_pf(s, GiB, SIM_R, rsvd);
	set(s, T(1), 1, (1ULL << 30) | (1ULL << 12) | P | PS);
	expect_ok(s, GiB, SIM_R, GiB);
	/* PS in a PML4 entry is reserved. */
	set(s, T(0), 1, T(1) | P | PS);
	expect_pf(s, 512 * GiB, SIM_R, rsvd);
	/* XD with NXE off is reserved, at any level. */
	set(s, T(0), 2, T(1) | P | XD);
	expect_ok(s, 1024 * GiB, SIM_R, 2 * MiB);
	s->nxe = false;
	expect_pf(s, 1024 * GiB, SIM_R, rsvd);
	s->nxe = true;
	/* Address bits above MAXPHYADDR are reserved. */
	s->maxphyaddr = 46;
	set(s, T(1), 2, (1ULL << 46) | P | PS);
	expect_pf(s, 2 * GiB, SIM_R, rsvd);
	s->maxphyaddr = 52;
	expect_ok(s, 2 * GiB, SIM_R, 1ULL << 46);
}

TEST(permissions_combine_across_levels)
{
	struct sim *s = machine(4);
	/* Leaf allows everything; each upper-level restriction must show. */
	build_4k(s, P | RW | US, 0x5000ULL | P | RW | US);
	expect_ok(s, VA4K, SIM_U | SIM_W, 0x5000);
	expect_ok(s, VA4K, SIM_U | SIM_X, 0x5000);
	set(s, T(1), 1, T(2) | P | US); /* PDPT entry read-only */
	expect_pf(s, VA4K, SIM_W, SIM_PF_P | SIM_PF_W);
	expect_pf(s, VA4K, SIM_U | SIM_W, SIM_PF_P | SIM_PF_W | SIM_PF_U);
	s->wp = false; /* supervisor writes ignore R/W without CR0.WP */
	expect_ok(s, VA4K, SIM_W, 0x5000);
	s->wp = true;
	set(s, T(1), 1, T(2) | P | RW | US);
	set(s, T(2), 1, T(3) | P | RW); /* PD entry supervisor */
	expect_pf(s, VA4K, SIM_U, SIM_PF_P | SIM_PF_U);
	expect_ok(s, VA4K, SIM_R, 0x5000);
	set(s, T(2), 1, T(3) | P | RW | US);
	set(s, T(0), 0, T(1) | P | RW | US | XD); /* NX at the top */
	expect_pf(s, VA4K, SIM_X, SIM_PF_P | SIM_PF_I);
	expect_pf(s, VA4K, SIM_U | SIM_X, SIM_PF_P | SIM_PF_I | SIM_PF_U);
	CHECK_EQ(sim_probe(s, VA4K).perms, SIM_PERM_W | SIM_PERM_U);
	/* SMEP: no supervisor fetch from a user page; SMAP: no data access. */
	set(s, T(0), 0, T(1) | P | RW | US);
	s->smep = true;
	expect_pf(s, VA4K, SIM_X, SIM_PF_P | SIM_PF_I);
	s->smap = true;
	expect_pf(s, VA4K, SIM_R, SIM_PF_P);
}

TEST(canonical_and_la57)
{
	struct sim *s4 = machine(4);
	CHECK_EQ(sim_access(s4, 0x0000800000000000ULL, SIM_R).kind, SIM_GP);
	CHECK_EQ(sim_access(s4, 0xffff7fffffffffffULL, SIM_R).kind, SIM_GP);
	CHECK_EQ(sim_access(s4, 0xffff800000000000ULL, SIM_R).kind, SIM_PF);
	CHECK_EQ(sim_access(s4, 0x00007fffffffffffULL, SIM_R).kind, SIM_PF);

	struct sim *s = sim_new(5);
	sim_add_ram(s, RAM, 16 * PAGE, "tables");
	sim_set_root(s, T(0));
	CHECK_EQ(sim_access(s, 0x0100000000000000ULL, SIM_R).kind, SIM_GP);
	CHECK_EQ(sim_access(s, 0xfeffffffffffffffULL, SIM_R).kind, SIM_GP);
	/* 0xff00_0000_0000_0000 + 0x1000: PML5[256] PML4[0] PDPT[0] PD[0] PT[1]. */
	uint64_t va = 0xff00000000001000ULL;
	set(s, T(0), 256, T(1) | P | RW);
	set(s, T(1), 0, T(2) | P | RW);
	set(s, T(2), 0, T(3) | P | RW);
	set(s, T(3), 0, T(4) | P | RW);
	set(s, T(4), 1, 0x9000ULL | P | RW);
	expect_ok(s, va, SIM_W, 0x9000);
	CHECK_EQ(sim_probe(s, va).depth, 5);
	/* The same tables under 4-level paging would not reach it. */
	CHECK(sim_canonical(s, 0x0000800000000000ULL));
}

TEST(walker_reports_bad_table_pointer)
{
	struct sim *s = machine(4);
	set(s, T(0), 0, 0x7700000000ULL | P | RW);
	struct sim_result r = sim_probe(s, 0x1000);
	CHECK_EQ(r.kind, SIM_BADPA);
	CHECK_EQ(r.bad_pa, 0x7700000000ULL);
}

TEST(tlb_model)
{
	struct sim *s = machine(4);
	s->tlb_on = true;
	build_4k(s, P | RW, 0x5000ULL | P | RW | G);
	set(s, T(3), 2, 0x6000ULL | P | RW);
	expect_ok(s, VA4K, SIM_W, 0x5000);
	expect_ok(s, VA4K + PAGE, SIM_W, 0x6000);
	/* Tables change, TLB still has the old translations. */
	set(s, T(3), 1, 0);
	set(s, T(3), 2, 0);
	CHECK(sim_access(s, VA4K, SIM_W).from_tlb);
	CHECK(sim_access(s, VA4K + PAGE, SIM_W).from_tlb);
	/* A CR3 reload keeps the global one. */
	arch_write_cr3(T(0));
	CHECK(sim_access(s, VA4K, SIM_W).from_tlb);
	expect_pf(s, VA4K + PAGE, SIM_W, SIM_PF_W);
	/* INVLPG drops it. */
	arch_invlpg(VA4K + 0x10);
	expect_pf(s, VA4K, SIM_W, SIM_PF_W);
	/* arch_flush_tlb drops global translations too (CR4.PGE toggle). */
	set(s, T(3), 1, 0x5000ULL | P | RW | G);
	expect_ok(s, VA4K, SIM_W, 0x5000);
	set(s, T(3), 1, 0);
	CHECK(sim_access(s, VA4K, SIM_W).from_tlb);
	arch_flush_tlb();
	expect_pf(s, VA4K, SIM_W, SIM_PF_W);
	CHECK_EQ(s->cr3_writes, 1);
	CHECK_EQ(s->flushes, 1);
	CHECK_EQ(s->invlpgs, 1);
	CHECK_EQ(s->invlpg_log[0], VA4K + 0x10);
	/* A cached entry that forbids the access is walked again. */
	build_4k(s, P | RW, 0x5000ULL | P);
	expect_ok(s, VA4K, SIM_R, 0x5000);
	set(s, T(3), 1, 0x5000ULL | P | RW);
	expect_ok(s, VA4K, SIM_W, 0x5000);
}

TEST(accessed_dirty)
{
	struct sim *s = machine(4);
	s->set_ad = true;
	build_4k(s, P | RW, 0x5000ULL | P | RW);
	expect_ok(s, VA4K, SIM_R, 0x5000);
	CHECK_EQ(sim_read64(s, T(0)) & 0x60, 0x20);
	CHECK_EQ(sim_read64(s, T(3) + 8) & 0x60, 0x20);
	expect_ok(s, VA4K, SIM_W, 0x5000);
	CHECK_EQ(sim_read64(s, T(3) + 8) & 0x60, 0x60);
}

static int count_leaf(void *arg, const struct sim_leaf *l)
{
	struct sim_leaf *last = arg;
	*last = *l;
	last->entry++; /* entry field reused as a counter below */
	return 0;
}

TEST(enumerates_high_half_sign_extended)
{
	struct sim *s = machine(4);
	set(s, T(0), 511, T(1) | P | RW);
	set(s, T(1), 510, 0x40000000ULL | P | RW | PS);
	struct sim_leaf last = { 0 };
	CHECK_EQ(sim_walk(s, T(0), count_leaf, NULL, &last), 0);
	CHECK_EQ(last.va, 0xffffffff80000000ULL);
	CHECK_EQ(last.pa, 0x40000000ULL);
	CHECK_EQ(last.level, 3);
	CHECK_EQ(last.perms, SIM_PERM_W | SIM_PERM_X);
}

TEST(phys_to_virt_maps_buffers)
{
	struct sim *s = sim_new(4);
	uint8_t *a = sim_add_ram(s, 0x200000, 4 * PAGE, "a");
	uint8_t *b = sim_add_ram(s, 0x800000, PAGE, "b");
	CHECK(sim_phys_to_virt(s, 0x200000) == a);
	CHECK(sim_phys_to_virt(s, 0x203008) == a + 0x3008);
	CHECK(sim_phys_to_virt(s, 0x800000) == b);
	CHECK(sim_try_phys(s, 0x801000, 8) == NULL);
	CHECK(sim_try_phys(s, 0x1ff000, 8) == NULL);
}

int main(void)
{
	RUN(not_present_error_codes);
	RUN(walk_4k_leaf);
	RUN(walk_large_leaves);
	RUN(reserved_bits);
	RUN(permissions_combine_across_levels);
	RUN(canonical_and_la57);
	RUN(walker_reports_bad_table_pointer);
	RUN(tlb_model);
	RUN(accessed_dirty);
	RUN(enumerates_high_half_sign_extended);
	RUN(phys_to_virt_maps_buffers);
	return th_done();
}
