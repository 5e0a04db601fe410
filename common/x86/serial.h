/* COM1 (0x3f8) polled output and a printf-style console on top of it. */
#ifndef EARLYBOOT_X86_SERIAL_H
#define EARLYBOOT_X86_SERIAL_H

#include <stddef.h>

void serial_init(void);
void serial_write(const char *s, size_t n);
/* Formats with eb_vsnprintf (at most 1 KiB) and writes; no newline added. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line: s then "\n" (the ptdump callback shape). */
void con_line(void *unused, const char *s);

#endif
