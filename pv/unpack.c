/*
 * A Linux bzImage as the PV world's kernel: Xen's own dom0 builder boots
 * one, so this world does too, by decoding the vmlinux inside it
 * (decompress/unpack.h) and booting that through the PV start of day
 * (linux_enter.c), as it boots a vmlinux module.
 *
 * Where: the domain's last frames, out_bytes for the vmlinux then the
 * arena, reached through the staging tree's direct map, which here covers
 * every frame past the bootstrap region (the frames linux_enter.c fills
 * are among them, so the same tree serves it). The layout keeps its new
 * region below the vmlinux (pv_layout_in.limit_pfns), which it reads from
 * while filling.
 *
 * The decoders' needs (docs/decompress.md): SSE is on in a PV guest; FS's
 * base goes to the canary block by HYPERVISOR_set_segment_base and back to
 * 0 after; nothing is delivered on their stack: every page they touch is
 * mapped eagerly (the xen backend maps nothing lazily), events stay masked
 * as Xen started us, and the only exceptions left are the fatal ones.
 */
#include "dmap.h"
#include "fmt.h"
#include "tree.h"
#include "decompress/unpack.h"
#include "x86/log.h"

#include "page.h"

extern char pv_stack[];

static void enter(void *canary_block)
{
	long rc = xen_hcall(&pv_hc, __HYPERVISOR_set_segment_base, SEGBASE_FS,
			    (unsigned long)canary_block, 0, 0, 0);
	if (rc)
		eb_fail("HYPERVISOR_set_segment_base(SEGBASE_FS, 0x%llx) for the decoders' stack canary: code %ld",
			(unsigned long long)(uint64_t)canary_block, rc);
}

static void leave(void)
{
	long rc = xen_hcall(&pv_hc, __HYPERVISOR_set_segment_base, SEGBASE_FS, 0, 0, 0, 0);
	if (rc)
		eb_fail("HYPERVISOR_set_segment_base(SEGBASE_FS, 0): code %ld", rc);
}

void pv_unpack_bzimage(struct pv_boot *b, const char *name)
{
	struct eb_bzimage bz;
	struct eb_unpack_plan p;
	struct eb_unpack_result r;
	char err[300], line[300];
	if (eb_bzimage_parse(b->kfile, b->kfile_len, &bz, err, sizeof err) ||
	    eb_unpack_plan(b->kfile, b->kfile_len, &bz, &p, err, sizeof err))
		eb_fail("kernel (%s, a Linux bzImage): %s", name, err);
	uint64_t ram = b->si->nr_pages * PAGE, region = pv_bootstrap_region(b);
	uint64_t need = p.out_bytes + p.arena;
	if (need > ram || ram - need < region)
		eb_fail("kernel (%s, a Linux bzImage): its %s payload decodes to %llu bytes and needs %llu bytes of decoder memory: %llu MiB, but only %llu MiB lie past the bootstrap region (0x%llx) in this %llu MiB domain",
			name, eb_decompress_format_name(p.format),
			(unsigned long long)p.out_len, (unsigned long long)p.arena,
			(unsigned long long)(need >> 20),
			(unsigned long long)((ram - region) >> 20), (unsigned long long)region,
			(unsigned long long)(ram >> 20));
	uint64_t at = ram - need;
	b->stage = pv_tree_build(b, region, region, ram - region, 0, false);
	b->scratch_pfn = at / PAGE;
	char *dst = (char *)(EB_DMAP_BASE + at);
	struct eb_unpack_cpu cpu = { .enter = enter, .leave = leave,
				     .stack_lo = (uint64_t)pv_stack,
				     .now_ns = pv_now_ns };
	if (eb_unpack_run(&p, &cpu, dst, dst + p.out_bytes, p.arena, &r, err, sizeof err))
		eb_fail("kernel (%s, a Linux bzImage): %s", name, err);
	eb_unpack_describe(&p, &r, line, sizeof line);
	eb_info("kernel (%s, a Linux bzImage): %s; the vmlinux at pa 0x%llx is the kernel file now",
		name, line, (unsigned long long)at);
	b->kfile = dst;
	b->kfile_len = r.out_len;
}
