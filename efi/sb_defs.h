/*
 * The Secure Boot definitions GNU-EFI's headers lack (checked against the
 * installed /usr/include/efi: none of these is there). Only what
 * efi/secureboot.c uses (to read db, dbx and shim's MokListX and look
 * entries up in them) and the test application (tests/efiapp/efiapp.c,
 * which writes dbx, MokList and MokListX), each after the UEFI
 * specification section that defines it; everything else comes from
 * <efi.h>.
 */
#ifndef EARLYBOOT_EFI_SB_DEFS_H
#define EARLYBOOT_EFI_SB_DEFS_H

#include <efi.h>

/* UEFI spec, "Image Execution Information Table", "Signature Database":
 * the vendor GUID of the db and dbx variables. */
#define EB_IMAGE_SECURITY_DATABASE_GUID \
	{ 0xd719b2cb, 0x3d3a, 0x4596, { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } }

/* "Signature Database": signature types (EFI_CERT_SHA256_GUID, EFI_CERT_X509_GUID).
 * Checked byte for byte against what efitools' cert-to-efi-sig-list and
 * hash-to-efi-sig-list write (tests/boot/secureboot.sh makes shim's MOK
 * lists with them): a wrong type GUID makes every reader skip the list
 * as a type it does not know, silently (docs/secureboot.md). */
#define EB_CERT_SHA256_GUID \
	{ 0xc1c41626, 0x504c, 0x4092, { 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28 } }
#define EB_CERT_X509_GUID \
	{ 0xa5c059a1, 0x94e4, 0x4aa7, { 0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 } }

/*
 * "Signature Database", EFI_SIGNATURE_LIST: a header, SignatureHeaderSize
 * bytes of type-specific header, then signatures of SignatureSize bytes
 * each (an EFI_SIGNATURE_DATA: the owner GUID, then the data), the whole
 * list SignatureListSize bytes. Packed in the spec; these fields are
 * naturally aligned, so the layout is the same.
 */
struct eb_efi_signature_list {
	EFI_GUID SignatureType;
	UINT32 SignatureListSize;
	UINT32 SignatureHeaderSize;
	UINT32 SignatureSize;
};
_Static_assert(sizeof(struct eb_efi_signature_list) == 28, "EFI_SIGNATURE_LIST is 28 bytes");

/*
 * Not UEFI: shim's SHIM_LOCK protocol (GUID 605dab50-e046-4300-abb6-
 * 3dd810dd8b23), which GNU-EFI does not define either. Only Verify is
 * used: it checks a PE image's Authenticode signature against db, dbx
 * and shim's own MOK lists. Its functions use the System V calling
 * convention on x86-64, not the firmware's. The GUID is also the vendor
 * GUID of shim's variables (MokList, MokListX, SHIM_VERBOSE).
 */
#define EB_SHIM_LOCK_GUID \
	{ 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } }

struct eb_shim_lock {
	EFI_STATUS __attribute__((sysv_abi)) (*Verify)(VOID *buffer, UINT32 size);
	VOID *Hash;    /* not used */
	VOID *Context; /* not used */
};

#endif
