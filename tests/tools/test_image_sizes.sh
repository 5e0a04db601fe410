#!/usr/bin/env bash
# Every boot image the Makefile builds (make list-boot-images) is at most
# 128 KiB as shipped (tools/image-sizes --check; docs/perf.md, "Image
# sizes"), not counting the payload decoders an image carries in sections of
# their own (docs/decompress.md, "Image size"). The check itself is tested too: a fake image one byte over the
# limit must fail with a line naming it and its size, one at the limit must
# pass, and a missing image must fail.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tool=tools/image-sizes
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_tool ARGS...: sets out (stdout + stderr) and st.
run_tool() {
	out=$("$tool" "$@" 2>&1)
	st=$?
}

# The real images. Run from `make test`, the outer make's flags (its
# jobserver) are not this make's.
if ! images=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	make -s --no-print-directory list-boot-images 2>"$tmp/make.err") || [ -z "$images" ]; then
	echo "FAIL tools:image-sizes-images: make list-boot-images gave nothing: $(head -c 300 "$tmp/make.err")"
else
	for img in $images; do
		name=$(basename "$img")
		if [ ! -f "$img" ]; then
			echo "FAIL tools:image-sizes-$name: $img missing (run make)"
			continue
		fi
		run_tool --check "$img"
		if [ "$st" = 0 ]; then
			echo "PASS tools:image-sizes-$name"
		else
			echo "FAIL tools:image-sizes-$name: $(printf '%s' "$out" | grep '^image-sizes:' | head -1)"
		fi
	done
fi

# A fake image one byte over 128 KiB: refused, by name and size.
head -c 131073 /dev/zero >"$tmp/oversized.efi"
run_tool --check "$tmp/oversized.efi"
want="image-sizes: $tmp/oversized.efi is 131073 bytes (128.0 KiB), over the limit of 131072 bytes (128.0 KiB)"
if [ "$st" = 1 ] && printf '%s\n' "$out" | grep -qxF -- "$want"; then
	echo "PASS tools:image-sizes-oversized-fails"
else
	echo "FAIL tools:image-sizes-oversized-fails: status $st; $out"
fi

# Exactly 128 KiB is allowed.
head -c 131072 /dev/zero >"$tmp/at-limit.elf"
run_tool --check "$tmp/at-limit.elf"
if [ "$st" = 0 ] && printf '%s\n' "$out" | grep -q "at-limit.elf  *131072 bytes"; then
	echo "PASS tools:image-sizes-at-limit-passes"
else
	echo "FAIL tools:image-sizes-at-limit-passes: status $st; $out"
fi

# An ELF whose bytes are mostly decoders (a *.decompress section, as
# linker/pv.ld and pvh.ld make): the limit applies to the rest, the loader.
head -c 200000 /dev/zero >"$tmp/blob"
objcopy -I binary -O elf64-x86-64 --rename-section .data=.text.decompress,alloc,load,contents \
	"$tmp/blob" "$tmp/decoders.elf"
run_tool --check "$tmp/decoders.elf"
if [ "$st" = 0 ] && printf '%s\n' "$out" | grep -q "^size:   decoders  *200000 bytes" &&
	printf '%s\n' "$out" | grep -q "^size:   loader  *[0-9]* bytes"; then
	echo "PASS tools:image-sizes-decoders-apart"
else
	echo "FAIL tools:image-sizes-decoders-apart: status $st; $out"
fi
# ... and still applies: to the loader, named as such.
run_tool --check --limit 100 "$tmp/decoders.elf"
if [ "$st" = 1 ] && printf '%s\n' "$out" | grep -q "^image-sizes: $tmp/decoders.elf is [0-9]* bytes .* without its 200000 bytes of decoders, over the limit of 100 bytes"; then
	echo "PASS tools:image-sizes-loader-over-fails"
else
	echo "FAIL tools:image-sizes-loader-over-fails: status $st; $out"
fi

# A missing image is no pass.
run_tool --check "$tmp/absent.elf"
if [ "$st" = 1 ] && printf '%s\n' "$out" | grep -qF "image-sizes: $tmp/absent.elf: no such file"; then
	echo "PASS tools:image-sizes-missing-fails"
else
	echo "FAIL tools:image-sizes-missing-fails: status $st; $out"
fi
