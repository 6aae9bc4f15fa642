#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Replays every input under tests/regress/ (crashes found by the fuzzers, and
# hand-made reproducers of bugs found while hardening), two ways:
#
#  1. through the command:  object/  symfence localize ARGS FILE -o OUT
#                           rules/   symfence rules check FILE
#                           audit/   symfence audit -r RULES -j1 FILE
#     expecting exit status 2 (or the one in FILE.expect), no crash (status
#     < 128, no sanitizer report), one error line naming FILE (object: exactly
#     one stderr line; rules: every line names FILE; audit: one error line
#     naming FILE, plus the summary), and no output file after a failure.
#     ARGS: FILE.args (one argument per line, any bytes but '\n'), else
#     "-s x --allow-missing".
#  2. through the fuzz harness of that directory (tests/fuzz/fuzz_*.c with a
#     plain main(), tests/fuzz/standalone.c), built here against
#     $BUILD/libsymfence.a with the same sanitizers as $SYMFENCE, so the
#     harness invariants are checked too.
. "$(dirname "$0")/../lib.sh"

REG=$TOP/tests/regress
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
unset FUZZ_IGNORE

# What $SYMFENCE was built with: the harnesses get the same compiler and sanitizers.
cc=gcc
readelf -p .comment "$SYMFENCE" 2>/dev/null | grep -q 'clang version' && cc=clang
command -v $cc >/dev/null || cc=cc
san=
nm "$SYMFENCE" 2>/dev/null | grep -q '__asan_init' && san="$san,address"
nm "$SYMFENCE" 2>/dev/null | grep -q '__ubsan_handle' && san="$san,undefined"
san=${san#,}
sanflags=${san:+-fsanitize=$san -fno-omit-frame-pointer}
deplibs="$(pkg-config --libs libelf libdw zlib liblzma libzstd 2>/dev/null ||
	echo -lelf -ldw -lz -llzma -lzstd) -lpthread"

# A sanitizer report or a harness invariant in FILE?
sanitizer_said() {
	grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|fuzz invariant broken' "$1"
}

cat > regress.rules <<'EOF'
library lib
    objects lib/*.o
    private lib_* *_helper* s*
    allow friend*.o
EOF

# The suffix the audit needs to recognise a compressed module or an archive.
audit_name() {
	local magic
	magic=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
	case $magic in
	fd377a585a00*) echo in.ko.xz ;;
	28b52ffd*) echo in.ko.zst ;;
	1f8b*) echo in.ko.gz ;;
	213c617263683e0a | 213c7468696e3e0a) echo in.a ;;
	*) echo in.o ;;
	esac
}

replay_cli() {	# replay_cli KIND FILE
	local kind=$1 f=$2 name want=2 status shown lines bad args=()
	name=$kind/$(basename "$f")
	[ -e "$f.expect" ] && want=$(cat "$f.expect")
	rm -rf "$T/run" && mkdir -p "$T/run"
	case $kind in
	object)
		shown=$T/run/$(basename "$f")
		cp "$f" "$shown"
		args=(-s x --allow-missing)
		[ -e "$f.args" ] && mapfile -t args < "$f.args"
		"$SYMFENCE" localize "${args[@]}" "$shown" -o "$T/run/out.o" >"$T/stdout" 2>"$T/stderr"
		;;
	rules)
		shown=$T/run/$(basename "$f")
		cp "$f" "$shown"
		"$SYMFENCE" rules check "$shown" >"$T/stdout" 2>"$T/stderr"
		;;
	audit)
		shown=$T/run/$(audit_name "$f")
		cp "$f" "$shown"
		"$SYMFENCE" audit -r regress.rules --root "$T/run" -j1 "$shown" \
			>"$T/stdout" 2>"$T/stderr"
		;;
	esac
	status=$?
	bad=
	[ "$status" -ge 128 ] && bad="crashed (status $status)"
	[ -z "$bad" ] && sanitizer_said "$T/stderr" && bad="sanitizer report"
	[ -z "$bad" ] && [ "$status" != "$want" ] && bad="exit $status, expected $want"
	if [ -z "$bad" ] && [ "$status" = 2 ]; then
		case $kind in
		object)
			lines=$(wc -l < "$T/stderr")
			[ "$lines" = 1 ] || bad="$lines stderr lines, expected one"
			grep -q "^$shown: error: " "$T/stderr" || bad="${bad:-the error does not name the file}"
			[ -e "$T/run/out.o" ] && bad="${bad:-an output file was written}"
			;;
		rules)
			grep -q "^$shown:" "$T/stderr" || bad="no line names the file"
			grep -vq "^$shown:" "$T/stderr" && bad="${bad:-a line does not name the file}"
			;;
		audit)
			lines=$(grep -c "^$shown[:(]" "$T/stderr")
			[ "$lines" -ge 1 ] || bad="no error line names the file"
			grep -v "^$shown[:(]" "$T/stderr" | grep -vq '^symfence: audited ' &&
				bad="${bad:-a line is neither about the file nor the summary}"
			;;
		esac
	fi
	if [ -z "$bad" ]; then
		ok "$name: symfence $kind exits $want cleanly"
	else
		fail "$name: symfence $kind: $bad"
		sed 's/^/    | /' "$T/stderr" | head -12
	fi
}

harness() {	# harness KIND: builds $T/replay-KIND, or says why not
	local kind=$1 def=
	[ "$kind" = audit ] && [ -e "$TOP/src/audit.c" ] && def=-DFUZZ_AUDIT_FULL
	# shellcheck disable=SC2086
	$cc -std=gnu11 -g -O1 $sanflags $def -I"$TOP/include" -I"$TOP/src" -D_GNU_SOURCE \
		-o "$T/replay-$kind" "$TOP/tests/fuzz/fuzz_$kind.c" "$TOP/tests/fuzz/standalone.c" \
		"$BUILD/libsymfence.a" $deplibs 2>"$T/cc.err"
}

# A sidecar without its input means the input never reached git (an ignore
# rule took it, as *.o once did): that is a failure, not a smaller test set.
for side in "$REG"/*/*.args "$REG"/*/*.expect; do
	[ -e "$side" ] || continue
	if [ -e "${side%.*}" ]; then
		ok "regress: $(basename "${side%.*}") is present beside its sidecar"
	else
		fail "regress: $(basename "$side") has no input file beside it (ignored by git?)"
	fi
done

for kind in object rules audit; do
	files=()
	for f in "$REG/$kind"/*; do
		[ -f "$f" ] || continue
		case $f in *.args | *.expect | */SIGNATURES | */README*) continue ;; esac
		files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || continue
	for f in "${files[@]}"; do
		replay_cli "$kind" "$f"
	done
	if ! harness "$kind"; then
		fail "cannot build the $kind harness replayer with $cc:"
		sed 's/^/    | /' "$T/cc.err" | head -10
		continue
	fi
	for f in "${files[@]}"; do
		# (a subshell, so that bash's "Aborted" notice goes nowhere)
		if ("$T/replay-$kind" "$f" >"$T/stdout" 2>"$T/stderr"; exit $?) 2>/dev/null &&
			! sanitizer_said "$T/stderr"; then
			ok "$kind/$(basename "$f"): the fuzz harness replays it cleanly"
		else
			fail "$kind/$(basename "$f"): the fuzz harness fails on it"
			grep -E -A8 'ERROR|runtime error|invariant' "$T/stderr" | head -14 | sed 's/^/    | /'
		fi
	done
done
