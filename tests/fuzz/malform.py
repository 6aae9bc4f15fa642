# SPDX-License-Identifier: GPL-2.0-only
"""Writes a set of malformed ELF files, each derived from a good relocatable object.

  malform.py GOOD.o OUTDIR [GROUP.o]

Every file OUTDIR/NAME.o is GOOD.o with one defect; OUTDIR/MANIFEST lists
"NAME<TAB>what is wrong" per line. GROUP.o (an object with a COMDAT group,
e.g. from g++) adds the group cases. Only the ELF header, section headers,
.symtab and relocation tables are parsed; ELF32/ELF64, both byte orders.
The tool under test must refuse each file with exit status 2 and one line
naming it; tests/integration/t-malformed.sh runs them.
"""
import os
import struct
import sys

SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_REL, SHT_GROUP = 2, 3, 4, 9, 17
SHT_SYMTAB_SHNDX = 18
SHF_COMPRESSED = 0x800


class Elf:
    def __init__(self, data):
        self.b = bytearray(data)
        b = self.b
        assert b[:4] == b"\x7fELF", "not ELF"
        self.is64 = b[4] == 2
        self.e = ">" if b[5] == 2 else "<"
        if self.is64:
            self.shoff_at, self.hdr = 0x28, 64
            (self.shoff,) = self.unpack("Q", 0x28)
            self.shentsize, self.shnum, self.shstrndx = self.unpack("HHH", 0x3A)
            self.shfmt = "IIQQQQIIQQ"
        else:
            self.shoff_at, self.hdr = 0x20, 52
            (self.shoff,) = self.unpack("I", 0x20)
            self.shentsize, self.shnum, self.shstrndx = self.unpack("HHH", 0x2E)
            self.shfmt = "IIIIIIIIII"
        self.fields = ["name", "type", "flags", "addr", "offset", "size", "link", "info",
                       "align", "entsize"]
        self.secs = [self.shdr(i) for i in range(self.shnum)]
        names = self.secs[self.shstrndx]
        for s in self.secs:
            s["str"] = self.cstr(names["offset"] + s["name"])

    def unpack(self, fmt, off):
        return struct.unpack_from(self.e + fmt, self.b, off)

    def pack(self, fmt, off, *v):
        struct.pack_into(self.e + fmt, self.b, off, *v)

    def cstr(self, off):
        return self.b[off:self.b.index(b"\0", off)].decode("latin-1")

    def shdr(self, i):
        s = dict(zip(self.fields, self.unpack(self.shfmt, self.shoff + i * self.shentsize)))
        s["index"] = i
        return s

    def set(self, i, field, value):
        """Sets one section header field of section i."""
        sizes = [4, 4, 8, 8, 8, 8, 4, 4, 8, 8] if self.is64 else [4] * 10
        off = self.shoff + i * self.shentsize + sum(sizes[:self.fields.index(field)])
        self.pack("Q" if sizes[self.fields.index(field)] == 8 else "I", off, value)

    def find(self, name=None, type=None):
        for s in self.secs:
            if (name is None or s["str"] == name) and (type is None or s["type"] == type):
                return s
        raise KeyError(name or type)

    def symtab(self):
        return self.find(type=SHT_SYMTAB)

    def symsize(self):
        return 24 if self.is64 else 16

    def sym_off(self, i):
        return self.symtab()["offset"] + i * self.symsize()

    def set_sym(self, i, field, value):
        """st_name, st_info, st_shndx of symbol i."""
        at = self.sym_off(i)
        if field == "name":
            self.pack("I", at, value)
        elif field == "info":
            self.b[at + (4 if self.is64 else 12)] = value
        elif field == "shndx":
            self.pack("H", at + (6 if self.is64 else 14), value)

    def rel_info_off(self, sec, n):
        return sec["offset"] + n * sec["entsize"] + (8 if self.is64 else 4)

    def set_rel_sym(self, sec, n, sym):
        at = self.rel_info_off(sec, n)
        if self.is64:
            (info,) = self.unpack("Q", at)
            self.pack("Q", at, (sym << 32) | (info & 0xFFFFFFFF))
        else:
            (info,) = self.unpack("I", at)
            self.pack("I", at, (sym << 8) | (info & 0xFF))

    def reloc(self):
        for s in self.secs:
            if s["type"] in (SHT_RELA, SHT_REL) and s["size"]:
                return s
        raise KeyError("relocation section")


def cases(good, group):
    """Yields (name, description, bytes)."""
    size = len(good)

    def mk():
        return Elf(good)

    e = mk()
    # Truncations: every offset in the ELF header, then 40 spread over the file.
    for n in range(0, e.hdr):
        yield "trunc-hdr-%02d" % n, "truncated to %d bytes (inside the ELF header)" % n, good[:n]
    seen = set(range(e.hdr))
    for k in range(40):
        n = e.hdr + (size - e.hdr) * k // 40
        if n not in seen:
            seen.add(n)
            yield "trunc-%05d" % n, "truncated to %d of %d bytes" % (n, size), good[:n]

    e = mk()
    e.pack("Q" if e.is64 else "I", e.shoff_at, size)
    yield "shoff-at-end", "e_shoff is the file size", e.b
    e = mk()
    e.pack("Q" if e.is64 else "I", e.shoff_at, 0xFFFFFFF0 if not e.is64 else 0xFFFFFFFFFFFFFF00)
    yield "shoff-huge", "e_shoff near the top of the address space", e.b
    e = mk()
    e.pack("H", e.shoff_at + (0x3C - 0x28 if e.is64 else 0x30 - 0x20), 0xFF00)
    yield "shnum-huge", "e_shnum 0xff00, past the end of the file", e.b
    e = mk()
    e.pack("H", e.shoff_at + (0x3E - 0x28 if e.is64 else 0x32 - 0x20), e.shnum + 3)
    yield "shstrndx-out", "e_shstrndx beyond the sections", e.b
    e = mk()
    e.pack("H", e.shoff_at + (0x3A - 0x28 if e.is64 else 0x2E - 0x20), 12)
    yield "shentsize-wrong", "e_shentsize 12", e.b

    text = e.find(".text")["index"]
    st = e.symtab()["index"]
    rel = e.reloc()["index"]
    strtab = e.symtab()["link"]

    e = mk()
    e.set(text, "offset", size + 0x1000)
    yield "text-offset-out", ".text sh_offset beyond the end of the file", e.b
    e = mk()
    e.set(text, "size", 0x7FFFFFF0)
    yield "text-size-out", ".text sh_size beyond the end of the file", e.b
    e = mk()
    e.set(st, "offset", size - 8)
    yield "symtab-offset-out", ".symtab runs past the end of the file", e.b
    e = mk()
    e.set(st, "size", 0xFFFFFFF0 // e.symsize() * e.symsize())
    yield "symtab-size-out", ".symtab sh_size of 4 GiB", e.b
    e = mk()
    e.set(rel, "size", e.secs[rel]["size"] + 0x100000 * e.secs[rel]["entsize"])
    yield "rela-size-out", "relocation section sh_size beyond the file", e.b

    e = mk()
    e.set(rel, "link", e.shnum + 100)
    yield "rela-link-out", "relocation section sh_link beyond the sections", e.b
    e = mk()
    e.set(st, "link", e.shnum + 1)
    yield "symtab-link-out", ".symtab sh_link beyond the sections", e.b
    e = mk()
    e.set(st, "link", text)
    yield "symtab-link-text", ".symtab sh_link to .text (not a string table)", e.b
    e = mk()
    e.set(rel, "link", text)
    yield "rela-link-text", "relocation section linked to .text, not the symbol table", e.b
    e = mk()
    e.set(rel, "info", e.shnum + 7)
    yield "rela-info-out", "relocation section applies to a section that does not exist", e.b

    e = mk()
    e.set(st, "entsize", 0)
    yield "symtab-entsize-0", ".symtab sh_entsize 0", e.b
    e = mk()
    e.set(st, "entsize", e.symsize() + 1)
    yield "symtab-entsize-wrong", ".symtab sh_entsize one too large", e.b
    e = mk()
    e.set(st, "size", e.secs[st]["size"] - 1)
    yield "symtab-size-odd", ".symtab sh_size not a multiple of the entry size", e.b
    e = mk()
    e.set(rel, "entsize", 0)
    yield "rela-entsize-0", "relocation sh_entsize 0", e.b
    e = mk()
    e.set(rel, "entsize", e.secs[rel]["entsize"] + 4)
    yield "rela-entsize-wrong", "relocation sh_entsize 4 bytes too large", e.b
    e = mk()
    e.set(rel, "size", e.secs[rel]["size"] - 3)
    yield "rela-size-odd", "relocation sh_size not a multiple of the entry size", e.b

    nsyms = e.secs[st]["size"] // e.symsize()
    e = mk()
    e.set_rel_sym(e.secs[rel], 0, nsyms + 5)
    yield "rela-sym-out", "relocation names symbol %d of %d" % (nsyms + 5, nsyms), e.b
    e = mk()
    e.set_rel_sym(e.secs[rel], 0, 0xFFFFFF if not e.is64 else 0xFFFFFFFF)
    yield "rela-sym-max", "relocation names the largest symbol index", e.b
    e = mk()
    e.set(st, "info", nsyms + 1)
    yield "symtab-info-out", ".symtab sh_info beyond the symbol count", e.b
    e = mk()
    e.set(st, "info", 0)
    yield "symtab-info-0", ".symtab sh_info 0 (symbol 0 is local)", e.b
    e = mk()
    e.set(st, "info", 1)
    yield "symtab-info-1", ".symtab sh_info 1: locals after the first global", e.b

    e = mk()
    e.set_sym(nsyms - 1, "name", e.secs[strtab]["size"] + 10)
    yield "sym-name-out", "a symbol's st_name beyond the string table", e.b
    e = mk()
    e.set_sym(nsyms - 1, "shndx", e.shnum + 2)
    yield "sym-shndx-out", "a symbol's st_shndx beyond the sections", e.b
    e = mk()
    e.set_sym(nsyms - 1, "shndx", 0xFFFF)
    yield "sym-xindex", "SHN_XINDEX with no .symtab_shndx", e.b
    e = mk()
    e.b[e.secs[strtab]["offset"] + e.secs[strtab]["size"] - 1] = ord("x")
    yield "strtab-unterminated", "symbol string table not NUL-terminated", e.b
    e = mk()
    e.b[e.secs[e.shstrndx]["offset"] + e.secs[e.shstrndx]["size"] - 1] = ord("x")
    yield "shstrtab-unterminated", "section name table not NUL-terminated", e.b
    e = mk()
    e.set(text, "name", e.secs[e.shstrndx]["size"] + 100)
    yield "secname-out", "a section name offset beyond the section name table", e.b
    e = mk()
    e.set(e.shstrndx, "type", 1)
    yield "shstrtab-not-strtab", "section name table of type PROGBITS", e.b
    e = mk()
    e.set(text, "type", SHT_SYMTAB)
    e.set(text, "entsize", e.symsize())
    e.set(text, "link", strtab)
    e.set(text, "size", 0)
    yield "two-symtabs", "a second SHT_SYMTAB", e.b
    e = mk()
    e.set(st, "flags", SHF_COMPRESSED)
    yield "symtab-compressed", ".symtab with SHF_COMPRESSED", e.b
    e = mk()
    e.set(st, "type", 1)
    e.set(rel, "link", 0)
    yield "no-symtab-relocs", "relocation sections but no symbol table", e.b

    # Overlapping sections: tables the rewrite patches share bytes with others.
    e = mk()
    e.set(strtab, "offset", e.secs[st]["offset"])
    e.set(strtab, "size", min(e.secs[strtab]["size"], e.secs[st]["size"]))
    e.b[e.secs[st]["offset"] + min(e.secs[strtab]["size"], e.secs[st]["size"]) - 1] = 0
    yield "overlap-strtab-symtab", ".strtab overlaps .symtab", e.b
    e = mk()
    e.set(rel, "offset", e.secs[st]["offset"])
    e.set(rel, "size", min(e.secs[rel]["size"], e.secs[st]["size"]) // e.secs[rel]["entsize"] *
          e.secs[rel]["entsize"])
    yield "overlap-rela-symtab", "a relocation section overlaps .symtab", e.b
    e = mk()
    sh_tab = e.shnum * e.shentsize
    e.set(rel, "offset", e.shoff)
    e.set(rel, "size", min(e.secs[rel]["size"], sh_tab) // e.secs[rel]["entsize"] *
          e.secs[rel]["entsize"])
    yield "overlap-rela-shdrs", "a relocation section overlaps the section header table", e.b
    e = mk()
    e.set(st, "offset", 0)
    yield "overlap-symtab-ehdr", ".symtab overlaps the ELF header", e.b

    # Headers.
    for cls in (0, 3):
        e = mk()
        e.b[4] = cls
        yield "class-%d" % cls, "EI_CLASS %d" % cls, e.b
    for data in (0, 3):
        e = mk()
        e.b[5] = data
        yield "data-%d" % data, "EI_DATA %d" % data, e.b
    e = mk()
    e.b[6] = 0
    yield "version-0", "EI_VERSION 0", e.b
    e = mk()
    e.b[4] = 1 if e.is64 else 2
    yield "class-swapped", "ELF64 file marked ELFCLASS32 (or the reverse)", e.b
    e = mk()
    e.b[5] = 2 if e.b[5] == 1 else 1
    yield "data-swapped", "byte order flipped", e.b
    yield "not-elf-text", "a text file", b"int main(void) { return 0; }\n" * 4
    yield "not-elf-random", "random bytes", bytes((i * 7919 + 13) % 251 for i in range(777))
    yield "not-elf-magic3", "only the first three bytes of the magic", b"\x7fELG" + good[4:]
    yield "empty", "an empty file", b""

    if group:
        g = Elf(group)
        gs = g.find(type=SHT_GROUP)
        gn = gs["size"] // 4
        gsyms = g.symtab()["size"] // g.symsize()

        e = Elf(group)
        e.pack("I", gs["offset"] + 4 * (gn - 1), e.shnum + 50)
        yield "group-bad-section", "a COMDAT group lists a section that does not exist", e.b
        e = Elf(group)
        e.pack("I", gs["offset"] + 4, 0)
        yield "group-section-0", "a COMDAT group lists section 0", e.b
        e = Elf(group)
        e.set(gs["index"], "info", gsyms + 3)
        yield "group-sig-out", "a COMDAT group's signature symbol beyond the symbols", e.b
        e = Elf(group)
        e.set(gs["index"], "entsize", 8)
        yield "group-entsize", "a group with sh_entsize 8", e.b
        e = Elf(group)
        e.set(gs["index"], "size", 0)
        yield "group-empty", "a group section with no flag word", e.b


def main():
    good = open(sys.argv[1], "rb").read()
    outdir = sys.argv[2]
    group = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else None
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "MANIFEST"), "w") as m:
        for name, what, data in cases(good, group):
            with open(os.path.join(outdir, name + ".o"), "wb") as f:
                f.write(bytes(data))
            m.write("%s\t%s\n" % (name, what))


if __name__ == "__main__":
    main()
