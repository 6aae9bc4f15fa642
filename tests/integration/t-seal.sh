#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence seal: ld -r with the real linkers, then the checked localize.
# Oracles: readelf, nm, and links with ld.bfd and ld.lld.
. "$(dirname "$0")/../lib.sh"

mkdir -p lib drivers
cat > lib/core.c <<'EOF'
int lib_state;
int lib_helper_add(int a, int b) { return a + b + lib_state; }
int lib_helper_mul(int a, int b) { return a * b; }
int lib_api(int x) { return lib_helper_add(x, 1) * lib_helper_mul(x, 2); }
EOF
cat > lib/extra.c <<'EOF'
int lib_helper_add(int, int);
int lib_api2(int x) { return lib_helper_add(x, x); }
EOF
cat > drivers/good.c <<'EOF'
int lib_api(int), lib_api2(int);
int main(void) { return lib_api(3) == 24 && lib_api2(5) == 10 ? 0 : 1; }
EOF
cat > drivers/cheat.c <<'EOF'
int lib_helper_mul(int, int);
int main(void) { return lib_helper_mul(2, 3) == 6 ? 0 : 1; }
EOF
cat > lib.rules <<'EOF'
library testlib
    objects  lib/*.o
    private  lib_helper_* lib_state
EOF
for f in lib/core lib/extra drivers/good drivers/cheat; do gcc -O1 -fno-common -c -o $f.o $f.c; done

# The symbol names of an object's relocations, by section and offset.
reloc_names() { relocs_of "$1" | awk '{ print $1, $2, $4 }'; }

for linker in ld ld.lld; do
	rm -f sealed.o
	expect_status 0 "seal with $linker exits 0" $SYMFENCE seal -r lib.rules --ld $linker -o sealed.o
	expect_output "seal with $linker prints the summary" out \
		'^symfence: sealed testlib: 3 private symbols localized, 2 public$'
	got=$(symtab_of sealed.o | awk '$1 ~ /^lib_/ { print $1, $2 }' | tr '\n' ' ')
	if [ "$got" = "lib_api GLOBAL lib_api2 GLOBAL lib_helper_add LOCAL lib_helper_mul LOCAL lib_state LOCAL " ]; then
		ok "$linker: private symbols LOCAL, public GLOBAL (readelf)"
	else
		fail "$linker: bindings are: $got"
	fi
	$linker -r -o plain.o lib/core.o lib/extra.o
	if diff <(reloc_names plain.o) <(reloc_names sealed.o) >/dev/null; then
		ok "$linker: every relocation names the same symbol as plain ld -r"
	else
		fail "$linker: relocations differ from plain ld -r"
	fi
	# sh_info of .symtab is the first global: count the locals readelf shows.
	nloc=$(readelf -sW sealed.o | awk '$1 ~ /^[0-9]+:$/ && $5 == "LOCAL"' | wc -l)
	info=$(readelf -SW sealed.o | awk '/ \.symtab / { print $(NF-1) }')
	[ "$nloc" = "$info" ] && ok "$linker: .symtab sh_info is the first global ($info)" ||
		fail "$linker: sh_info $info, $nloc locals"
	for ld2 in bfd lld; do
		if gcc -fuse-ld=$ld2 -o good sealed.o drivers/good.o 2>"$T/link.err" && ./good; then
			ok "$linker seal: the good driver links with ld.$ld2 and runs"
		else
			fail "$linker seal: the good driver does not link/run with ld.$ld2: $(head -3 "$T/link.err")"
		fi
		if gcc -fuse-ld=$ld2 -o cheat sealed.o drivers/cheat.o 2>"$T/link.err"; then
			fail "$linker seal: the cheating driver links with ld.$ld2"
		elif grep -q "lib_helper_mul" "$T/link.err"; then
			ok "$linker seal: ld.$ld2 rejects the cheater with an undefined reference"
		else
			fail "$linker seal: ld.$ld2 failed for another reason: $(head -3 "$T/link.err")"
		fi
	done
done

# LD and CROSS_COMPILE choose the linker; objects on the command line override the rules.
rm -f sealed.o
LD=ld.lld expect_status 0 "LD=ld.lld is honoured" $SYMFENCE seal -v -r lib.rules -o sealed.o lib/core.o
expect_output "seal -v shows the ld.lld command" out '^symfence: running ld.lld -r -o '
expect_output "objects from the command line: only core.o linked" out \
	'sealed testlib: 3 private symbols localized, 1 public$'

for cross in arm-linux-gnueabihf aarch64-linux-gnu s390x-linux-gnu; do
	if ! command -v $cross-gcc >/dev/null; then
		skip "$cross-gcc is not installed"
		continue
	fi
	mkdir -p x-$cross/lib
	$cross-gcc -O1 -fno-common -c -o x-$cross/lib/core.o lib/core.c
	$cross-gcc -O1 -fno-common -c -o x-$cross/lib/extra.o lib/extra.c
	$cross-gcc -O1 -fno-common -c -o x-$cross/cheat.o drivers/cheat.c
	rm -f x-$cross/sealed.o
	CROSS_COMPILE=$cross- LD= expect_status 0 "$cross: CROSS_COMPILE seal" \
		$SYMFENCE seal -r lib.rules --root x-$cross -o x-$cross/sealed.o
	machine=$(readelf -h x-$cross/sealed.o | awk -F: '/Machine/ { gsub(/^ +/, "", $2); print $2 }')
	case "$cross:$machine" in
	arm*:ARM | aarch64*:AArch64 | s390x*:"IBM S/390") ok "$cross: sealed object is $machine" ;;
	*) fail "$cross: sealed object machine is '$machine'" ;;
	esac
	[ "$(symtab_of x-$cross/sealed.o | awk '$1 == "lib_helper_mul" { print $2 }')" = LOCAL ] &&
		ok "$cross: lib_helper_mul is LOCAL" || fail "$cross: lib_helper_mul is not LOCAL"
	if $cross-ld -o x-$cross/cheat -e main x-$cross/sealed.o x-$cross/cheat.o 2>"$T/link.err"; then
		fail "$cross: the cheater links"
	else
		grep -q "undefined reference to .lib_helper_mul" "$T/link.err" &&
			ok "$cross: $cross-ld rejects the cheater" ||
			fail "$cross: $cross-ld failed otherwise: $(head -2 "$T/link.err")"
	fi
done

# Refusals: exit 1, the message, nothing written (a stale output stays as it was).
echo "previous" > keep.o
refuse() {	# refuse NAME RULES MESSAGE-REGEX OBJECTS...
	local name=$1 rules=$2 re=$3
	shift 3
	expect_status 1 "$name: exit 1" $SYMFENCE seal -r "$rules" -o keep.o "$@"
	expect_output "$name: message" out "$re"
	[ "$(cat keep.o)" = previous ] && ok "$name: output untouched" || fail "$name: output changed"
	ls -a | grep -q 'symfence' && fail "$name: temporary file left: $(ls -a | grep symfence)" ||
		ok "$name: no temporary file left"
}
printf 'int lib_common_var;\nint lib_api(void) { return lib_common_var; }\n' > common.c
gcc -fcommon -c common.c
printf 'library c\n    objects common.o\n    private lib_common_*\n' > common.rules
refuse common common.rules \
	"error: cannot localize 'lib_common_var': it is SHN_COMMON \\(build with -fno-common or link with ld -d\\)$" common.o

cat > comdat.cc <<'EOF'
inline int lib_inline_helper(int x) { return x * 7; }
int lib_api(int x) { return lib_inline_helper(x); }
EOF
g++ -O0 -c comdat.cc
printf 'library c\n    objects comdat.o\n    private _Z17lib_inline_helperi\n' > comdat.rules
refuse comdat comdat.rules \
	"cannot localize '_Z17lib_inline_helperi': it is (the signature of COMDAT group|defined in section .* of a COMDAT group)" comdat.o

cat > exported.c <<'EOF'
int lib_exported(int x) { return x + 1; }
/* What EXPORT_SYMBOL(lib_exported) leaves in an object before modpost. */
static void *const __ksymtab_lib_exported __attribute__((used, section("___ksymtab+lib_exported"))) = (void *)&lib_exported;
EOF
gcc -O1 -c exported.c
printf 'library c\n    objects exported.o\n    private lib_exported\n' > exported.rules
refuse exported exported.rules "cannot localize 'lib_exported': it is exported \\(EXPORT_SYMBOL\\)" exported.o

printf 'int lib_elsewhere(int);\nint lib_api(int x) { return lib_elsewhere(x); }\n' > undef.c
gcc -O1 -c undef.c
printf 'library c\n    objects undef.o\n    private lib_elsewhere\n' > undef.rules
refuse undefined-only undef.rules "cannot localize 'lib_elsewhere': it is undefined here" undef.o

# A stale pattern is a rules error (exit 2) at the pattern's position.
printf 'library testlib\n    objects lib/*.o\n    private lib_helper_* lib_gone_*\n' > stale.rules
expect_status 2 "stale pattern: exit 2" $SYMFENCE seal -r stale.rules -o keep.o
expect_output "stale pattern: file:line:col message" out \
	"^stale.rules:3:26: error: private pattern 'lib_gone_\\*' of library 'testlib' matches no symbol in the linked library$"
[ "$(cat keep.o)" = previous ] && ok "stale pattern: output untouched" || fail "stale pattern: output changed"
# -l with a misspelled library: did you mean.
expect_status 2 "seal -l misspelled" $SYMFENCE seal -r lib.rules -l testlb -o keep.o
expect_output "seal -l misspelled: did you mean" out \
	"^symfence: error: no library 'testlb' in the rules \\(did you mean 'testlib'\\?\\)$"
# A stale pattern and a symbol that cannot be localized: both are reported.
printf 'library c\n    objects common.o\n    private lib_common_* lib_gone_*\n' > both.rules
expect_status 2 "stale pattern and a refusal: exit 2" $SYMFENCE seal -r both.rules -o keep.o common.o
expect_output "stale pattern and a refusal: the refusal" out "cannot localize 'lib_common_var': it is SHN_COMMON"
expect_output "stale pattern and a refusal: the stale pattern" out \
	"^both.rules:3:26: error: private pattern 'lib_gone_\\*' of library 'c' matches no symbol in the linked library$"

# public: everything the library defines that is not public becomes private.
printf 'library testlib\n    objects lib/*.o\n    public lib_api lib_api2\n' > public.rules
rm -f pub.o
expect_status 0 "public-only rules seal" $SYMFENCE seal -r public.rules -o pub.o
[ "$(nm pub.o | awk '$2 ~ /[A-Z]/ && $2 != "U" { print $3 }' | sort | tr '\n' ' ')" = "lib_api lib_api2 " ] &&
	ok "public-only rules: only the public API stays global (nm)" ||
	fail "public-only rules: globals are $(nm pub.o | awk '$2 ~ /[A-Z]/ { print $3 }' | tr '\n' ' ')"

# The linker's own errors are shown as they are; exit 2; nothing written.
expect_status 2 "linker failure: exit 2" $SYMFENCE seal -r lib.rules -o keep.o -- --no-such-linker-flag
expect_output "linker failure: ld's own message is shown" out 'no-such-linker-flag'
expect_output "linker failure: symfence says the linker failed" out \
	"^symfence: error: the linker 'ld' failed \\(exit status 1\\); its messages are above$"
[ "$(cat keep.o)" = previous ] && ok "linker failure: output untouched" || fail "linker failure: output changed"

# A linker that exits 0 and writes nothing: said so, not "empty file" about a temporary.
expect_status 2 "a linker that writes nothing (--ld true)" $SYMFENCE seal -r lib.rules --ld true -o keep.o
expect_output "a linker that writes nothing: message" out \
	"^symfence: error: the linker 'true' exited 0 but produced no output$"
check "a linker that writes nothing: no temporary named" sh -c "! grep -q 'symfence-ld' out"
[ "$(cat keep.o)" = previous ] && ok "a linker that writes nothing: output untouched" ||
	fail "a linker that writes nothing: output changed"

# LD-ARGS reach the linker: -m elf_x86_64 is accepted, a wrong emulation is not.
rm -f em.o
expect_status 0 "LD-ARGS -m elf_x86_64 pass through" $SYMFENCE seal -r lib.rules -o em.o -- -m elf_x86_64
expect_status 2 "LD-ARGS -m elf_i386 reaches ld (wrong emulation fails)" $SYMFENCE seal -r lib.rules -o keep.o -- -m elf_i386

# Many objects, odd names: the response file quotes them.
mkdir -p "many dir"
for i in $(seq 1 300); do
	printf '\t.text\n\t.globl lib_helper_%d\nlib_helper_%d:\n\tret\n' $i $i
done > all.s
awk 'BEGIN { n = 0 } /^\t.text/ { n++ } { print > ("many dir/o" n " it'"'"'s.s") }' all.s
for s in "many dir"/*.s; do as -o "${s%.s}.o" "$s"; done
printf 'library many\n    private lib_helper_*\n' > many.rules
rm -f many.o
expect_status 0 "300 objects with blanks and quotes in their names" \
	$SYMFENCE seal -r many.rules -l many -o many.o "many dir"/*.o
expect_output "300 objects: all localized" out 'sealed many: 300 private symbols localized, 0 public$'
[ "$(nm many.o | grep -c ' t lib_helper_')" = 300 ] && ok "300 objects: nm shows 300 local helpers" ||
	fail "300 objects: nm shows $(nm many.o | grep -c ' t lib_helper_') local helpers"

# @FILE: the objects listed in a file (blank-separated, like kbuild's .mod files).
printf 'lib/core.o\nlib/extra.o\n' > lib.mod
rm -f at.o
expect_status 0 "objects from @FILE" $SYMFENCE seal -r lib.rules -o at.o @lib.mod
expect_output "objects from @FILE: both linked" out 'sealed testlib: 3 private symbols localized, 2 public$'
expect_status 2 "a missing @FILE" $SYMFENCE seal -r lib.rules -o keep.o @no-such.mod
expect_output "a missing @FILE: its message" out '^no-such.mod: error: cannot read the object list: No such file or directory$'

# Module entry points stay global under public-only rules: <module>.mod.o calls them.
cat > mod.c <<'EOF2'
static int mod_setup(void) { return 0; }
static void mod_teardown(void) { }
int init_module(void) __attribute__((alias("mod_setup")));
void cleanup_module(void) __attribute__((alias("mod_teardown")));
int lib_helper_x(void) { return 3; }
int lib_api(void) { return lib_helper_x(); }
EOF2
gcc -O1 -c mod.c
printf 'library mod\n    objects mod.o\n    public lib_api\n' > mod.rules
rm -f mod-sealed.o
expect_status 0 "public-only rules on a module" $SYMFENCE seal -r mod.rules -o mod-sealed.o
[ "$(nm mod-sealed.o | awk '$2 == "T" { print $3 }' | sort | tr '\n' ' ')" = "cleanup_module init_module lib_api " ] &&
	ok "init_module and cleanup_module stay global (nm)" ||
	fail "globals after sealing a module: $(nm mod-sealed.o | tr '\n' ' ')"
nm mod-sealed.o | grep -q ' t lib_helper_x$' && ok "the module's helper is local" || fail "lib_helper_x is not local"
expect_status 1 "localize -s init_module is refused" $SYMFENCE localize -s init_module mod.o -o x.o
expect_output "localize -s init_module: the message" out \
	"^mod.o: error: cannot localize 'init_module': it is a module entry point \\(module_init/module_exit\\), which the module's .mod.o calls$"
[ ! -e x.o ] && ok "localize -s init_module: nothing written" || fail "localize -s init_module wrote x.o"

# The output may not be an input (same inode: the name, a hard link, a symlink):
# refused before anything is read or written, the file untouched.
guard() {	# guard NAME MESSAGE-REGEX FILE-THAT-MUST-NOT-CHANGE SEAL-ARGS...
	local name=$1 re=$2 keep=$3
	shift 3
	cp "$keep" guard.orig
	expect_status 2 "$name: exit 2" $SYMFENCE seal "$@"
	expect_output "$name: message" out "$re"
	cmp -s "$keep" guard.orig && ok "$name: the input is untouched" || fail "$name: the input changed"
	ls -a | grep -q 'symfence' && fail "$name: temporary file left" || ok "$name: no temporary file left"
}
guard "-o naming an object the pattern links" \
	"^lib/core.o: error: the output is the same file as the object 'lib/core.o'; nothing written$" \
	lib/core.o -r lib.rules -o lib/core.o
guard "-o naming an object on the command line" \
	"^lib/extra.o: error: the output is the same file as the object 'lib/extra.o'; nothing written$" \
	lib/extra.o -r lib.rules -o lib/extra.o lib/core.o lib/extra.o
ln -f lib/core.o core-hard.o
guard "-o naming a hard link of an object" \
	"^core-hard.o: error: the output is the same file as the object 'lib/core.o'; nothing written$" \
	lib/core.o -r lib.rules -o core-hard.o
ln -sf lib/core.o core-sym.o
guard "-o naming a symlink to an object" "the output is the same file as the object 'lib/core.o'" \
	lib/core.o -r lib.rules -o core-sym.o
rm -f core-hard.o core-sym.o
guard "-o naming the rules file" \
	"^lib.rules: error: the output is the same file as the rules file 'lib.rules'; nothing written$" \
	lib.rules -r lib.rules -o lib.rules
printf 'include lib.rules\n' > top.rules
guard "-o naming an included rules file" \
	"^lib.rules: error: the output is the same file as the rules file 'lib.rules'; nothing written$" \
	lib.rules -r top.rules -o lib.rules
guard "-o naming the @FILE list" \
	"^lib.mod: error: the output is the same file as the object list 'lib.mod'; nothing written$" \
	lib.mod -r lib.rules -o lib.mod @lib.mod

# The mode: what ld -r gives (0666 less the umask), for ld.bfd and ld.lld, whatever the
# mode of the objects or of an old output.
chmod 0700 lib/core.o
for u in 022 077 002; do
	for linker in ld ld.lld; do
		rm -f sealed.o plain.o
		(umask $u && $SYMFENCE seal -q -r lib.rules --ld $linker -o sealed.o &&
			$linker -r -o plain.o lib/core.o lib/extra.o)
		want=$(stat -c %a plain.o 2>/dev/null)
		got=$(stat -c %a sealed.o 2>/dev/null)
		[ -n "$want" ] && [ "$got" = "$want" ] &&
			ok "umask $u: seal with $linker gives $linker -r's mode ($want)" ||
			fail "umask $u: seal with $linker gives mode '$got', $linker -r '$want'"
		chmod 0600 sealed.o
		(umask $u && $SYMFENCE seal -q -r lib.rules --ld $linker -o sealed.o &&
			$linker -r -o plain.o lib/core.o lib/extra.o)
		[ "$(stat -c %a sealed.o)" = "$(stat -c %a plain.o)" ] &&
			ok "umask $u: over an old 0600 output, seal with $linker still matches $linker -r" ||
			fail "umask $u: over an old output, seal gives $(stat -c %a sealed.o), $linker -r $(stat -c %a plain.o)"
	done
done
chmod 0644 lib/core.o
