/*
 * A simulated x86-64 machine for the host tests: physical memory made of
 * host buffers, the privileged instructions of common/arch.h, a TLB model
 * and a page walker written from the Intel SDM (vol. 3A, 4.5 "4-level and
 * 5-level paging", 4.6 "access rights", 4.7 "page-fault exceptions").
 *
 * The walker is the tests' oracle: it reads the raw tables and never calls
 * the code under test.
 */
#ifndef EARLYBOOT_SIM_MMU_H
#define EARLYBOOT_SIM_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MAX_REGIONS 8
#define SIM_TLB_SIZE 64
#define SIM_INVLPG_LOG 256
#define SIM_EVENT_LOG 64

/* The order of what the code under test did to the CPU (struct sim.events). */
enum sim_event {
	SIM_EV_CR3 = 1, /* arch_write_cr3 */
	SIM_EV_EFER,    /* arch_write_efer */
	SIM_EV_CR0,     /* arch_write_cr0 */
	SIM_EV_FLUSH,   /* arch_flush_tlb: every translation, global ones too */
};

/* Access kinds for sim_access: read is 0. */
#define SIM_R 0u
#define SIM_W (1u << 0) /* data write */
#define SIM_X (1u << 1) /* instruction fetch */
#define SIM_U (1u << 2) /* CPL 3 */

/* Error-code bits (SDM 4.7), same values as EP_PF_*. */
#define SIM_PF_P (1u << 0)
#define SIM_PF_W (1u << 1)
#define SIM_PF_U (1u << 2)
#define SIM_PF_RSVD (1u << 3)
#define SIM_PF_I (1u << 4)

/* Effective permissions, same values as enum ep_perm. */
#define SIM_PERM_W (1u << 0)
#define SIM_PERM_X (1u << 1)
#define SIM_PERM_U (1u << 2)
#define SIM_PERM_G (1u << 3)
#define SIM_PERM_UC (1u << 4) /* PCD and PWT both set in the leaf */

struct sim_region {
	uint64_t pa, size;
	uint8_t *mem;
	const char *name;
};

struct sim_tlb_entry {
	bool valid, global;
	uint64_t va, size, pa; /* va and pa of the leaf's start */
	unsigned perms, level;
	uint64_t entry;
};

struct sim {
	struct sim_region region[SIM_MAX_REGIONS];
	unsigned nregion;

	/* CPU configuration. */
	bool la57;     /* CR4.LA57: 5-level paging */
	bool nxe;      /* IA32_EFER.NXE (default on) */
	bool wp;       /* CR0.WP (default on) */
	bool cpu_nx;   /* CPUID NX: EFER.NXE may be set (default on) */
	bool smep;     /* CR4.SMEP (default off) */
	bool smap;     /* CR4.SMAP, with EFLAGS.AC clear (default off) */
	unsigned maxphyaddr; /* default 52 */
	bool set_ad;   /* set Accessed/Dirty bits like hardware (default off) */
	bool tlb_on;   /* model a TLB (default off) */

	/* Architectural state and what the code under test did to it. */
	uint64_t cr3;
	unsigned long cr3_writes, cr3_reads, invlpgs, flushes;
	uint64_t invlpg_log[SIM_INVLPG_LOG]; /* first invlpg addresses */
	enum sim_event events[SIM_EVENT_LOG]; /* the first ones, in order */
	unsigned nevents;
	/* EFER.NXE and CR0.WP as the last CR3 write found them. */
	bool nxe_at_cr3, wp_at_cr3;
	/* arch_write_efer setting NXE on a CPU without NX: a #GP on hardware. */
	unsigned long nxe_gp;

	struct sim_tlb_entry tlb[SIM_TLB_SIZE];
	unsigned tlb_next;
};

enum sim_kind {
	SIM_OK = 0,
	SIM_PF,    /* page fault: err holds the error code */
	SIM_GP,    /* non-canonical address */
	SIM_BADPA, /* a table pointer leads outside simulated memory */
};

struct sim_result {
	enum sim_kind kind;
	uint32_t err;       /* #PF error code */
	uint64_t pa;        /* translation of va */
	unsigned perms;     /* effective SIM_PERM_* */
	unsigned level;     /* leaf level: 1, 2, 3 */
	uint64_t size;      /* leaf size */
	uint64_t entry;     /* leaf entry */
	bool from_tlb;
	uint64_t bad_pa;    /* SIM_BADPA: the pa that is not memory */
	/* The walk, top level first (filled also when it faults). */
	unsigned depth;
	uint64_t table[5], ent[5];
};

/* A new machine for `levels`-level paging; it becomes the one the arch_*
 * functions act on. Freed at the end of the running test case. */
struct sim *sim_new(unsigned levels);
/* Back [pa, pa+size) with zeroed host memory. */
uint8_t *sim_add_ram(struct sim *s, uint64_t pa, uint64_t size, const char *name);
/* For struct ep_config: env is the struct sim. Aborts, naming the pa, if
 * pa is outside every buffer. */
void *sim_phys_to_virt(void *env, uint64_t pa);
/* NULL when pa is not backed (no abort). */
void *sim_try_phys(struct sim *s, uint64_t pa, uint64_t len);
uint64_t sim_read64(struct sim *s, uint64_t pa);
void sim_write64(struct sim *s, uint64_t pa, uint64_t v);

/* Point the walker at a root without counting a CR3 write (drops the TLB). */
void sim_set_root(struct sim *s, uint64_t root_pa);

/* One access through the TLB model (if on) and the page walker. */
struct sim_result sim_access(struct sim *s, uint64_t va, unsigned access);
/* The walk alone: no TLB, no A/D updates; access 0 (supervisor read). */
struct sim_result sim_probe(struct sim *s, uint64_t va);
/* Would `access` be allowed with effective perms (independent of tables)? */
bool sim_allowed(const struct sim *s, unsigned perms, unsigned access);
/* Error code hardware gives for `access` on a present page it forbids. */
uint32_t sim_prot_err(const struct sim *s, unsigned access);
bool sim_canonical(const struct sim *s, uint64_t va);

/*
 * Every leaf reachable from root, in va order, with effective permissions
 * combined over all levels. fn returning nonzero stops. Tables are reported
 * to tfn (may be NULL) before their children. Returns nonzero if a table
 * pointer left simulated memory or fn stopped.
 */
struct sim_leaf {
	uint64_t va, pa, size, entry;
	unsigned level, perms;
};
int sim_walk(struct sim *s, uint64_t root, int (*fn)(void *, const struct sim_leaf *),
	     int (*tfn)(void *, uint64_t table, unsigned level), void *arg);

const char *sim_kind_name(enum sim_kind k);
/* "P W U RSVD I" style decoding for failure messages. */
const char *sim_err_str(uint32_t err, char *buf, size_t len);

#endif
