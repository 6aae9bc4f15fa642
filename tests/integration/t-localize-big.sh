#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence localize on the unusual tables: an object with more than 65,280
# sections (extended numbering: e_shnum 0, SHN_XINDEX, .symtab_shndx), little
# and big endian, and clang's .llvm_addrsig, including the case where the
# re-encoded indices need one byte more and the section moves to the end.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fixtures/loc-test-lib.sh"

# Symbols on both sides of section index 0xff00, and the table that names them.
MANY=(f100 f65300 f69000 f69999 many_table)

# xindex TAG OBJECT OBJCOPY
xindex() {
	local tag=$1 in=$2 objcopy=$3 out=$T/xindex-out.o s
	local sflags=()

	need "$tag" "$in" || return 0
	for s in "${MANY[@]}"; do
		sflags+=(-s "$s")
	done
	readelf -hW "$in" >"$T/h"
	expect_output "$tag: fixture uses extended section numbering" "$T/h" \
		'Number of section headers: +0 \(7[0-9]{4}\)$'
	readelf -SW "$in" >"$T/s"
	expect_output "$tag: fixture has .symtab_shndx" "$T/s" '\] \.symtab_shndx +SYMTAB SECTION INDICES'

	expect_status 0 "$tag: localize ${MANY[*]}" "$SYMFENCE" localize "${sflags[@]}" "$in" -o "$out"
	if [ ! -e "$out" ]; then
		fail "$tag: nothing more can be checked without an output"
		return
	fi
	rewrite_ok "$tag" "$in" "$out" "${MANY[@]}"
	readelf -sW "$out" | awk '$8 ~ /^f(65300|69998|69999)$/ { print $8, $5, ($7 >= 65280 ? "high" : "low") }' \
		>"$T/syms"
	printf 'f65300 LOCAL high\nf69998 GLOBAL high\nf69999 LOCAL high\n' >"$T/want"
	check "$tag: f65300, f69999 local, f69998 global, all in sections beyond 0xff00" \
		cmp "$T/want" <(sort "$T/syms")
	if have "$objcopy"; then
		same_as_objcopy "$tag" "$in" "$out" "$objcopy" "${MANY[@]}"
	else
		skip "$tag: $objcopy is not installed"
	fi
	"$SYMFENCE" localize --allow-missing -s no_such_symbol "$in" -o "$T/same.o" 2>/dev/null
	check "$tag: nothing selected gives byte-identical output" cmp "$in" "$T/same.o"
	rm -f "$out" "$T/same.o" "$T/objcopy.o"
}

xindex "xindex x86_64" "$FX/xindex/many.o" objcopy
xindex "xindex s390x (big endian)" "$FX/xindex/many-s390x.o" s390x-linux-gnu-objcopy

# addrsig_link TAG IN OUT: ld.lld --icf=safe reads .llvm_addrsig; the program runs as before.
addrsig_link() {
	have ld.lld || return 0
	gcc -fuse-ld=lld -Wl,--icf=safe "$c/addrsig-main.o" "$2" -o "$T/p-orig" 2>/dev/null
	run_prog "$T/orig.txt" "$T/p-orig"
	check "$1: ld.lld --icf=safe (reads .llvm_addrsig) links the result" \
		gcc -fuse-ld=lld -Wl,--icf=safe "$c/addrsig-main.o" "$3" -o "$T/p-loc"
	run_prog "$T/loc.txt" "$T/p-loc"
	check "$1: the program's output is unchanged" cmp "$T/orig.txt" "$T/loc.txt"
	expect_output "$1: the program ran" "$T/loc.txt" '^addrsig_api\(7\) = '
}

# addrsig_shdr FILE: offset and size of .llvm_addrsig, in decimal.
addrsig_shdr() {
	readelf -SW "$1" | sed -n 's/.*\] \.llvm_addrsig .* \([0-9a-f]\{6,\}\) \([0-9a-f]\{6,\}\) 00 .*/\1 \2/p' |
		{ read -r o s && echo "$((0x$o)) $((0x$s))"; }
}

# .llvm_addrsig: the address-significant symbols keep their names.
c=$FX/clang
if need "addrsig" "$c/lib-a.o" && have llvm-readelf; then
	oracle addrsig "$c/lib-a.o" >"$T/before"
	check "addrsig: clang's object lists lib_helper" grep -qx lib_helper "$T/before"
	expect_status 0 "addrsig: localize lib_helper lib_counter lib_table" \
		"$SYMFENCE" localize -s lib_helper -s lib_counter -s lib_table "$c/lib-a.o" -o "$T/a.o"
	oracle addrsig "$T/a.o" >"$T/after"
	check "addrsig: llvm-readelf --addrsig names the same symbols" cmp "$T/before" "$T/after"
	rewrite_ok "addrsig" "$c/lib-a.o" "$T/a.o" lib_helper lib_counter lib_table
fi

# The growth case: 150 address-taken globals, then zz_private; localizing it
# moves the global at index 127 to 128, whose ULEB128 needs a second byte.
if need "addrsig growth" "$c/addrsig.o" "$c/addrsig-main.o" && have llvm-readelf; then
	in=$c/addrsig.o
	size=$(stat -c %s "$in")
	oracle addrsig "$in" >"$T/before"
	check "addrsig growth: fixture lists 150 symbols" test "$(grep -c . "$T/before")" = 150
	readelf -sW "$in" >"$T/syms"
	expect_output "addrsig growth: fixture has g124 at index 127" "$T/syms" '^ +127: .* g124$'
	expect_status 0 "addrsig growth: localize zz_private" \
		"$SYMFENCE" localize -s zz_private "$in" -o "$T/grow.o"
	oracle addrsig "$T/grow.o" >"$T/after"
	check "addrsig growth: llvm-readelf --addrsig names the same symbols" cmp "$T/before" "$T/after"
	read -r old_off old_size < <(addrsig_shdr "$in")
	read -r new_off new_size < <(addrsig_shdr "$T/grow.o")
	check "addrsig growth: the section grew by one byte" test "$((old_size + 1))" = "$new_size"
	check "addrsig growth: and moved to the end of the file" test "$new_off" -ge "$size"
	rewrite_ok "addrsig growth" "$in" "$T/grow.o" zz_private
	addrsig_link "addrsig growth" "$in" "$T/grow.o"

	# Ten two-byte entries become one-byte ones and ten one-byte ones grow: same size.
	sflags=()
	for i in $(seq 140 149); do
		sflags+=(-s "g$i")
	done
	expect_status 0 "addrsig in place: localize g140..g149" \
		"$SYMFENCE" localize "${sflags[@]}" "$in" -o "$T/same.o"
	oracle addrsig "$T/same.o" >"$T/after"
	check "addrsig in place: llvm-readelf --addrsig names the same symbols" cmp "$T/before" "$T/after"
	check "addrsig in place: the file size is unchanged" test "$(stat -c %s "$T/same.o")" = "$size"
	rewrite_ok "addrsig in place" "$in" "$T/same.o" g140 g141 g142 g143 g144 g145 g146 g147 g148 g149
fi

# The shrink case: twenty entries need a byte less each; the section keeps its
# place and size, the entries padded (ULEB128 continuation bytes) as LLVM allows.
if need "addrsig shrink" "$c/addrsig-shrink.o" "$c/addrsig-main.o" && have llvm-readelf; then
	in=$c/addrsig-shrink.o
	oracle addrsig "$in" >"$T/before"
	check "addrsig shrink: fixture lists 30 symbols" test "$(grep -c . "$T/before")" = 30
	sflags=()
	names=()
	for i in $(seq 130 149); do
		sflags+=(-s "g$i")
		names+=("g$i")
	done
	expect_status 0 "addrsig shrink: localize g130..g149" \
		"$SYMFENCE" localize "${sflags[@]}" "$in" -o "$T/shrink.o"
	oracle addrsig "$T/shrink.o" >"$T/after"
	check "addrsig shrink: llvm-readelf --addrsig names the same symbols" cmp "$T/before" "$T/after"
	read -r old_off old_size < <(addrsig_shdr "$in")
	read -r new_off new_size < <(addrsig_shdr "$T/shrink.o")
	check "addrsig shrink: the section keeps its offset" test "$old_off" = "$new_off"
	check "addrsig shrink: the file keeps its size" \
		test "$(stat -c %s "$in")" = "$(stat -c %s "$T/shrink.o")"
	rewrite_ok "addrsig shrink" "$in" "$T/shrink.o" "${names[@]}"
	addrsig_link "addrsig shrink" "$in" "$T/shrink.o"
fi
