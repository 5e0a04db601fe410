/* Reading files from the volume earlyboot.efi was loaded from. */
#include "libc.h"
#include "loader.h"

/* loader.h: the file protocol wants backslashes. */
void efi_file_path(const char *path, CHAR16 *out, size_t max)
{
	size_t n = 0;
	if (path[0] != '/' && path[0] != '\\')
		out[n++] = L'\\';
	for (; *path && n + 1 < max; path++)
		out[n++] = *path == '/' ? L'\\' : (CHAR16)(unsigned char)*path;
	out[n] = 0;
}

EFI_STATUS efi_read_file(EFI_SYSTEM_TABLE *st, EFI_HANDLE device,
			 const char *path, uint64_t *pa, uint64_t *len)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_PROTOCOL *root, *f;
	CHAR16 wpath[EB_PATH_MAX + 2];

	EFI_STATUS s = bs->HandleProtocol(device, &fs_guid, (void **)&fs);
	if (EFI_ERROR(s))
		return s;
	s = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(s))
		return s;
	efi_file_path(path, wpath, sizeof wpath / sizeof wpath[0]);
	s = root->Open(root, &f, wpath, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (EFI_ERROR(s))
		return s;

	/* EFI_FILE_INFO ends in the file name: leave room for a long one. */
	union {
		EFI_FILE_INFO info;
		uint8_t raw[sizeof(EFI_FILE_INFO) + 2 * (EB_PATH_MAX + 2)];
	} u;
	UINTN isize = sizeof u;
	s = f->GetInfo(f, &info_guid, &isize, &u);
	if (EFI_ERROR(s)) {
		f->Close(f);
		return s;
	}
	uint64_t size = u.info.FileSize;
	EFI_PHYSICAL_ADDRESS buf = 0;
	UINTN pages = (size + 4095) / 4096;
	if (pages == 0)
		pages = 1; /* an empty file still gets a (zeroed) page */
	*len = size; /* also on failure: the caller names the size at fault */
	s = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &buf);
	if (EFI_ERROR(s)) {
		f->Close(f);
		return s;
	}
	memset((void *)buf, 0, pages * 4096);
	/* Read can return less than asked: loop until all of it is in. */
	uint64_t got = 0;
	while (got < size) {
		UINTN n = size - got;
		s = f->Read(f, &n, (uint8_t *)buf + got);
		if (EFI_ERROR(s) || n == 0) {
			bs->FreePages(buf, pages);
			f->Close(f);
			return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
		}
		got += n;
	}
	f->Close(f);
	*pa = buf;
	*len = size;
	return EFI_SUCCESS;
}
