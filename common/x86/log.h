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

/*
 * The one way a world ends the run on a failed early_paging call: nothing
 * for EP_OK, else one error line "TREE: STEP: " followed by what the API
 * recorded about the fault (ep_format_error: the va, frame or pool).
 */
struct ep_ctx;
void eb_check_ep(const struct ep_ctx *ctx, int err, const char *tree,
		 const char *step);

#endif
