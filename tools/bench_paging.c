/*
 * make bench: what early_paging costs on the host, in the same run as a
 * memset of the same table bytes (the floor for writing them at all).
 * Prints one `bench: NAME VALUE UNIT` line per figure; docs/perf.md says
 * what each means.
 */
#define _POSIX_C_SOURCE 200809L
#include "paging/early_paging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The native backend's privileged instructions, as no-ops on the host. */
void arch_write_cr3(uint64_t root_pa) { (void)root_pa; }
uint64_t arch_read_cr3(void) { return 0; }
void arch_invlpg(uint64_t va) { (void)va; }
void arch_flush_tlb(void) {}

#define POOL_PA 0x100000000ULL /* where the simulated pool sits */
#define DIRECT_MAP 0xffff888000000000ULL
#define RAM (64ULL << 30)
#define ROUNDS 9

static uint8_t *mem;
static uint64_t mem_frames;

static void *phys_to_virt(void *env, uint64_t pa)
{
	(void)env;
	if (pa < POOL_PA || pa >= POOL_PA + mem_frames * EP_PAGE_SIZE) {
		fprintf(stderr, "bench: pa 0x%llx outside the pool\n",
			(unsigned long long)pa);
		exit(1);
	}
	return mem + (pa - POOL_PA);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct ep_config config(unsigned leaf_mask, uint64_t frames,
			       uint8_t *state)
{
	return (struct ep_config){ .ops = &ep_native_ops, .levels = 4,
				   .leaf_mask = leaf_mask,
				   .phys_to_virt = phys_to_virt,
				   .pool_pa = POOL_PA, .pool_frames = frames,
				   .pool_state = state };
}

struct build_result {
	double best_ns;
	uint64_t entries, frames;
};

/* Build the 64 GiB direct map ROUNDS times; keep the fastest. */
static struct build_result build_direct_map(unsigned leaf_mask, uint8_t *state)
{
	struct ep_range_req req = { DIRECT_MAP, 0, RAM };
	unsigned mask = leaf_mask ? leaf_mask : ep_native_ops.leaf_mask;
	uint64_t frames = ep_pool_frames_needed(&req, 1, 4, mask, false, 0, 0);
	struct build_result r = { 1e30, 0, frames };
	for (int round = 0; round < ROUNDS; round++) {
		struct ep_ctx ctx;
		struct ep_config c = config(leaf_mask, frames, state);
		double t0 = now_ns();
		enum ep_err e = ep_init(&ctx, &c);
		if (!e)
			e = ep_map(&ctx, DIRECT_MAP, 0, RAM, EP_W);
		double t = now_ns() - t0;
		if (e) {
			char msg[200];
			ep_format_error(&ctx, msg, sizeof msg);
			fprintf(stderr, "bench: %s\n", msg);
			exit(1);
		}
		if (ctx.count.table_frames != frames) {
			fprintf(stderr, "bench: sized %llu frames, used %llu\n",
				(unsigned long long)frames,
				(unsigned long long)ctx.count.table_frames);
			exit(1);
		}
		r.entries = ctx.count.entries_written;
		if (t < r.best_ns)
			r.best_ns = t;
	}
	return r;
}

static double memset_ns(uint64_t bytes)
{
	double best = 1e30;
	for (int round = 0; round < ROUNDS; round++) {
		double t0 = now_ns();
		memset(mem, round, bytes);
		/* Keep the stores: read one byte back through a volatile. */
		(void)*(volatile uint8_t *)(mem + bytes - 1);
		double t = now_ns() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Materializer: random 4 KiB touches of a 64 GiB lazy map, 64-frame pool. */
static void bench_lazy(uint8_t *state)
{
	enum { LAZY_FRAMES = 64, FAULTS = 200000 };
	uint8_t lazy_state[LAZY_FRAMES];
	struct ep_config c = config(EP_LEAF_4K, 16, state);
	c.lazy_pool_pa = POOL_PA + 16 * EP_PAGE_SIZE;
	c.lazy_pool_frames = LAZY_FRAMES;
	c.lazy_pool_state = lazy_state;
	struct ep_ctx ctx;
	struct ep_fault_diag diag;
	if (ep_init(&ctx, &c) ||
	    ep_lazy_declare(&ctx, DIRECT_MAP, 0, RAM, EP_W)) {
		fprintf(stderr, "bench: lazy set-up failed\n");
		exit(1);
	}
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	double t0 = now_ns();
	for (int i = 0; i < FAULTS; i++) {
		uint64_t va = DIRECT_MAP + (xorshift(&seed) % (RAM >> 12)) * 4096;
		if (ep_lazy_fault(&ctx, va, 0, 0, &diag)) {
			fprintf(stderr, "bench: fault at 0x%llx not served\n",
				(unsigned long long)va);
			exit(1);
		}
	}
	double t = now_ns() - t0;
	printf("bench: lazy_fault_4k %.1f ns/fault\n",
	       t / (double)ctx.count.faults_served);
	printf("bench: lazy_faults_served %llu faults\n",
	       (unsigned long long)ctx.count.faults_served);
	printf("bench: lazy_pool_resets %llu resets\n",
	       (unsigned long long)ctx.count.pool_resets);
}

int main(void)
{
	struct ep_range_req req = { DIRECT_MAP, 0, RAM };
	mem_frames = ep_pool_frames_needed(&req, 1, 4, EP_LEAF_4K, false, 0, 0);
	mem = aligned_alloc(EP_PAGE_SIZE, mem_frames * EP_PAGE_SIZE);
	uint8_t *state = malloc(mem_frames);
	if (!mem || !state) {
		fprintf(stderr, "bench: cannot allocate %llu frames\n",
			(unsigned long long)mem_frames);
		return 1;
	}
	/* Fault the host pages in first so neither side pays for that. */
	memset(mem, 0, mem_frames * EP_PAGE_SIZE);

	struct build_result r4k = build_direct_map(EP_LEAF_4K, state);
	double ms = memset_ns(r4k.frames * EP_PAGE_SIZE);
	printf("bench: map4k_64g %.2f ms\n", r4k.best_ns / 1e6);
	printf("bench: map4k_entries %llu entries\n", (unsigned long long)r4k.entries);
	printf("bench: map4k_table_frames %llu frames\n", (unsigned long long)r4k.frames);
	printf("bench: map4k_per_entry %.3f ns/entry\n", r4k.best_ns / (double)r4k.entries);
	printf("bench: memset_same_bytes %.2f ms\n", ms / 1e6);
	printf("bench: map4k_vs_memset %.2f x\n", ms / r4k.best_ns);

	struct build_result r2m = build_direct_map(EP_LEAF_4K | EP_LEAF_2M, state);
	printf("bench: map2m_64g %.3f ms\n", r2m.best_ns / 1e6);
	printf("bench: map2m_per_entry %.3f ns/entry\n", r2m.best_ns / (double)r2m.entries);
	printf("bench: map2m_table_frames %llu frames\n", (unsigned long long)r2m.frames);

	struct build_result best = build_direct_map(0, state);
	printf("bench: mapbest_64g %.4f ms\n", best.best_ns / 1e6);
	printf("bench: mapbest_per_entry %.3f ns/entry\n", best.best_ns / (double)best.entries);
	printf("bench: mapbest_table_frames %llu frames\n", (unsigned long long)best.frames);

	bench_lazy(state);
	free(state);
	free(mem);
	return 0;
}
