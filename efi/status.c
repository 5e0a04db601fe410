/* EFI_STATUS in words, for error lines (status.h). Portable: host-built too. */
#include "status.h"

const char *efi_status_name(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS: return "success";
	case EFI_NOT_FOUND: return "not found";
	case EFI_OUT_OF_RESOURCES: return "out of resources";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_BUFFER_TOO_SMALL: return "buffer too small";
	case EFI_VOLUME_CORRUPTED: return "volume corrupted";
	case EFI_NO_MEDIA: return "no media";
	case EFI_LOAD_ERROR: return "load error";
	case EFI_BAD_BUFFER_SIZE: return "bad buffer size";
	case EFI_NOT_READY: return "not ready";
	case EFI_WRITE_PROTECTED: return "write protected";
	case EFI_VOLUME_FULL: return "volume full";
	case EFI_MEDIA_CHANGED: return "media changed";
	case EFI_TIMEOUT: return "timeout";
	case EFI_NOT_STARTED: return "not started";
	case EFI_ALREADY_STARTED: return "already started";
	case EFI_ABORTED: return "aborted";
	case EFI_PROTOCOL_ERROR: return "protocol error";
	case EFI_INCOMPATIBLE_VERSION: return "incompatible version";
	case EFI_SECURITY_VIOLATION: return "security violation";
	case EFI_CRC_ERROR: return "CRC error";
	case EFI_END_OF_FILE: return "end of file";
	case EFI_COMPROMISED_DATA: return "compromised data";
	}
	/* A status with the top bit clear and not 0 is a warning. */
	return EFI_ERROR(s) ? "error" : "warning";
}
