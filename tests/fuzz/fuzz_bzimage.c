/*
 * The Linux boot protocol (common/linux_boot.c, bzimage.c,
 * linux_zero_page.c) on one kernel file: what kind it is, the bzImage setup
 * header, its placement in a fixed memory map and its segment, the vmlinux
 * reading, and the zero page for whichever parsed. Beyond the sanitizers it
 * checks what linux_boot.h promises after each success.
 */
#include <asm/e820.h>
#include <elf.h>

#include "fuzz.h"
#include "linux_boot.h"

#include "page.h"
#define FOUR_GIB (1ULL << 32)

static struct eb_mem_range st[16];
static struct eb_memmap map;

/* Like a 256 MiB QEMU with 1 GiB more above 4 GiB, a few ranges carved. */
static void make_map(void)
{
	char err[200];
	eb_memmap_init(&map, st, 16);
	eb_memmap_add(&map, 0, 0x9f000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&map, 0x9f000, 0x61000, EB_MEM_RESERVED, err, sizeof err);
	eb_memmap_add(&map, 0x100000, 0x3f00000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&map, 0x4000000, 0x100000, EB_MEM_ACPI_NVS, err, sizeof err);
	eb_memmap_add(&map, 0x4100000, 0xbf00000, EB_MEM_RAM, err, sizeof err);
	eb_memmap_add(&map, 0xfec00000, 0x1000, EB_MEM_MMIO, err, sizeof err);
	eb_memmap_add(&map, 0x100000000ULL, 0x40000000, EB_MEM_RAM, err, sizeof err);
	if (eb_memmap_normalize(&map, err, sizeof err) ||
	    eb_memmap_carve(&map, 0x100000, 0x80000, EB_MEM_LOADER, "loader", err, sizeof err) ||
	    eb_memmap_carve(&map, 0x7000000, 0x200000, EB_MEM_MODULE, "initrd", err, sizeof err))
		abort();
}

static const struct eb_range busy[] = {
	{ 0x100000, 0x80000, "loader image" },
	{ 0x7000000, 0x200000, "initrd" },
	{ 0x1800010, 0x10, "boot info" }, /* inside the usual 16 MiB + init_size */
};
#define NBUSY (sizeof busy / sizeof busy[0])
#define MIN_PA 0x100000ULL

static bool is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

/* [lo, hi) is RAM in the map and meets no busy range (page-rounded). */
static bool free_run(uint64_t lo, uint64_t hi)
{
	if (eb_memmap_ram_until(&map, lo, hi) < hi)
		return false;
	for (size_t i = 0; i < NBUSY; i++) {
		uint64_t b_lo = busy[i].pa & ~(PAGE - 1);
		uint64_t b_hi = (busy[i].pa + busy[i].len + PAGE - 1) & ~(PAGE - 1);
		if (b_lo < hi && lo < b_hi)
			return false;
	}
	return true;
}

/* The zero page's promises, for a bzImage (bz) or a vmlinux (NULL). */
static void zero_page(const uint8_t *data, size_t size,
		      const struct eb_bzimage *bz, uint8_t knobs)
{
	static struct boot_params zp;
	char err[200];
	err[0] = '\0';
	struct eb_linux_params p = {
		.cmdline_pa = knobs & 1 ? 0x123456000ULL : 0x20000,
		.cmdline_len = (uint32_t)(size & 0xfff),
		.initrd_pa = knobs & 2 ? 0x234567000ULL : 0x7000000,
		.initrd_len = knobs & 4 ? 0 : 0x200000,
		.acpi_rsdp_pa = 0xf5a30,
		.mem = &map,
	};
	if (eb_linux_zero_page(&zp, data, bz, &p, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		return;
	}
	const uint8_t *z = (const uint8_t *)&zp;
	FUZZ_ASSERT(zp.hdr.type_of_loader == EB_LINUX_LOADER_UNKNOWN);
	FUZZ_ASSERT(zp.hdr.loadflags & LOADED_HIGH);
	FUZZ_ASSERT(zp.hdr.boot_flag == EB_LINUX_BOOT_FLAG);
	FUZZ_ASSERT(zp.hdr.header == EB_LINUX_HDR_MAGIC);
	FUZZ_ASSERT(zp.hdr.cmd_line_ptr == (uint32_t)p.cmdline_pa);
	FUZZ_ASSERT(zp.ext_cmd_line_ptr == (uint32_t)(p.cmdline_pa >> 32));
	FUZZ_ASSERT(p.cmdline_len <= zp.hdr.cmdline_size);
	FUZZ_ASSERT(zp.e820_entries >= 1 && zp.e820_entries <= E820_MAX_ENTRIES_ZEROPAGE);
	FUZZ_ASSERT(zp.sentinel == 0);
	bool above = zp.hdr.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
	if (!above) {
		FUZZ_ASSERT(p.cmdline_pa + p.cmdline_len < FOUR_GIB);
		FUZZ_ASSERT(!p.initrd_len ||
			    p.initrd_pa + p.initrd_len - 1 <= zp.hdr.initrd_addr_max);
	}
	if (bz) {
		/* The file's header bytes, but for what a loader writes. */
		const size_t tl = offsetof(struct boot_params, hdr.type_of_loader);
		const size_t rd = offsetof(struct boot_params, hdr.ramdisk_image);
		const size_t cl = offsetof(struct boot_params, hdr.cmd_line_ptr);
		FUZZ_ASSERT(memcmp(z + 0x1f1, data + 0x1f1, tl - 0x1f1) == 0);
		FUZZ_ASSERT(memcmp(z + rd + 8, data + rd + 8, cl - rd - 8) == 0);
		FUZZ_ASSERT(memcmp(z + cl + 4, data + cl + 4, bz->hdr_end - cl - 4) == 0);
		for (size_t i = bz->hdr_end; i < EB_LINUX_HDR_ROOM; i++)
			FUZZ_ASSERT(z[i] == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!map.max)
		make_map();
	char err[200];
	err[0] = '\0';
	uint8_t knobs = size ? data[size - 1] : 0;

	enum eb_kernel_kind kind = eb_kernel_kind(data, size);
	FUZZ_ASSERT(kind <= EB_KERNEL_PE);
	FUZZ_ASSERT(eb_kernel_kind_name(kind) != NULL);

	struct eb_bzimage bz;
	if (eb_bzimage_parse(data, size, &bz, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
	} else {
		/* What a successful parse promises (linux_boot.h). */
		FUZZ_ASSERT(kind == EB_KERNEL_BZIMAGE);
		FUZZ_ASSERT(bz.version >= EB_LINUX_MIN_PROTOCOL);
		FUZZ_ASSERT(bz.xloadflags & XLF_KERNEL_64);
		FUZZ_ASSERT(bz.pm_offset == bz.setup_len && bz.pm_len > 0 &&
			    bz.pm_offset + bz.pm_len == size);
		FUZZ_ASSERT(bz.hdr_end >= 0x264 && bz.hdr_end <= EB_LINUX_HDR_ROOM &&
			    bz.hdr_end <= size);
		FUZZ_ASSERT(bz.init_size >= bz.pm_len && bz.init_size <= EB_ELF_MAX_SEG_SIZE);
		FUZZ_ASSERT(is_pow2(bz.align) && bz.align >= PAGE);
		FUZZ_ASSERT(!(bz.pref_address & (PAGE - 1)));
		FUZZ_ASSERT(bz.cmdline_size > 0);

		uint64_t pa = 0;
		if (eb_bzimage_place(&bz, &map, busy, NBUSY, MIN_PA, &pa, err, sizeof err)) {
			fuzz_check_err(err, sizeof err);
		} else {
			uint64_t need = (bz.init_size + PAGE - 1) & ~(PAGE - 1);
			FUZZ_ASSERT(free_run(pa, pa + need));
			if (pa != bz.pref_address)
				FUZZ_ASSERT(bz.relocatable && !(pa & (bz.align - 1)) &&
					    pa >= MIN_PA && pa >= bz.pref_address);
			struct eb_elf_info info;
			eb_bzimage_as_segments(&bz, pa, &info);
			FUZZ_ASSERT(info.nseg == 1 && info.entry == pa + EB_LINUX_ENTRY64);
			const struct eb_elf_seg *s = &info.seg[0];
			FUZZ_ASSERT(s->offset + s->filesz == size && s->filesz <= s->memsz);
			FUZZ_ASSERT(s->paddr == pa && s->vaddr == pa && s->memsz == need);
		}
		zero_page(data, size, &bz, knobs);
	}

	struct eb_elf_info vm;
	if (eb_vmlinux_parse(data, size, &vm, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
	} else {
		FUZZ_ASSERT(kind == EB_KERNEL_VMLINUX);
		FUZZ_ASSERT(vm.entry < FOUR_GIB);
		bool in_text = false;
		for (unsigned i = 0; i < vm.nseg; i++) {
			const struct eb_elf_seg *s = &vm.seg[i];
			FUZZ_ASSERT(s->vaddr == s->paddr);
			FUZZ_ASSERT(s->offset <= size && s->filesz <= size - s->offset);
			FUZZ_ASSERT(s->filesz <= s->memsz && s->memsz <= EB_ELF_MAX_SEG_SIZE);
			if ((s->flags & PF_X) && vm.entry >= s->paddr &&
			    vm.entry - s->paddr < s->filesz)
				in_text = true;
		}
		FUZZ_ASSERT(in_text);
		zero_page(data, size, NULL, knobs);
	}

	/* The e820 conversion against a table of 1..8 entries (the limit). */
	static struct boot_e820_entry e8[8];
	unsigned max = 1 + (knobs >> 5), n = 99;
	if (eb_linux_e820(&map, e8, max, &n, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
	} else {
		FUZZ_ASSERT(n <= max);
		for (unsigned i = 1; i < n; i++)
			FUZZ_ASSERT(e8[i].type != e8[i - 1].type ||
				    e8[i - 1].addr + e8[i - 1].size != e8[i].addr);
	}
	return 0;
}
