#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/deps.sh build|demo|check|check-kernel: is everything that make TARGET
# needs here? Run by the Makefile before it compiles anything.
#
# What is missing is named, with the package that brings it. On Debian or
# Ubuntu the packages are then installed with apt-get (through sudo when not
# root, when sudo works without a password), after saying what and why;
# otherwise, or with SYMFENCE_NO_INSTALL=1, the one command to run is printed
# and the script fails. Exit 0: all there; 2: something missing.
#
# For the tests of this script: SYMFENCE_DEPS_DRYRUN=1 says what it would
# install and fails without running apt-get; SYMFENCE_DEPS_OS=debian|other
# overrides the detection of the system.
set -u
what=${1:-build}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

# command package (Debian)
build_tools="cc:build-essential make:make ar:binutils"
build_headers="gelf.h:libelf-dev elfutils/libdw.h:libdw-dev zlib.h:zlib1g-dev lzma.h:liblzma-dev zstd.h:libzstd-dev"
demo_tools="ld:binutils readelf:binutils nm:binutils python3:python3"
check_tools="$demo_tools objcopy:binutils objdump:binutils clang:clang ld.lld:lld llvm-objcopy:llvm
	llvm-ar:llvm llvm-readelf:llvm g++:g++ arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf
	aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu s390x-linux-gnu-gcc:gcc-s390x-linux-gnu
	s390x-linux-gnu-ld:binutils-s390x-linux-gnu qemu-arm:qemu-user qemu-aarch64:qemu-user
	xz:xz-utils zstd:zstd gzip:gzip man:man-db groff:groff-base modinfo:kmod
	clang-format:clang-format valgrind:valgrind mkfs.ext4:e2fsprogs eu-strip:elfutils"
check_headers="check.h:check"
check_files="/usr/arm-linux-gnueabihf/lib/libc.a:libc6-dev-armhf-cross
	/usr/aarch64-linux-gnu/lib/libc.a:libc6-dev-arm64-cross
	/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"
kernel_tools="flex:flex bison:bison bc:bc cpio:cpio ccache:ccache
	qemu-system-x86_64:qemu-system-x86 qemu-system-arm:qemu-system-arm
	arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf"
kernel_files="/usr/include/openssl/ssl.h:libssl-dev /usr/src/linux-source-6.1.tar.xz:linux-source-6.1
	/usr/src/linux-source-6.12.tar.xz:linux-source-6.12
	/usr/arm-linux-gnueabihf/lib/libc.a:libc6-dev-armhf-cross"

tools=$build_tools headers=$build_headers files=
case $what in
build) ;;
demo) tools="$tools $demo_tools" ;;
check)
	tools="$tools $check_tools" headers="$headers $check_headers" files=$check_files
	# make check reads a kernel's headers to build modules (t-kbuild.sh).
	ls -d /usr/src/linux-headers-*-amd64 >/dev/null 2>&1 || files="$files /nonexistent:linux-headers-amd64"
	;;
check-kernel) tools="$tools $demo_tools $kernel_tools" files=$kernel_files ;;
*)
	echo "usage: scripts/deps.sh build|demo|check|check-kernel" >&2
	exit 2
	;;
esac

missing=() pkgs=()
need() { # what package
	missing+=("$1")
	[[ " ${pkgs[*]} " == *" $2 "* ]] || pkgs+=("$2")
}
for tp in $tools; do
	t=${tp%%:*}
	[ "$t" = cc ] && t=${CC%% *}
	command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null 2>&1 ||
		need "$t" "${tp##*:}"
done
# A header is there when the compiler finds it (pkg-config's flags included).
for hp in $headers; do
	h=${hp%%:*}
	flags=$($PKG_CONFIG --cflags libelf libdw zlib liblzma libzstd check 2>/dev/null)
	# shellcheck disable=SC2086
	printf '#include <%s>\n' "$h" | $CC $flags -E -x c - >/dev/null 2>&1 || need "$h" "${hp##*:}"
done
for fp in $files; do
	compgen -G "${fp%%:*}" >/dev/null || need "${fp%%:*}" "${fp##*:}"
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "symfence: make $what needs what this machine lacks: ${missing[*]}"
os=${SYMFENCE_DEPS_OS:-}
if [ -z "$os" ]; then
	os=other
	[ -e /etc/debian_version ] && command -v apt-get >/dev/null && os=debian
fi
if [ "$os" != debian ]; then
	echo "symfence: install them with your system's packages; on Debian or Ubuntu they are: ${pkgs[*]}"
	exit 2
fi
cmd="apt-get install -y ${pkgs[*]}"
sudo=
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo="sudo "
	else
		echo "symfence: run, as root: apt-get update && $cmd"
		exit 2
	fi
fi
if [ "${SYMFENCE_NO_INSTALL:-}" = 1 ]; then
	echo "symfence: run: ${sudo}apt-get update && ${sudo}$cmd"
	exit 2
fi
echo "symfence: installing them (SYMFENCE_NO_INSTALL=1 not to): ${sudo}apt-get update && ${sudo}$cmd"
if [ "${SYMFENCE_DEPS_DRYRUN:-}" = 1 ]; then
	echo "symfence: (dry run: nothing installed)"
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
${sudo}apt-get update -q >/dev/null 2>&1 || echo "symfence: apt-get update reported a problem; going on"
${sudo}apt-get install -y -q --no-install-recommends "${pkgs[@]}" || true
# Judged by what is there now, not by apt-get's exit status.
left=$(SYMFENCE_NO_INSTALL=1 "$0" "$what" 2>&1) && exit 0
echo "symfence: still missing after apt-get: $(sed -n 's/.*lacks: //p' <<<"$left")"
exit 2
