#!/usr/bin/env python3
"""Tests for tools/pcr-recompute (docs/measured-boot.md).

Run from anywhere:  tests/tools/test_pcr_recompute.py
Prints one line per case, "PASS pcr_recompute:<case>" or
"FAIL pcr_recompute:<case>: <detail>", and exits nonzero if any failed.

Each case writes an \\earlyboot.cfg, a kernel and an initrd, and a TCG2
crypto-agile event log as a firmware would after earlyboot measured them
(a Spec ID event, a firmware event in PCR 0, earlyboot's four EV_IPL
events), then runs the tool as a program with the PCR values a TPM would
report. The good case must pass and print PCRs 9 and 12; every broken
case (a file that differs from the one measured, a PCR the TPM reports
differently, an event missing, a log cut short) must end with status 1
and an "pcr-recompute: error: ..." line saying what differs.
"""

import base64
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "pcr-recompute")

SHA1, SHA256 = 0x0004, 0x000B
CFG = b"kernel=k.elf initrd=i.img quiet --   console=ttyS0 root=/dev/x  \n"
OPTIONS = CFG.rstrip(b"\n")
CMDLINE = b"console=ttyS0 root=/dev/x"
KERNEL = bytes(range(256)) * 40
INITRD = b"initrd bytes " * 300


def spec_id_event():
    algs = [(SHA1, 20), (SHA256, 32)]
    body = (b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs)) +
            b"".join(struct.pack("<HH", a, n) for a, n in algs) + b"\0")
    return struct.pack("<II", 0, 3) + bytes(20) + struct.pack("<I", len(body)) + body


def event(pcr, etype, data, desc):
    digests = struct.pack("<H", SHA1) + hashlib.sha1(data).digest()
    digests += struct.pack("<H", SHA256) + hashlib.sha256(data).digest()
    return struct.pack("<III", pcr, etype, 2) + digests + struct.pack("<I", len(desc)) + desc


def measured():
    """earlyboot's events, in its order: (pcr, description, data)."""
    return [(12, b"earlyboot options \\earlyboot.cfg", OPTIONS),
            (9, b"earlyboot kernel k.elf", KERNEL),
            (9, b"earlyboot initrd i.img", INITRD),
            (12, b"earlyboot kernel command line", CMDLINE)]


def extend(events, pcr):
    v = bytes(32)
    for p, _, data in events:
        if p == pcr:
            v = hashlib.sha256(v + hashlib.sha256(data).digest()).digest()
    return v


def run_case(name, events, log_cut=0, kernel=KERNEL, pcr9=None):
    with tempfile.TemporaryDirectory() as d:
        for f, data in (("earlyboot.cfg", CFG), ("k.elf", kernel), ("i.img", INITRD)):
            with open(os.path.join(d, f), "wb") as fh:
                fh.write(data)
        log = spec_id_event() + event(0, 0x8, b"firmware", b"POST CODE")
        log += b"".join(event(p, 0xD, data, desc) for p, desc, data in events)
        if log_cut:
            log = log[:-log_cut]
        with open(os.path.join(d, "log"), "wb") as fh:
            fh.write(log)
        good = measured()
        args = [TOOL, "--cfg", os.path.join(d, "earlyboot.cfg"),
                "--kernel", os.path.join(d, "k.elf"), "--initrd", os.path.join(d, "i.img"),
                "--log", os.path.join(d, "log"),
                "--pcr", "9=" + (pcr9 or extend(good, 9)).hex(),
                "--pcr", "12=" + extend(good, 12).hex()]
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return p.returncode, p.stdout.decode()


def run_serial(lines):
    """The tool on a guest's serial log: PCR lines as given, then the good log."""
    with tempfile.TemporaryDirectory() as d:
        for f, data in (("earlyboot.cfg", CFG), ("k.elf", KERNEL), ("i.img", INITRD)):
            with open(os.path.join(d, f), "wb") as fh:
                fh.write(data)
        log = spec_id_event() + event(0, 0x8, b"firmware", b"POST CODE")
        log += b"".join(event(p, 0xD, data, desc) for p, desc, data in measured())
        b64 = base64.b64encode(log).decode()
        text = "\r\n".join(lines + ["EARLYBOOT-TPMLOG " + b64[i:i + 76]
                                     for i in range(0, len(b64), 76)]) + "\r\n"
        with open(os.path.join(d, "serial.log"), "w") as fh:
            fh.write(text)
        p = subprocess.run([TOOL, "--cfg", os.path.join(d, "earlyboot.cfg"),
                            "--kernel", os.path.join(d, "k.elf"), "--initrd", os.path.join(d, "i.img"),
                            "--serial", os.path.join(d, "serial.log")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return p.returncode, p.stdout.decode()


def main():
    failed = 0

    def report(case, ok, detail):
        nonlocal failed
        if ok:
            print("PASS pcr_recompute:%s" % case)
        else:
            failed += 1
            print("FAIL pcr_recompute:%s: %s" % (case, detail.strip().replace("\n", " | ")))

    rc, out = run_case("good", measured())
    report("good", rc == 0 and "PCR 9 sha256 " + extend(measured(), 9).hex() in out
           and "PCR 12 sha256 " + extend(measured(), 12).hex() in out, "status %d: %s" % (rc, out))

    # Each broken case: (name, run_case arguments, what the error must say).
    other = bytearray(KERNEL)
    other[7] ^= 1
    broken = [
        ("kernel-differs", dict(events=measured(), kernel=bytes(other)),
         "event 'earlyboot kernel k.elf': SHA-256 "),
        ("tpm-differs", dict(events=measured(), pcr9=bytes(32)), "PCR 9: the TPM reports "),
        ("event-missing", dict(events=measured()[:2] + measured()[3:]),
         "the event log holds 3 earlyboot events, want 4"),
        ("log-cut", dict(events=measured(), log_cut=5), "runs past its end"),
    ]
    for case, kw, want in broken:
        rc, out = run_case(case, **kw)
        report(case, rc == 1 and ("pcr-recompute: error: " in out) and want in out,
               "status %d, want 1 and '%s': %s" % (rc, want, out))

    # The guest's serial log: PCR lines whole pass; a PCR line cut in two by
    # a kernel message is named, not taken for a PCR that was never printed.
    good = measured()
    pcr_lines = ["EARLYBOOT-PCR 9 " + extend(good, 9).hex().upper(),
                 "EARLYBOOT-PCR 12 " + extend(good, 12).hex().upper()]
    rc, out = run_serial(pcr_lines)
    report("serial-good", rc == 0 and "PCR 12 sha256 " + extend(good, 12).hex() in out,
           "status %d: %s" % (rc, out))
    cut = pcr_lines[1]
    rc, out = run_serial(pcr_lines[:1] + [cut[:30] + "[    5.1] random: crng init done",
                                          cut[30:]])
    report("serial-line-cut", rc == 1 and "a PCR line that is not 'EARLYBOOT-PCR N" in out
           and "crng init done" in out, "status %d: %s" % (rc, out))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
