#!/bin/sh
# make test's own counting (scripts/test-lib.sh): the same cmocka results
# give the same counts in each of cmocka's output formats, a crash counts
# what never ran as failed, and JUNIT=FILE writes a report with every case.
set -u
cd "$(dirname "$0")/../.."
. tests/dist/tap.sh
. scripts/test-lib.sh
unset JUNIT # a make test JUNIT=FILE run must not reach the runs below

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
bin=$tmp/cmocka_groups
cc -o "$bin" tests/dist/fixtures/cmocka_groups.c -lcmocka

# counts FORMAT WANT [ENV...]: run_suite's passed/failed/skipped for one run.
counts() {
	fmt=$1
	want=$2
	shift 2
	passed=0 failed=0 skipped=0
	run_suite fixture env "$@" "$bin" >/dev/null
	[ "$passed $failed $skipped" = "$want" ] || {
		echo "$fmt: got passed/failed/skipped $passed $failed $skipped, want $want"
		return 1
	}
}

for f in STDOUT TAP SUBUNIT XML; do
	ok "$f: 3 passed, 1 failed, 1 skipped over two groups" counts "$f" "3 1 1"
done
# A crash: the case that died fails, and so does the case never run where
# the format announced it (STDOUT and TAP print each group's plan first).
ok "STDOUT: a crash fails the case that died and the one never run" counts STDOUT "1 3 1" CRASH=1
ok "TAP: a crash fails the case that died and the one never run" counts TAP "1 3 1" CRASH=1
ok "SUBUNIT: a crash fails the case that died" counts SUBUNIT "1 2 1" CRASH=1
ok "XML: a crash fails the case that died" counts XML "1 2 1" CRASH=1

junit() {
	JUNIT=$tmp/report.xml
	fmt=XML
	junit_open
	passed=0 failed=0 skipped=0
	run_suite unit/fixture "$bin" >/dev/null
	printf 'ok 1 - prog (status 0): native and sandbox agree\nnot ok 2 - a & b <c>\n' >"$log"
	junit_tap run-diff.sh "$log"
	junit_case fuzzers fuzz_x 1 "$log"
	junit_close >/dev/null
	r=$JUNIT
	unset JUNIT
	grep -q '^<?xml version="1.0"' "$r" &&
		[ "$(grep -c '<testsuite ' "$r")" -eq 4 ] &&
		[ "$(grep -c '<testcase ' "$r")" -eq 8 ] &&
		[ "$(grep -c '<failure' "$r")" -eq 2 ] &&
		grep -q '<testsuite name="unit/fixture"' "$r" &&
		grep -q 'name="a &amp; b &lt;c&gt;"><failure/>' "$r" &&
		[ "$(grep -c '<testsuites' "$r")" -eq 1 ] &&
		[ "$(grep -c '</testsuites>' "$r")" -eq 1 ] || {
		cat "$r"
		return 1
	}
}
ok "JUNIT=FILE: cmocka's suites, TAP lines and single cases, escaped" junit

done_testing
