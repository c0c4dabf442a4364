#!/bin/sh
# pagelab run --gdb driven by real gdb in batch mode (TAP, counted by
# scripts/run-tests.sh): break at main of a guest program built with -g,
# continue, backtrace, step into a function, read a variable, stepi over a
# system call, continue to the program's exit; then detach and kill.
set -u
cd "$(dirname "$0")/../.."
. tests/dist/tap.sh

B=${B:-build}
PAGELAB=${PAGELAB:-$B/pagelab}
PROG=$B/tests/sandbox/gdb_target
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# start [ARG]: pagelab on a free port, waiting for gdb; $port says which.
start() {
	rm -f "$tmp/vmm.err" "$tmp/vmm.out" "$tmp/status"
	: >"$tmp/vmm.err"
	(
		timeout 120 "$PAGELAB" run --gdb 0 "$PROG" "$@" >"$tmp/vmm.out" 2>"$tmp/vmm.err"
		echo $? >"$tmp/status"
	) &
	i=0
	while ! grep -q 'waiting for gdb' "$tmp/vmm.err" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/vmm.err")
}

# debug GDB-ARGS...: gdb against a new pagelab; the outputs in $tmp.
debug() {
	start
	timeout 120 gdb -batch -nx -ex "target remote :$port" "$@" "$PROG" >"$tmp/gdb.out" 2>&1
	wait
}

has() {
	grep -q -e "$2" "$1" || {
		echo "no '$2' in $1:"
		cat "$1" "$tmp/vmm.err"
		return 1
	}
}

session() {
	debug -ex 'break main' -ex continue -ex bt -ex next -ex step -ex bt -ex finish \
		-ex next -ex 'print total' -ex 'break *'"$syscall_insn" -ex continue \
		-ex stepi -ex 'print $pc' -ex 'print $rax' -ex continue
}

# The syscall instruction of musl's __stdio_write: a step over it ends after it.
syscall_insn=0x$(objdump -d "$PROG" | awk '/^[0-9a-f]+ <__stdio_write>:/ { f = 1 }
	f && /\tsyscall/ { sub(":", "", $1); print $1; exit }')
after_syscall=$(printf '0x%x' $((syscall_insn + 2)))

session
ok "stops before the first instruction, at _start" has "$tmp/gdb.out" 'in _start ()'
ok "break main hits" has "$tmp/gdb.out" 'Breakpoint 1, main (argc=1, argv=0x[0-9a-f]*) at tests/sandbox/gdb_target.c:17'
ok "backtrace names main" has "$tmp/gdb.out" '^#0  main (argc=1, argv=0x[0-9a-f]*) at tests/sandbox/gdb_target.c:17'
ok "next goes to the next line" has "$tmp/gdb.out" '^18	'
ok "step enters add with its arguments" has "$tmp/gdb.out" 'add (a=40, b=2) at tests/sandbox/gdb_target.c:10'
ok "backtrace through add" has "$tmp/gdb.out" '^#1  0x[0-9a-f]* in main (argc=1, argv=0x[0-9a-f]*) at tests/sandbox/gdb_target.c:18'
ok "finish returns add's value" has "$tmp/gdb.out" 'Value returned is \$[0-9]* = 42'
ok "print reads the variable" has "$tmp/gdb.out" '^\$[0-9]* = 42$'
ok "stepi over a system call ends after it" has "$tmp/gdb.out" "= (void (\*)()) $after_syscall"
ok "the system call's result (bytes written)" has "$tmp/gdb.out" '^\$[0-9]* = 9$'
ok "the program's exit reaches gdb" has "$tmp/gdb.out" 'exited with code 07'
ok "the program's output" has "$tmp/vmm.out" 'total 45'
ok "pagelab's status is the program's" test "$(cat "$tmp/status")" = 7

# A variable set from gdb changes what the program computes.
debug -ex 'break 19' -ex continue -ex 'set var total = 100' -ex detach
ok "set var, then detach: the program runs on with it" has "$tmp/vmm.out" 'total 103'
ok "after detach, the status is the program's" test "$(cat "$tmp/status")" = 65

debug -ex 'break add' -ex continue -ex kill
ok "kill ends the run" test "$(cat "$tmp/status")" = 137

# Ctrl-C: gdb's SIGINT becomes 0x03 on the wire; the program spins until then.
start " spun"
gdb -batch -nx -ex "target remote :$port" -ex continue -ex bt -ex 'set var spin = 0' \
	-ex continue "$PROG" >"$tmp/gdb.out" 2>&1 &
gdb_pid=$!
sleep 2
kill -INT $gdb_pid
wait $gdb_pid
wait
ok "Ctrl-C stops the running program" has "$tmp/gdb.out" 'Program received signal SIGINT'
ok "where it spun, in main" has "$tmp/gdb.out" '^#0  0x[0-9a-f]* in main (argc=2, .*gdb_target.c:22'
ok "it runs on to its end" has "$tmp/vmm.out" 'total 45 spun'

no_tcg() {
	out=$("$PAGELAB" run --accel tcg --gdb 1234 "$PROG" 2>&1)
	[ $? -eq 2 ] && echo "$out" | grep -q -- '--gdb'
}
ok "--accel tcg refuses --gdb in one line" no_tcg
no_seccomp() {
	out=$("$PAGELAB" run --seccomp=on --gdb 1234 "$PROG" 2>&1)
	[ $? -eq 2 ] && echo "$out" | grep -q 'seccomp=off'
}
ok "--gdb with --seccomp=on is refused" no_seccomp
bad_port() {
	out=$("$PAGELAB" run --gdb 70000 "$PROG" 2>&1)
	[ $? -eq 2 ] && echo "$out" | grep -q 'invalid --gdb port'
}
ok "a bad port is refused" bad_port

done_testing
