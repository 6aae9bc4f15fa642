#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The sample IOMMU DMA library: the whole demo flow on x86_64, the harness
# sealed and unsealed, independent checks with nm and ld, and cross builds
# for arm and aarch64 (run under qemu-user when it is installed).
. "$(dirname "$0")/../lib.sh"

SAMPLE=$TOP/samples/iommu-dma
O=$T/s

expect_status 0 "make demo exits 0" make -s -C "$SAMPLE" O="$O" SYMFENCE="$SYMFENCE" demo
cp "$T/out" demo.out
expect_output "demo: sealed with the summary line" demo.out \
	'symfence: sealed iommu-dma: 34 private symbols localized, 16 public$'
expect_output "demo: the cheater reported with its function and rule" demo.out \
	"drivers/idiotic/cam.o: cam_probe\\+0x[0-9a-f]+: error: reference to private symbol 'dmac_flush_range' of library 'iommu-dma' \\[rules/iommu-dma.rules:[0-9]+: 'dmac_\\*'\\]$"
expect_output "demo: the hint is printed" demo.out 'note: hint: use dma_map_sg\(\)'
expect_output "demo: the linker's own undefined reference" demo.out \
	"undefined reference to .dmac_flush_range'"
expect_output "demo: the harness passes through the sealed library" demo.out \
	'^ *harness: 7 tests, 9 scatterlists mapped, 48 cache operations checked: ok$'
if grep -Eq 'good_nic.o: .*error|arm-smmu-lite.o: .*error' demo.out; then
	fail "demo: the good or the friend driver was reported"
else
	ok "demo: the good and the friend driver are not reported"
fi

# The rule's line, from the rules file itself (not from symfence).
line=$(grep -n '^[[:space:]]*private.*dmac_\*' "$TOP/rules/iommu-dma.rules" | cut -d: -f1)
expect_output "demo: the rule's file:line is the private line ($line)" demo.out \
	"\\[rules/iommu-dma.rules:$line: 'dmac_\\*'\\]$"

expect_status 0 "sealed and unsealed harness give the same output" \
	make -s -C "$SAMPLE" O="$O" SYMFENCE="$SYMFENCE" check-harness
expect_output "check-harness compares the outputs" out 'give the same output'

# Independent checks of the sealed object, with nm and ld.
public=$(nm --defined-only -g "$O/iommu-dma.o" | awk '{ print $3 }' | sort | tr '\n' ' ')
want="dma_map_sg dma_sync_sg_for_cpu dma_sync_sg_for_device dma_unmap_sg iommu_attach_device iommu_detach_device iommu_iova_to_phys sg_chain sg_init_one sg_init_table sg_mark_end sg_nents sg_next sg_phys sg_set_buf sg_virt "
[ "$public" = "$want" ] && ok "nm: exactly the 16 public names are global" ||
	fail "nm: global names are: $public"
nm "$O/iommu-dma.o" | grep -q ' t dmac_flush_range$' && ok "nm: dmac_flush_range is local (t)" ||
	fail "nm: dmac_flush_range is not local"
[ "$(nm -u "$O/iommu-dma.o" | awk '{ print $2 }' | tr '\n' ' ')" = "cpu_cache_op " ] &&
	ok "nm: the sealed library needs only cpu_cache_op" ||
	fail "nm: undefined: $(nm -u "$O/iommu-dma.o" | tr '\n' ' ')"
(
	cd "$O" || exit 1
	ld -e start_kernel -o x-unsealed init/main.o arch/arm/mach-sim/cache.o unsealed/iommu-dma.o \
		drivers/idiotic/cam.o
) && ok "control: the cheater links against the unsealed library" ||
	fail "control: the cheater does not even link against the unsealed library"
(
	cd "$O" || exit 1
	ld -e start_kernel -o x-sealed init/main.o arch/arm/mach-sim/cache.o iommu-dma.o \
		drivers/idiotic/cam.o
) 2>/dev/null && fail "ld links the cheater against the sealed library" ||
	ok "ld refuses the cheater against the sealed library"
(
	cd "$O" || exit 1
	ld.lld -e start_kernel -o x-sealed-lld init/main.o arch/arm/mach-sim/cache.o iommu-dma.o \
		drivers/idiotic/cam.o
) 2>/dev/null && fail "ld.lld links the cheater against the sealed library" ||
	ok "ld.lld refuses the cheater against the sealed library"

# Objects from the rules' objects list (without the friend): 33 localized.
(cd "$O" && "$SYMFENCE" seal -r rules/iommu-dma.rules -l iommu-dma -o r.o) >seal.out 2>&1 &&
	grep -q 'sealed iommu-dma: 33 private symbols localized, 16 public$' seal.out &&
	ok "seal from the rules' objects patterns" || { fail "seal from the rules' objects patterns"; cat seal.out; }

# A symfence that only runs ld -r and whose audit passes everything: the demo must fail.
cat > lax <<'EOF'
#!/bin/sh
cmd=$1; shift
case $cmd in
seal)	out=; objs=; while [ $# -gt 0 ]; do case $1 in -o) out=$2; shift;; -r|-l) shift;; -*) ;; *) objs="$objs $1";; esac; shift; done
	${LD:-ld} -r -o "$out" $objs ;;
*)	exit 0 ;;
esac
EOF
chmod +x lax
expect_status 2 "a lax symfence makes the demo fail" make -s -C "$SAMPLE" O="$T/lax-build" SYMFENCE="$T/lax" demo
expect_output "a lax symfence: the demo says it FAILED" out 'demo: FAILED'

for cross in arm-linux-gnueabihf aarch64-linux-gnu; do
	if ! command -v $cross-gcc >/dev/null; then
		skip "$cross-gcc is not installed"
		continue
	fi
	expect_status 0 "$cross: build and seal" \
		make -s -C "$SAMPLE" CROSS_COMPILE=$cross- O="$T/$cross" SYMFENCE="$SYMFENCE" all
	machine=$(readelf -h "$T/$cross/iommu-dma.o" 2>/dev/null | awk -F: '/Class|Machine/ { gsub(/^ +/, "", $2); printf "%s ", $2 }')
	case "$cross:$machine" in
	arm*:"ELF32 ARM ") ok "$cross: sealed object is ELF32 ARM" ;;
	aarch64*:"ELF64 AArch64 ") ok "$cross: sealed object is ELF64 AArch64" ;;
	*) fail "$cross: sealed object is '$machine'" ;;
	esac
	nm "$T/$cross/iommu-dma.o" | grep -q ' t dmac_flush_range$' && ok "$cross: dmac_flush_range is local" ||
		fail "$cross: dmac_flush_range is not local"
	qemu=qemu-${cross%%-*}
	[ "$qemu" = qemu-arm ] || qemu=qemu-aarch64
	if command -v "$qemu" >/dev/null && [ -d /usr/${cross}/lib ]; then
		expect_status 0 "$cross: sealed and unsealed harness agree under $qemu" \
			make -s -C "$SAMPLE" CROSS_COMPILE=$cross- O="$T/$cross" SYMFENCE="$SYMFENCE" check-harness
	else
		skip "$cross: harness not run ($qemu or the $cross C library is not installed)"
	fi
done
