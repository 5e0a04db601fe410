/*
 * Loader output (log.h). A verdict goes through isa-debug-exit because
 * neither UEFI's ResetSystem nor a Xen shutdown gives QEMU an exit status
 * (docs/platform.md).
 */
#include "log.h"

#include <stdarg.h>

#include "bootinfo.h"
#include "fmt.h"
#include "io.h"
#include "paging/early_paging.h"
#include "serial.h"

static bool quiet;

void eb_set_quiet(bool q)
{
	quiet = q;
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[768];
	eb_vsnprintf(buf, sizeof buf, fmt, ap);
	con_printf("%s%s\n", prefix, buf);
}

void eb_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vline("earlyboot: ", fmt, ap);
	va_end(ap);
}

void eb_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline("earlyboot: error: ", fmt, ap);
	va_end(ap);
	x86_exit(EB_EXIT_LOADER_FAIL);
}

void eb_check_ep(const struct ep_ctx *ctx, int err, const char *tree,
		 const char *step)
{
	if (err == EP_OK)
		return;
	char buf[240];
	ep_format_error(ctx, buf, sizeof buf);
	eb_fail("%s: %s: %s", tree, step, buf);
}
