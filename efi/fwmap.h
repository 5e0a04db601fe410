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
 * The descriptor at *off of a map of size bytes, desc_size apart, into *d;
 * *off moves to the next one. 1: got one; 0: no more; -1: the stride or the
 * page count cannot be right (err says which). Every walk of a firmware
 * map goes through here.
 */
int efi_map_next(const void *map, UINTN size, UINTN desc_size, UINTN *off,
		 EFI_MEMORY_DESCRIPTOR *d, char *err, size_t errlen);

/*
 * size bytes of descriptors, desc_size apart (the firmware's stride, which
 * may exceed sizeof(EFI_MEMORY_DESCRIPTOR)), into m, then normalized. A
 * stride smaller than a descriptor, or a range whose page count overflows
 * 64 bits, is an error: the map is firmware data we do not trust blindly.
 */
int efi_convert_map(struct eb_memmap *m, const void *map, UINTN size,
		    UINTN desc_size, char *err, size_t errlen);

/*
 * The same, for a map taken while boot services run: what loaders hold
 * (EfiLoaderCode/Data: ourselves, the files we read, other images) is
 * in use until ExitBootServices, so it is EB_MEM_LOADER here, never a
 * place for the kernel.
 */
int efi_convert_map_before_exit(struct eb_memmap *m, const void *map,
				UINTN size, UINTN desc_size, char *err,
				size_t errlen);

#endif
