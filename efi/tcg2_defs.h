/*
 * EFI_TCG2_PROTOCOL, which GNU-EFI's headers lack (checked against the
 * installed /usr/include/efi: no TCG definition is there). Only what
 * efi/measure.c uses, after the TCG EFI Protocol Specification (Family
 * "2.0", its EFI_TCG2_PROTOCOL), and the event types of the TCG
 * PC Client Platform Firmware Profile Specification; everything else comes
 * from <efi.h>.
 */
#ifndef EARLYBOOT_EFI_TCG2_DEFS_H
#define EARLYBOOT_EFI_TCG2_DEFS_H

#include <efi.h>

#define EB_TCG2_PROTOCOL_GUID \
	{ 0x607f766c, 0x7455, 0x42be, { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }

/*
 * EFI_TCG2_FINAL_EVENTS_TABLE, a configuration table: { UINT64 Version;
 * UINT64 NumberOfEvents; then the events } logged after the first
 * GetEventLog call.
 */
#define EB_TCG2_FINAL_EVENTS_TABLE_GUID \
	{ 0x1e2ed096, 0x30e2, 0x4254, { 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 } }

/* EFI_TCG2_EVENT_ALGORITHM_BITMAP bits. */
#define EB_TCG2_HASH_SHA1 0x1u
#define EB_TCG2_HASH_SHA256 0x2u
#define EB_TCG2_HASH_SHA384 0x4u
#define EB_TCG2_HASH_SHA512 0x8u
#define EB_TCG2_HASH_SM3_256 0x10u

/* EFI_TCG2_EVENT_LOG_FORMAT: the crypto-agile log (what Linux reads). */
#define EB_TCG2_EVENT_LOG_FORMAT_TCG_2 0x2u

/* PC Client Platform Firmware Profile: "EV_IPL", a boot loader's event. */
#define EB_EV_IPL 0x0000000du

/* EFI_TCG2_VERSION */
struct eb_tcg2_version {
	UINT8 Major, Minor;
};

/*
 * EFI_TCG2_BOOT_SERVICE_CAPABILITY, natural alignment as in the spec
 * (the caller sets Size; a firmware of an older revision fills less).
 */
struct eb_tcg2_capability {
	UINT8 Size;
	struct eb_tcg2_version StructureVersion;
	struct eb_tcg2_version ProtocolVersion;
	UINT32 HashAlgorithmBitmap;
	UINT32 SupportedEventLogs;
	BOOLEAN TPMPresentFlag;
	UINT16 MaxCommandSize;
	UINT16 MaxResponseSize;
	UINT32 ManufacturerID;
	UINT32 NumberOfPCRBanks;
	UINT32 ActivePcrBanks;
};
_Static_assert(sizeof(struct eb_tcg2_capability) == 36, "EFI_TCG2_BOOT_SERVICE_CAPABILITY");

/* EFI_TCG2_EVENT_HEADER and EFI_TCG2_EVENT: packed in the spec. */
struct __attribute__((packed)) eb_tcg2_event_header {
	UINT32 HeaderSize; /* sizeof this header: 14 */
	UINT16 HeaderVersion; /* 1 */
	UINT32 PCRIndex;
	UINT32 EventType;
};

struct __attribute__((packed)) eb_tcg2_event {
	UINT32 Size; /* the whole structure, Event[] included */
	struct eb_tcg2_event_header Header;
	UINT8 Event[]; /* logged as the event's data; not what is hashed */
};
_Static_assert(sizeof(struct eb_tcg2_event_header) == 14, "EFI_TCG2_EVENT_HEADER");
_Static_assert(sizeof(struct eb_tcg2_event) == 18, "EFI_TCG2_EVENT");

struct eb_tcg2_protocol;
typedef EFI_STATUS(EFIAPI *eb_tcg2_get_capability)(struct eb_tcg2_protocol *self,
						     struct eb_tcg2_capability *cap);
typedef EFI_STATUS(EFIAPI *eb_tcg2_get_event_log)(struct eb_tcg2_protocol *self,
						    UINT32 format,
						    EFI_PHYSICAL_ADDRESS *location,
						    EFI_PHYSICAL_ADDRESS *last_entry,
						    BOOLEAN *truncated);
/* Hashes DataToHash into every active bank, extends the PCR, logs the event. */
typedef EFI_STATUS(EFIAPI *eb_tcg2_hash_log_extend_event)(struct eb_tcg2_protocol *self,
							    UINT64 flags,
							    EFI_PHYSICAL_ADDRESS data,
							    UINT64 data_len,
							    struct eb_tcg2_event *event);

/* EFI_TCG2_PROTOCOL: the functions after these three are not used. */
struct eb_tcg2_protocol {
	eb_tcg2_get_capability GetCapability;
	eb_tcg2_get_event_log GetEventLog;
	eb_tcg2_hash_log_extend_event HashLogExtendEvent;
	VOID *SubmitCommand, *GetActivePcrBanks, *SetActivePcrBanks,
		*GetResultOfSetActivePcrBanks;
};

#endif
