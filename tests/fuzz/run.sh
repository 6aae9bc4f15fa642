#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the libFuzzer harnesses and runs each for SECONDS.
#
#   tests/fuzz/run.sh [--no-build] SECONDS [object|rules|audit]...
#   tests/fuzz/run.sh --triage [object|rules|audit]...   only sort the crashes found
#
# Environment: BUILD (default build), FUZZ_DIR (default $BUILD/fuzz),
# FUZZ_ARGS (more libFuzzer options). One fuzzing process at a time
# (-fork=1: crashes, timeouts and OOMs are recorded and fuzzing goes on).
#
# Corpora live in $FUZZ_DIR/corpus/NAME (kept between runs), seeded from
# tests/fuzz/gen-corpus.sh. Each crash is minimized (-minimize_crash) and,
# when its top frame in src/ is new, copied to tests/regress/NAME/, which
# tests/integration/t-regress.sh replays. Exit status 1 when a new crash
# was found.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=1 secs=
case ${1:-} in
--no-build)
	build=0
	shift
	;;
--triage)
	build=0 secs=0
	shift
	;;
esac
if [ -z "$secs" ]; then
	secs=${1:?usage: run.sh [--no-build] SECONDS [object|rules|audit]...}
	shift
fi
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(object rules audit)
: "${BUILD:=build}"
: "${FUZZ_DIR:=$BUILD/fuzz}"
cd "$top" || exit 2
mkdir -p "$FUZZ_DIR"
FUZZ_DIR=$(cd "$FUZZ_DIR" && pwd)

if [ $build = 1 ]; then
	make --no-print-directory -f tests/fuzz/fuzz.mk fuzz-build BUILD="$BUILD" \
		FUZZ_DIR="$FUZZ_DIR" || exit 2
fi
if [ ! -d "$FUZZ_DIR/seeds" ]; then
	rm -rf "$FUZZ_DIR/seeds.tmp"
	bash tests/fuzz/gen-corpus.sh "$FUZZ_DIR/seeds.tmp" &&
		mv "$FUZZ_DIR/seeds.tmp" "$FUZZ_DIR/seeds" || exit 2
fi

# Invariants of known open bugs (tests/fuzz/known) are not checked.
known=$(sed -e '/^#/d' -e 's/[[:space:]].*//' tests/fuzz/known | paste -sd, -)
export FUZZ_IGNORE=${FUZZ_IGNORE-$known}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
supp=$top/tests/fuzz/ubsan.supp
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$supp}

# The first frame of a crash report inside src/ (or the harness): "func file:line".
crash_site() {
	grep -E '^ *#[0-9]+ 0x[0-9a-f]+ in ' "$1" |
		grep -E ' (/[^ ]*/)?(src|tests/fuzz)/[^ /]+\.[ch]:[0-9]+' | head -1 |
		sed -E 's/^ *#[0-9]+ 0x[0-9a-f]+ in ([^ ]+) (\/[^ ]*\/)?((src|tests\/fuzz)\/[^ :]+:[0-9]+).*/\1 \3/'
}

new=0
for name in "${names[@]}"; do
	bin=$FUZZ_DIR/fuzz_$name
	corpus=$FUZZ_DIR/corpus/$name
	art=$FUZZ_DIR/artifacts/$name
	log=$FUZZ_DIR/$name.log
	regress=$top/tests/regress/$name
	if [ ! -x "$bin" ]; then
		echo "run.sh: no $bin (build failed?)" >&2
		exit 2
	fi
	mkdir -p "$corpus" "$art" "$regress"
	dict=()
	[ -e "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	if [ "$secs" != 0 ]; then
		before=$(ls "$art" | grep -vc '\.')
		echo "== fuzz_$name for ${secs}s (log: $log)"
		# shellcheck disable=SC2086
		"$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
			-max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
			-artifact_prefix="$art/" -print_final_stats=1 "${dict[@]}" ${FUZZ_ARGS:-} \
			"$corpus" "$FUZZ_DIR/seeds/$name" > "$log" 2>&1
		execs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
		cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
		echo "   ${execs:-0} executions, $cov, corpus $(ls "$corpus" | wc -l) files," \
			"$(( $(ls "$art" | grep -vc '\.') - before )) new artifacts"
	fi

	for a in "$art"/crash-* "$art"/timeout-* "$art"/oom-* "$art"/leak-*; do
		[ -e "$a" ] || continue
		case $(basename "$a") in *.*) continue ;; esac
		[ -e "$a.seen" ] && continue
		touch "$a.seen"
		min=$a.min
		("$bin" -minimize_crash=1 -runs=20000 -timeout=20 -exact_artifact_path="$min" "$a" \
			> "$a.minlog" 2>&1; exit $?) 2>/dev/null
		[ -s "$min" ] || cp "$a" "$min"
		if ("$bin" -timeout=20 "$min" > "$a.report" 2>&1; exit $?) 2>/dev/null; then
			echo "   no longer reproduces (fixed, or now known): $(basename "$a")"
			continue
		fi
		site=$(crash_site "$a.report")
		kind=$(grep -Eo '(ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [A-Za-z-]+|runtime error: [a-z ]+|fuzz invariant broken at [^:]*:[0-9]+: [^:'"'"']*)' \
			"$a.report" | head -1)
		[ -n "$site$kind" ] || kind=$(basename "$a" | cut -d- -f1)
		sig="$kind @ ${site:-?}"
		if grep -qxF "$sig" "$regress/SIGNATURES" 2>/dev/null; then
			echo "   known: $sig ($(basename "$a"))"
			continue
		fi
		new=$((new + 1))
		dest=$regress/fuzz-$(sha1sum < "$min" | cut -c1-12)
		cp "$min" "$dest"
		echo "$sig" >> "$regress/SIGNATURES"
		echo "   NEW: $sig -> tests/regress/$name/$(basename "$dest")"
		sed -n '/^==[0-9]*==ERROR\|runtime error\|fuzz invariant/,/^$/p' "$a.report" |
			head -25 | sed 's/^/      /'
	done
done
[ $new -eq 0 ]
