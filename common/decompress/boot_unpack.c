/* A native world's bzImage -> its vmlinux (boot_unpack.h). */
#include "boot_unpack.h"

#include "fmt.h"

bool eb_boot_wants_vmlinux(const struct eb_boot *b, const void *file)
{
	if (eb_kernel_kind(file, b->kfile_len) != EB_KERNEL_BZIMAGE)
		return false;
	return b->opt.protocol == EB_PROTOCOL_PVH ||
	       (b->opt.protocol == EB_PROTOCOL_DEFAULT && b->world == EB_WORLD_PVH_XEN);
}

int eb_boot_unpack(struct eb_boot *b, const struct eb_range *busy, size_t nbusy,
		   uint64_t min_pa, const struct eb_boot_unpack_env *env,
		   struct eb_boot_unpacked *u, char *err, size_t errlen)
{
	struct eb_unpack_plan plan, *p = &plan;
	struct eb_unpack_result res;
	const void *file = env->phys(b->kfile_pa, b->kfile_len);
	struct eb_bzimage bz;
	if (!file) {
		eb_snprintf(err, errlen, "0x%llx-byte file at 0x%llx is beyond reach",
			    (unsigned long long)b->kfile_len,
			    (unsigned long long)b->kfile_pa);
		return -1;
	}
	if (eb_bzimage_parse(file, b->kfile_len, &bz, err, errlen) ||
	    eb_unpack_plan(file, b->kfile_len, &bz, p, err, errlen))
		return -1;
	/* Output, then arena, in one run clear of where the kernel goes. */
	uint64_t len = p->out_bytes + p->arena, at;
	uint64_t lo = p->kernel_hi > min_pa ? p->kernel_hi : min_pa;
	if (env->alloc ? env->alloc(len, lo, &at, err, errlen)
		       : eb_place(&b->mem, busy, nbusy, len, lo,
				  "the decompressed vmlinux and its decoder's arena", &at, err,
				  errlen))
		return -1;
	void *dst = env->phys(at, len);
	if (!dst) {
		eb_snprintf(err, errlen,
			    "the decompressed vmlinux and its arena at 0x%llx (+0x%llx) are beyond reach",
			    (unsigned long long)at, (unsigned long long)len);
		return -1;
	}
	if (env->map_now) {
		/* One span, so making one part present never unmaps another. */
		uint64_t s0 = b->kfile_pa < at ? b->kfile_pa : at;
		uint64_t s1 = b->kfile_pa + b->kfile_len > at + len ? b->kfile_pa + b->kfile_len
								    : at + len;
		env->map_now(s0, s1 - s0);
	}
	if (eb_unpack_run(p, &env->cpu, dst, (char *)dst + p->out_bytes, p->arena, &res,
			  err, errlen))
		return -1;
	*u = (struct eb_boot_unpacked){ .pa = at, .out_bytes = p->out_bytes, .arena = p->arena };
	eb_unpack_describe(p, &res, u->line, sizeof u->line);
	b->kfile_pa = at;
	b->kfile_len = res.out_len;
	return 0;
}
