#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the test fixtures that are slow or shared, once per 'make check', into
# $FIXTURES (tests/run-tests.sh runs it before the integration tests). It is
# incremental: a fixture is rebuilt only when it is missing or older than this
# script or one of its sources. Fixtures for a toolchain that is not installed
# are skipped (the tests that need them say "skip"); a fixture that fails to
# build with an installed toolchain is an error.
#
# Layout: $FIXTURES/localize/<target>/..., target one of x86_64 (gcc, ld.bfd),
# clang (clang, ld.lld), arm, aarch64, s390x (cross gcc and binutils), mips
# (clang and ld.lld: ELF32 big-endian REL), xindex (more than 65,280 sections).
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$TOP/tests/fixtures.sh
SRC=$TOP/tests/fixtures
: "${BUILD:=$TOP/build}"
FIXTURES=${FIXTURES:-$BUILD/fixtures}
OUT=$FIXTURES/localize
status=0

have() { command -v "$1" >/dev/null 2>&1; }

# fresh OUT DEP...: OUT exists, is complete (no OUT.building left by an interrupted
# run) and is newer than this script and every DEP.
fresh() {
	local out=$1 d
	shift
	[ -e "$out" ] && [ ! -e "$out.building" ] || return 1
	for d in "$SELF" "$@"; do
		[ "$out" -nt "$d" ] || return 1
	done
}

# mk OUT DEP... -- CMD...: runs CMD, which writes OUT, unless OUT is fresh.
# With OUT '>FILE', CMD's standard output is FILE.
mk() {
	local out=$1 deps=() redirect=false rc
	shift
	case $out in '>'*) out=${out#>} redirect=true ;; esac
	while [ "$1" != -- ]; do
		deps+=("$1")
		shift
	done
	shift
	fresh "$out" "${deps[@]}" && return 0
	rm -f "$out"
	mkdir -p "$(dirname "$out")"
	: >"$out.building"
	if $redirect; then
		"$@" >"$out.tmp" 2>"$out.log" && mv "$out.tmp" "$out"
	else
		"$@" >"$out.log" 2>&1
	fi
	rc=$?
	if [ "$rc" = 0 ] && [ -e "$out" ]; then
		rm -f "$out.log" "$out.tmp" "$out.building"
		return 0
	fi
	echo "fixtures: cannot build ${out#"$FIXTURES"/}: $*"
	sed 's/^/    | /' "$out.log" | head -20
	rm -f "$out" "$out.tmp" "$out.building"
	status=1
	return 1
}

CFLAGS_LIB="-O1 -g -fno-common"

# The two-object library, its users and a freestanding entry point, for one target.
# lib_objects DIR CC LD [CFLAGS...]
lib_objects() {
	local d=$OUT/$1 cc=$2 ld=$3
	shift 3
	mk "$d/lib-a.o" "$SRC/loc-lib-a.c" -- $cc $CFLAGS_LIB "$@" -c "$SRC/loc-lib-a.c" -o "$d/lib-a.o"
	mk "$d/lib-b.o" "$SRC/loc-lib-b.c" -- $cc $CFLAGS_LIB "$@" -c "$SRC/loc-lib-b.c" -o "$d/lib-b.o"
	mk "$d/lib.o" "$d/lib-a.o" "$d/lib-b.o" -- $ld -r "$d/lib-a.o" "$d/lib-b.o" -o "$d/lib.o"
	mk "$d/cheat.o" "$SRC/loc-cheat.c" -- $cc -O1 "$@" -c "$SRC/loc-cheat.c" -o "$d/cheat.o"
	mk "$d/export.o" "$SRC/loc-export.c" -- $cc -O1 "$@" -c "$SRC/loc-export.c" -o "$d/export.o"
}

start_object() {
	local d=$OUT/$1 cc=$2
	shift 2
	mk "$d/start.o" "$SRC/loc-start.c" -- $cc -O1 -ffreestanding -fno-stack-protector \
		-fno-asynchronous-unwind-tables "$@" -c "$SRC/loc-start.c" -o "$d/start.o"
}

# x86_64 with gcc and GNU ld: the main set.
x86() {
	local d=$OUT/x86_64
	lib_objects x86_64 gcc ld.bfd
	mk "$d/main.o" "$SRC/loc-main.c" -- gcc -O1 -c "$SRC/loc-main.c" -o "$d/main.o"
	mk "$d/features.o" "$SRC/loc-features.c" -- \
		gcc -O1 -g -fcommon -c "$SRC/loc-features.c" -o "$d/features.o"
	mk "$d/features-main.o" "$SRC/loc-features-main.c" -- \
		gcc -O1 -c "$SRC/loc-features-main.c" -o "$d/features-main.o"
	mk "$d/dup-a.o" "$SRC/loc-dup-a.c" -- gcc $CFLAGS_LIB -c "$SRC/loc-dup-a.c" -o "$d/dup-a.o"
	mk "$d/dup-b.o" "$SRC/loc-dup-b.c" -- gcc $CFLAGS_LIB -c "$SRC/loc-dup-b.c" -o "$d/dup-b.o"
	mk "$d/dup.o" "$d/dup-a.o" "$d/dup-b.o" -- ld.bfd -r "$d/dup-a.o" "$d/dup-b.o" -o "$d/dup.o"
	mk "$d/dup-main.o" "$SRC/loc-dup-main.c" -- gcc -O1 -c "$SRC/loc-dup-main.c" -o "$d/dup-main.o"
	mk "$d/comdat-asm.o" "$SRC/loc-comdat.s" -- as "$SRC/loc-comdat.s" -o "$d/comdat-asm.o"
	if have g++; then
		mk "$d/comdat-cxx.o" "$SRC/loc-comdat.cc" -- \
			g++ -O0 -g -c "$SRC/loc-comdat.cc" -o "$d/comdat-cxx.o"
	fi
	# -x drops the local __ksymtab_* labels: only the ___ksymtab+* relocations remain
	mk "$d/export-x.o" "$d/export.o" -- ld.bfd -r -x "$d/export.o" -o "$d/export-x.o"
	mk "$d/lto.o" "$SRC/loc-lib-a.c" -- gcc -O1 -flto -c "$SRC/loc-lib-a.c" -o "$d/lto.o"
	mk "$d/exec" "$d/main.o" "$d/lib.o" -- gcc -no-pie "$d/main.o" "$d/lib.o" -o "$d/exec"
	mk "$d/shared.so" "$SRC/loc-lib-b.c" -- \
		gcc -O1 -fPIC -shared "$SRC/loc-lib-b.c" -o "$d/shared.so"
}

# x86_64 with clang and lld: .llvm_addrsig, lld's ld -r.
clang_set() {
	local d=$OUT/clang
	lib_objects clang clang ld.lld
	mk "$d/lto.bc" "$SRC/loc-lib-a.c" -- clang -O1 -flto -c "$SRC/loc-lib-a.c" -o "$d/lto.bc"
	mk ">$d/addrsig.c" "$SRC/loc-gen-addrsig.sh" -- bash "$SRC/loc-gen-addrsig.sh" grow
	mk "$d/addrsig.o" "$d/addrsig.c" -- clang -O1 -c "$d/addrsig.c" -o "$d/addrsig.o"
	mk ">$d/addrsig-shrink.c" "$SRC/loc-gen-addrsig.sh" -- \
		bash "$SRC/loc-gen-addrsig.sh" shrink
	mk "$d/addrsig-shrink.o" "$d/addrsig-shrink.c" -- \
		clang -O1 -c "$d/addrsig-shrink.c" -o "$d/addrsig-shrink.o"
	mk "$d/addrsig-main.o" "$SRC/loc-addrsig-main.c" -- \
		clang -O1 -c "$SRC/loc-addrsig-main.c" -o "$d/addrsig-main.o"
}

cross() {
	local t=$1 triple=$2
	have "$triple-gcc" && have "$triple-ld" || return 0
	lib_objects "$t" "$triple-gcc" "$triple-ld"
	start_object "$t" "$triple-gcc"
}

mips() {
	clang --target=mips-linux-gnu -print-targets 2>/dev/null | grep -qw mips || return 0
	lib_objects mips "clang --target=mips-linux-gnu -mno-abicalls -fno-pic -G0" ld.lld
	start_object mips "clang --target=mips-linux-gnu -mno-abicalls -fno-pic -G0"
}

# assemble_many OUT ARCH AS: the generated assembly is 6 MB; only the object is kept.
assemble_many() {
	local rc

	bash "$SRC/loc-gen-many.sh" "$2" 70000 >"$1.s" && $3 "$1.s" -o "$1"
	rc=$?
	rm -f "$1.s"
	return $rc
}

xindex() {
	local d=$OUT/xindex

	mkdir -p "$d"
	mk "$d/many.o" "$SRC/loc-gen-many.sh" -- assemble_many "$d/many.o" x86_64 as
	# big endian: clang's assembler is faster and adds no section symbols (gas
	# adds 70,000, which make readelf -r on the result slow for no gain)
	if have clang; then
		mk "$d/many-s390x.o" "$SRC/loc-gen-many.sh" -- \
			assemble_many "$d/many-s390x.o" s390x "clang --target=s390x-linux-gnu -c"
	elif have s390x-linux-gnu-as; then
		mk "$d/many-s390x.o" "$SRC/loc-gen-many.sh" -- \
			assemble_many "$d/many-s390x.o" s390x s390x-linux-gnu-as
	fi
}

mkdir -p "$OUT"
x86
have clang && have ld.lld && clang_set
cross arm arm-linux-gnueabihf
cross aarch64 aarch64-linux-gnu
cross s390x s390x-linux-gnu
have clang && have ld.lld && mips
xindex
exit $status
