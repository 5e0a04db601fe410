#include "handoff.h"

#include "fmt.h"
#include "libc.h"

/* Frames of pool p that are tables now, appended to out (sorted: pool order). */
static int add_pool(struct eb_bootinfo *bi, const struct ep_ctx *ctx,
		    const struct ep_pool *p)
{
	if (!p->state)
		return 0;
	for (uint64_t pa = p->start; pa < p->end; pa += EP_PAGE_SIZE) {
		int st = ep_frame_state(ctx, pa);
		if (st != EP_FRAME_TABLE && st != EP_FRAME_PINNED)
			continue;
		if (bi->frames_count == EB_FRAMES_MAX)
			return -1;
		bi->table_frames[bi->frames_count++] = pa;
	}
	return 0;
}

static int table_frames(struct eb_bootinfo *bi, const struct ep_ctx *ctx)
{
	const struct ep_pool *a = &ctx->pool, *b = &ctx->lazy_pool;
	if (b->state && b->start < a->start) {
		const struct ep_pool *t = a;
		a = b;
		b = t;
	}
	return add_pool(bi, ctx, a) || add_pool(bi, ctx, b) ? -1 : 0;
}

static void copy_name(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= EB_MOD_NAME_MAX)
		n = EB_MOD_NAME_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int eb_handoff_fill(struct eb_bootinfo *bi, const struct eb_handoff *h,
		    char *err, size_t errlen)
{
	memset(bi, 0, sizeof(*bi));
	bi->magic = h->defect == EB_DEFECT_MAGIC ? ~EB_BOOTINFO_MAGIC
						 : EB_BOOTINFO_MAGIC;
	bi->version = EB_BOOTINFO_VERSION;
	bi->size = sizeof(*bi);
	bi->world = h->world;
	bi->levels = h->ctx->levels;
	bi->self_pa = h->self_pa;
	bi->self_va = h->dmap_base + h->self_pa;
	bi->cr3 = h->ctx->root;
	bi->dmap_base = h->dmap_base;
	bi->dmap_size = h->dmap_size;

	const struct eb_memmap *m = h->mem;
	if (m->count > EB_MEM_MAX) {
		eb_snprintf(err, errlen, "handoff: %u memory ranges, limit %u",
			    m->count, (unsigned)EB_MEM_MAX);
		return -1;
	}
	bi->mem_max = EB_MEM_MAX;
	bi->mem_count = m->count;
	if (m->count)
		memcpy(bi->mem, m->r, m->count * sizeof(m->r[0]));
	if (h->defect == EB_DEFECT_MEMMAP && m->count >= 2) {
		struct eb_mem_range t = bi->mem[0];
		bi->mem[0] = bi->mem[1];
		bi->mem[1] = t;
	}
	bi->fw_bytes = m->fw_bytes;
	bi->fw_entries = m->fw_entries;

	if (h->nmods > EB_MOD_MAX) {
		eb_snprintf(err, errlen, "handoff: %u modules, limit %u", h->nmods,
			    (unsigned)EB_MOD_MAX);
		return -1;
	}
	bi->mod_max = EB_MOD_MAX;
	bi->mod_count = h->nmods;
	for (unsigned i = 0; i < h->nmods; i++) {
		struct eb_module *md = &bi->mods[i];
		md->pa = h->mods[i].pa;
		md->va = h->dmap_base + h->mods[i].pa;
		md->len = h->mods[i].len;
		copy_name(md->name, h->mods[i].name);
	}

	size_t cl = h->cmdline ? strlen(h->cmdline) : 0;
	if (cl >= EB_CMDLINE_MAX) {
		eb_snprintf(err, errlen, "handoff: command line is %zu bytes, limit %u",
			    cl, (unsigned)EB_CMDLINE_MAX - 1);
		return -1;
	}
	bi->cmdline_max = EB_CMDLINE_MAX;
	bi->cmdline_len = (uint32_t)cl;
	if (cl)
		memcpy(bi->cmdline, h->cmdline, cl);

	bi->acpi_rsdp_pa = h->acpi_rsdp_pa;
	const struct ep_ctx *ctx = h->ctx;
	bi->pool = (struct eb_pool_info){ ctx->pool.start, ctx->pool.end,
					  ctx->pool.top };
	bi->lazy_pool = (struct eb_pool_info){ ctx->lazy_pool.start,
					       ctx->lazy_pool.end,
					       ctx->lazy_pool.top };
	bi->frames_max = EB_FRAMES_MAX;
	if (table_frames(bi, ctx)) {
		eb_snprintf(err, errlen, "handoff: more than %u table frames",
			    (unsigned)EB_FRAMES_MAX);
		return -1;
	}
	if (h->defect == EB_DEFECT_TABLES && bi->frames_count)
		bi->frames_count--;

	const struct ep_counters *c = ep_counters(ctx);
	bi->counters = (struct eb_counters){ c->table_frames, c->entries_written,
					     c->faults_served, c->pool_resets,
					     c->refusals, c->hypercalls };
	if (h->xen_start_info_pa) {
		bi->xen_start_info_pa = h->xen_start_info_pa;
		bi->xen_start_info_va = h->dmap_base + h->xen_start_info_pa;
	}
	if (h->xen_hypercall_page_pa) {
		bi->xen_hypercall_page_pa = h->xen_hypercall_page_pa;
		bi->xen_hypercall_page_va = h->dmap_base + h->xen_hypercall_page_pa;
	}
	bi->kernel_pa_start = h->kernel_pa_start;
	bi->kernel_pa_end = h->kernel_pa_end;
	bi->kernel_entry = h->kernel_entry;
	bi->debug_defect = h->defect;
	bi->secure_boot = h->secure_boot;
	bi->measured_pcrs = h->measured_pcrs;
	return 0;
}
