/*
 * A tiny GNU-EFI application the UEFI boot tests give earlyboot as kernel=
 * (build/efiapp.efi): earlyboot must start it through the firmware with the
 * kernel command line as its load options. It prints, on COM1,
 *
 *	EFIAPP: load options '<LoadOptions as ASCII, non-printables escaped>'
 *	EFIAPP: LoadOptionsSize <n> bytes, NUL-terminated <yes|no>, volume <yes|no>, file path '<FilePath>'
 *
 * (volume: its LoadedImage->DeviceHandle has a file system) and ends as its
 * load options say: status=success or status=aborted is the status it
 * returns (default EFI_LOAD_ERROR); exitdata=TEXT calls BootServices->Exit
 * with that status and TEXT as exit data (pool memory, UCS-2, its NUL,
 * then 4 bytes of binary data the spec allows after the string) instead of
 * returning. initrd=check reads the initrd the way Linux's EFI stub does
 * (LoadFile2 on the handle of the Linux initrd media device path) and
 * checks the boot harness' header and CRC:
 *
 *	EFIAPP: initrd through LoadFile2: <n> bytes, CRC ok
 *	EFIAPP: initrd through LoadFile2: <what is wrong>
 *
 * initrd=dbx-append (initrd=db-append) writes the initrd to dbx (db) as a
 * signed append (see initrd_to_var) and prints "EFIAPP: dbx append: done
 * 0x0" ("db append: ...") or why not;
 * initrd=moklist and initrd=moklistx write it to shim's MokList or
 * MokListX ("EFIAPP: MokList set: done 0x0"), shim-verbose sets shim's
 * SHIM_VERBOSE to 1 ("EFIAPP: SHIM_VERBOSE set: done 0x0").
 */
#include <efi.h>
#include <stdbool.h>

#include "crc32.h"
#include "fmt.h"
#include "initrd_media.h"
#include "libc.h"
#include "sb_defs.h"
#include "x86/serial.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static const UINT8 exit_tail[4] = { 0xde, 0xad, 0xbe, 0xef };

/* At most n units of w (up to a NUL) as printable ASCII, escaped. */
static void show(const CHAR16 *w, UINTN n, char *out, size_t outlen)
{
	size_t pos = 0;
	out[0] = '\0';
	for (UINTN i = 0; i < n && w[i]; i++) {
		char tmp[8];
		int k;
		if (w[i] == '\\')
			k = eb_snprintf(tmp, sizeof tmp, "\\\\");
		else if (w[i] >= 0x20 && w[i] < 0x7f)
			k = eb_snprintf(tmp, sizeof tmp, "%c", (char)w[i]);
		else if (w[i] < 0x100)
			k = eb_snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned)w[i]);
		else
			k = eb_snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)w[i]);
		if (pos + (size_t)k + 1 > outlen)
			break;
		memcpy(out + pos, tmp, (size_t)k + 1);
		pos += (size_t)k;
	}
}

/* Does the word w[0..n) start with the ASCII prefix p? */
static bool starts(const CHAR16 *w, UINTN n, const char *p)
{
	UINTN i = 0;
	for (; p[i]; i++)
		if (i >= n || w[i] != (CHAR16)p[i])
			return false;
	return true;
}

static bool is(const CHAR16 *w, UINTN n, const char *p)
{
	return starts(w, n, p) && n == strlen(p);
}

/*
 * The initrd served through LoadFile2 (Linux initrd media device path),
 * in pool memory; NULL with what went wrong in out. At least min bytes.
 */
static uint8_t *load_initrd(EFI_BOOT_SERVICES *bs, UINTN min, UINTN *size_out,
			    char *out, size_t outlen)
{
	struct {
		VENDOR_DEVICE_PATH vendor;
		EFI_DEVICE_PATH end;
	} __attribute__((packed)) path;
	path.vendor.Header.Type = MEDIA_DEVICE_PATH;
	path.vendor.Header.SubType = MEDIA_VENDOR_DP;
	SetDevicePathNodeLength(&path.vendor.Header, sizeof path.vendor);
	path.vendor.Guid = (EFI_GUID)LINUX_INITRD_MEDIA_GUID;
	SetDevicePathEndNode(&path.end);
	EFI_GUID lf2_guid = LOAD_FILE2_PROTOCOL_GUID;
	EFI_DEVICE_PATH *rest = (EFI_DEVICE_PATH *)&path;
	EFI_HANDLE h;
	EFI_LOAD_FILE_PROTOCOL *lf2;
	EFI_STATUS s = bs->LocateDevicePath(&lf2_guid, &rest, &h);
	if (EFI_ERROR(s) || EFI_ERROR(bs->HandleProtocol(h, &lf2_guid, (void **)&lf2))) {
		eb_snprintf(out, outlen, "no handle (LocateDevicePath 0x%llx)",
			    (unsigned long long)s);
		return NULL;
	}
	UINTN size = 0;
	s = lf2->LoadFile(lf2, rest, FALSE, &size, NULL);
	if (s != EFI_BUFFER_TOO_SMALL || size < min) {
		eb_snprintf(out, outlen, "size query gave 0x%llx, %llu bytes",
			    (unsigned long long)s, (unsigned long long)size);
		return NULL;
	}
	uint8_t *buf;
	if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, size, (void **)&buf))) {
		eb_snprintf(out, outlen, "AllocatePool of %llu bytes failed",
			    (unsigned long long)size);
		return NULL;
	}
	UINTN got = size;
	s = lf2->LoadFile(lf2, rest, FALSE, &got, buf);
	if (EFI_ERROR(s) || got != size) {
		eb_snprintf(out, outlen, "read gave 0x%llx, %llu of %llu bytes",
			    (unsigned long long)s, (unsigned long long)got,
			    (unsigned long long)size);
		bs->FreePool(buf);
		return NULL;
	}
	*size_out = size;
	return buf;
}

/* What initrd=check prints after "EFIAPP: initrd through LoadFile2: ". */
static void check_initrd(EFI_BOOT_SERVICES *bs, char *out, size_t outlen)
{
	UINTN got;
	uint8_t *buf = load_initrd(bs, sizeof(struct eb_test_initrd), &got, out, outlen);
	if (!buf)
		return;
	struct eb_test_initrd hdr;
	memcpy(&hdr, buf, sizeof hdr);
	uint32_t crc = eb_crc32(0, buf + sizeof hdr, got - sizeof hdr);
	if (hdr.magic != EB_TEST_INITRD_MAGIC || hdr.len != got || hdr.crc != crc)
		eb_snprintf(out, outlen, "%llu bytes, header or CRC wrong (len %llu, crc 0x%08x, want 0x%08x)",
			    (unsigned long long)got, (unsigned long long)hdr.len,
			    hdr.crc, crc);
	else
		eb_snprintf(out, outlen, "%llu bytes, CRC ok", (unsigned long long)got);
	bs->FreePool(buf);
}

/*
 * Writes the initrd to the variable name of vendor GUID guid with attrs;
 * what to print after "EFIAPP: <what>: " in out: "done 0x0" or why not.
 * initrd=dbx-append, initrd=db-append (tests/boot/secureboot.sh): the
 * initrd is a signed time-based authenticated append to dbx or db
 * (efitools' sign-efi-sig-list -a),
 * and SetVariable checks the KEK signature itself. initrd=moklist and
 * initrd=moklistx: the initrd is an EFI_SIGNATURE_LIST for shim's MokList
 * or MokListX, which are not authenticated: shim takes them when they are
 * non-volatile and boot-services-only (docs/secureboot.md, "When shim
 * started us"), as what only code running before ExitBootServices wrote.
 */
static void initrd_to_var(EFI_SYSTEM_TABLE *st, CHAR16 *name, EFI_GUID guid,
			  UINT32 attrs, char *out, size_t outlen)
{
	UINTN size;
	uint8_t *buf = load_initrd(st->BootServices, 1, &size, out, outlen);
	if (!buf)
		return;
	EFI_STATUS s = st->RuntimeServices->SetVariable(name, &guid, attrs, size, buf);
	eb_snprintf(out, outlen, "%s 0x%llx", EFI_ERROR(s) ? "failed" : "done",
		    (unsigned long long)s);
	st->BootServices->FreePool(buf);
}

/* shim's own variables (MokList, MokListX, SHIM_VERBOSE): NV, BS only. */
#define SHIM_VAR_ATTRS (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS)

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *li;
	static char buf[1024];

	serial_init();
	if (EFI_ERROR(bs->HandleProtocol(image, &li_guid, (void **)&li))) {
		con_printf("EFIAPP: no loaded-image protocol\n");
		return EFI_LOAD_ERROR;
	}
	const CHAR16 *opt = li->LoadOptions;
	UINTN n = opt ? li->LoadOptionsSize / sizeof(CHAR16) : 0;
	UINTN len = 0;
	while (len < n && opt[len])
		len++;
	show(opt, len, buf, sizeof buf);
	con_printf("EFIAPP: load options '%s'\n", buf);

	void *fs;
	bool volume = li->DeviceHandle &&
		      !EFI_ERROR(bs->HandleProtocol(li->DeviceHandle, &fs_guid, &fs));
	/* FilePath: one media file-path node (then the end node) when set. */
	const EFI_DEVICE_PATH *fp = li->FilePath;
	buf[0] = '\0';
	if (fp && DevicePathType(fp) == MEDIA_DEVICE_PATH &&
	    DevicePathSubType(fp) == MEDIA_FILEPATH_DP &&
	    (UINTN)DevicePathNodeLength(fp) > SIZE_OF_FILEPATH_DEVICE_PATH)
		show(((const FILEPATH_DEVICE_PATH *)fp)->PathName,
		     (DevicePathNodeLength(fp) - SIZE_OF_FILEPATH_DEVICE_PATH) / sizeof(CHAR16),
		     buf, sizeof buf);
	con_printf("EFIAPP: LoadOptionsSize %u bytes, NUL-terminated %s, volume %s, file path '%s'\n",
		   (unsigned)li->LoadOptionsSize, len < n ? "yes" : "no",
		   volume ? "yes" : "no", buf);

	EFI_STATUS status = EFI_LOAD_ERROR;
	const CHAR16 *exit_text = NULL;
	UINTN exit_len = 0;
	for (UINTN i = 0; i < len;) {
		while (i < len && opt[i] == ' ')
			i++;
		UINTN start = i;
		while (i < len && opt[i] != ' ')
			i++;
		const CHAR16 *w = opt + start;
		UINTN wn = i - start;
		if (is(w, wn, "status=success"))
			status = EFI_SUCCESS;
		else if (is(w, wn, "status=aborted"))
			status = EFI_ABORTED;
		else if (is(w, wn, "initrd=check")) {
			check_initrd(bs, buf, sizeof buf);
			con_printf("EFIAPP: initrd through LoadFile2: %s\n", buf);
		} else if (is(w, wn, "initrd=dbx-append") || is(w, wn, "initrd=db-append")) {
			bool x = is(w, wn, "initrd=dbx-append");
			initrd_to_var(st, x ? L"dbx" : L"db", (EFI_GUID)EB_IMAGE_SECURITY_DATABASE_GUID,
				      EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
					      EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_APPEND_WRITE |
					      EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS,
				      buf, sizeof buf);
			con_printf("EFIAPP: %s append: %s\n", x ? "dbx" : "db", buf);
		} else if (is(w, wn, "initrd=moklist") || is(w, wn, "initrd=moklistx")) {
			bool x = is(w, wn, "initrd=moklistx");
			initrd_to_var(st, x ? L"MokListX" : L"MokList",
				      (EFI_GUID)EB_SHIM_LOCK_GUID, SHIM_VAR_ATTRS, buf, sizeof buf);
			con_printf("EFIAPP: %s set: %s\n", x ? "MokListX" : "MokList", buf);
		} else if (is(w, wn, "shim-verbose")) {
			/* shim logs its checks to the console when SHIM_VERBOSE is 1. */
			UINT8 one = 1;
			EFI_GUID g = EB_SHIM_LOCK_GUID;
			EFI_STATUS s = st->RuntimeServices->SetVariable(L"SHIM_VERBOSE", &g,
									SHIM_VAR_ATTRS, 1, &one);
			con_printf("EFIAPP: SHIM_VERBOSE set: %s 0x%llx\n",
				   EFI_ERROR(s) ? "failed" : "done", (unsigned long long)s);
		} else if (starts(w, wn, "exitdata=")) {
			exit_text = w + 9;
			exit_len = wn - 9;
		}
	}
	if (!exit_text)
		return status;

	UINTN size = (exit_len + 1) * sizeof(CHAR16) + sizeof exit_tail;
	UINT8 *data;
	if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, size, (void **)&data))) {
		con_printf("EFIAPP: AllocatePool for the exit data failed\n");
		return EFI_OUT_OF_RESOURCES;
	}
	memcpy(data, exit_text, exit_len * sizeof(CHAR16));
	memset(data + exit_len * sizeof(CHAR16), 0, sizeof(CHAR16));
	memcpy(data + (exit_len + 1) * sizeof(CHAR16), exit_tail, sizeof exit_tail);
	bs->Exit(image, status, size, (CHAR16 *)data);
	con_printf("EFIAPP: Exit returned\n");
	return EFI_ABORTED;
}
