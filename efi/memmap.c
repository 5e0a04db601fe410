/*
 * The firmware's memory map while boot services last, and the
 * ExitBootServices dance (the map key goes stale whenever the firmware
 * allocates, so retry with a fresh map; print nothing in between). Every
 * read goes through efi_map_read (map_read.h) into the loader's one map
 * buffer; the conversion to the handoff's terms is fwmap.c.
 */
#include "libc.h"
#include "loader.h"
#include "map_read.h"

static struct efi_map_buf fw_map;

const struct efi_map_buf *efi_read_map(EFI_SYSTEM_TABLE *st)
{
	char err[200];
	if (efi_map_read(st->BootServices, &fw_map, err, sizeof err))
		eb_fail("%s", err);
	return &fw_map;
}

void efi_current_map(EFI_SYSTEM_TABLE *st, struct eb_memmap *m)
{
	const struct efi_map_buf *fw = efi_read_map(st);
	char err[160];
	if (efi_convert_map_before_exit(m, fw->buf, fw->size, fw->desc_size, err,
					sizeof err))
		eb_fail("%s", err);
}

#define EXIT_TRIES 16

void efi_exit_boot_services(EFI_SYSTEM_TABLE *st, EFI_HANDLE image,
			    struct efi_boot *b)
{
	EFI_STATUS s = EFI_SUCCESS;
	unsigned tries;
	for (tries = 1; tries <= EXIT_TRIES; tries++) {
		/*
		 * After a failed ExitBootServices only the memory services may
		 * be called: growing the buffer (AllocatePool) is one of them.
		 */
		const struct efi_map_buf *fw = efi_read_map(st);
		s = st->BootServices->ExitBootServices(image, fw->key);
		if (s != EFI_INVALID_PARAMETER) /* stale key: try again */
			break;
	}
	if (EFI_ERROR(s))
		eb_fail("ExitBootServices after %u tries: %s", tries,
			 efi_status_name(s));
	b->efi_map = fw_map.buf;
	b->efi_map_size = fw_map.size;
	b->efi_desc_size = fw_map.desc_size;
	b->efi_desc_version = fw_map.desc_version;
	b->exit_tries = tries;
}
