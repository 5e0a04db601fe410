/*
 * hvm_start_info (pvh/hvm_start_info.c) and everything it points at, as
 * pvh/main.c reads them: the structure, its command line (then parsed as
 * the loader command line), module list, module strings and memory map,
 * then the modules checked against that map. The input is the guest's
 * physical memory from address 0; the structure is at START_PA. Every read
 * the parser asks for gets a fresh allocation of exactly the length asked,
 * so reading past what it asked for is an ASan report.
 */
#include "fuzz.h"
#include "hvm_start_info.h"

#define START_PA 0x40 /* not 0: "nothing is loaded at address 0" */
#define MAX_READS 64

struct sim {
	const uint8_t *mem;
	size_t size;
	void *reads[MAX_READS];
	unsigned nreads;
};

static const void *rd(void *env, uint64_t pa, uint64_t len)
{
	struct sim *s = env;
	if (pa > s->size || len > s->size - pa)
		return NULL;
	if (s->nreads == MAX_READS) { /* reuse the oldest slot: rare */
		free(s->reads[0]);
		memmove(s->reads, s->reads + 1, sizeof s->reads - sizeof s->reads[0]);
		s->nreads--;
	}
	void *p = fuzz_dup(s->mem + pa, (size_t)len);
	s->reads[s->nreads++] = p;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim sim = { .mem = data, .size = size };
	static struct pvh_start si;
	static struct eb_mem_range st[EB_MEM_MAX];
	static struct eb_options opt;
	struct eb_memmap m;
	char err[300];
	if (pvh_parse_start_info(START_PA, rd, &sim, &si, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		goto out;
	}
	FUZZ_ASSERT(si.version <= 1 && si.nmods <= PVH_MOD_MAX);
	FUZZ_ASSERT(si.cmdline_len <= EB_LINE_MAX);
	FUZZ_ASSERT(si.cmdline[si.cmdline_len] == '\0');
	if (eb_parse_cmdline(si.cmdline, si.cmdline_len, &opt, err, sizeof err))
		fuzz_check_err(err, sizeof err);
	eb_memmap_init(&m, st, EB_MEM_MAX);
	if (si.version < 1 || !si.memmap_entries)
		goto out; /* the world asks the hypervisor / CMOS instead */
	if (pvh_memmap_from_start_info(&si, rd, &sim, &m, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		goto out;
	}
	for (uint32_t i = 1; i < m.count; i++)
		FUZZ_ASSERT(m.r[i - 1].pa + m.r[i - 1].len <= m.r[i].pa);
	FUZZ_ASSERT(eb_memmap_total(&m) == m.fw_bytes);
	if (pvh_check_modules(&si, &m, err, sizeof err))
		fuzz_check_err(err, sizeof err);
out:
	for (unsigned i = 0; i < sim.nreads; i++)
		free(sim.reads[i]);
	return 0;
}
