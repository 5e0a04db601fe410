#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TH_MAX_DEFER 4096

static struct {
	jmp_buf jb;
	bool in_case, failed, skipped;
	unsigned extra;        /* failures after the first */
	unsigned long checks;  /* checks the running case made (harness.h) */
	char msg[1024];        /* first failure, or skip reason */
	struct {
		void (*fn)(void *);
		void *arg;
	} defer[TH_MAX_DEFER];
	unsigned ndefer;
	unsigned npass, nfail, nskip;
} th;

/* "tests/unit/test_map.c" -> "test_map": the binary's name. */
static void base_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(out, len, "%s", b);
	char *dot = strrchr(out, '.');
	if (dot && strcmp(dot, ".c") == 0)
		*dot = '\0';
}

static const char *src_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* One line per case: a detail must not break the line. */
static void one_line(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

void th_pass(void)
{
	th.checks++;
}

unsigned long th_checks(void)
{
	return th.checks;
}

void th_checks_reset(unsigned long n)
{
	th.checks = n;
}

void th_fail(const char *file, int line, const char *fmt, ...)
{
	th.checks++;
	if (th.failed) {
		th.extra++;
		return;
	}
	th.failed = true;
	int n = snprintf(th.msg, sizeof th.msg, "%s:%d: ", src_name(file), line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(th.msg + n, sizeof th.msg - (size_t)n, fmt, ap);
	va_end(ap);
	one_line(th.msg);
}

_Noreturn void th_abort(void)
{
	if (!th.in_case) {
		fprintf(stderr, "th_abort outside a test case\n");
		abort();
	}
	longjmp(th.jb, 1);
}

/* CI=true: everything is installed there, so a skip is a test not run. */
static bool under_ci(void)
{
	const char *ci = getenv("CI");
	return ci && strcmp(ci, "true") == 0;
}

_Noreturn void th_skip(const char *fmt, ...)
{
	if (th.failed) /* the failure stands */
		th_abort();
	char why[sizeof th.msg - 32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (under_ci()) {
		th.failed = true;
		snprintf(th.msg, sizeof th.msg, "skipped under CI: %s", why);
	} else {
		th.skipped = true;
		snprintf(th.msg, sizeof th.msg, "%s", why);
	}
	one_line(th.msg);
	th_abort();
}

bool th_failed(void)
{
	return th.failed;
}

void th_defer(void (*fn)(void *), void *arg)
{
	if (th.ndefer == TH_MAX_DEFER) {
		fprintf(stderr, "th_defer: too many cleanups\n");
		abort();
	}
	th.defer[th.ndefer].fn = fn;
	th.defer[th.ndefer].arg = arg;
	th.ndefer++;
}

void *th_alloc(uint64_t size)
{
	void *p = calloc(1, size ? (size_t)size : 1);
	if (!p) {
		fprintf(stderr, "th_alloc: out of memory (%llu bytes)\n",
			(unsigned long long)size);
		abort();
	}
	th_defer(free, p);
	return p;
}

bool th_check_eq(const char *file, int line, const char *what, uint64_t got,
		 uint64_t want, bool fatal)
{
	if (got == want) {
		th_pass();
		return true;
	}
	th_fail(file, line, "%s: expected 0x%llx (%llu), got 0x%llx (%llu)", what,
		(unsigned long long)want, (unsigned long long)want,
		(unsigned long long)got, (unsigned long long)got);
	if (fatal)
		th_abort();
	return false;
}

bool th_check_str(const char *file, int line, const char *what,
		  const char *got, const char *want, bool fatal)
{
	if (got && want && strcmp(got, want) == 0) {
		th_pass();
		return true;
	}
	th_fail(file, line, "%s: expected \"%s\", got \"%s\"", what,
		want ? want : "(null)", got ? got : "(null)");
	if (fatal)
		th_abort();
	return false;
}

void th_run_case(const char *file, const char *name, th_case_fn fn)
{
	char fname[256];
	base_name(file, fname, sizeof fname);
	/* Named on stderr first, so a crash inside the case can be placed. */
	fprintf(stderr, "# running %s:%s\n", fname, name);
	fflush(stderr);

	th.in_case = true;
	th.failed = th.skipped = false;
	th.extra = 0;
	th.checks = 0;
	th.msg[0] = '\0';
	th.ndefer = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (setjmp(th.jb) == 0)
		fn();
	while (th.ndefer) {
		th.ndefer--;
		th.defer[th.ndefer].fn(th.defer[th.ndefer].arg);
	}
	th.in_case = false;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* TH_TIME=1 in the environment: how long each case took, on stderr. */
	if (getenv("TH_TIME"))
		fprintf(stderr, "# %s:%s took %.3f s\n", fname, name,
			(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);

	/* A case that checked nothing cannot fail: a defect (harness.h). */
	if (!th.failed && !th.skipped && th.checks == 0) {
		th.failed = true;
		snprintf(th.msg, sizeof th.msg, "made no check");
	}
	if (th.failed) {
		th.nfail++;
		if (th.extra)
			printf("FAIL %s:%s: %s (+%u more)\n", fname, name, th.msg,
			       th.extra);
		else
			printf("FAIL %s:%s: %s\n", fname, name, th.msg);
	} else if (th.skipped) {
		th.nskip++;
		printf("SKIP %s:%s: %s\n", fname, name, th.msg);
	} else {
		th.npass++;
		printf("PASS %s:%s\n", fname, name);
	}
	fflush(stdout);
}

int th_done(void)
{
	return th.nfail ? 1 : 0;
}
