# shellcheck shell=sh
# make bench, sourced by scripts/run-bench.sh: the POSIX calls a program
# leans on (clocks through the vDSO, readiness, queued signals, timers and
# message queues), each beside native Linux and getpid() of the same run.

# 1M clock_gettime(CLOCK_MONOTONIC) through libc: the vDSO on both sides.
# shellcheck disable=SC2154 # take() assigns through eval
section_clock() {
	echo "== clock: 1M clock_gettime(CLOCK_MONOTONIC) through libc and the vDSO (median of $ROUNDS rounds)"
	need_kernel || return
	ck_guest() { in_guest "$BENCH/guest_clock" 1000000 "$GETPID_N"; }
	ck_native() { "$BENCH/guest_clock" 1000000; }
	rounds clock ck_guest ck_native || return
	take g clock ck_guest clock_ns || return
	take n clock ck_native clock_ns || return
	take gt clock ck_guest clock_total_ms || return
	take nt clock ck_native clock_total_ms || return
	take gs clock ck_guest clock_syscall_ns || return
	row "guest: clock_gettime() in pagelab, per call" "$(awk -v v="$g" 'BEGIN { printf "%.2f ns", v }')"
	row "native: the same binary on this Linux, per call" "$(awk -v v="$n" 'BEGIN { printf "%.2f ns", v }')"
	row "guest: 1M calls" "$(awk -v v="$gt" 'BEGIN { printf "%.3f ms", v }')"
	row "native: 1M calls" "$(awk -v v="$nt" 'BEGIN { printf "%.3f ms", v }')"
	row "guest / native (issue 14 asks <= 2x)" "$(ratio_x "$g" "$n")"
	row "guest: syscall(SYS_clock_gettime), the path without a vDSO" "$(us "$gs")"
	per_op clock 1000000 "$BENCH/guest_clock" 1000 1001000 clock_gettime
}

# Readiness questions answered yes, and an eventfd's write + read, beside native.
# shellcheck disable=SC2154 # take() assigns through eval
section_poll() {
	echo "== poll: poll/select/epoll_wait on a ready eventfd, eventfd write + read (median of $ROUNDS rounds)"
	need_kernel || return
	pl_guest() { in_guest "$BENCH/guest_poll" "$GETPID_N"; }
	pl_native() { "$BENCH/guest_poll" 200000; }
	rounds poll pl_guest pl_native || return
	take gp poll pl_guest getpid_ns || return
	take np poll pl_native getpid_ns || return
	row "getpid(), the floor: guest $(us "$gp"), native $(us "$np")" "$(ratio_x "$gp" "$np")"
	for what in poll select epoll eventfd; do
		take g poll pl_guest "${what}_ns" || return
		take n poll pl_native "${what}_ns" || return
		row "$what: guest $(us "$g"), native $(us "$n")" "$(ratio_x "$g" "$n")"
		row "  $what / getpid: guest, native" "$(ratio_x "$g" "$gp"), $(ratio_x "$n" "$np")"
	done
}

# Queued signals, POSIX timers and message queues, beside native.
# shellcheck disable=SC2154 # take() assigns through eval
section_sigmq() {
	echo "== sigmq: sigqueue + sigwaitinfo, sigqueue to a handler, timer_settime + gettime, mq_send + receive (median of $ROUNDS rounds)"
	need_kernel || return
	pl_guest() { in_guest "$BENCH/guest_sigmq" "$GETPID_N"; }
	pl_native() { "$BENCH/guest_sigmq" 200000; }
	rounds sigmq pl_guest pl_native || return
	take gp sigmq pl_guest getpid_ns || return
	take np sigmq pl_native getpid_ns || return
	row "getpid(), the floor: guest $(us "$gp"), native $(us "$np")" "$(ratio_x "$gp" "$np")"
	for what in sigwait handler timer mq; do
		take g sigmq pl_guest "${what}_ns" || return
		take n sigmq pl_native "${what}_ns" || return
		row "$what: guest $(us "$g"), native $(us "$n")" "$(ratio_x "$g" "$n")"
		row "  $what / getpid: guest, native" "$(ratio_x "$g" "$gp"), $(ratio_x "$n" "$np")"
	done
}
