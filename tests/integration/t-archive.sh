#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence audit on archives written by the real tools: GNU ar (rcs, rcsP,
# rcsT, cDPrST as kbuild runs it, thin archives of thin archives as kbuild
# 6.1 builds vmlinux.a from built-in.a, a regular archive inside a thin one)
# and llvm-ar (gnu, bsd, darwin, thin, /SYM64/ forced with SYM64_THRESHOLD=0).
# Each archive holds members whose names have every length 1..40: plain, with
# directories, with spaces. Every member references private symbols, so each
# gives findings; the members symfence reports, in order, must be those
# 'ar t' lists, and its (member, symbol) references those 'nm -A -u' prints.
# GNU binutils are the oracle: symfence reads archives as bfd does.
. "$(dirname "$0")/../lib.sh"

CC=${CC:-gcc}
for tool in ar nm python3; do
	command -v $tool >/dev/null || {
		skip "$tool is not installed"
		exit 0
	}
done

cat > secret.rules <<'EOF'
library secret
    private sfp_secret_*
EOF

# Three objects; each member is a copy of one (its own inode, as thin archives need).
cat > m0.c <<'EOF'
extern int sfp_secret_a(void);
int user_a(void) { return sfp_secret_a(); }
EOF
cat > m1.c <<'EOF'
extern int sfp_secret_a(void), sfp_secret_b(void);
int user_b(void) { return sfp_secret_b() + 2 * sfp_secret_a(); }
EOF
cat > m2.c <<'EOF'
extern int sfp_secret_c(int);
static int helper(int x) { return sfp_secret_c(x) + 1; }
int user_c(int x) { return helper(x) * helper(x + 1); }
EOF
for i in 0 1 2; do
	$CC -O2 -c m$i.c -o obj$i.o || {
		fail "cannot compile the fixture objects"
		exit 0
	}
done
printf 'x' >> obj2.o # an odd size: the next member's header is after a pad byte

# The member names, one per line, in the order they go into each archive.
python3 - > names.txt <<'EOF'
def base(tag, length, n):
    s = tag + str(length) + 'abcdefghijklmnopqrstuvwxyz' * 2
    return s[:n]
names = []
for length in range(1, 41):
    names.append(base('p', length, length))
    if length >= 3:
        k = 1 if length < 10 else 2 if length < 20 else 3
        dirs = ''.join('abc'[i] + '/' for i in range(k))
        names.append(dirs + base('q', length, length - len(dirs)))
    if length >= 2:
        s = list(base('s', length, length))
        s[1] = ' '
        if length >= 4:
            s[length // 2] = ' '
        names.append(''.join(s))
for n in names:
    assert len(set(names)) == len(names) and '\n' not in n
    print(n)
EOF
mapfile -t NAMES < names.txt
i=0
for n in "${NAMES[@]}"; do
	mkdir -p "$(dirname "$n")"
	cp "obj$((i % 3)).o" "$n"
	i=$((i + 1))
done

# compare NAME ARCHIVE: symfence audit ARCHIVE against ar t and nm -A -u.
ncase=0
compare() {
	local name=$1 archive=$2 status w
	ncase=$((ncase + 1))
	w=case$ncase
	ar t "$archive" > "$w.art" 2> "$w.arerr"
	nm -A -u "$archive" > "$w.nm" 2> "$w.nmerr"
	"$SYMFENCE" audit -r secret.rules --format json "$archive" > "$w.json" 2> "$w.err"
	status=$?
	if [ $status != 1 ]; then
		fail "$name: symfence audit exited $status, expected 1 (violations)"
		sed 's/^/    | /' "$w.err" | head -5
		return
	fi
	if python3 - "$archive" "$w" <<'EOF'; then
import json, os, sys
archive, name = sys.argv[1], sys.argv[2]
lines = lambda f: open(f, encoding='latin-1').read().split('\n')[:-1]
# A thin archive's member is a file: ar t and nm name it from the current
# directory, symfence as the archive stores it (relative to the archive).
thin = open(archive, 'rb').read(8) == b'!<thin>\n'
oracle = lambda m: os.path.normpath(m) if thin else m
# bfd reads a BSD symbol table only under its Mach-O name "#1/20"; llvm-ar's
# "#1/12 __.SYMDEF" is listed by 'ar t' as a member nm cannot read. It is
# no object: symfence skips it.
want = [oracle(m) for m in lines(name + '.art') if m != '__.SYMDEF']
refs_want = set()
for line in lines(name + '.nm'):
    assert line.startswith(archive + ':'), line
    member, rest = line[len(archive) + 1:].rsplit(':', 1)
    sym = rest.split()[-1]
    if sym.startswith('sfp_secret_'):
        refs_want.add((oracle(member), sym))
doc = json.load(open(name + '.json', encoding='latin-1'))
got, refs_got = [], set()
for f in doc['findings']:
    obj = f['object']
    assert obj.endswith(')') and '(' in obj, obj
    member = obj[obj.index('(') + 1:-1]
    if thin and obj.startswith(archive + '('):
        member = os.path.normpath(os.path.join(os.path.dirname(archive), member))
    if not got or got[-1] != member:
        got.append(member)
    assert f['kind'] == 'reference' and f['severity'] == 'error', f
    refs_got.add((member, f['symbol']))
bad = []
if got != want:
    bad.append('members: %d from symfence, %d from ar t' % (len(got), len(want)))
    bad += ['  only symfence: %r' % m for m in got if m not in want][:5]
    bad += ['  only ar t:     %r' % m for m in want if m not in got][:5]
    if set(got) == set(want):
        bad.append('  same members, another order')
if refs_got != refs_want:
    bad.append('references differ from nm -A -u:')
    bad += ['  only symfence: %r' % (r,) for r in sorted(refs_got - refs_want)][:5]
    bad += ['  only nm:       %r' % (r,) for r in sorted(refs_want - refs_got)][:5]
if doc['summary']['objects'] != len(want) or doc['summary']['unreadable']:
    bad.append('summary: %r' % doc['summary'])
if not want:
    bad.append('ar t lists no member')
for line in bad:
    print('    | ' + line)
sys.exit(1 if bad else 0)
EOF
		ok "$name: the members ar t lists and the references nm -A -u prints ($(wc -l < "$w.art") members)"
	else
		fail "$name: symfence disagrees with ar t / nm -A -u"
		sed 's/^/    | /' "$w.err" | head -5
	fi
}

# The bug report: GNU ar 2.40's header for a 15-character name in a thin archive.
mkdir -p kernel drivers mm
cp obj0.o kernel/signal.o
cp obj1.o mm/page_alloc.o
cp obj2.o drivers/cam.o
ar cDPrST vmlinux.a kernel/signal.o drivers/cam.o mm/page_alloc.o
compare "kbuild vmlinux.a with kernel/signal.o and mm/page_alloc.o" vmlinux.a

# GNU ar: regular archives (basenames; with P the paths, which bfd reads as
# the short name's first component when it fits in 16 bytes: ar t says so).
ar rcs gnu-rcs.a "${NAMES[@]}" && compare "GNU ar rcs" gnu-rcs.a
ar rcsP gnu-rcsP.a "${NAMES[@]}" && compare "GNU ar rcsP" gnu-rcsP.a
ar rcsT gnu-thin.a "${NAMES[@]}" && compare "GNU ar rcsT (thin)" gnu-thin.a
ar cDPrST gnu-kbuild.a "${NAMES[@]}" && compare "GNU ar cDPrST (thin, as kbuild)" gnu-kbuild.a
# kbuild 6.1 then moves the head objects first: ar mPiT FIRST vmlinux.a HEAD...
cp gnu-kbuild.a moved.a
ar mPiT "$(ar t moved.a | head -1)" moved.a "${NAMES[@]:40:3}" "${NAMES[@]:100:2}" &&
	compare "GNU ar mPiT on it (kbuild 6.1's head objects)" moved.a
mkdir -p elsewhere/sub
(cd elsewhere/sub && ar cDPrST vmlinux.a "${NAMES[@]/#/../../}") &&
	compare "GNU ar cDPrST in another directory (../../ names)" elsewhere/sub/vmlinux.a

# kbuild 6.1: built-in.a in each directory, thin, of its objects and its
# subdirectories' built-in.a; vmlinux.a, thin, of the top directories' ones.
rm -f a/built-in.a a/b/built-in.a a/b/c/built-in.a top-built-in.a
top=() a=() ab=() abc=()
for n in "${NAMES[@]}"; do
	case $n in
	a/b/c/*) abc+=("$n") ;;
	a/b/*) ab+=("$n") ;;
	a/*) a+=("$n") ;;
	*) top+=("$n") ;;
	esac
done
if ar cDPrST a/b/c/built-in.a "${abc[@]}" && ar cDPrST a/b/built-in.a "${ab[@]}" a/b/c/built-in.a &&
	ar cDPrST a/built-in.a "${a[@]}" a/b/built-in.a && ar cDPrST top-built-in.a "${top[@]}"; then
	ar cDPrST nested-vmlinux.a top-built-in.a a/built-in.a &&
		compare "GNU ar: thin archives of thin archives, 4 deep (kbuild 6.1)" nested-vmlinux.a
else
	fail "GNU ar cannot build the nested built-in.a"
fi
# A regular archive in a thin one: GNU ar writes "/<name>:<header offset>" members.
mkdir -p lib
ar rcs lib/reg.a "${NAMES[@]}" && ar cDPrST reg-in-thin.a lib/reg.a kernel/signal.o &&
	compare "GNU ar: a regular archive inside a thin one (/N:offset names)" reg-in-thin.a

# llvm-ar, every format it writes.
if command -v llvm-ar >/dev/null; then
	llvm-ar --format=gnu rcs llvm-gnu.a "${NAMES[@]}" && compare "llvm-ar gnu" llvm-gnu.a
	llvm-ar --format=bsd rcs llvm-bsd.a "${NAMES[@]}" && compare "llvm-ar bsd" llvm-bsd.a
	llvm-ar --format=darwin rcs llvm-darwin.a "${NAMES[@]}" &&
		compare "llvm-ar darwin" llvm-darwin.a
	llvm-ar --format=gnu --thin rcs llvm-thin.a "${NAMES[@]}" &&
		compare "llvm-ar gnu --thin" llvm-thin.a
	SYM64_THRESHOLD=0 llvm-ar --format=gnu rcs llvm-sym64.a "${NAMES[@]}" &&
		if [ "$(head -c 15 llvm-sym64.a | tail -c 7)" = /SYM64/ ]; then
			compare "llvm-ar gnu with /SYM64/" llvm-sym64.a
		else
			fail "SYM64_THRESHOLD=0 llvm-ar wrote no /SYM64/ symbol table"
		fi
	SYM64_THRESHOLD=0 llvm-ar --format=gnu --thin rcs llvm-thin-sym64.a "${NAMES[@]}" &&
		compare "llvm-ar gnu --thin with /SYM64/" llvm-thin-sym64.a
	llvm-ar --format=gnu --thin rcs llvm-thin-of-thin.a top-built-in.a a/built-in.a &&
		compare "llvm-ar --thin of GNU thin archives" llvm-thin-of-thin.a
else
	skip "llvm-ar is not installed"
fi

# A real archive cut short: exit 2 and one error line; the members before the cut are audited.
head -c $(($(stat -c %s gnu-rcs.a) * 2 / 3)) gnu-rcs.a > cut.a
expect_status 2 "an archive cut inside a member: exit 2" "$SYMFENCE" audit -r secret.rules cut.a
expect_output "... with one 'corrupt archive' line" "$T/out" \
	"^cut\.a: error: corrupt archive: member at offset 0x[0-9a-f]+ extends past the end$"
refs=$(grep -c '^cut\.a(.*: error: reference to private symbol' "$T/out")
check "... the findings of the members before the cut ($refs), and no other error" \
	test "$refs" -gt 0 -a "$(grep -c 'error:' "$T/out")" = $((refs + 1))

# Every message of src/archive.c is in symfence(1) DIAGNOSTICS.
missing=$(grep -o 'ar_corrupt(&\?w, "[^"]*"' "$TOP/src/archive.c" | sed 's/^[^"]*"//; s/"$//' |
	sed 's/0x%llx/0x\\fIN\\fP/' | while IFS= read -r m; do
	grep -qF -- "$m" "$TOP/man/symfence.1" || echo "$m"
done)
if [ -z "$missing" ] && grep -q '^\.B corrupt archive:' "$TOP/man/symfence.1"; then
	ok "every corrupt-archive message is documented in symfence(1)"
else
	fail "undocumented in symfence(1): $missing"
fi
