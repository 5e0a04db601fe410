/*
 * The two GUIDs of the initrd a PE kernel reads through LoadFile2: the
 * server is efi/initrd_media.c, and tests/efiapp/efiapp.c reads it back as
 * Linux's EFI stub does.
 */
#ifndef EARLYBOOT_EFI_INITRD_MEDIA_H
#define EARLYBOOT_EFI_INITRD_MEDIA_H

/*
 * GNU-EFI defines neither: the LoadFile2 protocol's is the UEFI
 * specification's ("Load File 2 Protocol"), the media path's is Linux's
 * initrd vendor media GUID (its EFI stub's documentation names it).
 */
#define LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }
#define LINUX_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }

#endif
