#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence localize on other architectures, from one binary: arm (ELF32, REL),
# aarch64 (ELF64, RELA), s390x (ELF64 big endian) and mips (ELF32 big endian,
# REL; clang and ld.lld). For each: the readelf oracles, the target's objcopy
# as a reference, a freestanding static link with the target's linker that
# fails on a reference to a localized symbol and otherwise gives the same
# image (and, under qemu-user, the same exit status), and the export refusals.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fixtures/loc-test-lib.sh"

PRIVATE=(lib_helper lib_counter lib_table lib_hook lib_other)
sflags=()
for s in "${PRIVATE[@]}"; do
	sflags+=(-s "$s")
done

# arch CLASS DATA RELOC-KIND OBJCOPY QEMU LINK... (LINK: the command that links, before -o)
arch() {
	local t=$1 class=$2 data=$3 kind=$4 objcopy=$5 qemu=$6
	shift 6
	local link=("$@") d=$FX/$t undef
	local lib=$d/lib.o out=$T/$t-lib.o

	need "$t" "$lib" "$d/start.o" "$d/cheat.o" "$d/export.o" || return 0
	readelf -hW "$lib" >"$T/h"
	expect_output "$t: fixture is $class" "$T/h" "Class: +$class\$"
	expect_output "$t: fixture is $data endian" "$T/h" "Data: +2's complement, $data endian\$"
	readelf -rW "$lib" >"$T/r"
	if [ "$kind" = REL ]; then
		expect_output "$t: fixture has REL relocations" "$T/r" "^Relocation section '\.rel\.text'"
		check "$t: fixture has no RELA relocations" sh -c "! grep -q \"^Relocation section '\\.rela\" '$T/r'"
	else
		expect_output "$t: fixture has RELA relocations" "$T/r" "^Relocation section '\.rela\.text'"
	fi

	expect_status 0 "$t: localize ${PRIVATE[*]}" "$SYMFENCE" localize "${sflags[@]}" "$lib" -o "$out"
	rewrite_ok "$t" "$lib" "$out" "${PRIVATE[@]}"
	if have "${objcopy%% *}"; then
		same_as_objcopy "$t" "$lib" "$out" "$objcopy" "${PRIVATE[@]}"
	else
		skip "$t: ${objcopy%% *} is not installed"
	fi
	"$SYMFENCE" localize "${sflags[@]}" "$lib" -o "$T/again.o" 2>/dev/null
	check "$t: same input, same output bytes" cmp "$out" "$T/again.o"
	"$SYMFENCE" localize --allow-missing -s no_such_symbol "$lib" -o "$T/same.o" 2>/dev/null
	check "$t: nothing selected gives byte-identical output" cmp "$lib" "$T/same.o"

	# Links: the same image; a reference to lib_helper now fails.
	case ${link[0]} in
	ld.lld) undef="undefined symbol: lib_helper" ;;
	*) undef="undefined reference to \`lib_helper'" ;;
	esac
	if ! "${link[@]}" "$d/start.o" "$lib" -o "$T/$t-orig" >"$T/link.err" 2>&1; then
		fail "$t: ${link[0]} cannot link the original library"
		sed 's/^/    | /' "$T/link.err"
		return
	fi
	check "$t: ${link[0]} links the localized library" \
		"${link[@]}" "$d/start.o" "$out" -o "$T/$t-loc"
	if have "${objcopy%% *}"; then
		# the build ID hashes .symtab too, so notes differ; the loaded bytes must not
		$objcopy -O binary -R '.note*' "$T/$t-orig" "$T/orig.bin"
		$objcopy -O binary -R '.note*' "$T/$t-loc" "$T/loc.bin"
		check "$t: the linked image is the same (objcopy -O binary)" cmp "$T/orig.bin" "$T/loc.bin"
	fi
	if have "$qemu"; then
		"$qemu" "$T/$t-orig" >/dev/null 2>&1
		echo $? >"$T/orig.status"
		"$qemu" "$T/$t-loc" >/dev/null 2>&1
		echo $? >"$T/loc.status"
		check "$t: the program exits as before under $qemu" cmp "$T/orig.status" "$T/loc.status"
		check "$t: ... with lib_api(5) = 39" test "$(cat "$T/loc.status")" = 39
	else
		skip "$t: $qemu is not installed, the programs are not run"
	fi
	check "$t: ${link[0]} links a reference to lib_helper with the original library" \
		"${link[@]}" "$d/start.o" "$d/cheat.o" "$lib" -o "$T/$t-cheat"
	expect_status 1 "$t: ${link[0]} refuses the reference to localized lib_helper" \
		"${link[@]}" "$d/start.o" "$d/cheat.o" "$out" -o "$T/$t-cheat2"
	expect_output "$t: ${link[0]} names the undefined symbol" "$T/out" "$undef"

	# Exports, as the kernel writes them for this target.
	local e=$d/export.o s
	for s in exp_old exp_new exp_anon exp_name; do
		refused "$t: exported $s" 1 \
			"^$e: error: cannot localize '$s': it is exported \(EXPORT_SYMBOL\)" \
			-s "$s" "$e" -o "$T/refused.o"
	done
	expect_status 0 "$t: the unexported neighbour" \
		"$SYMFENCE" localize -s not_exported "$e" -o "$T/nx.o"
	rewrite_ok "$t exports neighbour" "$e" "$T/nx.o" not_exported
	rm -f "$T/again.o" "$T/same.o" "$T/nx.o"
}

arch arm ELF32 little REL arm-linux-gnueabihf-objcopy qemu-arm \
	arm-linux-gnueabihf-gcc -nostdlib -static
arch aarch64 ELF64 little RELA aarch64-linux-gnu-objcopy qemu-aarch64 \
	aarch64-linux-gnu-gcc -nostdlib -static
arch s390x ELF64 big RELA s390x-linux-gnu-objcopy qemu-s390x \
	s390x-linux-gnu-gcc -nostdlib -static
arch mips ELF32 big REL llvm-objcopy qemu-mips \
	ld.lld -static -e _start
