#!/usr/bin/env bash
# tools/check-pvh-note, which the make rule of build/earlyboot-pvh.elf runs:
# it accepts the real image and refuses one whose PHYS32_ENTRY note is gone,
# differs from the entry point, or whose entry point moved.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
elf=build/earlyboot-pvh.elf
check=tools/check-pvh-note
if [ ! -e "$elf" ]; then
	echo "FAIL tools:check-pvh-note: $elf missing (run make)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result() { # result NAME WANT_STATUS(0|1) FILE PATTERN: PATTERN must be in the output
	local out st
	out=$("$check" "$3" 2>&1)
	st=$?
	if { { [ "$2" = 0 ] && [ "$st" = 0 ]; } || { [ "$2" = 1 ] && [ "$st" != 0 ]; }; } &&
		printf '%s' "$out" | grep -q -- "$4"; then
		echo "PASS tools:check-pvh-note-$1"
	else
		echo "FAIL tools:check-pvh-note-$1: status $st; $out"
	fi
}

result good 0 "$elf" "PHYS32_ENTRY 0x100000 = entry point"

objcopy --remove-section .note.Xen "$elf" "$tmp/no-note.elf" 2>/dev/null
result no-note 1 "$tmp/no-note.elf" "no Xen note of type XEN_ELFNOTE_PHYS32_ENTRY"

# The note's 4-byte value sits at the end of its section: bump it by 0x10.
python3 - "$elf" "$tmp/wrong-value.elf" "$tmp/moved-entry.elf" <<'PY'
import struct, sys
src, wrong, moved = sys.argv[1:4]
data = bytearray(open(src, 'rb').read())
shoff, = struct.unpack_from('<Q', data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
def sh(i):
    return struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
stroff = sh(shstrndx)[4]
for i in range(shnum):
    name, _, _, _, off, size = sh(i)[:6]
    end = data.index(b'\0', stroff + name)
    if data[stroff + name:end] == b'.note.Xen':
        w = bytearray(data)
        v, = struct.unpack_from('<I', w, off + size - 4)
        struct.pack_into('<I', w, off + size - 4, v + 0x10)
        open(wrong, 'wb').write(w)
m = bytearray(data)
e, = struct.unpack_from('<Q', m, 0x18)
struct.pack_into('<Q', m, 0x18, e + 0x10)
open(moved, 'wb').write(m)
PY
result wrong-value 1 "$tmp/wrong-value.elf" "note says 0x00100010, ELF entry point is 0x100000"
result moved-entry 1 "$tmp/moved-entry.elf" "note says 0x00100000, ELF entry point is 0x100010"
