# Sourced by scripts/run-tests.sh: counting cmocka's results in whichever
# output format it was asked for, and the JUnit XML report (JUNIT=FILE).

# cmocka_format: the format the suites run in. JUnit needs cmocka's XML;
# otherwise the person's CMOCKA_MESSAGE_OUTPUT choice is kept.
cmocka_format() {
	if [ -n "${JUNIT:-}" ]; then
		echo XML
	else
		echo "${CMOCKA_MESSAGE_OUTPUT:-STDOUT}" | tr '[:lower:]' '[:upper:]'
	fi
}

# cmocka_count FORMAT FILE...: "planned passed failed skipped", summed over
# every group in the files (a binary may run several groups). Each format
# announces its plan before the tests run, so a crash part way through
# leaves planned above the rest and the caller counts the difference.
cmocka_count() {
	fmt=$1
	shift
	awk -v fmt="$fmt" '
	function attr(line, name,    m) {
		if (match(line, name "=\"[0-9]+\"")) {
			m = substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
			return m + 0
		}
		return 0
	}
	fmt == "STDOUT" && /^\[==========\] Running [0-9]+ test\(s\)\./ { plan += $3 }
	fmt == "STDOUT" && /^\[  PASSED  \] [0-9]+ test\(s\)/ { ok += $4 }
	fmt == "STDOUT" && /^\[  FAILED  \] [0-9]+ test\(s\)/ { bad += $4 }
	fmt == "STDOUT" && /^\[  SKIPPED \] [0-9]+ test\(s\)/ { skip += $4 }
	fmt == "TAP" && /^1\.\.[0-9]+$/ { plan += substr($0, 4) }
	fmt == "TAP" && /^ok / { ok++ }
	fmt == "TAP" && /^not ok .*# SKIP/ { skip++; next }
	fmt == "TAP" && /^not ok / { bad++ }
	fmt == "SUBUNIT" && /^test: / { plan++ }
	fmt == "SUBUNIT" && /^success: / { ok++ }
	fmt == "SUBUNIT" && /^(failure|error): / { bad++ }
	fmt == "SUBUNIT" && /^skip: / { skip++ }
	fmt == "XML" && /<testsuite / {
		t = attr($0, "tests"); f = attr($0, "failures") + attr($0, "errors")
		s = attr($0, "skipped")
		plan += t; bad += f; skip += s; ok += t - f - s
	}
	END { printf "%d %d %d %d\n", plan, ok, bad, skip }
	' "$@"
}

xml_escape() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
}

# A CDATA section may hold anything but its own terminator and bytes XML
# forbids; keep the text printable.
cdata() {
	printf '<![CDATA['
	tr -d '\000-\010\013\014\016-\037' | sed 's/]]>/]]]]><![CDATA[>/g'
	printf ']]>'
}

# run_suite LABEL COMMAND...: one cmocka binary, in the output format
# cmocka was asked for ($fmt; the caller also provides $log and the passed,
# failed and skipped totals). Count its
# cases; a crash, part of the plan that never ran, or a non-zero exit
# without a failed case still counts as a failure. XML goes to files of
# our own (CMOCKA_XML_FILE), one per group, and the JUnit report reuses them.
run_suite() {
	name=$1
	shift
	xmldir=$(mktemp -d)
	CMOCKA_MESSAGE_OUTPUT=$fmt CMOCKA_XML_FILE="$xmldir/%g.xml" "$@" >"$log" 2>&1
	rc=$?
	if [ "$fmt" = XML ]; then
		set -- $(cmocka_count XML "$xmldir"/*.xml /dev/null)
	else
		set -- $(cmocka_count "$fmt" "$log")
	fi
	planned=$1 ok=$2 bad=$3 skip=$4
	# Crashed (a signal, a sanitizer report), an error outside the cases, or
	# cases announced that never reported: the case that died is one more
	# failure, and so is each announced case that never ran. (STDOUT and
	# TAP announce a group's plan up front; SUBUNIT and XML cannot tell.)
	missing=$((planned - ok - bad - skip))
	outside=0
	if [ "$missing" -gt 0 ] || [ "$planned" -eq 0 ] || [ "$rc" -gt 128 ] ||
		{ [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
		outside=1
		[ "$missing" -gt 0 ] || missing=1
		bad=$((bad + missing))
	fi
	junit_cmocka "$name" "$xmldir" "$rc" "$log" "$outside"
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
	if [ "$bad" -eq 0 ]; then
		printf '  %-40s %3d passed%s\n' "$name" "$ok" "$(skips "$skip")"
	else
		printf '  %-40s %3d passed, %d FAILED (exit %d):\n' "$name" "$ok" "$bad" "$rc"
		note_failure "$name" "$log"
		{
			grep -v -e '^\[ RUN      \]' -e '^\[       OK \]' -e '^ok ' -e '^success: ' "$log"
			cat "$xmldir"/*.xml 2>/dev/null | sed -n '/<failure>/,/<\/failure>/p'
		} | sed 's/^/    | /' | tail -n 60
	fi
	rm -rf "$xmldir"
}

skips() {
	[ "$1" -eq 0 ] || printf ', %d skipped' "$1"
}

# note_failure LABEL LOG: remember which cases of a suite failed, so the
# end of the run names them again: a CI page that keeps only the last
# lines of the output still says what broke.
note_failure() {
	[ -n "${failures:-}" ] || failures=$(mktemp)
	{
		echo "  $1:"
		grep -E -e '^not ok ' -e 'SUMMARY: ' -e '^\[  FAILED  \] [^0-9]' -e '^\[  ERROR   \]' "$2" |
			sed 's/^/    /' | head -n 10
	} >>"$failures"
}

# failure_summary: the list note_failure kept, if anything failed.
failure_summary() {
	[ -n "${failures:-}" ] && [ -s "$failures" ] || return 0
	echo "failed:"
	cat "$failures"
	rm -f "$failures"
}

# junit_open: start collecting (a no-op without JUNIT).
junit_open() {
	[ -n "${JUNIT:-}" ] || return 0
	junit_tmp=$(mktemp)
}

# junit_cmocka LABEL XMLDIR RC LOG OUTSIDE: cmocka's own testsuites, named
# after the binary; OUTSIDE (1: it crashed or failed outside its cases, or
# part of its plan never ran) adds an error case with the end of the log.
junit_cmocka() {
	[ -n "${JUNIT:-}" ] || return 0
	label=$(printf '%s' "$1" | xml_escape)
	for x in "$2"/*.xml; do
		[ -f "$x" ] || continue
		sed -n '/<testsuite /,/<\/testsuite>/p' "$x" | awk -v n="$label" '
			/<testsuite / { gsub(/&/, "\\\\&", n); sub(/<testsuite name="[^"]*"/, "<testsuite name=\"" n "\"") }
			{ print }' >>"$junit_tmp"
	done
	if [ "$5" -ne 0 ]; then
		{
			printf '  <testsuite name="%s" tests="1" failures="0" errors="1">\n' "$label"
			printf '    <testcase name="exit status"><error message="exit %s">' "$3"
			tail -n 60 "$4" | cdata
			printf '</error></testcase>\n  </testsuite>\n'
		} >>"$junit_tmp"
	fi
}

# junit_tap LABEL LOG: a suite from "ok ..." / "not ok ..." lines.
junit_tap() {
	[ -n "${JUNIT:-}" ] || return 0
	label=$(printf '%s' "$1" | xml_escape)
	n=$(grep -c -e '^ok ' -e '^not ok ' "$2")
	f=$(grep -c '^not ok ' "$2")
	printf '  <testsuite name="%s" tests="%d" failures="%d">\n' "$label" "$n" "$f" >>"$junit_tmp"
	grep -e '^ok ' -e '^not ok ' "$2" | while IFS= read -r line; do
		name=$(printf '%s' "$line" | sed -e 's/^\(not \)\{0,1\}ok [0-9]* *-\{0,1\} *//' | xml_escape)
		case $line in
		"not ok "*) printf '    <testcase name="%s"><failure/></testcase>\n' "$name" ;;
		*) printf '    <testcase name="%s"/>\n' "$name" ;;
		esac
	done >>"$junit_tmp"
	printf '  </testsuite>\n' >>"$junit_tmp"
}

# junit_case SUITE NAME OK LOG: one case in a suite of its own.
junit_case() {
	[ -n "${JUNIT:-}" ] || return 0
	{
		printf '  <testsuite name="%s" tests="1" failures="%d">\n' \
			"$(printf '%s' "$1" | xml_escape)" "$((1 - $3))"
		printf '    <testcase name="%s">' "$(printf '%s' "$2" | xml_escape)"
		if [ "$3" -eq 0 ]; then
			printf '<failure>'
			tail -n 40 "$4" | cdata
			printf '</failure>'
		fi
		printf '</testcase>\n  </testsuite>\n'
	} >>"$junit_tmp"
}

# junit_close: write JUNIT whole, or nothing.
junit_close() {
	[ -n "${JUNIT:-}" ] || return 0
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pagelab make test">\n'
		cat "$junit_tmp"
		printf '</testsuites>\n'
	} >"$JUNIT.tmp" && mv "$JUNIT.tmp" "$JUNIT"
	rm -f "$junit_tmp"
	echo "tests: JUnit report in $JUNIT"
}
