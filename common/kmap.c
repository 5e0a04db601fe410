#include "kmap.h"

#include <elf.h>

#include "fmt.h"

#include "page.h"

unsigned eb_seg_perms(uint32_t p_flags)
{
	return ((p_flags & PF_W) ? EP_W : 0u) | ((p_flags & PF_X) ? EP_X : 0u);
}

int eb_kernel_map(struct ep_ctx *ctx, const struct eb_elf_info *info,
		  unsigned flags, char *err, size_t errlen)
{
	for (unsigned i = 0; i < info->nseg; i++) {
		const struct eb_elf_seg *s = &info->seg[i];
		uint64_t va = s->vaddr & ~(PAGE - 1);
		uint64_t pa = s->paddr & ~(PAGE - 1);
		uint64_t len = ((s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1)) - va;
		unsigned perms = eb_seg_perms(s->flags);
		if ((flags & EB_KMAP_RODATA_WRITABLE) && perms == 0)
			perms = EP_W;
		if ((flags & EB_KMAP_WX_BY_PROTOCOL) && perms == (EP_W | EP_X))
			perms |= EP_WX_BY_PROTOCOL;
		if (ep_map(ctx, va, pa, len, perms) != EP_OK) {
			char why[160];
			ep_format_error(ctx, why, sizeof why);
			eb_snprintf(err, errlen, "mapping segment %u at 0x%llx: %s",
				    s->index, (unsigned long long)va, why);
			return -1;
		}
	}
	return 0;
}
