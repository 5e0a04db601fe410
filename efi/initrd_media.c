/*
 * The initrd of a PE kernel the firmware starts (pe_app.c): served through
 * the LoadFile2 protocol on a handle of its own whose device path is the
 * one vendor media node Linux's EFI stub (5.8 and later) looks for. The
 * stub finds the handle with LocateDevicePath, asks for the size, then for
 * the bytes; any other PE application may do the same. The bytes stay
 * where we read them (AllocatePages, EfiLoaderData): the child copies them.
 */
#include "initrd_media.h"
#include "libc.h"
#include "loader.h"

/* LoadFile2 has LoadFile's one function and signature (efiprot.h). */
struct initrd_media {
	EFI_LOAD_FILE_PROTOCOL protocol; /* first: the interface pointer is ours */
	uint64_t pa, len;
};

static struct {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH end;
} __attribute__((packed)) media_path;

static struct initrd_media media;

static EFI_STATUS EFIAPI load_initrd(EFI_LOAD_FILE_PROTOCOL *this,
				     EFI_DEVICE_PATH *path, BOOLEAN boot_policy,
				     UINTN *size, VOID *buffer)
{
	(void)path;
	const struct initrd_media *m = (const struct initrd_media *)this;
	if (this != &media.protocol || !size)
		return EFI_INVALID_PARAMETER;
	/* LoadFile2 loads no boot options, only the file itself. */
	if (boot_policy)
		return EFI_UNSUPPORTED;
	if (!buffer || *size < m->len) {
		*size = m->len;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buffer, (const void *)(uintptr_t)m->pa, m->len);
	*size = m->len;
	return EFI_SUCCESS;
}

void efi_serve_initrd(EFI_SYSTEM_TABLE *st, const char *name, uint64_t pa,
		      uint64_t len)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_GUID lf2_guid = LOAD_FILE2_PROTOCOL_GUID;
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	media_path.vendor.Header.Type = MEDIA_DEVICE_PATH;
	media_path.vendor.Header.SubType = MEDIA_VENDOR_DP;
	SetDevicePathNodeLength(&media_path.vendor.Header, sizeof media_path.vendor);
	media_path.vendor.Guid = (EFI_GUID)LINUX_INITRD_MEDIA_GUID;
	SetDevicePathEndNode(&media_path.end);

	/* Someone serving an initrd already would shadow ours: refuse. */
	EFI_DEVICE_PATH *probe = (EFI_DEVICE_PATH *)&media_path;
	EFI_HANDLE other;
	if (!EFI_ERROR(bs->LocateDevicePath(&lf2_guid, &probe, &other)))
		eb_fail("initrd %s: another handle already serves an initrd through LoadFile2 (Linux initrd media path)",
			name);

	media = (struct initrd_media){ { load_initrd }, pa, len };
	EFI_HANDLE h = NULL;
	EFI_STATUS s = bs->InstallProtocolInterface(&h, &dp_guid, EFI_NATIVE_INTERFACE,
						   &media_path);
	if (!EFI_ERROR(s))
		s = bs->InstallProtocolInterface(&h, &lf2_guid, EFI_NATIVE_INTERFACE,
						 &media.protocol);
	if (EFI_ERROR(s))
		eb_fail("initrd %s: installing the LoadFile2 initrd protocol: %s",
			name, efi_status_name(s));
	eb_info("initrd %s: %llu bytes served through LoadFile2 (Linux initrd media path)",
		name, (unsigned long long)len);
}
