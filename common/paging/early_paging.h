/*
 * early_paging: the one API through which earlyboot builds page tables, in
 * every world. Everything that writes an entry, allocates a table frame or
 * loads CR3 goes through here; the backends (native, xen) differ only behind
 * struct ep_backend_ops. This folder holds the whole unit: the generic part
 * (ep_core.c life cycle and requests, ep_walk.c the walker, ep_sizing.c pool
 * sizing, ep_dump.c the dump, ep_lazy.c the #PF materializer) and one folder
 * per backend (native/, xen/).
 *
 * The one exception: pvh/entry.asm builds a small identity map in 32-bit
 * assembly, before any C can run, just to reach long mode; the PVH world
 * replaces it with a tree built here before it loads the kernel. No other
 * code writes a page-table entry.
 *
 * Conventions
 *  - Addresses are 64-bit numbers; "pa" is a guest-physical address, "va" a
 *    virtual one. Lengths and addresses given to map/protect/unmap must be
 *    4 KiB aligned (EP_ERR_ALIGN otherwise) and the range must be canonical
 *    for the paging depth in use (EP_ERR_RANGE otherwise).
 *  - Every operation that can fail returns an enum ep_err; on failure the
 *    context remembers what was at fault (ep_last_error) and the tree is left
 *    exactly as it was before the call (checks and pool needs are computed
 *    before the first entry is written).
 *  - Mapping over an existing mapping is an error (EP_ERR_OVERLAP naming the
 *    first mapped va), never a silent replacement: unmap first.
 *  - One CPU. A context has no lock, invalidate reaches only the calling
 *    CPU's TLB, the materializer serves the CPU it runs on, and the native
 *    activation sets EFER.NXE and CR0.WP on that CPU alone. earlyboot runs
 *    on the boot CPU only. An SMP caller would need: one lock around every
 *    call on a context, ep_lazy_fault included (it allocates and may reset
 *    the lazy pool); a TLB shootdown after ep_unmap, ep_protect and a
 *    lazy-pool reset, the reset also waiting until no CPU still walks the
 *    tables it unhooks; the materializer installed on every CPU that may
 *    touch a lazy region, each running on the same root (a fault under
 *    another root is refused, EP_FAULT_OTHER_TREE); and NXE and WP set on
 *    every CPU before it loads the root. docs/early_paging.md, "One CPU".
 */
#ifndef EARLYBOOT_EARLY_PAGING_H
#define EARLYBOOT_EARLY_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "page.h"

#define EP_PAGE_SHIFT 12
#define EP_PAGE_SIZE PAGE
#define EP_ENTRIES 512
#define EP_MAX_LEVELS 5

/* Hardware entry bits (Intel SDM vol. 3, 4-level and 5-level paging). */
#define EP_PTE_P (1ULL << 0)
#define EP_PTE_RW (1ULL << 1)
#define EP_PTE_US (1ULL << 2)
#define EP_PTE_PWT (1ULL << 3)
#define EP_PTE_PCD (1ULL << 4)
#define EP_PTE_A (1ULL << 5)
#define EP_PTE_D (1ULL << 6)
#define EP_PTE_PS (1ULL << 7) /* leaf at level 2 or 3 */
#define EP_PTE_G (1ULL << 8)
#define EP_PTE_NX (1ULL << 63)
#define EP_PTE_ADDR_MASK 0x000ffffffffff000ULL
#define EP_PTE_LARGE_ADDR_MASK(level) \
	(EP_PTE_ADDR_MASK & ~(ep_level_size(level) - 1))

/* Permissions of a request or of a translation. Read is implied. */
enum ep_perm {
	EP_W = 1u << 0,       /* writable */
	EP_X = 1u << 1,       /* executable */
	EP_U = 1u << 2,       /* user accessible */
	EP_G = 1u << 3,       /* global (kept across CR3 loads) */
	EP_NOCACHE = 1u << 4, /* PCD|PWT: device memory */
	/*
	 * With EP_W | EP_X on an eager map: the next kernel's boot protocol
	 * demands a range it writes and then runs (Linux's 64-bit entry
	 * relocates and decompresses itself in place). Without it W+X is
	 * EP_ERR_WX; the loader declares every such range to the audit.
	 */
	EP_WX_BY_PROTOCOL = 1u << 5,
};

/* Leaf sizes a backend allows, as a mask: bit (level - 1). */
#define EP_LEAF_4K (1u << 0)
#define EP_LEAF_2M (1u << 1)
#define EP_LEAF_1G (1u << 2)

enum ep_err {
	EP_OK = 0,
	EP_ERR_ALIGN,       /* va, pa or length not 4 KiB aligned */
	EP_ERR_RANGE,       /* empty, wrapping, non-canonical or pa too wide */
	EP_ERR_WX,          /* writable and executable asked together */
	EP_ERR_OVERLAP,     /* va already mapped (map) */
	EP_ERR_NOT_MAPPED,  /* va not mapped (protect, translate) */
	EP_ERR_LAZY,        /* eager request inside a lazy region, or regions overlap */
	EP_ERR_POOL,        /* the pool has too few frames for the request */
	EP_ERR_REFUSED,     /* writable mapping of a page-table frame asked */
	EP_ERR_BACKEND,     /* the backend failed (hypercall error, ...) */
	EP_ERR_STATE,       /* call not valid in the context's state */
	EP_ERR_CONFIG,      /* bad ep_config */
	EP_ERR_FAULT,       /* a fault the materializer cannot serve */
};

const char *ep_strerror(enum ep_err err);

/* Explicit state of every pool frame (docs/design.md "Every frame has a state"). */
enum ep_frame_state {
	EP_FRAME_FREE = 0, /* ordinary memory owned by the pool */
	EP_FRAME_TABLE,    /* a page table, read-only where the backend says so */
	EP_FRAME_PINNED,   /* a page table of a tree that has been made live */
	EP_FRAME_RELEASED, /* spare frame given back as ordinary RW memory */
};

const char *ep_frame_state_name(enum ep_frame_state s);

/*
 * A contiguous run of frames: [start, end) handed out as tables, [end, top)
 * spare. state[] has one byte per frame of [start, top).
 */
struct ep_pool {
	uint64_t start, end, top; /* physical addresses, 4 KiB aligned */
	uint8_t *state;           /* enum ep_frame_state per frame */
};

static inline uint64_t ep_pool_frames(const struct ep_pool *p)
{
	return (p->top - p->start) >> EP_PAGE_SHIFT;
}
static inline uint64_t ep_pool_used(const struct ep_pool *p)
{
	return (p->end - p->start) >> EP_PAGE_SHIFT;
}
static inline bool ep_pool_contains(const struct ep_pool *p, uint64_t pa)
{
	return pa >= p->start && pa < p->top;
}

struct ep_counters {
	uint64_t table_frames;    /* frames that became tables (both pools) */
	uint64_t entries_written; /* entries stored, any level */
	uint64_t leaves[3];       /* leaves written: [0] 4 KiB, [1] 2 MiB, [2] 1 GiB */
	uint64_t faults_served;   /* #PF served by the materializer */
	uint64_t pool_resets;     /* lazy pool resets */
	uint64_t refusals;        /* RW dropped on a table-frame mapping (xen) */
	uint64_t hypercalls;      /* counted by the xen backend's one wrapper */
	uint64_t activations;     /* roots made live */
};

struct ep_ctx;

/* A request as a backend's check_request sees it. */
enum ep_request_kind { EP_REQ_MAP, EP_REQ_PROTECT, EP_REQ_UNMAP };
struct ep_request {
	enum ep_request_kind kind;
	uint64_t va, len;
	uint64_t pa;    /* map: pa of va; 0 otherwise */
	unsigned perms; /* map, protect */
};

/*
 * What differs between worlds. Table memory is always read through
 * cfg->phys_to_virt; writes go through set_entry/set_run.
 */
struct ep_backend_ops {
	const char *name;
	unsigned leaf_mask;     /* EP_LEAF_* the backend allows */
	bool tables_need_zero;  /* zero even a table that will be fully written */
	/* A zeroed pool frame is about to become a table: make it fit. */
	enum ep_err (*alloc_table)(struct ep_ctx *ctx, uint64_t pa);
	/* Write one entry: table at pa, index, level (1 = PT ... 5 = PML5). */
	enum ep_err (*set_entry)(struct ep_ctx *ctx, uint64_t table_pa,
				 unsigned level, unsigned index, uint64_t entry);
	/*
	 * Write count consecutive entries starting at index; entry i is
	 * first + i * step (step adds to the address bits only).
	 */
	enum ep_err (*set_run)(struct ep_ctx *ctx, uint64_t table_pa,
			       unsigned level, unsigned index, unsigned count,
			       uint64_t first, uint64_t step);
	/* Push any batched writes out (no-op for direct stores). */
	enum ep_err (*flush)(struct ep_ctx *ctx);
	/*
	 * Address bits of an entry as the generic code reads it back: under
	 * Xen PV entries hold machine frames. NULL: the entry holds the pa.
	 */
	uint64_t (*entry_to_pa)(const struct ep_ctx *ctx, uint64_t entry);
	/*
	 * Make root live. early: the kernel base pointer only; it never
	 * touches user page tables (none exist yet). late: the same, and the
	 * user base pointer where the backend has one (Xen PV): set to the
	 * user tree the world supplied, or to none; never to root itself.
	 * Natively both are one CR3 load. The core calls the early one until
	 * ep_switch_to_late_activation, the late one after.
	 */
	enum ep_err (*activate_early)(struct ep_ctx *ctx, uint64_t root_pa);
	enum ep_err (*activate_late)(struct ep_ctx *ctx, uint64_t root_pa);
	/* Drop stale translations of [va, va+len) of the live tree. */
	void (*invalidate)(struct ep_ctx *ctx, uint64_t va, uint64_t len);
	/*
	 * A spare pool frame goes back to ordinary RW memory. Called by the
	 * core for every spare frame, once the pool is closed and the tree is
	 * live, then flush; the frames are RELEASED only when all went well.
	 */
	enum ep_err (*release_spare)(struct ep_ctx *ctx, uint64_t pa);
	/*
	 * Optional. Make a pool frame that is about to become a table read as
	 * zeros. NULL: the core stores the zeros itself, which a backend
	 * cannot allow once the frame is mapped read-only in the live tree
	 * (xen, after the switch).
	 */
	enum ep_err (*zero_table)(struct ep_ctx *ctx, uint64_t pa);
	/*
	 * Optional. Veto a map/protect/unmap after its dry run found it valid
	 * and before anything is written, so a veto leaves the tree as it was
	 * (xen: an explicit writable mapping of a page-table frame).
	 */
	enum ep_err (*check_request)(struct ep_ctx *ctx,
				     const struct ep_request *req);
	/*
	 * A va window [hole_start, hole_end) that belongs to someone else
	 * (Xen PV: the hypervisor's L4 slots, which Xen writes into every L4
	 * it validates): requests touching it fail with EP_ERR_RANGE and the
	 * walkers never descend into it. hole_end == 0: no hole.
	 */
	uint64_t hole_start, hole_end;
	/*
	 * Optional. The root the CPU walks right now (natively CR3's address
	 * bits), so the #PF materializer can refuse a fault taken under
	 * another tree instead of building into its own. NULL: not knowable.
	 */
	uint64_t (*live_root)(const struct ep_ctx *ctx);
};

extern const struct ep_backend_ops ep_native_ops;

/*
 * The native activation (ep_native_ops.activate_*) with the load of the
 * root left to the caller (common/x86/paging_depth.c loads it through a
 * change of paging depth when it must). Around the load it keeps what
 * every native tree needs: EFER.NXE (where the CPU has NX; a tree with NX
 * bits on a CPU without is EP_ERR_CONFIG, before anything changes) and
 * CR0.WP on before it, and after it, when it replaced another root (at
 * the first activation, the predecessor's), a flush of every translation,
 * global ones included.
 */
typedef void (*ep_native_load_fn)(struct ep_ctx *ctx, uint64_t root_pa);
enum ep_err ep_native_activate_with(struct ep_ctx *ctx, uint64_t root_pa,
				    ep_native_load_fn load);

struct ep_config {
	const struct ep_backend_ops *ops;
	void *backend_data;   /* the backend's own state */
	unsigned levels;      /* 4, or 5 where CR4.LA57 is on */
	unsigned leaf_mask;   /* 0: all the backend allows; else intersected */
	bool no_nx;           /* CPU without NX: never set bit 63 */
	/* Where table frames can be read and written from the running code. */
	void *(*phys_to_virt)(void *env, uint64_t pa);
	void *env;
	/* The main pool: every eager table, and the root. */
	uint64_t pool_pa;
	uint64_t pool_frames;
	uint8_t *pool_state; /* pool_frames bytes */
	/* The materializer's small fixed pool (optional: 0 frames = no lazy). */
	uint64_t lazy_pool_pa;
	uint64_t lazy_pool_frames;
	uint8_t *lazy_pool_state;
};

#define EP_MAX_LAZY 8

struct ep_lazy_region {
	uint64_t va, pa, len;
	unsigned perms;
};

struct ep_error_info {
	enum ep_err code;
	uint64_t va;    /* address at fault, when one is */
	uint64_t pa;    /* frame or physical address at fault, when one is */
	uint64_t need;  /* frames needed (EP_ERR_POOL), or backend code */
	unsigned level; /* level involved, 0 if none */
	const char *op; /* the operation that failed */
};

typedef enum ep_err (*ep_activate_fn)(struct ep_ctx *ctx, uint64_t root_pa);

struct ep_ctx {
	const struct ep_backend_ops *ops;
	void *backend_data;
	unsigned levels;
	unsigned leaf_mask;
	bool no_nx;
	void *(*phys_to_virt)(void *env, uint64_t pa);
	void *env;
	struct ep_pool pool;
	struct ep_pool lazy_pool;
	uint64_t root;            /* pa of the top-level table */
	bool live;                /* root is the one the CPU uses */
	bool finished;            /* ep_finish has run: the pool is closed */
	bool release_pending;     /* finished before live: spares go back at
				     the first activation */
	ep_activate_fn activate;  /* early until ep_switch_to_late_activation */
	struct ep_lazy_region lazy[EP_MAX_LAZY];
	unsigned nlazy;
	uint64_t fault_page;      /* page of the last fault served or refused */
	unsigned fault_repeats;   /* faults in a row on fault_page */
	struct ep_counters count;
	struct ep_error_info err;
};

/* ---- life cycle ---------------------------------------------------- */

/* Check cfg, set up both pools and allocate the root from the main pool. */
enum ep_err ep_init(struct ep_ctx *ctx, const struct ep_config *cfg);

/*
 * Load the root through the current activation variant (early, then late).
 *  - early: the kernel base pointer alone. Under Xen PV it never issues
 *    NEW_USER_BASEPTR, however often it runs.
 *  - late: also the user base pointer, which only ever names a real user
 *    tree: the one the world supplied (xen_be_config.user_root_pa), or
 *    none (0) without one; never the kernel's root (EP_ERR_CONFIG).
 */
enum ep_err ep_activate(struct ep_ctx *ctx);
/*
 * The single named point where the early activation gives way to the late
 * one: from here on, user page tables may exist. Nothing else switches.
 */
void ep_switch_to_late_activation(struct ep_ctx *ctx);

/*
 * Construction is over: the main pool hands out nothing more; used frames
 * stay reserved (TABLE/PINNED), spare frames [end, top) are released to
 * ordinary RW memory (RELEASED) through the backend's release_spare. A
 * spare frame is given back only once the tree is live: called before the
 * first successful ep_activate, ep_finish closes the pool and the spare
 * frames stay FREE (still table frames for the xen backend's rule) until
 * that activation has pinned the tree and releases them.
 */
enum ep_err ep_finish(struct ep_ctx *ctx);

/* ---- building ------------------------------------------------------ */

enum ep_err ep_map(struct ep_ctx *ctx, uint64_t va, uint64_t pa, uint64_t len,
		   unsigned perms);
/* Change the permissions of an already fully mapped range (splits leaves). */
enum ep_err ep_protect(struct ep_ctx *ctx, uint64_t va, uint64_t len,
		       unsigned perms);
/* Remove whatever is mapped in the range (holes are fine; splits leaves). */
enum ep_err ep_unmap(struct ep_ctx *ctx, uint64_t va, uint64_t len);

/* ---- reading ------------------------------------------------------- */

struct ep_translation {
	uint64_t pa;
	unsigned perms;  /* effective: W only if RW at every level, etc. */
	unsigned level;  /* level of the leaf: 1 (4 KiB), 2 (2 MiB), 3 (1 GiB) */
	uint64_t entry;  /* the leaf entry */
};
enum ep_err ep_translate(const struct ep_ctx *ctx, uint64_t va,
			 struct ep_translation *out);

struct ep_leaf {
	uint64_t va, pa, size;
	unsigned level, perms;
	uint64_t entry;
};
/* Visit every leaf in va order; a nonzero return from fn stops the walk. */
int ep_walk_leaves(const struct ep_ctx *ctx,
		   int (*fn)(void *arg, const struct ep_leaf *leaf), void *arg);
/* Visit every table frame reachable from the root (root first, depth first). */
int ep_walk_tables(const struct ep_ctx *ctx,
		   int (*fn)(void *arg, uint64_t table_pa, unsigned level),
		   void *arg);

/*
 * Print the tree as merged ranges, one line each, through out():
 *   ptdump: 0xVA_START-0xVA_END pa=0xPA_START SIZE leaf=4K|2M|1G RW|ro x|NX US|ks G|- WB|UC
 * (VA_END exclusive; the top page of the address space ends at 0x0), merging
 * leaves contiguous in va and pa with the same size and permissions,
 * framed by "ptdump: begin root=0x... levels=N" and "ptdump: end ranges=N".
 * tools/ptdump-view reads these lines back from a boot log.
 */
void ep_dump(const struct ep_ctx *ctx, void (*out)(void *arg, const char *line),
	     void *arg);

const struct ep_counters *ep_counters(const struct ep_ctx *ctx);
const struct ep_error_info *ep_last_error(const struct ep_ctx *ctx);
/* One line naming the error and the address/frame at fault. */
int ep_format_error(const struct ep_ctx *ctx, char *buf, size_t len);

/* State of a frame of either pool; -1 when pa is in neither. */
int ep_frame_state(const struct ep_ctx *ctx, uint64_t pa);

/* ---- pool sizing ---------------------------------------------------- */

struct ep_range_req {
	uint64_t va, pa, len;
};

/*
 * Frames needed (root included) to map reqs on an empty tree with the
 * largest leaves leaf_mask allows. With self_map the pool maps itself
 * (as under PV): [self_va, +frames*4 KiB) -> self_pa is one more request
 * whose length depends on the answer, and the result is the fixed point.
 * Lazy regions are not requests here: each ep_lazy_declare takes up to
 * 2 * (levels - 1) more frames of the main pool for its edge tables. Returns 0 when the request
 * set is too large for the sizing scratch (more than EP_SIZING_MAX_REQS).
 */
#define EP_SIZING_MAX_REQS 64
uint64_t ep_pool_frames_needed(const struct ep_range_req *reqs, size_t n,
			       unsigned levels, unsigned leaf_mask,
			       bool self_map, uint64_t self_va,
			       uint64_t self_pa);

/* ---- the #PF materializer (native) ----------------------------------- */

/*
 * Declare [va, va+len) -> [pa, ...) as materialized on demand. The tables
 * at the region's edges that also cover addresses outside it are built now,
 * from the main pool (at most 2 per level); everything the materializer
 * builds later comes from the lazy pool.
 */
enum ep_err ep_lazy_declare(struct ep_ctx *ctx, uint64_t va, uint64_t pa,
			    uint64_t len, unsigned perms);

/*
 * Map every page of every lazy region that is not mapped yet, with the
 * leaves the materializer would choose: what a loader calls before handing
 * a complete direct map to the next kernel. Counts entries, not faults.
 * EP_ERR_POOL when the lazy pool cannot hold the regions whole.
 */
enum ep_err ep_lazy_complete(struct ep_ctx *ctx);

/*
 * The same for [va, va + len) only (widened to whole 2 MiB pages, clipped
 * to the regions): what is mapped now takes no fault until the next reset,
 * which only a fault elsewhere can cause. For code that must not fault
 * there (a decoder whose stack holds data below rsp, docs/decompress.md).
 */
enum ep_err ep_lazy_materialize(struct ep_ctx *ctx, uint64_t va, uint64_t len);

/* Page-fault error code bits (SDM 4.7). */
#define EP_PF_P (1u << 0)
#define EP_PF_W (1u << 1)
#define EP_PF_U (1u << 2)
#define EP_PF_RSVD (1u << 3)
#define EP_PF_I (1u << 4)
#define EP_PF_PK (1u << 5)
#define EP_PF_SS (1u << 6)

enum ep_fault_reason {
	EP_FAULT_SERVED = 0,
	EP_FAULT_OUTSIDE,    /* not-present fault outside every lazy region */
	EP_FAULT_PROTECTION, /* present page, access not allowed */
	EP_FAULT_RESERVED,   /* reserved bit set in a paging entry */
	EP_FAULT_POOL,       /* one fault needs more frames than the lazy pool */
	EP_FAULT_BACKEND,    /* the backend failed while materializing */
	EP_FAULT_OTHER_TREE, /* the CPU walks another root than the context's */
	EP_FAULT_NO_PROGRESS, /* same page faulted over EP_LAZY_MAX_REPEATS times */
};

/*
 * Faults in a row on one page the materializer answers before it calls it
 * no progress. A served fault retried once more is normal (a stale
 * translation); a page that keeps faulting once served means the CPU and
 * the tree disagree, and retrying would spin for ever.
 */
#define EP_LAZY_MAX_REPEATS 4

struct ep_fault_diag {
	enum ep_fault_reason reason;
	uint64_t cr2, rip;
	uint32_t error_code;
	uint64_t root;      /* the context's root */
	uint64_t live_root; /* the root the CPU walked (= root unless unknown) */
	unsigned repeats;   /* faults in a row on cr2's page, this one included */
	unsigned levels;
	unsigned depth;                   /* entries read: walk[0] is top */
	uint64_t walk_table[EP_MAX_LEVELS];
	uint64_t walk_entry[EP_MAX_LEVELS];
};

/*
 * Serve a page fault. EP_OK: the mapping now exists, return and retry the
 * access. Anything else: diag says why, for the world to print
 * (ep_format_fault) before it ends the run. Refused before anything is
 * built: a fault taken while the CPU walks another root than ctx's
 * (EP_FAULT_OTHER_TREE, where the backend can tell), and the fault after
 * EP_LAZY_MAX_REPEATS in a row on one page (EP_FAULT_NO_PROGRESS).
 */
enum ep_err ep_lazy_fault(struct ep_ctx *ctx, uint64_t cr2, uint64_t rip,
			  uint32_t error_code, struct ep_fault_diag *diag);

const char *ep_fault_reason_name(enum ep_fault_reason r);
/*
 * Multi-line diagnostic: reason, CR2, RIP, decoded error code, the roots
 * and repeats when they are the reason, then one line per level of the
 * walk. Lines end with '\n'; returns the length.
 */
int ep_format_fault(const struct ep_fault_diag *diag, char *buf, size_t len);
/*
 * The same as one line without '\n', for a world's final error line:
 * reason, CR2, RIP, and what the reason turns on (the two roots, the
 * repeats). Returns the length.
 */
int ep_format_fault_line(const struct ep_fault_diag *diag, char *buf,
			 size_t len);

/* ---- helpers shared by backends and tests --------------------------- */

static inline uint64_t ep_level_shift(unsigned level)
{
	return EP_PAGE_SHIFT + 9u * (level - 1);
}
static inline uint64_t ep_level_size(unsigned level)
{
	return 1ULL << ep_level_shift(level);
}
static inline unsigned ep_index(uint64_t va, unsigned level)
{
	return (unsigned)((va >> ep_level_shift(level)) & (EP_ENTRIES - 1));
}
/* True when va is canonical for the given paging depth. */
bool ep_canonical(uint64_t va, unsigned levels);
/* va with its top bit (47, or 56 at 5 levels) copied upwards: canonical. */
uint64_t ep_sign_extend(uint64_t va, unsigned levels);
/* Entry flags for a leaf at level with perms (no address bits). */
uint64_t ep_leaf_flags(const struct ep_ctx *ctx, unsigned level,
		       unsigned perms);
/* Effective perms of a leaf entry on its own. */
unsigned ep_entry_perms(uint64_t entry);

#endif
