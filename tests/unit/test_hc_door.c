/*
 * The one hypercall door (common/xen/hc.c): the raw call against a hypercall
 * page of our own making: each 32-byte stub returns nr * 1000 plus the sum
 * of its five argument registers (rdi, rsi, rdx, r10, r8), so a wrong
 * register or a wrong stub shows in the result. Then the one counting
 * wrapper: every call counted, into the attached early_paging counters too.
 */
#define _DEFAULT_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "xen/abi.h"
#include "xen/hc.h"
#include "sim_xen.h"

static uint8_t *page;

static void make_page(void)
{
	if (page)
		return;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(page != MAP_FAILED);
	memset(page, 0xcc, 4096);
	for (unsigned nr = 0; nr < XEN_HC_STUBS; nr++) {
		uint8_t *p = page + nr * XEN_HC_STUB_SIZE;
		const uint8_t code[] = {
			0xb8, 0, 0, 0, 0,       /* mov eax, nr * 1000 */
			0x48, 0x01, 0xf8,       /* add rax, rdi */
			0x48, 0x01, 0xf0,       /* add rax, rsi */
			0x48, 0x01, 0xd0,       /* add rax, rdx */
			0x4c, 0x01, 0xd0,       /* add rax, r10 */
			0x4c, 0x01, 0xc0,       /* add rax, r8 */
			0xc3,                   /* ret */
		};
		memcpy(p, code, sizeof code);
		uint32_t v = nr * 1000;
		memcpy(p + 1, &v, 4);
	}
}

TEST(raw_call_uses_the_stub_and_the_registers)
{
	make_page();
	CHECK_EQ(xen_hc_raw(page, 0, 1, 2, 3, 4, 5), 15);
	CHECK_EQ(xen_hc_raw(page, __HYPERVISOR_console_io, 10, 20, 30, 40, 50),
		 18 * 1000 + 150);
	CHECK_EQ(xen_hc_raw(page, 127, 1, 0, 0, 0, 100), 127000 + 101);
}

/*
 * The wrapper in front of the simulated Xen, which the host tests link in
 * place of the raw call (hc.h): every call counted, the attached context
 * starting from the domain's total.
 */
TEST(wrapper_counts_every_call)
{
	sim_xen_make_current(sim_xen_new(NULL));
	struct xen_hcall_acct a = { 0 };
	CHECK_EQ(xen_console_write(&a, "hi", 2), 0);
	CHECK_EQ(xen_hcall(&a, __HYPERVISOR_console_io, CONSOLEIO_write, 1,
			   (unsigned long)"x", 0, 0), 0);
	CHECK_EQ(a.total, 2);
	CHECK_EQ(a.per_op[__HYPERVISOR_console_io], 2);
	/* Attaching carries the calls made so far; later ones count in both. */
	struct ep_counters c = { 0 };
	c.hypercalls = 99;
	xen_hc_attach(&a, &c);
	CHECK_EQ(c.hypercalls, 2);
	xen_console_write(&a, "y", 1);
	CHECK_EQ(c.hypercalls, 3);
	CHECK_EQ(a.total, 3);
	/* A second context, as PVH switches from its bootstrap tree. */
	struct ep_counters d = { 0 };
	xen_hc_attach(&a, &d);
	xen_console_write(&a, "z", 1);
	CHECK_EQ(d.hypercalls, 4);
	CHECK_EQ(c.hypercalls, 3);
	xen_hc_attach(&a, NULL);
	xen_console_write(&a, "w", 1);
	CHECK_EQ(a.total, 5);
	CHECK_EQ(d.hypercalls, 4);
	/* Failures are counted and remembered: the sim knows no memory_op. */
	CHECK(xen_hcall(&a, __HYPERVISOR_memory_op, 0, 0, 0, 0, 0) != 0);
	CHECK_EQ(a.failed, 1);
	CHECK_EQ(a.last_failed_nr, __HYPERVISOR_memory_op);
}

TEST(bad_number_is_enosys_and_still_counted)
{
	struct xen_hcall_acct a = { 0 };
	CHECK_EQ(xen_hcall(&a, XEN_HC_STUBS, 0, 0, 0, 0, 0), -XEN_ENOSYS);
	CHECK_EQ(a.total, 1);
	CHECK_EQ(a.failed, 1);
}

int main(void)
{
	RUN(raw_call_uses_the_stub_and_the_registers);
	RUN(wrapper_counts_every_call);
	RUN(bad_number_is_enosys_and_still_counted);
	return th_done();
}
