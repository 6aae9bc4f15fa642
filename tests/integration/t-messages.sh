#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every message in src/ is documented in symfence(1) or symfence-rules(5)
# (tests/messages.py says how it looks for them).
. "$(dirname "$0")/../lib.sh"

if out=$(python3 "$TOP/tests/messages.py" "$TOP" 2>&1); then
	ok "every message in src/ is in the man pages ($(tail -1 <<<"$out"))"
else
	fail "messages missing from the man pages"
	printf '%s\n' "$out" | sed 's/^/    | /'
fi
# The checker itself: a message that is not documented is found.
mkdir -p fake/src fake/man
cp "$TOP"/man/symfence.1 "$TOP"/man/symfence-rules.5 fake/man/
printf 'void f(struct symfence_ctx *c)\n{\n\tsymfence_error(c, NULL, "no such message %%s here", "x");\n}\n' > fake/src/x.c
if python3 "$TOP/tests/messages.py" fake > out 2>&1; then
	fail "the checker finds an undocumented message"
else
	expect_output "the checker finds an undocumented message" out '^not in the man pages: src/x\.c:3: "no such message %s here"$'
fi
