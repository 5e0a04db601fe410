/*
 * The firmware's framebuffer (the Graphics Output Protocol's current mode)
 * as Linux's screen_info (linux-libc-dev's <linux/screen_info.h>), so that
 * a Linux started through the Linux boot protocol keeps the display the
 * firmware set up. Portable: the host tests build it.
 */
#ifndef EARLYBOOT_EFI_GOP_H
#define EARLYBOOT_EFI_GOP_H

#include <efi.h>
#include <linux/screen_info.h>
#include <stddef.h>

/*
 * Fill *si from the mode (fb_base/fb_size: the mode's FrameBufferBase and
 * FrameBufferSize). 0, or -1 with why there is no linear framebuffer to
 * hand over (a blit-only mode, masks that are not one run of bits,
 * dimensions screen_info cannot hold).
 */
int efi_screen_info(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi,
		    uint64_t fb_base, uint64_t fb_size, struct screen_info *si,
		    char *why, size_t whylen);

#endif
