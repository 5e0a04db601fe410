# A test that cannot run because something is not installed: one shared
# rule for every test script (tests/lib/boot.bash, tests/fuzz/smoke.sh).
# Sourced, never run: tests/run-tests.sh looks for tests in tests/boot,
# tests/tools and tests/fuzz, never in tests/lib/.
#
# Outside CI a missing dependency is a SKIP that names the Debian package to
# install. Under CI=true nothing may be skipped: a CI machine without the
# package would otherwise go green having tested nothing, so it is a FAIL
# naming the same package (tests/run-tests.sh also turns any SKIP line
# into a failure under CI=true, as a backstop for the C harnesses).

# in_ci: CI=true (what GitHub Actions, GitLab CI and others export).
in_ci() {
	[ "${CI:-}" = true ]
}

# missing_dep NAME WHAT PACKAGE: the result line of case NAME (e.g.
# boot:pv), which needs WHAT (a file or a program) from Debian package
# PACKAGE. Returns 1 under CI=true (the line was a FAIL), else 0.
missing_dep() {
	if in_ci; then
		echo "FAIL $1: $2 not installed (Debian package $3); CI=true runs every case"
		return 1
	fi
	echo "SKIP $1: $2 not installed (Debian package $3)"
	return 0
}
