/*
 * common/decompress/ on any input: the containers we read ourselves (the
 * lzop header and blocks, LZ4's legacy chunks, zstd's frame walk, the
 * trailer rule) and our own bzip2 decoder, with Debian's libraries behind
 * them. Beyond the sanitizers it checks what decompress.h promises: an
 * error is one line naming a format and an input offset inside the input;
 * a success fits its buffer, decodes the same into a buffer of exactly its
 * size, and fails "output buffer too small" with one byte less. The input
 * is also read as a bzImage by eb_unpack_plan (check_plan).
 */
#include "decompress/decompress.h"
#include "decompress/unpack.h"
#include "fuzz.h"

#include <stdbool.h>

#define OUT_CAP (4u << 20)
#define ARENA (40u << 20) /* an XZ stream asking for more is refused */

static unsigned char *out, *again, *arena;

static void check_error(const char *err, size_t len)
{
	fuzz_check_err(err, 200);
	const char *colon = strchr(err, ':');
	FUZZ_ASSERT(colon);
	bool named = strncmp(err, "decompress:", 11) == 0;
	for (int f = EB_COMP_GZIP; f < EB_COMP_COUNT && !named; f++) {
		const char *n = eb_decompress_format_name((enum eb_comp_format)f);
		named = (size_t)(colon - err) == strlen(n) && strncmp(err, n, strlen(n)) == 0;
	}
	FUZZ_ASSERT(named);
	const char *at = strstr(err, " at input offset 0x");
	FUZZ_ASSERT(at);
	unsigned long long off = strtoull(at + 19, NULL, 16);
	FUZZ_ASSERT(off <= len);
}

/*
 * The same input as a bzImage, read by the step the images call
 * (decompress/unpack.h) without decoding: the payload inside the file, the
 * sizes asked of the world bounded, an error one line.
 */
static void check_plan(const uint8_t *data, size_t size)
{
	struct eb_bzimage bz;
	struct eb_unpack_plan p;
	char err[300];
	if (eb_bzimage_parse(data, size, &bz, err, sizeof err))
		return;
	if (eb_unpack_plan(data, size, &bz, &p, err, sizeof err)) {
		fuzz_check_err(err, sizeof err);
		return;
	}
	FUZZ_ASSERT(p.payload_off + p.payload_len <= size && p.payload_len >= 4);
	FUZZ_ASSERT(p.out_len > 0 && p.out_len <= (1ULL << 30) && p.out_bytes >= p.out_len);
	FUZZ_ASSERT(p.arena <= (3ULL << 29) + (4ULL << 20));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_plan(data, size);
	if (!out) {
		out = malloc(OUT_CAP);
		again = malloc(OUT_CAP);
		arena = malloc(ARENA);
		if (!out || !again || !arena)
			abort();
	}
	eb_decompress_arena(arena, ARENA);
	char err[200];
	size_t n = 0;
	enum eb_comp_format f = eb_decompress_detect(data, size);
	if (eb_decompress(data, size, out, OUT_CAP, &n, err, sizeof err)) {
		check_error(err, size);
		return 0;
	}
	FUZZ_ASSERT(f != EB_COMP_UNKNOWN && n <= OUT_CAP);
	/* The same input, into a buffer of exactly the decoded size. */
	unsigned char *exact = malloc(n ? n : 1);
	size_t m = 0;
	FUZZ_ASSERT(exact);
	int rc = eb_decompress(data, size, exact, n, &m, err, sizeof err);
	FUZZ_ASSERT(rc == 0 && m == n && memcmp(exact, out, n) == 0);
	/* One byte less: a clear failure, never a silent truncation. */
	if (n) {
		rc = eb_decompress(data, size, again, n - 1, &m, err, sizeof err);
		FUZZ_ASSERT(rc != 0);
		check_error(err, size);
		FUZZ_ASSERT(strstr(err, "output buffer too small") != NULL);
	}
	free(exact);
	return 0;
}
