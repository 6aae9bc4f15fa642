#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Every diagnostic in the sources is documented in the man pages.

usage: diagnostics.py SRCDIR MANPAGE...

Takes the string literals of every call that reports (symfence_error,
symfence_warning, symfence_report, sf_malformed, ar_corrupt, sf_warn_selected,
fprintf(stderr, ...)), cuts each at its format conversions and at ': ', and
looks for every piece of eight or more characters with a space in it in the
man pages as groff renders them. An entry may list variants as (a|b|c).
sf_elf_error names a libelf call, documented once as "call() failed".
With SRCDIR/../kbuild/Makefile.symfence, the kbuild fragment's $(error ...)
messages too.
"""
import glob
import re
import subprocess
import sys
CALLS=r'\b(sf_malformed|symfence_error|symfence_warning|symfence_report|sf_elf_error|ar_corrupt|sf_warn_selected|fprintf\s*\(\s*stderr)\s*\('
def man(p):
    t=subprocess.run(['groff','-man','-Tascii','-rLL=20000n','-rHY=0','-P-cbou',p],capture_output=True,text=True).stdout
    return re.sub(r'\s+',' ',t)
text=' '.join(man(p) for p in sys.argv[2:])
# An entry written 'cannot decompress (xz|zstd|gzip): ...' documents each.
for alt in set(re.findall(r'\(([^()|\s]+(?:\|[^()|\s]+)+)\)', text)):
    for w in alt.split('|'):
        text += ' ' + text.replace('(' + alt + ')', '(' + w, 1)[text.index('(' + alt + ')') - 200:text.index('(' + alt + ')') + 200]
def literals(src,start):
    # the argument list of the call starting at '(' index start
    depth=0;i=start;out=[];cur=None
    while i<len(src):
        c=src[i]
        if c=='"':
            j=i+1;buf=''
            while src[j]!='"':
                if src[j]=='\\': buf+=src[j:j+2]; j+=2; continue
                buf+=src[j]; j+=1
            if cur is None: cur=''
            cur+=buf; i=j+1; continue
        if not c.isspace() and cur is not None:
            out.append(cur); cur=None
        if c=='(': depth+=1
        elif c==')':
            depth-=1
            if depth==0: break
        i+=1
    if cur is not None: out.append(cur)
    return out
missing=0;n=0
for f in sorted(glob.glob(sys.argv[1]+'/*.c')):
    src=open(f).read()
    for m in re.finditer(CALLS,src):
        for lit in literals(src,m.end()-1):
            lit=lit.replace('\\n','').replace('\\t',' ').replace('\\"','"').replace("\\'","'")
            frags=[x.strip(" :,.;()'") for part in lit.split(': ') for x in re.split(r"%[-+ #0]*[*\d]*(?:\.[*\d]+)?(?:hh|h|ll|l|z|j|t)?[a-zA-Z%]",part)]
            frags=[x for x in frags if len(x)>=8 and ' ' in x]
            for fr in frags:
                n+=1
                if fr not in text:
                    missing+=1
                    line=src.count('\n',0,m.start())+1
                    print(f"{f}:{line}: not in the man pages: '{fr}'")
# The kbuild fragment's messages: $(error symfence: ...) and $(call symfence-fail,OBJ,...),
# when SRCDIR has a ../kbuild/Makefile.symfence beside it. Make references ($(o), ...)
# cut the text as format conversions do.
def make_args(src, start):
    # the text of the make call whose '(' is at start, to its matching ')'
    depth = 0
    for i in range(start, len(src)):
        depth += src[i] == '('
        depth -= src[i] == ')'
        if depth == 0:
            return src[start + 1:i]
    return src[start + 1:]
for f in sorted(glob.glob(sys.argv[1] + '/../kbuild/Makefile.symfence')):
    src = open(f).read()
    for m in re.finditer(r'\$\((error symfence: |call symfence-fail,)', src):
        body = make_args(src, m.start() + 1)
        body = body[len(m.group(1)):]
        if m.group(1).startswith('call'):
            body = body.split(',', 1)[1] if ',' in body else ''
        body = re.sub(r'\\\n\s*', ' ', body)
        # drop make references, innermost first
        while re.search(r'\$\([^()]*\)', body):
            body = re.sub(r'\$\([^()]*\)', '\x00', body)
        for part in body.replace('\x00', ': ').split(': '):
            fr = re.sub(r'\s+', ' ', part).strip(" :,.;()'")
            if len(fr) < 8 or ' ' not in fr:
                continue
            n += 1
            if fr not in text:
                missing += 1
                line = src.count('\n', 0, m.start()) + 1
                print(f"{f}:{line}: not in the man pages: '{fr}'")
print(f"checked {n} message fragments, {missing} missing")
sys.exit(1 if missing else 0)
