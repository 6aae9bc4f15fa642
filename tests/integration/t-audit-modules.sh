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
if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
	ok "$SUBDIR: $(wc -l < "$T/got") (module, symbol) pairs in $nmods modules equal nm -u's"
else
	fail "$SUBDIR: (module, symbol) pairs differ from nm -u's"
	diff "$T/want" "$T/got" | head -20 | sed 's/^/    | /'
fi
expect_output "$SUBDIR: every module audited" <(tail -1 "$T/net.err") \
	"^symfence: audited $nmods objects: [0-9]+ errors, 0 warnings, 0 notes$"

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
	<(tail -1 "$T/all.out") "^symfence: audited $listed objects: [0-9]+ errors, 0 warnings, 0 notes$"
