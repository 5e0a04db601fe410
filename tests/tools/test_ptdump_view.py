#!/usr/bin/env python3
"""Tests for tools/ptdump-view.

Run from anywhere:  python3 tests/tools/test_ptdump_view.py
Prints one line per case, "PASS ptdump_view:<case>" or
"FAIL ptdump_view:<case>: <detail>", and exits nonzero if any case failed.

Most cases run the tool as a program, the way a person or a script does, and
compare its output with exact expected text: a wrong number, a missing row or
a reworded error must make a case fail. The sample logs are in data/.
"""

import contextlib
import importlib.machinery
import importlib.util
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "tools", "ptdump-view")
# Paths as the tool is given them (it runs with cwd=ROOT), so that expected
# error messages, which start with the path, are exact strings.
DATA = "tests/tools/data"
SVG_NS = "{http://www.w3.org/2000/svg}"
WX_RED = "#e53935"


class Fail(Exception):
    pass


def check(cond, detail):
    if not cond:
        raise Fail(detail)


def equal(got, want, what):
    if got != want:
        raise Fail("%s: got %r, want %r" % (what, got, want))


def run(*args, stdin=None):
    """Run the tool; return (status, stdout, stderr) as text."""
    p = subprocess.run([sys.executable, TOOL] + list(args), cwd=ROOT, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    check("Traceback" not in err, "Python traceback on stderr: %r" % err[-300:])
    return p.returncode, out, err


def load_tool():
    """Import the tool (a script without .py) as a module, for in-process
    cases that would be too slow as hundreds of subprocesses."""
    loader = importlib.machinery.SourceFileLoader("ptdump_view", TOOL)
    spec = importlib.util.spec_from_loader("ptdump_view", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def data(name):
    return os.path.join(DATA, name)


def read_bytes(name):
    with open(os.path.join(ROOT, DATA, name), "rb") as f:
        return f.read()


def dump_lines(name):
    """The range lines of a data file, from "ptdump:" on, CRs dropped."""
    out = []
    for line in read_bytes(name).decode().split("\n"):
        line = line.replace("\r", "")
        pos = line.find("ptdump: 0x")
        if pos >= 0:
            out.append(line[pos:].strip())
    return out


def expect_error(args, want_err, want_out=""):
    """Run and demand status 1, exactly these stderr lines and this stdout."""
    rc, out, err = run(*args)
    equal(rc, 1, "exit status")
    equal(err.splitlines(), want_err, "stderr")
    equal(out, want_out, "stdout")


def lines_between(text, first, count):
    """count lines of text starting at the line equal to first."""
    lines = text.splitlines()
    check(first in lines, "line %r not in output:\n%s" % (first, text))
    i = lines.index(first)
    return lines[i:i + count]


TOP = 1 << 64

# sample.log by hand: (log line, va start, va end, pa, size, leaf,
#                      writable, executable, user, global, cache)
SAMPLE_RANGES = [
    (6, 0x1000, 0xa0000, 0x1000, 636 << 10, "4K", True, False, False, False, "WB"),
    (7, 0xb8000, 0xc0000, 0xb8000, 32 << 10, "4K", True, False, False, False, "UC"),
    (8, 0x100000, 0x105000, 0x100000, 20 << 10, "4K", False, True, False, True, "WB"),
    (9, 0x105000, 0x107000, 0x105000, 8 << 10, "4K", False, False, False, True, "WB"),
    (10, 0x107000, 0x200000, 0x107000, 996 << 10, "4K", True, False, False, True, "WB"),
    (11, 0x200000, 0x40000000, 0x200000, 1022 << 20, "2M", True, False, False, True, "WB"),
    (12, 0x40000000, 0x100000000, 0x40000000, 3 << 30, "1G", True, False, False, True, "WB"),
    (13, 0x400000000000, 0x400000004000, 0x2000000, 16 << 10, "4K", True, False, True, False, "WB"),
    (14, 0xffff888000000000, 0xffff888100000000, 0, 4 << 30, "1G", True, False, False, True, "WB"),
    (15, 0xffffffff80000000, 0xffffffff80200000, 0x100000, 2 << 20, "4K", False, True, False, True, "WB"),
    # The last page of the address space: its end prints as 0 and means 2**64.
    (16, 0xfffffffffffff000, TOP, 0xfee00000, 4 << 10, "4K", True, False, False, True, "UC"),
]
SAMPLE_PERMS = ["RW", "RW", "RX", "RO", "RW", "RW", "RW", "user", "RW", "RX", "RW"]

SAMPLE_TABLE = """\
VA start            VA end (excl)        size  PA                  leaf  flags
0x0000000000001000  0x00000000000a0000   636K  0x0000000000001000  4K    RW NX ks - WB
0x00000000000b8000  0x00000000000c0000    32K  0x00000000000b8000  4K    RW NX ks - UC
0x0000000000100000  0x0000000000105000    20K  0x0000000000100000  4K    ro x ks G WB
0x0000000000105000  0x0000000000107000     8K  0x0000000000105000  4K    ro NX ks G WB
0x0000000000107000  0x0000000000200000   996K  0x0000000000107000  4K    RW NX ks G WB
0x0000000000200000  0x0000000040000000  1022M  0x0000000000200000  2M    RW NX ks G WB
0x0000000040000000  0x0000000100000000     3G  0x0000000040000000  1G    RW NX ks G WB
0x0000400000000000  0x0000400000004000    16K  0x0000000002000000  4K    RW NX US - WB
0xffff888000000000  0xffff888100000000     4G  0x0000000000000000  1G    RW NX ks G WB
0xffffffff80000000  0xffffffff80200000     2M  0x0000000000100000  4K    ro x ks G WB
0xfffffffffffff000  0x0000000000000000     4K  0x00000000fee00000  4K    RW NX ks G UC
""".splitlines()

# Worked out by hand from SAMPLE_RANGES:
#   4K leaves: 636+32+20+8+996+16+2048+4 = 3760K in 8 ranges
#   total: 3760K + 1022M + 7G = 3760K + 1046528K + 7340032K = 8390320K
#   writable: total - RX (20K + 2M) - RO (8K) = 8390320K - 2076K = 8388244K
SAMPLE_SUMMARY = """\
summary: 11 ranges, 8390320K (~8.00G) mapped
  4K leaves:   3760K            in 8 ranges
  2M leaves:   1022M            in 1 range
  1G leaves:   7G               in 2 ranges
  writable:    8388244K (~8.00G) in 8 ranges
  executable:  2068K            in 2 ranges
  user:        16K              in 1 range
  W+X:         0                in 0 ranges
""".splitlines()


# ---------------------------------------------------------------- the cases


def case_parse_sample():
    tool = load_tool()
    dumps, problems = tool.parse_log(read_bytes("sample.log").decode())
    equal([(p.line, p.message) for p in problems], [], "problems")
    equal(len(dumps), 1, "number of dumps")
    d = dumps[0]
    equal((d.begin_line, d.end_line, d.root, d.levels, d.declared),
          (5, 17, 0x101000, 4, 11), "begin/end/root/levels/count")
    got = [(r.line, r.va_start, r.va_end, r.pa, r.size, r.leaf, r.writable,
            r.executable, r.user, r.global_, r.cache) for r in d.ranges]
    equal(got, SAMPLE_RANGES, "parsed ranges")


def case_table_content():
    rc, out, err = run(data("sample.log"))
    equal((rc, err), (0, ""), "status and stderr")
    lines = out.splitlines()
    equal(lines[0], "dump 0 (of 1 in the log; lines 5-17): root=0x0000000000101000 "
          "levels=4, 11 ranges", "heading")
    equal(lines_between(out, SAMPLE_TABLE[0], len(SAMPLE_TABLE)), SAMPLE_TABLE, "table")


def case_summary_numbers():
    rc, out, _ = run(data("sample.log"))
    equal(rc, 0, "exit status")
    got = lines_between(out, SAMPLE_SUMMARY[0], len(SAMPLE_SUMMARY) + 1)
    # ... and nothing after it: no W+X warning for a clean dump.
    equal(got, SAMPLE_SUMMARY, "summary")
    check("WARNING" not in out, "W+X warning printed for a dump without W+X")


def case_multi_prefixes_crs():
    raw = read_bytes("multi.log")
    # Guard the case itself: a checkout that rewrote line endings would make
    # this test pass without exercising CRs.
    check(b"\r\n" in raw and b"\r\r\n" in raw and b"WB\rptdump: end" in raw,
          "multi.log lost its carriage returns")
    check(b"(XEN) ptdump:" in raw and b"] ptdump:" in raw, "multi.log lost its prefixes")
    rc, out, err = run(data("multi.log"))
    equal((rc, err), (0, ""), "status and stderr")
    lines = out.splitlines()
    equal(lines[0], "dump 2 (of 3 in the log; lines 17-20): root=0x0000000000102000 "
          "levels=5, 3 ranges", "default picks the last dump")
    equal(lines[3:6], [
        "0x0000000000200000  0x0000000000600000    4M  0x0000000000200000  2M    RW NX ks G WB",
        "0x0080000000000000  0x0080000000001000    4K  0x0000000000300000  4K    RW NX US - WB",
        "0xff11000000000000  0xff11000140000000    5G  0x0000000000000000  1G    RW NX ks G WB",
    ], "rows of the last dump")


def case_list():
    rc, out, err = run(data("multi.log"), "--list")
    equal((rc, err), (0, ""), "status and stderr")
    equal(out.splitlines(), [
        "  0: lines 3-6 root=0x0000000000101000 levels=4 ranges=2 ok",
        "  1: lines 10-15 root=0x0000000000abc000 levels=4 ranges=3 ok",
        "* 2: lines 17-20 root=0x0000000000102000 levels=5 ranges=3 ok",
    ], "--list")


def case_index():
    rc, out, err = run(data("multi.log"), "--index", "1")
    equal((rc, err), (0, ""), "--index 1 status and stderr")
    lines = out.splitlines()
    equal(lines[0], "dump 1 (of 3 in the log; lines 10-15): root=0x0000000000abc000 "
          "levels=4, 3 ranges", "--index 1 heading")
    equal(lines[3:6], [
        "0x0000000000000000  0x0000000000400000    4M  0x0000000001000000  4K    RW NX ks - WB",
        "0xffff800000000000  0xffff800040000000    1G  0x0000000000000000  2M    ro NX ks G WB",
        "0xffffffff80000000  0xffffffff80200000    2M  0x0000000001000000  4K    ro x ks G WB",
    ], "--index 1 rows (the console line inside the dump is skipped)")
    rc, out0, _ = run(data("multi.log"), "--index", "0")
    equal(out0.splitlines()[0], "dump 0 (of 3 in the log; lines 3-6): "
          "root=0x0000000000101000 levels=4, 2 ranges", "--index 0 heading")
    rc, out_neg, _ = run(data("multi.log"), "--index", "-2")
    equal(out_neg, out, "--index -2 is --index 1")
    expect_error([data("multi.log"), "--index", "3"], [
        "ptdump-view: tests/tools/data/multi.log: --index 3 out of range: "
        "the log has 3 dumps (0..2)"])


def case_wx_warning():
    rc, out, err = run(data("wx.log"))
    equal((rc, err), (0, ""), "status and stderr")
    lines = out.splitlines()
    equal(lines[-3:], [
        "  W+X:         2068K            in 2 ranges",
        "WARNING: W+X range 0x0000000000100000-0x0000000000105000 (20K, log line 3) "
        "is writable and executable",
        "WARNING: W+X range 0xffffffff80000000-0xffffffff80200000 (2M, log line 6) "
        "is writable and executable",
    ], "W+X summary and warnings")
    # With --json the warnings move to stderr, keeping stdout pure JSON.
    rc, out, err = run(data("wx.log"), "--json")
    equal(rc, 0, "--json status")
    equal(json.loads(out)["summary"]["wx"], {"ranges": 2, "bytes": 2068 << 10}, "JSON wx")
    equal(len([l for l in err.splitlines() if "WARNING: W+X range" in l]), 2,
          "W+X warnings on stderr with --json")


def svg_of(logname, *extra):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.svg")
        rc, out, err = run(data(logname), "--svg", path, *extra)
        equal((rc, err), (0, ""), "status and stderr")
        check(os.path.exists(path), "no SVG written")
        return ET.parse(path).getroot(), out  # raises if not well-formed XML


def range_rects(root):
    return [r for r in root.iter(SVG_NS + "rect") if r.get("class") == "range"]


def case_svg_sample():
    root, out = svg_of("sample.log")
    equal(root.tag, SVG_NS + "svg", "root element")
    check(out.startswith("dump 0 "), "--svg should still print the table")
    rects = range_rects(root)
    equal(len(rects), len(SAMPLE_RANGES), "one rect per range")
    titles = []
    for r in rects:
        t = r.find(SVG_NS + "title")
        check(t is not None and t.text, "range rect without a <title>")
        titles.append(t.text.split("\n")[0])
    equal(titles, dump_lines("sample.log"), "hover titles carry the dump lines")
    equal([r.get("data-perm") for r in rects], SAMPLE_PERMS, "permission classes")
    equal([int(r.get("data-line")) for r in rects], [x[0] for x in SAMPLE_RANGES],
          "log lines")
    # Ranges are drawn left to right in address order within each band, and
    # the two halves are two bands.
    ys = sorted({r.get("y") for r in rects}, key=float)
    equal(len(ys), 2, "number of bands with ranges")
    texts = " ".join(t.text or "" for t in root.iter(SVG_NS + "text"))
    for needed in ("NOT linear", "log2", "low half: 0x0000000000000000",
                   "high half: 0xffff800000000000", "RX: read + execute",
                   "RO: read only", "RW: read + write", "user (US)", "W+X",
                   "1022M RW", "4G RW"):
        check(needed in texts, "picture lacks the text %r" % needed)
    legend = [r for r in root.iter(SVG_NS + "rect") if r.get("class") == "legend"]
    equal(len(legend), 6, "legend swatches (5 classes + unmapped)")
    check(all(r.get("fill") != WX_RED for r in rects), "a clean dump drawn in W+X red")


def case_svg_wx_red():
    root, _ = svg_of("wx.log")
    rects = range_rects(root)
    equal([r.get("fill") == WX_RED for r in rects], [True, False, False, True],
          "exactly the W+X ranges are red")
    equal([r.get("data-perm") for r in rects], ["WX", "RW", "user", "WX"], "classes")


def case_svg_min_width():
    # 600 adjacent single pages (alternating rights, so the dump could not
    # merge them): the picture must grow rather than squeeze any range below
    # its minimum width; 600 x 3px does not fit in the usual 1360px band.
    lines = ["ptdump: begin root=0x0000000000001000 levels=4"]
    for i in range(600):
        va = 0x200000 + i * 0x1000
        lines.append("ptdump: 0x%016x-0x%016x pa=0x%016x 4K leaf=4K %s NX ks - WB"
                     % (va, va + 0x1000, va, "RW" if i % 2 else "ro"))
    lines.append("ptdump: end ranges=600")
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "many.log")
        svg = os.path.join(tmp, "many.svg")
        with open(log, "w") as f:
            f.write("\n".join(lines) + "\n")
        rc, _, err = run(log, "--svg", svg)
        equal((rc, err), (0, ""), "status and stderr")
        root = ET.parse(svg).getroot()
    rects = range_rects(root)
    equal(len(rects), 600, "one rect per range")
    narrowest = min(float(r.get("width")) for r in rects)
    check(narrowest >= 3.0, "a range drawn %.2fpx wide, below the 3px minimum" % narrowest)
    check(float(root.get("width")) >= 600 * 3, "picture did not grow for 600 ranges")


def case_json_roundtrip():
    rc, out, err = run(data("sample.log"), "--json")
    equal((rc, err), (0, ""), "status and stderr")
    doc = json.loads(out)
    equal(doc["dump"], {"index": 0, "count": 1, "begin_line": 5, "end_line": 17,
                        "root": "0x0000000000101000", "levels": 4}, "dump header")
    # Rebuild every dump line from the JSON fields alone; it must be the line
    # that was in the log, character for character.
    units = [("E", 1 << 60), ("P", 1 << 50), ("T", 1 << 40), ("G", 1 << 30),
             ("M", 1 << 20), ("K", 1 << 10)]
    rebuilt = []
    for r in doc["ranges"]:
        start, end = int(r["va_start"], 16), int(r["va_end"], 16)
        equal(end - start, r["size"], "JSON end - start at line %d" % r["line"])
        unit = next(u for u, s in units if r["size"] % s == 0)
        size = "%d%s" % (r["size"] // dict(units)[unit], unit)
        rebuilt.append("ptdump: 0x%016x-0x%016x pa=%s %s leaf=%s %s %s %s %s %s" % (
            start, end % TOP, r["pa"], size, r["leaf"],
            "RW" if r["writable"] else "ro", "x" if r["executable"] else "NX",
            "US" if r["user"] else "ks", "G" if r["global"] else "-", r["cache"]))
    equal(rebuilt, dump_lines("sample.log"), "lines rebuilt from JSON")
    equal([r["line"] for r in doc["ranges"]], [x[0] for x in SAMPLE_RANGES], "lines")
    equal(doc["ranges"][-1]["va_end"], "0x10000000000000000", "end of the top page")
    s = doc["summary"]
    equal((s["ranges"], s["mapped"], s["per_leaf"]["4K"], s["writable"], s["wx"]),
          (11, 8390320 << 10, {"ranges": 8, "bytes": 3760 << 10},
           {"ranges": 8, "bytes": 8388244 << 10}, {"ranges": 0, "bytes": 0}),
          "JSON summary")


def case_err_count_mismatch():
    expect_error([data("bad_count.log")], [
        "ptdump-view: tests/tools/data/bad_count.log:5: end line says ranges=3 but the "
        "dump (begun at line 2) has 2 range lines",
        "ptdump-view: tests/tools/data/bad_count.log: dump 0 (begun at line 2) is not usable",
    ])


def case_err_malformed_line():
    # Two bad lines in one dump: both reported, and the count (3 range
    # lines) still matches, so no spurious count error.
    expect_error([data("bad_line.log")], [
        "ptdump-view: tests/tools/data/bad_line.log:4: malformed range line: expected 9 "
        "fields (VA range, pa=, size, leaf=, RW|ro, x|NX, US|ks, G|-, WB|UC), got 8: "
        "'0x0000000000105000-0x0000000000200000 pa=0x0000000000105000 1004K leaf=4K RW NX ks G'",
        "ptdump-view: tests/tools/data/bad_line.log:5: malformed leaf 'leaf=8K' "
        "(want leaf=4K, leaf=2M or leaf=1G)",
        "ptdump-view: tests/tools/data/bad_line.log: dump 0 (begun at line 2) is not usable",
    ])


def case_err_size_mismatch():
    expect_error([data("bad_size.log")], [
        "ptdump-view: tests/tools/data/bad_size.log:4: size 2M disagrees with the VA "
        "range, which spans 1004K",
        "ptdump-view: tests/tools/data/bad_size.log: dump 0 (begun at line 2) is not usable",
    ])


def case_err_size_unit():
    expect_error([data("bad_size_unit.log")], [
        "ptdump-view: tests/tools/data/bad_size_unit.log:3: size 2048K should be written "
        "2M (largest exact unit)",
        "ptdump-view: tests/tools/data/bad_size_unit.log: dump 0 (begun at line 2) is "
        "not usable",
    ])


def case_err_overlap():
    expect_error([data("overlap.log")], [
        "ptdump-view: tests/tools/data/overlap.log:4: range 0x0000000000104000-"
        "0x0000000000200000 overlaps the previous range (line 3, ends 0x0000000000105000)",
        "ptdump-view: tests/tools/data/overlap.log: dump 0 (begun at line 2) is not usable",
    ])


def case_err_unsorted():
    expect_error([data("unsorted.log")], [
        "ptdump-view: tests/tools/data/unsorted.log:4: ranges not sorted: "
        "0x0000000000100000 starts below the previous range (line 3, 0x0000000000105000)",
        "ptdump-view: tests/tools/data/unsorted.log: dump 0 (begun at line 2) is not usable",
    ])


def case_err_not_canonical_or_aligned():
    # Facts of the hardware: levels=4 has no VA between 2**47 and
    # 2**64 - 2**47, and a 2M leaf maps 2M-aligned addresses.
    expect_error([data("bad_hw.log")], [
        "ptdump-view: tests/tools/data/bad_hw.log:3: VA range 0x0000800000000000-"
        "0x0000800000001000 is not canonical for levels=4",
        "ptdump-view: tests/tools/data/bad_hw.log:4: range is not aligned to its 2M leaves",
        "ptdump-view: tests/tools/data/bad_hw.log: dump 0 (begun at line 2) is not usable",
    ])


def case_err_missing_end():
    # The log was cut while the second dump was printed. The default is the
    # last complete dump, which is shown, but the run still fails.
    rc, out, err = run(data("missing_end.log"))
    equal(rc, 1, "exit status")
    equal(err.splitlines(), [
        "ptdump-view: tests/tools/data/missing_end.log:7: dump begun here has no end line",
        "ptdump-view: tests/tools/data/missing_end.log: showed dump 0, but the log has "
        "1 problem (above)",
    ], "stderr")
    equal(out.splitlines()[0], "dump 0 (of 2 in the log; lines 2-5): "
          "root=0x0000000000101000 levels=4, 2 ranges", "the complete dump is shown")
    expect_error([data("missing_end.log"), "--index", "1"], [
        "ptdump-view: tests/tools/data/missing_end.log:7: dump begun here has no end line",
        "ptdump-view: tests/tools/data/missing_end.log: dump 1 (begun at line 7) is not "
        "usable",
    ])


def case_err_stray_lines():
    rc, out, err = run(data("stray.log"), "--list")
    equal(rc, 1, "exit status")
    equal(err.splitlines(), [
        "ptdump-view: tests/tools/data/stray.log:2: end line without a begin line",
        "ptdump-view: tests/tools/data/stray.log:3: ptdump line outside a begin/end "
        "block: '0x0000000000100000-0x0000000000105000 pa=0x0000000000100000 20K leaf=4K "
        "ro x ks G WB'",
    ], "stderr")
    equal(out, "* 0: lines 4-6 root=0x0000000000101000 levels=4 ranges=1 ok\n", "--list")


def case_empty_input():
    expect_error([data("empty.log")],
                 ["ptdump-view: tests/tools/data/empty.log: empty input"])
    rc, out, err = run("-", stdin=b"")
    equal((rc, out, err), (1, "", "ptdump-view: <stdin>: empty input\n"), "empty stdin")


def case_no_dump():
    expect_error([data("nodump.log")], [
        "ptdump-view: tests/tools/data/nodump.log: no page-table dump found (no "
        "\"ptdump: begin\" line; boot with the ptdump option)"])


def case_missing_file():
    expect_error([data("no-such.log")], [
        "ptdump-view: cannot read tests/tools/data/no-such.log: No such file or directory"])


def case_stdin():
    rc, out, err = run(stdin=read_bytes("sample.log"))
    equal((rc, err), (0, ""), "status and stderr")
    equal(lines_between(out, SAMPLE_TABLE[0], len(SAMPLE_TABLE)), SAMPLE_TABLE,
          "table read from stdin")


def case_fuzz_no_traceback():
    # Garble the sample a few hundred ways (deterministic seed). Every run must
    # end in status 0 or 1, and a 1 must come with a message: never an
    # exception escaping main().
    tool = load_tool()
    base = read_bytes("sample.log").decode()
    rng = random.Random(1234)
    alphabet = "0123456789abcdefx-= KMGTRWroNXUSksGBCpa:\r\n"
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        log, svg = os.path.join(tmp, "f.log"), os.path.join(tmp, "f.svg")
        for i in range(300):
            chars = list(base)
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(len(chars))
                op = rng.random()
                if op < 0.4:
                    chars[pos] = rng.choice(alphabet)
                elif op < 0.7:
                    del chars[pos]
                else:
                    chars.insert(pos, rng.choice(alphabet))
            with open(log, "w") as f:
                f.write("".join(chars))
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    rc = tool.main([log, "--svg", svg, "--json"])
            except Exception as e:  # the point of the case
                raise Fail("mutation %d raised %s: %s" % (i, type(e).__name__, e))
            check(rc in (0, 1), "mutation %d: status %r" % (i, rc))
            if rc == 1:
                check(err.getvalue().strip(), "mutation %d: status 1 without a message" % i)
                failures += 1
            else:
                json.loads(out.getvalue())
                ET.parse(svg)
    check(failures > 150, "only %d of 300 garbled logs were rejected" % failures)


# The real dump of the 4-level tree that both ep_dump_host.log and the live
# case below build (see LIVE_GEN): (va start, size, pa, leaf, rights, cache).
HOST_RANGES = [
    ("0x0000000000001000", 636 << 10, "0x0000000000001000", "4K", "RW NX ks -", "WB"),
    ("0x00000000000b8000", 32 << 10, "0x00000000000b8000", "4K", "RW NX ks -", "UC"),
    ("0x0000000000200000", 1022 << 20, "0x0000000000200000", "2M", "RW NX ks G", "WB"),
    ("0x0000000040000000", 3 << 30, "0x0000000040000000", "1G", "RW NX ks G", "WB"),
    ("0x0000400000000000", 16 << 10, "0x0000000002000000", "4K", "RW NX US -", "WB"),
    ("0xffff888000000000", 5 << 30, "0x0000000000000000", "1G", "RW NX ks G", "WB"),
    ("0xffffffff80000000", 2 << 20, "0x0000000000100000", "4K", "ro x ks G", "WB"),
    ("0xffffffff80200000", 1536 << 10, "0x0000000000300000", "4K", "ro NX ks G", "WB"),
    ("0xfffffffffffff000", 4 << 10, "0x00000000fee00000", "4K", "RW NX ks -", "UC"),
]


def json_tuples(doc):
    return [(r["va_start"], r["size"], r["pa"], r["leaf"], "%s %s %s %s" % (
        "RW" if r["writable"] else "ro", "x" if r["executable"] else "NX",
        "US" if r["user"] else "ks", "G" if r["global"] else "-"), r["cache"])
        for r in doc["ranges"]]


def case_ep_dump_host_log():
    # Output of the real common/paging/ep_dump.c, captured: what the tool exists for.
    rc, out, err = run(data("ep_dump_host.log"), "--list")
    equal((rc, err), (0, ""), "--list status and stderr")
    equal(out.splitlines(), [
        "  0: lines 13-23 root=0x0000000001000000 levels=4 ranges=9 ok",
        "* 1: lines 26-29 root=0x0000000001000000 levels=5 ranges=2 ok",
    ], "--list")
    rc, out, err = run(data("ep_dump_host.log"), "--index", "0", "--json")
    equal((rc, err), (0, ""), "--index 0 status and stderr")
    equal(json_tuples(json.loads(out)), HOST_RANGES, "4-level ranges")
    # 5-level: a 1 PiB direct map, which ep_dump.c spells "1P".
    rc, out, err = run(data("ep_dump_host.log"))
    equal((rc, err), (0, ""), "default status and stderr")
    lines = out.splitlines()
    equal(lines[3:5], [
        "0xff00000000000000  0xff04000000000000    1P  0x0000000000000000  1G    RW NX ks G WB",
        "0xff11000000000000  0xff11000140000000    5G  0x0000000040000000  1G    ro NX ks G WB",
    ], "5-level rows")
    equal(lines[6], "summary: 2 ranges, 1048581G (~1.00P) mapped", "5-level total")


# Builds the HOST_RANGES tree with today's early_paging core on the host
# fixture and prints its ep_dump() behind a console prefix with CRLF.
LIVE_GEN = r"""
#include <stdio.h>
#include "ep_fixture.h"
static void out(void *arg, const char *line) { (void)arg; printf("[ 0.1] %s\r\n", line); }
static int fails;
static void map(struct fx *f, uint64_t va, uint64_t pa, uint64_t len, unsigned perms)
{
	enum ep_err e = ep_map(&f->ctx, va, pa, len, perms);
	if (e != EP_OK) {
		printf("ep_map 0x%llx failed: %s\n", (unsigned long long)va, fx_errline(f));
		fails++;
	}
}
int main(void)
{
	struct fx_opts o = { 0 };
	o.pool_frames = 1024;
	struct fx *f = fx_new(&o);
	map(f, 0x1000, 0x1000, 0x9f000, EP_W);
	map(f, 0xb8000, 0xb8000, 0x8000, EP_W | EP_NOCACHE);
	map(f, 0x200000, 0x200000, 1022 * MiB, EP_W | EP_G);
	map(f, 0x40000000, 0x40000000, 3 * GiB, EP_W | EP_G);
	map(f, 0xffff888000000000ULL, 0, 5 * GiB, EP_W | EP_G);
	map(f, 0xffffffff80000000ULL, 0x100000, 2 * MiB, EP_X | EP_G);
	map(f, 0xffffffff80200000ULL, 0x300000, 1536 * KiB, EP_G);
	map(f, 0x400000000000ULL, 0x2000000, 16 * KiB, EP_W | EP_U);
	map(f, 0xfffffffffffff000ULL, 0xfee00000, 4 * KiB, EP_W | EP_NOCACHE);
	ep_dump(&f->ctx, out, NULL);
	return fails != 0;
}
"""


def case_live_ep_dump():
    # The format contract end to end: compile today's common/ (as the Makefile
    # does for host tests) with a small driver, and read its dump back. A
    # change to ep_dump.c's output that the tool does not follow fails here.
    cc = os.environ.get("HOSTCC", "gcc")
    # The source list is the Makefile's own, so a file moved or added in
    # common/ is followed here without an edit.
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT,
                        "list-common-portable"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    check(p.returncode == 0, "make list-common-portable failed: %s"
          % p.stdout.decode(errors="replace")[-400:])
    common = [os.path.join(ROOT, c) for c in p.stdout.decode().split()]
    check(common, "make list-common-portable named no sources")
    # Only the native-MMU fixture: the Xen simulator needs pv/ as well.
    support = [os.path.join(ROOT, "tests", "unit", n)
               for n in ("ep_fixture.c", "harness.c", "sim_mmu.c")]
    with tempfile.TemporaryDirectory() as tmp:
        gen_c, gen = os.path.join(tmp, "gen.c"), os.path.join(tmp, "gen")
        with open(gen_c, "w") as f:
            f.write(LIVE_GEN)
        try:
            p = subprocess.run([cc, "-std=c11", "-O1", "-I" + os.path.join(ROOT, "common"),
                                "-I" + os.path.join(ROOT, "tests", "unit"), "-o", gen, gen_c]
                               + support + common, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=300)
        except OSError as e:
            raise Fail("cannot run %s: %s" % (cc, e))
        check(p.returncode == 0, "building the driver failed: %s"
              % p.stdout.decode(errors="replace")[-400:])
        p = subprocess.run([gen], stdout=subprocess.PIPE, timeout=60)
        check(p.returncode == 0, "driver failed: %r" % p.stdout[-400:])
        log = p.stdout
    rc, out, err = run("--json", stdin=log)
    equal((rc, err), (0, ""), "status and stderr reading the live dump")
    equal(json_tuples(json.loads(out)), HOST_RANGES, "ranges of the live dump")


CASES = [
    ("parse_sample", case_parse_sample),
    ("table_content", case_table_content),
    ("summary_numbers", case_summary_numbers),
    ("multi_prefixes_crs", case_multi_prefixes_crs),
    ("list", case_list),
    ("index", case_index),
    ("wx_warning", case_wx_warning),
    ("svg_sample", case_svg_sample),
    ("svg_wx_red", case_svg_wx_red),
    ("svg_min_width", case_svg_min_width),
    ("json_roundtrip", case_json_roundtrip),
    ("err_count_mismatch", case_err_count_mismatch),
    ("err_malformed_line", case_err_malformed_line),
    ("err_size_mismatch", case_err_size_mismatch),
    ("err_size_unit", case_err_size_unit),
    ("err_overlap", case_err_overlap),
    ("err_unsorted", case_err_unsorted),
    ("err_not_canonical_or_aligned", case_err_not_canonical_or_aligned),
    ("err_missing_end", case_err_missing_end),
    ("err_stray_lines", case_err_stray_lines),
    ("empty_input", case_empty_input),
    ("no_dump", case_no_dump),
    ("missing_file", case_missing_file),
    ("stdin", case_stdin),
    ("fuzz_no_traceback", case_fuzz_no_traceback),
    ("ep_dump_host_log", case_ep_dump_host_log),
    ("live_ep_dump", case_live_ep_dump),
]


def main():
    failed = 0
    for name, fn in CASES:
        try:
            fn()
        except Fail as e:
            detail = str(e)
        except Exception as e:  # a broken case is a failed case, on one line
            detail = "%s: %s" % (type(e).__name__, e)
        else:
            print("PASS ptdump_view:%s" % name, flush=True)
            continue
        failed += 1
        detail = detail.replace("\r", "\\r").replace("\n", "\\n")
        if len(detail) > 600:
            detail = detail[:600] + "..."
        print("FAIL ptdump_view:%s: %s" % (name, detail), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
