/*
 * The firmware's display as Linux's screen_info (efi/gop.c), host-built:
 * the three pixel formats with a linear framebuffer, and each mode that
 * cannot be handed over refused with its reason.
 */
#include <string.h>

#include "gop.h"
#include "harness.h"

static struct screen_info si;
static char why[200];

static EFI_GRAPHICS_OUTPUT_MODE_INFORMATION mode(EFI_GRAPHICS_PIXEL_FORMAT f)
{
	return (EFI_GRAPHICS_OUTPUT_MODE_INFORMATION){
		.HorizontalResolution = 1280, .VerticalResolution = 800,
		.PixelFormat = f, .PixelsPerScanLine = 1280,
	};
}

TEST(bgr_is_efifb_truecolor)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION mi = mode(PixelBlueGreenRedReserved8BitPerColor);
	REQUIRE_EQ(efi_screen_info(&mi, 0xc0000000, 0x3e8000, &si, why, sizeof why), 0);
	CHECK_EQ(si.orig_video_isVGA, VIDEO_TYPE_EFI);
	CHECK_EQ(si.lfb_width, 1280);
	CHECK_EQ(si.lfb_height, 800);
	CHECK_EQ(si.lfb_depth, 32);
	CHECK_EQ(si.lfb_linelength, 5120);
	CHECK_EQ(si.lfb_base, 0xc0000000u);
	CHECK_EQ(si.ext_lfb_base, 0);
	CHECK_EQ(si.capabilities, 0);
	CHECK_EQ(si.lfb_size, 0x3e8000u);
	CHECK_EQ(si.blue_pos, 0);
	CHECK_EQ(si.green_pos, 8);
	CHECK_EQ(si.red_pos, 16);
	CHECK_EQ(si.rsvd_pos, 24);
	CHECK_EQ(si.red_size + si.green_size + si.blue_size + si.rsvd_size, 32);
}

TEST(rgb_and_a_high_framebuffer)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION mi = mode(PixelRedGreenBlueReserved8BitPerColor);
	mi.PixelsPerScanLine = 1344; /* padded lines */
	REQUIRE_EQ(efi_screen_info(&mi, 0x800000000ULL, 0x400000, &si, why, sizeof why), 0);
	CHECK_EQ(si.red_pos, 0);
	CHECK_EQ(si.blue_pos, 16);
	CHECK_EQ(si.lfb_linelength, 1344 * 4);
	CHECK_EQ(si.lfb_base, 0);
	CHECK_EQ(si.ext_lfb_base, 8);
	CHECK_EQ(si.capabilities, VIDEO_CAPABILITY_64BIT_BASE);
}

TEST(bitmask_565)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION mi = mode(PixelBitMask);
	mi.PixelInformation = (EFI_PIXEL_BITMASK){ 0xf800, 0x07e0, 0x001f, 0 };
	REQUIRE_EQ(efi_screen_info(&mi, 0xc0000000, 0x200000, &si, why, sizeof why), 0);
	CHECK_EQ(si.lfb_depth, 16);
	CHECK_EQ(si.lfb_linelength, 2560);
	CHECK_EQ(si.red_pos, 11);
	CHECK_EQ(si.red_size, 5);
	CHECK_EQ(si.green_pos, 5);
	CHECK_EQ(si.green_size, 6);
	CHECK_EQ(si.blue_pos, 0);
	CHECK_EQ(si.blue_size, 5);
	CHECK_EQ(si.rsvd_size, 0);
}

TEST(modes_without_a_usable_framebuffer)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION mi = mode(PixelBltOnly);
	CHECK_EQ(efi_screen_info(&mi, 0xc0000000, 0x3e8000, &si, why, sizeof why), -1);
	CHECK_STR(why, "GOP mode is blit-only: no linear framebuffer");
	CHECK_EQ(si.orig_video_isVGA, 0); /* nothing half-filled */
	mi = mode(PixelBitMask);
	mi.PixelInformation = (EFI_PIXEL_BITMASK){ 0xf0f0, 0x0f00, 0x000f, 0 };
	CHECK_EQ(efi_screen_info(&mi, 0xc0000000, 0x3e8000, &si, why, sizeof why), -1);
	CHECK_STR(why, "GOP pixel masks red 0xf0f0 green 0xf00 blue 0xf reserved 0x0 are not runs of bits");
	mi = mode(PixelFormatMax);
	CHECK_EQ(efi_screen_info(&mi, 0xc0000000, 0x3e8000, &si, why, sizeof why), -1);
	CHECK_STR(why, "GOP pixel format 4 is unknown");
	mi = mode(PixelRedGreenBlueReserved8BitPerColor);
	mi.HorizontalResolution = 70000;
	mi.PixelsPerScanLine = 70000;
	CHECK_EQ(efi_screen_info(&mi, 0xc0000000, 0x3e8000, &si, why, sizeof why), -1);
	CHECK_STR(why, "GOP mode 70000x800, 70000 pixels a line, framebuffer 0xc0000000+0x3e8000 does not fit screen_info");
	mi = mode(PixelRedGreenBlueReserved8BitPerColor);
	CHECK_EQ(efi_screen_info(&mi, 0, 0x3e8000, &si, why, sizeof why), -1);
	mi.PixelsPerScanLine = 100; /* shorter than a row */
	CHECK_EQ(efi_screen_info(&mi, 0xc0000000, 0x3e8000, &si, why, sizeof why), -1);
}

int main(void)
{
	RUN(bgr_is_efifb_truecolor);
	RUN(rgb_and_a_high_framebuffer);
	RUN(bitmask_565);
	RUN(modes_without_a_usable_framebuffer);
	return th_done();
}
