/* Firmware memory map → eb_memmap (fwmap.h). Portable: host-built too. */
#include "fwmap.h"

#include "fmt.h"
#include "libc.h"

uint32_t efi_mem_type(UINT32 t)
{
	switch (t) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
		/* Free once boot services are gone; what we keep is carved out. */
		return EB_MEM_RAM;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return EB_MEM_FW_RUNTIME;
	case EfiACPIReclaimMemory:
		return EB_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return EB_MEM_ACPI_NVS;
	case EfiUnusableMemory:
		return EB_MEM_UNUSABLE;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return EB_MEM_MMIO;
	default: /* reserved, PAL code, persistent, unknown */
		return EB_MEM_RESERVED;
	}
}

int efi_map_next(const void *map, UINTN size, UINTN desc_size, UINTN *off,
		 EFI_MEMORY_DESCRIPTOR *d, char *err, size_t errlen)
{
	/*
	 * A stride of 0 would loop forever and one shorter than a descriptor
	 * would read past the last one (found reviewing this parser for
	 * tests/fuzz/fuzz_efi_memmap; its corpus keeps both as regressions).
	 */
	if (desc_size < sizeof(EFI_MEMORY_DESCRIPTOR)) {
		eb_snprintf(err, errlen,
			    "firmware memory map: descriptor size %llu is less than %zu",
			    (unsigned long long)desc_size,
			    sizeof(EFI_MEMORY_DESCRIPTOR));
		return -1;
	}
	/* Step by the firmware's descriptor size, never by sizeof. */
	if (*off > size || size - *off < desc_size)
		return 0;
	/* The buffer need not be aligned for the descriptor type. */
	memcpy(d, (const uint8_t *)map + *off, sizeof *d);
	*off += desc_size;
	if (d->NumberOfPages > UINT64_MAX / 4096) {
		eb_snprintf(err, errlen,
			    "firmware memory map: descriptor at 0x%llx: %llu pages overflow",
			    (unsigned long long)d->PhysicalStart,
			    (unsigned long long)d->NumberOfPages);
		return -1;
	}
	return 1;
}

static uint32_t mem_type_before_exit(UINT32 t)
{
	return t == EfiLoaderCode || t == EfiLoaderData ? EB_MEM_LOADER
							: efi_mem_type(t);
}

static int convert(struct eb_memmap *m, const void *map, UINTN size,
		   UINTN desc_size, uint32_t (*type_of)(UINT32), char *err,
		   size_t errlen)
{
	EFI_MEMORY_DESCRIPTOR d;
	UINTN off = 0;
	int got;
	while ((got = efi_map_next(map, size, desc_size, &off, &d, err, errlen)) > 0)
		if (eb_memmap_add(m, d.PhysicalStart, d.NumberOfPages * 4096ULL,
				  type_of(d.Type), err, errlen))
			return -1;
	return got < 0 ? -1 : eb_memmap_normalize(m, err, errlen);
}

int efi_convert_map(struct eb_memmap *m, const void *map, UINTN size,
		    UINTN desc_size, char *err, size_t errlen)
{
	return convert(m, map, size, desc_size, efi_mem_type, err, errlen);
}

int efi_convert_map_before_exit(struct eb_memmap *m, const void *map,
				UINTN size, UINTN desc_size, char *err,
				size_t errlen)
{
	return convert(m, map, size, desc_size, mem_type_before_exit, err, errlen);
}
