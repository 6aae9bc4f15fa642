#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence seal --archive: a library whose objects span directories, sealed in
# the thin archive that gathers them (kbuild's vmlinux.a). Objects from gcc and
# clang, archives from GNU ar and llvm-ar, with and without a symbol table.
# Oracles: ar t (the order), nm (private t, public T), GNU ar itself (the
# rewritten archive is byte-identical to what ar cDPrST / ar cDPrT writes for
# the same member list: cmp), and the linker (a program links from the
# rewritten archive, a cheater does not). Every refusal leaves the archive and
# the output byte-identical and no temporary file; a change of initcall order
# is refused naming both functions; a second seal is refused.
. "$(dirname "$0")/../lib.sh"

for tool in ar nm gcc; do
	command -v $tool >/dev/null || {
		skip "$tool is not installed"
		exit 0
	}
done

# The sources: the ARM DMA layer in miniature. dma-mapping.c has an initcall
# (level 2) and a __setup entry, as the real one; direct.c an initcall of
# level 6, as page.c, which is not in the library.
mkdir -p src
cat > src/dma-mapping.c <<'EOF'
int v7_dma_flush_range(int x);
int arch_sync_dma_for_device(int x) { return v7_dma_flush_range(x) + 1; }
static int atomic_pool_init(void) { return 0; }
static int (*const __initcall_atomic_pool_init2)(void)
	__attribute__((section(".initcall2.init"), used)) = atomic_pool_init;
static int early_coherent_pool(char *p) { return p != 0; }
struct obs_kernel_param { const char *str; int (*setup_func)(char *); int early; };
static const char __setup_str_early_coherent_pool[] = "coherent_pool=";
static const struct obs_kernel_param __setup_early_coherent_pool
	__attribute__((section(".init.setup"), used, aligned(sizeof(long)))) =
	{ __setup_str_early_coherent_pool, early_coherent_pool, 1 };
EOF
cat > src/cache-v7.c <<'EOF'
int v7_dma_flush_range(int x) { return x * 2; }
EOF
cat > src/direct.c <<'EOF'
int arch_sync_dma_for_device(int x);
int dma_direct_map(int x) { return arch_sync_dma_for_device(x); }
static int dma_direct_init(void) { return 0; }
static int (*const __initcall_dma_direct_init6)(void)
	__attribute__((section(".initcall6.init"), used)) = dma_direct_init;
EOF
cat > src/mapping.c <<'EOF'
int dma_direct_map(int x);
int dma_map_page(int x) { return dma_direct_map(x) + 3; }
EOF
cat > src/signal.c <<'EOF'
int send_signal(int x) { return x - 1; }
EOF
cat > src/page.c <<'EOF'
int dma_map_page(int x);
static int page_init(void) { return 0; }
static int (*const __initcall_page_init6)(void)
	__attribute__((section(".initcall6.init"), used)) = page_init;
int page_alloc(int x) { return dma_map_page(x); }
EOF
cat > src/nic.c <<'EOF'
int dma_map_page(int x);
int nic_xmit(int x) { return dma_map_page(x) * 10; }
EOF
cat > src/main.c <<'EOF'
int nic_xmit(int x), page_alloc(int x), send_signal(int x);
/* dma_map_page(x) = (2x + 1) + 3 */
int main(void) { return nic_xmit(1) == 60 && page_alloc(2) == 8 && send_signal(1) == 0 ? 0 : 1; }
EOF
cat > src/cheat.c <<'EOF'
int v7_dma_flush_range(int x);
int cheat(void) { return v7_dma_flush_range(1); }
EOF

# The tree, as kbuild lays it out. kernel/signal.o has 15 characters (the '/'
# GNU ar leaves in byte 15), the driver's name more than 15 (the // table).
NIC=drivers/net/ethernet/a-long-vendor-name/nic-main.o
tree() {	# tree DIR CC: the objects of the tree, built with CC in DIR
	local dir=$1 cc=$2 f
	mkdir -p "$dir"/{arch/arm/mm,kernel/dma,mm,init,"$(dirname $NIC)"}
	for f in arch/arm/mm/dma-mapping:dma-mapping arch/arm/mm/cache-v7:cache-v7 \
		kernel/dma/direct:direct kernel/dma/mapping:mapping kernel/signal:signal \
		mm/page:page init/main:main "${NIC%.o}":nic cheat:cheat; do
		$cc -O1 -fno-common -c -o "$dir/${f%%:*}.o" "src/${f#*:}.c" || return 1
	done
}
# vmlinux.a's order: the library's members with others between them, page.o after.
MEMBERS="init/main.o arch/arm/mm/dma-mapping.o arch/arm/mm/cache-v7.o kernel/signal.o
kernel/dma/direct.o kernel/dma/mapping.o $NIC mm/page.o"
# and once sealed
SEALED="init/main.o symfence-arm-dma.o kernel/signal.o $NIC mm/page.o"

cat > dma.rules <<'EOF'
library arm-dma
    objects  arch/arm/mm/dma-mapping.o arch/arm/mm/cache-v7.o kernel/dma/*.o
    public   dma_map_page
    hint     "use the DMA API"
EOF

# no_temp DIR...: no temporary of symfence's (.NAME.symfence...) in DIR.
no_temp() {
	! find "$@" -maxdepth 1 -name '.*symfence*' | grep -q .
}

# bindings OBJ: "name type" for the library's symbols, from nm.
bindings() {
	nm "$1" | awk '$3 ~ /^(arch_sync_dma_for_device|v7_dma_flush_range|dma_direct_map|dma_map_page)$/ { print $3, $2 }' | sort | tr '\n' ' '
}
WANT_BINDINGS="arch_sync_dma_for_device t dma_direct_map t dma_map_page T v7_dma_flush_range t "

# The main matrix: compilers x archivers x symbol table or not.
for cc in gcc clang; do
	if ! command -v $cc >/dev/null; then
		skip "$cc is not installed"
		continue
	fi
	for arc in ar llvm-ar; do
		if ! command -v $arc >/dev/null; then
			skip "$arc is not installed"
			continue
		fi
		for s in S ""; do
			name="$cc, $arc cDPr${s}T"
			w="$T/m-$cc-$arc-$s"
			tree "$w" $cc || {
				fail "$name: cannot build the objects"
				continue
			}
			(cd "$w" && $arc cDPr${s}T vmlinux.a $MEMBERS) || {
				fail "$name: $arc cannot make the archive"
				continue
			}
			# The cheater links against the unsealed archive: the check below means something.
			(cd "$w" && gcc -o cheat0 -Wl,--whole-archive vmlinux.a -Wl,--no-whole-archive \
				cheat.o 2>/dev/null) || fail "$name: the cheater does not link before the seal"
			(cd "$w" && "$SYMFENCE" seal -r ../dma.rules --archive vmlinux.a \
				-o symfence-arm-dma.o) >"$T/out" 2>&1
			st=$?
			if [ $st != 0 ]; then
				fail "$name: seal --archive exited $st"
				sed 's/^/    | /' "$T/out" | head -5
				continue
			fi
			expect_output "$name: the summary line" "$T/out" \
				'^symfence: sealed arm-dma: 3 private symbols localized, 1 public; 4 members of vmlinux.a replaced by symfence-arm-dma.o$'
			got=$(cd "$w" && ar t vmlinux.a | tr '\n' ' ')
			[ "$got" = "$(echo $SEALED) " ] && ok "$name: ar t lists the sealed object in the library's place" ||
				fail "$name: ar t lists: $got"
			got=$(bindings "$w/symfence-arm-dma.o")
			[ "$got" = "$WANT_BINDINGS" ] && ok "$name: private symbols t, the public one T (nm)" ||
				fail "$name: nm says $got"
			(cd "$w" && rm -f ref.a && ar cDPr${s}T ref.a $SEALED)
			cmp -s "$w/ref.a" "$w/vmlinux.a" &&
				ok "$name: byte-identical to GNU ar cDPr${s}T of the same members" ||
				fail "$name: the archive differs from GNU ar's ($(cmp "$w/ref.a" "$w/vmlinux.a" 2>&1))"
			if (cd "$w" && gcc -o prog -Wl,--whole-archive vmlinux.a -Wl,--no-whole-archive &&
				./prog) 2>"$T/link.err"; then
				ok "$name: a program links from the rewritten archive and runs"
			else
				fail "$name: the program does not link or run: $(head -2 "$T/link.err")"
			fi
			if (cd "$w" && gcc -o cheat -Wl,--whole-archive vmlinux.a -Wl,--no-whole-archive \
				cheat.o) 2>"$T/link.err"; then
				fail "$name: the cheater links"
			elif grep -q "undefined reference to .v7_dma_flush_range" "$T/link.err"; then
				ok "$name: the cheater fails to link (undefined v7_dma_flush_range)"
			else
				fail "$name: the cheater fails otherwise: $(head -2 "$T/link.err")"
			fi
			# A second seal of the sealed archive: refused, nothing changed.
			cp "$w/vmlinux.a" "$w/keep.a"
			cp "$w/symfence-arm-dma.o" "$w/keep.o"
			(cd "$w" && "$SYMFENCE" seal -r ../dma.rules --archive vmlinux.a \
				-o symfence-arm-dma.o) >"$T/out" 2>&1
			st=$?
			if [ $st = 2 ] && grep -q "^vmlinux.a: error: already sealed: it has a member named like the output, 'symfence-arm-dma.o'; seal the archive as ar made it, once$" "$T/out" &&
				cmp -s "$w/vmlinux.a" "$w/keep.a" && cmp -s "$w/symfence-arm-dma.o" "$w/keep.o" &&
				no_temp "$w"; then
				ok "$name: a second seal is refused, nothing changed"
			else
				fail "$name: second seal: exit $st"
				sed 's/^/    | /' "$T/out" | head -5
			fi
		done
	done
done

# ---- one tree for the rest: gcc, GNU ar cDPrST ----
tree w gcc || {
	fail "cannot build the objects"
	exit 0
}
cd w || exit 2
ar cDPrST orig.a $MEMBERS
echo previous > symfence-arm-dma.o
cp symfence-arm-dma.o orig.o

# refuse STATUS NAME REGEX [--out OUT] SEAL-ARGS...: the seal of vmlinux.a (a fresh copy
# of orig.a) exits STATUS with a line matching REGEX; vmlinux.a and OUT (default:
# symfence-arm-dma.o, which holds "previous") are byte-identical after; no temporary.
refuse() {
	local want=$1 name=$2 re=$3 out=symfence-arm-dma.o
	shift 3
	if [ "$1" = --out ]; then
		out=$2
		shift 2
	fi
	[ -f vmlinux.a ] || cp orig.a vmlinux.a
	cp vmlinux.a before.a
	[ -f "$out" ] && cp "$out" before.o || rm -f before.o
	expect_status "$want" "$name: exit $want" "$SYMFENCE" seal "$@"
	expect_output "$name: message" "$T/out" "$re"
	if cmp -s vmlinux.a before.a && { [ ! -e before.o ] || cmp -s "$out" before.o; }; then
		ok "$name: archive and output unchanged (cmp)"
	else
		fail "$name: the archive or the output changed"
	fi
	no_temp . kernel/dma && ok "$name: no temporary file left" ||
		fail "$name: temporary left: $(find . -name '.*symfence*')"
}

cp orig.a vmlinux.a
refuse 2 "--archive with objects" \
	"^symfence: error: --archive excludes OBJECT arguments: the library's members in the archive are what is linked$" \
	-r ../dma.rules --archive vmlinux.a -o symfence-arm-dma.o init/main.o
printf 'library nothing\n    objects nowhere/*.o\n    private x\n' > none.rules
refuse 2 "no member matches" \
	"^vmlinux.a: error: no member matches the objects patterns of library 'nothing'$" \
	-r none.rules --archive vmlinux.a -o symfence-arm-dma.o
cat > stale.rules <<'EOF'
library arm-dma
    objects  arch/arm/mm/*.o kernel/dma/*.o lib/gone/*.o
    public   dma_map_page
EOF
refuse 2 "a pattern that matches no member" \
	"^stale.rules:2:45: error: objects pattern 'lib/gone/\\*.o' of library 'arm-dma' matches no member of 'vmlinux.a'$" \
	-r stale.rules --archive vmlinux.a -o symfence-arm-dma.o
# -l: needed with several libraries, as plain seal.
cat ../dma.rules - > two.rules <<'EOF'
library other
    objects  mm/*.o
    private  page_*
EOF
refuse 2 "two libraries without -l" \
	"^symfence: error: the rules describe 2 libraries with objects: name one with -l LIBRARY$" \
	-r two.rules --archive vmlinux.a -o symfence-arm-dma.o
# Members that are not relocatable objects.
mkdir -p kernel/dma
echo "not an object" > kernel/dma/notes.o
gcc -shared -fPIC -o kernel/dma/shared.o ../src/cache-v7.c
for bad in notes.o:"not an ELF file" shared.o:"not a relocatable object \\(ET_DYN\\); only relocatable objects \\(.o\\) can be sealed"; do
	rm -f vmlinux.a && ar cDPrST vmlinux.a $MEMBERS kernel/dma/${bad%%:*}
	refuse 2 "a member that is ${bad%%:*}" "^vmlinux.a\\(kernel/dma/${bad%%:*}\\): error: ${bad#*:}" \
		-r ../dma.rules --archive vmlinux.a -o symfence-arm-dma.o
done
rm -f kernel/dma/notes.o kernel/dma/shared.o
# Archives that cannot be rewritten as they were.
rm -f vmlinux.a && ar rcs vmlinux.a $MEMBERS
refuse 2 "a regular archive" \
	"^vmlinux.a: error: not a thin archive: its members are inside it, and seal --archive rewrites thin archives \\(ar T\\), whose members are files$" \
	-r ../dma.rules --archive vmlinux.a -o symfence-arm-dma.o
rm -f reg.a vmlinux.a && ar rcs reg.a kernel/signal.o && ar cDPrST vmlinux.a $MEMBERS reg.a
refuse 2 "a regular archive in the thin one (GNU ar)" \
	"^vmlinux.a\\(reg.a\\): error: an archive inside the thin archive: seal --archive cannot rewrite it as it was; add the archive's members instead$" \
	-r ../dma.rules --archive vmlinux.a -o symfence-arm-dma.o
if command -v llvm-ar >/dev/null; then
	rm -f vmlinux.a && llvm-ar cDPrST vmlinux.a $MEMBERS reg.a
	refuse 2 "a regular archive in the thin one (llvm-ar)" \
		"^vmlinux.a\\(reg.a\\): error: an archive inside the thin archive" \
		-r ../dma.rules --archive vmlinux.a -o symfence-arm-dma.o
fi
rm -f vmlinux.a && cp orig.a vmlinux.a
# Outputs that are inputs, or that the patterns would take for a member.
refuse 2 "-o the archive" \
	"^vmlinux.a: error: the output is the same file as the archive 'vmlinux.a'; nothing written$" \
	--out vmlinux.a -r ../dma.rules --archive vmlinux.a -o vmlinux.a
refuse 2 "-o a member of the library" \
	"^kernel/dma/direct.o: error: the output is the same file as the member 'kernel/dma/direct.o'; nothing written$" \
	--out kernel/dma/direct.o -r ../dma.rules --archive vmlinux.a -o kernel/dma/direct.o
refuse 2 "-o another member" \
	"^init/main.o: error: the output is the same file as the member 'init/main.o'; nothing written$" \
	--out init/main.o -r ../dma.rules --archive vmlinux.a -o init/main.o
ln -f mm/page.o page-link.o
refuse 2 "-o a hard link of a member" \
	"^page-link.o: error: the output is the same file as the member 'mm/page.o'; nothing written$" \
	--out page-link.o -r ../dma.rules --archive vmlinux.a -o page-link.o
rm -f page-link.o
cp ../dma.rules dma.rules
refuse 2 "-o the rules file" \
	"^dma.rules: error: the output is the same file as the rules file 'dma.rules'; nothing written$" \
	--out dma.rules -r dma.rules --archive vmlinux.a -o dma.rules
refuse 2 "-o where the objects patterns reach" \
	"^kernel/dma/sealed.o: error: the output would be the member 'kernel/dma/sealed.o', which the objects pattern 'kernel/dma/\\*.o' of library 'arm-dma' matches: a later seal would link it; name the output elsewhere$" \
	--out kernel/dma/sealed.o -r dma.rules --archive vmlinux.a -o kernel/dma/sealed.o
# A policy refusal of the localize (an exported private symbol): exit 1, as plain seal.
cat > ../src/export.c <<'EOF'
int dma_direct_map(int x);
int dma_exported(int x) { return dma_direct_map(x); }
static void *const __ksymtab_dma_exported __attribute__((used, section("___ksymtab+dma_exported"))) = (void *)&dma_exported;
EOF
gcc -O1 -c -o kernel/dma/export.o ../src/export.c
rm -f vmlinux.a && ar cDPrST vmlinux.a $MEMBERS kernel/dma/export.o
refuse 1 "an exported private symbol" "cannot localize 'dma_exported': it is exported \\(EXPORT_SYMBOL\\)" \
	-r dma.rules --archive vmlinux.a -o symfence-arm-dma.o
rm -f vmlinux.a kernel/dma/export.o

# ---- the order of initcalls ----
# direct.o's level-6 initcall runs after page.o's when page.o lies between the
# library's members; sealing would run it first: refused, exit 1, both named.
rm -f vmlinux.a && ar cDPrST vmlinux.a init/main.o arch/arm/mm/dma-mapping.o mm/page.o \
	arch/arm/mm/cache-v7.o kernel/dma/direct.o kernel/dma/mapping.o
refuse 1 "initcall order: refused" \
	"^vmlinux.a: error: sealing 'arm-dma' would run initcall 'dma_direct_init' \\(kernel/dma/direct.o, .initcall6.init\\) before 'page_init' \\(mm/page.o\\): the sealed object takes the place of the library's first member, 'arch/arm/mm/dma-mapping.o'$" \
	-r dma.rules --archive vmlinux.a -o symfence-arm-dma.o
[ "$(grep -c error "$T/out")" = 1 ] && ok "initcall order: one error line" ||
	fail "initcall order: $(grep -c error "$T/out") error lines"
# With ld.lld too, whose output the order is read from.
if command -v ld.lld >/dev/null; then
	refuse 1 "initcall order with ld.lld: refused" "would run initcall 'dma_direct_init' .* before 'page_init'" \
		-r dma.rules --ld ld.lld --archive vmlinux.a -o symfence-arm-dma.o
fi
# page.o between members that have no initcalls of its level: kept, sealed.
rm -f vmlinux.a symfence-arm-dma.o && ar cDPrST vmlinux.a init/main.o arch/arm/mm/dma-mapping.o \
	mm/page.o arch/arm/mm/cache-v7.o kernel/dma/mapping.o kernel/dma/direct.o
printf 'library arm-dma\n    objects arch/arm/mm/*.o kernel/dma/mapping.o\n    public dma_map_page arch_sync_dma_for_device\n' > keep.rules
expect_status 0 "initcall order kept (an initcall level only the first member has): sealed" \
	"$SYMFENCE" seal -r keep.rules --archive vmlinux.a -o symfence-arm-dma.o
[ "$(ar t vmlinux.a | tr '\n' ' ')" = "init/main.o symfence-arm-dma.o mm/page.o kernel/dma/direct.o " ] &&
	ok "initcall order kept: ar t" || fail "initcall order kept: ar t lists $(ar t vmlinux.a | tr '\n' ' ')"
# The sealed object's tables, as the linker will see them: the same entries (readelf).
for sec in .initcall2.init .init.setup; do
	n=$(readelf -rW symfence-arm-dma.o | grep -A3 "'.rela$sec'" | grep -c R_X86_64)
	[ "$n" -ge 1 ] && ok "the sealed object keeps $sec and its relocations" ||
		fail "the sealed object has no relocations in $sec"
done

# -v: the members and the linker command. The archive keeps its mode, the
# sealed object gets what ld -r gives (0666 less the umask).
rm -f vmlinux.a symfence-arm-dma.o && cp orig.a vmlinux.a && chmod 0604 vmlinux.a
(umask 027 && "$SYMFENCE" seal -v -r dma.rules --archive vmlinux.a -o symfence-arm-dma.o) >"$T/out" 2>&1
st=$?
[ $st = 0 ] && ok "seal --archive -v" || fail "seal --archive -v: exit $st"
[ "$(stat -c %a vmlinux.a) $(stat -c %a symfence-arm-dma.o)" = "604 640" ] &&
	ok "the archive keeps its mode, the object gets 0666 less the umask" ||
	fail "modes: archive $(stat -c %a vmlinux.a), object $(stat -c %a symfence-arm-dma.o)"
expect_output "-v names each member with its position" "$T/out" '^symfence: member 5 of vmlinux.a: kernel/dma/direct.o$'
expect_output "-v shows the linker command" "$T/out" '^symfence: running ld -r -o .*symfence-ld.* @.*\.rsp  \(.* lists 4 objects\)$'
"$SYMFENCE" seal --help | grep -q -- '--archive AR' && ok "seal --help shows --archive" ||
	fail "seal --help does not show --archive"

# ---- names: ../ and directories, computed as GNU ar computes them ----
# The archive in out/, its members named ../...; the output beside the tree and deeper.
mkdir -p out deep/er
(cd out && rm -f vmlinux.a && ar cDPrST vmlinux.a $(for m in $MEMBERS; do printf '../%s ' $m; done))
cp out/vmlinux.a out/orig.a
expect_status 0 "archive in a subdirectory, --root ." \
	"$SYMFENCE" seal -r dma.rules --root . --archive out/vmlinux.a -o deep/er/sealed.o
expect_output "the member's name has ../" "$T/out" 'replaced by \.\./deep/er/sealed\.o$'
(cd out && rm -f ref.a && ar cDPrST ref.a ../init/main.o ../deep/er/sealed.o ../kernel/signal.o ../$NIC ../mm/page.o)
cmp -s out/ref.a out/vmlinux.a && ok "../ names: byte-identical to GNU ar's" ||
	fail "../ names: differs from GNU ar's"
[ "$(ar t out/vmlinux.a | head -2 | tail -1)" = "out/../deep/er/sealed.o" ] && ok "../ names: ar t finds the sealed object" ||
	fail "../ names: ar t lists $(ar t out/vmlinux.a | head -2 | tail -1)"
# Without --root the patterns see the names as stored (../...): nothing matches.
cp out/orig.a out/vmlinux.a
expect_status 2 "archive in a subdirectory without --root: the stored names do not match" \
	"$SYMFENCE" seal -r dma.rules --archive out/vmlinux.a -o deep/er/sealed2.o
expect_output "without --root: said so" "$T/out" "no member matches the objects patterns of library 'arm-dma'"
# An absolute output path and a symbolic link to the archive's directory.
ln -sfn "$PWD/out" outlink
rm -f abs.o
expect_status 0 "an absolute output path, the archive through a symlink" \
	"$SYMFENCE" seal -r dma.rules --root . --archive outlink/vmlinux.a -o "$PWD/abs.o"
expect_output "an absolute output path: relative member name" "$T/out" 'replaced by \.\./abs\.o$'

# ---- both files or neither: the archive's rename fails (an LD_PRELOAD shim) ----
cat > shim.c <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SHIM_FAIL_TO=NAME: rename() onto a path ending in NAME fails (EIO). SHIM_NO_EXCHANGE: renameat2() gives EINVAL. */
int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	const char *name = getenv("SHIM_FAIL_TO");
	size_t n = name ? strlen(name) : 0, m = strlen(to);

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (name && m >= n && !strcmp(to + m - n, name)) {
		errno = EIO;
		return -1;
	}
	return real(from, to);
}

int renameat2(int a, const char *from, int b, const char *to, unsigned int flags)
{
	static int (*real)(int, const char *, int, const char *, unsigned int);

	if (!real)
		real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
	if (getenv("SHIM_NO_EXCHANGE")) {
		errno = EINVAL;
		return -1;
	}
	return real(a, from, b, to, flags);
}
EOF
if nm "$SYMFENCE" 2>/dev/null | grep -Eq ' T (rename|__interceptor_rename)$'; then
	skip "the archive's rename failing: $SYMFENCE defines rename() itself (static sanitizer runtime)"
elif ! cc -shared -fPIC -O1 -o shim.so shim.c -ldl 2>"$T/err"; then
	skip "the archive's rename failing: cannot build the shim: $(head -1 "$T/err")"
else
	for how in "" SHIM_NO_EXCHANGE=1; do
		label="the archive's rename fails${how:+ (no RENAME_EXCHANGE: a hard link keeps the old output)}"
		rm -f vmlinux.a && cp orig.a vmlinux.a && cp orig.o symfence-arm-dma.o
		env SHIM_FAIL_TO=vmlinux.a $how LD_PRELOAD="$PWD/shim.so" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
			"$SYMFENCE" seal -r dma.rules --archive vmlinux.a -o symfence-arm-dma.o >"$T/out" 2>&1
		st=$?
		if [ $st = 2 ] && grep -q "^vmlinux.a: error: cannot rename the output into place: Input/output error$" "$T/out" &&
			cmp -s vmlinux.a orig.a && cmp -s symfence-arm-dma.o orig.o && no_temp .; then
			ok "$label: both unchanged, the old output back, no temporary"
		else
			fail "$label: exit $st, archive $(cmp -s vmlinux.a orig.a && echo kept || echo changed), output $(cmp -s symfence-arm-dma.o orig.o && echo kept || echo changed)"
			sed 's/^/    | /' "$T/out" | head -5
			find . -maxdepth 1 -name '.*symfence*' | sed 's/^/    | left: /'
		fi
	done
	# Without an old output: none after.
	rm -f vmlinux.a symfence-arm-dma.o && cp orig.a vmlinux.a
	env SHIM_FAIL_TO=vmlinux.a LD_PRELOAD="$PWD/shim.so" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$SYMFENCE" seal -r dma.rules --archive vmlinux.a -o symfence-arm-dma.o >"$T/out" 2>&1
	[ ! -e symfence-arm-dma.o ] && cmp -s vmlinux.a orig.a && no_temp . &&
		ok "the archive's rename fails, no old output: no output after" ||
		fail "the archive's rename fails, no old output: something is left"
fi

# ---- ARM: REL relocations, the addends in the tables ----
cross=arm-linux-gnueabihf
cd "$T" || exit 2
if ! command -v $cross-gcc >/dev/null; then
	skip "$cross-gcc is not installed"
else
	tree arm $cross-gcc || fail "arm: cannot build the objects"
	cd arm || exit 2
	$cross-ar cDPrST vmlinux.a init/main.o arch/arm/mm/dma-mapping.o mm/page.o \
		arch/arm/mm/cache-v7.o kernel/dma/direct.o kernel/dma/mapping.o
	cp vmlinux.a before.a
	expect_status 1 "arm: initcall order refused" \
		"$SYMFENCE" seal -r ../dma.rules --ld $cross-ld --archive vmlinux.a -o symfence-arm-dma.o -- -EL
	expect_output "arm: both functions named" "$T/out" \
		"would run initcall 'dma_direct_init' \\(kernel/dma/direct.o, .initcall6.init\\) before 'page_init' \\(mm/page.o\\)"
	cmp -s vmlinux.a before.a && [ ! -e symfence-arm-dma.o ] && ok "arm: nothing changed" ||
		fail "arm: something changed"
	rm -f vmlinux.a && $cross-ar cDPrST vmlinux.a init/main.o $(echo $MEMBERS | tr ' ' '\n' | grep -v '^init/main.o$')
	expect_status 0 "arm: initcall order kept, sealed" \
		"$SYMFENCE" seal -r ../dma.rules --ld $cross-ld --archive vmlinux.a -o symfence-arm-dma.o -- -EL
	[ "$(bindings symfence-arm-dma.o)" = "$WANT_BINDINGS" ] && ok "arm: nm bindings" ||
		fail "arm: nm says $(bindings symfence-arm-dma.o)"
	rm -f ref.a && ar cDPrST ref.a $SEALED
	cmp -s ref.a vmlinux.a && ok "arm: byte-identical to GNU ar's" || fail "arm: differs from GNU ar's"
fi
