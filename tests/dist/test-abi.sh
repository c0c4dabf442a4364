#!/bin/sh
# The shared library's ABI: its SONAME, a version node on every symbol, the
# exported symbols exactly the functions of the public headers (none of the
# library's own pl_* helpers, nothing else), and headers that are C++ too.
set -u
cd "$(dirname "$0")/../.."
. tests/dist/tap.sh

B=${B:-build}
SO=$B/libpagelab.so.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

soname() {
	readelf -d "$SO" | grep -q 'Library soname: \[libpagelab.so.0\]'
}

# The functions the public headers declare (comments stripped by cpp).
declared() {
	printf '#include <pagelab/hostlib.h>\n#include <pagelab/initramfs.h>\n' |
		cc -E -P -Iinclude -x c - | grep -oE '\bpl_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u
}

exported() {
	nm -D --defined-only "$SO" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' | sort -u
}

exports_only_the_api() {
	declared >"$tmp/declared"
	exported >"$tmp/exported"
	[ -s "$tmp/declared" ] || { echo "no declarations found"; return 1; }
	if ! cmp -s "$tmp/declared" "$tmp/exported"; then
		echo "exported but not in the public headers (private, or missing from hostlib/libpagelab.map):"
		comm -13 "$tmp/declared" "$tmp/exported"
		echo "declared but not exported (add them to hostlib/libpagelab.map):"
		comm -23 "$tmp/declared" "$tmp/exported"
		return 1
	fi
}

all_versioned() {
	bad=$(nm -D --defined-only "$SO" | awk '$2 != "A" && $3 !~ /@@PAGELAB_0\.1$/ { print $3 }')
	[ -z "$bad" ] || { echo "not in version node PAGELAB_0.1: $bad"; return 1; }
}

cxx_header() {
	echo "#include <pagelab/$1>" | g++ -std=c++11 -fsyntax-only -Wall -Wextra -Werror \
		-pedantic -Iinclude -x c++ -
}

cxx_program() {
	g++ -std=c++11 -Wall -Wextra -Werror -Iinclude -o "$tmp/cxx_api" tests/dist/cxx_api.cpp \
		-L"$B" -lpagelab -Wl,-rpath,"$PWD/$B" && "$tmp/cxx_api"
}

ok "the shared library's SONAME is libpagelab.so.0" soname
ok "it exports exactly the functions of the public headers" exports_only_the_api
ok "every exported symbol is in version node PAGELAB_0.1" all_versioned
for h in include/pagelab/*.h; do
	ok "$(basename "$h") compiles as C++" cxx_header "$(basename "$h")"
done
ok "a C++ program links against libpagelab and calls it (extern \"C\")" cxx_program
done_testing
