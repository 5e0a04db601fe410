/*
 * bzImage -> vmlinux (unpack.h). The payload's fields and bytes
 * are untrusted: every offset is checked before it is read, and the sizes
 * the plan asks the world for come from the file only within bounds (the
 * output from the trailer, at most 1 GiB; the arena from the format's own
 * header, at most 1.5 GiB for a 1.5 GiB dictionary), so a lying header
 * costs a refusal, never a wild write.
 */
#include "unpack.h"

#include <stdbool.h>
#include <stddef.h>

#include "byteorder.h"
#include "fmt.h"
#include "libc.h"

#include "page.h"
#include "x86/cpu.h"

#define OFF(field) ((unsigned)offsetof(struct boot_params, hdr.field))
/* The decoded vmlinux: a kernel's ELF file, far below this. */
#define OUT_MAX (1ULL << 30)
/* Decoder state besides a dictionary (liblzma's, zlib's, zstd's DCtx). */
#define STATE_SLACK (2ULL << 20)
/* liblzma's own limit: LZMA2 dictionary byte 40 is 4 GiB - 1; we stop at 1.5 GiB. */
#define DICT_MAX (3ULL << 29)

static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

/* An XZ multibyte integer at p[*at, end); false when it runs off or over 63 bits. */
static bool xz_varint(const uint8_t *p, size_t end, size_t *at, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < 9 && *at < end; i++) {
		uint8_t b = p[(*at)++];
		*v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/*
 * The dictionary of an XZ stream's first block (the one a kernel payload
 * has): stream header (12 bytes), block header size byte, flags, the
 * optional sizes, then the filter flags; LZMA2 (id 0x21) carries its
 * dictionary in one properties byte (xz-file-format, 5.3.1). 0 when the
 * header cannot be read: the decoder then names the fault itself.
 */
static uint64_t xz_dict(const uint8_t *s, size_t len)
{
	if (len < 14)
		return 0;
	size_t hdr = ((size_t)s[12] + 1) * 4, end = 12 + hdr, at = 14;
	if (s[12] == 0 || end > len)
		return 0;
	uint8_t flags = s[13];
	uint64_t v, id, psize;
	if ((flags & 0x40) && !xz_varint(s, end, &at, &v))
		return 0;
	if ((flags & 0x80) && !xz_varint(s, end, &at, &v))
		return 0;
	for (unsigned f = 0; f <= (flags & 3u); f++) {
		if (!xz_varint(s, end, &at, &id) || !xz_varint(s, end, &at, &psize) ||
		    psize > end - at)
			return 0;
		if (id == 0x21 && psize == 1) {
			uint8_t b = s[at];
			if (b > 40)
				return 0;
			return b == 40 ? 0xffffffffULL : (2ULL | (b & 1u)) << (b / 2 + 11);
		}
		at += psize;
	}
	return 0;
}

/* What the format's decoder will ask the arena for (decompress.md, "Memory"). */
static uint64_t arena_need(enum eb_comp_format f, const uint8_t *s, size_t len)
{
	uint64_t dict;
	switch (f) {
	case EB_COMP_LZO:
	case EB_COMP_LZ4:
		return 0;
	case EB_COMP_BZIP2:
		/* "BZh" + level: 4 bytes a byte of a 100k * level block. */
		return len > 3 && s[3] >= '1' && s[3] <= '9'
			       ? 4ULL * 100000 * (uint64_t)(s[3] - '0') + STATE_SLACK
			       : STATE_SLACK;
	case EB_COMP_LZMA:
		dict = len >= 5 ? eb_le32(s + 1) : 0;
		break;
	case EB_COMP_XZ:
		dict = xz_dict(s, len);
		break;
	default: /* gzip: a 32 KiB window; zstd: the DCtx (bufferless: no window) */
		return STATE_SLACK;
	}
	if (dict > DICT_MAX)
		dict = DICT_MAX;
	return page_up(dict + STATE_SLACK);
}

int eb_unpack_plan(const void *file, uint64_t len, const struct eb_bzimage *bz,
		   struct eb_unpack_plan *p, char *err, size_t errlen)
{
	const uint8_t *f = file;
	memset(p, 0, sizeof *p);
	if (len < OFF(payload_length) + 4u) {
		eb_snprintf(err, errlen,
			    "setup header: file of %llu bytes ends before payload_length at 0x%x",
			    (unsigned long long)len, OFF(payload_length));
		return -1;
	}
	uint32_t off = eb_le32(f + OFF(payload_offset)), plen = eb_le32(f + OFF(payload_length));
	if (plen < 4 || off > bz->pm_len || plen > bz->pm_len - off) {
		eb_snprintf(err, errlen,
			    "setup header: payload_offset 0x%x (at 0x%x) + payload_length 0x%x (at 0x%x) is not inside the 0x%llx-byte protected-mode kernel",
			    off, OFF(payload_offset), plen, OFF(payload_length),
			    (unsigned long long)bz->pm_len);
		return -1;
	}
	p->payload_off = bz->pm_offset + off;
	p->payload_len = plen;
	p->payload = f + p->payload_off;
	p->format = eb_decompress_detect(p->payload, plen);
	if (p->format == EB_COMP_UNKNOWN) {
		char first[40];
		eb_fmt_bytes(first, sizeof first, p->payload, plen, 6);
		eb_snprintf(err, errlen,
			    "payload at file offset 0x%llx: no known compression magic (starts %s)",
			    (unsigned long long)p->payload_off, first);
		return -1;
	}
	p->out_len = eb_le32(p->payload + plen - 4);
	if (p->out_len == 0 || p->out_len > OUT_MAX) {
		eb_snprintf(err, errlen,
			    "payload at file offset 0x%llx: %s, decoded size %llu from its trailer at file offset 0x%llx: %s",
			    (unsigned long long)p->payload_off,
			    eb_decompress_format_name(p->format),
			    (unsigned long long)p->out_len,
			    (unsigned long long)(p->payload_off + plen - 4),
			    p->out_len ? "over 1 GiB" : "empty");
		return -1;
	}
	p->out_bytes = page_up(p->out_len);
	p->arena = arena_need(p->format, p->payload, plen);
	p->kernel_lo = bz->pref_address;
	p->kernel_hi = bz->pref_address + page_up(bz->init_size);
	return 0;
}

/* Stack bytes painted, then scanned (any value; one unlikely in a frame). */
#define PAINT 0x5aU
/* Left unpainted under rsp: this function's own calls' frames. */
#define PAINT_GAP 512

/*
 * The canary block FS points at for the call: Debian's archives read
 * %fs:0x28 in every protected function. The value only has to stay put.
 */
static uint64_t canary_block[8] __attribute__((aligned(64)));

#if !__STDC_HOSTED__
/*
 * The archives' constructors, which no image runs otherwise: liblzma
 * chooses its CRC-64 code in one (crc64_set_func) and calls through a
 * null pointer without it. The images' linker scripts (and ld's default
 * one, for the link check) gather them between these symbols. Run once,
 * inside enter/leave: they may probe the CPU and use SSE.
 */
extern void (*const __init_array_start[])(void);
extern void (*const __init_array_end[])(void);
static void constructors_once(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	for (void (*const *f)(void) = __init_array_start; f < __init_array_end; f++)
		(*f)();
}
#else
/* Hosted, the C library ran them before main. */
static void constructors_once(void) {}
#endif

int eb_unpack_run(const struct eb_unpack_plan *p, const struct eb_unpack_cpu *cpu,
		  void *dst, void *arena, uint64_t arena_len,
		  struct eb_unpack_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (arena_len < p->arena) {
		eb_snprintf(err, errlen, "%s: an arena of %llu bytes, the format needs %llu",
			    eb_decompress_format_name(p->format),
			    (unsigned long long)arena_len, (unsigned long long)p->arena);
		return -1;
	}
	uint64_t ns0 = cpu->now_ns ? cpu->now_ns() : 0;
	uint64_t t0 = x86_rdtsc();
	canary_block[0x28 / 8] = t0 ^ 0x2f8a3c5e91d4b607ULL;
	eb_decompress_arena(arena, arena_len);
	/* Paint the unused stack below us, with stores only: no call in between. */
	uint64_t sp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	volatile uint8_t *lo = (volatile uint8_t *)cpu->stack_lo;
	uint64_t top = sp - PAINT_GAP;
	for (volatile uint8_t *q = lo; cpu->stack_lo && (uint64_t)q < top; q++)
		*q = PAINT;
	cpu->enter(canary_block);
	constructors_once();
	size_t out = 0;
	int rc = eb_decompress(p->payload, p->payload_len, dst, p->out_bytes, &out,
			       err, errlen);
	cpu->leave();
	uint64_t t1 = x86_rdtsc();
	uint64_t ns1 = cpu->now_ns ? cpu->now_ns() : 0;
	r->arena_peak = eb_decompress_arena_peak();
	eb_decompress_arena(0, 0);
	r->cycles = t1 - t0;
	r->ms = cpu->now_ns ? (ns1 - ns0) / 1000000
		: cpu->tsc_khz ? r->cycles / cpu->tsc_khz : 0;
	uint64_t used = top;
	for (volatile uint8_t *q = lo; cpu->stack_lo && (uint64_t)q < top; q++)
		if (*q != PAINT) {
			used = (uint64_t)q;
			break;
		}
	r->stack_depth = cpu->stack_lo ? sp - used : 0;
	if (rc) {
		size_t n = strlen(err);
		if (n < errlen)
			eb_snprintf(err + n, errlen - n, " (payload at file offset 0x%llx)",
				    (unsigned long long)p->payload_off);
		return -1;
	}
	if (out != p->out_len) {
		eb_snprintf(err, errlen,
			    "%s: the stream gave %llu bytes, the payload's trailer at file offset 0x%llx says %llu",
			    eb_decompress_format_name(p->format), (unsigned long long)out,
			    (unsigned long long)(p->payload_off + p->payload_len - 4),
			    (unsigned long long)p->out_len);
		return -1;
	}
	r->out_len = out;
	return 0;
}

void eb_unpack_describe(const struct eb_unpack_plan *p,
			const struct eb_unpack_result *r, char *buf, size_t len)
{
	char when[48];
	if (r->ms)
		eb_snprintf(when, sizeof when, "%llu ms", (unsigned long long)r->ms);
	else
		eb_snprintf(when, sizeof when, "%llu TSC cycles (rate unknown)",
			    (unsigned long long)r->cycles);
	char depth[40];
	if (r->stack_depth)
		eb_snprintf(depth, sizeof depth, "%llu bytes", (unsigned long long)r->stack_depth);
	else
		eb_snprintf(depth, sizeof depth, "not measured");
	eb_snprintf(buf, len,
		    "payload: %s, %llu bytes at file offset 0x%llx -> %llu bytes in %s (%llu cycles); arena peak %llu of %llu bytes; stack depth %s",
		    eb_decompress_format_name(p->format), (unsigned long long)p->payload_len,
		    (unsigned long long)p->payload_off, (unsigned long long)r->out_len, when,
		    (unsigned long long)r->cycles, (unsigned long long)r->arena_peak,
		    (unsigned long long)p->arena, depth);
}
