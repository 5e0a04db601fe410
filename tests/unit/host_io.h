/*
 * Files and shell filters for the host unit tests that feed real data
 * (kernels, CLI compressors' output) to the loader's code. Memory comes
 * from th_alloc, freed when the case ends; any failure fails the case.
 */
#ifndef EB_TESTS_HOST_IO_H
#define EB_TESTS_HOST_IO_H

#include <stddef.h>
#include <stdint.h>

struct th_bytes {
	uint8_t *p;
	size_t n;
};

/* The whole file at path. */
struct th_bytes th_read_file(const char *path);

/* What the shell command cmd writes when fed in[0..n). */
struct th_bytes th_filter(const char *cmd, const void *in, size_t n);

#endif
