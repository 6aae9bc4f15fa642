#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# symfence audit on a real kernel module tree: Debian's linux-image package
# (downloaded once into $BUILD/cache with apt-get download, extracted with
# dpkg-deb -x). With a few widely used exported symbols declared private, the
# (module, symbol) pairs reported must be those nm -u lists for the same
# modules. Skipped when the package cannot be had.
. "$(dirname "$0")/../lib.sh"

CACHE=${SYMFENCE_CACHE:-$BUILD/cache}	# shared between build dirs with SYMFENCE_CACHE
SUBDIR=kernel/drivers/net
PRIVATE="__kmalloc kfree printk _printk mutex_lock"
mkdir -p "$CACHE" || exit 2

find_deb() { ls "$CACHE"/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | sort -V | tail -1; }
deb=$(find_deb)
if [ -z "$deb" ]; then
	# The current image: what the linux-image-amd64 metapackage depends on.
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || pkg=$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-amd64$' 2>/dev/null |
		awk '{ print $1 }' | sort -V | tail -1)
	[ -n "$pkg" ] && (cd "$CACHE" && apt-get download "$pkg" >/dev/null 2>&1)
	deb=$(find_deb)
fi
if [ -z "$deb" ]; then
	skip "no Debian linux-image package could be downloaded (apt-get download linux-image-*-amd64)"
	exit 0
fi
tree=$CACHE/$(basename "$deb" .deb)
if [ ! -e "$tree/.extracted" ]; then
	rm -rf "$tree"
	if ! dpkg-deb -x "$deb" "$tree"; then
		fail "dpkg-deb -x $(basename "$deb")"
		exit 0
	fi
	touch "$tree/.extracted"
fi
mods=$(ls -d "$tree"/lib/modules/*/ 2>/dev/null | head -1)
if [ -z "$mods" ] || [ ! -d "$mods/$SUBDIR" ]; then
	fail "no $SUBDIR in $(basename "$deb")"
	exit 0
fi

printf 'library core\n\tprivate %s\n' "$PRIVATE" > "$T/core.rules"
cd "$mods" || exit 2

# symfence: the pairs from --format json (references, weak or not).
"$SYMFENCE" audit -r "$T/core.rules" --format json "$SUBDIR" > "$T/net.json" 2> "$T/net.err"
status=$?
[ "$status" = 1 ] && ok "$SUBDIR: violations exit 1" || fail "$SUBDIR: exit $status"
python3 - "$T/net.json" > "$T/got" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, sym in sorted({(f['path'], f['symbol']) for f in doc['findings'] if f['kind'] != 'definition'}):
    print(path, sym)
EOF

# The oracle: nm -u on the same modules, decompressed with the CLI tools when needed.
mkdir -p "$T/plain"
find "$SUBDIR" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) |
	sort > "$T/list"
while read -r m; do
	case $m in
	*.ko) continue ;;
	*.xz) tool="xz -dc" ;;
	*.zst) tool="zstd -qdc" ;;
	*.gz) tool="gzip -dc" ;;
	esac
	mkdir -p "$T/plain/$(dirname "$m")"
	$tool "$m" > "$T/plain/${m%.*}"
done < "$T/list"
sed -E 's/\.ko\.(xz|zst|gz)$/.ko/' "$T/list" | while read -r m; do
	[ -e "$m" ] && echo "$m" || echo "$T/plain/$m"
done | xargs nm -uA 2>/dev/null |
	awk -v want=" $PRIVATE " -v plain="$T/plain/" '{
		n = split($0, f, /[ \t]+/); sym = f[n]; file = $1; sub(/:$/, "", file)
		sub("^" plain, "", file)
		if (index(want, " " sym " ")) print file, sym
	}' | sort -u > "$T/want"
nmods=$(wc -l < "$T/list")
# The warnings: the private names that no module references (printk is _printk
# since Linux 5.15), each a pattern that matches nothing; nm -u is the oracle.
unused=$(for s in $PRIVATE; do grep -q " $s\$" "$T/want" || echo "$s"; done)
nstale=$(printf '%s' "$unused" | grep -c .)
got_stale=$(sed -n "s/^.*: warning: private pattern '\([^']*\)' of library 'core' matches no symbol the audited objects define or reference$/\1/p" "$T/net.err")
if [ "$(echo $got_stale)" = "$(echo $unused)" ] && [ "$(grep -c ': warning: ' "$T/net.err")" = "$nstale" ]; then
	ok "$SUBDIR: the only warnings are the private names no module uses ($(echo $unused))"
else
	fail "$SUBDIR: warnings: '$(echo $got_stale)', nm -u leaves unused '$(echo $unused)'"
	grep ': warning: ' "$T/net.err" | head -5 | sed 's/^/    | /'
fi
if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
	ok "$SUBDIR: $(wc -l < "$T/got") (module, symbol) pairs in $nmods modules equal nm -u's"
else
	fail "$SUBDIR: (module, symbol) pairs differ from nm -u's"
	diff "$T/want" "$T/got" | head -20 | sed 's/^/    | /'
fi
expect_output "$SUBDIR: every module audited" <(tail -1 "$T/net.err") \
	"^symfence: audited $nmods objects: [0-9]+ errors, $nstale warnings?, 0 notes$"

# The same output with one worker and with two.
"$SYMFENCE" audit -r "$T/core.rules" -j1 --format json "$SUBDIR" > "$T/net-j1.json" 2>/dev/null
"$SYMFENCE" audit -r "$T/core.rules" -j2 --format json "$SUBDIR" > "$T/net-j2.json" 2>/dev/null
if cmp -s "$T/net-j1.json" "$T/net-j2.json" && cmp -s "$T/net.json" "$T/net-j2.json"; then
	ok "$SUBDIR: -j1 and -j2 give the same report"
else
	fail "$SUBDIR: -j1 and -j2 differ"
fi

# The whole tree through modules.order: every listed module found and audited.
listed=$(grep -c . modules.order)
start=$(date +%s.%N)
"$SYMFENCE" audit -r "$T/core.rules" modules.order > "$T/all.out" 2>&1
status=$?
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
[ "$status" = 1 ] && ok "whole tree: violations exit 1" || fail "whole tree: exit $status"
expect_output "whole tree: the $listed modules of modules.order audited ($secs s)" \
	<(tail -1 "$T/all.out") "^symfence: audited $listed objects: [0-9]+ errors, [0-9]+ warnings?, 0 notes$"
if grep ': warning: ' "$T/all.out" | grep -vq "warning: private pattern '[^']*' of library 'core' matches no symbol"; then
	fail "whole tree: the only warnings are private names no module uses"
else
	ok "whole tree: the only warnings are private names no module uses"
fi

# A public-list policy on the installed tree: an audit-only library whose
# symbols live in vmlinux, with what vmlinux exports from Debian's
# Module.symvers (--vmlinux). Every other export of vmlinux a module uses is
# a violation: the pairs must be nm -u's references that Module.symvers lists
# for vmlinux, minus the public ones.
symvers=$(ls /usr/src/linux-headers-*-amd64/Module.symvers 2>/dev/null | sort -V | tail -1)
if [ -z "$symvers" ]; then
	skip "no /usr/src/linux-headers-*-amd64/Module.symvers"
	exit 0
fi
PUBLIC="kfree __kmalloc _printk mutex_lock mutex_unlock"
printf 'library vmlinux-api\n\tpublic %s\n' "$PUBLIC" > "$T/api.rules"
"$SYMFENCE" audit -r "$T/api.rules" --vmlinux "$symvers" --format json "$SUBDIR" \
	> "$T/api.json" 2> "$T/api.err"
status=$?
[ "$status" = 1 ] && ok "public list with --vmlinux Module.symvers: violations exit 1" ||
	fail "public list with --vmlinux Module.symvers: exit $status"
python3 - "$T/api.json" > "$T/api.got" <<'EOP'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, sym in sorted({(f['path'], f['symbol']) for f in doc['findings'] if f['kind'] != 'definition'}):
    print(path, sym)
EOP
awk -F'\t' '$3 == "vmlinux" { print $2 }' "$symvers" | sort -u > "$T/exports"
sed -E 's/\.ko\.(xz|zst|gz)$/.ko/' "$T/list" | while read -r m; do
	[ -e "$m" ] && echo "$m" || echo "$T/plain/$m"
done | xargs nm -uA 2>/dev/null |
	awk -v pub=" $PUBLIC " -v plain="$T/plain/" '{
		n = split($0, f, /[ \t]+/); sym = f[n]; file = $1; sub(/:$/, "", file)
		sub("^" plain, "", file)
		if (!index(pub, " " sym " ")) print sym, file
	}' | sort -k1,1 | join - "$T/exports" | awk '{ print $2, $1 }' | sort -u > "$T/api.want"
if [ -s "$T/api.want" ] && cmp -s "$T/api.want" "$T/api.got"; then
	ok "public list: $(wc -l < "$T/api.got") (module, export) pairs equal nm -u's and Module.symvers'"
else
	fail "public list: the pairs differ from nm -u's and Module.symvers'"
	diff "$T/api.want" "$T/api.got" | head -20 | sed 's/^/    | /'
fi
