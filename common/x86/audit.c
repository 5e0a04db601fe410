/* See audit.h. */
#include "audit.h"

#include <elf.h>

#include "bootinfo.h"
#include "fmt.h"
#include "serial.h"

#include "page.h"

void eb_audit_world(uint32_t world)
{
	con_printf("earlyboot: audit world %s\n", eb_world_name(world));
}

void eb_audit_range(const char *kind, uint64_t lo, uint64_t hi,
		    const char *what)
{
	con_printf("earlyboot: audit %s 0x%016llx-0x%016llx %s\n", kind,
		   (unsigned long long)lo, (unsigned long long)hi, what);
}

void eb_audit_kernel(const struct eb_elf_info *elf, const char *wx_protocol)
{
	char what[96];
	for (unsigned i = 0; i < elf->nseg; i++) {
		const struct eb_elf_seg *s = &elf->seg[i];
		if (!(s->flags & PF_X))
			continue;
		uint64_t lo = s->vaddr & ~(PAGE - 1);
		uint64_t hi = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
		eb_snprintf(what, sizeof what, "kernel segment %u", s->index);
		eb_audit_range("exec", lo, hi, what);
		if ((s->flags & PF_W) && wx_protocol) {
			eb_snprintf(what, sizeof what, "kernel segment %u (%s)",
				    s->index, wx_protocol);
			eb_audit_range("wx", lo, hi, what);
		}
	}
}

void eb_audit_table_frames(const uint64_t *frames, size_t n, const char *what)
{
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && frames[j] == frames[j - 1] + PAGE)
			j++;
		eb_audit_range("tables", frames[i], frames[j - 1] + PAGE, what);
		i = j;
	}
}
