#include "cpio_fixture.h"

#include <stdio.h>
#include <string.h>

size_t cx_member(uint8_t *buf, size_t pos, const char *name, uint32_t mode,
		 const void *data, size_t len)
{
	size_t nsize = strlen(name) + 1;
	char h[111];
	snprintf(h, sizeof h,
		 "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 1u, mode, 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u,
		 (unsigned)nsize, 0u);
	memcpy(buf + pos, h, 110);
	pos += 110;
	memcpy(buf + pos, name, nsize);
	pos += nsize;
	while (pos & 3)
		buf[pos++] = 0;
	if (len)
		memcpy(buf + pos, data, len);
	pos += len;
	while (pos & 3)
		buf[pos++] = 0;
	return pos;
}

size_t cx_trailer(uint8_t *buf, size_t pos)
{
	return cx_member(buf, pos, "TRAILER!!!", 0, NULL, 0);
}
