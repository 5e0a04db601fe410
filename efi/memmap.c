/*
 * The firmware's memory map: its types in the handoff's terms, and the
 * ExitBootServices dance (the map key goes stale whenever the firmware
 * allocates, so retry with a fresh map; print nothing in between).
 */
#include "libc.h"
#include "loader.h"

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

int efi_convert_map(struct eb_memmap *m, const void *map, UINTN size,
		    UINTN desc_size, char *err, size_t errlen)
{
	/* Step by the firmware's descriptor size, never by sizeof. */
	for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d =
			(const EFI_MEMORY_DESCRIPTOR *)((const uint8_t *)map + off);
		if (eb_memmap_add(m, d->PhysicalStart, d->NumberOfPages * 4096ULL,
				  efi_mem_type(d->Type), err, errlen))
			return -1;
	}
	return eb_memmap_normalize(m, err, errlen);
}

/* Room for the map plus what allocating the buffer itself may add. */
static void alloc_map_buffer(EFI_BOOT_SERVICES *bs, void **buf, UINTN *cap)
{
	UINTN size = 0, key, dsize;
	UINT32 dver;
	EFI_STATUS s = bs->GetMemoryMap(&size, 0, &key, &dsize, &dver);
	if (s != EFI_BUFFER_TOO_SMALL)
		eb_fail("GetMemoryMap(size query): %s", efi_status_name(s));
	*cap = size + 64 * dsize;
	s = bs->AllocatePool(EfiLoaderData, *cap, buf);
	if (EFI_ERROR(s))
		eb_fail("allocating %llu bytes for the memory map: %s",
			 (unsigned long long)*cap, efi_status_name(s));
}

void efi_current_map(EFI_SYSTEM_TABLE *st, struct eb_memmap *m)
{
	static uint8_t buf[64 * 1024];
	UINTN size = sizeof buf, key, dsize;
	UINT32 dver;
	EFI_STATUS s = st->BootServices->GetMemoryMap(&size, (void *)buf, &key,
						      &dsize, &dver);
	if (EFI_ERROR(s))
		eb_fail("GetMemoryMap: %s", efi_status_name(s));
	char err[160];
	if (efi_convert_map(m, buf, size, dsize, err, sizeof err))
		eb_fail("%s", err);
}

#define EXIT_TRIES 16

void efi_exit_boot_services(EFI_SYSTEM_TABLE *st, EFI_HANDLE image,
			    struct efi_boot *b)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	void *buf;
	UINTN cap, size, key = 0, dsize = 0;
	UINT32 dver;
	EFI_STATUS s = EFI_SUCCESS;
	alloc_map_buffer(bs, &buf, &cap);
	unsigned tries;
	for (tries = 1; tries <= EXIT_TRIES; tries++) {
		size = cap;
		s = bs->GetMemoryMap(&size, buf, &key, &dsize, &dver);
		if (EFI_ERROR(s))
			break;
		s = bs->ExitBootServices(image, key);
		if (s != EFI_INVALID_PARAMETER) /* stale key: try again */
			break;
	}
	if (EFI_ERROR(s))
		eb_fail("ExitBootServices after %u tries: %s", tries,
			 efi_status_name(s));
	b->efi_map = buf;
	b->efi_map_size = size;
	b->efi_desc_size = dsize;
	b->exit_tries = tries;
}
