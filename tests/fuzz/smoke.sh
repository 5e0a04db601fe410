#!/usr/bin/env bash
# Run every libFuzzer harness (build/fuzz/fuzz_*, mk/fuzz.mk) for a bounded
# time and print one line per harness:
#   PASS fuzz:<harness>: N executions in S s (corpus C)
#   FAIL fuzz:<harness>: <crash kind>; reproducer <path> (rerun: <command>)
#   FAIL fuzz:<harness>: no executions (log <path>)   (a run that fuzzed
#                        nothing tested nothing, whatever its status)
#   SKIP fuzz:<harness>: <why>           (clang has no libFuzzer runtime;
#                        a FAIL under CI=true: tests/lib/deps.bash)
#
# tests/run-tests.sh runs it as a smoke test (FUZZ_SECONDS default 3 each).
# `make fuzz` runs it with FUZZ_SECONDS=60 and FUZZ_WORK=build/fuzz/work, a
# corpus kept between runs. Without FUZZ_WORK the committed seeds
# (tests/fuzz/corpus/<harness>/) are only read: new inputs go to a
# temporary directory. FUZZ_ONLY="fuzz_elf fuzz_cpio" runs just those.
# The last line is the total number of executions.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
. tests/lib/deps.bash
secs=${FUZZ_SECONDS:-3}
work=${FUZZ_WORK:-}
crashes=build/fuzz/crashes
logs=build/fuzz/logs
mkdir -p "$crashes" "$logs"

have_runtime() {
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
		${FUZZ_CC:-clang} -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1
}

total=0
status=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for src in tests/fuzz/fuzz_*.c; do
	h=$(basename "$src" .c)
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in *" $h "*) ;; *) continue ;; esac
	fi
	bin=build/fuzz/$h
	if [ ! -x "$bin" ]; then
		if have_runtime; then
			echo "FAIL fuzz:$h: $bin not built (make fuzz-build)"
			status=1
		else
			missing_dep "fuzz:$h" "the libFuzzer runtime of ${FUZZ_CC:-clang}" \
				"clang, and libclang-rt-14-dev for clang 14" || status=1
		fi
		continue
	fi
	seeds=tests/fuzz/corpus/$h
	if [ -n "$work" ]; then
		dir=$work/$h
	else
		dir=$tmp/$h
	fi
	mkdir -p "$dir" "$seeds"
	log=$logs/$h.log
	# The first directory receives new inputs; the seeds are read only.
	# -timeout: one input taking 10 s is a hang, reported as a crash.
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$crashes/$h-" \
		"$dir" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	total=$((total + ${execs:-0}))
	if [ "$rc" -ne 0 ]; then
		repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z-]+|runtime error: .*|promise broken: .*' "$log")
		echo "FAIL fuzz:$h: ${kind:-exit status $rc}; reproducer ${repro:-none} (rerun: $bin ${repro:-}; log $log)"
		status=1
		continue
	fi
	if [ -z "$execs" ] || [ "$execs" = 0 ]; then
		echo "FAIL fuzz:$h: ${execs:-no} executions (no stat::number_of_executed_units > 0 in the log; log $log)"
		status=1
		continue
	fi
	ncorp=$(find "$dir" "$seeds" -type f | wc -l)
	echo "PASS fuzz:$h: $execs executions in ${secs} s (corpus $ncorp)"
done
echo "fuzz: $total executions in total"
exit $status
