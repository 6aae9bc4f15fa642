# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for integration tests (tests/integration/t-*.sh).
#
# Each test script runs in a fresh temporary directory ($T, removed at exit),
# reports each case with ok/fail, and may call skip with a reason. The runner
# counts the "ok"/"FAIL" lines. Fixtures that are slow to build live in
# $FIXTURES (built once per 'make check' by tests/fixtures.sh).
#
# Environment from the Makefile: SYMFENCE (the tool), BUILD (build dir).

set -u
: "${SYMFENCE:?run through make check}"
: "${BUILD:?run through make check}"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES=${FIXTURES:-$BUILD/fixtures}
T=$(mktemp -d "${TMPDIR:-/tmp}/symfence-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
TEST_NAME=$(basename "${0%.sh}")

ok() { echo "ok $TEST_NAME: $*"; }
fail() { echo "FAIL $TEST_NAME: $*"; }
skip() { echo "skip $TEST_NAME: $*"; }

# check NAME COMMAND...: ok when COMMAND succeeds, fail (with its output) otherwise.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		fail "$name"
		printf '%s\n' "$out" | sed 's/^/    | /' | head -20
	fi
}

# expect_status N NAME COMMAND...: run COMMAND, capture stderr+stdout in $T/out, check status.
expect_status() {
	local want=$1 name=$2 got
	shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		fail "$name (exit $got, expected $want)"
		sed 's/^/    | /' "$T/out" | head -20
	fi
}

# expect_output NAME FILE PATTERN: FILE has a line matching the extended regex PATTERN.
expect_output() {
	if grep -Eq -- "$3" "$2"; then
		ok "$1"
	else
		fail "$1: no line matches /$3/ in:"
		sed 's/^/    | /' "$2" | head -20
	fi
}

# Symbols of an object as "name binding ndx value" lines, sorted, from readelf (the oracle).
symtab_of() {
	readelf -sW "$1" | awk '$1 ~ /^[0-9]+:$/ && $8 != "" { print $8, $5, $7, $2 }' | sort
}

# Relocations as "section offset type symbol" lines from readelf.
relocs_of() {
	readelf -rW "$1" | awk '
		/^Relocation section/ { sec = $3; next }
		/^ *[0-9a-f]+ +[0-9a-f]+ +R_/ { print sec, $1, $3, $5 }'
}
