/* The Authenticode SHA-256 of a PE image (pe_hash.h). */
#include "pe_hash.h"

#include "byteorder.h"

#define PE_MAX_SECTIONS 96 /* the PE/COFF limit */

int eb_pe_authenticode(const uint8_t *f, uint64_t len, struct eb_pe_hash *out)
{
	if (len < 0x40 || f[0] != 'M' || f[1] != 'Z')
		return -1;
	uint64_t pe = eb_le32(f + 0x3c);
	if (pe + 24 > len || f[pe] != 'P' || f[pe + 1] != 'E' || f[pe + 2] || f[pe + 3])
		return -1;
	uint32_t nsec = eb_le16(f + pe + 6), opt_size = eb_le16(f + pe + 20);
	uint64_t opt = pe + 24;
	if (opt + opt_size > len || opt_size < 2)
		return -1;
	/* PE32+ puts the data directories at 112, PE32 at 96; 5 needed. */
	uint32_t magic = eb_le16(f + opt);
	uint64_t dirs = magic == 0x20b ? 112 : magic == 0x10b ? 96 : 0;
	if (!dirs || dirs + 5 * 8 > opt_size || eb_le32(f + opt + dirs - 4) < 5)
		return -1;
	uint64_t checksum = opt + 64, cert_dir = opt + dirs + 4 * 8;
	uint64_t hdr_size = eb_le32(f + opt + 60); /* SizeOfHeaders */
	uint64_t sec_table = opt + opt_size;
	if (nsec > PE_MAX_SECTIONS || sec_table + (uint64_t)nsec * 40 > len ||
	    hdr_size > len || hdr_size < cert_dir + 8)
		return -1;
	out->cert_off = eb_le32(f + cert_dir);
	out->cert_len = eb_le32(f + cert_dir + 4);
	if (out->cert_len && (out->cert_off > len || out->cert_len > len - out->cert_off))
		return -1;

	struct eb_sha256 c;
	eb_sha256_init(&c);
	eb_sha256_update(&c, f, checksum);
	eb_sha256_update(&c, f + checksum + 4, cert_dir - (checksum + 4));
	eb_sha256_update(&c, f + cert_dir + 8, hdr_size - (cert_dir + 8));

	/* The sections with bytes in the file, in file order. */
	uint32_t order[PE_MAX_SECTIONS];
	unsigned n = 0;
	for (uint32_t i = 0; i < nsec; i++) {
		const uint8_t *s = f + sec_table + 40 * i;
		if (!eb_le32(s + 16)) /* SizeOfRawData */
			continue;
		unsigned j = n++;
		while (j && eb_le32(f + sec_table + 40 * order[j - 1] + 20) > eb_le32(s + 20)) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	uint64_t hashed = hdr_size;
	for (unsigned k = 0; k < n; k++) {
		const uint8_t *s = f + sec_table + 40 * order[k];
		uint64_t raw = eb_le32(s + 20), size = eb_le32(s + 16);
		if (raw > len || size > len - raw)
			return -1;
		eb_sha256_update(&c, f + raw, size);
		hashed += size;
	}
	/* Whatever follows the sections, but for the certificate table. */
	if (len > hashed + out->cert_len)
		eb_sha256_update(&c, f + hashed, len - hashed - out->cert_len);
	eb_sha256_final(&c, out->sha256);
	return 0;
}
