#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Everything symfence localize must refuse, each with its exit status, its
# message, no output file and no temporary left behind, and with --in-place
# an untouched input: undefined, SHN_COMMON, COMDAT signatures and members,
# exported symbols (old ___ksymtab+ sections, __ksymtab_ labels, 6.5+
# .export_symbol), SHN_LIVEPATCH, LTO (GCC and LLVM bitcode), ET_EXEC, ET_DYN,
# an unknown section type linked to .symtab (SHT_CREL), an appended module
# signature (unless --strip-signature), a name that is not in the object,
# processor commons (SHN_X86_64_LCOMMON, SHN_MIPS_SCOMMON, Hexagon) and other
# special section indices judged by e_machine, and STB_GNU_UNIQUE.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fixtures/loc-test-lib.sh"

x=$FX/x86_64
R=$T/refused.o

if need "features" "$x/features.o"; then
	f=$x/features.o
	refused "undefined" 1 \
		"^$f: error: cannot localize 'undefined_fn': it is undefined here \(only referenced; localize it in the object that defines it\)\$" \
		-s undefined_fn "$f" -o "$R"
	refused_in_place "undefined" 1 "cannot localize 'undefined_fn': it is undefined here" "$f" \
		-s undefined_fn
	refused "SHN_COMMON" 1 \
		"^$f: error: cannot localize 'common_var': it is SHN_COMMON \(build with -fno-common or link with ld -d\)\$" \
		-s common_var "$f" -o "$R"
	refused_in_place "SHN_COMMON" 1 "cannot localize 'common_var': it is SHN_COMMON" "$f" \
		-s common_var

	# Every refusal is reported, not only the first; a good symbol does not get through.
	refused "two refusals" 1 "cannot localize 'common_var'" \
		-s hidden_fn -s undefined_fn -s common_var "$f" -o "$R"
	expect_output "two refusals: the other one too" "$T/out" "cannot localize 'undefined_fn'"
	check "two refusals: two error lines" test "$(grep -c ': error: ' "$T/out")" = 2
	# Every problem of the request, of every kind: the refusal and the absent name
	# (exit 2: the request itself is wrong, as in audit 2 wins over 1).
	refused "refusal and missing name" 2 "^$f: error: cannot localize 'common_var'" \
		-s no_such_symbol -s common_var "$f" -o "$R"
	expect_output "refusal and missing name: the missing name too" "$T/out" \
		"^$f: error: symbol 'no_such_symbol' is not in this object \(--allow-missing ignores this\)\$"
	refused "refusal and missing name, --allow-missing" 1 "cannot localize 'common_var'" \
		--allow-missing -s no_such_symbol -s common_var "$f" -o "$R"
	expect_output "refusal and missing name, --allow-missing: a warning for the name" \
		"$T/out" "^$f: warning: symbol 'no_such_symbol' is not in this object\$"
	# --allow-missing does not allow an unsafe symbol
	refused "--allow-missing does not excuse a refusal" 1 "cannot localize 'undefined_fn'" \
		--allow-missing -s undefined_fn "$f" -o "$R"

	# SHN_LIVEPATCH: a klp relocation target, crafted from an undefined symbol.
	cp "$f" "$T/klp.o"
	elfpatch shndx "$T/klp.o" undefined_fn 0xff20
	readelf -sW "$T/klp.o" >"$T/klp.syms"
	expect_output "livepatch fixture has st_shndx 0xff20" "$T/klp.syms" '\[0xff20\] undefined_fn$'
	refused "SHN_LIVEPATCH" 1 \
		"^$T/klp.o: error: cannot localize 'undefined_fn': it is a livepatch symbol \(SHN_LIVEPATCH\), resolved by the livepatch core at load time\$" \
		-s undefined_fn "$T/klp.o" -o "$R"
	refused_in_place "SHN_LIVEPATCH" 1 "it is a livepatch symbol" "$T/klp.o" -s undefined_fn
fi

# COMDAT: signatures and symbols defined in group members.
if need "COMDAT (C++)" "$x/comdat-cxx.o"; then
	c=$x/comdat-cxx.o
	for sig in _Z3inli _Z5twiceIiET_S0_ _ZZ3inliE5calls; do
		refused "COMDAT signature $sig" 1 \
			"^$c: error: cannot localize '$sig': it is the signature of COMDAT group section '.group'; COMDAT groups are merged by name across objects\$" \
			-s "$sig" "$c" -o "$R"
	done
	refused_in_place "COMDAT signature" 1 "it is the signature of COMDAT group" "$c" -s _Z3inli
	# The complete-object constructor C1 lives in the C5 group, whose signature it is not.
	refused "COMDAT member _ZN6WidgetC1Ev" 1 \
		"^$c: error: cannot localize '_ZN6WidgetC1Ev': it is defined in section '.text._ZN6WidgetC2Ev' of a COMDAT group \(inline or template code shared between objects\)\$" \
		-s _ZN6WidgetC1Ev "$c" -o "$R"
fi
if need "COMDAT (assembly)" "$x/comdat-asm.o"; then
	c=$x/comdat-asm.o
	refused "COMDAT signature grp_sig" 1 \
		"^$c: error: cannot localize 'grp_sig': it is the signature of COMDAT group section '.group'" \
		-s grp_sig "$c" -o "$R"
	refused "COMDAT member grp_member" 1 \
		"^$c: error: cannot localize 'grp_member': it is defined in section '.text.grp' of a COMDAT group" \
		-s grp_member "$c" -o "$R"
	refused_in_place "COMDAT member" 1 "of a COMDAT group" "$c" -s grp_member
	expect_status 0 "COMDAT: plain_fn outside the group" \
		"$SYMFENCE" localize -s plain_fn "$c" -o "$T/plain.o"
	rewrite_ok "COMDAT neighbour" "$c" "$T/plain.o" plain_fn
fi

# Exported symbols: kernel EXPORT_SYMBOL in its old and new forms.
if need "exports" "$x/export.o" "$x/export-x.o"; then
	e=$x/export.o
	msg="it is exported \(EXPORT_SYMBOL\); an exported symbol cannot be private: drop the export or the private rule\$"
	refused "exported (___ksymtab+ section, __ksymtab_ label)" 1 \
		"^$e: error: cannot localize 'exp_old': $msg" -s exp_old "$e" -o "$R"
	refused "exported (.export_symbol, __export_symbol_ label)" 1 \
		"^$e: error: cannot localize 'exp_new': $msg" -s exp_new "$e" -o "$R"
	refused "exported (.export_symbol relocation only)" 1 \
		"^$e: error: cannot localize 'exp_anon': $msg" -s exp_anon "$e" -o "$R"
	refused "exported (a __ksymtab_ symbol only)" 1 \
		"^$e: error: cannot localize 'exp_name': $msg" -s exp_name "$e" -o "$R"
	refused_in_place "exported" 1 "cannot localize 'exp_old': it is exported" "$e" -s exp_old
	expect_status 0 "exports: the unexported neighbour" \
		"$SYMFENCE" localize -s not_exported "$e" -o "$T/nx.o"
	rewrite_ok "exports neighbour" "$e" "$T/nx.o" not_exported

	# ld -r -x dropped the local __ksymtab_exp_old label: the relocation from
	# section ___ksymtab+exp_old is all that says exp_old is exported.
	e=$x/export-x.o
	readelf -rW "$e" >"$T/ex.rel"
	expect_output "export-x fixture: ___ksymtab+exp_old relocates exp_old" "$T/ex.rel" \
		"^Relocation section '.rela___ksymtab\+exp_old'"
	readelf -sW "$e" >"$T/ex.sym"
	check "export-x fixture: no __ksymtab_exp_old label" \
		sh -c "! grep -q '__ksymtab_exp_old\$' '$T/ex.sym'"
	refused "exported (___ksymtab+exp_old relocation only, after ld -r -x)" 1 \
		"^$e: error: cannot localize 'exp_old': $msg" -s exp_old "$e" -o "$R"
	refused "exported (.export_symbol relocation only, after ld -r -x)" 1 \
		"^$e: error: cannot localize 'exp_new': $msg" -s exp_new "$e" -o "$R"
fi

# LTO: GCC's IR sections in an ELF object, and LLVM bitcode.
if need "GCC LTO" "$x/lto.o"; then
	refused "GCC LTO object" 2 \
		"^$x/lto.o: error: cannot rewrite an LTO object \(section '\.gnu\.lto_[^']*'\): it holds compiler IR, not final code; build the library without LTO or seal after the LTO link\$" \
		-s lib_helper "$x/lto.o" -o "$R"
	refused_in_place "GCC LTO object" 2 "cannot rewrite an LTO object" "$x/lto.o" -s lib_helper
fi
if need "LLVM LTO" "$FX/clang/lto.bc"; then
	b=$FX/clang/lto.bc
	refused "LLVM bitcode" 2 \
		"^$b: error: LLVM bitcode, not an ELF object \(built with -flto\? seal after LTO or without it\)\$" \
		-s lib_helper "$b" -o "$R"
	refused_in_place "LLVM bitcode" 2 "LLVM bitcode, not an ELF object" "$b" -s lib_helper
fi

# Not relocatable objects.
if need "ET_EXEC" "$x/exec"; then
	refused "ET_EXEC" 2 \
		"^$x/exec: error: cannot localize symbols in an executable \(ET_EXEC\): symfence rewrites relocatable objects \(\.o, \.ko\)\$" \
		-s lib_helper "$x/exec" -o "$R"
	refused_in_place "ET_EXEC" 2 "in an executable \(ET_EXEC\)" "$x/exec" -s lib_helper
fi
if need "ET_DYN" "$x/shared.so"; then
	refused "ET_DYN" 2 \
		"^$x/shared.so: error: cannot localize symbols in a shared object \(ET_DYN\): symfence rewrites relocatable objects \(\.o, \.ko\)\$" \
		-s lib_other "$x/shared.so" -o "$R"
	refused_in_place "ET_DYN" 2 "in a shared object \(ET_DYN\)" "$x/shared.so" -s lib_other
fi

if need "library" "$x/lib.o"; then
	lib=$x/lib.o

	# An unknown section type linked to .symtab: .rela.text retyped as SHT_CREL.
	cp "$lib" "$T/crel.o"
	elfpatch shtype "$T/crel.o" .rela.text 0x40000014
	readelf -SW "$T/crel.o" >"$T/crel.sec"
	expect_output "CREL fixture: .rela.text has type 0x40000014" "$T/crel.sec" \
		'\] \.rela\.text +(40000014|LOUSER\+0x14|CREL)'
	refused "SHT_CREL" 2 \
		"^$T/crel.o: error: section '\.rela\.text' is SHT_CREL \(compact relocations\), whose symbol indices symfence cannot renumber; build without -Wa,--crel; nothing written\$" \
		-s lib_helper "$T/crel.o" -o "$R"
	refused_in_place "SHT_CREL" 2 "is SHT_CREL \(compact relocations\)" "$T/crel.o" -s lib_helper
	# Another type: said as it is, with no guess.
	cp "$lib" "$T/odd.o"
	elfpatch shtype "$T/odd.o" .rela.text 0x6ffffff0
	refused "unknown type linked to .symtab" 2 \
		"^$T/odd.o: error: section '\.rela\.text' \(type 0x6ffffff0\) refers to the symbol table in a way symfence does not know; nothing written\$" \
		-s lib_helper "$T/odd.o" -o "$R"

	# Two relocation sections made to share their bytes: both would be patched.
	cp "$lib" "$T/overlap.o"
	elfpatch shplace "$T/overlap.o" .rela.eh_frame .rela.text
	refused "overlapping relocation sections" 2 \
		"^$T/overlap.o: error: section [0-9]+ '\.rela\.text' and section [0-9]+ '\.rela\.eh_frame' overlap \(at offset 0x[0-9a-f]+\)\$" \
		-s lib_helper -s lib_counter "$T/overlap.o" -o "$R"
	refused_in_place "overlapping relocation sections" 2 "'\.rela\.eh_frame' overlap" \
		"$T/overlap.o" -s lib_helper -s lib_counter

	# A name that is not in the object.
	refused "missing name" 2 \
		"^$lib: error: symbol 'no_such_symbol' is not in this object \(--allow-missing ignores this\)\$" \
		-s lib_helper -s no_such_symbol "$lib" -o "$R"
	refused_in_place "missing name" 2 "symbol 'no_such_symbol' is not in this object" "$lib" \
		-s no_such_symbol
	printf 'lib_helper\n# a comment\nno_such_symbol\n' >"$T/names.list"
	refused "missing name from a symbols file" 2 \
		"^$T/names.list:3:1: error: symbol 'no_such_symbol' is not in $lib\$" \
		--symbols-file "$T/names.list" "$lib" -o "$R"
	refused "a local symbol is not selectable" 2 \
		"^$lib: error: symbol 'lib_local' is already local in this object" -s lib_local "$lib" -o "$R"

	# A .ko with an appended module signature.
	cp "$lib" "$T/mod.ko"
	elfpatch sign "$T/mod.ko" 466
	refused "signed module" 2 \
		"^$T/mod.ko: error: module has an appended signature, which localizing would invalidate \(use --strip-signature, then sign the result again\)\$" \
		-s lib_helper "$T/mod.ko" -o "$R"
	refused_in_place "signed module" 2 "module has an appended signature" "$T/mod.ko" -s lib_helper
	expect_status 0 "signed module: --strip-signature" \
		"$SYMFENCE" localize --strip-signature -s lib_helper "$T/mod.ko" -o "$T/stripped.ko"
	"$SYMFENCE" localize -s lib_helper "$lib" -o "$T/unsigned.o" 2>/dev/null
	check "signed module: the result is the unsigned object, localized" \
		cmp "$T/stripped.ko" "$T/unsigned.o"
	rewrite_ok "signed module" "$lib" "$T/stripped.ko" lib_helper
	expect_status 0 "signed module: --strip-signature with nothing selected" \
		"$SYMFENCE" localize --strip-signature --allow-missing -s no_such_symbol "$T/mod.ko" \
		-o "$T/stripped2.ko"
	check "signed module: ... gives the ELF part, byte for byte" cmp "$T/stripped2.ko" "$lib"
	cp "$T/mod.ko" "$T/inplace.ko"
	expect_status 0 "signed module: --strip-signature --in-place" \
		"$SYMFENCE" localize --strip-signature -s lib_helper "$T/inplace.ko" --in-place
	check "signed module: replaced by the stripped, localized object" \
		cmp "$T/inplace.ko" "$T/unsigned.o"
	check "signed module: no temporary file left" no_temp "$T"
fi

# Processor-specific commons and other special section indices, judged by
# e_machine: readelf (the oracle) shows what the index is; only SHN_ABS is
# localized. x86_64 medium-model commons are SHN_X86_64_LCOMMON (LARGE_COM).
printf 'int big_common[100000];\nint lib_use(void) { return big_common[5]; }\n' >"$T/lcomm.c"
if gcc -mcmodel=medium -fcommon -c "$T/lcomm.c" -o "$T/lcomm.o"; then
	readelf -sW "$T/lcomm.o" >"$T/lcomm.syms"
	expect_output "LCOMMON fixture: readelf shows LARGE_COM" "$T/lcomm.syms" ' LARGE_COM big_common$'
	refused "SHN_X86_64_LCOMMON" 1 \
		"^$T/lcomm.o: error: cannot localize 'big_common': it is SHN_X86_64_LCOMMON, a common symbol \(build with -fno-common or link with ld -d\)\$" \
		-s big_common "$T/lcomm.o" -o "$R"
	refused_in_place "SHN_X86_64_LCOMMON" 1 "it is SHN_X86_64_LCOMMON" "$T/lcomm.o" -s big_common
	# The advice works: ld -r -d gives the common a section (.lbss), and then it localizes.
	ld -r -d "$T/lcomm.o" -o "$T/lcomm-d.o"
	expect_status 0 "LCOMMON after ld -r -d: localized" \
		"$SYMFENCE" localize -s big_common "$T/lcomm-d.o" -o "$T/lcomm-loc.o"
	rewrite_ok "LCOMMON after ld -r -d" "$T/lcomm-d.o" "$T/lcomm-loc.o" big_common
	for v in 0xff00 0xff03 0xff40; do
		cp "$T/lcomm.o" "$T/special.o"
		elfpatch shndx "$T/special.o" lib_use "$v"
		readelf -sW "$T/special.o" >"$T/special.syms"
		expect_output "x86_64 index $v: readelf shows a special index" "$T/special.syms" \
			"(PRC|RSV|OS) ?\[$v\] lib_use\$"
		refused "x86_64 index $v" 1 \
			"^$T/special.o: error: cannot localize 'lib_use': its section index $v \((processor-specific|reserved), unknown for machine 62\) is special, and symfence does not know it to be safe to localize\$" \
			-s lib_use "$T/special.o" -o "$R"
	done
	cp "$T/lcomm.o" "$T/abs.o"
	elfpatch shndx "$T/abs.o" lib_use 0xfff1
	expect_status 0 "x86_64 SHN_ABS: localized" "$SYMFENCE" localize -s lib_use "$T/abs.o" -o "$T/abs-loc.o"
	rewrite_ok "SHN_ABS" "$T/abs.o" "$T/abs-loc.o" lib_use
fi
# MIPS small commons (.scommon): clang's common retyped, as gas -G8 writes it.
printf 'int small_common;\nint lib_use(void) { return small_common; }\n' >"$T/scomm.c"
if clang --target=mips-linux-gnu -mno-abicalls -fno-pic -fcommon -c "$T/scomm.c" -o "$T/scomm.o" 2>/dev/null; then
	elfpatch shndx "$T/scomm.o" small_common 0xff03
	readelf -sW "$T/scomm.o" >"$T/scomm.syms"
	expect_output "MIPS SCOMMON fixture: readelf shows SCOM" "$T/scomm.syms" ' SCOM small_common$'
	refused "SHN_MIPS_SCOMMON" 1 \
		"^$T/scomm.o: error: cannot localize 'small_common': it is SHN_MIPS_SCOMMON, a common symbol \(build with -fno-common or link with ld -d\)\$" \
		-s small_common "$T/scomm.o" -o "$R"
else
	skip "MIPS SCOMMON: clang cannot build for mips-linux-gnu"
fi
if clang --target=hexagon -fcommon -c "$T/scomm.c" -o "$T/hcomm.o" 2>/dev/null; then
	elfpatch shndx "$T/hcomm.o" small_common 0xff03
	readelf -hW "$T/hcomm.o" >"$T/hcomm.h"
	expect_output "Hexagon fixture: readelf says QUALCOMM DSP6" "$T/hcomm.h" 'Machine: +QUALCOMM DSP6'
	refused "SHN_HEXAGON_SCOMMON_4" 1 \
		"^$T/hcomm.o: error: cannot localize 'small_common': it is SHN_HEXAGON_SCOMMON_4, a common symbol" \
		-s small_common "$T/hcomm.o" -o "$R"
else
	skip "Hexagon SCOMMON: clang cannot build for hexagon"
fi

# STB_GNU_UNIQUE: one definition program-wide. GNU objcopy leaves it UNIQUE
# (llvm-objcopy makes it LOCAL); symfence refuses it.
cat >"$T/uniq.s" <<'EOS'
	.data
	.globl uniq_var
	.type uniq_var, @gnu_unique_object
	.size uniq_var, 4
uniq_var:
	.long 1
	.text
	.globl plain_fn
	.type plain_fn, @function
plain_fn:
	movl uniq_var(%rip), %eax
	ret
EOS
as "$T/uniq.s" -o "$T/uniq.o"
objcopy --localize-symbol=uniq_var "$T/uniq.o" "$T/uniq-objcopy.o"
symtab_of "$T/uniq-objcopy.o" >"$T/uniq.syms"
expect_output "UNIQUE fixture: GNU objcopy leaves it UNIQUE" "$T/uniq.syms" '^uniq_var UNIQUE '
refused "STB_GNU_UNIQUE" 1 \
	"^$T/uniq.o: error: cannot localize 'uniq_var': it is STB_GNU_UNIQUE, which asks for one definition in the whole program; a local copy would break that\$" \
	-s uniq_var "$T/uniq.o" -o "$R"
refused_in_place "STB_GNU_UNIQUE" 1 "it is STB_GNU_UNIQUE" "$T/uniq.o" -s uniq_var
expect_status 0 "UNIQUE: its neighbour localizes" "$SYMFENCE" localize -s plain_fn "$T/uniq.o" -o "$T/uniq-loc.o"
rewrite_ok "UNIQUE neighbour" "$T/uniq.o" "$T/uniq-loc.o" plain_fn
