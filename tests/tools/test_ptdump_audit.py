#!/usr/bin/env python3
"""Tests for tools/ptdump-audit on crafted boot logs.

One clean log passes; then each rule is broken once, on its own, and the
audit must fail naming that rule and the dump line; the facts it relies on
(the loader's "earlyboot: audit" lines, the kernel ELF) are checked too.
Prints "PASS ptdump_audit:<case>" / "FAIL ptdump_audit:<case>: <detail>".
"""

import atexit
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "tools", "ptdump-audit")

UNITS = [("E", 1 << 60), ("P", 1 << 50), ("T", 1 << 40), ("G", 1 << 30),
         ("M", 1 << 20), ("K", 1 << 10)]
KTEXT = 0xffffffff81000000
LTEXT = 0x100000
POOL = 0x174000


def size_text(n):
    for u, b in UNITS:
        if n % b == 0:
            return "%d%s" % (n // b, u)
    raise ValueError(n)


def rng(va, size, pa, flags, leaf="4K"):
    """One dump line; flags as the dump spells them, e.g. "ro x"."""
    return "ptdump: 0x%016x-0x%016x pa=0x%016x %s leaf=%s %s ks - WB" % (
        va, va + size, pa, size_text(size), leaf, flags)


def good_ranges():
    return [
        rng(LTEXT, 0xc000, LTEXT, "ro x"),
        rng(LTEXT + 0xc000, 0x4000, LTEXT + 0xc000, "ro NX"),
        rng(POOL, 0xb000, POOL, "RW NX"),
        rng(0xffff888000000000, 0x9f000, 0, "RW NX"),
        rng(KTEXT, 0x4000, 0x1000000, "ro x"),
        rng(KTEXT + 0x4000, 0x2000, 0x1004000, "RW NX"),
    ]


def facts(world="pvh"):
    return [
        "earlyboot: audit world %s" % world,
        "earlyboot: audit exec 0x%016x-0x%016x loader text" % (LTEXT, LTEXT + 0xc000),
        "earlyboot: audit exec 0x%016x-0x%016x kernel segment 0" % (KTEXT, KTEXT + 0x4000),
        "earlyboot: audit tables 0x%016x-0x%016x main pool" % (POOL, POOL + 0xb000),
    ]


def log(ranges, fact_lines=None):
    lines = ["earlyboot: PVH entry at 0x100000"]
    lines += facts() if fact_lines is None else fact_lines
    lines.append("ptdump: begin root=0x%016x levels=4" % POOL)
    lines += ranges
    lines.append("ptdump: end ranges=%d" % len(ranges))
    lines.append("TESTKERNEL: PASS pvh 6 checks")
    return "\n".join(lines) + "\n"


def elf(exec_segs):
    """An ELF64 header + program headers: [(vaddr, memsz, flags)]."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, KTEXT, 64, 0, 0, 64,
                             56, len(exec_segs), 64, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", 1, fl, 0x1000, va, va, 0, sz, 0x1000)
                  for va, sz, fl in exec_segs)
    return eh + ph


TMP = tempfile.mkdtemp(prefix="ptdump-audit-test.")
# Removed at exit: a test run leaves nothing outside build/.
atexit.register(shutil.rmtree, TMP, ignore_errors=True)


def run(text, *args, name="t.log"):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([sys.executable, TOOL, path] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return p.returncode, p.stdout


failed = 0


def case(name, text, want_rc, want=(), args=(), unwanted=()):
    global failed
    rc, out = run(text, *args)
    why = None
    if rc != want_rc:
        why = "status %d, want %d" % (rc, want_rc)
    for w in want:
        if why is None and w not in out:
            why = "output lacks %r" % w
    for u in unwanted:
        if why is None and u in out:
            why = "output has %r" % u
    if why:
        failed += 1
        print("FAIL ptdump_audit:%s: %s; output: %s" % (
            name, why, " | ".join(out.strip().splitlines()[:4])))
    else:
        print("PASS ptdump_audit:%s" % name)


def with_range(i, line):
    r = good_ranges()
    r[i] = line
    return r


def main():
    kelf = os.path.join(TMP, "k.elf")
    with open(kelf, "wb") as f:
        f.write(elf([(KTEXT, 0x3800, 5), (KTEXT + 0x4000, 0x2000, 6)]))
    other = os.path.join(TMP, "other.elf")
    with open(other, "wb") as f:
        f.write(elf([(KTEXT, 0x8000, 5)]))

    case("clean", log(good_ranges()), 0, [": ok (6 ranges, 2 exec ranges"])
    case("clean_with_kernel_elf", log(good_ranges()), 0, [": ok"],
         args=("--kernel-elf", kelf))
    # Line numbers: 1 entry, 4 facts, begin at 6, ranges from 7.
    case("wx", log(with_range(5, rng(KTEXT + 0x4000, 0x2000, 0x1004000, "RW x"))),
         1, ["t.log:12: wx: 0xffffffff81004000-0xffffffff81006000 is writable and executable"])
    case("exec_outside", log(with_range(3, rng(0xffff888000000000, 0x9f000, 0, "ro x"))),
         1, ["t.log:10: exec: 0xffff888000000000-0xffff88800009f000 is executable"],
         unwanted=[": wx:"])
    case("exec_partly_outside",
         log(with_range(1, rng(LTEXT + 0xc000, 0x4000, LTEXT + 0xc000, "ro x"))),
         1, ["exec: 0x000000000010c000-0x0000000000110000 is executable but "
             "0x000000000010c000-0x0000000000110000"])
    r = good_ranges()
    r.insert(0, rng(0, 0x1000, 0x5000, "ro NX"))
    case("page0", log(r), 1, ["t.log:7: page0: 0x0000000000000000-0x0000000000001000 maps virtual page 0"])
    r = good_ranges()
    r.insert(3, rng(0xffff888000174000 - 0x1000000, 0x1000, POOL + 0x2000, "RW NX"))
    r.sort(key=lambda l: int(l.split()[1][:18], 16))
    case("pv_tables", log(r, facts("pv")), 1,
         ["pv-tables: ", "maps table frame 0x176000 writable"])
    case("pv_tables_pool_itself", log(good_ranges(), facts("pv")), 1,
         ["t.log:9: pv-tables: 0x0000000000174000-0x000000000017f000 maps table frame 0x174000 writable"])
    case("pv_rule_native_world", log(good_ranges(), facts("pvh")), 0,
         ["rules: wx exec page0)"], unwanted=["pv-tables:"])
    case("pv_option_forces_rule", log(good_ranges()), 1, ["pv-tables: "],
         args=("--pv",))
    case("pv_without_tables", log(good_ranges(), facts("pv")[:3]), 1,
         ["cannot audit: PV rule asked for but no table frames known"])
    case("kernel_elf_mismatch", log(good_ranges()), 1,
         ["exec: the log's kernel exec ranges [0xffffffff81000000-0xffffffff81004000] "
          "are not %s's executable segments [0xffffffff81000000-0xffffffff81008000]" % other],
         args=("--kernel-elf", other))
    case("no_facts", log(good_ranges(), []), 1,
         ["cannot audit: no executable ranges declared"])
    case("allow_exec_option", log(good_ranges(), []), 0, [": ok"],
         args=("--allow-exec", "100000-10c000",
               "--allow-exec", "ffffffff81000000-ffffffff81004000"))
    case("no_dump", "earlyboot: nothing here\n", 1, ["cannot audit: ptdump-view"])
    # Several violations: every one is reported, the summary counts them.
    r = with_range(5, rng(KTEXT + 0x4000, 0x2000, 0x1004000, "RW x"))
    r[3] = rng(0xffff888000000000, 0x9f000, 0, "ro x")
    case("all_reported", log(r), 1, [": wx: ", ": exec: ", "FAIL 3 violations"])
    # The Linux boot protocol's excuses (docs/linux.md): each only with its
    # fact line, and only for what the line declares.
    wx_seg = rng(KTEXT + 0x4000, 0x2000, 0x1004000, "RW x")
    wx_fact = "earlyboot: audit wx 0x%016x-0x%016x kernel segment 1 (Linux)" % (
        KTEXT + 0x4000, KTEXT + 0x6000)
    exec_fact = "earlyboot: audit exec 0x%016x-0x%016x kernel segment 1" % (
        KTEXT + 0x4000, KTEXT + 0x6000)
    case("wx_declared", log(with_range(5, wx_seg), facts() + [exec_fact, wx_fact]),
         0, [": ok"])
    short_fact = wx_fact.replace("%016x" % (KTEXT + 0x6000), "%016x" % (KTEXT + 0x5000))
    case("wx_declared_too_short", log(with_range(5, wx_seg), facts() + [exec_fact, short_fact]),
         1, [": wx: 0xffffffff81004000-0xffffffff81006000 is writable and executable"])
    page0_fact = "earlyboot: audit page0 0x0000000000000000-0x0000000000001000 BIOS data area"
    r = good_ranges()
    r.insert(0, rng(0, 0x1000, 0, "ro NX"))
    case("page0_declared", log(r, facts() + [page0_fact]), 0, [": ok"])
    r[0] = rng(0, 0x1000, 0, "RW NX")
    case("page0_declared_but_writable", log(r, facts() + [page0_fact]), 1,
         ["page0: 0x0000000000000000-0x0000000000001000 maps virtual page 0 writable or executable"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
