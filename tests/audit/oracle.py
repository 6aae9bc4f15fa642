#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The audit's oracle, from readelf's output alone.

oracle.py refs OBJECT SYMBOL...
    one line "WHERE SYMBOL COUNT" per (function, symbol): WHERE is function+0xOFF of the
    first relocation naming SYMBOL in the STT_FUNC symbol covering it (global before weak
    before local), or section+0xOFF when none covers it; relocations of .debug_* are ignored.
oracle.py json FILE [OBJECT]
    the same lines from symfence's --format json (references only).
oracle.py addr OBJECT FUNCTION
    the address (section offset) of FUNCTION, for addr2line.
"""
import json
import re
import subprocess
import sys


def readelf(*args):
    return subprocess.run(['readelf', '-W', *args], check=True, capture_output=True,
                          text=True).stdout


SYM = re.compile(r'^\s*(\d+):\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\S+)\s*(\S*)')
REL = re.compile(r'^([0-9a-f]+)\s+[0-9a-f]+\s+\S+\s+[0-9a-f]+\s+(\S+)')
RELSEC = re.compile(r"^Relocation section '(\.rela?)(\S+)'")
RANK = {'GLOBAL': 0, 'WEAK': 1, 'LOCAL': 2}


def symbols(obj):
    out = []
    for line in readelf('-s', obj).splitlines():
        m = SYM.match(line)
        if m:
            idx, value, size, typ, bind, ndx, name = m.groups()
            out.append((int(idx), int(value, 16), int(size, 0), typ, bind, ndx, name))
    return out


def section_index(obj):
    names = {}
    for line in readelf('-S', obj).splitlines():
        m = re.match(r'^\s*\[\s*(\d+)\]\s+(\S+)', line)
        if m:
            names[m.group(2)] = m.group(1)
    return names


def refs(obj, wanted):
    secs = section_index(obj)
    funcs = [s for s in symbols(obj) if s[3] in ('FUNC', 'IFUNC') and s[2] > 0 and s[5].isdigit()]
    groups = {}
    target = None
    for line in readelf('-r', obj).splitlines():
        m = RELSEC.match(line)
        if m:
            target = m.group(2)
            continue
        m = REL.match(line)
        if not m or target is None or target.startswith('.debug'):
            continue
        off, sym = int(m.group(1), 16), m.group(2)
        if sym not in wanted:
            continue
        ndx = secs[target]
        cover = sorted((RANK[f[4]], f[0], f) for f in funcs
                       if f[5] == ndx and f[1] <= off < f[1] + f[2])
        if cover:
            f = cover[0][2]
            key, rel = f[6], off - f[1]
        else:
            key, rel = target, off
        first, count = groups.get((key, sym), (rel, 0))
        groups[(key, sym)] = (min(first, rel), count + 1)
    return sorted('%s+0x%x %s %d' % (k, first, sym, n) for (k, sym), (first, n) in groups.items())


def from_json(path, obj=None):
    doc = json.load(open(path))
    return sorted('%s %s %d' % (f['where'], f['symbol'], f['count']) for f in doc['findings']
                  if f['kind'] != 'definition' and (obj is None or f['object'] == obj))


def main():
    mode = sys.argv[1]
    if mode == 'refs':
        lines = refs(sys.argv[2], set(sys.argv[3:]))
    elif mode == 'json':
        lines = from_json(*sys.argv[2:4])
    else:
        lines = ['0x%x' % s[1] for s in symbols(sys.argv[2])
                 if s[6] == sys.argv[3] and s[3] == 'FUNC']
    print('\n'.join(lines))


main()
