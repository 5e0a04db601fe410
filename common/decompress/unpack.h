/*
 * bzImage -> the vmlinux ELF inside it (docs/decompress.md, "Calling the
 * decoders from an image"): the one step the PV world (which boots the
 * vmlinux through Xen's PV start of day) and the native worlds (which enter
 * the vmlinux through its PVH entry) share.
 *
 * Two halves, so the world can place memory in between:
 *
 *   eb_unpack_plan  reads the setup header's payload_offset/payload_length
 *                   (validated against the protected-mode kernel), the
 *                   format by its magic, the decoded size from the 4-byte
 *                   trailer Linux appends to every payload (gzip's ISIZE
 *                   is the same number), and the arena the format needs
 *                   (xz/lzma: their dictionary, read from the stream);
 *   eb_unpack_run   decodes into exactly that much memory with the CPU
 *                   state Debian's archives need around the call: the
 *                   world's enter/leave hooks (SSE, a canary block at
 *                   %fs:0x28, interrupts), the stack painted and measured,
 *                   the time taken.
 *
 * The output is never truncated: the decoders fail rather than stop at the
 * buffer's end, and the trailer must equal what came out.
 */
#ifndef EARLYBOOT_DECOMPRESS_UNPACK_H
#define EARLYBOOT_DECOMPRESS_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "decompress/decompress.h"
#include "linux_boot.h"

struct eb_unpack_plan {
	const uint8_t *payload;
	uint64_t payload_off, payload_len; /* in the file */
	enum eb_comp_format format;
	uint64_t out_len;   /* the decoded vmlinux, from the trailer */
	uint64_t out_bytes; /* out_len rounded up to pages: the buffer to give */
	uint64_t arena;     /* decoder memory to give (page rounded, may be 0) */
	/*
	 * Where Linux's own placement puts the kernel: [pref_address,
	 * + init_size). A world keeps its buffers clear of it, so the
	 * vmlinux's segments (linked there) can be placed while the buffers
	 * still hold the file they are copied from.
	 */
	uint64_t kernel_lo, kernel_hi;
};

/* 0, or -1 with one line naming the field or byte at fault. */
int eb_unpack_plan(const void *file, uint64_t len, const struct eb_bzimage *bz,
		   struct eb_unpack_plan *p, char *err, size_t errlen);

/*
 * What the world arranges around the decoders (docs/decompress.md):
 * enter(canary_block) before, leave() after, both mandatory. enter must
 * make SSE usable, point FS's base at canary_block, and make sure no
 * interrupt or exception is delivered on the current stack. stack_lo is
 * the lowest byte of the stack the call runs on (painted, then scanned for
 * the depth); tsc_khz the TSC's rate, 0 when unknown; now_ns, when not
 * NULL, a clock in nanoseconds that times the call instead.
 */
struct eb_unpack_cpu {
	void (*enter)(void *canary_block);
	void (*leave)(void);
	uint64_t stack_lo;
	uint64_t tsc_khz;
	uint64_t (*now_ns)(void);
};

struct eb_unpack_result {
	uint64_t out_len;
	uint64_t arena_peak;
	uint64_t stack_depth; /* bytes below the caller's rsp the decoder used */
	uint64_t cycles, ms;  /* ms: 0 when neither clock is known */
};

/*
 * Decode p's payload into dst[0, p->out_bytes) with arena[0, arena_len)
 * (arena_len >= p->arena). 0, or -1 with one line in err: the format and
 * the input offset at fault, e.g. "xz: corrupt data ... at input offset
 * 0x1a2c (payload at file offset 0x4a8f)".
 */
int eb_unpack_run(const struct eb_unpack_plan *p, const struct eb_unpack_cpu *cpu,
		  void *dst, void *arena, uint64_t arena_len,
		  struct eb_unpack_result *r, char *err, size_t errlen);

/* One line for the log: format, sizes, time, arena peak, stack depth. */
void eb_unpack_describe(const struct eb_unpack_plan *p,
			const struct eb_unpack_result *r, char *buf, size_t len);

#endif
