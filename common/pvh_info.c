/* See pvh_info.h. */
#include "pvh_info.h"

#include "bootinfo.h"
#include "fmt.h"
#include "libc.h"
#include "linux_boot.h"
#include "pvh_kernel.h"
#include "xen/abi.h"

/* The e820 view of the carved map, before it becomes Xen's entries. */
static struct boot_e820_entry e820[EB_MEM_MAX];

static uint64_t align8(uint64_t v) { return (v + 7) & ~7ULL; }

/* Room for n bytes at *at in the block, or -1 naming what did not fit. */
static int take(uint64_t *at, uint64_t n, size_t len, const char *what,
		uint64_t *got, char *err, size_t errlen)
{
	if (*at > len || n > len - *at) {
		eb_snprintf(err, errlen,
			    "PVH start info: the %s (%llu bytes) does not fit the %llu-byte block",
			    what, (unsigned long long)n, (unsigned long long)len);
		return -1;
	}
	*got = *at;
	*at = align8(*at + n);
	return 0;
}

/* The order the kernel sees: the initrd first (Linux takes module 0). */
static void module_order(const struct eb_pvh_info_in *in, unsigned *order)
{
	unsigned n = 0;
	for (unsigned i = 0; i < in->nmods; i++)
		if (in->mods[i].name && strcmp(in->mods[i].name, "initrd") == 0)
			order[n++] = i;
	for (unsigned i = 0; i < in->nmods; i++)
		if (!in->mods[i].name || strcmp(in->mods[i].name, "initrd") != 0)
			order[n++] = i;
}

int eb_pvh_info_build(void *block, size_t len, const struct eb_pvh_info_in *in,
		      char *err, size_t errlen)
{
	if (in->pa >= EB_PVH_LIMIT || len > EB_PVH_LIMIT - in->pa) {
		eb_snprintf(err, errlen,
			    "PVH start info at 0x%llx+0x%llx: not below 4 GiB",
			    (unsigned long long)in->pa, (unsigned long long)len);
		return -1;
	}
	if (in->nmods > EB_MOD_MAX) {
		eb_snprintf(err, errlen, "PVH start info: %u modules, at most %u",
			    in->nmods, EB_MOD_MAX);
		return -1;
	}
	uint8_t *b = block;
	memset(b, 0, len);
	unsigned ne820;
	if (eb_linux_e820(in->mem, e820, EB_MEM_MAX, &ne820, err, errlen))
		return -1;
	uint64_t at = 0, si_off, mods_off = 0, map_off, cl_off;
	size_t cl = strlen(in->cmdline ? in->cmdline : "");
	if (take(&at, sizeof(struct hvm_start_info), len, "structure", &si_off, err, errlen) ||
	    (in->nmods &&
	     take(&at, in->nmods * sizeof(struct hvm_modlist_entry), len,
		  "module list", &mods_off, err, errlen)) ||
	    take(&at, ne820 * sizeof(struct hvm_memmap_table_entry), len,
		 "memory map", &map_off, err, errlen) ||
	    take(&at, cl + 1, len, "command line", &cl_off, err, errlen))
		return -1;

	struct hvm_memmap_table_entry *map = (void *)(b + map_off);
	for (unsigned i = 0; i < ne820; i++)
		/* The E820 type numbers are XEN_HVM_MEMMAP_TYPE_*'s. */
		map[i] = (struct hvm_memmap_table_entry){
			.addr = e820[i].addr, .size = e820[i].size, .type = e820[i].type
		};
	if (in->defect == EB_DEFECT_MEMMAP && ne820 >= 2) {
		struct hvm_memmap_table_entry t = map[0];
		map[0] = map[1];
		map[1] = t;
	}
	memcpy(b + cl_off, in->cmdline ? in->cmdline : "", cl + 1);

	unsigned order[EB_MOD_MAX];
	module_order(in, order);
	struct hvm_modlist_entry *ml = (void *)(b + mods_off);
	for (unsigned i = 0; i < in->nmods; i++) {
		const struct eb_handoff_module *m = &in->mods[order[i]];
		const char *name = m->name ? m->name : "";
		uint64_t name_off;
		if (take(&at, strlen(name) + 1, len, "module names", &name_off, err,
			 errlen))
			return -1;
		memcpy(b + name_off, name, strlen(name) + 1);
		ml[i] = (struct hvm_modlist_entry){
			.paddr = m->pa, .size = m->len, .cmdline_paddr = in->pa + name_off
		};
	}

	struct hvm_start_info *si = (void *)(b + si_off);
	*si = (struct hvm_start_info){
		.magic = in->defect == EB_DEFECT_MAGIC ? ~XEN_HVM_START_MAGIC_VALUE
						       : XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.flags = in->flags,
		.nr_modules = in->nmods,
		.modlist_paddr = in->nmods ? in->pa + mods_off : 0,
		.cmdline_paddr = in->defect == EB_DEFECT_CMDLINE ? 0 : in->pa + cl_off,
		.rsdp_paddr = in->defect == EB_DEFECT_RSDP && in->rsdp_pa ? in->rsdp_pa + 8
									   : in->rsdp_pa,
		.memmap_paddr = in->pa + map_off,
		.memmap_entries = ne820,
	};
	return 0;
}
