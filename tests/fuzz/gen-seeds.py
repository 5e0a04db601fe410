#!/usr/bin/env python3
"""Write the committed seed corpus, tests/fuzz/corpus/<harness>/.

Seeds are small, well-formed inputs of each parser (plus a few near-misses)
so libFuzzer starts from the interesting shapes instead of finding magic
numbers by chance. Regenerate with `tests/fuzz/gen-seeds.py`; the inputs the
fuzzers find themselves stay in build/fuzz/work/ (docs/fuzzing.md).
"""
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

PF_X, PF_W, PF_R = 1, 2, 4


def elf(segs, entry=None, etype=2):
    """ELF64 x86-64 executable: segs = [(vaddr, paddr, flags, data, memsz)]."""
    phoff = 64
    data_at = phoff + 56 * len(segs)
    body = b""
    phdrs = b""
    for va, pa, flags, data, memsz in segs:
        # Keep file offset and vaddr congruent mod the page, as real ELFs do.
        off = data_at + len(body)
        pad = (va - off) % 16
        body += b"\0" * pad
        off += pad
        phdrs += struct.pack("<IIQQQQQQ", 1, flags, off, va, pa, len(data),
                             memsz, 0x1000)
        body += data
    if entry is None:
        entry = segs[0][0]
    ident = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    eh = ident + struct.pack("<HHIQQQIHHHHHH", etype, 62, 1, entry, phoff, 0,
                             0, 64, 56, len(segs), 64, 0, 0)
    return eh + phdrs + body


def small_kernel():
    # text at 2 MiB (rx), data after it (rw, bss beyond the file)
    return elf([(0x200000, 0x200000, PF_R | PF_X, b"\xf4\xeb\xfd", 0x1000),
                (0x201000, 0x201000, PF_R | PF_W, b"data", 0x3000)])


def cpio_member(name, data, mode=0o100644, ino=1):
    nb = name.encode() + b"\0"
    hdr = "070701" + "".join("%08x" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
    out = hdr.encode() + nb
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def cpio(members):
    out = b"".join(cpio_member(n, d, m, i + 1)
                   for i, (n, d, m) in enumerate(members))
    return out + cpio_member("TRAILER!!!", b"", 0, 0)


def start_info(version=1, cmdline=b"kernel=k ptdump -- console=ttyS0",
               mods=((0x1000, 0x200),), memmap=((0, 0x9fc00, 1),
                                                (0xf0000, 0x10000, 2),
                                                (0x100000, 0x7f00000, 1))):
    """Physical memory from 0 with hvm_start_info at 0x40 (the harness's)."""
    mem = bytearray(0x2000)
    modlist, cmd, mmap, modcmd = 0x200, 0x400, 0x600, 0x800
    si = struct.pack("<IIIIQQQ", 0x336ec578, version, 0, len(mods),
                     modlist if mods else 0, cmd if cmdline else 0, 0xf5000)
    if version >= 1:
        si += struct.pack("<QII", mmap if memmap else 0, len(memmap), 0)
    mem[0x40:0x40 + len(si)] = si
    for i, (pa, size) in enumerate(mods):
        mem[modlist + 32 * i:modlist + 32 * (i + 1)] = struct.pack(
            "<QQQQ", pa, size, modcmd if i == 0 else 0, 0)
    mem[modcmd:modcmd + 7] = b"initrd\0"
    if cmdline:
        mem[cmd:cmd + len(cmdline) + 1] = cmdline + b"\0"
    for i, (addr, size, typ) in enumerate(memmap):
        mem[mmap + 24 * i:mmap + 24 * (i + 1)] = struct.pack(
            "<QQII", addr, size, typ, 0)
    return bytes(mem)


def efi_map(desc_size=48, entries=((7, 0, 0x9f), (7, 0x100000, 0x7f00),
                                   (0, 0xa0000, 0x60), (11, 0xfec00000, 1),
                                   (5, 0x8000000, 0x10))):
    out = struct.pack("<H", desc_size)
    for typ, pa, pages in entries:
        d = struct.pack("<IIQQQQ", typ, 0, pa, 0, pages, 0xf)
        out += d + b"\0" * (desc_size - len(d))
    return out


def memmap_recs():
    def rec(op, pa, ln):
        return bytes([op]) + struct.pack("<QQ", pa, ln)
    ram, res = 1 << 1, 2 << 1
    s = bytes([31])
    s += rec(ram, 0x100000, 0x7f00000) + rec(ram, 0, 0x9f000)
    s += rec(res, 0xf0000, 0x10000)
    s += rec(1 | (8 << 1), 0x100000, 0x20000)   # normalize, carve the loader
    s += rec(1 | (9 << 1), 0x200000, 0x4000)    # the kernel
    return s


def pv_start_info(flags=3, cmdline=b"ptdump -- console=hvc0"):
    """8 bytes of virt_base, then a 64-bit PV start_info (xen.h layout)."""
    vb = 0xffffffff80000000
    si = bytearray(1168)
    si[0:14] = b"xen-3.0-x86_64"
    struct.pack_into("<QQI", si, 32, 0x4000, 0x7000, flags)
    struct.pack_into("<QI", si, 56, 0x3ff0, 1)            # store
    struct.pack_into("<QI", si, 72, 0x3ff1, 2)            # console
    struct.pack_into("<QQQQQ", si, 88, vb + 0x400000, 6, vb + 0x300000,
                     vb + 0x200000, 0x1000)
    si[128:128 + len(cmdline)] = cmdline
    return struct.pack("<Q", vb) + bytes(si)


def utf16(text):
    """LoadOptions as the shell passes them: UCS-2 with the NUL."""
    return text.encode("utf-16-le") + b"\0\0"


def bzimage(setup_sects=1, jump=0x6a, version=0x020f, reloc=1, align=0x200000,
            xloadflags=0x7f, pref=0x1000000, init_size=0x3f98000, pm=0x600,
            cmdline_size=0x7ff, knobs=0):
    """A small bzImage: setup header at 0x1f1 (struct setup_header's
    layout), then pm bytes of protected-mode kernel; the last byte is the
    harness's knobs (command line / initrd above 4 GiB, table size)."""
    setup = ((setup_sects or 4) + 1) * 512
    img = bytearray(setup + pm)
    img[0:2] = b"MZ"
    img[0x1ef] = 0xff                                   # sentinel
    struct.pack_into("<BHIHHHHBB4sH", img, 0x1f1, setup_sects, 0, pm // 16,
                     0, 0, 0, 0xaa55, 0xeb, jump, b"HdrS", version)
    img[0x211] = 1                                      # LOADED_HIGH
    struct.pack_into("<IIBBHI", img, 0x22c, 0x7fffffff, align, reloc, 21,
                     xloadflags, cmdline_size)
    struct.pack_into("<II", img, 0x248, 0x100, pm - 0x200)  # payload
    struct.pack_into("<QI", img, 0x258, pref, init_size)
    img[setup:setup + 3] = b"\xeb\xfe\x90"
    img[-1] = knobs
    return bytes(img)


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    out = struct.pack("<III", len(n), len(desc), ntype) + n
    out += b"\0" * (-len(out) % 4) + desc
    return out + b"\0" * (-len(out) % 4)


def vmlinux(entry=0x1000000):
    """vmlinux-shaped: text R+X, data RW, percpu at vaddr 0, init RWX (like
    Debian 12's kernel, shrunk), a PT_NOTE with "Xen" and "Linux" notes, physical
    e_entry."""
    kv = 0xffffffff81000000
    segs = [(kv, 0x1000000, PF_R | PF_X, 0x1000),
            (kv + 0x1a00000, 0x2a00000, PF_R | PF_W, 0x2000),
            (0, 0x3044000, PF_R | PF_W, 0x1000),
            (kv + 0x2079000, 0x3079000, PF_R | PF_W | PF_X, 0x3000)]
    notes = note("Xen", 6, b"linux\0\0\0") + note("Linux", 0x100, b"0.0\0")
    phoff, nph = 64, len(segs) + 1
    note_at = phoff + 56 * nph
    data_at = 0x1000
    phdrs = b""
    body = bytearray(data_at - note_at)
    body[0:len(notes)] = notes
    for i, (va, pa, flags, memsz) in enumerate(segs):
        off = data_at + 0x1000 * i
        phdrs += struct.pack("<IIQQQQQQ", 1, flags, off, va, pa, 0x100, memsz,
                             0x200000)
        body += b"\xf4" * 0x100 + b"\0" * 0xf00
    phdrs += struct.pack("<IIQQQQQQ", 4, 4, note_at, 0, 0, len(notes),
                         len(notes), 4)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, phoff, 0,
                             0, 64, 56, nph, 64, 0, 0)
    return eh + phdrs + bytes(body)


def polyglot():
    """A vmlinux whose first page also holds boot_flag and "HdrS": a
    bzImage to eb_kernel_kind, so eb_vmlinux_parse must refuse it
    (docs/fuzzing.md, finding 4)."""
    img = bytearray(vmlinux())
    img[0x1fe:0x200] = b"\x55\xaa"
    img[0x202:0x206] = b"HdrS"
    return bytes(img)


def notes_elf(notes):
    """ELF64 with one PT_LOAD and one PT_NOTE holding notes."""
    blob = b"".join(note(*n) for n in notes)
    phoff, nph = 64, 2
    load_at = phoff + 56 * nph
    text = b"\xf4\xeb\xfd\0"
    note_at = load_at + len(text)
    ph = struct.pack("<IIQQQQQQ", 1, PF_R | PF_X, load_at, 0xffffffff81000000,
                     0x1000000, len(text), 0x1000, 0x1000)
    ph += struct.pack("<IIQQQQQQ", 4, PF_R, note_at, 0, 0, len(blob), 0, 4)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x1000000, phoff, 0,
                             0, 64, 56, nph, 64, 0, 0)
    return eh + ph + text + blob


def q(v):
    return struct.pack("<Q", v)


LINUX_XEN_NOTES = [
    ("Xen", 6, b"linux\0"), ("Xen", 7, b"2.6\0"), ("Xen", 5, b"xen-3.0\0"),
    ("Xen", 3, q(0xffffffff80000000)), ("Xen", 15, q(0x8000000000)),
    ("Xen", 1, q(0xffffffff830791c0)),
    ("Xen", 10, b"!writable_page_tables|pae_pgdir_above_4gb"),
    ("Xen", 17, struct.pack("<I", 0x8801)), ("Xen", 9, b"yes\0"),
    ("Xen", 8, b"generic\0"), ("Xen", 14, struct.pack("<I", 1)),
    ("Xen", 16, struct.pack("<I", 1)), ("Xen", 12, q(0xffff800000000000)),
    ("Xen", 4, q(0)), ("Linux", 0x100, b"0.0.0-fixture\0"),
    ("Xen", 18, struct.pack("<I", 0x1000850)),
]


def compressed(cmd, data, trailer=False):
    """data through a compression tool (CLI), with Linux's size trailer."""
    import subprocess
    out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
                         check=True).stdout
    return out + (struct.pack("<I", len(data)) if trailer else b"")


DECOMP_TEXT = b"earlyboot maps the kernel lazily; " * 40 + bytes(range(256))
DECOMP_TOOLS = {
    "gzip": ["gzip", "-9", "-n", "-c"],
    "bzip2": ["bzip2", "-9", "-c"],
    "lzma": ["xz", "--format=lzma", "--lzma1=preset=0,dict=64KiB", "-c"],
    "xz": ["xz", "--check=crc32", "--x86", "--lzma2=preset=0,dict=64KiB", "-c"],
    "lzo": ["lzop", "-9", "-c"],
    "lz4": ["lz4", "-l", "-9", "-c"],
    "zstd": ["zstd", "-19", "-q", "-c"],
}


def decompress_seeds():
    seeds = {}
    for name, cmd in DECOMP_TOOLS.items():
        seeds[name] = compressed(cmd, DECOMP_TEXT)
        seeds[name + "-trailer"] = compressed(cmd, DECOMP_TEXT[:300], True)
    seeds["zstd-two-frames"] = (compressed(DECOMP_TOOLS["zstd"], b"one") +
                                compressed(DECOMP_TOOLS["zstd"], b"two"))
    seeds["lz4-two-frames"] = (compressed(DECOMP_TOOLS["lz4"], b"one" * 9) +
                               compressed(DECOMP_TOOLS["lz4"], b"two" * 9))
    return seeds


SEEDS = {
    "fuzz_elf": {
        "small": small_kernel(),
        "entry-in-data": elf([(0x200000, 0x200000, PF_R | PF_X, b"\xf4", 0x1000),
                              (0x201000, 0x201000, PF_R | PF_W, b"d", 0x1000)],
                             entry=0x201000),
        "high-half": elf([(0xffffffff80200000, 0x200000, PF_R | PF_X, b"\xf4",
                           0x2000)]),
        "wx": elf([(0x200000, 0x200000, PF_R | PF_W | PF_X, b"\xf4", 0x1000)]),
    },
    "fuzz_cpio": {
        "kernel-initrd": cpio([("kernel", small_kernel(), 0o100644),
                               ("initrd", b"initrd bytes", 0o100644)]),
        "dir-and-dotslash": cpio([(".", b"", 0o40755),
                                  ("./kernel", b"\x7fELF", 0o100644)]),
        "empty": cpio([]),
    },
    "fuzz_bootmod": {
        "bare-elf": b"\0" + small_kernel(),
        "cpio-cmdline": b"\0" + cpio([("kernel", small_kernel(), 0o100644),
                                      ("initrd", b"rd", 0o100644),
                                      ("cmdline", b"console=ttyS0 quiet\n",
                                       0o100644)]),
        "named-members": b"\3" + cpio([("vmlinuz", small_kernel(), 0o100644),
                                       ("rd.img", b"rd", 0o100644)]),
    },
    "fuzz_bzimage": {
        "debian-like": bzimage(),
        "fits-16m": bzimage(init_size=0x800000, knobs=0xe0),
        "fixed": bzimage(reloc=0, align=0, init_size=0x100000, knobs=3),
        "fixed-busy": bzimage(reloc=0, init_size=0x1000000),
        "above-4g-no-xlf": bzimage(xloadflags=1, init_size=0x100000, knobs=3),
        "sects-0-long-hdr": bzimage(setup_sects=0, jump=0x7f, knobs=0x41),
        "protocol-2.12": bzimage(version=0x020c, jump=0x66, knobs=4),
        "vmlinux": vmlinux(),
        "vmlinux-virtual-entry": vmlinux(entry=0xffffffff81000000),
        "regress-vmlinux-with-setup-header": polyglot(),
    },
    "fuzz_cmdline": {
        "full": b"kernel=\\EFI\\kernel.elf initrd=initrd.img ptdump quiet "
                b"defect=nx debug=fault-outside -- console=ttyS0 root=/dev/vda",
        "cfg-line": b"kernel=testkernel.elf ptdump\n",
        "dashdash": b"--",
        "nul": b"kernel=a\0junk",
    },
    "fuzz_memmap": {"carve": memmap_recs()},
    "fuzz_efi_memmap": {
        "ovmf-like": efi_map(),
        "stride-40": efi_map(40),
        "stride-80": efi_map(80),
    },
    "fuzz_efi_options": {
        "shell": b"\0" + utf16("fs0:\\earlyboot.efi kernel=kernel.elf "
                               "initrd=initrd.img -- console=ttyS0"),
        "plain": b"\0" + utf16("kernel=vmlinuz ptdump quiet -- root=/dev/sda"),
        "binary": b"\0" + bytes([1, 0, 0, 0, 0x34, 0x12, 0xff, 0xfe]),
        "cfg": b"\1kernel=kernel initrd=initrd ptdump -- console=ttyS0 eb.marker\n",
        "cfg-crlf": b"\1kernel=k -- x\r\nignored\r\n",
    },
    "fuzz_pv_start_info": {
        "dom0": pv_start_info(),
        "domU": pv_start_info(flags=0, cmdline=b""),
    },
    "fuzz_xen_notes": {
        "linux-generic": notes_elf(LINUX_XEN_NOTES),
        "earlyboot": notes_elf([
            ("Xen", 6, b"earlyboot\0"), ("Xen", 5, b"xen-3.0\0"),
            ("Xen", 8, b"generic\0"), ("Xen", 3, q(0xffffffff80000000)),
            ("Xen", 4, q(0xffffffff80000000)), ("Xen", 1, q(0xffffffff80000000)),
            ("Xen", 2, q(0xffffffff80001000))]),
        "no-xen-notes": notes_elf([("Linux", 0x100, b"0.0.0\0")]),
        "bad-descsz": notes_elf([("Xen", 1, b"abc")] + LINUX_XEN_NOTES[:4]),
    },
    "fuzz_pvh_kernel": {
        "entry": notes_elf([("Xen", 18, struct.pack("<I", 0x1000000))]),
        "entry-reloc": notes_elf([("Xen", 18, struct.pack("<I", 0x1000000)),
                                  ("Xen", 19, struct.pack("<III", 0x200000, 0x1000000,
                                                          0x7fffffff))]),
        "entry-outside": notes_elf([("Xen", 18, struct.pack("<I", 0x2000000))]),
        "no-entry": notes_elf([("Linux", 0x100, b"0.0.0\0")]),
    },
    "fuzz_pvh_start_info": {
        "v1": start_info(),
        "v0": start_info(version=0, memmap=()),
        "two-mods": start_info(mods=((0x1000, 0x200), (0x1200, 0x100))),
        "no-cmdline": start_info(cmdline=b""),
    },
}


def main():
    SEEDS["fuzz_decompress"] = decompress_seeds()
    for harness, seeds in SEEDS.items():
        d = os.path.join(ROOT, harness)
        os.makedirs(d, exist_ok=True)
        for name, blob in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main())
