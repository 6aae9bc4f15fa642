#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every message in src/ and of the kbuild fragment is in symfence(1) or symfence-rules(5)
# (tests/diagnostics.py),
# and the check itself finds an undocumented one.
. "$(dirname "$0")/../lib.sh"

if ! command -v groff >/dev/null; then
	fail "groff is needed to render the man pages (apt-get install groff-base)"
	exit 0
fi
check "every message in src/ and kbuild/Makefile.symfence is documented in the man pages" \
	python3 "$TOP/tests/diagnostics.py" "$TOP/src" "$TOP/man/symfence.1" "$TOP/man/symfence-rules.5"

mkdir src
cp "$TOP/src/diag.c" src/
cat >src/new.c <<'C'
static void f(struct symfence_ctx *ctx)
{
	symfence_error(ctx, "x", "a message nobody documented: %s", "y");
}
C
if python3 "$TOP/tests/diagnostics.py" src "$TOP/man/symfence.1" >out 2>&1; then
	fail "an undocumented message passes the check"
else
	expect_output "an undocumented message is named, with its place" out \
		"^src/new.c:3: not in the man pages: 'a message nobody documented'$"
fi

# The kbuild fragment's messages are checked too (kbuild/ beside src/).
rm src/new.c
mkdir kbuild
cat >kbuild/Makefile.symfence <<'MAKE'
x = $(error symfence: $(o) is a fragment message nobody \
	documented ($(y)))
z = $(call symfence-fail,$(o),another undocumented fragment message)
MAKE
if python3 "$TOP/tests/diagnostics.py" src "$TOP/man/symfence.1" >out 2>&1; then
	fail "an undocumented kbuild message passes the check"
else
	expect_output "an undocumented \$(error ...) of the fragment is named, with its place" out \
		"^src/../kbuild/Makefile.symfence:1: not in the man pages: 'is a fragment message nobody documented'$"
	expect_output "... and a symfence-fail message" out \
		"^src/../kbuild/Makefile.symfence:3: not in the man pages: 'another undocumented fragment message'$"
fi
