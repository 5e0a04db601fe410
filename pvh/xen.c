/*
 * PVH under Xen: find Xen through CPUID, have it fill our hypercall page
 * (common/xen/hc_hvm.h: the MSR named by leaf base+2), print through
 * HYPERVISOR_console_io (a PVH dom0 cannot reach COM1, which Xen owns), and
 * ask XENMEM_memory_map for the memory map Xen does not put in the start
 * info it gives a PVH dom0 (version 0: docs/platform.md). Every hypercall goes
 * through the one counting wrapper (common/xen/hc.h).
 */
#include "fmt.h"
#include "libc.h"
#include "pvh.h"
#include "x86/serial.h"
#include "xen/abi.h"
#include "xen/hc.h"
#include "xen/hc_console.h"
#include "xen/hc_hvm.h"
#include "x86/io.h"
#include "x86/page_window.h"

static struct xen_hcall_acct hc;
static bool have_page;
static char version[24];

/*
 * One E820 entry as XENMEM_memory_map returns them: "the same format as
 * returned by the BIOS INT 0x15 EAX=0xE820 call" (xen/memory.h), a layout
 * Xen's public headers give no type for, hence declared here.
 */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "E820 entries are 20 bytes");

/* In .bss: mapped eagerly, as a hypercall's buffer must be. */
static struct e820_entry e820[EB_MEM_MAX];

static uint64_t ring_pa;

static void *identity(uint64_t pa)
{
	return (void *)pa;
}

static uint64_t identity_pa(const void *va)
{
	return (uint64_t)va;
}

/*
 * The ring page lies where the toolstack put it (E820-reserved memory,
 * outside every mapping this loader keeps, and the tree it hands over):
 * reached through a page window for each write. We run at va == pa, so
 * the window's tables and every root we run on are reached by identity.
 */
static struct xencons_interface *ring_open(void)
{
	static const struct x86_window_env env = { identity, identity_pa };
	return x86_window_open(&env, ring_pa);
}

static uint64_t hvm_param(uint32_t index, long *rc)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	*rc = xen_hcall(&hc, __HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)&p,
			0, 0, 0);
	return *rc ? 0 : p.value;
}

/*
 * dom0 or domU: a domU's toolstack names its console ring in the HVM
 * params; dom0 has none (no toolstack built it) and keeps console_io.
 * The params, not the start info's flags: they are what the ring is.
 */
static void pvh_domu_console(void)
{
	long rc1, rc2;
	uint64_t pfn = hvm_param(HVM_PARAM_CONSOLE_PFN, &rc1);
	uint64_t evtchn = hvm_param(HVM_PARAM_CONSOLE_EVTCHN, &rc2);
	if (rc1 || rc2 || !pfn)
		return;
	/* Untrusted: a frame inside the physical address width, a real port. */
	if (pfn >= (1ULL << 40) || !evtchn || evtchn > 0xffffffffu)
		return;
	ring_pa = pfn << 12;
	if (xen_hc_console_use_ring(&hc, (uint32_t)evtchn, ring_open, x86_window_close) == 0)
		x86_set_exit_hook(xen_hc_console_exit);
}

bool pvh_xen_init(void)
{
	uint32_t base = xen_cpuid_base();
	if (!base)
		return false;
	uint32_t v = xen_cpuid_version(base);
	eb_snprintf(version, sizeof version, "Xen %u.%u", v >> 16, v & 0xffff);
	/*
	 * The image runs at its physical address: va == pa. Without a page
	 * (leaf base+2 offers none) the console falls back to port 0xe9.
	 */
	have_page = xen_hc_init_hvm(base, (uint64_t)xen_hc_page) == 0;
	if (have_page) {
		xen_hc_console_use(&hc);
		pvh_domu_console();
	}
	con_set_sink(xen_hc_console_write);
	return true;
}

const char *pvh_xen_version(void)
{
	return version;
}

void pvh_xen_count_into(struct ep_counters *c)
{
	xen_hc_attach(&hc, c);
}

void pvh_xen_on_ctx(struct ep_ctx *ctx)
{
	xen_hc_attach(&hc, &ctx->count);
}

int pvh_xen_memory_map(struct eb_memmap *m, char *err, size_t errlen)
{
	if (!have_page) {
		eb_snprintf(err, errlen, "Xen offers no hypercall page (CPUID leaf base+2)");
		return -1;
	}
	struct xen_memory_map map = { .nr_entries = EB_MEM_MAX };
	set_xen_guest_handle(map.buffer, e820);
	long rc = xen_hcall(&hc, __HYPERVISOR_memory_op, XENMEM_memory_map,
			      (unsigned long)&map, 0, 0, 0);
	if (rc) {
		eb_snprintf(err, errlen, "XENMEM_memory_map failed: %ld", rc);
		return -1;
	}
	if (map.nr_entries == 0 || map.nr_entries > EB_MEM_MAX) {
		eb_snprintf(err, errlen, "XENMEM_memory_map returned %u entries",
			    map.nr_entries);
		return -1;
	}
	for (unsigned i = 0; i < map.nr_entries; i++) {
		char field[40];
		eb_snprintf(field, sizeof field, "XENMEM_memory_map[%u]", i);
		if (pvh_e820_add(m, e820[i].addr, e820[i].size, e820[i].type, field,
				 err, errlen))
			return -1;
	}
	char why[200];
	if (eb_memmap_normalize(m, why, sizeof why)) {
		eb_snprintf(err, errlen, "XENMEM_memory_map: %s", why);
		return -1;
	}
	for (uint32_t i = 0; i < m->count; i++)
		if (m->r[i].type == EB_MEM_RAM)
			return 0;
	eb_snprintf(err, errlen, "XENMEM_memory_map: %u entries and not one page of RAM",
		    map.nr_entries);
	return -1;
}
