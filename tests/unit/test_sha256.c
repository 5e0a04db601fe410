/*
 * eb_sha256 (common/sha256.h): the FIPS 180-4 example messages, and runs
 * of 'a' at the lengths where the padding changes shape (digests as
 * sha256sum gives them).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sha256.h"

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < EB_SHA256_BYTES; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void expect(const char *msg, size_t len, const char *want)
{
	uint8_t d[EB_SHA256_BYTES];
	char got[2 * EB_SHA256_BYTES + 1];
	eb_sha256(msg, len, d);
	hex(d, got);
	CHECKF(strcmp(got, want) == 0, "sha256 of %zu bytes: got %s, want %s", len, got, want);
}

TEST(sha256_fips_examples)
{
	expect("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	expect(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(sha256_padding_boundaries)
{
	static char a[1000];
	memset(a, 'a', sizeof a);
	/* 55: the length fits the first block; 56: it needs a second; 64: a full block. */
	expect(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	expect(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	expect(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	expect(a, 1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(sha256_streaming_matches_one_shot)
{
	static uint8_t data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	uint8_t want[EB_SHA256_BYTES], got[EB_SHA256_BYTES];
	eb_sha256(data, sizeof data, want);
	/* Every split point, pieces crossing block boundaries either way. */
	for (size_t cut = 0; cut <= sizeof data; cut++) {
		struct eb_sha256 c;
		eb_sha256_init(&c);
		eb_sha256_update(&c, data, cut);
		eb_sha256_update(&c, data + cut, sizeof data - cut);
		eb_sha256_final(&c, got);
		CHECKF(memcmp(got, want, sizeof got) == 0, "split at %zu differs", cut);
	}
}

int main(void)
{
	RUN(sha256_fips_examples);
	RUN(sha256_padding_boundaries);
	RUN(sha256_streaming_matches_one_shot);
	return th_done();
}
