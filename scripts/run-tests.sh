#!/bin/sh
# make test: every unit test (ASan+UBSan), a short fixed run of every fuzzer,
# every integration test (they boot guests under KVM, with the ASan build of
# pagelab), then the differential guest tests if present. Ends with one
# line: "tests: N passed, M failed".
set -u
# JUNIT=FILE is relative to where make test was run.
case ${JUNIT:-} in "" | /*) ;; *) JUNIT=$PWD/$JUNIT ;; esac
cd "$(dirname "$0")/.."

B=${B:-build}
A=$B/asan
export PAGELAB=${PAGELAB:-$A/pagelab}
# Any sanitizer report fails the run; leaks too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:halt_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# --tcg (make test-tcg): what can be tested without KVM, on a CI runner
# that has none: unit tests, fuzzers, the TCG integration test, the library
# checks, and every differential program under QEMU's TCG.
tcg_only=0
if [ "${1:-}" = "--tcg" ]; then
	tcg_only=1
	export PAGELAB_TESTS_WITHOUT_KVM=1
fi

if [ "$tcg_only" -eq 0 ] && [ ! -c /dev/kvm ]; then
	echo "tests: /dev/kvm does not exist: the integration tests boot guests under KVM" >&2
	echo "tests: and cannot run here. Run 'make test' on a machine with KVM." >&2
	exit 1
fi
if [ "$tcg_only" -eq 0 ] && { [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
	echo "tests: no permission on /dev/kvm: add yourself to its group (sudo usermod -aG kvm \$USER)" >&2
	exit 1
fi

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

. scripts/test-lib.sh
fmt=$(cmocka_format)
case $fmt in
STDOUT | TAP | SUBUNIT | XML) ;;
*)
	echo "tests: CMOCKA_MESSAGE_OUTPUT=$fmt is not a cmocka format: use STDOUT, TAP, SUBUNIT or XML" >&2
	exit 2
	;;
esac
junit_open

suites() {
	dir=$1
	found=0
	for t in "$dir"/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		found=1
		run_suite "${t#"$A"/tests/}" "$t"
	done
	if [ "$found" -eq 0 ]; then
		echo "  $dir: no test binaries (did 'make test-binaries' run?)"
		failed=$((failed + 1))
	fi
}

echo "unit tests ($A/tests/unit):"
suites "$A/tests/unit"
# One fuzzer: its committed corpus (seeds and every regression input), then
# FUZZ_RUNS mutations from a fixed seed, so the run does not depend on time.
# New inputs go to a scratch directory; a crash is kept in build/fuzz/crashes.
FUZZ_RUNS=${FUZZ_RUNS:-50000}
fuzz_suite() {
	bin=$1
	name=${bin##*/fuzz_}
	scratch=$(mktemp -d)
	mkdir -p "$B/fuzz/crashes"
	"$bin" -runs="$FUZZ_RUNS" -seed=1 -timeout=60 -artifact_prefix="$B/fuzz/crashes/$name-" \
		"$scratch" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	rm -rf "$scratch"
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		junit_case fuzzers "fuzz_$name" 1 "$log"
		printf '  %-40s %3d passed (%s runs)\n' "fuzz_$name" 1 "$FUZZ_RUNS"
	else
		failed=$((failed + 1))
		junit_case fuzzers "fuzz_$name" 0 "$log"
		printf '  %-40s %3d passed, 1 FAILED (exit %d):\n' "fuzz_$name" 0 "$rc"
		note_failure "fuzz_$name" "$log"
		grep -v -e '^#[0-9]' -e '^INFO:' "$log" | sed 's/^/    | /' | head -n 40
	fi
}

echo "fuzzers ($B/fuzz, $FUZZ_RUNS runs each after the corpus in tests/fuzz/corpus):"
found=0
for t in "$B"/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	found=1
	fuzz_suite "$t"
done
if [ "$found" -eq 0 ]; then
	echo "  $B/fuzz: no fuzzers (did 'make fuzz-binaries' run?)"
	failed=$((failed + 1))
fi

echo "integration tests ($A/tests/integration, PAGELAB=$PAGELAB):"
if [ "$tcg_only" -eq 1 ]; then
	run_suite integration/test_tcg "$A/tests/integration/test_tcg"
else
	suites "$A/tests/integration"
fi

# tap_suite SCRIPT: a TAP script (tests/dist); "ok" lines pass, "not ok"
# lines fail, and so does a missing or short plan or a non-zero exit.
tap_suite() {
	"$1" >"$log" 2>&1
	rc=$?
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | tail -n 1)
	if [ -z "$plan" ] || [ "$plan" -ne $((ok + bad)) ] || { [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
		bad=$((bad + 1))
	fi
	junit_tap "$1" "$log"
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -eq 0 ]; then
		printf '  %-40s %3d passed\n' "$1" "$ok"
	else
		printf '  %-40s %3d passed, %d FAILED (exit %d):\n' "$1" "$ok" "$bad" "$rc"
		note_failure "$1" "$log"
		grep -v '^ok ' "$log" | sed 's/^/    | /' | tail -n 60
	fi
}

echo "library ABI and installation (tests/dist):"
for t in tests/dist/test-*.sh; do
	# The installed kernel is booted under KVM there.
	[ "$tcg_only" -eq 1 ] && [ "$t" = tests/dist/test-install.sh ] && continue
	tap_suite "$t"
done

# Real gdb against pagelab run --gdb (boots guests under KVM).
if [ "$tcg_only" -eq 0 ]; then
	echo "gdb stub (tests/gdb):"
	for t in tests/gdb/test-*.sh; do
		tap_suite "$t"
	done
fi

# The reading guide names files and functions; a rename must update it.
echo "documentation (tests/docs):"
for t in tests/docs/test-*.sh; do
	tap_suite "$t"
done

# diff_suite LABEL RUN_OPTS [PROGRAM...]: one run of run-diff.sh (or of
# $DIFF_SCRIPT, which prints the same lines), counted.
diff_suite() {
	label=$1
	opts=$2
	shift 2
	PAGELAB_RUN_OPTS=$opts ${DIFF_SCRIPT:-tests/guest/run-diff.sh} "$@" >"$log" 2>&1
	rc=$?
	line=" $(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)"
	ok=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p')
	bad=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p')
	ok=${ok:-0}
	bad=${bad:-0}
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	junit_tap "$label" "$log"
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -eq 0 ]; then
		printf '  %-40s %3d passed\n' "$label" "$ok"
	else
		printf '  %-40s %3d passed, %d FAILED (exit %d):\n' "$label" "$ok" "$bad" "$rc"
		note_failure "$label" "$log"
		# The failing cases and their diagnostics, not the passing ones.
		grep -v '^ok ' "$log" | sed 's/^/    | /' | tail -n 80
	fi
}

if [ -x tests/guest/run-diff.sh ]; then
	echo "guest programs, native vs sandbox (tests/guest/run-diff.sh):"
	if [ "$tcg_only" -eq 1 ]; then
		diff_suite "run-diff.sh --accel tcg" "--accel tcg"
		junit_close
		failure_summary
		echo "tests: $passed passed, $failed failed$(skips "$skipped")"
		[ "$failed" -eq 0 ]
		exit
	fi
	diff_suite run-diff.sh ""
	# Both modes stay tested: a handful again with the kernel isolated.
	diff_suite "run-diff.sh --isolate" --isolate \
		stdio fork_wait signal_death pipes preempt mmap_stress sleepers hostile_regs fsgs_bases
	# The ordinary ring-0 path (iretq, sti/cli, the xAPIC, invlpg and CR3
	# writes without kvm_pvm's opt-in): every program again under QEMU's TCG
	# (about 45 s on 2 cores).
	diff_suite "run-diff.sh --accel tcg" "--accel tcg"
	# --trace-syscalls against real strace on the same programs.
	DIFF_SCRIPT=tests/guest/run-trace-diff.sh diff_suite "run-trace-diff.sh (strace)" ""
fi

junit_close
failure_summary
echo "tests: $passed passed, $failed failed$(skips "$skipped")"
[ "$failed" -eq 0 ]
