/*
 * The template of a signature manifest (efi/sig_manifest.h): a PE/EFI
 * image whose only content is one struct eb_sig_manifest, filled in and
 * signed by tools/eb-sign for each file. It is loaded to have its
 * signature checked, never meant to run: started anyway, it refuses.
 */
#include <efi.h>

#include "sig_manifest.h"

/* In .data, found by its magic (tools/eb-sign patches it in the file). */
__attribute__((used, aligned(64))) struct eb_sig_manifest eb_manifest = {
	.magic = EB_SIG_MANIFEST_MAGIC,
	.version = EB_SIG_MANIFEST_VERSION,
};

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	(void)image;
	(void)st;
	return EFI_UNSUPPORTED;
}
