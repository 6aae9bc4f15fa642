#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What check-kernel.sh expects of vmlinux.a's members (one per line in FILE).

  members.py left FILE LIB PATTERN...    the members the library's objects
                                         patterns match, and symfence-LIB.o
                                         unless it is there exactly once
  members.py seal FILE LIB PATTERN...    FILE with the members the patterns
                                         match replaced by symfence-LIB.o at
                                         the first one's place

(fnmatch's '*' also crosses '/': stricter than symfence's patterns for
'left', and the same for the patterns of README.md's rules.)
"""
import fnmatch
import sys


def main():
    what, path, lib, pats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    members = open(path, encoding="utf-8").read().split()
    sealed = f"symfence-{lib}.o"

    def ours(x):
        return any(fnmatch.fnmatchcase(x, p) for p in pats)

    if what == "left":
        left = [x for x in members if ours(x)]
        if members.count(sealed) != 1:
            left.append(f"{sealed} {members.count(sealed)} times")
        print(" ".join(left))
    elif what == "seal":
        out, done = [], False
        for x in members:
            if not ours(x):
                out.append(x)
            elif not done:
                out.append(sealed)
                done = True
        print("\n".join(out))
    else:
        sys.exit(f"members.py: unknown '{what}'")


main()
