/*
 * The size of one crypto-agile event (efi/tcg2_log.h). Every read is
 * checked against avail: the log lies in firmware memory, and a wrong size
 * would hand Linux a log it misparses.
 */
#include "tcg2_log.h"

#include "byteorder.h"

unsigned eb_tcg2_digest_size(uint16_t alg)
{
	switch (alg) {
	case 0x0004: return 20; /* TPM_ALG_SHA1 */
	case 0x000b: return 32; /* TPM_ALG_SHA256 */
	case 0x000c: return 48; /* TPM_ALG_SHA384 */
	case 0x000d: return 64; /* TPM_ALG_SHA512 */
	case 0x0012: return 32; /* TPM_ALG_SM3_256 */
	default: return 0;
	}
}

size_t eb_tcg2_event_size(const uint8_t *ev, size_t avail)
{
	/* PCRIndex, EventType, TPML_DIGEST_VALUES.count */
	if (avail < 12)
		return 0;
	uint32_t count = eb_le32(ev + 8);
	size_t off = 12;
	if (count > 16) /* no TPM has more banks than algorithms above */
		return 0;
	for (uint32_t i = 0; i < count; i++) {
		if (avail - off < 2)
			return 0;
		unsigned n = eb_tcg2_digest_size(eb_le16(ev + off));
		if (!n || avail - off - 2 < n)
			return 0;
		off += 2 + n;
	}
	if (avail - off < 4)
		return 0;
	uint32_t data = eb_le32(ev + off);
	off += 4;
	if (avail - off < data)
		return 0;
	return off + data;
}
