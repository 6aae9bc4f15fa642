#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-kernel: README.md's kernel-tree instructions in real kernel trees.
#
#   tests/kernel/check-kernel.sh [VERSION:ARCH...]   (default: all of $KERNELS)
#
# For each kernel: Debian's linux-source-VERSION, unpacked once into the
# cache, is copied (hard links) to a tree that gets exactly the changes
# README.md tells a maintainer to make (apply-readme.py reads them from
# README.md), plus this test's own drivers (sftest/). A tinyconfig kernel with
# a serial console, modules and an initramfs is built out of tree (O=, kept in
# the cache between runs, ccache), checked and booted under qemu; then the
# cheaters, SYMFENCE_AUDIT_WARN=1, the guard against a vanished seal, the
# incremental builds and make clean. Every check prints "ok" or "FAIL"; the
# last line is "N passed, N failed".
#
# Environment: SYMFENCE (the tool; default build/symfence), SYMFENCE_KERNEL_CACHE
# (default /var/tmp/symfence-kernel), KERNELS, SFTEST_KEEP_BUILD=1 (skip make
# clean, to iterate faster; CI never sets it).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/kernel
: "${SYMFENCE:=$TOP/build/symfence}"
CACHE=${SYMFENCE_KERNEL_CACHE:-/var/tmp/symfence-kernel}
KERNELS=${KERNELS:-6.1:x86_64 6.12:x86_64 6.1:arm 6.12:arm}
[ $# -gt 0 ] && KERNELS="$*"
export CCACHE_DIR=$CACHE/ccache CCACHE_MAXSIZE=8G
unset MAKEFLAGS MFLAGS MAKELEVEL KBUILD_EXTMOD SYMFENCE_RULES SYMFENCE_AUDIT_WARN ARCH CROSS_COMPILE

passed=0 failed=0
CASE=
ok() {
	echo "ok $CASE: $*"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL $CASE: $*"
	failed=$((failed + 1))
}
# show FILE: the end of a log, indented.
show() { grep -v '^make\[[0-9]*\]: \(Entering\|Leaving\)' "$1" | tail -${2:-25} | sed 's/^/    | /'; }
# has NAME LOG REGEX / lacks NAME LOG REGEX
has() {
	if grep -Eq -- "$3" "$2"; then ok "$1"; else
		fail "$1: no line matches /$3/"
		show "$2"
	fi
}
lacks() {
	if ! grep -Eq -- "$3" "$2"; then ok "$1"; else
		fail "$1: a line matches /$3/"
		grep -E -- "$3" "$2" | head -5 | sed 's/^/    | /'
	fi
}
summary() {
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# What every kernel needs here; missing, the test fails (it never passes by
# checking less) and says what to install.
need=()
for t in make gcc ld ar nm readelf cpio flex bison bc ccache timeout python3 \
	qemu-system-x86_64 qemu-system-arm arm-linux-gnueabihf-gcc; do
	command -v "$t" >/dev/null || need+=("$t")
done
[ -e /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
[ -e /usr/include/libelf.h ] || need+=(libelf-dev)
if [ ${#need[@]} -gt 0 ]; then
	CASE=setup
	fail "missing: ${need[*]}; on Debian: apt-get install make gcc binutils cpio flex bison bc" \
		"ccache coreutils python3 qemu-system-x86 qemu-system-arm gcc-arm-linux-gnueabihf" \
		"libc6-dev-armhf-cross libssl-dev libelf-dev linux-source-6.1 linux-source-6.12"
	summary
	exit 1
fi
if [ ! -x "$SYMFENCE" ]; then
	CASE=setup
	fail "no symfence at $SYMFENCE (make first)"
	summary
	exit 1
fi
mkdir -p "$CACHE" || exit 2

# The tool the kernels use: a copy, so that "a new symfence" can be made by
# touching it without touching the build.
BIN=$CACHE/bin/symfence
mkdir -p "$CACHE/bin" && cp "$SYMFENCE" "$BIN" || exit 2

# unpack VERSION: $CACHE/src-VERSION, from Debian's linux-source-VERSION, once
# per tarball (a new package version unpacks again).
unpack() {
	local v=$1 tar=/usr/src/linux-source-$1.tar.xz stamp
	if [ ! -e "$tar" ]; then
		fail "no $tar (apt-get install linux-source-$v)"
		return 1
	fi
	stamp=$(stat -c '%s %Y' "$tar")
	if [ -d "$CACHE/src-$v" ] && [ "$(cat "$CACHE/src-$v.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	echo "  unpacking $tar"
	rm -rf "$CACHE/src-$v" "$CACHE/src-$v.tmp" "$CACHE/tree-$v" && mkdir "$CACHE/src-$v.tmp" &&
		tar -xJf "$tar" -C "$CACHE/src-$v.tmp" --strip-components=1 &&
		mv "$CACHE/src-$v.tmp" "$CACHE/src-$v" && echo "$stamp" >"$CACHE/src-$v.stamp"
}

# tree VERSION: a fresh copy of the pristine source with README.md's changes
# and the test's drivers. Hard links: every file changed here is written anew
# (apply-readme.py, cp, sed -i), never edited in place.
tree() {
	local v=$1 t=$CACHE/tree-$1
	rm -rf "$t" && cp -al "$CACHE/src-$v" "$t" || return 1
	python3 "$HERE/apply-readme.py" "$TOP/README.md" "$t" || return 1
	rm -f "$t/scripts/Makefile.symfence" && cp "$TOP/kbuild/Makefile.symfence" "$t/scripts/" || return 1
	cp -r "$HERE/sftest" "$t/drivers/sftest" || return 1
	# The test's own lines: its drivers, and a part listed again outside
	# the composite (SFTEST_DUP=y), which the fragment must refuse.
	sed -i '$a obj-y += sftest/' "$t/drivers/Makefile" &&
		sed -i '$a obj-$(SFTEST_DUP) += tty_io.o' "$t/drivers/tty/Makefile"
}

# configure: tinyconfig plus what the test needs, redone when that list changes.
configure() {
	local spec=$CACHE/$NAME.config want o
	printf '%s\n' "$OPTS" >"$spec.new"
	if [ -e "$OUT/.config" ] && cmp -s "$spec" "$spec.new"; then
		rm -f "$spec.new"
		return 0
	fi
	mkdir -p "$OUT" &&
		kmake tinyconfig >"$LOGS/config.log" 2>&1 &&
		"$SRC/scripts/config" --file "$OUT/.config" $OPTS &&
		kmake olddefconfig >>"$LOGS/config.log" 2>&1 || {
		fail "configure"
		show "$LOGS/config.log"
		return 1
	}
	for o in $OPTS; do
		case $o in
		-e) want=y ;;
		-d) want=n ;;
		*)
			if [ $want = y ] && ! grep -qx "CONFIG_$o=y" "$OUT/.config"; then
				fail "configure: CONFIG_$o is not y after olddefconfig"
				return 1
			fi
			if [ $want = n ] && grep -qx "CONFIG_$o=y" "$OUT/.config"; then
				fail "configure: CONFIG_$o is still y after olddefconfig"
				return 1
			fi
			;;
		esac
	done
	mv "$spec.new" "$spec"
}

# kmake ARGS...: make in the kernel tree, out of tree; status in $rc.
kmake() {
	make -C "$SRC" O="$OUT" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE=$CROSS} \
		CC="ccache ${CROSS}gcc" SYMFENCE="$BIN" -j2 "$@"
}
# build LOG ARGS...: a kernel build into $LOGS/LOG, its status in $rc.
build() {
	local log=$1
	shift
	kmake "$@" all >"$LOGS/$log" 2>&1
	rc=$?
}
# status NAME WANT LOG: the last build's status was WANT (0, or !0).
status() {
	if { [ "$2" = 0 ] && [ $rc -eq 0 ]; } || { [ "$2" != 0 ] && [ $rc -ne 0 ]; }; then
		ok "$1"
	else
		fail "$1 (make exited $rc)"
		show "$LOGS/$3"
	fi
}

# renew FILE: FILE is changed (a new file with a new mtime, the same text; the
# pristine copy it is linked to keeps its own).
renew() { cp -p "$1" "$1.renew" && rm -f "$1" && mv "$1.renew" "$1" && touch "$1"; }

# The tty layer's private symbols: the rules file's private lines.
privates() {
	sed -n 's/^[[:space:]]*private[[:space:]]*//p' "$SRC/drivers/tty/tty.rules" | tr -s ' \t' '\n'
}

# boot: the kernel under qemu, to its /init, which writes a line through the
# sealed tty layer; the serial console log is $LOGS/boot.log.
boot() {
	local d=$LOGS/initramfs
	rm -rf "$d" && mkdir -p "$d" &&
		${CROSS}gcc -static -Os -o "$d/init" "$HERE/init.c" &&
		(cd "$d" && echo init | cpio -o -H newc --quiet -R 0:0) >"$LOGS/init.cpio" || {
		fail "boot: building the initramfs"
		return
	}
	timeout 300 "$QEMU" "${QEMU_ARGS[@]}" -kernel "$OUT/$IMAGE" -initrd "$LOGS/init.cpio" \
		-append "console=$CONSOLE panic=-1" -m 256 -nographic -no-reboot \
		</dev/null >"$LOGS/boot.log" 2>&1
	has "boot: the kernel runs /init ($QEMU)" "$LOGS/boot.log" 'Run /init as init process'
	has "boot: /init writes through the sealed tty layer" "$LOGS/boot.log" \
		'^symfence-init: hello from init, through the sealed tty layer'
}

# The findings a cheater must get, from symfence, with the hint.
HINT='note: hint: drivers use the API of <linux/tty.h>'

# cheat y|m OBJ VAR SYMBOL LIBRARY RULES HINT: the driver drivers/sftest/OBJ.c,
# built in (y) or a module (m) with VAR=y|m, calls the private SYMBOL from its
# init function OBJ_init. The audit stops the build before modpost, naming the
# function, the symbol, the library and the rule, with the hint; with
# SYMFENCE_AUDIT_WARN=1 it reports and the build goes on to the linker's
# (built in) or modpost's (module) own refusal, since the symbol is local.
cheat() {
	local kind=$1 obj=$2 var=$3 sym=$4 lib=$5 rules=$6 hint=$7 where log=cheat-$2
	if [ "$kind" = y ]; then
		where="vmlinux\.a\(drivers/sftest/$obj\.o\)"
	else
		where="drivers/sftest/$obj\.o"
	fi
	build "$log.log" SFTEST_GOOD=m "$var=$kind"
	status "$obj ($kind): a driver calling $lib's $sym fails the build" '!0' "$log.log"
	has "... the audit names it, its function and the rule" "$LOGS/$log.log" \
		"^$where: ${obj}_init\+0x[0-9a-f]+: error: reference to private symbol '$sym' of library '$lib' \[.*${rules//./\\.}:[0-9]+"
	has "... with the hint" "$LOGS/$log.log" "^$where: $hint"
	if [ "$kind" = y ]; then
		lacks "... and stops before modpost and the link" "$LOGS/$log.log" '^  (MODPOST|LD      vmlinux$)'
	else
		lacks "... and stops before modpost" "$LOGS/$log.log" '^  MODPOST '
	fi
	build "$log-warn.log" SFTEST_GOOD=m "$var=$kind" SYMFENCE_AUDIT_WARN=1
	has "SYMFENCE_AUDIT_WARN=1: the audit reports $obj" "$LOGS/$log-warn.log" \
		"^$where: ${obj}_init\+0x[0-9a-f]+: error: reference to private symbol '$sym'"
	has "... goes on to modpost" "$LOGS/$log-warn.log" '^  MODPOST '
	if [ "$kind" = y ]; then
		has "... and the link of vmlinux fails on the local symbol" "$LOGS/$log-warn.log" \
			"undefined reference to .$sym'"
	else
		has "... and modpost refuses the module" "$LOGS/$log-warn.log" \
			"ERROR: modpost: \"$sym\" \[drivers/sftest/$obj\.ko\] undefined!"
	fi
	status "... so the build fails" '!0' "$log-warn.log"
}

# The libraries sealed in vmlinux.a (README.md's SYMFENCE_VMLINUX_LIBRARIES),
# and a symbol of each that must end up local.
vmlinux_libs() {
	case $1 in
	arm) echo "init-fs:init_mkdir arm-dma:v7_dma_flush_range" ;;
	*) echo "init-fs:init_mkdir" ;;
	esac
}

# The rules file of a vmlinux.a library, and its private and objects patterns.
lib_rules() {
	case $1 in
	init-fs) echo "$SRC/init/init-fs.rules" ;;
	arm-dma) echo "$SRC/arch/arm/mm/arm-dma.rules" ;;
	esac
}
lib_patterns() { sed -n "s/^[[:space:]]*$2[[:space:]]*//p" "$(lib_rules "$1")" | tr -s ' \t' '\n' | grep -v '^$'; }

# sealed_in_vmlinux [LOG]: each library of vmlinux_libs was sealed in vmlinux.a
# (the SEAL line in LOG, when given), symfence-LIB.o is a member and none of its objects is, its
# private symbols are LOCAL in it (readelf), one of them local in vmlinux (nm).
sealed_in_vmlinux() {
	local log=${1:-} lib sym bad n s pats objs
	ar t "$OUT/vmlinux.a" | sed "s|^$OUT/||" >"$LOGS/members"
	for lib in $(vmlinux_libs "$ARCHNAME"); do
		sym=${lib#*:} lib=${lib%%:*}
		[ -z "$log" ] ||
			has "the quiet build seals $lib in vmlinux.a" "$LOGS/$log" "^  SEAL    vmlinux\.a \($lib\)$"
		mapfile -t objs < <(lib_patterns "$lib" objects)
		bad=$(python3 "$HERE/members.py" left "$LOGS/members" "$lib" "${objs[@]}")
		if [ -z "$bad" ]; then
			ok "vmlinux.a holds symfence-$lib.o and none of $lib's objects (ar t)"
		else
			fail "vmlinux.a: $bad"
		fi
		# name, binding, section of each symbol; a pattern is a shell glob
		readelf -sW "$OUT/symfence-$lib.o" | awk 'NF >= 8 && $1 ~ /:$/ { print $8, $5, $7 }' \
			>"$LOGS/symbols-$lib"
		mapfile -t pats < <(lib_patterns "$lib" private)
		bad=() n=${#pats[@]}
		for s in "${pats[@]}"; do
			local name bind ndx f=0 g=0
			while read -r name bind ndx; do
				# shellcheck disable=SC2053
				[[ $name == $s ]] || continue
				if [ "$bind" = LOCAL ] && [ "$ndx" != UND ]; then f=1; else g=1; fi
			done <"$LOGS/symbols-$lib"
			[ $f = 1 ] && [ $g = 0 ] || bad+=("$s")
		done
		if [ $n -gt 0 ] && [ ${#bad[@]} -eq 0 ]; then
			ok "$lib: every symbol of its $n private patterns is LOCAL in symfence-$lib.o (readelf)"
		else
			fail "$lib: not LOCAL in symfence-$lib.o (readelf), of $n: ${bad[*]}"
		fi
		if nm "$OUT/vmlinux" | grep -qx "[0-9a-f]* t $sym"; then
			ok "vmlinux: $lib's $sym is local (t) (nm)"
		else
			fail "vmlinux: $(nm "$OUT/vmlinux" | grep -E " $sym\$" | tr '\n' ' ')"
		fi
	done
}

# The order of vmlinux's initcalls and __setup entries (their symbols, by address).
initcall_order() {
	nm -n "$OUT/vmlinux" | awk '$3 ~ /^__initcall_/ || ($3 ~ /^__setup_/ && $3 !~ /^__setup_str_/) { print $3 }'
}

# unsealed_oracle: vmlinux.a and vmlinux made again without the vmlinux.a seals
# are the oracle: the sealed vmlinux.a is that archive with each library's
# members replaced by symfence-LIB.o at the first one's place, and vmlinux's
# initcalls run in the same order with and without the seals.
unsealed_oracle() {
	local lib objs
	initcall_order >"$LOGS/initcalls.sealed"
	ar t "$OUT/vmlinux.a" | sed "s|^$OUT/||" >"$LOGS/members.sealed"
	build unsealed.log SFTEST_GOOD=m SYMFENCE_VMLINUX_LIBRARIES=
	status "without SYMFENCE_VMLINUX_LIBRARIES the kernel builds, unsealed" 0 unsealed.log
	lacks "... with no seal of vmlinux.a" "$LOGS/unsealed.log" '^  SEAL    vmlinux\.a'
	initcall_order >"$LOGS/initcalls.unsealed"
	ar t "$OUT/vmlinux.a" | sed "s|^$OUT/||" >"$LOGS/members.unsealed"
	cp "$LOGS/members.unsealed" "$LOGS/members.expect"
	for lib in $(vmlinux_libs "$ARCHNAME"); do
		lib=${lib%%:*}
		mapfile -t objs < <(lib_patterns "$lib" objects)
		python3 "$HERE/members.py" seal "$LOGS/members.expect" "$lib" "${objs[@]}" \
			>"$LOGS/members.next" && mv "$LOGS/members.next" "$LOGS/members.expect"
	done
	if cmp -s "$LOGS/members.expect" "$LOGS/members.sealed"; then
		ok "the sealed vmlinux.a is the unsealed one with each library in its first member's place ($(wc -l <"$LOGS/members.sealed") members)"
	else
		fail "the sealed vmlinux.a's members differ from the expected order:"
		diff "$LOGS/members.expect" "$LOGS/members.sealed" | head -10 | sed 's/^/    | /'
	fi
	if [ -s "$LOGS/initcalls.sealed" ] && cmp -s "$LOGS/initcalls.sealed" "$LOGS/initcalls.unsealed"; then
		ok "the $(wc -l <"$LOGS/initcalls.sealed") initcalls and __setup entries of vmlinux keep their order (nm -n, sealed and unsealed)"
	else
		fail "the initcall order changed (or none found):"
		diff "$LOGS/initcalls.unsealed" "$LOGS/initcalls.sealed" | head -10 | sed 's/^/    | /'
	fi
}

run_kernel() {
	local v=${1%%:*} arch=${1##*:} start=$SECONDS p
	NAME=linux-$v-$arch
	ARCHNAME=$arch
	CASE=$NAME
	SRC=$CACHE/tree-$v
	OUT=$CACHE/out-$v-$arch
	LOGS=$CACHE/logs-$v-$arch
	rm -rf "$LOGS" && mkdir -p "$LOGS"
	OPTS="-e PRINTK -e TTY -e BINFMT_ELF -e MODULES -e BLK_DEV_INITRD"
	case $arch in
	x86_64)
		KARCH=x86 CROSS= IMAGE=arch/x86/boot/bzImage CONSOLE=ttyS0
		QEMU=qemu-system-x86_64 QEMU_ARGS=()
		OPTS="$OPTS -e 64BIT -e SERIAL_8250 -e SERIAL_8250_CONSOLE"
		;;
	arm)
		KARCH=arm CROSS=arm-linux-gnueabihf- IMAGE=arch/arm/boot/zImage CONSOLE=ttyAMA0
		QEMU=qemu-system-arm QEMU_ARGS=(-M virt -cpu cortex-a15)
		OPTS="$OPTS -e MMU -e ARCH_MULTIPLATFORM -e ARCH_MULTI_V7 -e ARCH_VIRT -d ARM_LPAE"
		OPTS="$OPTS -e SERIAL_AMBA_PL011 -e SERIAL_AMBA_PL011_CONSOLE -e OF -e VFP -e AEABI"
		;;
	*)
		fail "unknown architecture $arch"
		return
		;;
	esac
	echo "== $NAME"
	unpack "$v" || return
	tree "$v" || {
		fail "preparing the tree from README.md"
		return
	}
	ok "README.md's changes apply to drivers/tty/Makefile, Makefile; the fragment in scripts/"
	configure || return

	# The kernel, with a good module. The rules file is new in the tree:
	# the seal and the audit run (and are removed first, to be sure).
	rm -f "$OUT/drivers/tty/tty.o" "$OUT/symfence.objs"
	build good.log SFTEST_GOOD=m
	status "the kernel builds with the tty layer sealed" 0 good.log
	[ $rc -eq 0 ] || return
	has "the quiet build shows the seal" "$LOGS/good.log" '^  SEAL    drivers/tty/tty\.o$'
	has "the quiet build shows the audit" "$LOGS/good.log" '^  AUDIT   vmlinux\.a modules\.order$'
	lacks "the seal and the audit print nothing else" "$LOGS/good.log" '^symfence|tty\.rules:'
	if grep -q "symfence seal .*--ld '${CROSS}ld'.* -- " "$OUT/drivers/tty/.tty.o.cmd"; then
		ok "the seal's command (.tty.o.cmd) uses kbuild's \$(LD) and ld flags"
	else
		fail "the seal's command: $(grep -m1 symfence "$OUT/drivers/tty/.tty.o.cmd")"
	fi
	local bad=() n=0 s
	for s in $(privates); do
		n=$((n + 1))
		readelf -sW "$OUT/drivers/tty/tty.o" |
			awk -v s="$s" '$8 == s && $5 == "LOCAL" && $7 != "UND" { f = 1 } END { exit !f }' ||
			bad+=("$s")
	done
	if [ $n -gt 20 ] && [ ${#bad[@]} -eq 0 ]; then
		ok "all $n private symbols are LOCAL in drivers/tty/tty.o (readelf)"
	else
		fail "not LOCAL in drivers/tty/tty.o (readelf), of $n: ${bad[*]}"
	fi
	if readelf -sW "$OUT/drivers/tty/tty.o" |
		awk '$8 == "tty_register_driver" && $5 == "GLOBAL" && $7 != "UND" { f = 1 } END { exit !f }'; then
		ok "the tty API (tty_register_driver) stays GLOBAL"
	else
		fail "tty_register_driver is not a global definition in tty.o"
	fi
	# (ar t names a thin archive's members by their paths from here.)
	p=$(ar t "$OUT/drivers/tty/built-in.a" | sed "s|^$OUT/||" | tr '\n' ' ')
	if [[ " $p " == *" drivers/tty/tty.o "* ]] && [[ " $p " != *" drivers/tty/tty_io.o "* ]] &&
		[[ " $p " != *" drivers/tty/n_tty.o "* ]]; then
		ok "drivers/tty/built-in.a holds the sealed tty.o and none of its parts"
	else
		fail "drivers/tty/built-in.a holds: $p"
	fi
	if nm "$OUT/vmlinux" | grep -qx '[0-9a-f]* t tty_ldisc_lock' &&
		nm "$OUT/vmlinux" | grep -qx '[0-9a-f]* T tty_register_driver'; then
		ok "vmlinux: tty_ldisc_lock is local (t), tty_register_driver global (T) (nm)"
	else
		fail "vmlinux: $(nm "$OUT/vmlinux" | grep -E ' (tty_ldisc_lock|tty_register_driver)$' | tr '\n' ' ')"
	fi
	if [ -e "$OUT/drivers/sftest/sftest_good.ko" ]; then
		ok "the good module (tty API only) builds"
	else
		fail "no drivers/sftest/sftest_good.ko"
	fi
	sealed_in_vmlinux good.log
	boot
	if [ "$arch" = arm ]; then
		has "boot: the sealed DMA layer sets up its atomic pool" "$LOGS/boot.log" \
			'DMA: preallocated [0-9]+ KiB pool for atomic coherent allocations'
	fi

	# A build with nothing changed runs neither the seal nor the audit.
	build again.log SFTEST_GOOD=m
	status "a second build succeeds" 0 again.log
	lacks "nothing changed: no seal, no audit" "$LOGS/again.log" '^  (SEAL|AUDIT) '
	if [ "$arch" = x86_64 ]; then
		renew "$SRC/drivers/tty/tty.rules"
		build rules.log SFTEST_GOOD=m
		has "a changed rules file reseals" "$LOGS/rules.log" '^  SEAL    drivers/tty/tty\.o$'
		has "... and audits again" "$LOGS/rules.log" '^  AUDIT   '
		lacks "... and compiles nothing in drivers/tty" "$LOGS/rules.log" '^  CC      drivers/tty/'
		renew "$SRC/drivers/tty/n_null.c"
		build part.log SFTEST_GOOD=m
		has "a changed part is compiled" "$LOGS/part.log" '^  CC      drivers/tty/n_null\.o$'
		has "... and resealed" "$LOGS/part.log" '^  SEAL    drivers/tty/tty\.o$'
		renew "$SRC/kernel/panic.c"
		build other.log SFTEST_GOOD=m
		has "a changed object elsewhere is compiled" "$LOGS/other.log" '^  CC      kernel/panic\.o$'
		lacks "... and does not reseal tty.o" "$LOGS/other.log" '^  SEAL    drivers/'
		has "... but vmlinux.a is made and sealed again" "$LOGS/other.log" '^  SEAL    vmlinux\.a \(init-fs\)$'
		has "... and audited" "$LOGS/other.log" '^  AUDIT   '
		renew "$SRC/init/init-fs.rules"
		build vrules.log V=1 SFTEST_GOOD=m
		has "a changed rules file of vmlinux.a seals it again; V=1 shows the command" "$LOGS/vrules.log" \
			"symfence seal -q -r [^ ]*init/init-fs\.rules -l init-fs --archive vmlinux\.a -o symfence-init-fs\.o --ld 'ld' +-- .*-m elf_x86_64"
		lacks "... and compiles none of the library's objects" "$LOGS/vrules.log" ' -c -o (init/main|fs/init)\.o '
		build badlib.log SFTEST_GOOD=m SYMFENCE_VMLINUX_LIBRARIES=init-fz
		status "a seal of vmlinux.a that fails stops the build" '!0' badlib.log
		has "... with symfence's message" "$LOGS/badlib.log" "no library 'init-fz' in the rules \(did you mean 'init-fs'\?\)"
		if [ ! -e "$OUT/vmlinux.a" ]; then
			ok "... and removes vmlinux.a, so no later make links it unsealed"
		else
			fail "vmlinux.a is still there after a failed seal"
		fi
		lacks "... before the audit and the link" "$LOGS/badlib.log" '^  (AUDIT|MODPOST|LD      vmlinux$)'
		touch "$BIN"
		build tool.log SFTEST_GOOD=m
		has "a new symfence reseals" "$LOGS/tool.log" '^  SEAL    drivers/tty/tty\.o$'
		has "... and audits again" "$LOGS/tool.log" '^  AUDIT   '
	fi

	# The oracle for the vmlinux.a seals: the same kernel without them
	# (from a sealed vmlinux, the last build's).
	unsealed_oracle

	cheat y sftest_cheat_builtin SFTEST_CHEAT_BUILTIN tty_ldisc_lock tty drivers/tty/tty.rules "$HINT"
	cheat m sftest_cheat_mod SFTEST_CHEAT_MODULE tty_ldisc_lock tty drivers/tty/tty.rules "$HINT"
	cheat y sftest_cheat_init SFTEST_CHEAT_INIT init_mkdir init-fs init/init-fs.rules \
		'note: hint: fs/init.c is for init/'
	if [ "$arch" = arm ]; then
		cheat y sftest_cheat_cache SFTEST_CHEAT_CACHE v7_dma_flush_range arm-dma \
			arch/arm/mm/arm-dma.rules 'note: hint: drivers use the DMA API of <linux/dma-mapping.h>'
	fi

	# A part of the sealed object listed outside it too: refused, loudly.
	build dup.log SFTEST_GOOD=m SFTEST_DUP=y
	status "a part that would go into built-in.a unsealed fails the build" '!0' dup.log
	has "... naming the object and the part" "$LOGS/dup.log" \
		'symfence: drivers/tty/tty\.o: its parts drivers/tty/tty_io\.o would go into drivers/tty/built-in\.a unsealed'

	# Back to the good kernel, then make clean.
	build good2.log SFTEST_GOOD=m
	status "without the cheaters the kernel builds again" 0 good2.log
	sealed_in_vmlinux
	if [ "${SFTEST_KEEP_BUILD:-}" != 1 ]; then
		kmake clean >"$LOGS/clean.log" 2>&1
		rc=$?
		status "make clean" 0 clean.log
		p=$(cd "$OUT" && find . \( -name '*symfence*' -o -name tty.o -o -name .tty.o.cmd \) | head -5)
		if [ -z "$p" ]; then
			ok "make clean leaves nothing of symfence's"
		else
			fail "make clean left: $p"
		fi
	fi
	echo "  $NAME: $((SECONDS - start)) s"
}

for k in $KERNELS; do
	run_kernel "$k"
done
summary
