/*
 * The test kernel: the judge of the earlyboot handoff. It trusts nothing it
 * was handed and walks the live page tables with its own walker (walk.c),
 * never with early_paging, so a bug there cannot hide itself.
 */
#ifndef TK_H
#define TK_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"

/* The link layout (linker/testkernel.ld). */
#define TK_VIRT_OFFSET 0xffffffff80000000ULL
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

/*
 * Where the loader put us: our virtual addresses are as linked, our frames
 * may lie anywhere (docs/handoff.md, "Placement"); the boot info's
 * kernel_pa_start says where. tk_learn_placement reads it (from a boot info
 * whose magic is right; else we count as placed where linked), and tk_pa
 * translates one of our own addresses with it.
 */
void tk_learn_placement(uint64_t bootinfo_va);
uint64_t tk_pa(const void *ours);

/* ---- walk.c: our own reading of the live tree ------------------------ */

struct tk_walk {
	bool present;
	unsigned level;       /* leaf level: 1 (4K), 2 (2M), 3 (1G) */
	uint64_t pa;          /* translation of va */
	uint64_t size;        /* leaf size */
	bool w, x, u;         /* effective permissions */
	unsigned top;         /* paging levels: walk level of entry i is top - i */
	unsigned depth;       /* entries read */
	uint64_t table[5], entry[5];
};

void tk_walk_init(uint64_t dmap_base, unsigned levels, bool nxe);
/* Walk va through the tree rooted at cr3 (reading tables via the direct map). */
void tk_walk(uint64_t cr3, uint64_t va, struct tk_walk *w);
/*
 * Every table frame reachable from cr3, the root included, into out (up to
 * max); returns how many were found (may exceed max: then out is partial).
 */
uint64_t tk_table_frames(uint64_t cr3, uint64_t *out, uint64_t max);
/* Every leaf entry reachable from cr3 (Xen's slots excluded under PV). */
typedef void (*tk_leaf_fn)(void *arg, uint64_t va, uint64_t entry, uint64_t pa,
			   uint64_t size);
void tk_for_each_leaf(uint64_t cr3, tk_leaf_fn fn, void *arg);

/*
 * Xen PV: entries hold machine frames. From this call on the walker turns
 * them into pseudo-physical addresses through the m2p table (entries
 * frames), and skips top-level slots [slot_lo, slot_hi), which are Xen's.
 */
void tk_walk_use_m2p(const uint64_t *m2p, uint64_t entries, unsigned slot_lo,
		     unsigned slot_hi);
/* The address a table entry's frame stands for: pa (via the m2p under PV). */
#define TK_NO_PA (~0ULL) /* a machine frame that is not this domain's */
uint64_t tk_frame_pa(uint64_t addr);
bool tk_top_slot_is_xen(unsigned slot);
void tk_sort(uint64_t *a, uint64_t n);

/* ---- checks.c ------------------------------------------------------- */

/* Runs every check; returns the number passed, or does not return (FAIL). */
unsigned tk_run_checks(const struct eb_bootinfo *bi, uint64_t rdi);
/* tk.initrd=<bytes> on cmdline: the value, *given set (FAIL when malformed). */
uint64_t tk_initrd_promise(const char *cmdline, bool *given);
/* The test initrd's header and CRC (common/crc32.h), or FAIL initrd. */
void tk_initrd_verify(const void *data, uint64_t len);

/* ---- pvh.c: the PVH entry (entry.asm's 32-bit stub) ------------------ */

/* What the stub saw at entry, before it changed anything. */
extern uint32_t tk_pvh_entry_cr0, tk_pvh_entry_cr4, tk_pvh_entry_efer;
/* The PVH checks of the start info at pa; the number passed. */
unsigned tk_run_pvh_checks(uint64_t start_info_pa, const char **world);

/* ---- main.c / traps.c ----------------------------------------------- */

__attribute__((noreturn, format(printf, 2, 3))) void tk_fail(const char *check,
							     const char *fmt, ...);
/* NX probe: call code at va; true if it faulted with an instruction fetch. */
bool tk_nx_probe(uint64_t va);
/* Command-line switches that provoke faults (tk.fault=pf | df). */
void tk_provoke(const char *cmdline);

/* The root's physical address (under PV: Xen's machine CR3 through the m2p). */
uint64_t tk_read_cr3(void);

/* ---- pv.c: the Xen PV world ----------------------------------------- */

/* Running as a Xen PV kernel: CPL 3 (only PV runs a kernel in ring 3). */
bool tk_is_pv(void);
/*
 * First thing under PV: our own hypercall page, trap table, console, the
 * check that the loader's I/O privilege survived, the m2p. rdi: boot info.
 */
void tk_pv_init(uint64_t rdi);
/*
 * The frames of Xen's old bootstrap tables (the template): every table
 * frame reachable from its root, the L4 at start_info.pt_base, walked
 * through the m2p (Xen's slots and frames the domain does not own not
 * followed), never assumed to lie together behind pt_base; the walk must
 * meet exactly nr_pt_frames of them.
 */
struct tk_pv_template {
	const uint64_t *frame; /* pa of each, sorted (static storage) */
	uint64_t n;
	uint64_t root;         /* pa of pt_base's frame, the L4 */
	unsigned levels[5];    /* frames met per level 1..4 */
};
/*
 * NULL on success, else why the template cannot be found (then t->n = 0:
 * nothing is exempted). Safe before the PV header checks: nothing the boot
 * info points to is read before the walk shows it mapped.
 */
const char *tk_pv_template(const struct eb_bootinfo *bi, uint64_t cr3,
			   struct tk_pv_template *t);
bool tk_pv_in_template(const struct tk_pv_template *t, uint64_t pa);
/* The PV checks of the handoff (after the common ones); number passed. */
unsigned tk_run_pv_checks(const struct eb_bootinfo *bi);
/* Port I/O probe: true if an outb to port 0x80 went through. */
bool tk_io_probe(void);

#endif
