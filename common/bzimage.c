/*
 * A bzImage's setup header: validation, placement, and the one segment it
 * becomes (linux_boot.h). The file is untrusted input: fields are read from
 * a zero-padded copy of the header (the file need not be aligned), every
 * offset and size is checked in 64-bit arithmetic before it is used, and
 * every refusal is one line naming the field, its file offset and value.
 *
 * Field offsets are never typed in: they come from struct setup_header's
 * place in struct boot_params (<asm/bootparam.h>), the same layout the
 * file's first page has.
 */
#include "linux_boot.h"

#include <elf.h>

#include "fmt.h"
#include "libc.h"
#include "place.h"

#include "page.h"

/* File offset of a setup-header field (the zero page's offset of it). */
#define OFF(field) ((unsigned)offsetof(struct boot_params, hdr.field))
#define HDR_START ((unsigned)offsetof(struct boot_params, hdr))
/* The header must reach the end of init_size (protocol 2.10), the last
 * field read here; protocol >= 2.12 promises it. */
#define HDR_MIN_END (OFF(init_size) + 4u)
/* boot.rst, "jump" (0x200): a short jump whose signed 8-bit offset at 0x201,
 * counted from 0x202, lands at the end of the header. */
#define JUMP_BASE (OFF(jump) + 2u)

_Static_assert(JUMP_BASE + 0x7f <= EB_LINUX_HDR_ROOM,
	       "the longest header a short jump can span fits the zero page");

static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }
static uint64_t page_down(uint64_t v) { return v & ~(PAGE - 1); }

static unsigned proto_minor(uint16_t v) { return v & 0xff; }
static unsigned proto_major(uint16_t v) { return v >> 8; }

int eb_bzimage_parse(const void *file, uint64_t len, struct eb_bzimage *out,
		     char *err, size_t errlen)
{
	const uint8_t *f = file;
	memset(out, 0, sizeof *out);
	if (len < OFF(version) + 2u) {
		eb_snprintf(err, errlen,
			    "setup header: file is %llu bytes, too short for boot_flag, \"HdrS\" and version (0x%x bytes)",
			    (unsigned long long)len, OFF(version) + 2u);
		return -1;
	}
	/* A zero-padded copy: fields past a short file read as 0 and are
	 * refused below before they mean anything. */
	struct setup_header h;
	memset(&h, 0, sizeof h);
	uint64_t avail = len - HDR_START;
	memcpy(&h, f + HDR_START, avail < sizeof h ? (size_t)avail : sizeof h);

	if (h.boot_flag != EB_LINUX_BOOT_FLAG) {
		eb_snprintf(err, errlen, "setup header: boot_flag at 0x%x is 0x%04x, not 0x%04x",
			    OFF(boot_flag), h.boot_flag, EB_LINUX_BOOT_FLAG);
		return -1;
	}
	if (h.header != EB_LINUX_HDR_MAGIC) {
		eb_snprintf(err, errlen,
			    "setup header: \"HdrS\" magic at 0x%x is %08x, not a Linux bzImage",
			    OFF(header), h.header);
		return -1;
	}
	if (h.version < EB_LINUX_MIN_PROTOCOL) {
		eb_snprintf(err, errlen,
			    "setup header: boot protocol %u.%02u (version 0x%04x at 0x%x) is older than %u.%02u, the first with a 64-bit entry",
			    proto_major(h.version), proto_minor(h.version), h.version,
			    OFF(version), proto_major(EB_LINUX_MIN_PROTOCOL),
			    proto_minor(EB_LINUX_MIN_PROTOCOL));
		return -1;
	}
	unsigned jump = f[OFF(jump) + 1];
	if (jump >= 0x80) {
		eb_snprintf(err, errlen,
			    "setup header: the jump at 0x%x goes backwards (offset 0x%02x at 0x%x): where the header ends is unknown",
			    OFF(jump), jump, OFF(jump) + 1);
		return -1;
	}
	uint64_t hdr_end = JUMP_BASE + jump;
	if (hdr_end < HDR_MIN_END) {
		eb_snprintf(err, errlen,
			    "setup header: ends at 0x%llx (0x%x + byte 0x%02x at 0x%x), before the end of init_size at 0x%x",
			    (unsigned long long)hdr_end, JUMP_BASE, jump, OFF(jump) + 1,
			    HDR_MIN_END);
		return -1;
	}
	if (hdr_end > len) {
		eb_snprintf(err, errlen,
			    "setup header: ends at 0x%llx (0x%x + byte 0x%02x at 0x%x), beyond the file's 0x%llx bytes",
			    (unsigned long long)hdr_end, JUMP_BASE, jump, OFF(jump) + 1,
			    (unsigned long long)len);
		return -1;
	}
	if (!(h.xloadflags & XLF_KERNEL_64)) {
		eb_snprintf(err, errlen,
			    "setup header: xloadflags 0x%04x at 0x%x lacks XLF_KERNEL_64 (bit 0): no 64-bit entry",
			    h.xloadflags, OFF(xloadflags));
		return -1;
	}
	/* boot.rst, setup_sects: 0 means 4. */
	unsigned sects = h.setup_sects ? h.setup_sects : 4;
	uint64_t setup_len = (uint64_t)(sects + 1) * 512;
	if (setup_len >= len) {
		eb_snprintf(err, errlen,
			    "setup header: setup_sects %u at 0x%x puts the protected-mode kernel at 0x%llx, but the file ends at 0x%llx",
			    h.setup_sects, OFF(setup_sects), (unsigned long long)setup_len,
			    (unsigned long long)len);
		return -1;
	}
	uint64_t pm_len = len - setup_len;
	/*
	 * The protected-mode kernel is the rest of the file, as GRUB, QEMU and
	 * OVMF take it: syssize is not read (images that those loaders boot
	 * carry a syssize past the end of the file).
	 */
	bool reloc = h.relocatable_kernel != 0;
	uint32_t ka = h.kernel_alignment;
	if (reloc && (ka < PAGE || (ka & (ka - 1)))) {
		eb_snprintf(err, errlen,
			    "setup header: kernel_alignment 0x%x at 0x%x of a relocatable kernel is not a power of two of at least 0x%llx",
			    ka, OFF(kernel_alignment), PAGE);
		return -1;
	}
	if (h.pref_address & (PAGE - 1)) {
		eb_snprintf(err, errlen,
			    "setup header: pref_address 0x%llx at 0x%x is not 4 KiB aligned",
			    (unsigned long long)h.pref_address, OFF(pref_address));
		return -1;
	}
	if (h.init_size < pm_len) {
		eb_snprintf(err, errlen,
			    "setup header: init_size 0x%x at 0x%x is smaller than the 0x%llx-byte protected-mode kernel",
			    h.init_size, OFF(init_size), (unsigned long long)pm_len);
		return -1;
	}
	if (h.init_size > EB_ELF_MAX_SEG_SIZE) {
		eb_snprintf(err, errlen,
			    "setup header: init_size 0x%x at 0x%x is absurd (limit 0x%llx)",
			    h.init_size, OFF(init_size),
			    (unsigned long long)EB_ELF_MAX_SEG_SIZE);
		return -1;
	}
	if (h.pref_address > UINT64_MAX - page_up(h.init_size)) {
		eb_snprintf(err, errlen,
			    "setup header: pref_address 0x%llx at 0x%x + init_size 0x%x wraps around",
			    (unsigned long long)h.pref_address, OFF(pref_address),
			    h.init_size);
		return -1;
	}
	if (h.cmdline_size == 0) {
		eb_snprintf(err, errlen,
			    "setup header: cmdline_size at 0x%x is 0: the kernel takes no command line",
			    OFF(cmdline_size));
		return -1;
	}
	*out = (struct eb_bzimage){
		.version = h.version,
		.setup_len = setup_len,
		.pm_offset = setup_len,
		.pm_len = pm_len,
		.hdr_end = hdr_end,
		.init_size = h.init_size,
		.align = reloc ? ka : PAGE,
		.pref_address = h.pref_address,
		.relocatable = reloc,
		.xloadflags = h.xloadflags,
		.cmdline_size = h.cmdline_size,
		.initrd_addr_max = h.initrd_addr_max,
	};
	return 0;
}

int eb_bzimage_place(const struct eb_bzimage *bz, const struct eb_memmap *m,
		     const struct eb_range *busy, size_t nbusy, uint64_t min_pa,
		     uint64_t *load_pa, char *err, size_t errlen)
{
	uint64_t need = page_up(bz->init_size ? bz->init_size : 1);
	uint64_t pref = bz->pref_address, pref_end = pref + need;
	bool pref_ok = pref_end > pref; /* parse refuses a wrap; be sure */
	uint64_t ram_to = pref_ok ? eb_memmap_ram_until(m, pref, pref_end) : pref;
	const struct eb_range *hit = pref_ok ? eb_busy_first(busy, nbusy, pref, pref_end) : NULL;
	if (pref_ok && ram_to >= pref_end && !hit) {
		*load_pa = pref;
		return 0;
	}
	if (!bz->relocatable) {
		uint64_t hit_at = hit && page_down(hit->pa) > pref ? page_down(hit->pa) : pref;
		char what[96];
		if (hit && hit_at <= ram_to) {
			eb_snprintf(what, sizeof what, "0x%llx is taken by the %s",
				    (unsigned long long)hit_at, hit->name ? hit->name : "?");
		} else {
			const char *type = eb_memmap_type_at(m, ram_to);
			if (type)
				eb_snprintf(what, sizeof what, "0x%llx is %s memory",
					    (unsigned long long)ram_to, type);
			else
				eb_snprintf(what, sizeof what, "0x%llx is not in the memory map",
					    (unsigned long long)ram_to);
		}
		eb_snprintf(err, errlen,
			    "kernel is not relocatable and its preferred address 0x%llx (+init_size 0x%llx) is not free: %s",
			    (unsigned long long)pref, (unsigned long long)bz->init_size,
			    what);
		return -1;
	}
	/*
	 * Never below pref_address: a relocatable 64-bit kernel loaded lower
	 * still decompresses itself at pref_address (its LOAD_PHYSICAL_ADDR),
	 * into memory this placement would not have checked.
	 */
	uint64_t floor = min_pa > pref ? min_pa : pref;
	uint64_t a = bz->align >= PAGE && !(bz->align & (bz->align - 1)) ? bz->align : PAGE;
	if (!eb_place_aligned(m, busy, nbusy, need, floor, a, load_pa))
		return 0;
	eb_snprintf(err, errlen,
		    "no 0x%llx-byte run of RAM aligned to 0x%llx above 0x%llx for the kernel (init_size)",
		    (unsigned long long)need, (unsigned long long)a,
		    (unsigned long long)floor);
	return -1;
}

void eb_bzimage_as_segments(const struct eb_bzimage *bz, uint64_t load_pa,
			    struct eb_elf_info *out)
{
	memset(out, 0, sizeof *out);
	out->entry = load_pa + EB_LINUX_ENTRY64;
	out->nseg = 1;
	out->seg[0] = (struct eb_elf_seg){
		.index = 0,
		.vaddr = load_pa,
		.paddr = load_pa,
		.offset = bz->pm_offset,
		.filesz = bz->pm_len,
		.memsz = page_up(bz->init_size),
		.flags = PF_R | PF_W | PF_X,
	};
}
