#!/bin/sh
# Install the Debian packages pagelab needs, or say exactly how to.
#   scripts/deps.sh [deb]
#   libfdt-dev     device trees (host builds them, the guest parses them)
#   libcmocka-dev  unit and integration tests
#   musl-tools     musl-gcc: static guest programs
#   libseccomp-dev the VMM's seccomp filter (libpagelab links -lseccomp)
#   libarchive-dev the initramfs writer (libpagelab's cpio newc archives)
#   strace         the test that --trace-syscalls prints what strace prints
#   gdb            the test that real gdb debugs a program through pagelab run --gdb
#   jq             the test that --stats=json is JSON a program can query
#   clang, libclang-rt-14-dev  libFuzzer (-fsanitize=fuzzer) for tests/fuzz
#   g++            the test that the public headers are C++ too
#   pkgconf        the test that builds a program against the installed library
#   man-db         the test that the man pages render without warnings (man -l)
#   linux-libc-dev <linux/vfio.h> and friends for the guest programs that use
#                  VFIO as on Linux (build/khdr links them for musl-gcc)
#   qemu-system-x86  pagelab run --accel tcg: QEMU's emulator runs the kernel
#                  without /dev/kvm (and make test runs the guest programs so)
# With the argument "deb", also what make deb needs:
#   debhelper dpkg-dev fakeroot   dpkg-buildpackage and dh
#   lintian                       the check that the packages have no errors
set -eu
PKGS="libfdt-dev libcmocka-dev musl-tools clang libclang-rt-14-dev g++ pkgconf man-db libseccomp-dev libarchive-dev strace gdb jq linux-libc-dev qemu-system-x86"
if [ "${1:-}" = deb ]; then
	PKGS="$PKGS debhelper dpkg-dev fakeroot lintian"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "pagelab: missing Debian packages:$missing" >&2
	echo "pagelab: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "pagelab: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq $missing >&2
