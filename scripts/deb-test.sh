#!/bin/sh
# make deb-test: install the packages make deb built, use them as a user
# would, remove them. Needs root and /dev/kvm.
#   scripts/deb-test.sh DIR     (DIR holds the .deb files)
set -eu
cd "$(dirname "$0")/.."
dir=$1
prog=build/tests/guest/exit_code
tmp=$(mktemp -d)
cleanup() {
	dpkg -r libpagelab-dev libpagelab0 pagelab >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "deb-test: $*" >&2
	exit 1
}

dpkg -i "$dir"/pagelab_*.deb "$dir"/libpagelab0_*.deb "$dir"/libpagelab-dev_*.deb ||
	fail "the packages do not install"
unset PAGELAB_KERNEL
/usr/bin/pagelab run -v "$prog" 5 >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
[ "$rc" -eq 5 ] || fail "pagelab run: status $rc, not 5: $(cat "$tmp/err")"
grep -q "pagelab: kernel /usr/lib/pagelab/kernel.elf at" "$tmp/err" ||
	fail "pagelab did not boot the packaged kernel: $(head -n 1 "$tmp/err")"
echo "deb-test: /usr/bin/pagelab ran $prog on /usr/lib/pagelab/kernel.elf: status 5"
# shellcheck disable=SC2046 # pkg-config's output is meant to be split
cc -std=c11 -Wall -Werror -o "$tmp/consumer" tests/dist/consumer.c \
	$(pkg-config --cflags --libs pagelab) || fail "cannot build against libpagelab-dev"
"$tmp/consumer" "$(pkg-config --variable=kernel pagelab)" "$prog" 6 ||
	fail "the program built against the packaged library failed"
man -w pagelab >/dev/null && man -w 3 libpagelab >/dev/null || fail "man pages missing"
dpkg -r libpagelab-dev libpagelab0 pagelab >/dev/null || fail "the packages do not remove cleanly"
echo "deb-test: installed, used and removed cleanly"
