#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence audit on objects built here from tests/audit/*.c. Function+offset
# and counts are checked against readelf (tests/audit/oracle.py), source
# lines against addr2line, JSON and SARIF with Python's json module;
# compressed modules and archives (made with xz, zstd, gzip and ar) must give
# the findings of the plain objects.
. "$(dirname "$0")/../lib.sh"

SRC=$TOP/tests/audit
ORACLE="python3 $SRC/oracle.py"
CC=${CC:-gcc}
audit() { "$SYMFENCE" audit "$@"; }

mkdir -p lib drivers rules
$CC -g -O1 -c "$SRC/lib.c" -o lib/dma.o || exit 2
for f in cam weak own clean; do
	$CC -g -O1 -c "$SRC/$f.c" -o drivers/$f.o || exit 2
done
cat > rules/dma.rules <<'EOF'
library dma
	objects  lib/*.o
	public   dma_map_sg
	private  dmac_*
	hint     "use dma_map_sg(), which does the cache maintenance"
EOF

# ---- text report ----
expect_status 1 "violations exit 1" audit -r rules/dma.rules lib drivers
cp "$T/out" text.out
expect_output "reference: function+offset, count, rule position" text.out \
	"^drivers/cam\.o: cam_probe\+0x[0-9a-f]+: error: reference to private symbol 'dmac_flush_range' of library 'dma' \(2 references\) \[rules/dma\.rules:4: 'dmac_\*'\]$"
expect_output "the library's hint follows the object's findings" text.out \
	"^drivers/cam\.o: note: hint: use dma_map_sg\(\), which does the cache maintenance$"
if [ "$(grep -c '^drivers/cam\.o: note: hint: ' text.out)" = 1 ] &&
	[ "$(grep -c '^drivers/cam\.o: .*: error: ' text.out)" -ge 3 ] &&
	[ "$(grep -n '^drivers/cam\.o: ' text.out | tail -1 | grep -c 'note: hint')" = 1 ]; then
	ok "the hint once per object, after its last finding"
else
	fail "the hint once per object, after its last finding"
	sed 's/^/    | /' text.out
fi
expect_output "source line from DWARF" text.out \
	"^/.*tests/audit/cam\.c:[0-9]+: note: 'dmac_flush_range' is referenced here$"
expect_output "reference from data: section+offset" text.out \
	"^drivers/cam\.o: \.data\.rel\.ro(\.local)?\+0x0: error: reference to private symbol 'dmac_inv_range'|^drivers/cam\.o: \.rodata\+0x0: error: reference to private symbol 'dmac_inv_range'"
expect_output "not in the public list: private (library objects among the inputs)" text.out \
	"^drivers/cam\.o: cam_probe\+0x[0-9a-f]+: error: reference to private symbol 'lib_helper' of library 'dma' \[rules/dma\.rules:3: not public\]$"
expect_output "weak reference is a warning" text.out \
	"^drivers/weak\.o: weak_flush\+0x[0-9a-f]+: warning: weak reference to private symbol 'dmac_flush_range' of library 'dma' \(it becomes NULL once the library is sealed\)"
expect_output "definition outside the library is a warning" text.out \
	"^drivers/own\.o: warning: definition of private symbol 'dmac_inv_range' of library 'dma' outside the library \(references would bind to it once the library is sealed\) \[rules/dma\.rules:4: 'dmac_\*'\]$"
expect_output "summary line ends the run" <(tail -1 text.out) \
	"^symfence: audited 5 objects: 4 errors, 2 warnings, 0 notes$"
if grep -q '^lib/dma\.o' text.out || grep -q '^drivers/clean\.o' text.out; then
	fail "the library's own objects and clean objects are not reported"
else
	ok "the library's own objects and clean objects are not reported"
fi

# ---- --group-by: who uses each private symbol, and how often ----
audit -r rules/dma.rules --group-by symbol lib drivers > by-symbol.out 2>&1
# The oracle: relocations from readelf (oracle.py refs), definitions from nm.
for s in dmac_flush_range dmac_inv_range lib_helper; do
	refs=0 objs=0 defs=0
	for o in drivers/*.o; do
		n=$($ORACLE refs $o $s | awk '{ n += $3 } END { print n + 0 }')
		d=$(nm --defined-only $o | awk -v s=$s '$2 ~ /^[A-Z]$/ && $3 == s' | wc -l)
		refs=$((refs + n)) defs=$((defs + d))
		[ $((n + d)) -gt 0 ] && objs=$((objs + 1))
	done
	what="$refs reference$([ $refs = 1 ] || echo s)"
	[ $defs = 0 ] || what="$what, $defs definition$([ $defs = 1 ] || echo s)"
	expect_output "--group-by symbol: $s: $what in $objs objects (readelf, nm)" by-symbol.out \
		"^rules/dma\.rules:[0-9]+:[0-9]+: note: '$s' of library 'dma': $what in $objs objects? \([0-9]+ errors?, [0-9]+ warnings?, 0 notes\)$"
done
if python3 - by-symbol.out <<'EOP'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
heads = [i for i, l in enumerate(lines) if re.match(r"^rules/dma\.rules:\d+:\d+: note: '", l)]
syms = [re.search(r"note: '([^']+)'", lines[i]).group(1) for i in heads]
assert syms == sorted(syms) and len(syms) == 3, syms
for k, i in enumerate(heads):   # each group: its findings, all of that symbol, then the hint
    end = heads[k + 1] if k + 1 < len(heads) else len(lines) - 1
    group = lines[i + 1:end]
    finds = [l for l in group if re.search(r': (error|warning|note): (weak )?(reference|definition)', l)]
    assert finds and all("symbol '%s'" % syms[k] in l for l in finds), group
    assert group[-1].startswith('rules/dma.rules:1: note: hint: '), group
assert lines[-1].startswith('symfence: audited 5 objects')
EOP
then ok "--group-by symbol: groups in symbol order, each with its findings and one hint"
else fail "--group-by symbol: group layout"; sed 's/^/    | /' by-symbol.out
fi
audit -r rules/dma.rules --group-by library lib drivers > by-lib.out 2>&1
expect_output "--group-by library: one header with the summary's counts" by-lib.out \
	"^rules/dma\.rules:1: note: library 'dma': [0-9]+ references, 1 definition in 3 objects \(4 errors, 2 warnings, 0 notes\)$"
[ "$(grep -c ': note: hint: ' by-lib.out)" = 1 ] && ok "--group-by library: the hint once" ||
	fail "--group-by library: the hint once"
audit -r rules/dma.rules --group-by object lib drivers > by-obj.out 2>&1
expect_output "--group-by object: a header per object" by-obj.out \
	"^drivers/cam\.o: note: 5 references \(4 errors, 0 warnings, 0 notes\)$"
if diff <(grep -v '^drivers/[a-z]*\.o: note: [0-9]* \(references\|definition\)' by-obj.out) text.out >/dev/null; then
	ok "--group-by object: the default report plus the headers"
else
	fail "--group-by object: the default report plus the headers"
fi
expect_status 2 "--group-by: an unknown key" audit -r rules/dma.rules --group-by function drivers
expect_output "--group-by: an unknown key is named" "$T/out" \
	"^symfence: error: unknown --group-by 'function' \(symbol, library or object\)$"
expect_status 2 "--group-by with --format json" audit -r rules/dma.rules --group-by symbol --format json drivers
expect_output "--group-by with --format json: refused" "$T/out" \
	"^symfence: error: --group-by is for the text report, not --format json$"

# ---- function+offset and counts against readelf ----
audit -r rules/dma.rules --format json lib drivers > all.json 2>/dev/null
for o in cam weak; do
	$ORACLE refs drivers/$o.o dmac_flush_range dmac_inv_range lib_helper > want.$o
	$ORACLE json all.json drivers/$o.o > got.$o
	if [ -s want.$o ] && cmp -s want.$o got.$o; then
		ok "drivers/$o.o: function+offset and counts equal readelf's"
	else
		fail "drivers/$o.o: function+offset and counts differ from readelf's"
		diff want.$o got.$o | sed 's/^/    | /'
	fi
done

# ---- DWARF source lines against addr2line ----
bad=$(python3 - all.json "$SRC/oracle.py" <<'EOF'
import json, os, subprocess, sys
doc = json.load(open(sys.argv[1]))
n = bad = 0
for f in doc['findings']:
    if not f['source'] or f['kind'] == 'definition':
        continue
    n += 1
    base = 0
    if f['function']:
        base = int(subprocess.check_output(['python3', sys.argv[2], 'addr', f['path'],
                                            f['function']], text=True).split()[0], 16)
    out = subprocess.check_output(['addr2line', '-e', f['path'], '-j', f['section'],
                                   hex(base + f['offset'])], text=True).split()[0]
    file, line = out.rsplit(':', 1)
    if os.path.realpath(file) != os.path.realpath(f['source']['file']) or \
            int(line) != f['source']['line']:
        bad += 1
        print('%s %s: addr2line says %s, symfence %s:%d' % (f['object'], f['where'], out,
              f['source']['file'], f['source']['line']), file=sys.stderr)
print(bad if n >= 4 else 'too few source lines: %d' % n)
EOF
)
[ "$bad" = 0 ] && ok "source lines equal addr2line's" || fail "source lines: $bad"

# ---- the same output whatever -j ----
audit -r rules/dma.rules -j1 --format json lib drivers > j1.json 2>/dev/null
audit -r rules/dma.rules -j2 --format json lib drivers > j2.json 2>/dev/null
audit -r rules/dma.rules -j2 lib drivers > j2.out 2>&1
if cmp -s j1.json j2.json && cmp -s text.out j2.out; then
	ok "-j1 and -j2 give the same output"
else
	fail "-j1 and -j2 differ"
fi

# ---- the library's objects not among the inputs: read where its objects patterns say ----
# The public list makes lib_helper private: a driver calling it must fail the
# audit whether or not lib/ is among the inputs.
expect_status 1 "without the library among the inputs: violations exit 1" audit -r rules/dma.rules drivers
if diff <(grep -v '^symfence: audited' text.out) <(grep -v '^symfence: audited' "$T/out") >/dev/null; then
	ok "without the library among the inputs: the same findings, lib_helper too (objects read from lib/)"
else
	fail "without the library among the inputs: the same findings"
	diff text.out "$T/out" | sed 's/^/    | /'
fi
mkdir -p elsewhere
(cd elsewhere && "$SYMFENCE" audit -r ../rules/dma.rules ../drivers) > "$T/out" 2>&1
[ $? = 2 ] && ok "library objects nowhere: exit 2, not a pass" || fail "library objects nowhere: exit 2"
expect_output "library objects nowhere: the pattern that matches nothing" "$T/out" \
	"^\.\./rules/dma\.rules:2:[0-9]+: error: objects pattern 'lib/\*\.o' of library 'dma' matches no file under the current directory$"
expect_output "library objects nowhere: names the library and what to pass" "$T/out" \
	"^\.\./rules/dma\.rules:1: error: library 'dma' has public patterns, but its objects are not among the inputs and not all found and read under the current directory: pass them \(or vmlinux\.a\) too, or run from the build root or give --root DIR$"
expect_output "library objects nowhere: the summary says so" <(tail -1 "$T/out") \
	"; 1 library not checked \(definitions missing\)$"
(cd elsewhere && "$SYMFENCE" audit -r ../rules/dma.rules --root .. ../drivers) > "$T/out" 2>&1
[ $? = 1 ] && grep -q "'lib_helper' of library 'dma' \[\.\./rules/dma\.rules:3: not public\]" "$T/out" &&
	ok "--root: the library's objects found below it" || fail "--root: the library's objects found below it"
mkdir -p badlib/lib
cp drivers/cam.o badlib/cam.o
echo "not an object" > badlib/lib/dma.o
expect_status 2 "a library object on disk that cannot be read: exit 2" \
	audit -r rules/dma.rules --root badlib badlib/cam.o
expect_output "a library object on disk that cannot be read: named" "$T/out" "^badlib/lib/dma\.o: error: not an ELF file$"
check "JSON: the missing definitions in the summary and the diagnostics" python3 - <<'EOP'
import json, subprocess
p = subprocess.run(['sh', '-c', 'cd elsewhere && "$0" audit -r ../rules/dma.rules --format json ../drivers',
                    __import__('os').environ['SYMFENCE']], capture_output=True)
doc = json.loads(p.stdout)
assert p.returncode == 2 and doc['summary']['status'] == 2 and doc['summary']['incomplete'] == 1, doc['summary']
assert any("library 'dma' has public patterns" in d['message'] and d['severity'] == 'error'
           for d in doc['diagnostics']), doc['diagnostics']
EOP

# A module's entry points are never private by "not public", as seal keeps them global.
mkdir -p entry/lib
printf 'int init_module(void) { return 0; }\nint entry_helper(void) { return 1; }\n' > entry/lib.c
printf 'int init_module(void) { return 0; }\nvoid cleanup_module(void) { }\n' > entry/drv.c
$CC -O1 -c entry/lib.c -o entry/lib/lib.o && $CC -O1 -c entry/drv.c -o entry/drv.o
printf 'library e\n\tobjects lib/*.o\n\tpublic entry_api\n' > entry/e.rules
expect_status 0 "init_module and cleanup_module of another module are not private" \
	audit -r entry/e.rules --root entry entry/lib entry/drv.o
if grep -q "init_module" "$T/out"; then fail "entry points: no warning"; sed 's/^/    | /' "$T/out"; else ok "entry points: no warning"; fi

# ---- audit-only libraries with a public list: --vmlinux ----
# A vmlinux linked here (ELF), its vmlinux.o, its System.map made with nm as
# the kernel's scripts/mksysmap does, and Debian's Module.symvers.
mkdir -p vm
cat > vm/vmlinux.c <<'EOC'
int phys_base;
int init_uts_ns;
static int local_helper(int x) { return x + 1; }
void kfree(void *p) { (void)p; }
int _printk(const char *f, ...) { return local_helper(*f); }
void __attribute__((weak)) arch_hook(void) { }
void _start(void) { }
EOC
cat > vm/mod.c <<'EOC'
extern int phys_base, init_uts_ns;
extern void kfree(void *);
extern int _printk(const char *, ...);
extern void arch_hook(void);
extern int drm_dev_register(void *, unsigned long);
extern int local_helper(int);
extern int only_in_my_tree(void);
int mod_probe(void)
{
	kfree(0);
	_printk("x");
	arch_hook();
	drm_dev_register(0, 0);
	only_in_my_tree();
	return phys_base + init_uts_ns + local_helper(1);
}
EOC
$CC -O1 -c vm/vmlinux.c -o vm/vmlinux-part.o && ld -r vm/vmlinux-part.o -o vm/vmlinux.o &&
	ld -static -e _start vm/vmlinux.o -o vm/vmlinux && $CC -O1 -c vm/mod.c -o vm/mod.o || exit 2
nm -n vm/vmlinux | grep -v -e ' [aNUw] ' -e ' \$' -e ' \.L' -e ' __crc_' -e ' __kstrtab_' \
	-e ' __kstrtabns_' -e ' L0$' > vm/System.map
printf 'library core\n\tpublic _printk kfree\n' > rules/core.rules
expect_status 2 "audit-only library with a public list, no --vmlinux: exit 2" audit -r rules/core.rules vm/mod.o
expect_output "no --vmlinux: names the library and the option" "$T/out" \
	"^rules/core\.rules:1: error: library 'core' has public patterns and no objects \(its symbols live in vmlinux\): give what vmlinux defines with --vmlinux FILE \(vmlinux, vmlinux\.o, System\.map or Module\.symvers\)$"
# The oracle: the globals nm says the file defines, the symbols mod.o leaves undefined.
undef=$(nm -u vm/mod.o | awk '{ print $2 }' | sort)
for v in vm/vmlinux vm/vmlinux.o vm/System.map; do
	case $v in
	*.map) defs=$(awk '$2 ~ /^[A-TV-Z]$/ && $2 != "N" { print $3 }' $v | sort -u) ;;
	*) defs=$(nm --defined-only $v | awk '$2 ~ /^[A-Z]$/ { print $3 }' | sort -u) ;;
	esac
	want=$(comm -12 <(echo "$undef") <(echo "$defs") | grep -vx -e _printk -e kfree | tr '\n' ' ')
	audit -r rules/core.rules --vmlinux $v --format json vm/mod.o > vm.json 2>/dev/null
	got=$(python3 -c 'import json, sys; print(" ".join(sorted(f["symbol"] for f in json.load(open(sys.argv[1]))["findings"])), end=" ")' vm.json)
	if [ "$got" = "$want" ] && [ "$want" = "arch_hook init_uts_ns phys_base " ]; then
		ok "--vmlinux $(basename $v): the non-public symbols it defines (nm): $want"
	else
		fail "--vmlinux $(basename $v): got '$got', nm says '$want'"
	fi
done
symvers=$(ls /usr/src/linux-headers-*-amd64/Module.symvers 2>/dev/null | head -1)
if [ -n "$symvers" ]; then
	want=$(awk -F'\t' '$3 == "vmlinux" { print $2 }' "$symvers" | sort -u |
		comm -12 <(echo "$undef") - | grep -vx -e _printk -e kfree | tr '\n' ' ')
	audit -r rules/core.rules --vmlinux "$symvers" --format json vm/mod.o > vm.json 2>/dev/null
	got=$(python3 -c 'import json, sys; print(" ".join(sorted(f["symbol"] for f in json.load(open(sys.argv[1]))["findings"])), end=" ")' vm.json)
	if [ "$got" = "$want" ] && [ "$want" = "init_uts_ns phys_base " ]; then
		ok "--vmlinux Module.symvers: the non-public exports of vmlinux ($want), not a module's"
	else
		fail "--vmlinux Module.symvers: got '$got', the file says '$want'"
	fi
else
	skip "no /usr/src/linux-headers-*-amd64/Module.symvers"
fi
printf 'this is not a map\n' > vm/bogus.map
expect_status 2 "--vmlinux: a file of another kind" audit -r rules/core.rules --vmlinux vm/bogus.map vm/mod.o
expect_output "--vmlinux: a file of another kind is named" "$T/out" \
	"^vm/bogus\.map: error: not a vmlinux \(ELF\), a System\.map or a Module\.symvers \(line 1 is none of their forms\)$"
{ head -2 vm/System.map; echo "ffffffff T"; } > vm/cut.map
expect_status 2 "--vmlinux: a malformed System.map line" audit -r rules/core.rules --vmlinux vm/cut.map vm/mod.o
expect_output "--vmlinux: the malformed line's position" "$T/out" \
	"^vm/cut\.map:3: error: not a System\.map line \(expected 'ADDRESS TYPE SYMBOL'\)$"
printf '0x12345678\tdrm_dev_register\tdrivers/gpu/drm/drm\tEXPORT_SYMBOL\t\n' > vm/ext.symvers
expect_status 2 "--vmlinux: a Module.symvers without vmlinux" audit -r rules/core.rules --vmlinux vm/ext.symvers vm/mod.o
expect_output "--vmlinux: a Module.symvers without vmlinux is refused" "$T/out" \
	"^vm/ext\.symvers: error: lists no symbol of vmlinux"
strip -o vm/stripped vm/vmlinux
expect_status 2 "--vmlinux: a stripped vmlinux" audit -r rules/core.rules --vmlinux vm/stripped vm/mod.o
expect_output "--vmlinux: a stripped vmlinux is refused" "$T/out" "^vm/stripped: error: defines no global symbol"

# ---- waive, allow, stale waivers ----
cat > rules/waive.rules <<'EOF'
library dma
	objects  lib/*.o
	private  dmac_*
	waive    drivers/cam.o dmac_flush_range
	waive    drivers/gone.o dmac_*
	waive    drivers/clean.o dmac_*
	allow    weak.o
EOF
expect_status 1 "waived violations" audit -r rules/waive.rules lib drivers
expect_output "a waived reference is a note pointing at the waiver" "$T/out" \
	"^drivers/cam\.o: cam_probe\+0x[0-9a-f]+: note: reference to private symbol 'dmac_flush_range' of library 'dma' \(2 references, waived by rules/waive\.rules:4\) \[rules/waive\.rules:3: 'dmac_\*'\]$"
expect_output "a waiver of an audited object matching no violation is stale" "$T/out" \
	"^rules/waive\.rules:6:[0-9]+: warning: waiver 'drivers/clean\.o dmac_\*' of library 'dma' matches no violation; remove it$"
if grep -q "gone\.o.*remove it" "$T/out"; then
	fail "a waiver for an object not among the inputs is not stale"
else
	ok "a waiver for an object not among the inputs is not stale"
fi
expect_output "a waiver for an object not among the inputs: a pattern that matches nothing" "$T/out" \
	"^rules/waive\.rules:5:[0-9]+: warning: waiver 'drivers/gone\.o dmac_\*' of library 'dma' matches no audited object$"
expect_output "summary counts the waived" <(tail -1 "$T/out") \
	"^symfence: audited 5 objects: 2 errors, 3 warnings, 1 note \(1 waived\)$"
if grep -q '^drivers/weak\.o' "$T/out"; then fail "allow exempts weak.o"; else ok "allow exempts weak.o"; fi
expect_status 0 "auditing a subset" audit -r rules/waive.rules drivers/clean.o
if grep -q "cam\.o.*remove it" "$T/out" || ! grep -q "clean\.o.*remove it" "$T/out"; then
	fail "auditing a subset: the other objects' waivers are not stale"
	sed 's/^/    | /' "$T/out"
else
	ok "auditing a subset: the other objects' waivers are not stale"
fi

# ---- baseline: write, read, new violations still fail, stale entries ----
expect_status 1 "--write-baseline keeps the exit status" \
	audit -r rules/dma.rules --write-baseline base.txt lib drivers
python3 - all.json > want.base <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for line in sorted({'%s %s' % (f['path'], f['symbol']) for f in doc['findings']}):
    print(line)
EOF
if head -1 base.txt | grep -q '^# symfence audit baseline' && grep -v '^#' base.txt | cmp -s - want.base &&
	grep -v '^#' base.txt | LC_ALL=C sort -c; then
	ok "baseline lists every violation, sorted, after a header"
else
	fail "baseline content"
	sed 's/^/    | /' base.txt
fi
expect_status 0 "with the baseline the same tree passes" \
	audit -r rules/dma.rules --baseline base.txt lib drivers
expect_output "baselined violations are notes" "$T/out" \
	"^drivers/cam\.o: cam_probe\+0x[0-9a-f]+: note: reference to private symbol 'dmac_flush_range' of library 'dma' \(2 references, in baseline base\.txt:[0-9]+\) \[rules/dma\.rules:4: 'dmac_\*'\]$"
$CC -O1 -c "$SRC/cam.c" -o drivers/new.o
expect_status 1 "a new violation still fails" audit -r rules/dma.rules --baseline base.txt lib drivers
if [ "$(grep -c ': error: ' "$T/out")" = 4 ] && ! grep ': error: ' "$T/out" | grep -vq '^drivers/new\.o'; then
	ok "only the new object's violations are errors"
else
	fail "only the new object's violations are errors"
	sed 's/^/    | /' "$T/out"
fi
rm drivers/new.o
cp base.txt stale.txt
echo "drivers/gone.o dmac_flush_range" >> stale.txt
echo "drivers/clean.o dmac_flush_range" >> stale.txt
expect_status 0 "a stale baseline entry does not fail" audit -r rules/dma.rules --baseline stale.txt lib drivers
expect_output "a stale baseline entry (of an audited object) is a warning" "$T/out" \
	"^stale\.txt:$(wc -l < stale.txt): warning: baseline entry 'drivers/clean\.o dmac_flush_range' matches no violation; remove it or rewrite the baseline with --write-baseline$"
if grep -q "gone\.o" "$T/out"; then
	fail "a baseline entry for an object not among the inputs is not stale"
else
	ok "a baseline entry for an object not among the inputs is not stale"
fi
expect_status 0 "a baseline on a subset" audit -r rules/dma.rules --baseline stale.txt drivers/clean.o
if [ "$(grep -c 'baseline entry' "$T/out")" = 1 ]; then
	ok "a baseline on a subset: only the audited object's entry is stale"
else
	fail "a baseline on a subset: only the audited object's entry is stale"
	sed 's/^/    | /' "$T/out"
fi

# Paths a baseline line could not hold as they are: blanks, controls, '#', backslashes,
# bytes that are not UTF-8. Written escaped, read back: the same violations, 0 new.
mkdir -p odd "odd/sub dir"
for n in 'with space.o' $'tab\there.o' $'new\nline.o' $'cr\r.o' 'back\slash.o' 'x\x41.o' \
	'hash#1.o' $'latin1-\xe9.o' $'utf8-\xc3\xa9.o' $'c1-\xc2\x85.o' 'sub dir/cam.o'; do
	cp drivers/cam.o "odd/$n"
done
audit -r rules/dma.rules --format json lib odd >odd.json 2>/dev/null
expect_status 1 "odd paths: --write-baseline" audit -r rules/dma.rules --write-baseline odd.base lib odd
check "odd paths: one line per violation, two words each, valid UTF-8" python3 - odd.json odd.base <<'EOF'
import json, sys
want = {(f['path'], f['symbol']) for f in json.load(open(sys.argv[1]))['findings']}
raw = open(sys.argv[2], 'rb').read()
raw.decode('utf-8')  # strict: raises on a byte that is not UTF-8
lines = [l for l in raw.split(b'\n') if l and not l.startswith(b'#')]
assert len(want) == 11 * 3 and len(lines) == len(want), (len(want), len(lines))
for l in lines:
    assert len(l.split(b' ')) == 2 and not any(c in l for c in b'\t\r#'), l
assert b'odd/with\\x20space.o ' in raw and b'odd/back\\\\slash.o ' in raw, raw
assert b'odd/latin1-\\xe9.o ' in raw and 'odd/utf8-\u00e9.o '.encode() in raw, raw
EOF
expect_status 0 "odd paths: with the baseline the same tree passes" \
	audit -r rules/dma.rules --baseline odd.base lib odd
if grep -Eq ': error: |warning: baseline entry' "$T/out" ||
	! grep -Eq '^symfence: audited 12 objects: 0 errors, 0 warnings, ([0-9]+) notes \(\1 in baseline\)$' "$T/out"; then
	fail "odd paths: every violation is in the baseline, no entry is stale"
	sed 's/^/    | /' "$T/out" | tail -5
else
	ok "odd paths: every violation is in the baseline, no entry is stale"
fi
# A baseline written before the escapes: a backslash that starts no escape is itself.
grep '^odd/back' odd.base | sed 's/\\\\/\\/' >old.base
check "odd paths: an old baseline names odd/back\\slash.o with one backslash" \
	grep -q '^odd/back\\slash\.o ' old.base
expect_status 0 "odd paths: an old baseline is read as it was" \
	audit -r rules/dma.rules --baseline old.base lib 'odd/back\slash.o'
expect_output "odd paths: ... and its entries match" "$T/out" \
	'^symfence: audited 2 objects: 0 errors, 0 warnings, ([0-9]+) notes \(\1 in baseline\)$'
printf 'odd/with\\x00nul.o dmac_flush_range\n' >nul.base
expect_status 2 "a baseline entry with \\x00" audit -r rules/dma.rules --baseline nul.base lib odd
expect_output "a baseline entry with \\x00: its position" "$T/out" \
	"^nul\.base:1:9: error: '\\\\x00' stands for a NUL byte, which no object path or symbol name holds$"
rm -rf odd

# ---- patterns that match nothing in the inputs ----
cat > rules/typo.rules <<'EOF'
library dma
	objects  lib/*.o
	public   dma_map_sg dma_unmap_sgg
	private  dmac_* iomu_map*
	allow    drivers/frend.o
EOF
expect_status 1 "stale patterns: the exit status is the violations'" audit -r rules/typo.rules lib drivers
expect_output "a misspelled private pattern: its position and pattern" "$T/out" \
	"^rules/typo\.rules:4:[0-9]+: warning: private pattern 'iomu_map\*' of library 'dma' matches no symbol the audited objects define or reference$"
expect_output "a public pattern that matches nothing" "$T/out" \
	"^rules/typo\.rules:3:[0-9]+: warning: public pattern 'dma_unmap_sgg' of library 'dma' matches no symbol the audited objects define or reference$"
expect_output "an allow pattern that matches nothing" "$T/out" \
	"^rules/typo\.rules:5:[0-9]+: warning: allow pattern 'drivers/frend\.o' of library 'dma' matches no audited object$"
col=$(awk 'NR == 4 { print index($0, "iomu_map") }' rules/typo.rules)
expect_output "the column is the pattern's ($col)" "$T/out" "^rules/typo\.rules:4:$col: warning: private pattern 'iomu_map"
if [ "$(grep -c 'pattern .* matches no' "$T/out")" = 3 ]; then
	ok "only the three patterns that match nothing"
else
	fail "only the three patterns that match nothing"
	sed 's/^/    | /' "$T/out"
fi
printf 'library dma\n\tprivate iomu_map*\n' > rules/typo-only.rules
expect_status 0 "a misspelled private pattern alone: a warning" audit -r rules/typo-only.rules drivers
expect_output "a misspelled private pattern alone: no longer silent" "$T/out" \
	"^rules/typo-only\.rules:2:[0-9]+: warning: private pattern 'iomu_map\*'"
expect_status 1 "--strict: a misspelled private pattern fails" audit --strict -r rules/typo-only.rules drivers
expect_output "--strict: it is an error" "$T/out" \
	"^rules/typo-only\.rules:2:[0-9]+: error: private pattern 'iomu_map\*' of library 'dma' matches no symbol"
expect_output "--strict: the summary counts it" <(tail -1 "$T/out") "^symfence: audited 4 objects: 1 error, 0 warnings"
expect_status 1 "--strict: a stale waiver fails too" audit --strict -r rules/waive.rules lib drivers
expect_output "--strict: the stale waiver is an error" "$T/out" "^rules/waive\.rules:6:[0-9]+: error: waiver "
expect_status 2 "stale patterns are not judged when an input cannot be read" \
	audit -r rules/typo-only.rules drivers missing.o
if grep -q 'iomu_map' "$T/out"; then fail "no stale pattern with an unread input"; else ok "no stale pattern with an unread input"; fi
audit --strict -r rules/typo.rules --format json lib drivers > typo.json 2>/dev/null
audit --strict -r rules/typo.rules --format sarif lib drivers > typo.sarif 2>/dev/null
check "stale patterns in JSON and SARIF" python3 - typo.json typo.sarif <<'EOP'
import json, sys
doc = json.load(open(sys.argv[1]))
pats = [s for s in doc['stale'] if s['kind'] == 'pattern']
assert [(s['directive'], s['symbol'], s['object'], s['severity']) for s in pats] == [
    ('private', 'iomu_map*', None, 'error'), ('public', 'dma_unmap_sgg', None, 'error'),
    ('allow', None, 'drivers/frend.o', 'error')], pats
assert all(s['file'] == 'rules/typo.rules' and s['line'] and s['col'] and s['library'] == 'dma'
           for s in pats), pats
assert doc['summary']['stale'] == 3 and doc['summary']['errors'] == 4 + 3, doc['summary']
run, = json.load(open(sys.argv[2]))['runs']
ids = [r['id'] for r in run['tool']['driver']['rules']]
res = [r for r in run['results'] if r['ruleId'] == 'stale-pattern']
assert len(res) == 3 and all(ids[r['ruleIndex']] == 'stale-pattern' and r['level'] == 'error'
                             for r in res), res
EOP
echo "just-one-word" > bad-base.txt
expect_status 2 "a malformed baseline is exit 2" audit -r rules/dma.rules --baseline bad-base.txt drivers
expect_output "malformed baseline line is reported with its position" "$T/out" \
	"^bad-base\.txt:1:1: error: expected 'OBJECT SYMBOL'"

# ---- JSON ----
check "JSON parses with python3 -m json.tool" python3 -m json.tool all.json
check "JSON keys and counts" python3 - all.json <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert list(doc) == ['schema', 'version', 'tool', 'summary', 'findings', 'stale', 'diagnostics'], list(doc)
keys = ['kind', 'severity', 'object', 'path', 'module', 'function', 'section', 'offset', 'where',
        'symbol', 'library', 'rule', 'count', 'source', 'hint', 'suppressed', 'message', 'text']
for f in doc['findings']:
    assert list(f) == keys, list(f)
    assert list(f['rule']) == ['kind', 'pattern', 'file', 'line', 'col']
s = doc['summary']
assert s['errors'] == sum(f['severity'] == 'error' for f in doc['findings']) == 4, s
assert s['warnings'] == 2 and s['objects'] == 5 and s['status'] == 1, s
assert doc['tool']['name'] == 'symfence'
EOF

# ---- SARIF ----
audit -r rules/waive.rules --format sarif lib drivers > out.sarif 2>/dev/null
check "SARIF 2.1.0 with the fields GitHub code scanning needs" python3 - out.sarif <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc['$schema'].startswith('https://') and doc['version'] == '2.1.0'
run, = doc['runs']
d = run['tool']['driver']
assert d['name'] == 'symfence' and d['version']
ids = [r['id'] for r in d['rules']]
assert len(set(ids)) == len(ids) and all(r['shortDescription']['text'] for r in d['rules'])
assert len(run['results']) == 6, len(run['results'])
for r in run['results']:
    assert r['ruleId'] in ids and ids[r['ruleIndex']] == r['ruleId'], r
    assert r['level'] in ('error', 'warning', 'note') and r['message']['text'], r
    loc = r['locations'][0]['physicalLocation']
    assert loc['artifactLocation']['uri'] and loc['region']['startLine'] >= 1, r
assert sum('suppressions' in r for r in run['results']) == 1
assert any(r['ruleId'] == 'stale-waiver' for r in run['results'])
assert run['invocations'][0]['executionSuccessful'] is True
EOF

# ---- GitHub annotations ----
audit -r rules/dma.rules --format github lib drivers > gh.out 2>/dev/null
if [ "$(grep -c '^::error ' gh.out)" = 4 ] && [ "$(grep -c '^::warning ' gh.out)" = 2 ] &&
	! grep -Evq '^::(error|warning|notice) (file=[^,:]+(,line=[0-9]+)?(,col=[0-9]+)?,)?title=[^:,]+::.+$' gh.out; then
	ok "github format: one well-formed annotation per finding"
else
	fail "github format"
	sed 's/^/    | /' gh.out
fi
expect_output "github annotation carries the source line" gh.out \
	"^::error file=/.*tests/audit/cam\.c,line=[0-9]+,title=private-reference::drivers/cam\.o: cam_probe\+0x[0-9a-f]+: reference to private symbol 'dmac_flush_range'.*%0Ahint: use dma_map_sg"

# ---- github: line= only with DWARF ----
mkdir -p nodwarf
$CC -O1 -c "$SRC/cam.c" -o nodwarf/cam.o
audit -r rules/dma.rules --format github nodwarf > gh-nodwarf.out 2>/dev/null
if grep -q '^::error file=nodwarf/cam\.o,title=private-reference::' gh-nodwarf.out &&
	! grep -q 'line=' gh-nodwarf.out; then
	ok "github format: without DWARF, file= is the object and there is no line="
else
	fail "github format without DWARF"
	sed 's/^/    | /' gh-nodwarf.out
fi

# ---- --write-baseline: the exit status, and the man page's 'set -e' example ----
rm -f wb.txt
expect_status 1 "--write-baseline with violations: exit 1" audit -r rules/dma.rules --write-baseline wb.txt lib drivers
[ -s wb.txt ] && ok "--write-baseline with violations: the baseline is written" ||
	fail "--write-baseline with violations: the baseline is written"
# The example as symfence(1) prints it, on this tree instead of /lib/modules.
man -l "$TOP/man/symfence.1" 2>/dev/null | sed -n '/^ *set -e$/,/^ *$/p' | sed 's/^ *//' |
	sed -e 's|dma\.rules|rules/dma.rules|g' -e 's|/lib/modules/$(uname -r)|lib drivers|g' \
		-e 's|^symfence |"$SYMFENCE" |' -e 's|known\.txt|ex-known.txt|g' -e 's|audit\.sarif|ex.sarif|' > example.sh
if grep -q -- '--write-baseline' example.sh && SYMFENCE=$SYMFENCE bash example.sh > example.out 2>&1 &&
	[ -s ex-known.txt ] && python3 -m json.tool ex.sarif > /dev/null; then
	ok "the man page's set -e example runs through on a tree with violations"
else
	fail "the man page's set -e example"
	sed 's/^/    | /' example.sh example.out
fi
sed -i 's|lib drivers|lib drivers missing.o|' example.sh
if SYMFENCE=$SYMFENCE bash example.sh > example.out 2>&1; then
	fail "the man page's set -e example stops on an unreadable input"
else
	ok "the man page's set -e example stops on an unreadable input"
fi

# ---- -o FILE ----
audit -r rules/dma.rules --format json -o report.json lib drivers > stdout.out 2>/dev/null
if [ ! -s stdout.out ] && cmp -s report.json all.json; then ok "-o writes the report to the file"; else fail "-o"; fi

# ---- a definition of a private name: one warning, at the definition ----
mkdir -p defs
$CC -g -O1 -fno-inline -c "$SRC/own-used.c" -o defs/own-used.o
expect_status 0 "a used definition of a private name is a warning" audit -r rules/dma.rules defs
if [ "$(grep -c ': warning: definition of private symbol' "$T/out")" = 1 ] &&
	[ "$(readelf -rW defs/own-used.o | grep -c ' dmac_inv_range')" = 4 ]; then
	ok "one warning per definition, not one per reference (readelf: 4 relocations)"
else
	fail "one warning per definition"
	sed 's/^/    | /' "$T/out"
fi
audit -r rules/dma.rules --format json defs > defs.json 2>/dev/null
check "the definition finding: section and value of the symbol (readelf), source line (addr2line)" \
	python3 - defs.json <<'EOP'
import json, re, subprocess, sys
f, = json.load(open(sys.argv[1]))['findings']
obj = 'defs/own-used.o'
sym = [l.split() for l in subprocess.check_output(['readelf', '-sW', obj], text=True).splitlines()
       if l.split()[-1:] == ['dmac_inv_range']][0]
secs = dict(re.findall(r'^\s*\[\s*(\d+)\]\s+(\S+)', subprocess.check_output(['readelf', '-SW', obj],
                                                                         text=True), re.M))
assert f['kind'] == 'definition' and f['count'] == 0 and f['function'] is None, f
assert f['where'] is None and f['section'] == secs[sym[6]] and f['offset'] == int(sym[1], 16), (f, sym)
line = subprocess.check_output(['addr2line', '-e', obj, '-j', f['section'], hex(f['offset'])],
                               text=True).split()[0].rsplit(':', 1)[1]
assert f['source']['line'] == int(line), (f['source'], line)
EOP

# ---- names and paths that are not UTF-8, or hold control characters ----
# Symbols patched into an object (same length, so nothing moves), paths made
# with such bytes, a hint that is not UTF-8: JSON and SARIF must still be
# valid UTF-8 and parse, and every text diagnostic must stay on its line.
mkdir -p hostile
cat > hostile.c <<'EOC'
extern void dmac_AAAAAAAA(void);
void evil_BBBBBBBB(void) { dmac_AAAAAAAA(); }
EOC
$CC -O1 -c hostile.c -o hostile.o
python3 - <<'EOP'
b = open('hostile.o', 'rb').read()
b = b.replace(b'dmac_AAAAAAAA', b'dmac_\x80\xff\x01\n\x7f\xc3(\xfe')
b = b.replace(b'evil_BBBBBBBB', b'evil_\xe9\x1b[m\xf0\x9f\x98\x80')
for name in (b'hostile/x\x80\xfe\x01y.o', b'hostile/new\nline.o', b'hostile/ok.o'):
    open(name, 'wb').write(b)
open('rules/hostile.rules', 'wb').write(
    b'library dma\n\tprivate dmac_*\n\thint "caf\xe9 \x80\xff \xc3\xa9t\xc3\xa9"\n')
EOP
audit -r rules/hostile.rules --format json hostile > hostile.json 2>/dev/null
audit -r rules/hostile.rules --format sarif hostile > hostile.sarif 2>/dev/null
check "hostile names: JSON and SARIF are UTF-8 and parse" python3 - hostile.json hostile.sarif <<'EOP'
import codecs, json, sys
# What symfence promises: valid UTF-8 kept, any other byte as the character of its value.
codecs.register_error('bytevalue', lambda e: (e.object[e.start:e.end].decode('latin-1'), e.end))
def want(b):
    return b.decode('utf-8', 'bytevalue')
doc = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'))
objs = sorted(f['object'] for f in doc['findings'])
assert objs == sorted(want(p) for p in (b'hostile/x\x80\xfe\x01y.o', b'hostile/new\nline.o',
                                         b'hostile/ok.o')), objs
for f in doc['findings']:
    assert f['symbol'] == want(b'dmac_\x80\xff\x01\n\x7f\xc3(\xfe'), ascii(f['symbol'])
    assert f['function'] == want(b'evil_\xe9\x1b[m\xf0\x9f\x98\x80'), ascii(f['function'])
    assert f['hint'] == want(b'caf\xe9 \x80\xff \xc3\xa9t\xc3\xa9'), ascii(f['hint'])
    assert '\n' not in f['text'], ascii(f['text'])
sarif = json.loads(open(sys.argv[2], 'rb').read().decode('utf-8'))
assert len(sarif['runs'][0]['results']) == 3
EOP
audit -r rules/hostile.rules hostile > hostile.out 2>&1
if [ "$(wc -l < hostile.out)" = 7 ] && ! grep -q '^line\.o' hostile.out &&
	LC_ALL=C grep -q "^hostile/new?line\.o: evil_.*: error: reference to private symbol 'dmac_" hostile.out; then
	ok "hostile names: a newline in a path or symbol does not break a text line"
else
	fail "hostile names: text lines"
	cat -A hostile.out | sed 's/^/    | /'
fi

# ---- an output that is an input, a rules file or the other output: refused ----
mkdir -p clash
cp drivers/cam.o clash/cam.o
cp drivers/weak.o clash/weak.o
ln -f clash/cam.o clash/hard.o
ar cDPrST clash/thin.a clash/weak.o
printf 'library common\n\tprivate common_*\n' > clash/common.rules
printf 'include common.rules\nlibrary dma\n\tprivate dmac_*\n' > clash/inc.rules
cp base.txt clash/base.txt
sha256sum clash/* > clash.sum
refused() { # NAME WANT-REGEX AUDIT-ARGS...: exit 2, that one line, nothing changed or created
	local name=$1 want=$2
	shift 2
	expect_status 2 "$name: refused" audit "$@"
	if [ "$(wc -l < "$T/out")" = 1 ] && grep -Eq -- "^symfence: error: output '[^']+' is the same file as $want$" "$T/out" &&
		sha256sum -c --quiet clash.sum && [ ! -e clash/new.txt ] && [ "$(ls -A clash | wc -l)" = 7 ]; then
		ok "$name: one line, nothing written"
	else
		fail "$name: one line, nothing written"
		sed 's/^/    | /' "$T/out"
	fi
}
refused "-o an input" "the input 'clash/cam\.o'" -r rules/dma.rules -o clash/cam.o clash/cam.o
refused "--write-baseline an input" "the input 'clash/cam\.o'" \
	-r rules/dma.rules --write-baseline clash/cam.o clash/cam.o
refused "-o a hard link of an input" "the input 'clash/cam\.o'" -r rules/dma.rules -o clash/hard.o clash/cam.o
refused "-o the rules" "the rules file 'clash/inc\.rules'" -r clash/inc.rules -o clash/inc.rules clash/cam.o
refused "-o an included rules file" "the rules file 'clash/common\.rules'" \
	-r clash/inc.rules -o clash/common.rules clash/cam.o
refused "--write-baseline the baseline" "the baseline 'clash/base\.txt'" \
	-r rules/dma.rules --baseline clash/base.txt --write-baseline clash/base.txt clash/cam.o
refused "-o and --write-baseline one new file" "the other output 'clash/\./new\.txt'" \
	-r rules/dma.rules -o clash/new.txt --write-baseline clash/./new.txt clash/cam.o
refused "-o and --write-baseline one existing file" "the other output 'clash/base\.txt'" \
	-r rules/dma.rules -o clash/base.txt --write-baseline clash/base.txt clash/cam.o
refused "-o an object found in a directory" "the input 'clash/cam\.o'" -r rules/dma.rules -o clash/cam.o clash
refused "-o a thin archive's member" "the input 'clash/weak\.o'" -r rules/dma.rules -o clash/weak.o clash/thin.a
refused "-o an @FILE list" "the input '@clash/base\.txt'" -r rules/dma.rules -o clash/base.txt @clash/base.txt

# ---- compressed modules give the findings of the plain one ----
mkdir -p m/plain m/xz m/zst m/gz
cp drivers/cam.o m/plain/cam.ko
xz -c m/plain/cam.ko > m/xz/cam.ko.xz
zstd -q -c m/plain/cam.ko > m/zst/cam.ko.zst
gzip -c m/plain/cam.ko > m/gz/cam.ko.gz
# The library's objects are read from lib/ (its objects patterns): lib_helper is private.
$ORACLE refs drivers/cam.o dmac_flush_range dmac_inv_range lib_helper > want.cam
for c in plain xz zst gz; do
	audit -r rules/dma.rules --format json m/$c > m-$c.json 2>/dev/null
	$ORACLE json m-$c.json > got.$c
	if [ -s got.$c ] && cmp -s want.cam got.$c; then
		ok "$c module: the same findings as the plain object"
	else
		fail "$c module: findings differ"
		diff want.cam got.$c | sed 's/^/    | /'
	fi
done
check "compressed module: path without the suffix, module name" python3 - m-xz.json <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))['findings'][0]
assert f['object'] == 'm/xz/cam.ko.xz' and f['path'] == 'm/xz/cam.ko' and f['module'] == 'cam', f
EOF

# ---- archives: regular and thin give the findings of their members ----
cp drivers/cam.o drivers/a_member_with_a_long_name.o
ar rcs reg.a drivers/cam.o drivers/weak.o drivers/a_member_with_a_long_name.o
ar cDPrST thin.a drivers/cam.o drivers/weak.o drivers/a_member_with_a_long_name.o
audit -r rules/dma.rules --format json drivers/cam.o drivers/weak.o drivers/a_member_with_a_long_name.o \
	> members.json 2>/dev/null
for a in reg thin; do
	audit -r rules/dma.rules --format json $a.a > $a.json 2>/dev/null
	if python3 - members.json $a.json $a <<'EOF'
import json, sys
def rows(path):
    return [(f['where'], f['symbol'], f['count'], f['kind']) for f in json.load(open(path))['findings']]
want, got = rows(sys.argv[1]), rows(sys.argv[2])
objs = [f['object'] for f in json.load(open(sys.argv[2]))['findings']]
pref = 'reg.a(' if sys.argv[3] == 'reg' else 'thin.a(drivers/'
assert want == got and want, (want, got)
assert objs[0] == pref + 'cam.o)' and objs[-1] == pref + 'a_member_with_a_long_name.o)', objs
EOF
	then ok "$a archive: the findings of its members, named archive(member)"
	else fail "$a archive: findings differ from its members'"
	fi
done
ar cDPrST outer.a thin.a
ar cDPrST nested.a reg.a
audit -r rules/dma.rules --format json outer.a > outer.json 2>/dev/null
audit -r rules/dma.rules --format json nested.a > nested.json 2>/dev/null
if [ "$($ORACLE json outer.json)" = "$($ORACLE json thin.json)" ] &&
	[ "$($ORACLE json nested.json)" = "$($ORACLE json reg.json)" ]; then
	ok "thin archives of thin and regular archives"
else
	fail "thin archives of thin and regular archives"
fi
audit -r rules/dma.rules thin.a drivers > dedup.out 2>&1
expect_output "an object reached twice is audited once" <(tail -1 dedup.out) \
	"^symfence: audited 5 objects:"

# ---- lists: @FILE and modules.order ----
printf 'drivers/cam.o\n  drivers/weak.o lib/dma.o\n' > list.txt
audit -r rules/dma.rules --format json @list.txt > list.json 2>/dev/null
if [ "$($ORACLE json list.json)" = "$($ORACLE json members.json drivers/cam.o; $ORACLE json members.json drivers/weak.o)" ] ||
	[ "$($ORACLE json list.json | sort)" = "$( ($ORACLE json all.json drivers/cam.o; $ORACLE json all.json drivers/weak.o) | sort)" ]; then
	ok "@FILE lists"
else
	fail "@FILE lists"
fi
mkdir -p kb/drivers
cp drivers/cam.o kb/drivers/cam.o
cp drivers/cam.o kb/drivers/cam.ko
xz -c drivers/weak.o > kb/drivers/weak.ko.xz
printf 'drivers/cam.o\ndrivers/weak.o\n' > kb/modules.order
expect_status 1 "modules.order" audit -r rules/dma.rules kb/modules.order
expect_output "modules.order: a .o entry means the .ko beside it" "$T/out" "^kb/drivers/cam\.ko: cam_probe"
expect_output "modules.order: compressed modules found" "$T/out" "^kb/drivers/weak\.ko\.xz: weak_flush"
echo "drivers/gone.o" >> kb/modules.order
expect_status 2 "modules.order: a missing module is exit 2" audit -r rules/dma.rules kb/modules.order
expect_output "modules.order: missing module reported at its line" "$T/out" \
	"^kb/modules\.order:3: error: module 'drivers/gone\.o' not found"

# Linux 6.1 lists .ko files; before modfinal only the .o exists: that is audited.
mkdir -p kb61/drivers
cp drivers/cam.o drivers/clean.o kb61/drivers/
cp drivers/clean.o kb61/drivers/clean.ko
printf 'drivers/cam.ko\ndrivers/clean.ko\n' > kb61/modules.order
expect_status 1 "modules.order with .ko entries, before modfinal" audit -r rules/dma.rules kb61/modules.order
expect_output "modules.order: a .ko entry not built yet means its .o" "$T/out" "^kb61/drivers/cam\.o: cam_probe"
expect_output "modules.order: an existing .ko is audited, not its .o" "$T/out" "^symfence: audited 2 objects"

# ---- -q: silent when nothing is wrong, the usual report otherwise ----
expect_status 0 "-q on a clean object" audit -q -r rules/dma.rules drivers/clean.o
[ ! -s "$T/out" ] && ok "-q on a clean object prints nothing" || fail "-q printed: $(head -3 "$T/out")"
expect_status 1 "-q with a violation" audit -q -r rules/dma.rules drivers/cam.o
expect_output "-q with a violation: the finding" "$T/out" "^drivers/cam\.o: cam_probe\+0x[0-9a-f]+: error: "
expect_output "-q with a violation: the summary" "$T/out" "^symfence: audited 1 object"

# ---- unreadable inputs: reported, the rest audited, 2 beats 1 ----
echo "not an object" > bad.o
head -c 200 m/xz/cam.ko.xz > trunc.ko.xz
expect_status 2 "unreadable inputs: exit 2 even with violations" \
	audit -r rules/dma.rules bad.o trunc.ko.xz drivers/cam.o missing.o
expect_output "malformed object" "$T/out" "^bad\.o: error: not an ELF file$"
expect_output "truncated xz: the real reason, not an internal error" "$T/out" \
	"^trunc\.ko\.xz: error: cannot decompress \(xz\): truncated data$"
expect_output "missing file" "$T/out" "^missing\.o: error: cannot open: No such file or directory$"
expect_output "the other inputs are still audited" "$T/out" "^drivers/cam\.o: cam_probe"
expect_output "summary counts unreadable inputs" <(tail -1 "$T/out") \
	"^symfence: audited 1 object: 4 errors, 0 warnings, 0 notes; 3 inputs could not be read$"
mkdir empty
expect_status 0 "an empty directory" audit -r rules/dma.rules empty
expect_output "an empty directory is a warning" "$T/out" \
	"^empty: warning: no objects, modules or archives in this directory$"

# A directory that cannot be read: one line saying so, not also "no objects".
# (root reads anything: drop the capabilities that let it.)
nodac() {
	if [ "$(id -u)" = 0 ]; then setpriv --bounding-set -dac_override,-dac_read_search "$@"; else "$@"; fi
}
printf 'library dma\n\tprivate dmac_*\n' > rules/private.rules
mkdir -p locked tree/ok tree/locked
cp drivers/cam.o locked/
cp drivers/cam.o tree/locked/
chmod 000 locked tree/locked
if nodac test ! -r locked 2>/dev/null; then
	for d in locked tree; do
		expect_status 2 "$d: an unreadable directory is exit 2" nodac "$SYMFENCE" audit -r rules/private.rules $d
		want=$d; [ $d = tree ] && want=tree/locked
		if [ "$(grep -vc '^symfence: audited' "$T/out")" = 1 ] &&
			grep -q "^$want: error: cannot open directory: Permission denied$" "$T/out"; then
			ok "$d: one accurate line for an unreadable directory"
		else
			fail "$d: one accurate line for an unreadable directory"
			sed 's/^/    | /' "$T/out"
		fi
	done
else
	skip "cannot make a directory unreadable here"
fi
chmod 755 locked tree/locked

# ---- a decompression bomb ----
if head -c 1100M /dev/zero | zstd -q -1 -c > bomb.ko.zst 2>/dev/null; then
	expect_status 2 "decompression bomb refused" audit -r rules/dma.rules bomb.ko.zst
	expect_output "decompression bomb message" "$T/out" \
		"^bomb\.ko\.zst: error: decompresses to more than 1024 MiB; refused as a decompression bomb$"
fi

# ---- LTO objects are skipped ----
if command -v clang >/dev/null && clang -flto -c "$SRC/cam.c" -o lto-llvm.o 2>/dev/null; then
	expect_status 0 "LLVM bitcode is skipped" audit -r rules/dma.rules lto-llvm.o
	expect_output "LLVM bitcode warning" "$T/out" \
		"^lto-llvm\.o: warning: LLVM bitcode \(built with -flto\?\), not audited"
	expect_output "summary counts skipped objects" <(tail -1 "$T/out") "; 1 skipped \(LTO or bitcode\)$"
else
	skip "clang -flto unavailable"
fi
if $CC -flto -c "$SRC/cam.c" -o lto-gcc.o 2>/dev/null && readelf -sW lto-gcc.o | grep -q __gnu_lto_slim; then
	expect_status 0 "GCC slim LTO object is skipped" audit -r rules/dma.rules lto-gcc.o
	expect_output "GCC LTO warning" "$T/out" "^lto-gcc\.o: warning: GCC LTO object without machine code"
fi

# ---- other targets: ELF32, REL relocations, big endian ----
for cc in arm-linux-gnueabihf-gcc aarch64-linux-gnu-gcc s390x-linux-gnu-gcc; do
	command -v $cc >/dev/null || { skip "$cc not installed"; continue; }
	$cc -O1 -c "$SRC/cam.c" -o cross-$cc.o || { fail "$cc cannot build"; continue; }
	audit -r rules/dma.rules --format json cross-$cc.o > cross.json 2>/dev/null
	$ORACLE refs cross-$cc.o dmac_flush_range dmac_inv_range lib_helper > want.cross
	$ORACLE json cross.json > got.cross
	if [ -s want.cross ] && cmp -s want.cross got.cross; then
		ok "$cc object: function+offset and counts equal readelf's"
	else
		fail "$cc object: findings differ from readelf's"
		diff want.cross got.cross | sed 's/^/    | /'
	fi
done

# ---- usage ----
expect_status 2 "no rules" audit drivers
expect_output "no rules message" "$T/out" "^symfence: error: no rules given: use -r RULES$"
expect_status 2 "no input" audit -r rules/dma.rules
expect_status 2 "bad format" audit -r rules/dma.rules --format xml drivers
expect_status 2 "bad -j" audit -r rules/dma.rules -j 0 drivers
expect_status 2 "bad rules" audit -r missing.rules drivers
expect_status 0 "--help" audit --help
expect_output "--help shows the usage" "$T/out" "^Usage: symfence audit -r RULES"
expect_output "--help: the rules' hint line" "$T/out" "the rules' hint \"\.\.\.\" line"
expect_output "--help: the hint comes once per object" "$T/out" "once per object, the hint"
expect_output "--help: the hint's line, as the report prints it" "$T/out" "^  OBJECT: note: hint: TEXT$"
expect_output "--help: the source line, as the report prints it" "$T/out" \
	"^  SOURCE:LINE: note: 'S' is referenced here$"
expect_output "--help: exit statuses" "$T/out" "^Exit status:$"
for st in "0  clean" "1  violations" "2  usage error"; do
	expect_output "--help: exit status ${st%% *}" "$T/out" "^  $st"
done
cp "$T/out" help.out
expect_status 0 "help audit" "$SYMFENCE" help audit
cmp -s help.out "$T/out" && ok "'symfence help audit' is 'symfence audit --help'" ||
	fail "'symfence help audit' is 'symfence audit --help'"
expect_status 2 "help of an unknown command" "$SYMFENCE" help frob
expect_output "help of an unknown command: named" "$T/out" "^symfence: error: unknown command 'frob'$"
expect_status 0 "--version" "$SYMFENCE" --version
manver=$(sed -n 's/^\.TH SYMFENCE 1 [^ ]* "symfence \([^"]*\)".*/\1/p' "$TOP/man/symfence.1")
expect_output "--version prints the version of the man page ($manver)" "$T/out" "^symfence $manver$"
expect_status 0 "help: the usage names help COMMAND and --version" "$SYMFENCE" help
expect_output "help: help COMMAND" "$T/out" "'symfence help COMMAND'"
expect_output "help: --version" "$T/out" "'symfence --version'"

# A sealed library defines its private symbols as locals: its private
# patterns match them (no "matches no symbol" warning), and a module whose
# init function is made init_module by module_init() is named by that function.
mkdir -p sealed && cd sealed || exit 2
printf 'static int priv_fn(int x) { return x; }\nint pub(int x) { return priv_fn(x); }\n' >lib.c
printf 'extern int priv_fn(int);\nstatic int my_init(void) { return priv_fn(1); }\nint init_module(void) __attribute__((alias("my_init")));\n' >mod.c
gcc -O0 -c lib.c && gcc -O2 -c mod.c || exit 2
printf 'library l\n\tprivate priv_fn\n' >l.rules
expect_status 0 "a sealed library (private symbol local): clean" "$SYMFENCE" audit -r l.rules lib.o
if grep -q 'matches no symbol' "$T/out"; then
	fail "a sealed library's local private symbol counts as matched: $(cat "$T/out")"
else
	ok "a sealed library's local private symbol counts as matched"
fi
expect_status 1 "a module calling it: a violation" "$SYMFENCE" audit -r l.rules lib.o mod.o
expect_output "... named by its function, not by the init_module alias" "$T/out" \
	"^mod.o: my_init\+0x[0-9a-f]+: error: reference to private symbol 'priv_fn'"
cd .. || exit 2

# ---- a sealed library: its private symbols are locals, and still its definitions ----
# With a public list, "not public" is decided by what the library defines. Once
# sealed, its private globals are LOCAL in the composite object its objects
# pattern names (tty.o, or the symfence-LIB.o of seal --archive): they count
# still, as do its static helpers, unless an input outside the library defines
# the name as a global (references bind to that one: foo of other.o here).
mkdir -p sealdefs/u/lib sealdefs/s/lib && cd sealdefs || exit 2
cat >a.c <<'EOF'
int lib_helper(int x) { return x * 3; }
int lib_secret(int x) { return x * 5; }
int api_get(int x) { return lib_helper(x) + lib_secret(x); }
EOF
cat >b.c <<'EOF'
extern int lib_helper(int);
static __attribute__((noinline)) int foo(int x) { return x + 1; }
static __attribute__((noinline)) int lib_static(int x) { return x + 2; }
int api_put(int x) { return lib_helper(foo(x)) + lib_static(x); }
EOF
cat >cheat.c <<'EOF'
extern int lib_helper(int), foo(int), lib_static(int);
int cheat(void) { return lib_helper(1) + foo(2) + lib_static(3); }
EOF
echo 'int foo(int x) { return x - 1; }' >other.c
$CC -g -O1 -c a.c -o u/lib/a.o && $CC -g -O1 -c b.c -o u/lib/b.o || exit 2
for d in u s; do
	$CC -g -O1 -c cheat.c -o $d/cheat.o && $CC -g -O1 -c other.c -o $d/other.o || exit 2
done
printf 'library l\n\tobjects lib/*.o\n\tpublic api_*\n\tprivate lib_secret\n' >l.rules
expect_status 0 "sealdefs: seal the library" "$SYMFENCE" seal -r l.rules -l l -o s/lib/l.o u/lib/a.o u/lib/b.o
if [ "$(symtab_of s/lib/l.o | awk '$1 == "lib_helper" || $1 == "foo" { print $1, $2 }' | sort | tr '\n' ' ')" = "foo LOCAL lib_helper LOCAL " ]; then
	ok "sealdefs: lib_helper (not public) is local in the sealed object, as foo (static)"
else
	fail "sealdefs: lib_helper local in the sealed object"; symtab_of s/lib/l.o | sed 's/^/    | /'
fi
sealed() { (cd s && "$SYMFENCE" audit -r ../l.rules "$@"); }
unsealed() { (cd u && "$SYMFENCE" audit -r ../l.rules "$@"); }
expect_status 1 "sealed library among the inputs: the cheater fails (exit 1)" sealed lib cheat.o other.o
cp "$T/out" sealed-in.out
expect_output "sealed library among the inputs: the call of a sealed private symbol, not public" sealed-in.out \
	"^cheat\.o: cheat\+0x[0-9a-f]+: error: reference to private symbol 'lib_helper' of library 'l' \[\.\./l\.rules:3: not public\]$"
expect_output "sealed library: the call of a static helper of the library, not public" sealed-in.out \
	"^cheat\.o: cheat\+0x[0-9a-f]+: error: reference to private symbol 'lib_static' of library 'l' \[\.\./l\.rules:3: not public\]$"
if grep -q "'foo'\|^other\.o" sealed-in.out; then
	fail "a static helper named as another input's global: neither the call nor that definition reported"
	sed 's/^/    | /' sealed-in.out
else
	ok "a static helper named as another input's global: neither the call nor that definition reported"
fi
expect_output "sealed library among the inputs: the summary" <(tail -1 sealed-in.out) \
	"^symfence: audited 3 objects: 2 errors, 0 warnings, 0 notes$"
expect_status 1 "sealed library found by its objects pattern on disk: exit 1" sealed cheat.o other.o
if diff <(grep -v '^symfence: audited' sealed-in.out) <(grep -v '^symfence: audited' "$T/out") >/dev/null; then
	ok "sealed library on disk: the same findings as among the inputs"
else
	fail "sealed library on disk: the same findings"; diff sealed-in.out "$T/out" | sed 's/^/    | /'
fi
expect_status 1 "unsealed library: exit 1" unsealed lib cheat.o other.o
if diff <(grep -v '^symfence: audited' sealed-in.out) <(grep -v '^symfence: audited' "$T/out") >/dev/null; then
	ok "unsealed library: the same findings as the sealed one"
else
	fail "unsealed library: the same findings as the sealed one"; diff sealed-in.out "$T/out" | sed 's/^/    | /'
fi
expect_status 1 "without the other global foo: exit 1" sealed lib cheat.o
expect_output "without the other global foo: the call of the library's static foo is reported" "$T/out" \
	"^cheat\.o: cheat\+0x[0-9a-f]+: error: reference to private symbol 'foo' of library 'l' \[\.\./l\.rules:3: not public\]$"
printf '0000000000000000 T foo\n0000000000000010 t lib_static\n' >s/System.map
expect_status 1 "--vmlinux: exit 1" sealed --vmlinux System.map cheat.o
# (--vmlinux never shadows: a vmlinux built without the seal lists the
# library's own helpers as globals, and would let their callers pass.)
if ! grep -q "'foo'" "$T/out" || ! grep -q "'lib_static'" "$T/out"; then
	fail "--vmlinux: a global foo of vmlinux does not make the library's local foo another symbol"
	sed 's/^/    | /' "$T/out"
else
	ok "--vmlinux: a global foo of vmlinux does not make the library's local foo another symbol"
fi
sealed -j1 lib other.o cheat.o >j1.out 2>&1
sealed -j2 lib other.o cheat.o >j2.out 2>&1
cmp -s j1.out j2.out && grep -q "'lib_helper'" j1.out && ! grep -q "'foo'" j1.out &&
	ok "sealed library: the same findings whatever -j" || fail "sealed library: -j1 and -j2 differ"
sealed --format json lib cheat.o other.o >sealed.json 2>/dev/null
unsealed --format json lib cheat.o other.o >unsealed.json 2>/dev/null
check "JSON: sealed and unsealed give the same findings, not-public" python3 - sealed.json unsealed.json <<'EOP'
import json, sys
s, u = (json.load(open(f)) for f in sys.argv[1:3])
assert s['summary']['status'] == u['summary']['status'] == 1, (s['summary'], u['summary'])
assert s['findings'] == u['findings'], (s['findings'], u['findings'])
got = sorted((f['object'], f['symbol'], f['kind'], f['rule']['kind'], f['rule']['pattern'])
             for f in s['findings'])
assert got == [('cheat.o', 'lib_helper', 'reference', 'not-public', None),
               ('cheat.o', 'lib_static', 'reference', 'not-public', None)], got
EOP
# Defined again outside the sealed library, a private name is another symbol,
# unless a private pattern names it: then both the definition and the call.
printf 'int lib_helper(int x) { return x; }\nint lib_secret(int x) { return x; }\n' >dup.c
printf 'extern int lib_helper(int), lib_secret(int);\nint cheat2(void) { return lib_helper(1) + lib_secret(2); }\n' >cheat2.c
$CC -O1 -c dup.c -o s/dup.o && $CC -O1 -c cheat2.c -o s/cheat2.o || exit 2
expect_status 1 "sealed, private names defined again outside: exit 1" sealed lib dup.o cheat2.o
if grep -q "'lib_helper'" "$T/out" ||
	! grep -q "^cheat2\.o: cheat2+0x[0-9a-f]*: error: reference to private symbol 'lib_secret' of library 'l' \[\.\./l\.rules:4: 'lib_secret'\]$" "$T/out" ||
	! grep -q "^dup\.o: warning: definition of private symbol 'lib_secret' of library 'l' outside the library" "$T/out"; then
	fail "sealed, defined again outside: a not-public name is another symbol, a private pattern still judges"
	sed 's/^/    | /' "$T/out"
else
	ok "sealed, defined again outside: a not-public name is another symbol, a private pattern still judges"
fi
# A pattern that matches nothing is still said; one that matches a sealed local is not.
printf 'library l\n\tobjects lib/*.o\n\tpublic api_* api_gone\n\tprivate lib_secret lib_gone_*\n' >stale.rules
for how in "among the inputs:lib cheat.o" "on disk:cheat.o"; do
	(cd s && "$SYMFENCE" audit -r ../stale.rules ${how#*:}) >"$T/out" 2>&1
	if grep -q "'lib_secret' of library 'l' matches no" "$T/out" ||
		! grep -q "^\.\./stale\.rules:4:[0-9]*: warning: private pattern 'lib_gone_\*' of library 'l' matches no symbol" "$T/out" ||
		! grep -q "^\.\./stale\.rules:3:[0-9]*: warning: public pattern 'api_gone' of library 'l' matches no symbol" "$T/out"; then
		fail "sealed library ${how%%:*}: only the patterns that match nothing are stale"
		sed 's/^/    | /' "$T/out"
	else
		ok "sealed library ${how%%:*}: only the patterns that match nothing are stale"
	fi
done
printf 'library l\n\tobjects lib/*.o\n\tprivate lib_secret lib_gone_*\n' >nopub.rules
(cd s && "$SYMFENCE" audit -r ../nopub.rules cheat.o) >"$T/out" 2>&1
if grep -q "'lib_secret' of library 'l' matches no" "$T/out" || ! grep -q "'lib_gone_\*' of library 'l' matches no" "$T/out"; then
	fail "sealed library without a public list, on disk: its local private symbol is not stale"
	sed 's/^/    | /' "$T/out"
else
	ok "sealed library without a public list, on disk: its local private symbol is not stale"
fi
cd .. || exit 2
