/*
 * The UEFI world after ExitBootServices: describe this boot in the
 * world-neutral terms of common/boot.h, then let common/x86/chainload.c
 * build the tree through early_paging (native backend), go live on it, load
 * the kernel through the lazily materialized direct map, complete what the
 * handoff promises, fill the boot info and jump (the same steps as PVH).
 */
#include "boot.h"
#include "libc.h"
#include "loader.h"
#include "x86/chainload.h"
#include "x86/cpu.h"

static struct eb_mem_range mem_storage[EB_MEM_MAX];
static struct eb_boot boot;
static uint8_t df_stack[16384] __attribute__((aligned(16)));

void efi_describe(const struct efi_boot *b, struct eb_boot *eb)
{
	memset(eb, 0, sizeof(*eb));
	eb->world = EB_WORLD_UEFI;
	eb->secure_boot = efi_sb_state();
	eb->measured_pcrs = efi_measured_pcrs();
	eb->opt = b->opt;
	eb->kernel_name = b->opt.kernel;
	/* Ourselves, W^X: PE headers read-only, text R+X, data (stacks, GDT, IDT) RW. */
	uint64_t img_end = b->image_pa + b->image_len;
	if (b->text_pa > b->image_pa)
		eb->self[eb->nself++] = (struct eb_self_region){
			b->image_pa, b->text_pa - b->image_pa, 0, "loader headers"
		};
	eb->self[eb->nself++] = (struct eb_self_region){
		b->text_pa, b->text_end - b->text_pa, EP_X, "loader text"
	};
	eb->self[eb->nself++] = (struct eb_self_region){
		b->text_end, img_end - b->text_end, EP_W, "loader data"
	};
	eb->kfile_pa = b->kfile_pa;
	eb->kfile_len = b->kfile_len;
	eb->kind = b->kind;
	eb->protocol = b->protocol;
	eb->bz = b->bz;
	eb->elf = b->elf;
	eb->pvh = b->pvh;
	eb->pvh_info_pa = b->pvh_info_pa;
	eb->kernel_pa_delta = b->kernel_pa_delta;
	eb->linux_params_pa = b->linux_params_pa;
	if (b->initrd_len)
		eb->mods[eb->nmods++] = (struct eb_handoff_module){
			b->initrd_pa, b->initrd_len, "initrd"
		};
	eb->bootinfo_pa = b->bootinfo_pa;
	eb->pool_pa = b->pool_pa;
	eb->pool_frames = b->pool_frames;
	eb->lazy_frames = b->lazy_frames;
	eb->acpi_rsdp_pa = b->acpi_rsdp_pa;
	/* Set once ExitBootServices has given the final map. */
	if (b->efi_map)
		eb->efi = (struct eb_efi_handoff){
			.systab_pa = b->systab_pa,
			.map_pa = (uint64_t)(uintptr_t)b->efi_map,
			.map_size = b->efi_map_size,
			.desc_size = (uint32_t)b->efi_desc_size,
			.desc_version = b->efi_desc_version,
			.has_screen = b->has_screen,
			.screen = b->screen,
		};
	eb->levels = b->levels;
	eb->leaf_mask = b->leaf_mask;
}

void efi_after_exit(void *arg)
{
	struct efi_boot *b = arg;
	x86_cpu_init((uint64_t)(df_stack + sizeof df_stack));
	eb_info("left boot services after %u tr%s", b->exit_tries,
		b->exit_tries == 1 ? "y" : "ies");

	efi_describe(b, &boot);
	char err[200];
	eb_memmap_init(&boot.mem, mem_storage, EB_MEM_MAX);
	if (efi_convert_map(&boot.mem, b->efi_map, b->efi_map_size,
			    b->efi_desc_size, err, sizeof err))
		eb_fail("%s", err);
	eb_chainload(&boot);
}
