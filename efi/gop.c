/* GOP mode -> screen_info (gop.h). */
#include "gop.h"

#include "fmt.h"
#include "libc.h"

#include <stdbool.h>

/* A colour mask as (position, size); false unless it is one run of bits. */
static bool mask_bits(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	*pos = *size = 0;
	if (!mask)
		return true; /* a reserved channel may be absent */
	unsigned p = 0;
	while (!(mask & 1u)) {
		mask >>= 1;
		p++;
	}
	unsigned n = 0;
	while (mask & 1u) {
		mask >>= 1;
		n++;
	}
	*pos = (uint8_t)p;
	*size = (uint8_t)n;
	return mask == 0;
}

int efi_screen_info(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi,
		    uint64_t fb_base, uint64_t fb_size, struct screen_info *si,
		    char *why, size_t whylen)
{
	memset(si, 0, sizeof *si);
	uint8_t rp, rs, gp, gs, bp, bs, xp, xs;
	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		rp = 0, gp = 8, bp = 16, xp = 24;
		rs = gs = bs = xs = 8;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		bp = 0, gp = 8, rp = 16, xp = 24;
		rs = gs = bs = xs = 8;
		break;
	case PixelBitMask: {
		const EFI_PIXEL_BITMASK *m = &mi->PixelInformation;
		if (!m->RedMask || !m->GreenMask || !m->BlueMask ||
		    !mask_bits(m->RedMask, &rp, &rs) || !mask_bits(m->GreenMask, &gp, &gs) ||
		    !mask_bits(m->BlueMask, &bp, &bs) || !mask_bits(m->ReservedMask, &xp, &xs)) {
			eb_snprintf(why, whylen,
				    "GOP pixel masks red 0x%x green 0x%x blue 0x%x reserved 0x%x are not runs of bits",
				    m->RedMask, m->GreenMask, m->BlueMask, m->ReservedMask);
			return -1;
		}
		break;
	}
	case PixelBltOnly:
		eb_snprintf(why, whylen, "GOP mode is blit-only: no linear framebuffer");
		return -1;
	default:
		eb_snprintf(why, whylen, "GOP pixel format %u is unknown", (unsigned)mi->PixelFormat);
		return -1;
	}
	unsigned depth = (unsigned)rs + gs + bs + xs;
	uint64_t line = (uint64_t)mi->PixelsPerScanLine * depth / 8;
	if (!fb_base || !fb_size || !mi->HorizontalResolution || !mi->VerticalResolution ||
	    mi->HorizontalResolution > 0xffff || mi->VerticalResolution > 0xffff ||
	    mi->PixelsPerScanLine < mi->HorizontalResolution || line > 0xffff ||
	    fb_size > 0xffffffffu) {
		eb_snprintf(why, whylen,
			    "GOP mode %ux%u, %u pixels a line, framebuffer 0x%llx+0x%llx does not fit screen_info",
			    mi->HorizontalResolution, mi->VerticalResolution,
			    mi->PixelsPerScanLine, (unsigned long long)fb_base,
			    (unsigned long long)fb_size);
		return -1;
	}
	si->orig_video_isVGA = VIDEO_TYPE_EFI;
	si->lfb_width = (uint16_t)mi->HorizontalResolution;
	si->lfb_height = (uint16_t)mi->VerticalResolution;
	si->lfb_depth = (uint16_t)depth;
	si->lfb_linelength = (uint16_t)line;
	si->lfb_base = (uint32_t)fb_base;
	si->ext_lfb_base = (uint32_t)(fb_base >> 32);
	if (fb_base >> 32)
		si->capabilities |= VIDEO_CAPABILITY_64BIT_BASE;
	si->lfb_size = (uint32_t)fb_size;
	si->red_pos = rp, si->red_size = rs;
	si->green_pos = gp, si->green_size = gs;
	si->blue_pos = bp, si->blue_size = bs;
	si->rsvd_pos = xp, si->rsvd_size = xs;
	return 0;
}
