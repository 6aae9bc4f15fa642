#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""symfence benchmarks, side by side with the tools a user would pick instead.

Each comparison runs every command of the pair alternately in one run (so both
see the same machine state), takes the median wall time and the peak resident
memory of each (from wait4), and reports ratios: absolute times on a shared
machine drift, ratios taken pair by pair hold.

  1. localize: a generated object of ~320,000 sections and 160,000 global
     functions (assembly, then ld -r), localizing half of the globals: symfence
     vs objcopy vs llvm-objcopy; outputs checked equal in meaning. Also at 1/4
     and 1/2 of the size, for the scaling.
  2. audit: the modules of Debian's linux-image package with a rules file of a
     few dozen patterns: symfence vs an nm -u | grep pipeline vs depmod -b;
     -j1 vs the default.
  3. seal: generated objects sealed vs plain ld -r of the same objects.

Writes bench/RESULTS.md and prints the same table.
"""
import argparse
import glob
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(cmd, cwd=None, shell=False):
    """Runs cmd; returns (seconds, peak RSS in KiB). Raises on failure.

    The peak memory comes from GNU time, not from wait4(): a child forked from
    this (large) Python process starts with its resident set counted in its
    ru_maxrss. For a shell pipeline it is the largest process of the pipeline."""
    import tempfile
    with tempfile.TemporaryFile() as errf, tempfile.NamedTemporaryFile("r") as rss:
        argv = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name]
        argv += ["sh", "-c", cmd] if shell else list(cmd)
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errf)
        _, status, _ = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        errf.seek(0)
        err = errf.read(4096).decode(errors="replace")
        ru = type("ru", (), {"ru_maxrss": int((rss.read().split() or ["0"])[-1])})
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # audit exits 1 when it finds violations
        raise RuntimeError(f"{cmd!r} failed ({code}): {err[:500]}")
    return dt, ru.ru_maxrss


def measure(cmds, runs, cwd=None):
    """cmds: {name: (cmd, shell)}; runs each alternately `runs` times after a warm-up."""
    res = {name: ([], []) for name in cmds}
    for name, (cmd, shell) in cmds.items():
        run_once(cmd, cwd=cwd, shell=shell)  # warm the page cache
    for _ in range(runs):
        for name, (cmd, shell) in cmds.items():
            dt, rss = run_once(cmd, cwd=cwd, shell=shell)
            res[name][0].append(dt)
            res[name][1].append(rss)
    return {name: (statistics.median(t), max(m)) for name, (t, m) in res.items()}


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def gen_big_object(work, nfuncs):
    """nfuncs global functions, each in its own section, calling another: ld -r output."""
    out = os.path.join(work, f"big-{nfuncs}.o")
    if os.path.exists(out):
        return out
    asm = os.path.join(work, f"big-{nfuncs}.s")
    with open(asm, "w") as f:
        for i in range(nfuncs):
            f.write(f'\t.section .text.f{i},"ax",@progbits\n\t.globl f{i}\n'
                    f'\t.type f{i},@function\nf{i}:\n\tcall f{(i * 7 + 1) % nfuncs}\n'
                    f'\tret\n\t.size f{i}, .-f{i}\n')
    sh(f"as -o {asm}.o {asm} && ld -r -o {out} {asm}.o && rm -f {asm} {asm}.o")
    with open(os.path.join(work, f"half-{nfuncs}.txt"), "w") as f:
        for i in range(0, nfuncs, 2):
            f.write(f"f{i}\n")
    return out


def symtab_meaning(path):
    """Meaning of an object's symbol table, read by this independent reader (struct, not
    symfence's code; readelf -r takes minutes on 320,000 sections): the symbols as sorted
    (name, binding, section) and every relocation as (section, offset, type, symbol name)."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path}: not ELF")
    is64, end = data[4] == 2, "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x3a)
        shfmt, symfmt, symsize = end + "IIQQQQIIQQ", end + "IBBHQQ", 24
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x2e)
        shfmt, symfmt, symsize = end + "IIIIIIIIII", end + "IIIBBH", 16
    first = struct.unpack_from(shfmt, data, shoff)
    if shnum == 0:
        shnum = first[5]
    shdrs = [struct.unpack_from(shfmt, data, shoff + i * shentsize) for i in range(shnum)]
    symtab = next(i for i, s in enumerate(shdrs) if s[1] == 2)
    st = shdrs[symtab]
    strtab = shdrs[st[6]]
    xindex = next((s for s in shdrs if s[1] == 18 and s[6] == symtab), None)

    def cstr(off):
        return data[off:data.index(b"\0", off)].decode()

    syms = []
    for i in range(st[5] // symsize):
        f = struct.unpack_from(symfmt, data, st[4] + i * symsize)
        name, info, shndx = (f[0], f[1], f[3]) if is64 else (f[0], f[3], f[5])
        if shndx == 0xffff and xindex:
            shndx, = struct.unpack_from(end + "I", data, xindex[4] + 4 * i)
        syms.append((cstr(strtab[4] + name), info >> 4, shndx))
    relocs = []
    for idx, s in enumerate(shdrs):
        if s[1] not in (4, 9):
            continue
        entsize = s[9]
        for j in range(s[5] // entsize):
            off, info = struct.unpack_from(end + ("QQ" if is64 else "II"), data, s[4] + j * entsize)
            sym, typ = (info >> 32, info & 0xffffffff) if is64 else (info >> 8, info & 0xff)
            relocs.append((idx, off, typ, syms[sym][0]))
    return sorted(syms), relocs


def bench_localize(args, work, rows, notes):
    sizes = [40000, 80000, 160000] if not args.quick else [4000, 8000, 16000]
    scaling = []
    for n in sizes:
        obj = gen_big_object(work, n)
        half = os.path.join(work, f"half-{n}.txt")
        outs = {t: os.path.join(work, f"out-{t}-{n}.o") for t in ("symfence", "objcopy", "llvm")}
        cmds = {
            "symfence localize": ([args.symfence, "localize", "--symbols-file", half, obj,
                                   "-o", outs["symfence"]], False),
            "objcopy --localize-symbols": (["objcopy", f"--localize-symbols={half}", obj,
                                            outs["objcopy"]], False),
        }
        if shutil.which("llvm-objcopy"):
            cmds["llvm-objcopy --localize-symbols"] = (
                ["llvm-objcopy", f"--localize-symbols={half}", obj, outs["llvm"]], False)
        r = measure(cmds, args.runs)
        meaning = {k: symtab_meaning(v) for k, v in outs.items() if os.path.exists(v)}
        same = all(m == meaning["symfence"] for m in meaning.values())
        if not same:
            notes.append(f"localize {n}: outputs DIFFER in meaning from objcopy/llvm-objcopy")
        size_mb = os.path.getsize(obj) / 1e6
        sf = r["symfence localize"]
        scaling.append((n, sf[0]))
        if n != sizes[-1]:
            continue
        for name, (t, m) in r.items():
            rows.append(("localize", f"{n} functions, {2 * n + 8} sections, {size_mb:.0f} MB",
                         name, t, m, t / r["objcopy --localize-symbols"][0] if name != "objcopy --localize-symbols" else None,
                         sf[0] / t if name != "symfence localize" else None,
                         "same meaning" if same else "DIFFERENT"))
        notes.append(f"localize targets: symfence/objcopy = {sf[0] / r['objcopy --localize-symbols'][0]:.3f}x (target <= 0.10)"
                     + (f", symfence/llvm-objcopy = {sf[0] / r['llvm-objcopy --localize-symbols'][0]:.3f}x (target <= 0.15)"
                        if "llvm-objcopy --localize-symbols" in r else "")
                     + f"; peak memory {sf[1] // 1024} MiB vs objcopy {r['objcopy --localize-symbols'][1] // 1024} MiB"
                     + (f", llvm-objcopy {r['llvm-objcopy --localize-symbols'][1] // 1024} MiB"
                        if "llvm-objcopy --localize-symbols" in r else ""))
    base_n, base_t = scaling[0]
    notes.append("localize scaling (symfence): " + ", ".join(
        f"{n} functions {t * 1000:.0f} ms ({t / base_t:.2f}x time for {n / base_n:.0f}x size)"
        for n, t in scaling))


def bench_seal(args, work, rows, notes):
    nobj, per = (64, 2500) if not args.quick else (8, 500)
    d = os.path.join(work, f"seal-{nobj}x{per}")
    if not os.path.isdir(d):
        os.makedirs(d)
        for k in range(nobj):
            asm = os.path.join(d, f"o{k}.s")
            with open(asm, "w") as f:
                for i in range(per):
                    name = f"{'lib_priv' if i % 2 else 'lib_pub'}_{k}_{i}"
                    f.write(f'\t.section .text.{name},"ax",@progbits\n\t.globl {name}\n'
                            f'\t.type {name},@function\n{name}:\n\tret\n\t.size {name}, .-{name}\n')
            sh(f"as -o {d}/o{k}.o {asm} && rm {asm}")
        with open(os.path.join(d, "seal.rules"), "w") as f:
            f.write("library bench\n    objects o*.o\n    private lib_priv_*\n")
    objs = sorted(glob.glob(os.path.join(d, "o*.o")))
    r = measure({
        "symfence seal": ([args.symfence, "seal", "-q", "-r", "seal.rules", "-o", "sealed.o"], False),
        "ld -r": (["ld", "-r", "-o", "plain.o"] + [os.path.basename(o) for o in objs], False),
    }, args.runs, cwd=d)
    over = r["symfence seal"][0] / r["ld -r"][0] - 1
    for name, (t, m) in r.items():
        rows.append(("seal", f"{nobj} objects, {nobj * per} functions", name, t, m,
                     None, None, f"overhead {over * 100:+.1f}%" if name == "symfence seal" else ""))
    notes.append(f"seal overhead over ld -r: {over * 100:+.1f}% (target <= +10%)")

    # seal --archive: the same library among other members of a thin archive, as in
    # vmlinux.a (which kbuild makes anew each time: so does every command here). Against
    # what one would do by hand, without a check: ld -r of the members, then ar writing
    # the archive again with the result in their place.
    nother = 500 if not args.quick else 50
    others = os.path.join(d, "others")
    if not os.path.isdir(others):
        os.makedirs(others)
        for k in range(nother):
            asm = os.path.join(others, f"n{k}.s")
            with open(asm, "w") as f:
                f.write(f"\t.text\n\t.globl other_{k}\n\t.type other_{k},@function\nother_{k}:\n\tret\n")
            sh(f"as -o {others}/n{k}.o {asm} && rm {asm}")
    half = [f"others/n{k}.o" for k in range(nother)]
    lib = [os.path.basename(o) for o in objs]
    before, after = " ".join(half[:nother // 2]), " ".join(half[nother // 2:])
    members = f"{before} {' '.join(lib)} {after}"
    make_ar = f"rm -f v.a && ar cDPrST v.a {members}"
    r = measure({
        "symfence seal --archive": (f"{make_ar} && {args.symfence} seal -q -r seal.rules "
                                    "--archive v.a -o sealed-ar.o", True),
        "ld -r, ar": (f"{make_ar} && ld -r -o plain-ar.o {' '.join(lib)} && rm -f v2.a && "
                      f"ar cDPrST v2.a {before} plain-ar.o {after}", True),
    }, args.runs, cwd=d)
    over = r["symfence seal --archive"][0] / r["ld -r, ar"][0] - 1
    for name, (t, m) in r.items():
        rows.append(("seal", f"{nobj} of {nobj + nother} thin-archive members", name, t, m,
                     None, None, f"overhead {over * 100:+.1f}%" if name.startswith("symfence") else ""))
    notes.append(f"seal --archive overhead over ld -r and ar: {over * 100:+.1f}% "
                 "(both make the archive first, as kbuild does)")


def find_module_tree(args):
    for pat in (os.path.join(args.cache, "linux-image*", "lib", "modules", "*"),
                os.path.join(TOP, "build", "cache", "*", "lib", "modules", "*")):
        for d in sorted(glob.glob(pat)):
            if os.path.isdir(os.path.join(d, "kernel")):
                return d
    return None


def fetch_module_tree(args):
    os.makedirs(args.cache, exist_ok=True)
    dep = subprocess.run("apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'",
                         shell=True, capture_output=True, text=True).stdout.strip()
    if not dep:
        return None
    debs = glob.glob(os.path.join(args.cache, f"{dep}_*.deb"))
    if not debs:
        if subprocess.run(["apt-get", "download", dep], cwd=args.cache).returncode:
            return None
        debs = glob.glob(os.path.join(args.cache, f"{dep}_*.deb"))
    dest = os.path.join(args.cache, dep)
    if not os.path.isdir(dest):
        sh(f"dpkg-deb -x {debs[0]} {dest}.tmp && mv {dest}.tmp {dest}")
    return find_module_tree(args)


def bench_audit(args, work, rows, notes):
    tree = find_module_tree(args) or fetch_module_tree(args)
    if not tree:
        notes.append("audit: no Debian module tree could be had (apt-get download failed); not measured")
        return
    version = os.path.basename(tree)
    root = os.path.dirname(os.path.dirname(os.path.dirname(tree)))
    kos = [p for p in glob.glob(os.path.join(tree, "kernel", "**", "*.ko*"), recursive=True)]
    # A realistic policy: a subsystem's internals (DMA, IOMMU, cache and page
    # attribute helpers) that a few dozen drivers still call.
    realistic = ["arch_sync_dma_*", "arch_dma_*", "dma_direct_*", "dma_common_*",
                 "dma_dummy_ops", "iommu_dma_*", "__iommu_*", "iommu_setup_dma_ops",
                 "iommu_get_dma_cookie", "iommu_put_dma_cookie", "iova_*", "alloc_iova",
                 "alloc_iova_fast", "free_iova", "free_iova_fast", "init_iova_domain",
                 "put_iova_domain", "swiotlb_*", "is_swiotlb_*", "dma_pool_*", "dmam_pool_*",
                 "dma_map_resource", "dma_unmap_resource", "iommu_map", "iommu_unmap",
                 "iommu_map_sg", "iommu_iova_to_phys", "iommu_domain_alloc",
                 "iommu_attach_device", "iommu_detach_device", "iommu_group_*",
                 "iommu_fwspec_*", "clflush_cache_range", "wbinvd_on_all_cpus",
                 "__flush_tlb_all", "set_memory_uc", "set_memory_wb", "cpa_*",
                 "__change_page_attr*", "set_pages_*", "arch_invalidate_pmem"]
    # A stress policy: symbols nearly every module references, many times each.
    stress = ["__kmalloc", "kfree", "_printk", "mutex_lock", "mutex_unlock", "__fentry__",
              "__x86_return_thunk", "__stack_chk_fail", "memcpy", "memset", "strlen"]
    rules = {}
    for name, pats in (("realistic", realistic), ("stress", stress)):
        rules[name] = os.path.join(work, f"audit-{name}.rules")
        with open(rules[name], "w") as f:
            f.write(f"library bench-{name}\n    private " + " ".join(pats) + "\n")
    privates = realistic
    pattern = "|".join(p.replace("*", ".*") for p in privates)
    listfile = os.path.join(work, "modules.list")
    with open(listfile, "w") as f:
        f.write("\n".join(kos) + "\n")
    compressed = kos and kos[0].endswith((".xz", ".zst", ".gz"))
    nm = (f"xargs -a {listfile} -P1 -I{{}} sh -c 'xz -dc {{}} > {work}/m.ko; nm -u {work}/m.ko' | grep -E ' ({pattern})$' > /dev/null"
          if compressed else
          f"xargs -a {listfile} nm -u | grep -E ' ({pattern})$' > /dev/null")
    cmds = {
        "symfence audit": ([args.symfence, "audit", "-r", rules["realistic"], tree + "/kernel"], False),
        "symfence audit -j1": ([args.symfence, "audit", "-j1", "-r", rules["realistic"], tree + "/kernel"], False),
        "symfence audit, stress rules": ([args.symfence, "audit", "-r", rules["stress"], tree + "/kernel"], False),
        "nm -u | grep": (nm, True),
    }
    if shutil.which("depmod"):
        cmds["depmod -b"] = (["depmod", "-b", root, version], False)
    r = measure(cmds, max(1, args.runs // 2))
    sf = r["symfence audit"][0]
    for name, (t, m) in r.items():
        rows.append(("audit", f"{len(kos)} modules ({'compressed' if compressed else 'plain'})",
                     name, t, m, None, sf / t if name != "symfence audit" else None,
                     "41 patterns, few matches" if name.startswith("symfence audit") and "stress" not in name
                     else "11 patterns every module uses" if "stress" in name else ""))
    notes.append(f"audit targets: symfence/depmod = {sf / r['depmod -b'][0]:.3f}x (target <= 0.25)"
                 if "depmod -b" in r else "audit: depmod not installed")
    notes.append(f"audit targets: symfence/nm pipeline = {sf / r['nm -u | grep'][0]:.3f}x (target <= 0.15)")
    notes.append(f"audit scaling: -j1 {r['symfence audit -j1'][0]:.2f} s, default (-j{os.cpu_count()}) {sf:.2f} s")


def effective_cpus():
    """How many CPUs of throughput the machine gives: two busy processes vs one."""
    busy = [sys.executable, "-c", "x = 0\nfor i in range(4000000): x += i"]
    t0 = time.perf_counter()
    subprocess.run(busy, check=True)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    procs = [subprocess.Popen(busy) for _ in range(2)]
    for p in procs:
        p.wait()
    two = time.perf_counter() - t0
    return 2 * one / two


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--symfence", default=os.path.join(TOP, "build", "symfence"))
    ap.add_argument("--work", default=os.path.join(TOP, "build", "bench"))
    ap.add_argument("--cache", default=os.path.join(TOP, "build", "cache"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    ap.add_argument("--only", choices=["localize", "audit", "seal"], action="append")
    ap.add_argument("--results", default=os.path.join(TOP, "bench", "RESULTS.md"))
    args = ap.parse_args()
    args.symfence = os.path.abspath(args.symfence)
    os.makedirs(args.work, exist_ok=True)
    rows, notes = [], []
    for name, fn in (("localize", bench_localize), ("seal", bench_seal), ("audit", bench_audit)):
        if not args.only or name in args.only:
            print(f"bench: {name} ...", file=sys.stderr)
            fn(args, args.work, rows, notes)

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for tool in ("objcopy", "llvm-objcopy", "nm", "depmod", "ld"):
        if shutil.which(tool):
            v = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
            versions.append(f"{tool}: {v.splitlines()[0] if v else '?'}")
    eff = effective_cpus()
    lines = ["# symfence benchmark results", "",
             f"Machine: {cpu}, {os.cpu_count()} CPUs ({eff:.1f} CPUs of throughput: two busy "
             f"processes vs one), {platform.system()} {platform.release()}.  ",
             f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; medians of {args.runs} runs "
             f"(audit: {max(1, args.runs // 2)}), every command of a group run alternately in one run, warm cache.  ",
             "Peak memory is the maximum resident set size, from GNU time (for a pipeline: its largest process).  ",
             "Tools: " + "; ".join(versions) + ".", "",
             "| bench | input | command | median | peak memory | vs objcopy | symfence / this |",
             "|---|---|---|---:|---:|---:|---:|"]
    for bench, inp, name, t, m, vs_oc, ratio, extra in rows:
        lines.append(f"| {bench} | {inp} | {name.replace('|', chr(92) + '|')} | {t * 1000:.0f} ms | {m / 1024:.0f} MiB | "
                     f"{'' if vs_oc is None else f'{vs_oc:.3f}x'} | "
                     f"{'' if ratio is None else f'{ratio:.3f}x'} {extra} |")
    lines += ["", "## Targets and scaling", ""] + [f"- {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        extra = ""
        if os.path.exists(args.results):
            with open(args.results) as f:
                old = f.read()
            i = old.find("\n## Analysis")
            if i >= 0:
                extra = old[i:]
        with open(args.results, "w") as f:
            f.write(text + extra)


if __name__ == "__main__":
    main()
