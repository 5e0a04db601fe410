/* Names for the handoff's enums, for diagnostics on both sides of it. */
#include "bootinfo.h"

#include "fmt.h"

const char *eb_mem_type_name(uint32_t type)
{
	switch (type) {
	case EB_MEM_RAM: return "ram";
	case EB_MEM_RESERVED: return "reserved";
	case EB_MEM_ACPI_RECLAIM: return "acpi-reclaim";
	case EB_MEM_ACPI_NVS: return "acpi-nvs";
	case EB_MEM_UNUSABLE: return "unusable";
	case EB_MEM_FW_RUNTIME: return "fw-runtime";
	case EB_MEM_MMIO: return "mmio";
	case EB_MEM_LOADER: return "loader";
	case EB_MEM_KERNEL: return "kernel";
	case EB_MEM_MODULE: return "module";
	case EB_MEM_PAGE_TABLES: return "page-tables";
	case EB_MEM_BOOT_INFO: return "boot-info";
	}
	return "?";
}

const char *eb_world_name(uint32_t world)
{
	switch (world) {
	case EB_WORLD_UEFI: return "uefi";
	case EB_WORLD_PVH: return "pvh";
	case EB_WORLD_PVH_XEN: return "pvh-xen";
	case EB_WORLD_PV: return "pv";
	}
	return "none";
}

const char *eb_secure_boot_name(uint32_t state)
{
	switch (state) {
	case EB_SECURE_BOOT_SETUP: return "setup";
	case EB_SECURE_BOOT_OFF: return "off";
	case EB_SECURE_BOOT_ENFORCING: return "enforcing";
	}
	return "none";
}

void eb_pcr_list(uint32_t pcrs, char *out, unsigned long max)
{
	if (!pcrs) {
		eb_snprintf(out, max, "none");
		return;
	}
	unsigned long n = 0;
	if (max)
		out[0] = '\0';
	for (unsigned i = 0; i < 32 && n < max; i++)
		if (pcrs & (1u << i))
			n += (unsigned long)eb_snprintf(out + n, max - n, "%s%u", n ? "," : "", i);
}
