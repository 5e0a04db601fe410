#!/usr/bin/env python3
"""Tests for tools/extract-vmlinux.

Run from anywhere:  tests/tools/test_extract_vmlinux.py
Prints one line per case, "PASS extract_vmlinux:<case>",
"FAIL extract_vmlinux:<case>: <detail>" or "SKIP extract_vmlinux:<case>:
<why>" (a FAIL under CI=true), and exits nonzero if any case failed.

Each case builds a tiny fake bzImage (a setup header of protocol 2.15 whose
payload fields name the payload) around a fake vmlinux compressed by the
format's own tool, with and without Linux's 4-byte size trailer, runs the
tool as a program and compares the ELF it writes. The bad cases must end
with status 1 and exactly one "extract-vmlinux: error: ..." line naming
what is wrong.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "tools", "extract-vmlinux")

# The fake vmlinux: an ELF64 little-endian identity and some varied bytes.
VMLINUX = (b"\x7fELF\x02\x01\x01" + b"\0" * 57 +
           b"".join(struct.pack("<I", i * 2654435761 & 0xffffffff) for i in range(5000)) +
           b"kernel text " * 500)

# format: (compress command, the Debian package that has it, size trailer
# as Linux writes it)
FORMATS = {
    "gzip": (["gzip", "-9", "-n", "-c"], "gzip", False),
    "bzip2": (["bzip2", "-9", "-c"], "bzip2", True),
    "lzma": (["xz", "--format=lzma", "-9", "-c"], "xz-utils", True),
    "xz": (["xz", "--check=crc32", "--x86", "--lzma2=preset=6", "-c"], "xz-utils", True),
    "lzo": (["lzop", "-9", "-c"], "lzop", True),
    "lz4": (["lz4", "-l", "-9", "-c"], "lz4", True),
    "zstd": (["zstd", "-19", "-q", "-c"], "zstd", True),
}

results = {"fail": 0}


class Skip(Exception):
    pass


class Fail(Exception):
    pass


def report(name, fn):
    try:
        fn()
        print("PASS extract_vmlinux:%s" % name)
    except Skip as e:
        if os.environ.get("CI") == "true":
            print("FAIL extract_vmlinux:%s: skipped under CI: %s" % (name, e))
            results["fail"] += 1
        else:
            print("SKIP extract_vmlinux:%s: %s" % (name, e))
    except Exception as e:  # a crash of the test is a failure too
        print("FAIL extract_vmlinux:%s: %s" % (name, str(e).replace("\n", " ")))
        results["fail"] += 1


def compress(fmt, data):
    cmd, pkg, _ = FORMATS[fmt]
    if shutil.which(cmd[0]) is None:
        raise Skip("%s not installed (Debian package %s)" % (cmd[0], pkg))
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout


def bzimage(payload, setup_sects=1, version=0x020F, off=0x40, length=None):
    """A setup header naming payload at off past the protected-mode kernel."""
    setup = bytearray((setup_sects + 1) * 512)
    setup[0x1F1] = setup_sects
    struct.pack_into("<H", setup, 0x1FE, 0xAA55)
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, version)
    struct.pack_into("<II", setup, 0x248, off,
                     len(payload) if length is None else length)
    return bytes(setup) + b"\xcc" * off + payload + b"\xcc" * 16


def run(image, env=None):
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "bzImage"), os.path.join(d, "vmlinux")
        with open(src, "wb") as f:
            f.write(image)
        r = subprocess.run([TOOL, src, out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env)
        got = None
        if os.path.exists(out):
            with open(out, "rb") as f:
                got = f.read()
        return r.returncode, r.stderr.decode(errors="replace"), got


def expect_ok(image):
    rc, err, got = run(image)
    if rc != 0:
        raise Fail("status %d: %s" % (rc, err.strip()))
    if got != VMLINUX:
        raise Fail("wrote %s bytes, not the %d-byte vmlinux"
                   % (None if got is None else len(got), len(VMLINUX)))


def expect_error(image, *words, env=None):
    rc, err, got = run(image, env)
    lines = err.splitlines()
    if rc != 1:
        raise Fail("status %d, want 1 (stderr %r)" % (rc, err))
    if len(lines) != 1 or not lines[0].startswith("extract-vmlinux: error: "):
        raise Fail("want one 'extract-vmlinux: error:' line, got %r" % err)
    for w in words:
        if w not in lines[0]:
            raise Fail("error %r does not mention %r" % (lines[0], w))
    if got is not None:
        raise Fail("an output file was written despite the error")


def with_trailer(fmt):
    def case():
        z = compress(fmt, VMLINUX)
        if FORMATS[fmt][2]:
            z += struct.pack("<I", len(VMLINUX))
        expect_ok(bzimage(z))
    return case


def bare(fmt):
    def case():
        expect_ok(bzimage(compress(fmt, VMLINUX)))
    return case


def truncated(fmt):
    def case():
        z = compress(fmt, VMLINUX)
        expect_error(bzimage(z[:len(z) // 2]), fmt)
    return case


def wrong_trailer(fmt):
    def case():
        z = compress(fmt, VMLINUX) + struct.pack("<I", len(VMLINUX) + 1)
        expect_error(bzimage(z), fmt, "size trailer")
    return case


def corrupted(fmt):
    def case():
        z = bytearray(compress(fmt, VMLINUX))
        # The stream's own check must catch a flipped byte in the middle.
        z[len(z) // 2] ^= 0x55
        expect_error(bzimage(bytes(z)), fmt)
    return case


def uncompressed():
    expect_ok(bzimage(VMLINUX))


def not_elf():
    z = compress("gzip", b"this is no kernel" * 100)
    expect_error(bzimage(z), "not an ELF64")


def unknown_magic():
    expect_error(bzimage(b"\x01\x02\x03\x04\x05\x06junk" * 10), "010203040506",
                 "not gzip")


def no_header():
    expect_error(b"\0" * 4096, "no Linux setup header")


def too_short():
    expect_error(b"MZ" * 10, "too short")


def old_protocol():
    expect_error(bzimage(VMLINUX, version=0x0206), "2.06", "needs 2.08")


def payload_outside():
    expect_error(bzimage(VMLINUX, length=len(VMLINUX) + 4096), "lies outside")


def missing_tool():
    z = compress("lz4", VMLINUX) + struct.pack("<I", len(VMLINUX))
    # A PATH with python3 but without lz4: the error names the package.
    with tempfile.TemporaryDirectory() as d:
        os.symlink(sys.executable, os.path.join(d, "python3"))
        env = dict(os.environ, PATH=d)
        expect_error(bzimage(z), "lz4", "Debian package lz4", env=env)


def main():
    for fmt in FORMATS:
        report("%s" % fmt, with_trailer(fmt))
        if FORMATS[fmt][2]:
            report("%s_without_trailer" % fmt, bare(fmt))
        report("%s_truncated" % fmt, truncated(fmt))
        report("%s_wrong_trailer" % fmt, wrong_trailer(fmt))
        # LZ4's legacy frame and LZMA alone carry no checksum of their data.
        if fmt not in ("lz4", "lzma"):
            report("%s_corrupted" % fmt, corrupted(fmt))
    for fn in (uncompressed, not_elf, unknown_magic, no_header, too_short,
               old_protocol, payload_outside, missing_tool):
        report(fn.__name__, fn)
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
