/*
 * A tiny test framework for the host unit tests.
 *
 * A test file defines cases with TEST(name) and a main() that runs them:
 *
 *	TEST(leaf_1g) { CHECK_EQ(got, want); }
 *	int main(void) { RUN(leaf_1g); return th_done(); }
 *
 * Every case prints exactly one line on stdout:
 *	PASS <file>:<case>
 *	FAIL <file>:<case>: <source>:<line>: <detail> [(+N more)]
 *	SKIP <file>:<case>: <why>
 * where <file> is the test file's name without ".c" (the binary's name).
 * CHECK* record the first failure of a case and carry on (so one run shows
 * the first thing that broke); REQUIRE* also end the case at once, for when
 * going on would only crash. Cleanups registered with th_defer run after the
 * case however it ended. th_done() returns the exit status: nonzero if any
 * case failed.
 *
 * Every case must check something. The harness counts the checks a case
 * makes: each CHECK*, REQUIRE*, th_check_eq/th_check_str, th_pass and
 * th_fail is one. A case that ends without any check and without skipping
 * can never fail, which is a defect of the test, so it FAILs:
 *	FAIL <file>:<case>: made no check
 * A helper that judges with `if (bad) th_fail(...)` makes no check when all
 * is well: it must say so, with CHECKF(!bad, ...) or th_pass() on the good
 * path, so the cases that assert only through it count. The REQUIREs a
 * fixture makes while it is built (fx_new, xfx_new) do not count: a case
 * that only builds one has checked nothing (th_checks_reset below).
 *
 * A skip names why (the missing file, the package that provides it). With
 * CI=true in the environment a skip is a FAIL, since CI has everything
 * installed and a skip there hides a test that did not run:
 *	FAIL <file>:<case>: skipped under CI: <why>
 */
#ifndef EARLYBOOT_TEST_HARNESS_H
#define EARLYBOOT_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*th_case_fn)(void);

void th_run_case(const char *file, const char *name, th_case_fn fn);
int th_done(void);

/* Record a failure of the running case (only the first one is printed);
 * counts as a check. */
void th_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* End the running case now (after th_fail, or to skip). */
_Noreturn void th_abort(void);
_Noreturn void th_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Record a check that passed (what CHECK does when its condition holds). */
void th_pass(void);
/*
 * A fixture's setup (ep_fixture.c, xen_fixture.c) asserts that the fixture
 * came up, which is no check of the case's own: it takes th_checks() before
 * and th_checks_reset() to that after, so a case that only builds a fixture
 * still "made no check".
 */
unsigned long th_checks(void);
void th_checks_reset(unsigned long n);
/* True once the running case has recorded a failure: loops stop early. */
bool th_failed(void);
/* Run fn(arg) when the running case ends, last registered first. */
void th_defer(void (*fn)(void *), void *arg);
/* Allocate zeroed memory freed when the case ends (aborts if out of memory). */
void *th_alloc(uint64_t size);

#define TEST(name) static void name(void)
#define RUN(name) th_run_case(__FILE__, #name, name)

#define CHECK(c) \
	((c) ? th_pass() : th_fail(__FILE__, __LINE__, "check failed: %s", #c))
#define CHECKF(c, ...) ((c) ? th_pass() : th_fail(__FILE__, __LINE__, __VA_ARGS__))
#define REQUIRE(c)                                                           \
	do {                                                                 \
		if (!(c)) {                                                  \
			th_fail(__FILE__, __LINE__, "required: %s", #c);     \
			th_abort();                                          \
		}                                                            \
		th_pass();                                                   \
	} while (0)
#define REQUIREF(c, ...)                                      \
	do {                                                  \
		if (!(c)) {                                   \
			th_fail(__FILE__, __LINE__, __VA_ARGS__); \
			th_abort();                           \
		}                                             \
		th_pass();                                    \
	} while (0)

/* Integer equality, both values shown in hex and decimal. */
#define CHECK_EQ(got, want)                                                  \
	th_check_eq(__FILE__, __LINE__, #got, (uint64_t)(got), (uint64_t)(want), \
		    false)
#define REQUIRE_EQ(got, want)                                                \
	th_check_eq(__FILE__, __LINE__, #got, (uint64_t)(got), (uint64_t)(want), \
		    true)
bool th_check_eq(const char *file, int line, const char *what, uint64_t got,
		 uint64_t want, bool fatal);

#define CHECK_STR(got, want) th_check_str(__FILE__, __LINE__, #got, got, want, false)
#define REQUIRE_STR(got, want) th_check_str(__FILE__, __LINE__, #got, got, want, true)
bool th_check_str(const char *file, int line, const char *what,
		  const char *got, const char *want, bool fatal);

#endif
