/*
 * The loader's own tree, the first thing pvh_main builds: the entry stub's
 * map covers only the image, and we cannot know where start info, modules
 * and RAM are before reading them. So, through early_paging (native
 * backend) like every other tree: the image identity-mapped eagerly and
 * W^X, and every other address below PVH_REACH identity-mapped lazily, the
 * #PF materializer building the tables on first touch from a small pool it
 * resets when full. This tree is never handed over; its tables live in our
 * .bss and become loader memory when common/x86/chainload.c switches to
 * the tree it builds for the kernel.
 */
#include "libc.h"
#include "pvh.h"
#include "x86/log.h"
#include "x86/traps.h"

#include "page.h"
#define POOL_FRAMES 16 /* the image's tables and the lazy regions' edges */
#define LAZY_FRAMES 32 /* reset when full: any reach, bounded memory */

static uint8_t frames[(POOL_FRAMES + LAZY_FRAMES) * PAGE] __attribute__((aligned(4096)));
static uint8_t pool_state[POOL_FRAMES], lazy_state[LAZY_FRAMES];
static struct ep_ctx ctx;

static void *identity(void *env, uint64_t pa)
{
	(void)env;
	return (void *)pa;
}

const void *pvh_phys(void *env, uint64_t pa, uint64_t len)
{
	(void)env;
	if (pa + len < pa || pa + len > PVH_REACH)
		return 0;
	return (const void *)pa;
}

static void check(enum ep_err e, const char *what)
{
	eb_check_ep(&ctx, e, "bootstrap page tables", what);
}

/*
 * The decoders keep data below rsp (docs/decompress.md): no #PF may land
 * on their stack, so what they read and write is mapped before the call.
 */
void pvh_bootstrap_map_now(uint64_t pa, uint64_t len)
{
	check(ep_lazy_materialize(&ctx, pa, len), "map a decoder's memory now");
}

struct ep_ctx *pvh_bootstrap(unsigned leaf_mask)
{
	uint64_t base = (uint64_t)frames;
	struct ep_config cfg = {
		.ops = &ep_native_ops,
		.levels = 4, /* the stub enables 4-level paging */
		.leaf_mask = leaf_mask,
		.phys_to_virt = identity,
		.pool_pa = base,
		.pool_frames = POOL_FRAMES,
		.pool_state = pool_state,
		.lazy_pool_pa = base + POOL_FRAMES * PAGE,
		.lazy_pool_frames = LAZY_FRAMES,
		.lazy_pool_state = lazy_state,
	};
	check(ep_init(&ctx, &cfg), "init");
	pvh_xen_count_into(&ctx.count);
	uint64_t text = (uint64_t)__text_start, text_end = (uint64_t)__text_end;
	uint64_t ro = (uint64_t)__rodata_start, ro_end = (uint64_t)__rodata_end;
	uint64_t data = (uint64_t)__data_start, end = (uint64_t)__image_end;
	check(ep_map(&ctx, text, text, text_end - text, EP_X), "loader text");
	check(ep_map(&ctx, ro, ro, ro_end - ro, 0), "loader rodata");
	check(ep_map(&ctx, data, data, end - data, EP_W), "loader data");
	uint64_t start = (uint64_t)__image_start;
	/*
	 * Page 0 too: QEMU's PVH option ROM puts the memory map at 0x5a8 (the
	 * start info only promises that nothing starts at address 0 itself).
	 * The tree handed over maps nothing there.
	 */
	check(ep_lazy_declare(&ctx, 0, 0, start, EP_W), "low memory");
	check(ep_lazy_declare(&ctx, end, end, PVH_REACH - end, EP_W), "memory above the image");
	eb_traps_serve(&ctx);
	check(ep_activate(&ctx), "activate");
	return &ctx;
}
