#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Malformed input: every file is refused with exit status 2 and ONE line that
# names it, nothing is written, nothing crashes (status < 128, no sanitizer
# report; LeakSanitizer is on in sanitized builds).
#
# The set is generated here from good objects built at test time
# (tests/fuzz/malform.py: truncations at every offset of the ELF header and 40
# more, e_shoff/sh_offset/sh_size out of the file, sh_link out of range, bad
# sh_entsize for .symtab and relocations, relocation symbol out of range,
# .symtab sh_info beyond the symbols, a group listing a bad section,
# overlapping sections, bad class/data/version, ...), for x86_64 (ELF64 LE,
# RELA), i386 (ELF32 LE, REL), s390x (ELF64 BE) and arm (ELF32 LE, REL); plus
# non-ELF inputs, ET_EXEC/ET_DYN from real links, and decompression bombs for
# the audit. Cached in $FIXTURES/malformed.
. "$(dirname "$0")/../lib.sh"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
M=$FIXTURES/malformed
key=$(cat "$TOP/tests/fuzz/malform.py" "$0" | sha1sum | cut -c1-16)

sanitizer_said() {
	grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$1"
}

build_fixtures() {
	rm -rf "$M" && mkdir -p "$M" && cd "$M" || return 1
	cat > lib.c <<'EOF'
static int counter;
int lib_state = 3;
int lib_helper_add(int a, int b) { return a + b + lib_state; }
int lib_helper_mul(int a, int b) { return a * b + counter++; }
int lib_api(int x) { return lib_helper_add(x, 1) * lib_helper_mul(x, 2); }
int *lib_ptrs[] = { &lib_state, &counter };
EOF
	cat > main.c <<'EOF'
int lib_api(int);
int main(void) { return lib_api(1) == 0; }
EOF
	printf 'inline int shared_inline(int x) { static int n; return x + n++; }\n%s\n' \
		'extern "C" int use_comdat(int x) { return shared_inline(x); }' > group.cc
	gcc -O1 -fno-common -c -o x86_64.o lib.c || return 1
	g++ -O1 -c -o group.o group.cc || return 1
	python3 "$TOP/tests/fuzz/malform.py" x86_64.o x86_64 group.o || return 1
	clang --target=i386-linux-gnu -ffreestanding -O1 -c -o i386.o lib.c 2>/dev/null &&
		python3 "$TOP/tests/fuzz/malform.py" i386.o i386
	s390x-linux-gnu-gcc -O1 -c -o s390x.o lib.c 2>/dev/null &&
		python3 "$TOP/tests/fuzz/malform.py" s390x.o s390x
	arm-linux-gnueabihf-gcc -O1 -c -o arm.o lib.c 2>/dev/null &&
		python3 "$TOP/tests/fuzz/malform.py" arm.o arm
	# Wrong kinds of file: not ELF, or ELF that is not a relocatable object.
	mkdir -p other
	gcc -O1 -o other/exec lib.c main.c || return 1
	gcc -O1 -shared -fPIC -o other/shared.so lib.c || return 1
	ar rcs other/archive.a x86_64.o
	xz -c x86_64.o > other/object.o.xz
	clang -flto -O1 -c -o other/bitcode.o lib.c 2>/dev/null
	# Decompression bombs: 64 MiB of zeros compressed once, the stream repeated
	# 20 times (1.25 GiB, more than the audit's 1 GiB limit).
	mkdir -p bombs
	python3 - <<'EOF' || return 1
import lzma, zlib
zeros = bytes(64 << 20)
xz = lzma.compress(zeros, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=1)
open("bombs/bomb.ko.xz", "wb").write(xz * 20)
c = zlib.compressobj(9, zlib.DEFLATED, 31)
gz = c.compress(zeros) + c.flush()
open("bombs/bomb.ko.gz", "wb").write(gz * 20)
EOF
	if command -v zstd >/dev/null; then
		head -c 64M /dev/zero | zstd -q -19 -c > one.zst &&
			for _ in $(seq 20); do cat one.zst; done > bombs/bomb.ko.zst
		rm -f one.zst
	fi
	echo "$key" > KEY
	cd "$T" || return 1
}

if [ "$(cat "$M/KEY" 2>/dev/null)" != "$key" ]; then
	start=$SECONDS
	if ! build_fixtures; then
		fail "cannot build the malformed fixtures"
		exit 0
	fi
	cd "$T" || exit 2
	echo "# malformed fixtures built in $((SECONDS - start)) s"
fi

# refused NAME FILE COMMAND...: COMMAND (symfence ...) exits 2 with exactly one stderr line
# naming FILE ("FILE: error: ..."), writes no $T/out.o, and does not crash.
refused() {
	local name=$1 file=$2 status lines bad=
	shift 2
	rm -f "$T/out.o"
	"$@" >"$T/stdout" 2>"$T/stderr"
	status=$?
	lines=$(wc -l < "$T/stderr")
	if [ "$status" -ge 128 ]; then
		bad="crashed (status $status)"
	elif sanitizer_said "$T/stderr"; then
		bad="sanitizer report"
	elif [ "$status" != 2 ]; then
		bad="exit $status, expected 2"
	elif [ "$lines" != 1 ]; then
		bad="$lines stderr lines, expected one"
	elif ! head -1 "$T/stderr" | grep -qF "$file: error: "; then
		bad="the line does not start with '$file: error: '"
	elif [ -e "$T/out.o" ]; then
		bad="an output file was written"
	elif ls -A "$T" | grep -q '\.symfence\.'; then
		bad="a temporary file was left behind"
	fi
	if [ -z "$bad" ]; then
		ok "$name"
	else
		fail "$name: $bad"
		sed 's/^/    | /' "$T/stderr" | head -8
	fi
}

# Every malformed object, through localize. Copied into $T so the name is short.
for arch in x86_64 i386 s390x arm; do
	[ -d "$M/$arch" ] || { skip "$arch: no compiler for the fixture"; continue; }
	while IFS=$'\t' read -r name what; do
		f=$M/$arch/$name.o
		cp "$f" "$T/$name.o"
		refused "localize $arch/$name ($what)" "$name.o" \
			"$SYMFENCE" localize -s lib_helper_add -s use_comdat --allow-missing "$name.o" -o "$T/out.o"
		rm -f "$T/$name.o"
	done < "$M/$arch/MANIFEST"
done

# Wrong kinds of input.
cp -r "$M/other" "$T/other"
for f in other/exec other/shared.so other/archive.a other/bitcode.o; do
	[ -e "$f" ] || continue
	refused "localize refuses $f" "$f" "$SYMFENCE" localize -s lib_helper_add "$f" -o "$T/out.o"
done
# A compressed object is read decompressed, as the audit reads it; a bomb is refused.
if [ -e other/object.o.xz ]; then
	rm -f "$T/out.o"
	if "$SYMFENCE" localize -s lib_helper_add other/object.o.xz -o "$T/out.o" 2>"$T/stderr" &&
		readelf -sW "$T/out.o" | grep -Eq ' LOCAL +DEFAULT +[0-9]+ lib_helper_add$'; then
		ok "localize reads other/object.o.xz decompressed"
	else
		fail "localize reads other/object.o.xz decompressed"
		sed 's/^/    | /' "$T/stderr" | head -8
	fi
	rm -f "$T/out.o"
fi
for b in "$M"/bombs/bomb.ko.*; do
	[ -e "$b" ] || continue
	cp "$b" "$T/${b##*/}"
	refused "localize refuses the decompression bomb ${b##*/}" "${b##*/}" \
		timeout 60 "$SYMFENCE" localize -s x "${b##*/}" -o "$T/out.o"
	rm -f "$T/${b##*/}"
done
mkdir -p "$T/adir"
refused "localize refuses a directory" adir "$SYMFENCE" localize -s x adir -o "$T/out.o"
refused "localize refuses a missing file" missing.o "$SYMFENCE" localize -s x missing.o -o "$T/out.o"
refused "localize refuses /dev/null" /dev/null "$SYMFENCE" localize -s x /dev/null -o "$T/out.o"
mkfifo "$T/fifo.o"
refused "localize refuses a FIFO without blocking" fifo.o \
	timeout 10 "$SYMFENCE" localize -s x fifo.o -o "$T/out.o"
rm -f "$T/fifo.o"

# The audit: each file the object reader refuses gets one error line naming it
# (and nothing else about it), exit 2, then the summary. (Damage the audit does
# not need to read past, e.g. in relocations it uses only to place a finding,
# may pass: at most one line.)
# (Private names that nothing defines: the only lines are about malformed input.)
cat > audit.rules <<'EOF'
library lib
    objects lib/*.o
    private nothing_*
EOF
mkdir -p "$T/aud"
cp "$M"/x86_64/*.o "$T/aud/"
"$SYMFENCE" audit -r audit.rules -j1 aud >"$T/stdout" 2>"$T/stderr"
status=$?
if [ "$status" -ge 128 ] || sanitizer_said "$T/stderr"; then
	fail "audit of the malformed set crashed (status $status)"
	grep -E -A6 'ERROR|runtime error' "$T/stderr" | head -12 | sed 's/^/    | /'
elif [ "$status" != 2 ]; then
	fail "audit of the malformed set exits $status, expected 2"
else
	ok "audit of the malformed set exits 2 without crashing"
fi
bad=0
while IFS=$'\t' read -r name what; do
	n=$(grep -c "^aud/$name\.o: " "$T/stderr")
	if [ "$n" -gt 1 ]; then
		fail "audit: $n lines about aud/$name.o ($what), expected at most one"
		grep "^aud/$name\.o: " "$T/stderr" | head -4 | sed 's/^/    | /'
		bad=1
	fi
	case $name in
	trunc* | shoff* | shnum* | shstrndx* | shentsize* | *-offset-out | *-size-out | \
		*-link-out | symtab-link-text | symtab-entsize* | symtab-size-odd | symtab-info-out | \
		sym-* | strtab-* | shstrtab-* | secname-out | two-symtabs | symtab-compressed | \
		class-* | data-* | version-0 | not-elf* | empty)
		if [ "$n" != 1 ] || ! grep -q "^aud/$name\.o: error: " "$T/stderr"; then
			fail "audit: no error line for aud/$name.o ($what)"
			bad=1
		fi
		;;
	esac
done < "$M/x86_64/MANIFEST"
[ $bad = 0 ] && ok "audit: one error line for each unreadable malformed object"
grep -q '^symfence: audited ' "$T/stderr" && ok "audit: the summary line ends the run" ||
	fail "audit: no summary line"
rm -rf "$T/aud"

# audit_refused NAME FILE ARGS...: symfence audit ARGS exits 2 (under a 10 s
# timeout) with one error line naming FILE and, besides, only the summary.
audit_refused() {
	local name=$1 file=$2 status
	shift 2
	timeout 10 "$SYMFENCE" audit "$@" >"$T/stdout" 2>"$T/stderr"
	status=$?
	if [ "$status" -ge 124 ] || sanitizer_said "$T/stderr"; then
		fail "$name: crashed or hung (status $status)"
	elif [ "$status" = 2 ] && [ "$(grep -c "^$file[:(].*error: " "$T/stderr")" = 1 ] &&
		[ "$(grep -vc '^symfence: audited ' "$T/stderr")" = 1 ]; then
		ok "$name"
	else
		fail "$name: exit $status"
		sed 's/^/    | /' "$T/stderr" | head -5
	fi
}

# FIFOs: a module, and a thin archive member, that are FIFOs must not block.
mkfifo "$T/fifo.ko"
audit_refused "audit refuses a FIFO without blocking" fifo.ko -r audit.rules -j1 fifo.ko
cp "$M/x86_64.o" member.o
ar rcT thin.a member.o && rm member.o && mkfifo member.o &&
	audit_refused "audit refuses a thin archive member that is a FIFO" 'thin.a(member.o)' \
		-r audit.rules -j1 thin.a
rm -f "$T/fifo.ko" member.o thin.a

# Decompression bombs: refused, one line naming the module, and a summary.
for b in "$M"/bombs/bomb.ko.*; do
	[ -e "$b" ] || continue
	name=$(basename "$b")
	cp "$b" "$T/$name"
	"$SYMFENCE" audit -r audit.rules -j1 "$name" >"$T/stdout" 2>"$T/stderr"
	status=$?
	if [ "$status" -ge 128 ] || sanitizer_said "$T/stderr"; then
		fail "audit $name crashed (status $status)"
	elif [ "$status" = 2 ] && [ "$(grep -c "^$name: error: .*bomb" "$T/stderr")" = 1 ] &&
		[ "$(grep -vc '^symfence: audited ' "$T/stderr")" = 1 ]; then
		ok "audit refuses the decompression bomb $name with one line"
	else
		fail "audit $name: exit $status"
		sed 's/^/    | /' "$T/stderr" | head -5
	fi
	rm -f "$T/$name"
done
