#!/bin/sh
# make install into a temporary DESTDIR, then use what it installed as a
# user would: build a program against the installed library with
# pkg-config, boot the installed kernel with it and with the installed
# pagelab, read the installed man pages; make uninstall removes it all.
set -u
cd "$(dirname "$0")/../.."
. tests/dist/tap.sh

PROG=build/tests/guest/exit_code # a static guest program: exits with its argument
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
D=$tmp/dest
P=$D/usr/local
unset PAGELAB_KERNEL

install_it() {
	make --no-print-directory -s install DESTDIR="$D"
}

installed() {
	for f in bin/pagelab lib/libpagelab.so.0.1.0 lib/libpagelab.a lib/pkgconfig/pagelab.pc \
		include/pagelab/hostlib.h include/pagelab/initramfs.h include/pagelab/abi.h \
		share/pagelab/kernel.elf share/man/man1/pagelab.1 share/man/man3/libpagelab.3; do
		[ -f "$P/$f" ] || { echo "missing: $P/$f"; return 1; }
	done
	[ "$(readlink "$P/lib/libpagelab.so.0")" = libpagelab.so.0.1.0 ] &&
		[ "$(readlink "$P/lib/libpagelab.so")" = libpagelab.so.0.1.0 ]
}

# pkg-config as for any library in a DESTDIR: the .pc names /usr/local,
# the sysroot maps it to where the files are.
pc() {
	PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config "$@" pagelab
}

# Where the installed kernel is, as installed (pkgconf would prefix the sysroot).
kernel_var() {
	PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --variable=kernel pagelab
}

pkg_config() {
	[ "$(pc --modversion)" = "$(sed -n 's/^#define PAGELAB_VERSION "\(.*\)"/\1/p' include/pagelab/abi.h)" ] &&
		pc --cflags | grep -q -- "-I$P/include" &&
		pc --libs | grep -q -- "-L$P/lib -lpagelab" &&
		pc --static --libs | grep -q -- "-lfdt" &&
		[ "$(kernel_var)" = /usr/local/share/pagelab/kernel.elf ]
}

build_consumer() {
	# shellcheck disable=SC2046 # pkg-config's output is meant to be split
	cc -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" tests/dist/consumer.c \
		$(pc --cflags --libs) &&
		readelf -d "$tmp/consumer" | grep -q 'Shared library: \[libpagelab.so.0\]'
}

run_consumer() {
	LD_LIBRARY_PATH=$P/lib "$tmp/consumer" "$D$(kernel_var)" "$PROG" 7 >"$tmp/out" &&
		grep -q "consumer: exit status 7, expected 7" "$tmp/out" ||
		{ cat "$tmp/out"; return 1; }
}

# Without --kernel or PAGELAB_KERNEL the installed binary takes the
# installed kernel (next to it: ../share/pagelab/kernel.elf).
installed_pagelab() {
	"$P/bin/pagelab" run -v "$PROG" 9 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 9 ] && grep -q "pagelab: kernel $P/bin/../share/pagelab/kernel.elf at" "$tmp/err" ||
		{ echo "status $rc"; cat "$tmp/err"; return 1; }
}

# The order: --kernel, then PAGELAB_KERNEL, then next to the binary, then
# the compiled-in prefix (a copy of the binary away from any kernel).
lookup_order() {
	hello=build/tests/fixtures/hello.elf # exits 42
	exit0=build/tests/fixtures/exit0.elf # exits 0
	PAGELAB_KERNEL=$hello "$P/bin/pagelab" run >/dev/null 2>&1
	[ $? -eq 42 ] || { echo "PAGELAB_KERNEL was not used"; return 1; }
	PAGELAB_KERNEL=$hello "$P/bin/pagelab" run --kernel "$exit0" >/dev/null 2>&1 ||
		{ echo "--kernel did not come first"; return 1; }
	mkdir -p "$tmp/away" && cp "$P/bin/pagelab" "$tmp/away/pagelab" || return 1
	fixed=/usr/local/share/pagelab/kernel.elf
	if [ -e "$fixed" ]; then # this machine has an install there
		"$tmp/away/pagelab" run -v "$PROG" 3 2>&1 | grep -q "pagelab: kernel $fixed at"
	else
		"$tmp/away/pagelab" run "$PROG" 3 2>"$tmp/err"
		[ $? -eq 2 ] && grep -q "nor at $fixed: build it with 'make'" "$tmp/err" ||
			{ cat "$tmp/err"; return 1; }
	fi
}

man_pages() {
	for m in "$P/share/man/man1/pagelab.1" "$P/share/man/man3/libpagelab.3"; do
		w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
		[ -z "$w" ] || { echo "$m: $w"; return 1; }
		MANWIDTH=80 man -l "$m" 2>/dev/null | grep -q "KERNEL LOOKUP\|SIGNALS" || return 1
	done
}

uninstall_it() {
	make --no-print-directory -s uninstall DESTDIR="$D" &&
		left=$(find "$D" ! -type d) && [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

ok "make install DESTDIR=... PREFIX=/usr/local" install_it
ok "it installs the command, the libraries with their symlinks, headers, .pc, kernel, man pages" installed
ok "pkg-config --cflags --libs pagelab gives the installed paths" pkg_config
ok "a program builds against the installed library with pkg-config (NEEDED libpagelab.so.0)" build_consumer
ok "that program boots the installed kernel and gets the guest program's exit status" run_consumer
ok "the installed pagelab finds the installed kernel by itself" installed_pagelab
ok "kernel lookup: --kernel, PAGELAB_KERNEL, next to the binary, the prefix" lookup_order
ok "the installed man pages render without warnings" man_pages
ok "make uninstall removes every file it installed" uninstall_it
done_testing
