/*
 * Port I/O and the QEMU isa-debug-exit verdict. Image-only code (common/x86/
 * is never built for the host tests).
 */
#ifndef EARLYBOOT_X86_IO_H
#define EARLYBOOT_X86_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * End the run with a verdict: QEMU exits with (value << 1) | 1. Without the
 * device (real hardware) the write is ignored, so halt for good after it.
 */
__attribute__((noreturn)) void x86_exit(uint8_t value);
/*
 * Called first by x86_exit (NULL: none): a world without isa-debug-exit
 * (a Xen domU) ends its domain there instead; it may return.
 */
void x86_set_exit_hook(void (*hook)(uint8_t value));

#endif
