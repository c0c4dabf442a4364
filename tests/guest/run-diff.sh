#!/usr/bin/env bash
# Differential tests: every guest test program runs natively on this Linux
# and in the sandbox; stdout must be identical line for line and the exit
# status must be the expected one in both.
#
#   tests/guest/run-diff.sh [--native-only] [NAME...]
#
# PAGELAB      the command under test (default build/asan/pagelab)
# GUEST_DIR    where the programs are built (default build/tests/guest)
# PAGELAB_RUN_OPTS  extra options for every sandbox run, e.g. "--isolate"
# --native-only  only the native half: every program's TAP passes and its
#                status is the expected one (no KVM needed)
#
# Prints one "ok"/"not ok" line per run and "diff: N passed, M failed" at
# the end; exits 1 if anything failed.
set -u

PAGELAB=${PAGELAB:-build/asan/pagelab}
GUEST_DIR=${GUEST_DIR:-build/tests/guest}
TIMEOUT=60
native_only=0
if [ "${1:-}" = "--native-only" ]; then
	native_only=1
	shift
fi

# make test runs quick sizes; make stress (STRESS=1) the issue's full ones.
scale_count=20000
stress_ops=2000
sched_rounds=40
if [ -n "${STRESS:-}" ]; then
	scale_count=100000
	stress_ops=100000
	sched_rounds=2000
	TIMEOUT=1800
fi

passed=0
failed=0
work=$(mktemp -d /tmp/pagelab-diff-XXXXXX)
trap 'rm -rf "$work"' EXIT
# Natively a program that dies of a signal must not leave core files.
ulimit -c 0

say_ok() {
	echo "ok - $*"
	passed=$((passed + 1))
}

say_fail() {
	echo "not ok - $*"
	failed=$((failed + 1))
}

# A small fixed environment: the programs rely only on PATH and HOME being
# set. The subshell keeps bash's "Segmentation fault" notices off the terminal.
run_native() {
	(env -i PATH=/usr/bin:/bin HOME=/ timeout "$TIMEOUT" "$@") 2>>"$out.native.err"
}

# 512 MiB: the fork storm of mmap_stress needs ~170 MiB of guest RAM.
run_sandbox() {
	# shellcheck disable=SC2086 # the options are meant to split
	"$PAGELAB" run -m 512M --timeout "$TIMEOUT" ${PAGELAB_RUN_OPTS:-} "$@"
}

# check NAME EXPECTED_STATUS [ARGS...]
check() {
	local name=$1 want=$2
	shift 2
	local prog=$GUEST_DIR/$name label out=$work/$name
	label=$name
	[ $# -gt 0 ] && label+=$(printf ' %q' "$@")
	label+=" (status $want)"
	# Which way the sandbox ran, in every line (e.g. "[--accel tcg]").
	[ -n "${PAGELAB_RUN_OPTS:-}" ] && label+=" [$PAGELAB_RUN_OPTS]"

	if [ ! -x "$prog" ]; then
		say_fail "$label: $prog is not built (make $prog)"
		return
	fi
	run_native "$prog" "$@" >"$out.native" 2>"$out.native.err" </dev/null
	local nstatus=$?
	if [ "$nstatus" -ne "$want" ] || ! grep -q '^1\.\.[0-9]' "$out.native" ||
		grep -q '^not ok' "$out.native"; then
		say_fail "$label: natively it exited $nstatus"
		grep '^not ok' "$out.native" | sed 's/^/#   native: /'
		tail -n 3 "$out.native.err" | sed 's/^/#   native stderr: /'
		return
	fi
	if [ "$native_only" = 1 ]; then
		say_ok "$label: native"
		return
	fi
	run_sandbox "$prog" "$@" >"$out.sandbox" 2>"$out.sandbox.err" </dev/null
	local sstatus=$?
	if ! diff -u --label native --label sandbox "$out.native" "$out.sandbox" >"$out.diff"; then
		say_fail "$label: stdout differs between native and sandbox (sandbox exited $sstatus)"
		sed 's/^/#   /' "$out.diff" | head -n 40
		tail -n 5 "$out.sandbox.err" | sed 's/^/#   sandbox stderr: /'
		return
	fi
	if [ "$sstatus" -ne "$want" ]; then
		say_fail "$label: in the sandbox it exited $sstatus"
		tail -n 5 "$out.sandbox.err" | sed 's/^/#   sandbox stderr: /'
		return
	fi
	say_ok "$label: native and sandbox agree"
}

# Runs per program: arguments and the status both sides must end with.
# A program not listed here runs once without arguments and must exit 0.
runs_of() {
	case $1 in
	args_env) check args_env 0 alpha "beta gamma" "" ;;
	args_env_pie) check args_env_pie 0 alpha "beta gamma" "" ;;
	exit_code)
		check exit_code 7 7
		check exit_code 0 0
		check exit_code 0 256
		check exit_code 44 300 return
		check exit_code 9 9 _exit
		;;
	signal_death)
		check signal_death 139 segv
		check signal_death 134 abort
		check signal_death 139 fault
		check signal_death 132 ud2
		check signal_death 136 div
		check signal_death 143 term
		check signal_death 137 kill
		check signal_death 139 caught
		;;
	# Its exact stdout and stderr are checked by tests/integration/test_programs.c.
	streams) ;;
	# Natively it always dies; in a sandbox that depends on --isolate and the
	# host: tests/integration/test_isolation.c runs it.
	kernel_access) check kernel_access 0 ;;
	# make test runs the quick sizes; make stress (STRESS=1) the issue's.
	mmap_scale) check mmap_scale 0 "$scale_count" ;;
	mmap_stress) check mmap_stress 0 -n "$stress_ops" ;;
	sched_stress) check sched_stress 0 "$sched_rounds" ;;
	*) check "$1" 0 ;;
	esac
}

if [ "$native_only" = 0 ]; then
	if [ ! -e /dev/kvm ]; then
		echo "run-diff: *** /dev/kvm is missing: the sandbox cannot run here ***" >&2
		echo "run-diff: load KVM (modprobe kvm_intel / kvm_amd / kvm_pvm) or use --native-only" >&2
		echo "diff: 0 passed, 1 failed"
		exit 1
	fi
	if [ ! -x "$PAGELAB" ]; then
		echo "run-diff: $PAGELAB is not built (make $PAGELAB)" >&2
		echo "diff: 0 passed, 1 failed"
		exit 1
	fi
fi

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in "$GUEST_DIR"/*; do
		[ -f "$f" ] && [ -x "$f" ] && names+=("$(basename "$f")")
	done
fi
if [ ${#names[@]} -eq 0 ]; then
	echo "run-diff: no programs in $GUEST_DIR (make test-binaries)" >&2
	echo "diff: 0 passed, 1 failed"
	exit 1
fi

for name in "${names[@]}"; do
	runs_of "$name"
done
echo "diff: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
