/*
 * EFI_STATUS in words ("buffer too small"), for the one error line a failed
 * firmware call ends the run with. Split from files.c so the portable code
 * that calls the firmware through a table it is given (map_read.c) names
 * statuses the same way on the host.
 */
#ifndef EARLYBOOT_EFI_STATUS_H
#define EARLYBOOT_EFI_STATUS_H

#include <efi.h>

const char *efi_status_name(EFI_STATUS s);

#endif
