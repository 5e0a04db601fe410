/*
 * Loader output goes straight to COM1, before and after ExitBootServices
 * alike: the firmware console is gone after exit, and one path means one
 * ordering of lines. Errors use isa-debug-exit for a verdict, since
 * ResetSystem always exits QEMU with status 0 (FACTS.md).
 */
#include <stdarg.h>

#include "bootinfo.h"
#include "fmt.h"
#include "loader.h"
#include "x86/io.h"
#include "x86/serial.h"

static bool quiet;

void efi_set_quiet(bool q)
{
	quiet = q;
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[768];
	eb_vsnprintf(buf, sizeof buf, fmt, ap);
	con_printf("%s%s\n", prefix, buf);
}

void efi_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vline("earlyboot: ", fmt, ap);
	va_end(ap);
}

void efi_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline("earlyboot: error: ", fmt, ap);
	va_end(ap);
	x86_exit(EB_EXIT_LOADER_FAIL);
}
