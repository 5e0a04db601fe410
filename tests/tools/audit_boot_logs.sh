#!/usr/bin/env bash
# The mappings audit (tools/ptdump-audit, docs/audit.md) on the boot logs
# in build/logs/ that hold a page-table dump: the good boots of
# tests/boot/*.sh pass `ptdump`. One line per judged log:
#   PASS audit:<log>
#   FAIL audit:<log>: <first violation> (+N more)
#
# Which logs: evidence of this tree only, never a leftover.
#   - Under tests/run-tests.sh (BOOT_LOGS_SINCE names a file made before
#     the boot tests ran): exactly the logs newer than that file, i.e.
#     written by this run. Older logs (renamed cases, `make run`, boots
#     skipped this time) are not this run's evidence: one "# " comment
#     counts them; they are neither passed nor skipped. No dump from this
#     run at all is a FAIL (the boot tests ran, so their good boots must
#     have dumped), or, without qemu, a missing dependency
#     (tests/lib/deps.bash: a SKIP, a FAIL under CI=true).
#   - Run by hand: every log; one older than its loader or the test kernel
#     FAILs (stale: rerun its boot or delete it): it says nothing about the
#     current tree and must not pass.
# Logs that are not audit cases get a "# " comment, not a result line:
# defect= boots other than defect=nx (they break promises the audit does
# not judge; defect=nx is a case: the audit must catch its W+X), and
# dumps of unknown origin without the audit facts.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
. tests/lib/deps.bash
KERNEL=build/testkernel.elf
since=${BOOT_LOGS_SINCE:-}
found=0
older=0
status=0
for log in build/logs/*.log; do
	[ -f "$log" ] || continue
	grep -aq 'ptdump: begin' "$log" || continue
	if [ -n "$since" ] && ! [ "$log" -nt "$since" ]; then
		older=$((older + 1))
		continue
	fi
	found=1
	name=$(basename "$log" .log)
	# Stock Linux (tests/boot/linux.sh: linux-<world>-<case>) is judged
	# without --kernel-elf: its exec lines are the identity mapping its
	# boot protocol wants, not the ELF's link addresses.
	kelf=$KERNEL
	case $name in
	uefi-* | linux-uefi-*) img=build/earlyboot.efi ;;
	pvh-* | linux-pvh-*) img=build/earlyboot-pvh.elf ;;
	pv-* | linux-pv-*) img=build/earlyboot-pv.elf ;;
	*) img= ;;
	esac
	case $name in
	linux-*) kelf= ;;
	esac
	# So is stock Linux wherever it booted (the PV world's linux-vmlinux),
	# known by the loader's account of the kernel, not only by the guest's
	# verdict: a Linux boot that timed out is still no test kernel's.
	grep -aq 'EARLYBOOT-LINUX: ' "$log" && kelf=
	grep -aqE '^earlyboot: kernel [^:]*: Linux ' "$log" && kelf=
	# A log the current loader did not write (an old `make run`) says
	# nothing about this tree: its dump may lack the audit lines.
	# Nor one of an older test kernel: --kernel-elf would compare it with
	# segments it never had.
	stale=
	for f in $img $kelf; do
		[ -f "$f" ] && [ "$log" -ot "$f" ] && stale=$f && break
	done
	if [ -n "$stale" ]; then
		echo "FAIL audit:$name: log older than $stale: stale evidence (rerun its boot, or delete $log)"
		status=1
		continue
	fi
	# defect= breaks a handoff promise on purpose (tests/boot). defect=nx
	# maps the kernel without NX: the audit must catch it, which shows the
	# whole chain (loader facts, dump, audit) can fail. The other defects
	# break promises the audit does not judge.
	if grep -aq '^earlyboot: debug: defect=' "$log"; then
		if grep -aq '^earlyboot: debug: defect=nx ' "$log"; then
			# Caught as W+X, not merely unauditable.
			if tools/ptdump-audit "$log" 2>&1 | grep -q ': wx: '; then
				echo "PASS audit:$name (W+X caught)"
			else
				echo "FAIL audit:$name: the audit found no W+X in a defect=nx boot"
				status=1
			fi
		else
			echo "# audit:$name: a defect= boot; the audit does not judge it"
		fi
		continue
	fi
	# Every world prints the audit facts with every dump (common/x86/
	# audit.c): without them a log FAILs below. A log of another origin
	# cannot be judged: say so rather than pass it.
	case $name in
	uefi-* | pvh-* | pv-* | linux-*) ;;
	*)
		if ! grep -aq '^earlyboot: audit world ' "$log"; then
			echo "# audit:$name: not a tests/boot log and no 'earlyboot: audit' lines; not judged"
			continue
		fi ;;
	esac
	args=()
	[ -n "$kelf" ] && [ -f "$kelf" ] && args+=(--kernel-elf "$kelf")
	out=$(tools/ptdump-audit "$log" "${args[@]}" 2>&1)
	if [ $? -eq 0 ]; then
		echo "PASS audit:$name"
	else
		n=$(printf '%s\n' "$out" | grep -c ': \(wx\|exec\|page0\|pv-tables\): ')
		first=$(printf '%s\n' "$out" | head -n 1)
		more=""
		[ "$n" -gt 1 ] && more=" (+$((n - 1)) more)"
		echo "FAIL audit:$name: $first$more"
		status=1
	fi
done
if [ "$older" -gt 0 ]; then
	echo "# audit: $older dump logs in build/logs are older than this run; not judged"
fi
if [ "$found" -eq 0 ]; then
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		# The boot scripts said so too (SKIP, or FAIL under CI=true).
		missing_dep audit:boot-logs qemu-system-x86_64 qemu-system-x86 || status=1
	elif [ -n "$since" ]; then
		echo "FAIL audit:boot-logs: the boot tests of this run wrote no log with a ptdump dump"
		status=1
	else
		echo "FAIL audit:boot-logs: no log in build/logs holds a ptdump dump (run tests/boot/*.sh first)"
		status=1
	fi
fi
exit $status
