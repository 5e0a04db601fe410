/* The console ring's producer (console_ring.h). Portable. */
#include "console_ring.h"

#define RING_SIZE sizeof(((struct xencons_interface *)0)->out)
_Static_assert((RING_SIZE & (RING_SIZE - 1)) == 0, "ring size a power of two");

static XENCONS_RING_IDX read_cons(const struct xen_ring *r)
{
	return __atomic_load_n(&r->intf->out_cons, __ATOMIC_ACQUIRE);
}

/* Bytes the backend has yet to read, or -1 when its index is impossible. */
static long pending(struct xen_ring *r)
{
	XENCONS_RING_IDX used = r->prod - read_cons(r);
	if (used > RING_SIZE) {
		r->broken = true;
		return -1;
	}
	return (long)used;
}

int xen_ring_init(struct xen_ring *r, struct xencons_interface *intf,
		  const struct xen_ring_ops *ops)
{
	*r = (struct xen_ring){ .intf = intf, .ops = *ops };
	r->prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
	return pending(r) < 0 ? -1 : 0;
}

static void publish(struct xen_ring *r)
{
	/* The bytes must be visible before the index that covers them. */
	__atomic_store_n(&r->intf->out_prod, r->prod, __ATOMIC_RELEASE);
	r->ops.notify(r->ops.env);
}

/* Room in the ring, waiting (bounded) for some when there is none. */
static long room(struct xen_ring *r)
{
	for (unsigned w = 0;; w++) {
		long used = pending(r);
		if (used < 0)
			return -1;
		if (used < (long)RING_SIZE)
			return (long)RING_SIZE - used;
		if (r->stalled || w >= r->ops.max_waits) {
			r->stalled = true;
			return 0;
		}
		r->ops.wait(r->ops.env);
		r->waits++;
	}
}

size_t xen_ring_write(struct xen_ring *r, const char *s, size_t n)
{
	size_t done = 0;
	while (done < n && !r->broken) {
		long free = room(r);
		if (free <= 0)
			break;
		size_t k = n - done < (size_t)free ? n - done : (size_t)free;
		for (size_t i = 0; i < k; i++)
			r->intf->out[MASK_XENCONS_IDX(r->prod + i, r->intf->out)] = s[done + i];
		r->prod += (XENCONS_RING_IDX)k;
		done += k;
		publish(r);
	}
	r->lost += n - done;
	return done;
}

bool xen_ring_flush(struct xen_ring *r)
{
	for (unsigned w = 0; w < r->ops.max_waits; w++) {
		long used = pending(r);
		if (used <= 0)
			return used == 0;
		r->ops.notify(r->ops.env);
		r->ops.wait(r->ops.env);
		r->waits++;
	}
	return pending(r) == 0;
}
