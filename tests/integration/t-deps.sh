#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/deps.sh, which make check, make demo and make check-kernel run first:
# it names what is missing and the package, and the one command to run.
. "$(dirname "$0")/../lib.sh"
D="$TOP/scripts/deps.sh"

for w in build demo check; do
	expect_status 0 "everything make $w needs is here" bash "$D" $w
	[ -s "$T/out" ] && fail "make $w: deps.sh printed something with nothing missing"
done

# A PATH with every tool make check needs but clang and xz.
mkdir bin
for t in bash env id sed head ls cat cc make ar ld readelf nm python3 objcopy objdump ld.lld \
	llvm-objcopy llvm-ar llvm-readelf g++ arm-linux-gnueabihf-gcc aarch64-linux-gnu-gcc \
	s390x-linux-gnu-gcc s390x-linux-gnu-ld qemu-arm qemu-aarch64 zstd gzip man groff \
	modinfo clang-format valgrind mkfs.ext4 eu-strip pkg-config; do
	p=$(PATH=$PATH:/usr/sbin:/sbin command -v $t) && ln -s "$p" bin/$t
done
P=$T/bin
expect_status 2 "missing tools fail the check" env PATH="$P" SYMFENCE_DEPS_OS=debian \
	SYMFENCE_NO_INSTALL=1 bash "$D" check
expect_output "... naming them" out '^symfence: make check needs what this machine lacks: clang xz$'
if [ "$(id -u)" = 0 ]; then
	expect_output "... and the one command, with their packages" out \
		'^symfence: run: apt-get update && apt-get install -y clang xz-utils$'
else
	expect_output "... and the one command, with their packages" out \
		'apt-get update && (sudo )?apt-get install -y clang xz-utils$'
fi
expect_status 0 "make build does not need them" env PATH="$P" bash "$D" build
[ ! -s "$T/out" ] || fail "deps.sh build printed: $(cat "$T/out")"

expect_status 2 "another system gets the package list" env PATH="$P" SYMFENCE_DEPS_OS=other bash "$D" check
expect_output "... for Debian and Ubuntu" out \
	'^symfence: install them with your system.s packages; on Debian or Ubuntu they are: clang xz-utils$'
if [ "$(id -u)" = 0 ]; then
	expect_status 2 "on Debian, as root, it says what it installs and why" env PATH="$P" \
		SYMFENCE_DEPS_OS=debian SYMFENCE_DEPS_DRYRUN=1 bash "$D" check
	expect_output "... before it runs apt-get" out \
		'^symfence: installing them \(SYMFENCE_NO_INSTALL=1 not to\): apt-get update && apt-get install -y clang xz-utils$'
fi

# A compiler that finds no libelf header: libelf-dev.
cat >bin/nogelf <<'SH'
#!/bin/bash
in=$(cat)
case $in in *gelf.h*) echo "fatal error: gelf.h: No such file or directory" >&2; exit 1 ;; esac
printf '%s\n' "$in" | exec cc "$@"
SH
chmod +x bin/nogelf
expect_status 2 "a missing header fails the check" env CC="$T/bin/nogelf" SYMFENCE_DEPS_OS=debian \
	SYMFENCE_NO_INSTALL=1 bash "$D" build
expect_output "... naming the header and its package" out 'lacks: gelf.h$'
expect_output "... in the command" out 'apt-get install -y libelf-dev$'

# make demo stops there, before it compiles anything.
expect_status 2 "make demo without gelf.h stops before compiling" env -u MAKEFLAGS -u MAKELEVEL \
	make -C "$TOP" demo CC="$T/bin/nogelf" BUILD="$T/build" SYMFENCE_NO_INSTALL=1
expect_output "... with the message" out 'make demo needs what this machine lacks: gelf.h'
if grep -q '^  CC ' "$T/out" || [ -e "$T/build" ]; then
	fail "make demo compiled something"
else
	ok "... and compiles nothing"
fi
