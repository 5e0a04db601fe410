#define _GNU_SOURCE
#include "host_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

struct th_bytes th_read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	REQUIREF(fp, "cannot open %s", path);
	struct stat st;
	REQUIRE(fstat(fileno(fp), &st) == 0);
	struct th_bytes b = { th_alloc((uint64_t)st.st_size + 1), (size_t)st.st_size };
	size_t got = fread(b.p, 1, b.n, fp);
	fclose(fp);
	REQUIREF(got == b.n, "%s: read %zu of %zu bytes", path, got, b.n);
	return b;
}

/* Through files, not pipes: the filters' output can be far larger than
 * their input, and a pipe in both directions would need a second thread. */
struct th_bytes th_filter(const char *cmd, const void *in, size_t n)
{
	char ip[] = "/tmp/eb-unit-inXXXXXX", op[] = "/tmp/eb-unit-outXXXXXX";
	int fi = mkstemp(ip), fo = mkstemp(op);
	REQUIRE(fi >= 0 && fo >= 0);
	close(fo);
	REQUIRE((size_t)write(fi, in, n) == n);
	close(fi);
	char sh[512];
	snprintf(sh, sizeof sh, "%s <%s >%s", cmd, ip, op);
	int rc = system(sh);
	unlink(ip);
	if (rc != 0) {
		unlink(op);
		REQUIREF(0, "`%s` failed (status %d)", cmd, rc);
	}
	struct th_bytes out = th_read_file(op);
	unlink(op);
	return out;
}
