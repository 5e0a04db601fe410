/*
 * The Xen ELF notes of a PV kernel (common/xen_notes.c), as the PV world reads
 * the kernel file it is handed: any bytes as an ELF. Beyond the sanitizers
 * (the notes and their segments must stay inside the file), a successful
 * parse must hold what xen_notes.h promises: XEN_VERSION present and
 * starting "xen-3.0", LOADER starting "generic" or GUEST_OS "linux" (the
 * prefixes Xen's builder compares), PADDR_OFFSET only with VIRT_BASE, a
 * default entry only where no ENTRY was given, every required feature
 * also supported, strings terminated inside their buffers. Then the notes feed the start-
 * of-day planner (pv/start_of_day/linux_layout.c) the way pv/linux_enter.c does, on a
 * small domain, and its layout must be packed, its end 4 MiB aligned in virtual addresses and its
 * permutation its own inverse.
 */
#include "fuzz.h"
#include "start_of_day/linux_layout.h"
#include "xen_notes.h"

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *f = fuzz_dup(data, size);
	struct eb_xen_notes n;
	char err[300];
	err[0] = '\0';
	if (eb_xen_notes_parse_pv(f, size, &n, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		free(f);
		return 0;
	}
	FUZZ_ASSERT(eb_xen_note_has(&n, XEN_ELFNOTE_XEN_VERSION));
	FUZZ_ASSERT(strncmp(n.xen_version, "xen-3.0", 7) == 0);
	FUZZ_ASSERT(strncmp(n.loader, "generic", 7) == 0 ||
		    strncmp(n.guest_os, "linux", 5) == 0);
	FUZZ_ASSERT(!eb_xen_note_has(&n, XEN_ELFNOTE_PADDR_OFFSET) ||
		    eb_xen_note_has(&n, XEN_ELFNOTE_VIRT_BASE));
	FUZZ_ASSERT(n.entry_from_header == !eb_xen_note_has(&n, XEN_ELFNOTE_ENTRY));
	FUZZ_ASSERT((n.required_features & ~n.supported_features) == 0);
	FUZZ_ASSERT(terminated(n.guest_os, sizeof n.guest_os) &&
		    terminated(n.loader, sizeof n.loader) &&
		    terminated(n.features, sizeof n.features) &&
		    terminated(n.pae_mode, sizeof n.pae_mode) &&
		    terminated(n.guest_version, sizeof n.guest_version));
	FUZZ_ASSERT(n.count >= 1 || n.legacy);

	/* The planner, fed from the notes: a 16..32 MiB domain. */
	uint64_t entry_pfn = (n.entry - n.virt_base) / 4096;
	struct pv_layout_in in = {
		.virt_base = n.virt_base,
		.nr_pages = 4096 + (n.paddr_offset & 4095),
		.keep_pfns = n.hypercall_page & 0xff,
		.busy_pfns = (n.hypercall_page >> 8) & 0xfff,
		.kernel_pfn = entry_pfn & 0xfff,
		.kernel_end_pfn = (entry_pfn & 0xfff) + 1 + (n.init_p2m & 0x7ff),
		.initrd_len = n.phys32_entry & 0xfffff,
	};
	struct pv_layout l;
	if (pv_layout_plan(&in, &l, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
	} else {
		FUZZ_ASSERT((in.virt_base / 4096 + l.end) % PV_LAYOUT_ALIGN_PAGES == 0);
		FUZZ_ASSERT(l.end - l.padding >= PV_LAYOUT_PADDING_PAGES);
		FUZZ_ASSERT(l.kernel_end <= l.initrd && l.initrd <= l.p2m &&
			    l.p2m < l.start_info && l.start_info < l.pt &&
			    l.pt + l.pt_frames == l.stack && l.stack < l.padding);
		FUZZ_ASSERT(l.src >= l.end && l.src >= in.busy_pfns &&
			    l.src + l.moved <= in.nr_pages);
		for (uint64_t p = 0; p < in.nr_pages; p += 7)
			FUZZ_ASSERT(pv_layout_swap(&l, pv_layout_swap(&l, p)) == p);
	}
	free(f);
	return 0;
}
