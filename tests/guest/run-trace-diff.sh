#!/usr/bin/env bash
# --trace-syscalls against real strace: guest test programs run natively
# under `strace -f` and in the sandbox with --trace-syscalls, filtered to
# the same classes, and the two traces must agree line for line once what
# may differ by design is set aside (tests/guest/trace-normalize.awk:
# process ids, addresses, mkdtemp names, the order in which processes ran).
#
#   tests/guest/run-trace-diff.sh [NAME...]
#
# PAGELAB    the command under test (default build/asan/pagelab)
# GUEST_DIR  where the programs are built (default build/tests/guest)
#
# The programs are those whose calls do not depend on the kernel beneath
# them. Left out, and why: fork_wait (Linux fills in rusage, and the core
# bit follows RLIMIT_CORE), execve (the program's path differs), sigsuspend
# (strace shows Linux's internal ERESTARTNOHAND), sleepers (how often a
# signal loop runs is timing), mmap_conformance and proc_files (the host's
# huge pages and /proc differ), files/directories' st_size (the file
# systems differ: st_size of a directory is masked, and so are statfs's
# counts, fsid and the type of /tmp, which may be ext4 on the host),
# sigchld_ignore (a
# traced process receives even ignored signals, which interrupt its calls)
# and the timer tests (the times left they print are timing).
#
# Prints one "ok"/"not ok" line per program and "trace: N passed, M failed".
set -u

PAGELAB=${PAGELAB:-build/asan/pagelab}
GUEST_DIR=${GUEST_DIR:-build/tests/guest}
CLASSES=%file,%desc,%memory,%signal,%process
here=$(dirname "$0")
programs=("$@")
[ ${#programs[@]} -gt 0 ] ||
	programs=(files stdio uname sparse_files args_env exit_code pipes signal_death sigqueue statfs_zero)

if ! command -v strace >/dev/null; then
	echo "run-trace-diff: *** strace is not installed (Debian package strace; make test installs it) ***" >&2
	echo "trace: 0 passed, 1 failed"
	exit 1
fi

work=$(mktemp -d /tmp/pagelab-trace-XXXXXX)
trap 'rm -rf "$work"' EXIT
ulimit -c 0
passed=0
failed=0

normalize() {
	awk -v strace="$2" -f "$here/trace-normalize.awk" "$1" |
		sed -E -e 's/0x[0-9a-f]+/ADDR/g' -e 's/ +=  ?/ = /' \
			-e 's/([-.])[A-Za-z0-9]{6}([/"])/\1XXXXXX\2/g' \
			-e 's/(S_IFDIR\|[0-7]+, st_size=)[0-9]+/\1N/' \
			-e 's/(f_(blocks|bfree|bavail|files|ffree)=)[0-9]+/\1N/g' \
			-e 's/f_fsid=\{val=\[[^]]*\]\}/f_fsid={val=[N, N]}/' \
			-e 's/(statfs\("\/tmp", \{f_type=)[A-Z0-9_]+/\1T/'
}

# Natively the program would inherit what this script was given beyond
# 0, 1 and 2 (make's jobserver pipes): its descriptors would be numbered
# differently from the sandbox's, where it starts with just those three.
close_inherited_fds() {
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
}

for p in "${programs[@]}"; do
	prog=$GUEST_DIR/$p
	(close_inherited_fds
	 exec env -i PATH=/usr/bin:/bin HOME=/ strace -f -qq -o "$work/$p.strace" \
		-e trace="$CLASSES" "$prog") >/dev/null 2>&1
	"$PAGELAB" run --trace-syscalls="$CLASSES" --trace-output "$work/$p.pagelab" "$prog" \
		>/dev/null 2>"$work/$p.err"
	normalize "$work/$p.strace" 1 >"$work/$p.want"
	normalize "$work/$p.pagelab" 0 >"$work/$p.got"
	lines=$(wc -l <"$work/$p.want")
	if [ "$lines" -gt 0 ] && diff -u "$work/$p.want" "$work/$p.got" >"$work/$p.diff"; then
		echo "ok - $p: $lines calls traced as strace traces them"
		passed=$((passed + 1))
	else
		echo "not ok - $p: the trace differs from strace's (- strace, + pagelab)"
		sed 's/^/# /' "$work/$p.diff" "$work/$p.err" | head -n 40
		failed=$((failed + 1))
	fi
done
echo "trace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
