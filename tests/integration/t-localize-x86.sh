#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence localize on x86_64 objects built by gcc + ld.bfd and by clang +
# ld.lld: the readelf oracles, objcopy --localize-symbols as a reference, links
# with ld.bfd and ld.lld (a reference to a localized symbol must fail, the
# rest must link and run exactly as before), byte identity when nothing
# changes, determinism, and the feature zoo (hidden, TLS, IFUNC, weak, alias,
# a local of the same name, C++ COMDAT groups around an ordinary global).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fixtures/loc-test-lib.sh"

PRIVATE=(lib_helper lib_counter lib_table lib_hook lib_other)
sflags=()
for s in "${PRIVATE[@]}"; do
	sflags+=(-s "$s")
done

# link_tests TAG LD LIB LOCALIZED: links main.o with the original and the localized
# library: same output; with cheat.o the original links and the localized one fails.
link_tests() {
	local tag=$1 ld=$2 lib=$3 loc=$4 cheat=$5 undef
	local x=$FX/x86_64

	case $ld in
	bfd) undef="undefined reference to \`lib_helper'" ;;
	lld) undef="undefined symbol: lib_helper" ;;
	esac
	if ! gcc -fuse-ld="$ld" "$x/main.o" "$lib" -o "$T/prog-orig" 2>"$T/link.err"; then
		fail "$tag: ld.$ld cannot link the original library"
		sed 's/^/    | /' "$T/link.err"
		return
	fi
	run_prog "$T/orig.txt" "$T/prog-orig"
	check "$tag: ld.$ld links main.o with the localized library" \
		gcc -fuse-ld="$ld" "$x/main.o" "$loc" -o "$T/prog-loc"
	run_prog "$T/loc.txt" "$T/prog-loc"
	check "$tag: ld.$ld program output unchanged" cmp "$T/orig.txt" "$T/loc.txt"
	expect_output "$tag: ld.$ld program ran" "$T/loc.txt" '^lib_api\(5\) = 39$'
	check "$tag: ld.$ld links a reference to lib_helper with the original library" \
		gcc -fuse-ld="$ld" "$x/main.o" "$cheat" "$lib" -o "$T/prog-cheat"
	expect_status 1 "$tag: ld.$ld refuses the reference to localized lib_helper" \
		gcc -fuse-ld="$ld" "$x/main.o" "$cheat" "$loc" -o "$T/prog-cheat2"
	expect_output "$tag: ld.$ld names the undefined symbol" "$T/out" "$undef"
}

for tc in x86_64 clang; do
	d=$FX/$tc
	need "$tc library" "$d/lib.o" "$d/cheat.o" "$FX/x86_64/main.o" || continue
	lib=$d/lib.o
	out=$T/$tc-lib.o

	expect_status 0 "$tc: localize ${PRIVATE[*]}" "$SYMFENCE" localize "${sflags[@]}" "$lib" -o "$out"
	check "$tc: nothing printed without -v" test ! -s "$T/out"
	rewrite_ok "$tc" "$lib" "$out" "${PRIVATE[@]}"
	same_as_objcopy "$tc" "$lib" "$out" objcopy "${PRIVATE[@]}"
	for ld in bfd lld; do
		if [ "$ld" = lld ] && ! have ld.lld; then
			skip "$tc: ld.lld is not installed"
			continue
		fi
		link_tests "$tc" "$ld" "$lib" "$out" "$d/cheat.o"
	done

	# Determinism: the same input gives the same bytes.
	"$SYMFENCE" localize "${sflags[@]}" "$lib" -o "$T/again.o" 2>/dev/null
	check "$tc: same input, same output bytes" cmp "$out" "$T/again.o"

	# The order of -s options does not matter.
	"$SYMFENCE" localize -s lib_other -s lib_hook -s lib_table -s lib_counter -s lib_helper \
		"$lib" -o "$T/reordered.o" 2>/dev/null
	check "$tc: order of -s does not change the output" cmp "$out" "$T/reordered.o"

	# A symbols file (objcopy's format) selects the same.
	{
		echo "# private helpers"
		echo
		printf '  %s\n' "${PRIVATE[@]}"
	} >"$T/private.list"
	expect_status 0 "$tc: --symbols-file" "$SYMFENCE" localize --symbols-file "$T/private.list" \
		"$lib" -o "$T/file.o"
	check "$tc: --symbols-file gives the same bytes as -s" cmp "$out" "$T/file.o"

	# -v lists each localized symbol once.
	expect_status 0 "$tc: -v" "$SYMFENCE" localize -v "${sflags[@]}" "$lib" -o "$T/v.o"
	for s in "${PRIVATE[@]}"; do
		expect_output "$tc: -v lists $s" "$T/out" "^symfence: localized '$s'\$"
	done
	check "$tc: -v lists nothing else" test "$(grep -c . "$T/out")" = "${#PRIVATE[@]}"

	# Nothing to do: byte-identical output.
	expect_status 0 "$tc: a name that is not there, with --allow-missing" \
		"$SYMFENCE" localize -s no_such_symbol --allow-missing "$lib" -o "$T/same.o"
	expect_output "$tc: warns about the missing name" "$T/out" \
		"^$lib: warning: symbol 'no_such_symbol' is not in this object\$"
	check "$tc: nothing selected gives byte-identical output" cmp "$lib" "$T/same.o"
	: >"$T/empty.list"
	expect_status 0 "$tc: an empty symbols file" "$SYMFENCE" localize --symbols-file "$T/empty.list" \
		"$lib" -o "$T/same2.o"
	check "$tc: an empty symbols file gives byte-identical output" cmp "$lib" "$T/same2.o"

	# Twice: a symbol that is already local is not selectable; with --allow-missing
	# the second run is a byte-identical no-op.
	expect_status 2 "$tc: localizing an already local symbol again is an error" \
		"$SYMFENCE" localize -s lib_helper "$out" -o "$T/twice.o"
	expect_output "$tc: ... that names the symbol" "$T/out" \
		"^$out: error: symbol 'lib_helper' is already local in this object"
	check "$tc: ... and writes nothing" test ! -e "$T/twice.o"
	expect_status 0 "$tc: again with --allow-missing" \
		"$SYMFENCE" localize "${sflags[@]}" --allow-missing "$out" -o "$T/twice.o"
	check "$tc: localizing twice is idempotent" cmp "$out" "$T/twice.o"
	rm -f "$T/twice.o" "$T/again.o" "$T/reordered.o" "$T/file.o" "$T/v.o" "$T/same.o" "$T/same2.o"
done

# The oracles themselves must be able to fail: break a correct result one way at a time.
if [ -e "$T/x86_64-lib.o" ]; then
	good=$T/x86_64-lib.o lib=$FX/x86_64/lib.o
	cp "$good" "$T/bad-rel.o"
	elfpatch relsym "$T/bad-rel.o" .rela.text 0 1
	expect_status 1 "oracle self-test: a relocation naming another symbol is caught" \
		oracle relocs "$lib" "$T/bad-rel.o"
	expect_status 1 "oracle self-test: a symbol left global is caught" \
		oracle syms "$lib" "$lib" lib_helper
	expect_status 1 "oracle self-test: a symbol localized too many is caught" \
		oracle syms "$lib" "$good" lib_helper
	cp "$good" "$T/bad-info.o"
	elfpatch shinfo "$T/bad-info.o" .symtab 3
	expect_status 1 "oracle self-test: a wrong .symtab sh_info is caught" oracle order "$T/bad-info.o"
	cp "$good" "$T/bad-byte.o"
	elfpatch byte "$T/bad-byte.o" 0x41 0xcc
	expect_status 1 "oracle self-test: a changed code byte is caught" oracle bytes "$lib" "$T/bad-byte.o"
	expect_status 1 "oracle self-test: objcopy comparison sees bindings" \
		oracle same-syms "$lib" "$good"
fi

# The feature zoo: hidden, TLS, IFUNC, weak (warned), an alias pair (warned).
x=$FX/x86_64
if need "features" "$x/features.o" "$x/features-main.o"; then
	feat=(hidden_fn tls_var ifunc_fn weak_fn real_fn)
	fflags=()
	for s in "${feat[@]}"; do
		fflags+=(-s "$s")
	done
	expect_status 0 "features: localize ${feat[*]}" \
		"$SYMFENCE" localize "${fflags[@]}" "$x/features.o" -o "$T/feat.o"
	expect_output "features: weak definition warned" "$T/out" \
		"^$x/features.o: warning: localizing weak definition 'weak_fn': this object's own references now bind to it even where another object defines 'weak_fn'\$"
	expect_output "features: alias warned" "$T/out" \
		"^$x/features.o: warning: 'real_fn' has a global alias 'alias_fn' at the same address, which stays global: other objects can still reach it through 'alias_fn'\$"
	check "features: exactly two warnings" test "$(grep -c 'warning:' "$T/out")" = 2
	rewrite_ok features "$x/features.o" "$T/feat.o" "${feat[@]}"
	same_as_objcopy features "$x/features.o" "$T/feat.o" objcopy "${feat[@]}"
	readelf -sW "$T/feat.o" >"$T/feat.syms"
	expect_output "features: IFUNC stays IFUNC, now LOCAL" "$T/feat.syms" ' IFUNC +LOCAL .* ifunc_fn$'
	expect_output "features: TLS stays TLS, now LOCAL" "$T/feat.syms" ' TLS +LOCAL .* tls_var$'
	expect_output "features: hidden keeps its visibility" "$T/feat.syms" ' FUNC +LOCAL +HIDDEN .* hidden_fn$'
	expect_output "features: the alias stays global" "$T/feat.syms" ' FUNC +GLOBAL .* alias_fn$'
	for ld in bfd lld; do
		have "ld.$ld" || continue
		gcc -fuse-ld=$ld "$x/features-main.o" "$x/features.o" -o "$T/f-orig" 2>/dev/null
		run_prog "$T/f-orig.txt" "$T/f-orig"
		check "features: ld.$ld links the localized object" \
			gcc -fuse-ld=$ld "$x/features-main.o" "$T/feat.o" -o "$T/f-loc"
		run_prog "$T/f-loc.txt" "$T/f-loc"
		check "features: ld.$ld output unchanged (IFUNC, TLS, alias still work)" \
			cmp "$T/f-orig.txt" "$T/f-loc.txt"
		expect_output "features: ld.$ld program ran" "$T/f-loc.txt" '^features_api\(4\) = '
	done
fi

# A global that collides with a static of the same name (merged by ld -r).
if need "collision" "$x/dup.o" "$x/dup-main.o"; then
	expect_status 0 "collision: localize dup_name" \
		"$SYMFENCE" localize -s dup_name "$x/dup.o" -o "$T/dup.o"
	expect_output "collision: warned" "$T/out" \
		"^$x/dup.o: warning: localized 'dup_name' has the same name as an existing local symbol; debuggers and kallsyms will show two\$"
	rewrite_ok collision "$x/dup.o" "$T/dup.o" dup_name
	same_as_objcopy collision "$x/dup.o" "$T/dup.o" objcopy dup_name
	for ld in bfd lld; do
		have "ld.$ld" || continue
		gcc -fuse-ld=$ld "$x/dup-main.o" "$x/dup.o" -o "$T/d-orig" 2>/dev/null
		run_prog "$T/d-orig.txt" "$T/d-orig"
		check "collision: ld.$ld links" gcc -fuse-ld=$ld "$x/dup-main.o" "$T/dup.o" -o "$T/d-loc"
		run_prog "$T/d-loc.txt" "$T/d-loc"
		check "collision: ld.$ld output unchanged (each call reaches its own dup_name)" \
			cmp "$T/d-orig.txt" "$T/d-loc.txt"
		expect_output "collision: ld.$ld program ran" "$T/d-loc.txt" '^dup_api\(3\) = 34$'
	done
fi

# C++: an ordinary global among COMDAT groups; the groups' signatures move.
if need "C++" "$x/comdat-cxx.o"; then
	expect_status 0 "C++: localize cxx_api" \
		"$SYMFENCE" localize -s _Z7cxx_apii "$x/comdat-cxx.o" -o "$T/cxx.o"
	rewrite_ok "C++" "$x/comdat-cxx.o" "$T/cxx.o" _Z7cxx_apii
	same_as_objcopy "C++" "$x/comdat-cxx.o" "$T/cxx.o" objcopy _Z7cxx_apii
	readelf -gW "$x/comdat-cxx.o" >"$T/g1"
	readelf -gW "$T/cxx.o" >"$T/g2"
	check "C++: COMDAT groups keep their signatures (readelf -g)" cmp "$T/g1" "$T/g2"
	expect_output "C++: there are COMDAT groups to check" "$T/g2" "COMDAT group section .* \[_Z3inli\]"
fi

# Separate debug files: objcopy --only-keep-debug empties the code (SHT_NOBITS)
# and keeps the relocations; eu-strip -f also empties the relocation sections
# of the code (SHT_NOBITS, still linked to .symtab), crafted here from the
# first, and made by eu-strip itself when elfutils is installed. Nothing to renumber in those: the result must equal objcopy's and
# llvm-objcopy's, and pass the readelf oracles.
if need "debug file" "$x/lib.o"; then
	objcopy --only-keep-debug "$x/lib.o" "$T/lib.debug"
	expect_status 0 "debug file (objcopy --only-keep-debug): localize" \
		"$SYMFENCE" localize "${sflags[@]}" "$T/lib.debug" -o "$T/lib-loc.debug"
	rewrite_ok "debug file" "$T/lib.debug" "$T/lib-loc.debug" "${PRIVATE[@]}"
	same_as_objcopy "debug file" "$T/lib.debug" "$T/lib-loc.debug" objcopy "${PRIVATE[@]}"
	cp "$T/lib.debug" "$T/nobits.debug"
	elfpatch shtype "$T/nobits.debug" .rela.text 8
	elfpatch shtype "$T/nobits.debug" .rela.eh_frame 8
	readelf -SW "$T/nobits.debug" >"$T/nobits.sec"
	expect_output "NOBITS relocations fixture: .rela.text is NOBITS, linked to .symtab" \
		"$T/nobits.sec" '\] \.rela\.text +NOBITS +[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 18 +I '
	expect_status 0 "debug file with NOBITS relocations: localize" \
		"$SYMFENCE" localize "${sflags[@]}" "$T/nobits.debug" -o "$T/nobits-loc.debug"
	rewrite_ok "NOBITS relocations" "$T/nobits.debug" "$T/nobits-loc.debug" "${PRIVATE[@]}"
	same_as_objcopy "NOBITS relocations" "$T/nobits.debug" "$T/nobits-loc.debug" objcopy \
		"${PRIVATE[@]}"
	if have llvm-objcopy; then
		same_as_objcopy "NOBITS relocations (llvm)" "$T/nobits.debug" "$T/nobits-loc.debug" \
			llvm-objcopy "${PRIVATE[@]}"
	fi
	# The real thing, when elfutils is installed.
	if have eu-strip; then
		cp "$x/lib.o" "$T/eu.o"
		eu-strip -f "$T/eu.debug" "$T/eu.o"
		readelf -SW "$T/eu.debug" >"$T/eu.sec"
		expect_output "eu-strip -f: .rela.text is NOBITS in the debug file" "$T/eu.sec" \
			'\] \.rela\.text +NOBITS '
		expect_status 0 "eu-strip -f debug file: localize" \
			"$SYMFENCE" localize "${sflags[@]}" "$T/eu.debug" -o "$T/eu-loc.debug"
		rewrite_ok "eu-strip -f debug file" "$T/eu.debug" "$T/eu-loc.debug" "${PRIVATE[@]}"
		same_as_objcopy "eu-strip -f debug file" "$T/eu.debug" "$T/eu-loc.debug" objcopy \
			"${PRIVATE[@]}"
	else
		skip "eu-strip -f debug file: elfutils is not installed"
	fi
fi
