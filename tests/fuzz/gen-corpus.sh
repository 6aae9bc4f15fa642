#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the seed corpora of the fuzzers from small sources, into OUTDIR:
#   OUTDIR/object/  relocatable objects: gcc and clang, x86_64, i386, arm,
#                   aarch64, s390x, mips (ELF32 big endian), ppc64 (ELF64 big
#                   endian), riscv64; COMDAT, exports, .llvm_addrsig, debug
#                   info, ld -r output, a signed module, ET_EXEC and ET_DYN
#   OUTDIR/audit/   the objects again, archives (regular, thin, BSD names) and
#                   compressed modules (.xz, .zst, .gz)
#   OUTDIR/rules/   the shipped rules files and a few written here
# plus, for each, the malformed objects of malform.py and tests/regress/.
# Compilers that are not installed are skipped. Usage: gen-corpus.sh OUTDIR
set -eu
out=${1:?usage: gen-corpus.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/object" "$out/audit" "$out/rules"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/symfence-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > lib.c <<'EOF'
static int counter;
int lib_state = 3;
int lib_helper_add(int a, int b) { return a + b + lib_state; }
__attribute__((weak)) int lib_weak(int a) { return a * 3; }
int lib_alias(int a) __attribute__((alias("lib_helper_add")));
extern int ext_value;
int ext_func(int);
int lib_api(int x) { counter++; return lib_helper_add(x, ext_value) + ext_func(x) + counter; }
int *lib_ptrs[] = { &lib_state, &counter };
EOF
cat > comdat.cc <<'EOF'
template <typename T> T twice(T x) { return x + x; }
inline int shared_inline(int x) { static int n; return x + n++; }
int use_comdat(int x) { return twice(x) + twice<long>(x) + shared_inline(x); }
EOF
cat > export.c <<'EOF'
int exported_fn(int x) { return x + 1; }
static const char __kstrtab_exported_fn[]
	__attribute__((section("__ksymtab_strings"))) = "exported_fn";
static const void *__ksymtab_exported_fn
	__attribute__((used, section("___ksymtab+exported_fn"))) = exported_fn;
int private_fn(int x) { return exported_fn(x) * 2; }
EOF
cat > main.c <<'EOF'
int ext_value = 1;
int ext_func(int x) { return x; }
int lib_api(int);
int main(void) { return lib_api(1) == 0; }
EOF

n=0
seed() {	# seed DIR FILE: copy FILE into the corpus under a numbered name
	n=$((n + 1))
	cp "$2" "$out/$1/$(printf '%03d' $n)-$(basename "$2")"
}
try() { "$@" >/dev/null 2>&1; }

objs=()
build() {	# build NAME COMPILER ARGS...: compile lib.c to NAME.o when the compiler works
	local name=$1
	shift
	if try "$@" -c -o "$name.o" lib.c; then
		objs+=("$name.o")
	fi
}
build gcc-x86_64 gcc -O1 -fno-common
build gcc-x86_64-fs gcc -O2 -ffunction-sections -fdata-sections -fno-common
build gcc-x86_64-g gcc -O1 -g -fno-common
build clang-x86_64 clang -O1 -faddrsig
build clang-i386 clang --target=i386-linux-gnu -O1 -ffreestanding
build gcc-arm arm-linux-gnueabihf-gcc -O1
build gcc-aarch64 aarch64-linux-gnu-gcc -O1
build gcc-s390x s390x-linux-gnu-gcc -O1
build clang-mips clang --target=mips-linux-gnu -O1 -ffreestanding
build clang-ppc64 clang --target=powerpc64-linux-gnu -O1 -ffreestanding
build clang-riscv64 clang --target=riscv64-linux-gnu -O1 -ffreestanding -mno-relax
build gcc-common gcc -O1 -fcommon
if try g++ -O1 -c -o comdat.o comdat.cc; then objs+=(comdat.o); fi
if try clang++ -O1 -faddrsig -c -o comdat-clang.o comdat.cc; then objs+=(comdat-clang.o); fi
if try gcc -O1 -c -o export.o export.c; then objs+=(export.o); fi
if try gcc -O1 -c -o main.o main.c; then
	try ld -r -o ldr.o gcc-x86_64.o main.o && objs+=(ldr.o)
	try ld.lld -r -o lldr.o clang-x86_64.o main.o && objs+=(lldr.o)
	# Small ET_EXEC and ET_DYN files: refused by localize, read by the audit.
	try gcc -nostdlib -static -Wl,-e,main -Wl,-N -o exec gcc-x86_64.o main.o && seed object exec
	try gcc -nostdlib -shared -fPIC -Wl,-z,noseparate-code -Wl,-z,max-page-size=16 \
		-o shared.so main.c && seed object shared.so
fi
# A module with an appended signature (a fake one: the tool only parses the trailer).
if [ -e gcc-x86_64.o ]; then
	cp gcc-x86_64.o signed.ko
	head -c 64 /dev/zero >> signed.ko
	printf '\0\0\0\0\0\0\0\0\0\0\0\x40' >> signed.ko
	printf '~Module signature appended~\n' >> signed.ko
	objs+=(signed.ko)
fi
for o in "${objs[@]}"; do
	seed object "$o"
	seed audit "$o"
done

# Archives and compressed modules for the audit.
set -- "${objs[@]:0:3}"
if [ $# -ge 2 ]; then
	try ar rcs reg.a "$1" "$2" && seed audit reg.a
	try ar rcsT thin.a "$1" "$2" && seed audit thin.a
	try llvm-ar --format=bsd rcs bsd.a "$1" "$2" && seed audit bsd.a
	cp "$1" long-member-name-for-gnu-table.o &&
		try ar rcs long.a long-member-name-for-gnu-table.o "$2" &&
		seed audit long.a
	xz -9 -C crc32 -c "$1" > mod.ko.xz 2>/dev/null && seed audit mod.ko.xz
	zstd -q -19 -c "$1" > mod.ko.zst 2>/dev/null && seed audit mod.ko.zst
	gzip -9 -c "$1" > mod.ko.gz 2>/dev/null && seed audit mod.ko.gz
	# An archive inside gzip: one level of nesting for the harness.
	gzip -c reg.a > reg.a.gz 2>/dev/null && seed audit reg.a.gz
fi

# Malformed objects (tests/fuzz/malform.py, truncations left out) and the
# regression inputs: starting points next to the bugs found so far.
if [ -e gcc-x86_64.o ] && python3 "$top/tests/fuzz/malform.py" gcc-x86_64.o mal \
	$( [ -e comdat.o ] && echo comdat.o ) 2>/dev/null; then
	for f in mal/*.o; do
		case $(basename "$f") in trunc-* | empty.o) continue ;; esac
		seed object "$f"
	done
fi
for d in object rules audit; do
	for f in "$top/tests/regress/$d"/*; do
		[ -f "$f" ] || continue
		case $f in *.args | *.expect | */SIGNATURES | */README*) continue ;; esac
		seed "$d" "$f"
	done
done

# Rules.
for r in "$top"/rules/*.rules; do [ -e "$r" ] && seed rules "$r"; done
cat > full.rules <<'EOF'
# every directive once
library iommu-dma
    objects  lib/iommu-dma/*.o arch/arm/mm/dma-coherency.o **/x.o
    public   dma_map_sg dma_unmap_sg dma_sync_sg_for_*
    private  arch_sync_dma_* dmac_* outer_* [a-c]?x \
             continued_on_next_line
    allow    drivers/iommu/arm-smmu*.o foo-bar
    waive    drivers/legacy/old_cam.o dmac_flush_range
    hint     "use dma_sync_sg_for_device(); \"quoted\" \\ cache maintenance"
include  common.rules
library second
    private  second_*
EOF
cat > errors.rules <<'EOF'
library a
    privat x
    private [unterminated
    waive only-one
    hint "unterminated
library a
    private dup
library b
    private dup
    objects nothing/
include cycle.rules
include missing.rules
EOF
cat > public.rules <<'EOF'
library p
    objects *.o
    public api_*
library audit-only
    private f* s*
EOF
printf '\xef\xbb\xbflibrary bom\n\tprivate x\r\n' > bom.rules
for r in full errors public bom; do seed rules $r.rules; done
echo "corpus: $(ls "$out/object" | wc -l) objects, $(ls "$out/audit" | wc -l) audit inputs," \
	"$(ls "$out/rules" | wc -l) rules files in $out"
