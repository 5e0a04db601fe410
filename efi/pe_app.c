/*
 * A kernel= file that is a PE/EFI application (eb_kernel_kind says
 * EB_KERNEL_PE: an EFI binary that is not a Linux bzImage) is not ours to
 * load: the firmware loads it from the buffer we read (LoadImage), we hand
 * it the kernel command line as its load options, and start it
 * (StartImage). This runs from read_files, before any ELF parsing and long
 * before ExitBootServices: the child gets boot services exactly as we got
 * them. An application that comes back (it returned, or called Exit) ends
 * the run: one error line with its status and exit data.
 */
#include "fmt.h"
#include "libc.h"
#include "loader.h"

#include "page.h"

/*
 * The child's LoadOptions: the kernel command line (at most
 * EB_CMDLINE_MAX - 1 bytes, common/cmdline.c refuses longer) in UCS-2 with
 * its NUL. LoadOptionsSize is a UINT32 count of bytes: 2 KiB at most here,
 * checked once, at compile time. Static: it must outlive StartImage.
 */
static CHAR16 load_options[EB_CMDLINE_MAX];
_Static_assert(sizeof load_options <= 0xffffffffu,
	       "the load options must fit LoadOptionsSize (UINT32)");

/*
 * Append code unit c to out[*pos] as printable ASCII: itself when printable
 * (a backslash doubled), else \xNN or \uNNNN. Stops, with "...", once
 * the next escape would not fit; false then.
 */
static bool put_escaped(char *out, size_t outlen, size_t *pos, unsigned c)
{
	char tmp[8];
	int n;
	if (c == '\\')
		n = eb_snprintf(tmp, sizeof tmp, "\\\\");
	else if (c >= 0x20 && c < 0x7f)
		n = eb_snprintf(tmp, sizeof tmp, "%c", (char)c);
	else if (c < 0x100)
		n = eb_snprintf(tmp, sizeof tmp, "\\x%02x", c);
	else
		n = eb_snprintf(tmp, sizeof tmp, "\\u%04x", c & 0xffff);
	/* Room for this escape, a later "..." and the NUL. */
	if (*pos + (size_t)n + 4 > outlen) {
		if (*pos + 4 <= outlen)
			memcpy(out + *pos, "...", 4);
		else
			out[*pos] = '\0';
		return false;
	}
	memcpy(out + *pos, tmp, (size_t)n + 1);
	*pos += (size_t)n;
	return true;
}

/*
 * The application's exit data is untrusted: a NUL-terminated UCS-2 string
 * that may be followed by binary data, ExitDataSize bytes in all. Show the
 * string only, bounded by the size, escaped.
 */
static void exit_text(const CHAR16 *w, UINTN size, char *out, size_t outlen)
{
	size_t pos = 0;
	out[0] = '\0';
	for (UINTN i = 0; i < size / sizeof(CHAR16) && w[i]; i++)
		if (!put_escaped(out, outlen, &pos, w[i]))
			break;
}

/*
 * Our volume's device path, then a file node for wpath, then the end node,
 * in pool memory; NULL when the volume has no usable device path (LoadImage
 * then gets none: the child's FilePath stays empty, nothing else changes).
 * With it the firmware knows where the image came from: it fills the
 * child's FilePath (\efiapp.efi, not NULL: programs print it, some open
 * their own file through it) and a Secure Boot policy can tell the origin.
 */
EFI_DEVICE_PATH *efi_file_device_path(EFI_BOOT_SERVICES *bs, EFI_HANDLE volume,
				      const CHAR16 *wpath)
{
	EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_DEVICE_PATH *dev;
	if (EFI_ERROR(bs->HandleProtocol(volume, &dp_guid, (void **)&dev)) || !dev)
		return NULL;
	/* The firmware's own path, but walk it with bounds all the same. */
	UINTN dev_len = 0;
	const EFI_DEVICE_PATH *n = dev;
	for (unsigned nodes = 0; !IsDevicePathEndType(n); nodes++) {
		UINTN l = DevicePathNodeLength(n);
		if (l < sizeof *n || nodes >= 64)
			return NULL;
		dev_len += l;
		n = NextDevicePathNode(n);
	}
	UINTN name_bytes = sizeof(CHAR16);
	for (const CHAR16 *c = wpath; *c; c++)
		name_bytes += sizeof(CHAR16);
	UINTN file_len = SIZE_OF_FILEPATH_DEVICE_PATH + name_bytes;
	UINT8 *buf;
	if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, dev_len + file_len + END_DEVICE_PATH_LENGTH,
				       (void **)&buf)))
		return NULL;
	memcpy(buf, dev, dev_len);
	/*
	 * Nodes are byte-aligned: fill the header through EFI_DEVICE_PATH
	 * (bytes only) and copy the name, never through a CHAR16 pointer.
	 */
	EFI_DEVICE_PATH *f = (EFI_DEVICE_PATH *)(buf + dev_len);
	f->Type = MEDIA_DEVICE_PATH;
	f->SubType = MEDIA_FILEPATH_DP;
	SetDevicePathNodeLength(f, file_len);
	memcpy(buf + dev_len + SIZE_OF_FILEPATH_DEVICE_PATH, wpath, name_bytes);
	EFI_DEVICE_PATH *end = (EFI_DEVICE_PATH *)(buf + dev_len + file_len);
	SetDevicePathEndNode(end);
	return (EFI_DEVICE_PATH *)buf;
}

void efi_start_pe_app(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li,
		      const struct efi_boot *b)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	const char *name = b->opt.kernel;
	/* The initrd, the way a PE kernel asks the firmware for it. */
	if (b->initrd_len)
		efi_serve_initrd(st, b->opt.initrd, b->initrd_pa, b->initrd_len);

	/*
	 * The command line bytes become UCS-2 code units one for one; only
	 * ASCII converts without guessing an encoding, so anything else is
	 * refused rather than passed on garbled.
	 */
	const char *cl = b->opt.kernel_cmdline;
	size_t len = strlen(cl); /* NUL-terminated by eb_parse_cmdline */
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)cl[i] >= 0x80)
			eb_fail("kernel %s: the kernel command line has the non-ASCII byte 0x%02x at offset %zu; a PE/EFI application's load options are UCS-2 and only ASCII is converted",
				name, (unsigned char)cl[i], i);
		load_options[i] = (CHAR16)cl[i];
	}
	load_options[len] = 0;
	UINT32 options_size = (UINT32)((len + 1) * sizeof(CHAR16));

	CHAR16 wpath[EB_PATH_MAX + 2];
	efi_file_path(name, wpath, sizeof wpath / sizeof wpath[0]);
	EFI_DEVICE_PATH *dp = efi_file_device_path(bs, li->DeviceHandle, wpath);
	EFI_HANDLE child = NULL;
	EFI_STATUS s = bs->LoadImage(FALSE, b->image_handle, dp, (void *)b->kfile_pa,
				     b->kfile_len, &child);
	if (dp)
		bs->FreePool(dp); /* LoadImage keeps its own copy */
	if (EFI_ERROR(s)) {
		/* Secure Boot refusal can still create a handle: drop it. */
		if (s == EFI_SECURITY_VIOLATION && child)
			bs->UnloadImage(child);
		/* The firmware's Secure Boot check said no: say so, and why. */
		if (efi_sb_enforcing() &&
		    (s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED))
			efi_sb_pe_refused("kernel", name, (const void *)b->kfile_pa,
					  b->kfile_len, s);
		eb_fail("kernel %s: LoadImage refused the PE/EFI application: %s (0x%llx)",
			name, efi_status_name(s), (unsigned long long)s);
	}
	/* The firmware has its own copy of the image now. */
	bs->FreePages(b->kfile_pa, b->kfile_len ? (b->kfile_len + PAGE - 1) / PAGE : 1);

	EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *cli;
	s = bs->HandleProtocol(child, &li_guid, (void **)&cli);
	if (EFI_ERROR(s))
		eb_fail("kernel %s: no loaded-image protocol on the PE/EFI application: %s",
			name, efi_status_name(s));
	cli->LoadOptions = load_options;
	cli->LoadOptionsSize = options_size;
	/*
	 * A buffer has no device: the firmware sets the child's DeviceHandle
	 * only from a device path it can resolve, and we may have had none
	 * (OVMF, measured: with our file path the child gets our volume; with
	 * a NULL path its DeviceHandle is NULL). The application opens its
	 * own files (a Linux EFI stub its initrd=, a boot manager its
	 * configuration) through the file system on LoadedImage->DeviceHandle,
	 * the volume it is taken to come from: it did come from ours, so give
	 * it ours either way.
	 */
	cli->DeviceHandle = li->DeviceHandle;

	char shown[320];
	size_t pos = 0;
	shown[0] = '\0';
	for (size_t i = 0; i < len; i++)
		if (!put_escaped(shown, sizeof shown, &pos, (unsigned char)cl[i]))
			break;
	eb_info("starting PE/EFI application %s (%llu bytes) with load options '%s'",
		name, (unsigned long long)b->kfile_len, shown);

	/*
	 * The firmware's state is untouched: its GDT and IDT are live (ours
	 * are loaded only after ExitBootServices, in efi_after_exit) and
	 * interrupts are as it left them, so its timer keeps ticking for the
	 * child as for any application it starts.
	 */
	UINTN exit_size = 0;
	CHAR16 *exit_data = NULL;
	s = bs->StartImage(child, &exit_size, &exit_data);

	char text[200];
	text[0] = '\0';
	if (exit_data && exit_size >= sizeof(CHAR16))
		exit_text(exit_data, exit_size, text, sizeof text);
	if (exit_data)
		bs->FreePool(exit_data); /* the caller's, per StartImage */
	eb_fail("kernel %s (PE/EFI application) returned %s (0x%llx)%s%s%s", name,
		efi_status_name(s), (unsigned long long)s,
		text[0] ? " with exit data '" : "", text, text[0] ? "'" : "");
}
