#!/bin/sh
# make bench: each benchmark is a section (a shell function) listed in
# SECTIONS at the bottom; later benchmarks add their own section there.
# A section that cannot measure says why and makes the run fail, so a
# broken benchmark is never reported as a number.
set -u
cd "$(dirname "$0")/.."

B=${B:-build}
RUNS=${BENCH_RUNS:-20}
TIMEIT=$B/tests/bench/host_timeit
PAGELAB=$B/pagelab
KERNEL=${PAGELAB_KERNEL:-$B/guest/kernel.elf}
status=0

failed() {
	echo "  FAILED: $*"
	status=1
}

# "median 3.686 ms, min 3.380 ms" -> one of the two numbers
ms() {
	echo "$1" | sed -n "s/.*$2 \([0-9.]*\) ms.*/\1/p"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }'
}

need_kernel() {
	[ -r "$KERNEL" ] && return 0
	failed "guest kernel $KERNEL is missing: build it with 'make'"
	return 1
}

# Process start to exit: pagelab beside the least a KVM process can do.
section_boot() {
	echo "== boot to exit, process start to exit ($RUNS runs each)"
	bare=$($TIMEIT "$RUNS" "$B/tests/bench/host_bare_kvm") ||
		{ failed "host_bare_kvm"; return; }
	printf '  %-52s %s\n' "bare KVM: create VM + vCPU, one HLT" "$bare"
	vmm=$($TIMEIT "$RUNS" "$PAGELAB" run --kernel "$B/tests/fixtures/exit0.elf") ||
		{ failed "pagelab run with the exit0 test kernel"; return; }
	printf '  %-52s %s\n' "pagelab run, a test kernel that exits at once" "$vmm"
	need_kernel || return
	boot=$($TIMEIT "$RUNS" "$PAGELAB" run --kernel "$KERNEL") ||
		{ failed "pagelab run (plain boot of $KERNEL)"; return; }
	printf '  %-52s %s\n' "pagelab run, guest kernel boot to exit" "$boot"
	printf '  %-52s %sx median, %sx min\n' "ratio boot / bare KVM" \
		"$(ratio "$(ms "$boot" median)" "$(ms "$bare" median)")" \
		"$(ratio "$(ms "$boot" min)" "$(ms "$bare" min)")"
}

# Transitions are the scarce resource here: what one boot costs.
section_exits() {
	echo "== transitions one boot costs"
	need_kernel || return
	stats=$("$PAGELAB" run --kernel "$KERNEL" --stats 2>&1 >/dev/null) ||
		{ failed "pagelab run --stats"; echo "$stats" | sed 's/^/    | /'; return; }
	exits=$(echo "$stats" | sed -n 's/^pagelab: stats: \([0-9]*\) exits: \(.*\)/\1 (\2)/p')
	hcalls=$(echo "$stats" | sed -n 's/^pagelab: stats: hypercalls: \([^;]*\);.*/\1/p')
	traps=$(echo "$stats" | sed -n 's/^pagelab: event traps \([0-9]*\)$/\1/p' | tail -n 1)
	mode=$(echo "$stats" | sed -n 's/^pagelab: event exec-mode \([0-9]*\)$/\1/p' | tail -n 1)
	printf '  %-52s %s\n' "exits to the VMM" "$exits"
	printf '  %-52s %s\n' "hypercalls" "$hcalls"
	if [ -n "$traps" ]; then
		printf '  %-52s %s\n' "trapped privileged instructions (kernel's count)" "$traps"
	else
		failed "the kernel reported no PL_EVENT_TRAPS event"
	fi
	case "$mode" in
	0) printf '  %-52s %s\n' "kernel execution mode" "native ring 0 (VMX/SVM)" ;;
	1) printf '  %-52s %s\n' "kernel execution mode" "kvm_pvm opt-in" ;;
	esac
}

SECTIONS="section_boot section_exits"

for s in $SECTIONS; do
	$s
done
[ "$status" -eq 0 ] && echo "bench: done" || echo "bench: some benchmarks FAILED"
exit "$status"
