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

echo "== unit suites"
if CK_FORK=yes "$BUILD/check_symfence" > "$BUILD/unit.log" 2>&1; then :; fi
cat "$BUILD/unit.log"
# Check's summary: "100%: Checks: 12, Failures: 0, Errors: 0"
read -r n f e < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' \
	"$BUILD/unit.log" | tail -1)
if [ -z "${n:-}" ]; then
	echo "FAIL unit runner printed no summary"
	failed=$((failed + 1))
else
	passed=$((passed + n - f - e))
	failed=$((failed + f + e))
fi

echo "== fixtures"
if ! bash "$TOP/tests/fixtures.sh"; then
	echo "FAIL building fixtures"
	failed=$((failed + 1))
fi

for t in "$TOP"/tests/integration/t-*.sh; do
	[ -e "$t" ] || continue
	echo "== $(basename "$t")"
	out=$(bash "$t" 2>&1)
	status=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	s=$(printf '%s\n' "$out" | grep -c '^skip ')
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $(basename "$t") exited $status"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "FAIL $(basename "$t") ran no case"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
