/*
 * Human-readable output of the core: the page-table dump (merged ranges, in
 * the spirit of Linux's ptdump), error lines and fault diagnostics.
 */
#include "paging/ep_internal.h"
#include "fmt.h"

/* 4K, 12M, 1536K, 5G: the largest unit that divides the size exactly. */
static void format_size(char *buf, size_t len, uint64_t size)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;
	uint64_t v = size >> 10;
	while (u + 1 < sizeof(units) - 1 && v >= 1024 && (v & 1023) == 0) {
		v >>= 10;
		u++;
	}
	eb_snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
}

static const char *leaf_name(unsigned level)
{
	return level == 3 ? "1G" : level == 2 ? "2M" : "4K";
}

struct dumper {
	void (*out)(void *arg, const char *line);
	void *arg;
	bool open;
	struct ep_leaf cur; /* the range being merged; size grows */
	uint64_t ranges;
};

static void emit(struct dumper *d)
{
	if (!d->open)
		return;
	char line[160], size[24];
	const struct ep_leaf *c = &d->cur;
	format_size(size, sizeof size, c->size);
	eb_snprintf(line, sizeof line,
		    "ptdump: 0x%016llx-0x%016llx pa=0x%016llx %s leaf=%s %s %s %s %s %s",
		    (unsigned long long)c->va,
		    (unsigned long long)(c->va + c->size),
		    (unsigned long long)c->pa, size, leaf_name(c->level),
		    c->perms & EP_W ? "RW" : "ro", c->perms & EP_X ? "x" : "NX",
		    c->perms & EP_U ? "US" : "ks", c->perms & EP_G ? "G" : "-",
		    c->perms & EP_NOCACHE ? "UC" : "WB");
	d->out(d->arg, line);
	d->ranges++;
	d->open = false;
}

static int dump_leaf(void *arg, const struct ep_leaf *leaf)
{
	struct dumper *d = arg;
	struct ep_leaf *c = &d->cur;
	if (d->open && c->va + c->size == leaf->va &&
	    c->pa + c->size == leaf->pa && c->level == leaf->level &&
	    c->perms == leaf->perms) {
		c->size += leaf->size;
		return 0;
	}
	emit(d);
	*c = *leaf;
	d->open = true;
	return 0;
}

void ep_dump(const struct ep_ctx *ctx, void (*out)(void *arg, const char *line),
	     void *arg)
{
	struct dumper d = { out, arg, false, { 0 }, 0 };
	char line[96];
	eb_snprintf(line, sizeof line, "ptdump: begin root=0x%016llx levels=%u",
		    (unsigned long long)ctx->root, ctx->levels);
	out(arg, line);
	ep_walk_leaves(ctx, dump_leaf, &d);
	emit(&d);
	eb_snprintf(line, sizeof line, "ptdump: end ranges=%llu",
		    (unsigned long long)d.ranges);
	out(arg, line);
}

int ep_format_error(const struct ep_ctx *ctx, char *buf, size_t len)
{
	const struct ep_error_info *e = &ctx->err;
	const char *op = e->op ? e->op : "early_paging";
	unsigned long long va = e->va, pa = e->pa, need = e->need;

	switch (e->code) {
	case EP_OK:
		return eb_snprintf(buf, len, "%s: no error", op);
	case EP_ERR_ALIGN:
		return eb_snprintf(buf, len,
				   "%s: va 0x%llx pa 0x%llx length 0x%llx: not 4 KiB aligned",
				   op, va, pa, need);
	case EP_ERR_RANGE:
		return eb_snprintf(buf, len,
				   "%s: range at va 0x%llx (pa 0x%llx) length 0x%llx is empty, wraps, "
				   "crosses the canonical hole or exceeds 52-bit physical addresses",
				   op, va, pa, need);
	case EP_ERR_WX:
		return eb_snprintf(buf, len,
				   "%s: va 0x%llx asked writable and executable (W^X refused)",
				   op, va);
	case EP_ERR_OVERLAP:
		return eb_snprintf(buf, len,
				   "%s: va 0x%llx is already mapped (to pa 0x%llx by a level-%u leaf)",
				   op, va, pa, e->level);
	case EP_ERR_NOT_MAPPED:
		return eb_snprintf(buf, len, "%s: va 0x%llx is not mapped", op, va);
	case EP_ERR_LAZY:
		return eb_snprintf(buf, len,
				   "%s: va 0x%llx lies in a lazy region (pa 0x%llx): lazy regions own their range",
				   op, va, pa);
	case EP_ERR_POOL:
		/* Which pool: the error names it by its first frame. */
		return eb_snprintf(buf, len,
				   "%s at va 0x%llx: %s pool at 0x%llx is too small: the request needs %llu frames",
				   op, va,
				   ctx->lazy_pool.state && e->pa == ctx->lazy_pool.start ? "lazy" : "main",
				   pa, need);
	case EP_ERR_REFUSED:
		return eb_snprintf(buf, len,
				   "%s: writable mapping of page-table frame 0x%llx at va 0x%llx refused",
				   op, pa, va);
	case EP_ERR_BACKEND:
		return eb_snprintf(buf, len,
				   "%s: %s backend failed on frame 0x%llx (va 0x%llx): code %lld",
				   op, ctx->ops ? ctx->ops->name : "?", pa, va,
				   (long long)e->need);
	case EP_ERR_STATE:
		return eb_snprintf(buf, len,
				   "%s at va 0x%llx: not allowed now (construction finished or not started)",
				   op, va);
	case EP_ERR_CONFIG:
		return eb_snprintf(buf, len,
				   "%s: bad configuration or arguments (va 0x%llx pa 0x%llx value 0x%llx)",
				   op, va, pa, need);
	case EP_ERR_FAULT:
		return eb_snprintf(buf, len,
				   "%s: page fault at 0x%llx (error code 0x%llx) cannot be served",
				   op, va, need);
	}
	return eb_snprintf(buf, len, "%s: error %d", op, (int)e->code);
}

static int put_walk_line(char *buf, size_t len, unsigned level, uint64_t table,
			 unsigned index, uint64_t entry)
{
	const char *what = !(entry & EP_PTE_P)       ? "not present"
			   : ep_is_leaf(entry, level) ? "leaf"
						      : "table";
	return eb_snprintf(buf, len,
			   "  L%u table 0x%016llx [%3u] = 0x%016llx %s %s %s %s\n",
			   level, (unsigned long long)table, index,
			   (unsigned long long)entry, what,
			   entry & EP_PTE_RW ? "RW" : "ro",
			   entry & EP_PTE_US ? "US" : "ks",
			   entry & EP_PTE_NX ? "NX" : "x");
}

int ep_format_fault(const struct ep_fault_diag *d, char *buf, size_t len)
{
	uint32_t ec = d->error_code;
	size_t n = (size_t)eb_snprintf(
		buf, len,
		"page fault: %s\n  cr2=0x%016llx rip=0x%016llx error=0x%x [%s %s %s%s%s%s]\n",
		ep_fault_reason_name(d->reason), (unsigned long long)d->cr2,
		(unsigned long long)d->rip, (unsigned)ec,
		ec & EP_PF_P ? "protection" : "not-present",
		ec & EP_PF_W ? "write" : "read",
		ec & EP_PF_U ? "user" : "supervisor",
		ec & EP_PF_I ? " instruction-fetch" : "",
		ec & EP_PF_RSVD ? " reserved-bit" : "",
		ec & EP_PF_PK ? " protection-key" : "");
	if (d->reason == EP_FAULT_OTHER_TREE || d->reason == EP_FAULT_NO_PROGRESS)
		n += (size_t)eb_snprintf(n < len ? buf + n : 0, n < len ? len - n : 0,
					 "  root=0x%llx cpu-root=0x%llx repeats=%u (limit %u)\n",
					 (unsigned long long)d->root,
					 (unsigned long long)d->live_root, d->repeats,
					 (unsigned)EP_LAZY_MAX_REPEATS);
	for (unsigned i = 0; i < d->depth; i++) {
		unsigned level = d->levels - i;
		n += (size_t)put_walk_line(n < len ? buf + n : 0, n < len ? len - n : 0,
					   level, d->walk_table[i],
					   ep_index(d->cr2, level), d->walk_entry[i]);
	}
	return (int)n;
}

int ep_format_fault_line(const struct ep_fault_diag *d, char *buf, size_t len)
{
	int n = eb_snprintf(buf, len, "%s at cr2=0x%llx rip=0x%llx",
			    ep_fault_reason_name(d->reason),
			    (unsigned long long)d->cr2, (unsigned long long)d->rip);
	size_t at = (size_t)n < len ? (size_t)n : (len ? len - 1 : 0);
	if (d->reason == EP_FAULT_OTHER_TREE)
		n += eb_snprintf(buf + at, len - at,
				 ": the CPU walks root 0x%llx, the materializer's is 0x%llx",
				 (unsigned long long)d->live_root,
				 (unsigned long long)d->root);
	else if (d->reason == EP_FAULT_NO_PROGRESS)
		n += eb_snprintf(buf + at, len - at,
				 ": %u faults in a row on this page (limit %u), root 0x%llx",
				 d->repeats, (unsigned)EP_LAZY_MAX_REPEATS,
				 (unsigned long long)d->root);
	return n;
}
