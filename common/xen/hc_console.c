/*
 * Console output under Xen (hc_console.h): the domain's console ring, or
 * HYPERVISOR_console_io, or port 0xe9, whichever the world set up.
 */
#include "hc_console.h"

#include "abi.h"
#include "bootinfo.h"
#include "console_ring.h"

#define XEN_DEBUG_PORT 0xe9
/*
 * Yields per full ring before output is dropped: the backend is another
 * domain, scheduled when we yield. Measured under TCG, xenconsoled empties
 * a full ring within a few hundred yields; the bound keeps a dead backend
 * from costing more than about a second per stall.
 */
#define RING_MAX_WAITS 20000

static struct xen_hcall_acct *door;
static struct xen_ring ring;
static bool have_ring;
static evtchn_port_t ring_port;
static struct xencons_interface *(*ring_open)(void);
static void (*ring_close)(void);

void xen_hc_console_use(struct xen_hcall_acct *a)
{
	door = a;
}

static void ring_notify(void *env)
{
	(void)env;
	struct evtchn_send send = { .port = ring_port };
	xen_hcall(door, __HYPERVISOR_event_channel_op, EVTCHNOP_send,
		  (unsigned long)&send, 0, 0, 0);
}

static void ring_wait(void *env)
{
	(void)env;
	xen_hcall(door, __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
}

static bool ring_enter(void)
{
	struct xencons_interface *intf = ring_open();
	if (!intf)
		return false;
	ring.intf = intf;
	return true;
}

static void ring_leave(void)
{
	if (ring_close)
		ring_close();
}

int xen_hc_console_use_ring(struct xen_hcall_acct *a, uint32_t evtchn,
			    struct xencons_interface *(*open)(void),
			    void (*close)(void))
{
	door = a;
	ring_port = evtchn;
	ring_open = open;
	ring_close = close;
	struct xencons_interface *intf = open();
	if (!intf)
		return -1;
	struct xen_ring_ops ops = { .notify = ring_notify, .wait = ring_wait,
				    .max_waits = RING_MAX_WAITS };
	int rc = xen_ring_init(&ring, intf, &ops);
	ring_leave();
	have_ring = rc == 0;
	return rc;
}

void xen_hc_console_write(const char *s, size_t n)
{
	if (!n)
		return;
	if (have_ring) {
		if (ring_enter()) {
			xen_ring_write(&ring, s, n);
			ring_leave();
		}
		return;
	}
	if (door) {
		xen_console_write(door, s, (unsigned)n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		__asm__ volatile("outb %0, %1" : : "a"(s[i]), "Nd"(XEN_DEBUG_PORT));
}

void xen_hc_console_exit(uint8_t code)
{
	if (!have_ring)
		return;
	if (ring_enter()) {
		xen_ring_flush(&ring);
		ring_leave();
	}
	/*
	 * A domU reaches no isa-debug-exit: the domain ends instead, and its
	 * verdict is the line already in its console log.
	 */
	struct sched_shutdown sd = {
		.reason = code == EB_EXIT_PASS ? SHUTDOWN_poweroff : SHUTDOWN_crash,
	};
	xen_hcall(door, __HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd,
		  0, 0, 0);
}
