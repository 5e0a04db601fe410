#!/usr/bin/env bash
# tools/linux-image, which mk/linux.mk and tests/boot/pv.sh ask for the
# kernel the tests boot: it follows the metapackage's dependency, never the
# file names. A fake dpkg-query/dpkg on PATH stands for the package
# database: generic, cloud and rt flavours and two point releases installed
# side by side, the metapackage naming the older release's kernel (so
# neither "last by name" nor "newest" would pick it); then the failures.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tool=$root/tools/linux-image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/boot"
for k in 0.0.0-fixture7-amd64 0.0.0-fixture7-rt-amd64 0.0.0-fixture7-cloud-amd64 0.0.0-fixture8-amd64 0.0.0-fixture8-rt-amd64; do
	echo "$k" >"$tmp/boot/vmlinuz-$k"
done

# The database: FAKE_DEPENDS is the metapackage's Depends; packages in
# FAKE_INSTALLED are installed and own $tmp/boot/vmlinuz-<release>.
cat >"$tmp/bin/dpkg-query" <<'Q'
#!/usr/bin/env bash
# dpkg-query -W -f=FORMAT PACKAGE
fmt=${2#-f=} pkg=$3
installed=" $FAKE_INSTALLED "
[[ $installed == *" $pkg "* ]] || exit 1
case $fmt in
'${db:Status-Abbrev}') printf 'ii ' ;;
'${Depends}') [ "$pkg" = linux-image-amd64 ] && printf '%s' "$FAKE_DEPENDS" ;;
esac
Q
cat >"$tmp/bin/dpkg" <<'D'
#!/usr/bin/env bash
pkg=$2 rel=${2#linux-image-}
echo /.
echo /boot
echo "/boot/vmlinuz-$rel"
echo "/lib/modules/$rel/kernel/drivers/firmware/google/memconsole-coreboot.ko"
D
chmod +x "$tmp/bin/dpkg-query" "$tmp/bin/dpkg"

all="linux-image-amd64 linux-image-0.0.0-fixture7-amd64 linux-image-0.0.0-fixture7-rt-amd64 linux-image-0.0.0-fixture7-cloud-amd64 linux-image-0.0.0-fixture8-amd64 linux-image-0.0.0-fixture8-rt-amd64"

# The fake database describes the root $tmp (DPKG_ROOT, as for dpkg).
run() { # run DEPENDS INSTALLED [VAR=VALUE...]: the tool's stdout+stderr, status
	local deps=$1 inst=$2
	shift 2
	env -u LINUX_BZIMAGE -u LINUX_IMAGE_PACKAGE PATH="$tmp/bin:$PATH" \
		FAKE_DEPENDS="$deps" FAKE_INSTALLED="$inst" DPKG_ROOT="$tmp" "$@" \
		"$tool" 2>&1
}

result() { # result NAME WANT_STATUS(0|1) PATTERN DEPENDS INSTALLED [VAR=VALUE...]
	local name=$1 want=$2 pat=$3 out st
	shift 3
	out=$(run "$@")
	st=$?
	if { { [ "$want" = 0 ] && [ "$st" = 0 ]; } || { [ "$want" = 1 ] && [ "$st" != 0 ]; }; } &&
		printf '%s' "$out" | grep -qx -- "$pat"; then
		echo "PASS tools:linux-image-$name"
	else
		echo "FAIL tools:linux-image-$name: status $st; $out"
	fi
}

result by-package 0 "$tmp/boot/vmlinuz-0.0.0-fixture7-amd64" \
	"linux-image-0.0.0-fixture7-amd64 (= 0.0-1)" "$all"
result alternatives 0 "$tmp/boot/vmlinuz-0.0.0-fixture8-amd64" \
	"linux-image-0.0.0-fixture8-amd64 (= 0.0-2), initramfs-tools" "$all"
result override 0 "$tmp/boot/vmlinuz-0.0.0-fixture8-rt-amd64" \
	"linux-image-0.0.0-fixture7-amd64 (= 0.0-1)" "$all" LINUX_BZIMAGE="$tmp/boot/vmlinuz-0.0.0-fixture8-rt-amd64"
result override-missing 1 "linux-image: error: LINUX_BZIMAGE=$tmp/nope is not a readable file" \
	"linux-image-0.0.0-fixture7-amd64 (= 0.0-1)" "$all" LINUX_BZIMAGE="$tmp/nope"
result not-installed 1 "linux-image: error: linux-image-amd64 is not installed (apt-get install linux-image-amd64)" \
	"" "linux-image-0.0.0-fixture7-amd64"
result no-kernel-dep 1 "linux-image: error: linux-image-amd64 depends on 0 linux-image-\* packages, not one (Depends: initramfs-tools)" \
	"initramfs-tools" "$all"
result dep-not-installed 1 "linux-image: error: linux-image-0.0.0-fixture9-amd64, the kernel linux-image-amd64 depends on, is not installed (apt-get install linux-image-amd64)" \
	"linux-image-0.0.0-fixture9-amd64 (= 0.0-3)" "$all"
rm "$tmp/boot/vmlinuz-0.0.0-fixture7-amd64"
result file-gone 1 "linux-image: error: $tmp/boot/vmlinuz-0.0.0-fixture7-amd64 of package linux-image-0.0.0-fixture7-amd64 is missing or unreadable (apt-get install --reinstall linux-image-0.0.0-fixture7-amd64)" \
	"linux-image-0.0.0-fixture7-amd64 (= 0.0-1)" "$all"
result two-kernels 1 "linux-image: error: linux-image-amd64 depends on 2 linux-image-\* packages, not one (Depends: linux-image-0.0.0-fixture7-amd64, linux-image-0.0.0-fixture8-amd64)" \
	"linux-image-0.0.0-fixture7-amd64, linux-image-0.0.0-fixture8-amd64" "$all"
