#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The symfence demo, run by 'make demo' (see README.md): seal the sample
# library, link a good driver with it, catch the camera driver that calls a
# private cache-maintenance function, run the test harness.
#
# The Makefile passes: O (the build root, where symfence runs), SYMFENCE, LD,
# MAKE, CROSS_COMPILE, RUN (empty, or the qemu that runs a cross harness),
# HARNESS_SKIP (why the harness cannot run here, if so) and the object lists
# LIB_OBJS FRIEND_OBJS GOOD_OBJS CHEAT_OBJS PLAT_OBJS. Exit status 0 when the
# cheater was rejected by both the audit and the linker and the harness passed
# (or could not run here: HARNESS_SKIP).
# The object lists and $LD are split into words on purpose.
# shellcheck disable=SC2086

set -u
: "${O:?run through make demo}" "${SYMFENCE:?}" "${LD:?}" "${MAKE:?}" "${LIB_OBJS:?}"
: "${FRIEND_OBJS:?}" "${GOOD_OBJS:?}" "${CHEAT_OBJS:?}" "${PLAT_OBJS:?}"
: "${RUN=}" "${HARNESS_SKIP=}" "${CROSS_COMPILE=}"
SRC=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$SRC/../.." && pwd)
RULES=rules/iommu-dma.rules
OUT=$(mktemp -d "${TMPDIR:-/tmp}/symfence-demo.XXXXXX") || exit 2
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$O" && cd "$O" || exit 2

failed=0
step() { printf '\n%s\n' "$*"; }
show_cmd() { printf '   $ %s\n' "$*"; }
indent() { sed 's/^/   /' "$@"; }
bad() { printf '   demo: FAILED: %s\n' "$*"; failed=1; }

# symfence is shown as "symfence", the linker by its name.
sf() { "$SYMFENCE" "$@"; }

echo "symfence demo: the iommu-dma library keeps its cache maintenance to itself."
echo "(sources ${SRC#"$TOP"/}, build root ${O#"$TOP"/}, where symfence runs)"

step "1. Build the library and the drivers."
if ! $MAKE --no-print-directory -C "$SRC" objects >"$OUT/build" 2>&1; then
	indent "$OUT/build"
	bad "the build failed"
	exit 1
fi
nglobal=$(${CROSS_COMPILE}nm --defined-only -g $LIB_OBJS | grep -c ' [A-Z] ')
echo "   ok: $(echo $LIB_OBJS | wc -w) objects with $nglobal global functions and variables," \
	"all callable by any driver"

# The library's objects as the rules file names them, and the friend.
SEAL_ARGS="lib/iommu-dma/*.o arch/arm/mm/dma-coherency.o $FRIEND_OBJS"
step "2. Seal it, with its IOMMU driver (a friend: it needs the page-table helpers):"
show_cmd symfence seal -r $RULES -l iommu-dma -o iommu-dma.o "$SEAL_ARGS"
if LD=$LD sf seal -r $RULES -l iommu-dma -o iommu-dma.o $SEAL_ARGS >"$OUT/seal" 2>&1
then
	indent "$OUT/seal"
	bind() { ${CROSS_COMPILE}nm iommu-dma.o | awk -v s="$1" '$3 == s { print $2 }'; }
	printf '   nm: dma_map_sg is still global (%s), dmac_flush_range is now local (%s)\n' \
		"$(bind dma_map_sg)" "$(bind dmac_flush_range)"
	if [ "$(bind dma_map_sg)" != T ] || [ "$(bind dmac_flush_range)" != t ]; then
		bad "the sealed object's symbol table is not as expected"
	fi
else
	indent "$OUT/seal"
	bad "symfence seal failed"
	exit 1
fi

step "3. The network driver uses only the DMA API: it links with the sealed library."
show_cmd $LD -e start_kernel -o vmlinux $PLAT_OBJS iommu-dma.o $GOOD_OBJS
if $LD -e start_kernel -o vmlinux $PLAT_OBJS iommu-dma.o $GOOD_OBJS >"$OUT/ld" 2>&1; then
	indent "$OUT/ld"
	echo "   ok"
else
	indent "$OUT/ld"
	bad "the good driver does not link"
fi

step "4. The camera driver calls dmac_flush_range() itself. The audit reports it:"
show_cmd symfence audit -r $RULES lib arch drivers
sf audit -r $RULES lib arch drivers >"$OUT/audit" 2>&1
status=$?
indent "$OUT/audit"
if [ $status -ne 1 ]; then
	bad "symfence audit exited with $status, not 1"
elif ! grep -q "$CHEAT_OBJS: .*error: .*'dmac_flush_range'" "$OUT/audit"; then
	bad "the audit does not report $CHEAT_OBJS"
elif grep -Eq "^(${GOOD_OBJS}|${FRIEND_OBJS}):.*error" "$OUT/audit"; then
	bad "the audit reports a driver that follows the rules"
else
	echo "   (${GOOD_OBJS##*/} passes; ${FRIEND_OBJS##*/} calls private helpers too," \
		"but the rules allow it)"
fi
echo "   ... and the linker refuses it: in the sealed library the symbol is local."
show_cmd $LD -e start_kernel -o vmlinux-cam $PLAT_OBJS iommu-dma.o $CHEAT_OBJS
if $LD -e start_kernel -o vmlinux-cam $PLAT_OBJS iommu-dma.o $CHEAT_OBJS >"$OUT/ld" 2>&1; then
	bad "the camera driver links"
	rm -f vmlinux-cam
fi
indent "$OUT/ld"
# GNU ld: "undefined reference to `dmac_flush_range'"; lld: "undefined symbol: dmac_flush_range".
grep -Eq "undefined (reference to .dmac_flush_range'|symbol: dmac_flush_range)" "$OUT/ld" ||
	bad "no undefined reference to dmac_flush_range from the linker"

step "5. The test harness maps scatterlists through the sealed library:"
if [ -n "$HARNESS_SKIP" ]; then
	echo "   not run: $HARNESS_SKIP"
elif ! $MAKE -s --no-print-directory -C "$SRC" "$O/harness/harness-sealed" >"$OUT/build" 2>&1; then
	indent "$OUT/build"
	bad "cannot build the harness"
elif $RUN harness/harness-sealed >"$OUT/harness" 2>&1; then
	tail -n 1 "$OUT/harness" | indent
else
	indent "$OUT/harness"
	bad "the harness failed"
fi

echo
if [ $failed -ne 0 ]; then
	echo "demo FAILED (see above)"
	exit 1
fi
echo "Done: the cheating driver was rejected by the audit and by the linker;"
echo "drivers that use the DMA API build and work as before."
