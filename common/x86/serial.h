/*
 * COM1 (0x3f8) polled output, and the console every image prints through:
 * a printf-style layer over one sink. The sink is COM1 unless the world
 * says otherwise (under Xen a PVH dom0 cannot reach COM1, which Xen owns, and
 * writes through HYPERVISOR_console_io instead: common/xen/hc_console.h).
 */
#ifndef EARLYBOOT_X86_SERIAL_H
#define EARLYBOOT_X86_SERIAL_H

#include <stddef.h>

void serial_init(void);
void serial_write(const char *s, size_t n);

/* Where con_* output goes; NULL restores COM1. */
typedef void (*con_sink_fn)(const char *s, size_t n);
void con_set_sink(con_sink_fn sink);
/* Formats with eb_vsnprintf (at most 1 KiB) and writes; no newline added. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line: s then "\n" (the ptdump callback shape). */
void con_line(void *unused, const char *s);

#endif
