#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence rules check / show through the command line: exit statuses, the
# exact diagnostics, and what show lists, compared with nm.
. "$(dirname "$0")/../lib.sh"

# expect_same NAME FILE-GOT FILE-WANT: the two files are identical.
expect_same() {
	if diff -u "$3" "$2" >"$T/diff"; then
		ok "$1"
	else
		fail "$1"
		sed 's/^/    | /' "$T/diff" | head -30
	fi
}

# --- help and usage ---
expect_status 0 "rules --help" "$SYMFENCE" rules --help
expect_output "rules --help shows both verbs" "$T/out" '^Usage: symfence rules check'
expect_status 0 "rules check --help" "$SYMFENCE" rules check --help
expect_output "rules check --help" "$T/out" '^Usage: symfence rules check \[--strict\] RULES'
expect_status 0 "rules show --help" "$SYMFENCE" rules show --help
expect_output "rules show --help" "$T/out" '^Usage: symfence rules show \[-l LIBRARY\] RULES \[PATH\.\.\.\]'
expect_status 2 "rules without a verb" "$SYMFENCE" rules
expect_output "rules without a verb: message" "$T/out" "^symfence: error: missing subcommand: check or show$"
expect_status 2 "rules with an unknown verb" "$SYMFENCE" rules frob
expect_output "unknown verb: message" "$T/out" "^symfence: error: unknown subcommand 'frob' \(check or show\)$"
expect_output "unknown verb: where to look" "$T/out" "^Try 'symfence rules --help'\.$"
expect_status 2 "rules check without a file" "$SYMFENCE" rules check
expect_output "no file: message" "$T/out" "^symfence: error: no rules file given$"
expect_output "no file: where to look" "$T/out" "^Try 'symfence rules check --help'\.$"
expect_status 2 "rules check with a bad option" "$SYMFENCE" rules check --frob x.rules

# --- check ---
cat >good.rules <<'EOF'
# A valid file
library iommu-dma
    objects  lib/iommu-dma/*.o
    public   dma_map_sg dma_unmap_sg \
             dma_sync_sg_for_*        # continued
    private  dmac_* outer_*
    hint     "use \"dma_map_sg()\""
include common.rules
EOF
cat >common.rules <<'EOF'
library common
    private  common_*
EOF
expect_status 0 "check a valid file" "$SYMFENCE" rules check good.rules
if [ -s "$T/out" ]; then fail "check a valid file prints nothing"; else ok "check a valid file prints nothing"; fi
expect_status 0 "check the same file twice and what it includes" \
	"$SYMFENCE" rules check good.rules common.rules good.rules
expect_status 0 "check the repository's rules" bash -c "'$SYMFENCE' rules check '$TOP'/rules/*.rules"

mkdir -p rules
cat >rules/iommu-dma.rules <<'EOF'
# rules/iommu-dma.rules
library iommu-dma
    objects  lib/iommu-dma/*.o
    privat   dmac_*
    private  foo[ab
    waive    a.o
    hint     "one"
    hint     "two"
library iommu-dma
    private  x
include missing.rules
    public   y
EOF
cat >want <<'EOF'
rules/iommu-dma.rules:4:5: error: unknown directive 'privat' (did you mean 'private'?)
rules/iommu-dma.rules:5:14: error: bad pattern 'foo[ab': unterminated '['
rules/iommu-dma.rules:6:5: error: 'waive' takes two words, OBJECT SYMBOL (got 1)
rules/iommu-dma.rules:8:5: error: library 'iommu-dma' already has a hint (at rules/iommu-dma.rules:7:5)
rules/iommu-dma.rules:9:9: error: duplicate library 'iommu-dma' (first defined at rules/iommu-dma.rules:2)
rules/iommu-dma.rules:11:9: error: cannot include 'rules/missing.rules': No such file or directory
rules/iommu-dma.rules:12:5: error: 'public' outside a library (start a block with 'library NAME')
EOF
"$SYMFENCE" rules check rules/iommu-dma.rules >stdout 2>stderr
status=$?
if [ "$status" = 2 ]; then ok "check a broken file: exit 2"; else fail "check a broken file: exit $status"; fi
expect_same "check a broken file: every error, in order" stderr want
if [ -s stdout ]; then fail "check: nothing on stdout"; else ok "check: nothing on stdout"; fi

cat >a.rules <<'EOF'
include b.rules
EOF
cat >b.rules <<'EOF'
include a.rules
EOF
expect_status 2 "include cycle" "$SYMFENCE" rules check a.rules
expect_output "include cycle: the chain" "$T/out" '^b\.rules:1:9: error: include cycle: a\.rules -> b\.rules -> a\.rules$'

cat >two.rules <<'EOF'
library one
    private dmac_*
library two
    private dmac_flush_range
EOF
expect_status 2 "a name private in two libraries" "$SYMFENCE" rules check two.rules
expect_output "private in two libraries: message" "$T/out" \
	"^two\.rules:4:13: error: 'dmac_flush_range' is private in library 'two' and, through 'dmac_\*', in library 'one' \(two\.rules:2:13\)$"

cat >warn.rules <<'EOF'
library nothing
    objects x.o
EOF
expect_status 0 "a warning alone passes" "$SYMFENCE" rules check warn.rules
expect_output "the warning" "$T/out" \
	"^warn\.rules:1:9: warning: library 'nothing' has no 'private' or 'public' patterns: it hides nothing$"
expect_status 2 "--strict fails on a warning" "$SYMFENCE" rules check --strict warn.rules
expect_status 2 "unreadable rules file" "$SYMFENCE" rules check nope.rules
expect_output "unreadable rules file: message" "$T/out" \
	"^nope\.rules: error: cannot read rules file: No such file or directory$"

# rules show with -r takes the other arguments as objects: a rules file among them
# is a usage error, not "not an ELF file".
expect_status 2 "rules show RULES -r RULES" "$SYMFENCE" rules show warn.rules -r two.rules
expect_output "rules show RULES -r RULES: a usage message" "$T/out" \
	"^symfence: error: 'warn\.rules' is a rules file, but with -r the other arguments are objects: give it with -r too$"
expect_output "rules show RULES -r RULES: the hint" "$T/out" "^Try 'symfence rules show --help'\.$"
check "rules show RULES -r RULES: not called an ELF file" sh -c "! grep -q 'not an ELF file' '$T/out'"

# A NUL byte would cut the word it is in ("private iommu_\0map" read as iommu_):
# an error at its place (the column from grep -b, the oracle).
printf 'library nul\n    objects x.o\n    private iommu_\0map\n' >nul.rules
col=$(( $(grep -boa 'iommu_' nul.rules | cut -d: -f1) - $(grep -boa '    private' nul.rules | cut -d: -f1) + 7 ))
expect_status 2 "a NUL byte in a rules file" "$SYMFENCE" rules check nul.rules
expect_output "a NUL byte: file:line:col" "$T/out" \
	"^nul\.rules:3:$col: error: NUL byte in the rules file \(rules files are text\)$"

yes bogus | head -30 >many.rules
expect_status 2 "many errors" "$SYMFENCE" rules check many.rules
if [ "$(grep -c "error: unknown directive 'bogus'" "$T/out")" = 20 ] &&
   grep -qx 'many.rules: error: too many errors, stopping' "$T/out"; then
	ok "many errors: 20, then it stops"
else
	fail "many errors: 20, then it stops"
	sed 's/^/    | /' "$T/out" | tail -5
fi

# --- show ---
expect_status 0 "show without objects" "$SYMFENCE" rules show good.rules
cat >want <<'EOF'
library iommu-dma  [good.rules:2]
  objects  lib/iommu-dma/*.o  [good.rules:3:14]
  public   dma_map_sg  [good.rules:4:14]
  public   dma_unmap_sg  [good.rules:4:25]
  public   dma_sync_sg_for_*  [good.rules:5:14]
  private  dmac_*  [good.rules:6:14]
  private  outer_*  [good.rules:6:21]
  hint     "use \"dma_map_sg()\""

library common  [common.rules:1]
  private  common_*  [common.rules:2:14]
EOF
expect_same "show without objects: the listing" "$T/out" want

mkdir -p lib/iommu-dma drivers
cat >lib/iommu-dma/map.c <<'EOF'
int dma_map_sg(void) { return 0; }
int dma_sync_sg_for_cpu(void) { return 1; }
int dmac_flush_range(void) { return 2; }
__attribute__((weak)) int dmac_inv_range(void) { return 3; }
int iommu_helper(void) { return 4; }
static int local_helper(void) { return 5; }
int dmac_cb(void) { return local_helper(); }
extern int outer_sync(void);
int uses_outer(void) { return outer_sync(); }
EOF
cat >drivers/cam.c <<'EOF'
int cam_probe(void) { return 0; }
int dmac_clean_range(void) { return 1; }
EOF
gcc -c -o lib/iommu-dma/map.o lib/iommu-dma/map.c &&
	gcc -c -o drivers/cam.o drivers/cam.c || { fail "cannot build the objects"; exit 0; }

"$SYMFENCE" rules show -l iommu-dma good.rules lib/iommu-dma/map.o drivers/cam.o >stdout 2>stderr
status=$?
if [ "$status" = 0 ]; then ok "show with objects: exit 0"; else fail "show with objects: exit $status"; fi
# What nm says the library's object defines, by pattern: the oracle.
defined() { nm --defined-only -g lib/iommu-dma/map.o | awk '{ print $3 }' | grep -E "$1" | sort; }
listed() { # the names listed under the pattern line matching $1
	awk -v pat="$1" '
		/^  [a-z]/ { inside = ($0 ~ pat); next }
		inside && /^      / { print $1 }' stdout | grep -v '^(' | sort
}
# expect_listed NAME PATTERN-LINE NM-REGEX: the names listed under the line are nm's.
expect_listed() {
	defined "$3" >want
	listed "$2" >got
	if [ -s want ]; then
		expect_same "$1" got want
	else
		fail "$1: nm lists nothing for /$3/"
	fi
}
expect_listed "show: dmac_* lists what nm lists" '^  private  dmac_\*' '^dmac_'
expect_listed "show: dma_sync_sg_for_* lists what nm lists" '^  public   dma_sync_sg_for_\*' \
	'^dma_sync_sg_for_'
expect_listed "show: the rest is private because not public" '^  private because not public' \
	'^(iommu_helper|uses_outer)$'
if grep -q 'dmac_clean_range\|cam_probe' stdout; then
	fail "show: an object outside the library is not listed"
else
	ok "show: an object outside the library is not listed"
fi
expect_output "show: objects pattern lists the member" stdout '^      lib/iommu-dma/map\.o$'
expect_output "show: the defining object" stdout '^      dmac_inv_range  \(lib/iommu-dma/map\.o\)$'
expect_output "show: a stale pattern" stdout '^  private  outer_\*  \[good\.rules:6:21\]$'
cat >want <<'EOF'
good.rules:4:25: warning: public pattern 'dma_unmap_sg' of library 'iommu-dma' matches no global symbol the given objects define
good.rules:6:21: warning: private pattern 'outer_*' of library 'iommu-dma' matches no global symbol the given objects define
EOF
expect_same "show: stale patterns are warned about" stderr want

"$SYMFENCE" rules show -r good.rules -r common.rules -l common drivers/cam.o >stdout 2>&1
expect_output "show -r and -l: only that library" stdout '^library common  \[common\.rules:1\]$'
if grep -q '^library iommu-dma' stdout; then fail "show -l: other libraries hidden"; else ok "show -l: other libraries hidden"; fi
expect_status 2 "show -l with an unknown library" "$SYMFENCE" rules show -l nope good.rules
expect_output "unknown library: message" "$T/out" "^symfence: error: no library 'nope' in these rules$"
expect_status 2 "show -l with a misspelled library" "$SYMFENCE" rules show -l iommu-dam good.rules
expect_output "show -l misspelled: did you mean" "$T/out" \
	"^symfence: error: no library 'iommu-dam' in these rules \(did you mean 'iommu-dma'\?\)$"
expect_output "show -l misspelled: the hint at --help" "$T/out" "^Try 'symfence rules show --help'\.$"
expect_status 2 "show with a broken rules file" "$SYMFENCE" rules show rules/iommu-dma.rules
expect_status 2 "show without a rules file" "$SYMFENCE" rules show
echo "not an object" >bad.o
expect_status 2 "show with an unreadable object" "$SYMFENCE" rules show good.rules bad.o
expect_output "show with an unreadable object: names it" "$T/out" '^bad\.o: '
echo "not an object either" >bad2.o
expect_status 2 "show with two unreadable objects" "$SYMFENCE" rules show good.rules bad.o drivers/cam.o bad2.o
if grep -q '^bad\.o: error: ' "$T/out" && grep -q '^bad2\.o: error: ' "$T/out"; then
	ok "show with two unreadable objects: each is named"
else
	fail "show with two unreadable objects: each is named"
	sed 's/^/    | /' "$T/out"
fi
rm -f bad.o bad2.o

# What the audit reads, rules show reads: compressed modules, archives' members
# (shown as archive(member)), directories. The listing is that of the plain objects.
"$SYMFENCE" rules show -l iommu-dma good.rules lib/iommu-dma/map.o drivers/cam.o >plain.out 2>&1
# shown VARIANT SED ARGS...: exit 0, and the listing of the plain objects once SED is applied.
shown() {
	local name=$1 edit=$2
	shift 2
	expect_status 0 "show $name" "$SYMFENCE" rules show -l iommu-dma good.rules "$@"
	sed -e "$edit" "$T/out" >shown.out
	expect_same "show $name: the listing of the plain objects" shown.out plain.out
}
ar rc lib/iommu-dma/lib.a lib/iommu-dma/map.o
shown "an archive's member" 's|lib/iommu-dma/lib\.a(map\.o)|lib/iommu-dma/map.o|g' \
	lib/iommu-dma/lib.a drivers/cam.o
expect_output "show an archive's member: named archive(member)" "$T/out" \
	'^      dmac_flush_range  \(lib/iommu-dma/lib\.a\(map\.o\)\)$'
(cd lib/iommu-dma && ar rcT thin.a map.o)
shown "a thin archive's member" 's|lib/iommu-dma/thin\.a(map\.o)|lib/iommu-dma/map.o|g' \
	lib/iommu-dma/thin.a drivers/cam.o
rm -f lib/iommu-dma/lib.a lib/iommu-dma/thin.a
here=$(pwd -P)
shown "an absolute path below the current directory" "s|$here/lib/|lib/|g" \
	"$here/lib/iommu-dma/map.o" drivers/cam.o
shown "a path with ./ and .." 's|\./lib/\.\./lib/iommu-dma/map\.o|lib/iommu-dma/map.o|g' \
	./lib/../lib/iommu-dma/map.o drivers/cam.o
printf 'library iommu-dma\n\tobjects  lib/iommu-dma/map.*\n\tpublic   dma_map_sg\n\tprivate  dmac_*\n' >mod.rules
"$SYMFENCE" rules show mod.rules lib/iommu-dma/map.o >plain-mod.out 2>&1
for z in xz:xz zstd:zst gzip:gz; do
	tool=${z%:*} sfx=${z#*:}
	if ! command -v "$tool" >/dev/null; then
		skip "show a .ko.$sfx: no $tool"
		continue
	fi
	"$tool" -c lib/iommu-dma/map.o >lib/iommu-dma/map.ko.$sfx 2>/dev/null
	expect_status 0 "show a .ko.$sfx" "$SYMFENCE" rules show mod.rules lib/iommu-dma/map.ko.$sfx
	sed "s|lib/iommu-dma/map\.ko\.$sfx|lib/iommu-dma/map.o|g" "$T/out" >shown.out
	expect_same "show a .ko.$sfx: decompressed, the listing of the plain object" shown.out plain-mod.out
	expect_output "show a .ko.$sfx: named as given" "$T/out" \
		"^      dmac_flush_range  \(lib/iommu-dma/map\.ko\.$sfx\)$"
	rm -f lib/iommu-dma/map.ko.$sfx
done
printf 'not xz at all' | xz -c >broken.ko.xz 2>/dev/null && truncate -s 20 broken.ko.xz &&
	expect_status 2 "show a truncated .ko.xz" "$SYMFENCE" rules show mod.rules broken.ko.xz &&
	expect_output "show a truncated .ko.xz: the decompressor's error" "$T/out" \
		'^broken\.ko\.xz: error: cannot decompress \(xz\): '
mkdir -p tree && cp -r lib drivers tree/ && mkdir -p tree/drivers/.hidden tree/empty &&
	cp drivers/cam.o tree/drivers/.hidden/ && cd tree || exit 2
"$SYMFENCE" rules show -l iommu-dma ../good.rules lib/iommu-dma/map.o drivers/cam.o >../plain-tree.out 2>&1
expect_status 0 "show directories" "$SYMFENCE" rules show -l iommu-dma ../good.rules lib drivers
expect_same "show directories: the objects in them, as audit finds them" "$T/out" ../plain-tree.out
expect_status 0 "show an empty directory" "$SYMFENCE" rules show ../good.rules empty
expect_output "show an empty directory: warned about, as audit does" "$T/out" \
	'^empty: warning: no objects, modules or archives in this directory$'
cd .. || exit 2

# Devices are refused at once (include /dev/zero would read forever); a pipe is fine.
printf 'include /dev/zero\n' >dev.rules
expect_status 2 "include of a device" timeout 10 "$SYMFENCE" rules check dev.rules
expect_output "include of a device: refused at its line" "$T/out" \
	"^dev.rules:1:9: error: cannot include '/dev/zero': not a file or a pipe$"
expect_status 0 "rules from a pipe" "$SYMFENCE" rules check <(printf 'library p\n    private x\n')
