/*
 * The one way earlyboot asks the firmware for its memory map. Every caller
 * (the snapshots before exit, the claim of a kernel's frames, the
 * ExitBootServices loop) reads into one buffer whose size comes from the
 * firmware's own answer: GetMemoryMap says how many bytes the map needs
 * when they do not fit, and the buffer grows to that, plus room for the
 * descriptors that allocating it may add. A map is never cut short.
 *
 * Portable: it reaches the firmware only through the boot-services table
 * it is given, so the host tests hand it a fake one
 * (tests/unit/test_efi_map_read.c).
 */
#ifndef EARLYBOOT_EFI_MAP_READ_H
#define EARLYBOOT_EFI_MAP_READ_H

#include <efi.h>
#include <stddef.h>

/*
 * Zero-initialize it once; efi_map_read allocates and grows it. The buffer
 * is EfiLoaderData pool memory, so the final map stays where it is after
 * ExitBootServices.
 */
struct efi_map_buf {
	void *buf;
	UINTN cap;           /* bytes allocated */
	UINTN size;          /* bytes of descriptors in the last map read */
	UINTN key;           /* its key, for ExitBootServices */
	UINTN desc_size;     /* the firmware's stride (fwmap.h walks by it) */
	UINT32 desc_version;
	unsigned allocations; /* how often the buffer was (re)allocated */
};

/*
 * How often one read may find the map grown past a fresh buffer before it
 * gives up: each allocation can add a descriptor or two, never a run of
 * them, so a map that keeps outgrowing its buffer is a broken firmware.
 */
#define EFI_MAP_READ_ROUNDS 8
/* Room added to the firmware's answer, in descriptors. */
#define EFI_MAP_SLACK_DESCS 16

/*
 * The firmware's map as it is now into mb (growing its buffer as needed):
 * 0, or -1 with one line in err naming the call that failed and, when the
 * map would not fit, the bytes it needed and the bytes there were.
 */
int efi_map_read(EFI_BOOT_SERVICES *bs, struct efi_map_buf *mb, char *err,
		 size_t errlen);

#endif
