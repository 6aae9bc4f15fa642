#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Every message the sources report is documented in the man pages.

messages.py TOP
    Collects the format strings of the reporting calls in TOP/src/*.c
    (symfence_error(), symfence_report(), ..., and the asprintf() that build
    audit messages), turns each into a pattern where every conversion (%s,
    %u, ...) stands for the placeholder the man page writes ('sym', N, ...),
    and looks for it in the text of man/symfence.1 and man/symfence-rules.5
    (roff fonts and escapes removed, white space folded). Prints one line per
    message not found, and "N messages" at the end; exit status 1 when one
    is missing.
"""
import glob
import re
import sys

CALLS = re.compile(r'\b(symfence_error|symfence_warning|symfence_note|symfence_report|'
                   r'symfence_vreport|sf_malformed|lerror|lwarning|lvreport|cli_usage_error|'
                   r'input_error|ar_corrupt|asprintf)\s*\(')
CONV = re.compile(r'%[-0-9.*]*(?:ll|l|z|h)?[sduxXcp]')
# Strings of those calls that are not messages.
NOT_MESSAGES = {'in the baseline'}


def roff_args(rest):
    """A macro line's arguments: blanks separate them, except inside double quotes."""
    args, cur, quoted, have, i = [], '', False, False, 0
    while i < len(rest):
        c = rest[i]
        if quoted and c == '"' and rest[i + 1:i + 2] == '"':
            cur += '"'
            i += 2
            continue
        if c == '"':
            quoted, have = not quoted, True
        elif c in ' \t' and not quoted:
            if cur or have:
                args.append(cur)
            cur, have = '', False
        else:
            cur += c
        i += 1
    if cur or have:
        args.append(cur)
    return args


def man_text(path):
    out = []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        m = re.match(r'^\.([A-Za-z]+)\b ?(.*)$', line)
        if line.startswith('.\\"'):
            continue
        if m:
            mac, rest = m.groups()
            args = roff_args(rest)
            if mac in ('BI', 'IB', 'BR', 'RB', 'IR', 'RI'):
                text = ''.join(args)  # alternating fonts, no space between
            elif mac in ('B', 'I', 'TP', 'TQ', 'SS', 'SH', 'IP'):
                text = ' '.join(args)
            else:
                continue
        else:
            text = line
        text = re.sub(r'\\f[BIRP]', '', text)
        for esc, rep in (('\\ ', ' '), ('\\-', '-'), ('\\(em', '-'), ('\\(dq', '"'), ('\\&', ''),
                         ('\\e', '\\')):
            text = text.replace(esc, rep)
        out.append(text)
    return ' '.join(' '.join(out).split())


def literals(src, start):
    """The string literals (adjacent ones joined) of the call whose '(' is at start."""
    depth, i, lits, end = 0, start, [], None
    while i < len(src):
        c = src[i]
        if c == '"':
            j, buf = i + 1, ''
            while src[j] != '"':
                step = 2 if src[j] == '\\' else 1
                buf += src[j:j + step]
                j += step
            if end is not None and not src[end:i].strip():
                lits[-1] += buf
            else:
                lits.append(buf)
            i = end = j + 1
            continue
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                break
        i += 1
    return lits


def pattern(fmt):
    fmt = fmt.replace('\\"', '"').replace('\\\\', '\\')
    parts = CONV.split(fmt)
    return '.+?'.join(r'\s*'.join(re.escape(w) for w in p.split(' ')) for p in parts)


def main():
    top = sys.argv[1]
    man = man_text(top + '/man/symfence.1') + ' ' + man_text(top + '/man/symfence-rules.5')
    n, missing = 0, []
    for path in sorted(glob.glob(top + '/src/*.c')):
        src = open(path, encoding='utf-8').read()
        for m in CALLS.finditer(src):
            before = src[src.rfind('\n', 0, m.start()) + 1:m.start()]
            if re.match(r'\s*(static\s+)?(int|void|bool|size_t)\s', before) or '#define' in before:
                continue  # the function's own definition
            for lit in literals(src, m.end() - 1):
                if len(re.findall(r'[a-zA-Z]{2,}', CONV.sub('', lit))) < 2 or \
                        'XXXXXX' in lit or lit in NOT_MESSAGES:
                    continue  # a format such as "%s/%s", a template name
                n += 1
                if re.fullmatch(r'\w+\(\) failed: %s', lit):
                    lit = 'call() failed: %s'  # documented once for every libelf call
                if not re.search(pattern(lit), man):
                    line = src.count('\n', 0, m.start()) + 1
                    missing.append('%s:%d: "%s"' % (path[len(top) + 1:], line, lit))
    for m in missing:
        print('not in the man pages:', m)
    print('%d messages' % n)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
