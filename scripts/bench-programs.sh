# shellcheck shell=sh
# Sourced by scripts/run-bench.sh: the "programs" section, whole workloads
# timed natively and in the sandbox in the same rounds, each as a ratio to
# native, with the transitions it costs in the sandbox beside it (exits to
# the VMM and trapped privileged instructions, from --stats, beyond what
# booting and running hello world costs). On VMX hardware those counts are
# what carries over; the times are this host's.
#
# To add a workload, add one line to PROGRAMS:
#   NAME|WHAT IT DOES|GUEST PROGRAM AND ARGUMENTS|KEY IT PRINTS (ms)|THE ISSUE'S ASK
# The program (tests/bench/guest_*.c) runs natively and under pagelab run
# and prints "KEY milliseconds" for the workload it times.
PROGRAMS=${BENCH_PROGRAMS:-"clock|1M clock_gettime(CLOCK_MONOTONIC)|guest_clock 1000000|clock_total_ms|<= 2x
file_read|sequential read of a 64 MiB file through MAP_PRIVATE|guest_file_read 64|file_read_ms|<= 3x
fork_touch|fork + the child stores to 16 MiB, to waitpid|guest_fork_cow 16 3|fork_round_ms|<= 3x"}

# BENCH_BEFORE_KERNEL=FILE: also time each workload on that kernel in the
# same rounds (e.g. the main branch's build) and print before / after;
# BENCH_BEFORE_PAGELAB=FILE runs those with that pagelab binary too.
BEFORE_KERNEL=${BENCH_BEFORE_KERNEL:-}
BEFORE_PAGELAB=${BENCH_BEFORE_PAGELAB:-$PAGELAB}

# stats_count FILE exits|traps: one count of a --stats run (stat_of in run-bench.sh).
stats_count() {
	stat_of "$1" "$2"
}

# shellcheck disable=SC2154 # take() assigns through eval
program_row() {
	pname=$1 what=$2 cmd=$3 key=$4 ask=$5
	# shellcheck disable=SC2086 # the arguments split on purpose
	pr_guest() { in_guest "$BENCH/"$cmd; }
	# shellcheck disable=SC2086
	pr_native() { "$BENCH/"$cmd; }
	# shellcheck disable=SC2086
	pr_before() { "$BEFORE_PAGELAB" run --kernel "$BEFORE_KERNEL" --timeout 600 "$BENCH/"$cmd; }
	fns="pr_guest pr_native"
	[ -n "$BEFORE_KERNEL" ] && fns="$fns pr_before"
	# shellcheck disable=SC2086
	rounds "prog_$pname" $fns || return
	take g "prog_$pname" pr_guest "$key" || return
	take n "prog_$pname" pr_native "$key" || return
	echo "  -- $pname: $what"
	row "guest" "$(awk -v v="$g" 'BEGIN { printf "%.3f ms", v }')"
	row "native" "$(awk -v v="$n" 'BEGIN { printf "%.3f ms", v }')"
	row "guest / native (issue 14 asks $ask)" "$(ratio_x "$g" "$n")"
	if [ -n "$BEFORE_KERNEL" ]; then
		take b "prog_$pname" pr_before "$key" || return
		row "before: guest on $BEFORE_KERNEL" "$(awk -v v="$b" 'BEGIN { printf "%.3f ms", v }')"
		row "before / native" "$(ratio_x "$b" "$n")"
		row "before / after" "$(ratio_x "$b" "$g")"
	fi
	# shellcheck disable=SC2086
	if ! in_guest --stats "$BENCH/"$cmd >/dev/null 2>"$WORK/prog_$pname.stats"; then
		failed "$pname: pagelab run --stats"
		return
	fi
	e=$(stats_count "$WORK/prog_$pname.stats" exits)
	t=$(stats_count "$WORK/prog_$pname.stats" traps)
	row "transitions in the sandbox beyond hello world" \
		"$((e - hello_exits)) exits, $((t - hello_traps)) trapped instructions"
}

section_programs() {
	echo "== programs: whole workloads, sandbox beside native (median of $ROUNDS rounds)"
	need_kernel || return
	if ! in_guest --stats "$BENCH/guest_hello" >/dev/null 2>"$WORK/prog_hello.stats"; then
		failed "programs: pagelab run --stats guest_hello"
		return
	fi
	hello_exits=$(stats_count "$WORK/prog_hello.stats" exits)
	hello_traps=$(stats_count "$WORK/prog_hello.stats" traps)
	# The runs read /dev/null, not the rest of the table.
	echo "$PROGRAMS" | while IFS='|' read -r w_name w_what w_cmd w_key w_ask; do
		[ -n "$w_name" ] && program_row "$w_name" "$w_what" "$w_cmd" "$w_key" "$w_ask" </dev/null
		# a failed row sets status in this subshell: carry it out
		[ "$status" -eq 0 ] || echo failed >"$WORK/programs.failed"
	done
	[ -e "$WORK/programs.failed" ] && status=1
	echo "  -- boot: hello world, process start to exit, beside a bare KVM process ($RUNS runs each)"
	bare=$($TIMEIT "$RUNS" "$B/tests/bench/host_bare_kvm") || { failed "host_bare_kvm"; return; }
	hello=$($TIMEIT "$RUNS" "$PAGELAB" run --kernel "$KERNEL" "$BENCH/guest_hello") ||
		{ failed "pagelab run guest_hello"; return; }
	row "guest: pagelab run guest_hello" "$hello"
	row "bare KVM: create VM + vCPU, one HLT" "$bare"
	row "guest / bare KVM (issue 14 asks <= 1.5x)" \
		"$(ratio_x "$(ms "$hello" median)" "$(ms "$bare" median)") median, $(ratio_x "$(ms "$hello" min)" "$(ms "$bare" min)") min"
	if [ -n "$BEFORE_KERNEL" ]; then
		before=$($TIMEIT "$RUNS" "$BEFORE_PAGELAB" run --kernel "$BEFORE_KERNEL" "$BENCH/guest_hello") ||
			{ failed "pagelab run guest_hello on $BEFORE_KERNEL"; return; }
		row "before: on $BEFORE_KERNEL" "$before"
		row "before / bare KVM" "$(ratio_x "$(ms "$before" median)" "$(ms "$bare" median)") median"
	fi
	row "transitions: hello world in the sandbox" "$hello_exits exits, $hello_traps trapped instructions"
}
