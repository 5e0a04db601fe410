/*
 * The console ring's producer (common/xen/console_ring.c) against a
 * simulated ring and backend: what the backend reads is exactly what was
 * written, across wraparound; a full ring notifies and waits for the
 * backend, then goes on; a backend that never reads costs one bounded
 * wait and the rest is counted lost; a backend that shows impossible
 * indices gets nothing written at them.
 */
#include <string.h>

#include "harness.h"
#include "xen/console_ring.h"
#include "start_info.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)

/* The backend: reads up to `per_wait` bytes each time the guest waits. */
struct backend {
	struct xencons_interface page;
	char got[16384];
	size_t ngot;
	unsigned notifies, waits;
	size_t per_wait;
};

static void backend_read(struct backend *b, size_t max)
{
	struct xencons_interface *p = &b->page;
	while (p->out_cons != p->out_prod && max--) {
		if (b->ngot < sizeof b->got)
			b->got[b->ngot++] = p->out[MASK_XENCONS_IDX(p->out_cons, p->out)];
		p->out_cons++;
	}
}

static void on_notify(void *env)
{
	((struct backend *)env)->notifies++;
}

static void on_wait(void *env)
{
	struct backend *b = env;
	b->waits++;
	backend_read(b, b->per_wait);
}

static struct xen_ring_ops ops_for(struct backend *b)
{
	return (struct xen_ring_ops){ .notify = on_notify, .wait = on_wait, .env = b,
				      .max_waits = 8 };
}

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + seed) % 26);
}

TEST(writes_arrive_and_notify)
{
	static struct backend b;
	memset(&b, 0, sizeof b);
	struct xen_ring r;
	struct xen_ring_ops ops = ops_for(&b);
	REQUIRE(xen_ring_init(&r, &b.page, &ops) == 0);
	CHECK_EQ(xen_ring_write(&r, "earlyboot: hello\n", 17), 17);
	CHECK_EQ(b.page.out_prod, 17);
	CHECK(b.notifies >= 1);
	backend_read(&b, 1000);
	CHECK(b.ngot == 17 && memcmp(b.got, "earlyboot: hello\n", 17) == 0);
	CHECK_EQ(r.lost, 0);
}

TEST(wraparound_and_index_overflow)
{
	/* Indices start near 2^32 (a previous stage wrote 4 GiB): they wrap too. */
	static struct backend b;
	memset(&b, 0, sizeof b);
	b.page.out_prod = b.page.out_cons = 0xfffffc00u;
	struct xen_ring r;
	struct xen_ring_ops ops = ops_for(&b);
	REQUIRE(xen_ring_init(&r, &b.page, &ops) == 0);
	static char msg[5000];
	fill(msg, sizeof msg, 3);
	size_t off = 0;
	while (off < sizeof msg) {
		size_t k = sizeof msg - off < 700 ? sizeof msg - off : 700;
		CHECK_EQ(xen_ring_write(&r, msg + off, k), k);
		off += k;
		backend_read(&b, 500); /* the backend lags behind */
	}
	backend_read(&b, 100000);
	CHECK_EQ(b.ngot, sizeof msg);
	CHECK(memcmp(b.got, msg, sizeof msg) == 0);
	CHECK_EQ(b.page.out_prod, (uint32_t)(0xfffffc00u + sizeof msg));
}

TEST(full_ring_waits_then_continues)
{
	static struct backend b;
	memset(&b, 0, sizeof b);
	b.per_wait = 256;
	struct xen_ring r;
	struct xen_ring_ops ops = ops_for(&b);
	REQUIRE(xen_ring_init(&r, &b.page, &ops) == 0);
	static char msg[3 * OUT_SIZE + 17];
	fill(msg, sizeof msg, 9);
	CHECK_EQ(xen_ring_write(&r, msg, sizeof msg), sizeof msg);
	CHECK(b.waits > 0);
	CHECK_EQ(r.lost, 0);
	CHECK(!r.stalled);
	CHECK(xen_ring_flush(&r));
	CHECK_EQ(b.ngot, sizeof msg);
	CHECK(memcmp(b.got, msg, sizeof msg) == 0);
}

TEST(backend_never_reads_bounded)
{
	static struct backend b;
	memset(&b, 0, sizeof b);
	b.per_wait = 0;
	struct xen_ring r;
	struct xen_ring_ops ops = ops_for(&b);
	REQUIRE(xen_ring_init(&r, &b.page, &ops) == 0);
	static char msg[OUT_SIZE + 100];
	fill(msg, sizeof msg, 1);
	CHECK_EQ(xen_ring_write(&r, msg, sizeof msg), OUT_SIZE);
	CHECK_EQ(r.lost, 100);
	CHECK_EQ(b.waits, ops.max_waits);
	CHECK(r.stalled);
	/* Stalled: the next write does not wait again, it counts its loss. */
	CHECK_EQ(xen_ring_write(&r, "more\n", 5), 0);
	CHECK_EQ(b.waits, ops.max_waits);
	CHECK_EQ(r.lost, 105);
	CHECK(!xen_ring_flush(&r));
	/* The backend wakes up: output flows again. */
	backend_read(&b, 100000);
	CHECK_EQ(xen_ring_write(&r, "back\n", 5), 5);
	CHECK(memcmp(b.got, msg, OUT_SIZE) == 0);
}

TEST(hostile_indices_refused)
{
	struct xen_ring_ops ops;
	struct xen_ring r;
	/* Consumer ahead of the producer at the start. */
	static struct backend b;
	memset(&b, 0, sizeof b);
	ops = ops_for(&b);
	b.page.out_prod = 10;
	b.page.out_cons = 20;
	CHECK(xen_ring_init(&r, &b.page, &ops) != 0);
	CHECK(r.broken);
	CHECK_EQ(xen_ring_write(&r, "x", 1), 0);
	CHECK_EQ(r.lost, 1);
	/* Producer more than a ring ahead. */
	memset(&b, 0, sizeof b);
	b.page.out_prod = OUT_SIZE + 1;
	CHECK(xen_ring_init(&r, &b.page, &ops) != 0);
	/* Mid-run: the backend moves its index past ours; nothing written at it. */
	memset(&b, 0, sizeof b);
	REQUIRE(xen_ring_init(&r, &b.page, &ops) == 0);
	CHECK_EQ(xen_ring_write(&r, "abc", 3), 3);
	b.page.out_cons = 1000;
	static char before[OUT_SIZE];
	memcpy(before, b.page.out, OUT_SIZE);
	CHECK_EQ(xen_ring_write(&r, "defg", 4), 0);
	CHECK(r.broken);
	CHECK(memcmp(before, b.page.out, OUT_SIZE) == 0);
	/* Our producer index is ours: a backend rewriting out_prod changes nothing. */
	memset(&b, 0, sizeof b);
	REQUIRE(xen_ring_init(&r, &b.page, &ops) == 0);
	CHECK_EQ(xen_ring_write(&r, "ab", 2), 2);
	b.page.out_prod = 1500;
	CHECK_EQ(xen_ring_write(&r, "cd", 2), 2);
	CHECK_EQ(b.page.out_prod, 4);
	backend_read(&b, 100);
	CHECK(b.ngot == 4 && memcmp(b.got, "abcd", 4) == 0);
}

/* pv/start_info.c pv_console_pfn: the start info's ring frame, checked. */
TEST(pv_console_frame_checked)
{
	static uint64_t m2p[64], p2m[32];
	for (unsigned i = 0; i < 32; i++) {
		p2m[i] = 32 + i;
		m2p[32 + i] = i;
	}
	struct pv_start s = { .nr_pages = 32, .pt_base_pa = 20 * 4096, .nr_pt_frames = 4,
			      .console_mfn = 32 + 18, .console_evtchn = 2 };
	char err[160];
	uint64_t pfn = 0;
	CHECK_EQ(pv_console_pfn(&s, m2p, 64, p2m, &pfn, err, sizeof err), 0);
	CHECK_EQ(pfn, 18);
	struct pv_start b = s;
	b.console_mfn = 64; /* beyond the m2p */
	CHECK(pv_console_pfn(&b, m2p, 64, p2m, &pfn, err, sizeof err) != 0);
	b = s;
	b.console_mfn = 5; /* m2p says pfn 0, p2m disagrees: not ours */
	CHECK(pv_console_pfn(&b, m2p, 64, p2m, &pfn, err, sizeof err) != 0);
	CHECK(strstr(err, "not a frame of this domain") != NULL);
	b = s;
	b.console_mfn = 32 + 30; /* past the bootstrap tables: maybe unmapped */
	CHECK(pv_console_pfn(&b, m2p, 64, p2m, &pfn, err, sizeof err) != 0);
	b = s;
	b.console_evtchn = 0;
	CHECK(pv_console_pfn(&b, m2p, 64, p2m, &pfn, err, sizeof err) != 0);
	b = s;
	b.dom0 = true;
	CHECK(pv_console_pfn(&b, m2p, 64, p2m, &pfn, err, sizeof err) != 0);
}

int main(void)
{
	RUN(pv_console_frame_checked);
	RUN(writes_arrive_and_notify);
	RUN(wraparound_and_index_overflow);
	RUN(full_ring_waits_then_continues);
	RUN(backend_never_reads_bounded);
	RUN(hostile_indices_refused);
	return th_done();
}
