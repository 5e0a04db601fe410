/*
 * The zero page (struct boot_params) a Linux 64-bit entry reads from rsi,
 * and its e820 table (linux_boot.h). Layout and field names come from
 * <asm/bootparam.h>, the e820 type numbers from <asm/e820.h> (both
 * linux-libc-dev): nothing of the ABI is retyped here.
 */
#include "linux_boot.h"

#include <asm/e820.h>

#include "fmt.h"
#include "libc.h"

#define HDR_START offsetof(struct boot_params, hdr)
#define HDR_END_SYNTH (HDR_START + sizeof(struct setup_header))
#define FOUR_GIB (1ULL << 32)

/* The e820 twin of a handoff memory type; 0 when it has none. */
static uint32_t e820_type(uint32_t t)
{
	switch (t) {
	case EB_MEM_RAM:
	case EB_MEM_LOADER:      /* the loader is done once Linux runs */
	case EB_MEM_KERNEL:      /* Linux reserves its own image ... */
	case EB_MEM_MODULE:      /* ... and the initrd it was told about */
	case EB_MEM_PAGE_TABLES: /* replaced by Linux's own early */
	case EB_MEM_BOOT_INFO:   /* the earlyboot handoff: not Linux's */
		return E820_RAM;
	case EB_MEM_RESERVED:
	case EB_MEM_FW_RUNTIME:
	case EB_MEM_MMIO:
		return E820_RESERVED;
	case EB_MEM_ACPI_RECLAIM:
		return E820_ACPI;
	case EB_MEM_ACPI_NVS:
		return E820_NVS;
	case EB_MEM_UNUSABLE:
		return E820_UNUSABLE;
	}
	return 0;
}

int eb_linux_e820(const struct eb_memmap *m, struct boot_e820_entry *out,
		  unsigned max, unsigned *n, char *err, size_t errlen)
{
	unsigned count = 0;
	uint64_t last_end = 0;
	uint32_t last_type = 0;
	*n = 0;
	for (uint32_t i = 0; i < m->count; i++) {
		const struct eb_mem_range *r = &m->r[i];
		if (!r->len)
			continue;
		uint32_t t = e820_type(r->type);
		if (!t) {
			eb_snprintf(err, errlen,
				    "memory map: range 0x%llx+0x%llx has type %u, which has no e820 twin",
				    (unsigned long long)r->pa, (unsigned long long)r->len,
				    r->type);
			return -1;
		}
		/* Past max nothing is written: the ranges are only counted. */
		if (count && t == last_type && r->pa == last_end) {
			if (count <= max)
				out[count - 1].size += r->len;
		} else {
			if (count < max)
				out[count] = (struct boot_e820_entry){ r->pa, r->len, t };
			count++;
		}
		last_end = r->pa + r->len;
		last_type = t;
	}
	if (count > max) {
		eb_snprintf(err, errlen,
			    "memory map has %u ranges for Linux's e820 table, which holds %u",
			    count, max);
		return -1;
	}
	*n = count;
	return 0;
}

/*
 * The signature a 64-bit loader leaves in efi_loader_signature: the bytes
 * "EL64" read as a little-endian word. Linux takes efi_info only with it.
 */
#define EFI64_LOADER_SIGNATURE_WORD \
	((uint32_t)'E' | (uint32_t)'L' << 8 | (uint32_t)'6' << 16 | (uint32_t)'4' << 24)

static int efi_info(struct efi_info *out, const struct eb_efi_handoff *e,
		    char *err, size_t errlen)
{
	if (!e->desc_size || e->map_size % e->desc_size || !e->map_size) {
		eb_snprintf(err, errlen,
			    "UEFI memory map of %llu bytes is not a whole number of %u-byte descriptors",
			    (unsigned long long)e->map_size, e->desc_size);
		return -1;
	}
	if (e->map_size > UINT32_MAX) {
		eb_snprintf(err, errlen,
			    "UEFI memory map of %llu bytes does not fit efi_info's 32-bit size",
			    (unsigned long long)e->map_size);
		return -1;
	}
	out->efi_loader_signature = EFI64_LOADER_SIGNATURE_WORD;
	out->efi_systab = (uint32_t)e->systab_pa;
	out->efi_systab_hi = (uint32_t)(e->systab_pa >> 32);
	out->efi_memdesc_size = e->desc_size;
	out->efi_memdesc_version = e->desc_version;
	out->efi_memmap = (uint32_t)e->map_pa;
	out->efi_memmap_hi = (uint32_t)(e->map_pa >> 32);
	out->efi_memmap_size = (uint32_t)e->map_size;
	return 0;
}

int eb_linux_zero_page(struct boot_params *zp, const void *file,
		       const struct eb_bzimage *bz,
		       const struct eb_linux_params *p, char *err,
		       size_t errlen)
{
	memset(zp, 0, sizeof *zp);
	struct setup_header *h = &zp->hdr;
	uint32_t cmd_max;
	bool above_4g;
	uint64_t initrd_max;
	if (bz) {
		if (bz->hdr_end < HDR_START || bz->hdr_end > EB_LINUX_HDR_ROOM) {
			eb_snprintf(err, errlen,
				    "bzImage setup header ends at 0x%llx, outside 0x%zx..0x%x: not from eb_bzimage_parse",
				    (unsigned long long)bz->hdr_end, HDR_START,
				    EB_LINUX_HDR_ROOM);
			return -1;
		}
		/* The header as the file has it, up to where its jump says it
		 * ends (possibly past struct setup_header: newer fields). */
		memcpy((uint8_t *)zp + HDR_START, (const uint8_t *)file + HDR_START,
		       (size_t)(bz->hdr_end - HDR_START));
		cmd_max = bz->cmdline_size;
		above_4g = bz->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
		initrd_max = bz->initrd_addr_max;
	} else {
		/* A vmlinux has no header of its own: what its 64-bit entry and
		 * the kernel after it read, as a protocol 2.15 bzImage says it. */
		h->boot_flag = EB_LINUX_BOOT_FLAG;
		h->jump = (uint16_t)(0xeb | (HDR_END_SYNTH - offsetof(struct boot_params, hdr.jump) - 2) << 8);
		h->header = EB_LINUX_HDR_MAGIC;
		h->version = EB_VMLINUX_PROTOCOL;
		h->kernel_alignment = EB_VMLINUX_ALIGN;
		h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
		h->cmdline_size = EB_VMLINUX_CMDLINE_MAX;
		h->initrd_addr_max = UINT32_MAX;
		cmd_max = EB_VMLINUX_CMDLINE_MAX;
		above_4g = true;
		initrd_max = UINT64_MAX;
	}
	h->type_of_loader = EB_LINUX_LOADER_UNKNOWN;
	h->loadflags |= LOADED_HIGH;

	if (p->cmdline_len > cmd_max) {
		eb_snprintf(err, errlen,
			    "kernel command line is %u bytes, the kernel takes at most %u (cmdline_size)",
			    p->cmdline_len, cmd_max);
		return -1;
	}
	if (!above_4g && (p->cmdline_pa >= FOUR_GIB ||
			  p->cmdline_len >= FOUR_GIB - p->cmdline_pa)) {
		eb_snprintf(err, errlen,
			    "kernel command line at 0x%llx+0x%x (and its NUL) reaches above 4 GiB, and xloadflags 0x%04x lacks XLF_CAN_BE_LOADED_ABOVE_4G",
			    (unsigned long long)p->cmdline_pa, p->cmdline_len,
			    bz ? bz->xloadflags : 0);
		return -1;
	}
	h->cmd_line_ptr = (uint32_t)p->cmdline_pa;
	zp->ext_cmd_line_ptr = (uint32_t)(p->cmdline_pa >> 32);

	if (p->initrd_len) {
		uint64_t last = p->initrd_pa + (p->initrd_len - 1);
		if (last < p->initrd_pa) {
			eb_snprintf(err, errlen, "initrd at 0x%llx+0x%llx wraps around",
				    (unsigned long long)p->initrd_pa,
				    (unsigned long long)p->initrd_len);
			return -1;
		}
		if (!above_4g && last > initrd_max) {
			eb_snprintf(err, errlen,
				    "initrd at 0x%llx-0x%llx ends above initrd_addr_max 0x%llx, and xloadflags 0x%04x lacks XLF_CAN_BE_LOADED_ABOVE_4G",
				    (unsigned long long)p->initrd_pa,
				    (unsigned long long)last,
				    (unsigned long long)initrd_max,
				    bz ? bz->xloadflags : 0);
			return -1;
		}
		h->ramdisk_image = (uint32_t)p->initrd_pa;
		zp->ext_ramdisk_image = (uint32_t)(p->initrd_pa >> 32);
		h->ramdisk_size = (uint32_t)p->initrd_len;
		zp->ext_ramdisk_size = (uint32_t)(p->initrd_len >> 32);
	}
	zp->acpi_rsdp_addr = p->acpi_rsdp_pa;
	if (p->efi && p->efi->systab_pa) {
		/* Filled aside: boot_params is packed. */
		struct efi_info ei;
		if (efi_info(&ei, p->efi, err, errlen))
			return -1;
		zp->efi_info = ei;
		if (p->efi->has_screen)
			zp->screen_info = p->efi->screen;
		/*
		 * What the EFI stub would have said: Linux takes its lockdown
		 * and IMA policy from it (docs/secureboot.md).
		 */
		zp->secure_boot = p->secure_boot == EB_SECURE_BOOT_ENFORCING ? 3
				  : p->secure_boot != EB_SECURE_BOOT_NONE   ? 2
									    : 0;
	}

	if (!p->mem) {
		eb_snprintf(err, errlen, "no memory map for Linux's e820 table");
		return -1;
	}
	unsigned n;
	if (eb_linux_e820(p->mem, zp->e820_table, E820_MAX_ENTRIES_ZEROPAGE, &n,
			  err, errlen))
		return -1;
	zp->e820_entries = (uint8_t)n;
	return 0;
}
