/*
 * The firmware's memory map as boot services give it (its conversion to
 * the handoff's terms is fwmap.c, which the host builds too), and the
 * ExitBootServices dance (the map key goes stale whenever the firmware
 * allocates, so retry with a fresh map; print nothing in between).
 */
#include "libc.h"
#include "loader.h"

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
	if (efi_convert_map_before_exit(m, buf, size, dsize, err, sizeof err))
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
	b->efi_desc_version = dver;
	b->exit_tries = tries;
}
