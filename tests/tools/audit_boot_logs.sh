#!/usr/bin/env bash
# The mappings audit (tools/ptdump-audit, docs/audit.md) on every boot log
# in build/logs/ that holds a page-table dump: the good boots of
# tests/boot/*.sh pass `ptdump`, and tests/run-tests.sh runs the boot tests
# before this script, so their logs are fresh. One line per log:
#   PASS audit:<log>
#   FAIL audit:<log>: <first violation> (+N more)
#   SKIP audit:<log>: <why>   (a defect= boot, or a log older than its loader
#                             or the test kernel)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
KERNEL=build/testkernel.elf
found=0
status=0
for log in build/logs/*.log; do
	[ -f "$log" ] || continue
	grep -aq 'ptdump: begin' "$log" || continue
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
	# So is stock Linux wherever it booted (the PV world's linux-vmlinux).
	grep -aq 'EARLYBOOT-LINUX: ' "$log" && kelf=
	# A log the current loader did not write (an old `make run`) says
	# nothing about this tree: its dump may lack the audit lines.
	# Nor one of an older test kernel: --kernel-elf would compare it with
	# segments it never had.
	stale=
	for f in $img $kelf; do
		[ -f "$f" ] && [ "$log" -ot "$f" ] && stale=$f && break
	done
	if [ -n "$stale" ]; then
		echo "SKIP audit:$name: log older than $stale (rerun the boot)"
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
			echo "SKIP audit:$name: a defect= boot the audit does not judge"
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
			echo "SKIP audit:$name: the dump has no 'earlyboot: audit' lines (this world does not print them yet)"
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
if [ "$found" -eq 0 ]; then
	echo "SKIP audit:boot-logs: no log in build/logs holds a ptdump dump (boot tests not run?)"
fi
exit $status
