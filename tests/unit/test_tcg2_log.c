/*
 * The TPM event-size reader (efi/tcg2_log.c), host-built: a crypto-agile
 * event as OVMF logs it (SHA-1 and SHA-256 digests), and every way one
 * can be cut short or name an algorithm of unknown size, which must give
 * 0, never a size past the bytes there are.
 */
#include <string.h>

#include "harness.h"
#include "tcg2_log.h"

static uint8_t ev[256];

/* An event of PCR 9 with SHA-1 and SHA-256 digests and n bytes of data. */
static size_t build(uint32_t data)
{
	size_t off = 0;
	memset(ev, 0, sizeof ev);
	ev[0] = 9;          /* PCRIndex */
	ev[4] = 0x0d;       /* EventType EV_IPL */
	ev[8] = 2;          /* two digests */
	off = 12;
	ev[off] = 0x04;     /* SHA-1 */
	off += 2 + 20;
	ev[off] = 0x0b;     /* SHA-256 */
	off += 2 + 32;
	memcpy(ev + off, &data, 4);
	return off + 4 + data;
}

TEST(two_banks)
{
	size_t want = build(24);
	CHECK_EQ(want, 12 + 22 + 34 + 4 + 24);
	CHECK_EQ(eb_tcg2_event_size(ev, sizeof ev), want);
	CHECK_EQ(eb_tcg2_event_size(ev, want), want);
}

TEST(cut_anywhere_is_zero)
{
	size_t want = build(24);
	for (size_t n = 0; n < want; n++)
		CHECKF(eb_tcg2_event_size(ev, n) == 0, "cut at %zu of %zu", n, want);
}

TEST(unknown_algorithm_is_zero)
{
	build(0);
	ev[12 + 22] = 0x99; /* the second digest's algorithm */
	CHECK_EQ(eb_tcg2_event_size(ev, sizeof ev), 0);
}

TEST(data_past_the_end_is_zero)
{
	build(0);
	uint32_t huge = 0xfffffff0u;
	memcpy(ev + 12 + 22 + 34, &huge, 4);
	CHECK_EQ(eb_tcg2_event_size(ev, sizeof ev), 0);
}

TEST(digest_sizes)
{
	CHECK_EQ(eb_tcg2_digest_size(0x0004), 20);
	CHECK_EQ(eb_tcg2_digest_size(0x000b), 32);
	CHECK_EQ(eb_tcg2_digest_size(0x000c), 48);
	CHECK_EQ(eb_tcg2_digest_size(0x000d), 64);
	CHECK_EQ(eb_tcg2_digest_size(0x0012), 32);
	CHECK_EQ(eb_tcg2_digest_size(0x0000), 0);
}

int main(void)
{
	RUN(two_banks);
	RUN(cut_anywhere_is_zero);
	RUN(unknown_algorithm_is_zero);
	RUN(data_past_the_end_is_zero);
	RUN(digest_sizes);
	return th_done();
}
