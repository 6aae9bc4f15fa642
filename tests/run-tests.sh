#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every test: the Check unit suites, then each integration script, and
# ends with one line "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$TOP/build}" "${SYMFENCE:=$BUILD/symfence}"
export TOP BUILD SYMFENCE FIXTURES="$BUILD/fixtures"
# Under SANITIZE=..., any sanitizer report ends the process with an error, so
# every test fails on one, not only those that look for reports.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1}

passed=0 failed=0 skipped=0
# make check T=t-seal[,t-audit] runs those integration scripts only, SUITE=localize
# that Check suite only (both: both); J=N runs N integration scripts at once
# (default: the number of CPUs). Each script already works in a directory of its own.
T=${T:-} SUITE=${SUITE:-}
J=${J:-$(nproc 2>/dev/null || echo 2)}

if [ -z "$T" ] || [ -n "$SUITE" ]; then
	echo "== unit suites${SUITE:+ ($SUITE)}"
	# (An empty CK_RUN_SUITE would select no suite at all.)
	if [ -n "$SUITE" ]; then export CK_RUN_SUITE=$SUITE; else unset CK_RUN_SUITE; fi
	if CK_FORK=yes "$BUILD/check_symfence" >"$BUILD/unit.log" 2>&1; then :; fi
	cat "$BUILD/unit.log"
	# Check's summary: "100%: Checks: 12, Failures: 0, Errors: 0"
	read -r n f e < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' \
		"$BUILD/unit.log" | tail -1)
	if [ -z "${n:-}" ] || [ "$n" -eq 0 ]; then
		echo "FAIL unit runner printed no summary or ran no check${SUITE:+ (is there a suite '$SUITE'?)}"
		failed=$((failed + 1))
	else
		passed=$((passed + n - f - e))
		failed=$((failed + f + e))
	fi
fi

scripts=()
if [ -z "$SUITE" ] || [ -n "$T" ]; then
	for t in "$TOP"/tests/integration/t-*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		[ -z "$T" ] || [[ ",$T," == *",$name,"* ]] || [[ ",$T," == *",$name.sh,"* ]] || continue
		scripts+=("$t")
	done
	if [ -n "$T" ] && [ ${#scripts[@]} -eq 0 ]; then
		echo "FAIL no integration script matches T=$T"
		failed=$((failed + 1))
	fi
fi

if [ ${#scripts[@]} -gt 0 ]; then
	echo "== fixtures"
	if ! bash "$TOP/tests/fixtures.sh"; then
		echo "FAIL building fixtures"
		failed=$((failed + 1))
	fi
fi

# The scripts run J at a time; their outputs are printed in order.
logs=$BUILD/integration
rm -rf "$logs" && mkdir -p "$logs"
running=0
for t in "${scripts[@]}"; do
	name=$(basename "$t" .sh)
	{
		bash "$t" >"$logs/$name.out" 2>&1
		echo $? >"$logs/$name.status"
	} &
	running=$((running + 1))
	if [ "$running" -ge "$J" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

for t in "${scripts[@]}"; do
	name=$(basename "$t" .sh)
	echo "== $name.sh"
	cat "$logs/$name.out"
	status=$(cat "$logs/$name.status" 2>/dev/null || echo 255)
	p=$(grep -c '^ok ' "$logs/$name.out")
	f=$(grep -c '^FAIL ' "$logs/$name.out")
	s=$(grep -c '^skip ' "$logs/$name.out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name.sh exited $status"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "FAIL $name.sh ran no case"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
