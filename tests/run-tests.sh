#!/usr/bin/env bash
# Run earlyboot's tests and summarise them.
#
#   tests/run-tests.sh unit   every build/unit/test_* binary (make unit first)
#   tests/run-tests.sh all    unit, then every tests/boot/*.sh (the boot
#                             tests, first: the audit judges their logs),
#                             tests/tools/*.sh, tests/tools/*.py and
#                             tests/fuzz/*.sh (the fuzz smoke test)
#
# Every file those patterns match is a test: one without its run bit is a
# FAIL naming it, not left out (a lost chmod must not shrink the suite
# silently). Sourced helpers live in tests/lib/, which holds no tests.
#
# Every test program prints one line per case: "PASS name", "FAIL name: why"
# or "SKIP name: why". This script echoes those lines and counts them. A
# program that exits nonzero without printing a FAIL line (a sanitizer abort,
# a crash, a timeout) counts as one more FAIL named after the program, with
# the last lines of its output; so does one that prints no result at all.
# Other lines (e.g. "# ..." comments) are not results and are not shown.
# "PASS reference:..." lines (a run of the world's own loader, without
# earlyboot: the yardstick a case is compared with) are shown and counted
# apart, never as passes. The last line is "N passed, N failed" (", N
# skipped" when any were), and
# the exit status is 0 exactly when nothing failed.
#
# Under CI=true nothing may be skipped: the test scripts then print FAIL
# for a missing dependency themselves (tests/lib/deps.bash), and as a
# backstop (e.g. for the C unit harness) any SKIP line is counted here as a
# FAIL, shown as "FAIL <name>: ... [SKIP counted as FAIL: CI=true]".
#
# BOOT_LOGS_SINCE: exported to every program, a file made before the first
# boot test runs; tests/tools/audit_boot_logs.sh judges only the boot logs
# newer than it, i.e. written by this run.
#
# RUN_TESTS_TIMEOUT (seconds, default 600) bounds each program.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
timeout_s=${RUN_TESTS_TIMEOUT:-600}
tail_lines=${RUN_TESTS_TAIL:-15}

passed=0
references=0 # PASS reference:*: runs without earlyboot, the yardstick
failed=0
skipped=0

usage() {
	echo "usage: $0 unit|all" >&2
	exit 2
}

# A failure found by this script rather than printed by a test.
extra_fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

# run_one NAME CMD...: run, echo and count its result lines.
run_one() {
	local name=$1
	shift
	local out rc line nfail_before=$failed nlines=0 saw_fail=0
	out=$(mktemp) || exit 2
	if command -v timeout >/dev/null 2>&1; then
		timeout --kill-after=10 "$timeout_s" "$@" >"$out" 2>&1 </dev/null
	else
		"$@" >"$out" 2>&1 </dev/null
	fi
	rc=$?
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"PASS reference:"*) references=$((references + 1)); nlines=$((nlines + 1)); echo "$line" ;;
		"PASS "*) passed=$((passed + 1)); nlines=$((nlines + 1)); echo "$line" ;;
		"FAIL "*) failed=$((failed + 1)); nlines=$((nlines + 1)); saw_fail=1; echo "$line" ;;
		"SKIP "*)
			nlines=$((nlines + 1))
			if [ "${CI:-}" = true ]; then
				failed=$((failed + 1)); saw_fail=1
				echo "FAIL ${line#SKIP } [SKIP counted as FAIL: CI=true]"
			else
				skipped=$((skipped + 1)); echo "$line"
			fi ;;
		esac
	done <"$out"
	local why=""
	if [ "$rc" -ne 0 ] && [ "$saw_fail" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			why="timed out after ${timeout_s}s (status $rc)"
		elif [ "$rc" -gt 128 ]; then
			why="killed by signal $((rc - 128)) without a FAIL line"
		else
			why="exited with status $rc without a FAIL line"
		fi
	elif [ "$nlines" -eq 0 ]; then
		why="printed no PASS/FAIL/SKIP line (status $rc)"
	fi
	if [ -n "$why" ]; then
		extra_fail "$name" "$why; last lines of its output:"
		# Indented so nothing reading this log takes them for results.
		tail -n "$tail_lines" "$out" | sed 's/^/    | /'
	fi
	rm -f "$out"
	[ "$failed" -eq "$nfail_before" ]
}

run_unit() {
	local found=0 bin
	for bin in build/unit/test_*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		found=1
		run_one "$(basename "$bin")" "./$bin"
	done
	if [ "$found" -eq 0 ]; then
		extra_fail "run-tests:unit" "no test binaries in build/unit (run make unit)"
	fi
}

run_scripts() {
	local s since
	# The boot logs of this run are those newer than this file.
	since=$(mktemp) || exit 2
	export BOOT_LOGS_SINCE=$since
	for s in tests/boot/*.sh tests/tools/*.sh tests/tools/*.py tests/fuzz/*.sh; do
		[ -e "$s" ] || continue
		if [ ! -f "$s" ] || [ ! -x "$s" ]; then
			extra_fail "$s" "not an executable file (chmod +x it, or move a sourced helper to tests/lib/)"
			continue
		fi
		run_one "$s" "./$s"
	done
	rm -f "$since"
	unset BOOT_LOGS_SINCE
}

[ $# -eq 1 ] || usage
case $1 in
unit) run_unit ;;
all)
	run_unit
	run_scripts
	;;
*) usage ;;
esac

# A reference run (the world's own loader, no earlyboot) is reported, but
# is no pass of earlyboot's: it stays out of the count.
if [ "$references" -gt 0 ]; then
	echo "# $references reference run(s) without earlyboot passed (not counted below)"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
