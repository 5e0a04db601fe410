/*
 * The loaders' messages: every line starts "earlyboot: "; an error prints
 * one "earlyboot: error: ..." line and ends the run with the loader-failure
 * verdict (isa-debug-exit EB_EXIT_LOADER_FAIL, docs/handoff.md). Output goes
 * through the console sink (serial.h), so every world shares these.
 */
#ifndef EARLYBOOT_X86_LOG_H
#define EARLYBOOT_X86_LOG_H

#include <stdbool.h>

void eb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void eb_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* quiet: eb_info prints nothing (errors and the stats line still do). */
void eb_set_quiet(bool quiet);

#endif
