#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# kbuild/Makefile.symfence with the real kbuild of Debian's kernel headers
# (linux-headers-amd64): tests/kbuild builds the sample IOMMU DMA library as
# sfdemo_iommu.ko, sealed by 'symfence seal' in place of kbuild's ld -r, a
# good driver module, and a cheating one that the audit before modpost stops.
# Checks: quiet output, failures and their messages, modinfo, nm/readelf of
# the modules, Module.symvers, incremental rebuilds, make clean, a built-in
# seal, and the top-level audit of a thin vmlinux.a. Skipped without headers
# (KDIR=DIR names another kernel build directory).
. "$(dirname "$0")/../lib.sh"

KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)}
if [ -z "$KDIR" ] || [ ! -e "$KDIR/Makefile" ]; then
	skip "no /usr/src/linux-headers-*-amd64 (apt-get install linux-headers-amd64)"
	exit 0
fi
# External modules are built with the compiler the kernel was built with.
kcc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$KDIR/include/config/auto.conf")
if [ -n "$kcc" ] && ! command -v "$kcc" >/dev/null; then
	skip "$(basename "$KDIR") needs $kcc, the kernel's compiler (apt-get install $kcc)"
	exit 0
fi

M=$T/mod
cp -r "$TOP/tests/kbuild" "$M" || exit 2
RULES=$M/sfdemo.rules
KREL=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")

# Our make is not a sub-make of 'make check': no jobserver, no inherited flags.
unset MAKEFLAGS MFLAGS MAKELEVEL KBUILD_EXTMOD
# kb OUT ARGS...: the external module build, its output in $T/OUT, its status in $rc.
kb() {
	local out=$1
	shift
	make -j2 -C "$KDIR" M="$M" SYMFENCE="$SYMFENCE" SFDEMO="$TOP/samples/iommu-dma" \
		SYMFENCE_KBUILD="$TOP/kbuild/Makefile.symfence" "$@" >"$T/$out" 2>&1
	rc=$?
}
show() { sed 's/^/    | /' "$T/$1" | head -30; }
# verdict NAME [OUT]: ok when the last command succeeded, else fail and show $T/OUT.
verdict() {
	local st=$? name=$1 out=${2:-}
	if [ $st -eq 0 ]; then
		ok "$name"
	else
		fail "$name"
		[ -z "$out" ] || show "$out"
	fi
}
# lacks NAME OUT REGEX: no line of $T/OUT matches.
lacks() {
	! grep -Eq -- "$3" "$T/$2"
	verdict "$1" "$2"
}
words() { tr '\n' ' ' <<<"$1"; }

# The rule's line, from the rules file itself.
DMAC_LINE=$(grep -n '^[[:space:]]*private *sfdemo_arch_sync_dma_\* sfdemo_dmac_\*' "$RULES" |
	cut -d: -f1)
PUBLIC=$(printf '%s\n' sfdemo_dma_map_sg sfdemo_dma_sync_sg_for_cpu \
	sfdemo_dma_sync_sg_for_device sfdemo_dma_unmap_sg sfdemo_iommu_attach_device \
	sfdemo_iommu_detach_device sfdemo_iommu_iova_to_phys sfdemo_sg_chain sfdemo_sg_init_one \
	sfdemo_sg_init_table sfdemo_sg_mark_end sfdemo_sg_nents sfdemo_sg_next sfdemo_sg_phys \
	sfdemo_sg_set_buf sfdemo_sg_virt | sort)
REF="error: reference to private symbol 'sfdemo_dmac_flush_range' of library 'sfdemo-iommu'"
CHEAT_RE="^$M/sfdemo_cam.o: sfdemo_cam_probe\\+0x[0-9a-f]+: $REF \\[$RULES:$DMAC_LINE: 'sfdemo_dmac_\\*'\\]$"
UNDEF="\"sfdemo_dmac_flush_range\" \\[$M/sfdemo_cam.ko\\] undefined!$"

# 1. From a clean tree, with the cheater: the audit stops the build before modpost.
kb build1 modules
[ $rc -ne 0 ]
verdict "clean build with the cheater fails (exit $rc)" build1
expect_output "quiet output: the library module is sealed" build1 "^  SEAL \\[M\\] $M/sfdemo_iommu.o$"
expect_output "quiet output: its parts are compiled as module parts" build1 \
	"^  CC \\[M\\]  $M/lib/iommu-dma/iova.o$"
expect_output "quiet output: the other modules are linked by ld" build1 \
	"^  LD \\[M\\]  $M/sfdemo_nic.o$"
expect_output "quiet output: the audit step" build1 "^  AUDIT   $M/modules.order$"
expect_output "the audit names the cheater's function and the rule (line $DMAC_LINE)" build1 \
	"$CHEAT_RE"
expect_output "the audit prints the hint" build1 "^$M/sfdemo_cam.o: note: hint: use dma_map_sg\\(\\)"
expect_output "the audit prints the source line" build1 \
	"/drivers/idiotic/cam.c:[0-9]+: note: 'sfdemo_dmac_flush_range' is referenced here$"
expect_output "the audit's summary on failure" build1 '^symfence: audited [0-9]+ objects: 1 error,'
lacks "modpost did not run after the failed audit" build1 'MODPOST|modpost: "'
lacks "the good driver is not reported" build1 'sfdemo_nic.*error'
[ ! -e "$M/Module.symvers" ] && [ ! -e "$M/symfence.objs" ]
verdict "no Module.symvers, no symfence.objs after the failure"

# The offset, from readelf: the relocation against the private symbol in
# cam_probe, relative to the function.
fn=$(nm "$M/sfdemo_cam.o" | awk '$3 == "sfdemo_cam_probe" { print $1 }')
rel=$(relocs_of "$M/sfdemo_cam.o" |
	awk '$1 ~ /\.rela\.text/ && $4 == "sfdemo_dmac_flush_range" { print $2; exit }')
if [ -n "$fn" ] && [ -n "$rel" ]; then
	off=$(printf '0x%x' $((0x$rel - 0x$fn)))
	expect_output "the offset is the relocation's ($off, readelf)" build1 \
		"sfdemo_cam_probe\\+$off: error"
else
	fail "no relocation against sfdemo_dmac_flush_range in sfdemo_cam.o (readelf)"
fi

# 2. SYMFENCE_AUDIT_WARN=1: the audit reports and goes on; modpost stops the build.
kb build2 SYMFENCE_AUDIT_WARN=1 modules
[ $rc -ne 0 ]
verdict "SYMFENCE_AUDIT_WARN=1: the build still fails, in modpost" build2
expect_output "SYMFENCE_AUDIT_WARN=1: the audit speaks" build2 "$CHEAT_RE"
expect_output "SYMFENCE_AUDIT_WARN=1: modpost: the symbol is undefined" build2 \
	"^ERROR: modpost: $UNDEF"
a=$(grep -n 'error: reference to private symbol' "$T/build2" | head -1 | cut -d: -f1)
b=$(grep -n 'ERROR: modpost:' "$T/build2" | head -1 | cut -d: -f1)
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
verdict "the audit comes before modpost" build2

# 3. With KBUILD_MODPOST_WARN=1 too, cam.ko is built: audit the .ko files directly.
kb build3 SYMFENCE_AUDIT_WARN=1 KBUILD_MODPOST_WARN=1 modules
[ $rc -eq 0 ] && [ -e "$M/sfdemo_cam.ko" ]
verdict "both warnings only: sfdemo_cam.ko is built" build3
expect_output "modpost's warning" build3 "^WARNING: modpost: $UNDEF"
expect_status 1 "audit of the .ko files: exit 1" "$SYMFENCE" audit -r "$RULES" --root "$M" \
	"$M/sfdemo_iommu.ko" "$M/sfdemo_nic.ko" "$M/sfdemo_cam.ko"
cp "$T/out" "$T/audit-ko"
got=$(grep ': error: ' "$T/audit-ko" | sed 's/+0x[0-9a-f]*:/+OFF:/')
[ "$got" = "$M/sfdemo_cam.ko: sfdemo_cam_probe+OFF: $REF [$RULES:$DMAC_LINE: 'sfdemo_dmac_*']" ]
verdict "audit of the .ko files: exactly the cheater's call" audit-ko
# The friend is sealed into sfdemo_iommu.ko: its allow pattern matches no object given.
expect_output "audit of the .ko files: the allow pattern of the sealed-in friend matches nothing" \
	audit-ko "^$RULES:[0-9]+:[0-9]+: warning: allow pattern 'drivers/iommu/arm-smmu\\*\\.o' of library 'sfdemo-iommu' matches no audited object$"
expect_output "audit of the .ko files: summary" audit-ko \
	'^symfence: audited 3 objects: 1 error, 1 warning, 0 notes$'
expect_status 1 "audit of the whole module tree: exit 1" \
	"$SYMFENCE" audit -r "$RULES" --root "$M" "$M"
cp "$T/out" "$T/audit-tree"
got=$(grep ': error: ' "$T/audit-tree" | cut -d: -f1 | sort)
[ "$(words "$got")" = "$M/drivers/idiotic/cam.o $M/sfdemo_cam.ko $M/sfdemo_cam.o " ]
verdict "audit of the tree: cam.o, sfdemo_cam.o and sfdemo_cam.ko, nothing else" audit-tree
lacks "audit of the tree: the friend (allowed) and the library parts pass" audit-tree \
	'(arm-smmu-lite|lib/iommu-dma/|dma-coherency|sfdemo_iommu|sfdemo_nic).*(error|warning)'

# 4. make clean, then a clean build without the cheater.
kb clean clean
[ $rc -eq 0 ] && [ ! -e "$M/symfence.objs" ] && [ ! -e "$M/sfdemo_iommu.o" ] &&
	[ ! -e "$M/lib/iommu-dma/iova.o" ]
verdict "make clean removes the objects and symfence.objs" clean
kb build4 SFDEMO_CAM=n modules
[ $rc -eq 0 ]
verdict "clean build without the cheater passes" build4
seq=$(grep -Eo '^  (SEAL \[M\]|AUDIT  |MODPOST) ' "$T/build4" | tr -s ' ' | tr '\n' ',')
[ "$seq" = " SEAL [M] , AUDIT , MODPOST ," ]
verdict "order: SEAL, AUDIT, MODPOST" build4
expect_output "the sealed module is linked" build4 "^  LD \\[M\\]  $M/sfdemo_iommu.ko$"
lacks "a clean audit says nothing" build4 '^symfence:|note:|warning:'
# modinfo is in /usr/sbin (package kmod).
if PATH=$PATH:/usr/sbin:/sbin command -v modinfo >/dev/null; then
	for ko in sfdemo_iommu sfdemo_nic; do
		PATH=$PATH:/usr/sbin:/sbin modinfo "$M/$ko.ko" >"$T/modinfo-$ko" 2>&1 &&
			grep -q "^name: *$ko$" "$T/modinfo-$ko" &&
			grep -q '^license: *GPL$' "$T/modinfo-$ko" &&
			grep -q "^vermagic: *$KREL " "$T/modinfo-$ko"
		verdict "modinfo $ko.ko: name, license, vermagic $KREL" "modinfo-$ko"
	done
	expect_output "modinfo: sfdemo_nic depends on sfdemo_iommu" modinfo-sfdemo_nic \
		'^depends: *sfdemo_iommu$'
else
	skip "modinfo checks: no modinfo (apt-get install kmod)"
fi

# nm: the sealed module keeps only its API (and its entry points) global.
nm "$M/sfdemo_iommu.ko" >"$T/nm-iommu"
got=$(awk '$2 ~ /^[A-Z]$/ && $2 != "U" && $3 ~ /^sfdemo_/ { print $3 }' "$T/nm-iommu" | sort)
[ "$got" = "$PUBLIC" ]
verdict "nm sfdemo_iommu.ko: exactly the 16 public names are global"
[ "$got" = "$PUBLIC" ] || echo "    | global: $(words "$got")"
n=$(awk '$2 ~ /^[a-z]$/ && $3 ~ /^sfdemo_/' "$T/nm-iommu" | wc -l)
grep -q ' t sfdemo_dmac_flush_range$' "$T/nm-iommu" &&
	grep -q ' [dr] sfdemo_iommu_hw_ops$' "$T/nm-iommu"
verdict "nm sfdemo_iommu.ko: $n private symbols local, dmac_flush_range and iommu_hw_ops too"
grep -q ' T init_module$' "$T/nm-iommu" && ! grep -q ' U init_module$' "$T/nm-iommu"
verdict "nm sfdemo_iommu.ko: init_module stays global and defined"
# readelf, the other oracle: no GLOBAL sfdemo_ symbol outside the public list.
got=$(symtab_of "$M/sfdemo_iommu.ko" |
	awk '$2 == "GLOBAL" && $3 != "UND" && $1 ~ /^sfdemo_/ { print $1 }' | sort)
[ "$got" = "$PUBLIC" ]
verdict "readelf sfdemo_iommu.ko: the same 16 GLOBAL"
# The sample's sources were all renamed (sfdemo-prefix.h is complete).
got=$(cd "$M" && nm -g --defined-only lib/iommu-dma/*.o arch/arm/*/*.o drivers/*/*.o |
	awk 'NF == 3 && $3 !~ /^sfdemo_/ { print $3 }')
[ -z "$got" ]
verdict "every global of the sample's objects has the prefix sfdemo_"
[ -z "$got" ] || echo "    | add to sfdemo-prefix.h: $(words "$got")"

got=$(awk '$3 ~ /sfdemo_iommu$/ && $4 == "EXPORT_SYMBOL" { print $2 }' "$M/Module.symvers" | sort)
[ "$got" = "$PUBLIC" ]
verdict "Module.symvers: sfdemo_iommu exports the 16 public names"
# The good driver's undefined symbols: the library's public API and kernel exports.
bad=
undef=$(nm -u "$M/sfdemo_nic.ko" | awk '{ print $2 }')
for s in $undef; do
	if [[ $s == sfdemo_* ]]; then
		grep -qx "$s" <<<"$PUBLIC" || bad="$bad $s"
	elif ! awk -v s="$s" '$2 == s && $3 == "vmlinux" { f = 1 } END { exit !f }' \
		"$KDIR/Module.symvers"; then
		bad="$bad $s"
	fi
done
[ -z "$bad" ] && grep -qx sfdemo_dma_map_sg <<<"$undef"
verdict "nm -u sfdemo_nic.ko: only public API and symbols vmlinux exports${bad:+ (not:$bad)}"
expect_status 0 "audit of the built .ko files passes" \
	"$SYMFENCE" audit -r "$RULES" --root "$M" "$M/sfdemo_iommu.ko" "$M/sfdemo_nic.ko"

# 5. Incremental builds.
kb noop SFDEMO_CAM=n modules
[ $rc -eq 0 ] && ! grep -q '^  ' "$T/noop"
verdict "a no-op rebuild runs no command" noop
touch "$RULES"
kb touch SFDEMO_CAM=n modules
[ $rc -eq 0 ] && [ "$(grep -c '^  SEAL' "$T/touch")" = 1 ] && ! grep -q '^  CC' "$T/touch"
verdict "touch the rules: the seal reruns, nothing is compiled" touch
expect_output "touch the rules: the audit reruns" touch "^  AUDIT   $M/modules.order$"
kb cmd SFDEMO_CAM=n SYMFENCE_LIBRARY_sfdemo_iommu.o=sfdemo-iommu V=1 modules
[ $rc -eq 0 ] && grep -q "seal -q -r $RULES -l sfdemo-iommu --ld 'ld' .* -o $M/sfdemo_iommu.o .*\
 -- -m elf_x86_64" "$T/cmd"
verdict "a new seal command reruns the seal; V=1 shows it" cmd
lacks "a new seal command compiles nothing" cmd ' -c -o '
grep -q -- "-l sfdemo-iommu" "$M/.sfdemo_iommu.o.cmd"
verdict ".sfdemo_iommu.o.cmd records the command"
kb ld SFDEMO_CAM=n SYMFENCE_LIBRARY_sfdemo_iommu.o=sfdemo-iommu LD=ld.bfd modules
grep -q -- "--ld 'ld.bfd'" "$M/.sfdemo_iommu.o.cmd"
verdict "LD=ld.bfd reaches the seal" ld

# The rules say nothing of init_module and cleanup_module (module_init and
# module_exit): symfence keeps them global, so the module can be loaded.
! grep -Eq '^[[:space:]]*public.*(init|cleanup)_module' "$RULES"
verdict "the rules do not name the entry points"
grep -q ' T cleanup_module$' "$T/nm-iommu" && ! grep -q ' U cleanup_module$' "$T/nm-iommu"
verdict "nm sfdemo_iommu.ko: cleanup_module stays global and defined"

# 6. Built in (SFDEMO_IOMMU=y, single targets in an M= build): sealed from
# parts compiled for the kernel, one object in built-in.a.
kb builtin SFDEMO_IOMMU=y sfdemo_iommu.o built-in.a drivers/idiotic/cam.o
[ $rc -eq 0 ]
verdict "built-in: builds" builtin
expect_output "built-in: SEAL without [M]" builtin "^  SEAL    $M/sfdemo_iommu.o$"
expect_output "built-in: parts compiled without [M]" builtin "^  CC      $M/lib/iommu-dma/iova.o$"
grep -q "KBUILD_MODNAME='\"sfdemo_iommu\"'" "$M/lib/iommu-dma/.iova.o.cmd" &&
	! grep -q -- '-DMODULE' "$M/lib/iommu-dma/.iova.o.cmd"
verdict "built-in: parts keep KBUILD_MODNAME sfdemo_iommu, no -DMODULE"
[ "$(ar t "$M/built-in.a")" = "$M/sfdemo_iommu.o" ]
verdict "built-in: built-in.a holds the sealed object only"
nm "$M/sfdemo_iommu.o" | grep -q ' t sfdemo_dmac_flush_range$'
verdict "built-in: private symbols local"

# 7. The top-level audit (make -f Makefile.symfence, as the kernel's Makefile
# runs it before modpost) on a thin vmlinux.a of built-in objects.
ta() {
	(cd "$M" && make -f "$TOP/kbuild/Makefile.symfence" srctree="$KDIR" quiet=quiet_ Q=@ \
		KBUILD_BUILTIN=1 KBUILD_MODULES= SYMFENCE="$SYMFENCE" SYMFENCE_RULES="$RULES" \
		VERSION=6 PATCHLEVEL=1 "${@:2}") \
		>"$T/$1" 2>&1
	rc=$?
}
vmlinux_a() { (cd "$M" && rm -f vmlinux.a && ar cDPrST vmlinux.a "$@"); }
vmlinux_a sfdemo_iommu.o drivers/net/good_nic.o drivers/idiotic/cam.o
ta top1
[ $rc -ne 0 ]
verdict "top-level audit: fails on vmlinux.a" top1
expect_output "top-level audit: quiet line" top1 '^  AUDIT   vmlinux.a$'
expect_output "top-level audit: names the member of vmlinux.a" top1 \
	"^vmlinux.a\\(drivers/idiotic/cam.o\\): sfdemo_cam_probe\\+0x[0-9a-f]+: $REF \\[$RULES:$DMAC_LINE: 'sfdemo_dmac_\\*'\\]$"
vmlinux_a sfdemo_iommu.o drivers/net/good_nic.o
ta top2
[ $rc -eq 0 ] && [ "$(cat "$M/symfence.objs")" = vmlinux.a ]
verdict "top-level audit: passes without the cheater" top2
ta top3
[ $rc -eq 0 ] && [ ! -s "$T/top3" ]
verdict "top-level audit: nothing to do the second time" top3

# 8. A kbuild symfence was not tested with: the build stops, before it
# builds anything without the seal (the top-level audit too).
kb gate SFDEMO_CAM=n PATCHLEVEL=99 modules
[ $rc -ne 0 ]
verdict "an untested kbuild (6.99) stops the build" gate
expect_output "... saying which kbuilds are tested and what to do" gate \
	'symfence: the kbuild of Linux 6\.99 is not one symfence was tested with \(6\.1 6\.12\): check the seal by hand, then build with SYMFENCE_KBUILD_UNTESTED=1'
! grep -q '^  SEAL' "$T/gate"
verdict "... and seals nothing" gate
ta top4 PATCHLEVEL=99
[ $rc -ne 0 ] && grep -q 'symfence: the kbuild of Linux 6\.99 is not one' "$T/top4"
verdict "the top-level audit stops on an untested kbuild too" top4
ta top5 PATCHLEVEL=99 SYMFENCE_KBUILD_UNTESTED=1
[ $rc -eq 0 ]
verdict "SYMFENCE_KBUILD_UNTESTED=1 lets it run" top5
