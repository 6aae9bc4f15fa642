#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Apply README.md's kernel-tree instructions to a kernel source tree.

README.md marks every block a maintainer is told to add with a comment on the
line before its fence:

    <!-- check-kernel: FILE new -->                   the block is FILE
    <!-- check-kernel: FILE replace-lines A-B -->     the block replaces lines A..B
    <!-- check-kernel: FILE after 'LINE' -->          the block goes after LINE
    <!-- check-kernel: FILE before 'LINE' -->         the block goes before LINE

(after and before take alternatives, 'LINE1'|'LINE2': the one line of the file
that is one of them, for kbuilds that spell it differently; leading blanks do
not count.)

so the kernel test adds exactly what the README says. Lines replaced must be
the ones this script knows (EXPECTED): a kernel whose file differs is an error,
not a guess. usage: apply-readme.py README.md TREE
"""
import re
import sys

# What replace-lines may replace, by file: the original text, checked.
EXPECTED = {
    "drivers/tty/Makefile": (
        "obj-$(CONFIG_TTY)\t\t+= tty_io.o n_tty.o tty_ioctl.o tty_ldisc.o \\\n"
        "\t\t\t\t   tty_buffer.o tty_port.o tty_mutex.o \\\n"
        "\t\t\t\t   tty_ldsem.o tty_baudrate.o tty_jobctrl.o \\\n"
        "\t\t\t\t   n_null.o\n"
        "obj-$(CONFIG_LEGACY_PTYS)\t+= pty.o\n"
        "obj-$(CONFIG_UNIX98_PTYS)\t+= pty.o\n"
        "obj-$(CONFIG_AUDIT)\t\t+= tty_audit.o\n"
    ),
}

MARK = re.compile(r"^<!-- check-kernel: (\S+) (new|replace-lines (\d+)-(\d+)|after ('.*')|before ('.*')) -->$")


def blocks(readme):
    lines = open(readme, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if not m:
            i += 1
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            sys.exit(f"{readme}:{i + 1}: check-kernel mark not followed by a fenced block")
        j = i + 2
        while j < len(lines) and lines[j] != "```":
            j += 1
        if j == len(lines):
            sys.exit(f"{readme}:{i + 2}: unterminated block")
        yield i + 1, m, "\n".join(lines[i + 2:j]) + "\n"
        i = j + 1


def write(path, text):
    # A new file, never an edit in place: the tree's files may be hard links
    # to a pristine copy.
    tmp = path + ".check-kernel.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    import os
    os.replace(tmp, path)


def main():
    readme, tree = sys.argv[1], sys.argv[2]
    n = 0
    for line, m, text in blocks(readme):
        path = f"{tree}/{m.group(1)}"
        where = f"{readme}:{line}: {m.group(1)}"
        if m.group(2) == "new":
            write(path, text)
        else:
            old = open(path, encoding="utf-8").read()
            rows = old.splitlines(keepends=True)
            if m.group(3):
                a, b = int(m.group(3)), int(m.group(4))
                if "".join(rows[a - 1:b]) != EXPECTED.get(m.group(1)):
                    sys.exit(f"{where}: lines {a}-{b} are not the ones README.md replaces")
                rows[a - 1:b] = [text]
            else:
                anchors = m.group(5) if m.group(5) is not None else m.group(6)
                anchors = anchors[1:-1].split("'|'")
                # (leading blanks aside: a recipe line starts with a tab, which README.md's
                # marks leave out)
                hits = [k for k, r in enumerate(rows) if r.strip() in [a.strip() for a in anchors]]
                if len(hits) != 1:
                    sys.exit(f"{where}: {anchors} found {len(hits)} times, not once")
                k = hits[0] + 1 if m.group(5) is not None else hits[0]
                rows[k:k] = [text]
            write(path, "".join(rows))
        n += 1
    if n == 0:
        sys.exit(f"{readme}: no check-kernel blocks")
    print(f"apply-readme: {n} blocks from {readme}")


main()
