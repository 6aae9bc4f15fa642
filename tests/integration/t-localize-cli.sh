#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence localize as a command: usage errors, symbols files, -r RULES, and
# the atomic output: modes kept, --in-place through a symlink, and on every
# failure (refusal, missing name, unwritable or missing directory) the
# destination untouched and no temporary file left behind.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fixtures/loc-test-lib.sh"

x=$FX/x86_64
need "library" "$x/lib.o" "$x/features.o" || exit 0
cp "$x/lib.o" "$T/lib.o"
lib=$T/lib.o

# usage NAME PATTERN ARGS...: exit 2, the message, a hint at --help.
usage() {
	local name=$1 pattern=$2
	shift 2
	expect_status 2 "usage: $name" "$SYMFENCE" localize "$@"
	expect_output "usage: $name: message" "$T/out" "^symfence: error: $pattern\$"
	expect_output "usage: $name: hint" "$T/out" "^Try 'symfence localize --help'\.\$"
}

usage "no arguments" "no input object given"
usage "no input" "no input object given" -s lib_helper -o "$T/u.o"
usage "two inputs" "exactly one input object is allowed" -s lib_helper "$lib" "$lib" -o "$T/u.o"
usage "no output" "no output: give -o OUT or --in-place" -s lib_helper "$lib"
usage "-o and --in-place" "-o and --in-place exclude each other" -s lib_helper "$lib" -o "$T/u.o" --in-place
usage "nothing to localize" "nothing to localize: give -s SYMBOL, --symbols-file FILE or -r RULES" "$lib" -o "$T/u.o"
usage "-r with -s" "-r cannot be combined with -s or --symbols-file" -r "$T/x.rules" -s lib_helper "$lib" -o "$T/u.o"
usage "-l without -r" "-l needs -r RULES" -l mylib -s lib_helper "$lib" -o "$T/u.o"
usage "unknown option" "unknown option '--frobnicate'" --frobnicate -s lib_helper "$lib" -o "$T/u.o"
check "usage errors write nothing" test ! -e "$T/u.o"
expect_status 0 "--help" "$SYMFENCE" localize --help
expect_output "--help shows the usage" "$T/out" '^Usage: symfence localize '
expect_output "--help documents --strip-signature" "$T/out" '--strip-signature'

# Input errors.
expect_status 2 "missing input" "$SYMFENCE" localize -s lib_helper "$T/nope.o" -o "$T/u.o"
expect_output "missing input: message" "$T/out" "^$T/nope.o: error: cannot open: No such file or directory\$"
expect_status 2 "directory as input" "$SYMFENCE" localize -s lib_helper "$T" -o "$T/u.o"
expect_output "directory as input: message" "$T/out" \
	"^$T: error: a directory, not an object: localize rewrites one object \(name it; 'symfence audit' reads directories\)\$"
: >"$T/empty.o"
expect_status 2 "empty input" "$SYMFENCE" localize -s lib_helper "$T/empty.o" -o "$T/u.o"
expect_output "empty input: message" "$T/out" "^$T/empty.o: error: empty file\$"
printf 'int x;\n' >"$T/source.c"
expect_status 2 "text input" "$SYMFENCE" localize -s lib_helper "$T/source.c" -o "$T/u.o"
expect_output "text input: message" "$T/out" "^$T/source.c: error: not an ELF file\$"
ar rc "$T/lib.a" "$lib" 2>/dev/null
expect_status 2 "archive input" "$SYMFENCE" localize -s lib_helper "$T/lib.a" -o "$T/u.o"
expect_output "archive input: message" "$T/out" "^$T/lib.a: error: an ar archive, not an object"
ar rcT "$T/thin.a" "$lib" 2>/dev/null
expect_status 2 "thin archive input" "$SYMFENCE" localize -s lib_helper "$T/thin.a" -o "$T/u.o"
expect_output "thin archive input: message" "$T/out" "^$T/thin.a: error: a thin archive, not an object"

# Compressed modules are read as the audit reads them (decompressed in memory,
# by the library) and written uncompressed, with -o only.
"$SYMFENCE" localize -s lib_helper -s lib_counter "$lib" -o "$T/plain.o" 2>/dev/null
for z in xz:xz zstd:zst gzip:gz; do
	tool=${z%:*} sfx=${z#*:}
	if ! have "$tool"; then
		skip "a .ko.$sfx input: no $tool"
		continue
	fi
	"$tool" -c "$lib" >"$T/m.ko.$sfx"
	chmod 640 "$T/m.ko.$sfx"
	cp "$T/m.ko.$sfx" "$T/m.orig"
	rm -f "$T/m.ko"
	expect_status 0 "a .ko.$sfx input, -o OUT" \
		"$SYMFENCE" localize -s lib_helper -s lib_counter "$T/m.ko.$sfx" -o "$T/m.ko"
	check "a .ko.$sfx input: the output is the uncompressed object's rewrite" cmp "$T/m.ko" "$T/plain.o"
	check "a .ko.$sfx input: the output has the input's mode less the umask" \
		test "$(stat -c %a "$T/m.ko")" = "$(printf '%o' $((0640 & ~0$(umask))))"
	rm -f "$T/m.ko"
	expect_status 2 "a .ko.$sfx input, --in-place" \
		"$SYMFENCE" localize -s lib_helper "$T/m.ko.$sfx" --in-place
	expect_output "a .ko.$sfx input, --in-place: refused" "$T/out" \
		"^$T/m.ko.$sfx: error: $tool-compressed, and symfence writes uncompressed objects: give -o OUT.ko instead of --in-place \(and compress OUT afterwards\)\$"
	check "a .ko.$sfx input, --in-place: untouched" cmp "$T/m.ko.$sfx" "$T/m.orig"
	expect_status 2 "a .ko.$sfx input, -o OUT.ko.$sfx" \
		"$SYMFENCE" localize -s lib_helper "$T/m.ko.$sfx" -o "$T/new.ko.$sfx"
	expect_output "a .ko.$sfx input, -o OUT.ko.$sfx: refused" "$T/out" \
		"^$T/new.ko.$sfx: error: symfence writes uncompressed objects: name the output without '\.$sfx' \(and compress it afterwards\)\$"
	check "a .ko.$sfx input, -o OUT.ko.$sfx: nothing written" test ! -e "$T/new.ko.$sfx"
	check "a .ko.$sfx input: no temporary file" no_temp "$T"
	rm -f "$T/m.ko.$sfx" "$T/m.orig"
done
expect_status 2 "-o OUT.ko.xz for a plain object" "$SYMFENCE" localize -s lib_helper "$lib" -o "$T/new.ko.xz"
check "-o OUT.ko.xz for a plain object: nothing written" test ! -e "$T/new.ko.xz"
if have xz; then
	# -r: IN is matched as the audit matches it (no compression suffix, normalised).
	mkdir -p "$T/mods"
	xz -c "$lib" >"$T/mods/m.ko.xz"
	printf 'library m\n\tobjects mods/m.ko\n\tprivate lib_helper lib_counter\n' >"$T/m.rules"
	expect_status 0 "-r: a .ko.xz matched by its .ko pattern" \
		"$SYMFENCE" localize -r "$T/m.rules" --root "$T" "$T/mods/m.ko.xz" -o "$T/m.ko"
	check "-r: a .ko.xz: the rewrite of the plain object" cmp "$T/m.ko" "$T/plain.o"
	rm -f "$T/m.ko"
	expect_status 0 "-r: matched as the audit matches it (./, ..)" \
		"$SYMFENCE" localize -r "$T/m.rules" --root "$T" "$T/./mods/../mods/m.ko.xz" -o "$T/m.ko"
	rm -rf "$T/m.ko" "$T/mods" "$T/m.rules"
	xz -c "$lib" | head -c 200 >"$T/cut.ko.xz"
	expect_status 2 "a truncated .ko.xz" "$SYMFENCE" localize -s lib_helper "$T/cut.ko.xz" -o "$T/u.o"
	expect_output "a truncated .ko.xz: the decompressor's error" "$T/out" \
		"^$T/cut.ko.xz: error: cannot decompress \(xz\): truncated data\$"
	ar rc "$T/in.a" "$lib" && xz -c "$T/in.a" >"$T/arch.a.xz"
	expect_status 2 "an xz-compressed archive" "$SYMFENCE" localize -s lib_helper "$T/arch.a.xz" -o "$T/u.o"
	expect_output "an xz-compressed archive: refused" "$T/out" \
		"^$T/arch.a.xz: error: an archive inside an archive or a compressed file is not supported; extract it first\$"
fi
# Cut short, as a truncated copy of a .ko is: inside the section header table
# (readelf, the oracle, cannot read the section headers either), and inside the ELF header.
shoff=$(readelf -hW "$lib" | awk '/Start of section headers/ { print $5 }')
head -c $((shoff + 10)) "$lib" >"$T/cut.ko"
readelf -SW "$T/cut.ko" >"$T/cut.readelf" 2>&1
expect_output "truncated .ko: readelf cannot read its section headers either" "$T/cut.readelf" \
	'extends past end of file for section headers'
expect_status 2 "truncated .ko" "$SYMFENCE" localize -s lib_helper "$T/cut.ko" -o "$T/u.o"
expect_output "truncated .ko: the section header table lies outside the file" "$T/out" \
	"^$T/cut.ko: error: the section header table lies outside the file \(offset 0x[0-9a-f]+, [0-9]+ entries of 64 bytes, file size 0x[0-9a-f]+\)\$"
head -c 40 "$lib" >"$T/cut.o"
expect_status 2 "truncated ELF header" "$SYMFENCE" localize -s lib_helper "$T/cut.o" -o "$T/u.o"
expect_output "truncated ELF header: message" "$T/out" \
	"^$T/cut.o: error: the ELF header is truncated: the file has 40 bytes, an ELF64 header 64\$"
check "input errors write nothing" test ! -e "$T/u.o"

# Symbols files.
expect_status 2 "missing symbols file" "$SYMFENCE" localize --symbols-file "$T/none.list" "$lib" -o "$T/u.o"
expect_output "missing symbols file: message" "$T/out" "^$T/none.list: error: cannot open: No such file or directory\$"
# The files objcopy reads (the lines of llvm-objcopy's keep-global-symbols.test):
# blanks around a name, '# comment' after it, blank and comment-only lines, CRLF,
# and two words on a line, of which GNU objcopy takes the first and warns.
printf '  lib_helper  \nlib_counter # lib_table\n  lib_hook lib_other  \n   \n# File with no symbols\n\n\tlib_table\t# tab\r\n' \
	>"$T/gnu.list"
expect_status 0 "symbols file as objcopy reads it" \
	"$SYMFENCE" localize --symbols-file "$T/gnu.list" "$lib" -o "$T/gnu.o"
expect_output "symbols file: two words on a line are warned about at file:line:col" "$T/out" \
	"^$T/gnu.list:3:12: warning: ignoring 'lib_other' after the symbol name, as GNU objcopy does \(llvm-objcopy takes the whole line as one name\)\$"
objcopy --localize-symbols="$T/gnu.list" "$lib" "$T/gnu-objcopy.o" 2>"$T/objcopy.err"
expect_output "symbols file: GNU objcopy warns about the same line" "$T/objcopy.err" \
	"gnu.list:3: Ignoring rubbish found on this line"
check "symbols file: the same symbols as objcopy reading the same file" \
	oracle same-syms "$T/gnu.o" "$T/gnu-objcopy.o"
rewrite_ok "symbols file as objcopy reads it" "$lib" "$T/gnu.o" lib_helper lib_counter lib_hook lib_table
grep -v lib_other "$T/gnu.list" >"$T/both.list"
if have llvm-objcopy; then
	"$SYMFENCE" localize --symbols-file "$T/both.list" "$lib" -o "$T/both.o" 2>/dev/null
	llvm-objcopy --localize-symbols="$T/both.list" "$lib" "$T/both-llvm.o"
	check "symbols file: the same symbols as llvm-objcopy reading the same file" \
		oracle same-syms "$T/both.o" "$T/both-llvm.o"
fi
printf 'lib_helper\nlib_\0counter\nlib_table\nlib_\0hook\n' >"$T/nul.list"
expect_status 2 "a NUL byte in a symbols file" \
	"$SYMFENCE" localize --symbols-file "$T/nul.list" "$lib" -o "$T/u.o"
expect_output "a NUL byte: an error at file:line:col" "$T/out" \
	"^$T/nul.list:2:5: error: NUL byte in the symbols file \(symbols files are text\)\$"
expect_output "a NUL byte: every line is read" "$T/out" "^$T/nul.list:4:5: error: NUL byte"
check "symbols file errors write nothing" test ! -e "$T/u.o"
printf '# objcopy format\r\n\r\n  lib_helper  \r\nlib_counter # trailing comment\n\tlib_table\n' >"$T/crlf.list"
expect_status 0 "symbols file with CRLF, blanks and comments" \
	"$SYMFENCE" localize --symbols-file "$T/crlf.list" "$lib" -o "$T/crlf.o"
"$SYMFENCE" localize -s lib_helper -s lib_counter -s lib_table "$lib" -o "$T/s.o" 2>/dev/null
check "symbols file: the same result as -s" cmp "$T/crlf.o" "$T/s.o"
printf 'lib_helper\n' >"$T/one.list"
expect_status 0 "symbols file plus -s" \
	"$SYMFENCE" localize --symbols-file "$T/one.list" -s lib_counter -s lib_table "$lib" -o "$T/mixed.o"
check "symbols file plus -s: the same result" cmp "$T/mixed.o" "$T/s.o"

# The same name twice is one request (objcopy accepts repeated names too).
expect_status 0 "the same -s twice" \
	"$SYMFENCE" localize -s lib_helper -s lib_helper -s lib_counter -s lib_table "$lib" -o "$T/dup.o"
check "the same -s twice: the same result" cmp "$T/dup.o" "$T/s.o"
printf 'lib_helper\nlib_counter\nlib_table\nlib_helper\n' >"$T/dup.list"
expect_status 0 "a name twice in a symbols file" \
	"$SYMFENCE" localize --symbols-file "$T/dup.list" "$lib" -o "$T/dup2.o"
check "a name twice in a symbols file: the same result" cmp "$T/dup2.o" "$T/s.o"

# -r RULES: a library's private set.
printf 'library mylib\n\tobjects lib.o\n\tpublic lib_api\n' >"$T/pub.rules"
expect_status 0 "-r: public set, library by name" \
	"$SYMFENCE" localize -r "$T/pub.rules" -l mylib "$lib" -o "$T/r1.o"
rewrite_ok "-r public" "$lib" "$T/r1.o" lib_helper lib_counter lib_table lib_hook lib_other
expect_status 0 "-r: library found from the objects pattern" \
	"$SYMFENCE" localize -r "$T/pub.rules" "$lib" -o "$T/r2.o"
check "-r: the same result either way" cmp "$T/r1.o" "$T/r2.o"
printf 'library mylib\n\tobjects lib.o\n\tprivate lib_h*\n' >"$T/priv.rules"
expect_status 0 "-r: private pattern" "$SYMFENCE" localize -r "$T/priv.rules" "$lib" -o "$T/r3.o"
rewrite_ok "-r private" "$lib" "$T/r3.o" lib_helper lib_hook
printf 'library mylib\n\tobjects lib.o\n\tprivate lib_h* zzz_*\n' >"$T/none.rules"
expect_status 2 "-r: a private pattern that matches nothing" \
	"$SYMFENCE" localize -r "$T/none.rules" "$lib" -o "$T/r4.o"
expect_output "-r: ... is an error at its position" "$T/out" \
	"^$T/none.rules:3:[0-9]+: error: private pattern 'zzz_\*' of library 'mylib' matches no symbol in $lib\$"
check "-r: ... and nothing is written" test ! -e "$T/r4.o"
printf 'library other\n\tobjects other.o\n\tprivate lib_h*\n' >"$T/other.rules"
expect_status 2 "-r: the object belongs to no library" \
	"$SYMFENCE" localize -r "$T/other.rules" "$lib" -o "$T/r4.o"
expect_output "-r: ... message" "$T/out" "^$lib: error: belongs to no library of the rules \(name one with -l LIBRARY\)\$"
expect_status 2 "-r: -l names no library" \
	"$SYMFENCE" localize -r "$T/other.rules" -l nope "$lib" -o "$T/r4.o"
expect_output "-r: ... message" "$T/out" "^symfence: error: no library 'nope' in the rules\$"
expect_status 2 "-r: -l misspelled" "$SYMFENCE" localize -r "$T/pub.rules" -l mylbi "$lib" -o "$T/r4.o"
expect_output "-r: -l misspelled: did you mean" "$T/out" \
	"^symfence: error: no library 'mylbi' in the rules \(did you mean 'mylib'\?\)\$"

# Misspelled names: the nearest global of the object is suggested.
expect_status 2 "-s misspelled" "$SYMFENCE" localize -s lib_helpr -s LIB_TABLE -s zzz_none "$lib" -o "$T/r4.o"
expect_output "-s misspelled: did you mean" "$T/out" \
	"^$lib: error: symbol 'lib_helpr' is not in this object \(did you mean 'lib_helper'\?\) \(--allow-missing ignores this\)\$"
expect_output "-s misspelled: case" "$T/out" "symbol 'LIB_TABLE' is not in this object \(did you mean 'lib_table'\?\)"
expect_output "-s misspelled: nothing near, no suggestion" "$T/out" \
	"^$lib: error: symbol 'zzz_none' is not in this object \(--allow-missing ignores this\)\$"
printf 'lib_cuonter\n' >"$T/typo.list"
expect_status 2 "symbols file: misspelled" "$SYMFENCE" localize --symbols-file "$T/typo.list" "$lib" -o "$T/r4.o"
expect_output "symbols file: misspelled: did you mean" "$T/out" \
	"^$T/typo.list:1:1: error: symbol 'lib_cuonter' is not in $lib \(did you mean 'lib_counter'\?\)\$"
check "-s misspelled: nothing written" test ! -e "$T/r4.o"
printf 'library mylib\n\tobjects lib.o\n\tprivate lib_helper undefined_fn\n' >"$T/undef.rules"
cp "$x/features.o" "$T/features.o"
# Only a defined global is suggested: an undefined one could not be localized here.
expect_status 2 "-s close to an undefined name only" \
	"$SYMFENCE" localize -s undefined_fm "$T/features.o" -o "$T/r4.o"
expect_output "-s close to an undefined name only: no suggestion" "$T/out" \
	"^$T/features.o: error: symbol 'undefined_fm' is not in this object \(--allow-missing ignores this\)\$"
expect_status 2 "-s close to a defined name" "$SYMFENCE" localize -s featres_api "$T/features.o" -o "$T/r4.o"
expect_output "-s close to a defined name: suggested" "$T/out" \
	"^$T/features.o: error: symbol 'featres_api' is not in this object \(did you mean 'features_api'\?\) \(--allow-missing ignores this\)\$"
printf 'library f\n\tobjects features.o\n\tprivate undefined_fn hidden_fn\n' >"$T/f.rules"
expect_status 1 "-r: a private symbol that cannot be localized" \
	"$SYMFENCE" localize -r "$T/f.rules" "$T/features.o" -o "$T/r4.o"
expect_output "-r: ... is refused" "$T/out" "cannot localize 'undefined_fn': it is undefined here"
check "-r failures write nothing" test ! -e "$T/r4.o"

# Modes, against objcopy under several umasks: -o gives a new file the input's
# permission bits less the umask, as llvm-objcopy (and cp) do; --in-place keeps
# the input's mode as it was, as GNU objcopy and llvm-objcopy do. (GNU objcopy 2.40 gives a new -o file 0666 less the umask, whatever IN's mode.)
for mode in 600 640 755; do
	for u in 022 077 002; do
		cp "$lib" "$T/m.o"
		chmod "$mode" "$T/m.o"
		rm -f "$T/m-out.o" "$T/m-llvm.o"
		(umask $u && "$SYMFENCE" localize -s lib_helper "$T/m.o" -o "$T/m-out.o" 2>/dev/null)
		if have llvm-objcopy; then
			(umask $u && llvm-objcopy --localize-symbol=lib_helper "$T/m.o" "$T/m-llvm.o")
			want=$(stat -c %a "$T/m-llvm.o")
		else
			want=$(printf '%o' $((0$mode & ~0$u)))
		fi
		check "mode $mode, umask $u: -o gives llvm-objcopy's mode ($want)" \
			test "$(stat -c %a "$T/m-out.o")" = "$want"
		cp -p "$T/m.o" "$T/m-gnu.o"
		(umask $u && "$SYMFENCE" localize -s lib_helper "$T/m.o" --in-place 2>/dev/null &&
			objcopy --localize-symbol=lib_helper "$T/m-gnu.o")
		check "mode $mode, umask $u: --in-place keeps it, as objcopy in place does" \
			test "$(stat -c %a "$T/m.o")" = "$mode" -a "$(stat -c %a "$T/m-gnu.o")" = "$mode"
	done
done
rm -f "$T/m-out.o" "$T/m-llvm.o" "$T/m-gnu.o"

# -o may not name IN (--in-place rewrites it), a rules file or a symbols file:
# the same file by inode, whatever the name; refused before anything is read.
for how in name hardlink symlink; do
	cp "$lib" "$T/same.o"
	case $how in
	name) dest=$T/same.o ;;
	hardlink) ln -f "$T/same.o" "$T/same-hard.o" && dest=$T/same-hard.o ;;
	symlink) ln -sf same.o "$T/same-sym.o" && dest=$T/same-sym.o ;;
	esac
	expect_status 2 "-o naming IN ($how)" "$SYMFENCE" localize -s lib_helper "$T/same.o" -o "$dest"
	expect_output "-o naming IN ($how): refused, not done in place" "$T/out" \
		"^$dest: error: the output is the same file as the object '$T/same.o'; nothing written\$"
	check "-o naming IN ($how): IN is untouched" cmp "$T/same.o" "$lib"
	check "-o naming IN ($how): the only message" test "$(wc -l <"$T/out")" = 1
done
check "-o naming IN (symlink): the link is still a link" test -L "$T/same-sym.o"
cp "$lib" "$T/same.o"
expect_status 2 "-o naming IN: refused before a symbols file is read" \
	"$SYMFENCE" localize --symbols-file "$T/no-such.list" "$T/same.o" -o "$T/same.o"
if grep -q 'no-such.list' "$T/out"; then
	fail "-o naming IN: refused before a symbols file is read"
else
	ok "-o naming IN: the symbols file was not read"
fi
rm -f "$T/same.o" "$T/same-hard.o" "$T/same-sym.o"
printf 'lib_helper\n' >"$T/guard.list"
cp "$T/guard.list" "$T/guard.orig"
expect_status 2 "-o naming the symbols file" \
	"$SYMFENCE" localize --symbols-file "$T/guard.list" "$lib" -o "$T/guard.list"
expect_output "-o naming the symbols file: message" "$T/out" \
	"^$T/guard.list: error: the output is the same file as the symbols file '$T/guard.list'; nothing written\$"
check "-o naming the symbols file: it is untouched" cmp "$T/guard.list" "$T/guard.orig"
cp "$T/priv.rules" "$T/guard.orig"
ln -sf priv.rules "$T/priv-link.rules"
expect_status 2 "-o naming the rules file (through a symlink)" \
	"$SYMFENCE" localize -r "$T/priv.rules" "$lib" -o "$T/priv-link.rules"
expect_output "-o naming the rules file: message" "$T/out" \
	"^$T/priv-link.rules: error: the output is the same file as the rules file '$T/priv.rules'; nothing written\$"
check "-o naming the rules file: it is untouched" cmp "$T/priv.rules" "$T/guard.orig"
printf 'include priv.rules\n' >"$T/top.rules"
expect_status 2 "-o naming an included rules file" \
	"$SYMFENCE" localize -r "$T/top.rules" "$lib" -o "$T/priv.rules"
expect_output "-o naming an included rules file: message" "$T/out" \
	"the output is the same file as the rules file '$T/priv.rules'; nothing written\$"
check "-o naming an included rules file: it is untouched" cmp "$T/priv.rules" "$T/guard.orig"
check "-o naming an input: no temporary file left" no_temp "$T"

# --in-place: the same bytes as -o; through a symlink the target is replaced.
cp "$lib" "$T/ip.o"
expect_status 0 "--in-place" "$SYMFENCE" localize -s lib_helper -s lib_counter -s lib_table "$T/ip.o" --in-place
check "--in-place gives the same bytes as -o" cmp "$T/ip.o" "$T/s.o"
mkdir "$T/real"
cp "$lib" "$T/real/target.o"
ln -s real/target.o "$T/link.o"
expect_status 0 "--in-place through a symlink" \
	"$SYMFENCE" localize -s lib_helper -s lib_counter -s lib_table "$T/link.o" --in-place
check "--in-place: the symlink is still a symlink" test -L "$T/link.o"
check "--in-place: its target was rewritten" cmp "$T/real/target.o" "$T/s.o"
check "--in-place: no temporary file beside the link" no_temp "$T"
check "--in-place: no temporary file beside the target" no_temp "$T/real"

# Failures leave an existing destination alone and no temporary behind.
printf 'precious\n' >"$T/dest.o"
cp "$T/dest.o" "$T/dest.orig"
expect_status 1 "refusal with an existing destination" \
	"$SYMFENCE" localize -s undefined_fn "$x/features.o" -o "$T/dest.o"
check "refusal: destination unchanged" cmp "$T/dest.o" "$T/dest.orig"
expect_status 2 "missing name with an existing destination" \
	"$SYMFENCE" localize -s no_such_symbol "$lib" -o "$T/dest.o"
check "missing name: destination unchanged" cmp "$T/dest.o" "$T/dest.orig"
expect_status 2 "bad input with an existing destination" \
	"$SYMFENCE" localize -s lib_helper "$T/source.c" -o "$T/dest.o"
check "bad input: destination unchanged" cmp "$T/dest.o" "$T/dest.orig"
check "failures: no temporary file left" no_temp "$T"

expect_status 2 "output directory does not exist" \
	"$SYMFENCE" localize -s lib_helper "$lib" -o "$T/no/such/dir/out.o"
expect_output "output directory does not exist: message" "$T/out" \
	"^$T/no/such/dir/out.o: error: cannot create a temporary file in '$T/no/such/dir': No such file or directory\$"
check "output directory does not exist: nothing created" test ! -e "$T/no"

mkdir "$T/out-dir"
expect_status 2 "output is a directory" "$SYMFENCE" localize -s lib_helper "$lib" -o "$T/out-dir"
expect_output "output is a directory: message" "$T/out" "^$T/out-dir: error: cannot rename the output into place: "
check "output is a directory: still an empty directory" test -z "$(ls -A "$T/out-dir")"
check "output is a directory: no temporary file left" no_temp "$T"

# An output directory we may not write to. Root ignores permission bits, so
# as root the run drops to nobody (setpriv); otherwise chmod is enough.
mkdir "$T/ro"
cp "$lib" "$T/ro/in.o"
printf 'precious\n' >"$T/ro/dest.o"
as_user=()
if [ "$(id -u)" = 0 ]; then
	if have setpriv && id nobody >/dev/null 2>&1; then
		as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
		chmod 755 "$T" "$T/ro"
		chmod 644 "$T/ro/in.o" "$T/ro/dest.o"
		"${as_user[@]}" test -x "$SYMFENCE" || as_user=(none)
	else
		as_user=(none)
	fi
else
	chmod 555 "$T/ro"
fi
if [ "${as_user[0]:-}" = none ]; then
	skip "unwritable output directory: running as root without setpriv, or $SYMFENCE not reachable by nobody"
else
	expect_status 2 "unwritable output directory" \
		"${as_user[@]}" "$SYMFENCE" localize -s lib_helper "$T/ro/in.o" -o "$T/ro/new.o"
	expect_output "unwritable output directory: message" "$T/out" \
		"^$T/ro/new.o: error: cannot create a temporary file in '$T/ro': Permission denied\$"
	check "unwritable output directory: nothing created" test ! -e "$T/ro/new.o"
	expect_status 2 "unwritable directory, existing destination" \
		"${as_user[@]}" "$SYMFENCE" localize -s lib_helper "$T/ro/in.o" -o "$T/ro/dest.o"
	check "unwritable directory: destination unchanged" cmp "$T/ro/dest.o" "$T/dest.orig"
	expect_status 2 "unwritable directory, --in-place" \
		"${as_user[@]}" "$SYMFENCE" localize -s lib_helper "$T/ro/in.o" --in-place
	check "unwritable directory: --in-place input unchanged" cmp "$T/ro/in.o" "$lib"
	check "unwritable directory: no temporary file left" no_temp "$T/ro"
fi
chmod 755 "$T/ro"
