/*
 * The firmware's memory map (GetMemoryMap's descriptor array) in the
 * handoff's terms. Split from memmap.c so the host can build it: it needs
 * only GNU-EFI's type definitions, no boot services, so the unit tests and
 * the fuzz harness (tests/fuzz/fuzz_efi_memmap.c) run the loader's own code.
 */
#ifndef EARLYBOOT_EFI_FWMAP_H
#define EARLYBOOT_EFI_FWMAP_H

#include <efi.h>
#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

/* enum eb_mem_type of an EFI_MEMORY_TYPE. */
uint32_t efi_mem_type(UINT32 efi_type);

/*
 * size bytes of descriptors, desc_size apart (the firmware's stride, which
 * may exceed sizeof(EFI_MEMORY_DESCRIPTOR)), into m, then normalized. A
 * stride smaller than a descriptor, or a range whose page count overflows
 * 64 bits, is an error: the map is firmware data we do not trust blindly.
 */
int efi_convert_map(struct eb_memmap *m, const void *map, UINTN size,
		    UINTN desc_size, char *err, size_t errlen);

#endif
