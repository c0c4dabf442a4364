#!/bin/sh
# make fuzz: every libFuzzer harness in build/fuzz for SECONDS (default 60)
# each, one after the other (two cores are shared), or only the NAMEs given
# (make fuzz FUZZ_NAMES="namei initramfs"). The corpus grows in
# build/fuzz/corpus/NAME, seeded from tests/fuzz/corpus/NAME (never written
# to); a crash is saved as build/fuzz/crashes/NAME-crash-* and fails the run.
# Ends with one line per harness: executions and executions per second.
set -u
cd "$(dirname "$0")/.."

secs=${1:-60}
[ $# -gt 0 ] && shift
F=${B:-build}/fuzz
if [ $# -gt 0 ]; then
	bins=""
	for n in "$@"; do
		bins="$bins $F/fuzz_$n"
	done
else
	bins=$(ls "$F"/fuzz_* 2>/dev/null)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
failed=0
found=0
for bin in $bins; do
	if [ ! -x "$bin" ] || [ ! -f "$bin" ]; then
		case $bin in *.d) continue ;; esac
		echo "fuzz: no harness $bin" >&2
		failed=$((failed + 1))
		continue
	fi
	found=1
	name=${bin##*/fuzz_}
	log=$F/$name.log
	mkdir -p "$F/corpus/$name" "$F/crashes"
	echo "fuzz_$name: $secs s (log $log)"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=25 \
		-artifact_prefix="$F/crashes/$name-" "$F/corpus/$name" "tests/fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	units=$(find "$F/corpus/$name" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		verdict=ok
	else
		verdict="FAILED (exit $rc)"
		failed=$((failed + 1))
		grep -E 'ERROR|check failed|Test unit written|SUMMARY' "$log" | sed 's/^/    | /' | head -n 20
	fi
	printf '  %-22s %12s execs %8s exec/s %6s corpus  %s\n' "fuzz_$name" "${execs:-?}" \
		"${rate:-?}" "$units" "$verdict" >>"$summary"
done
if [ "$found" -eq 0 ]; then
	echo "fuzz: no harnesses in $F (did 'make fuzz-binaries' run?)" >&2
	exit 1
fi
echo "fuzz: $secs s per harness:"
cat "$summary"
echo "fuzz: $failed failed"
[ "$failed" -eq 0 ]
