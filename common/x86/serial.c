#include "serial.h"

#include <stdarg.h>

#include "fmt.h"
#include "io.h"
#include "libc.h"

#define COM1 0x3f8
#define LSR_THRE 0x20

void serial_init(void)
{
	/* 115200 8n1, FIFOs on, interrupts off: we only ever poll. */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x80);
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);
	outb(COM1 + 2, 0xc7);
	outb(COM1 + 4, 0x03);
}

static void put(char c)
{
	/* Bounded wait: a missing UART must not hang the boot. */
	for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & LSR_THRE); i++)
		;
	outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(s[i]);
}

static con_sink_fn sink = serial_write;

void con_set_sink(con_sink_fn fn)
{
	sink = fn ? fn : serial_write;
}

void con_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = eb_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = (int)sizeof buf - 1;
	sink(buf, (size_t)n);
}

void con_line(void *unused, const char *s)
{
	(void)unused;
	/* One write per line: a hypercall sink then costs one call a line. */
	char buf[512];
	size_t n = strlen(s);
	if (n < sizeof buf) {
		memcpy(buf, s, n);
		buf[n] = '\n';
		sink(buf, n + 1);
		return;
	}
	sink(s, n);
	sink("\n", 1);
}

static void (*exit_hook)(uint8_t value);

void x86_set_exit_hook(void (*hook)(uint8_t value))
{
	exit_hook = hook;
}

__attribute__((noreturn)) void x86_exit(uint8_t value)
{
	if (exit_hook)
		exit_hook(value);
	outb(0xf4, value);
	for (;;)
		__asm__ volatile("cli; hlt");
}
