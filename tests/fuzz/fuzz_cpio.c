/*
 * newc cpio (common/cpio.c): walk every member as the boot-module reader
 * does, and touch each member's name and data, which must lie inside the
 * archive (cpio.h), so ASan sees any member that does not.
 */
#include "cpio.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eb_cpio c;
	struct eb_cpio_member m;
	char err[300];
	volatile uint8_t sink = 0;
	int rc;
	eb_cpio_open(&c, data, size);
	unsigned n = 0;
	while ((rc = eb_cpio_next(&c, &m, err, sizeof err)) == 1) {
		FUZZ_ASSERT(m.index == n);
		FUZZ_ASSERT(memchr(m.name, '\0', sizeof m.name) != NULL);
		FUZZ_ASSERT(m.data <= size && m.size <= size - m.data);
		FUZZ_ASSERT(m.data % 4 == 0);
		for (uint64_t i = 0; i < m.size; i++)
			sink ^= data[m.data + i];
		/* Every member takes at least a header: the walk must end. */
		FUZZ_ASSERT(++n <= size / EB_CPIO_HEADER);
	}
	if (rc < 0)
		fuzz_check_err(err, sizeof err);
	else /* after the trailer, always 0 */
		FUZZ_ASSERT(eb_cpio_next(&c, &m, err, sizeof err) == 0);
	(void)sink;
	return 0;
}
