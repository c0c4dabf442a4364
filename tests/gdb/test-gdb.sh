#!/bin/sh
# pagelab run --gdb driven by real gdb in batch mode (TAP, counted by
# scripts/run-tests.sh): break at main of a guest program built with -g,
# continue, backtrace, step into a function, read a variable, stepi over a
# system call, continue to the program's exit; then detach and kill; FPU,
# SSE and segment-base registers read and written; the kernel debugged with
# its own symbols; processes as threads; Ctrl-C, then stepi.
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
		timeout 120 "$PAGELAB" run --gdb 0 "${TARGET:-$PROG}" "$@" >"$tmp/vmm.out" \
			2>"$tmp/vmm.err"
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
	timeout 120 gdb -batch -nx -ex "target remote :$port" "$@" "${TARGET:-$PROG}" \
		>"$tmp/gdb.out" 2>&1
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
ok "break main hits" has "$tmp/gdb.out" 'Breakpoint 1, main (argc=1, argv=0x[0-9a-f]*) at tests/sandbox/gdb_target.c:30'
ok "backtrace names main" has "$tmp/gdb.out" '^#0  main (argc=1, argv=0x[0-9a-f]*) at tests/sandbox/gdb_target.c:30'
ok "next goes to the next line" has "$tmp/gdb.out" '^31	'
ok "step enters add with its arguments" has "$tmp/gdb.out" 'add (a=40, b=2) at tests/sandbox/gdb_target.c:17'
ok "backtrace through add" has "$tmp/gdb.out" '^#1  0x[0-9a-f]* in main (argc=1, argv=0x[0-9a-f]*) at tests/sandbox/gdb_target.c:31'
ok "finish returns add's value" has "$tmp/gdb.out" 'Value returned is \$[0-9]* = 42'
ok "print reads the variable" has "$tmp/gdb.out" '^\$[0-9]* = 42$'
ok "stepi over a system call ends after it" has "$tmp/gdb.out" "= (void (\*)()) $after_syscall"
ok "the system call's result (bytes written)" has "$tmp/gdb.out" '^\$[0-9]* = 22$'
ok "the program's exit reaches gdb" has "$tmp/gdb.out" 'exited with code 07'
ok "the program's output" has "$tmp/vmm.out" 'total 45'
ok "pagelab's status is the program's" test "$(cat "$tmp/status")" = 7

# A variable set from gdb changes what the program computes.
debug -ex 'break 32' -ex continue -ex 'set var total = 100' -ex detach
ok "set var, then detach: the program runs on with it" has "$tmp/vmm.out" 'total 103'
ok "after detach, the status is the program's" test "$(cat "$tmp/status")" = 65

debug -ex 'break add' -ex continue -ex kill
ok "kill ends the run" test "$(cat "$tmp/status")" = 137

# FPU and SSE registers and the segment bases, through the target description:
# xmm0 holds scale's argument at its first instruction; written, the program
# computes with the new value; a GS base set from gdb is what the program reads.
debug -ex 'break *scale' -ex continue -ex 'printf "xmm0 %g\n", $xmm0.v2_double[0]' \
	-ex 'printf "mxcsr %#x fctrl %#x\n", $mxcsr, $fctrl' \
	-ex 'printf "tls %d\n", $fs_base == *(long *)$fs_base' \
	-ex 'set var $xmm0.v2_double[0] = 4' -ex 'set var $gs_base = 0x1234' \
	-ex 'maint flush register-cache' \
	-ex 'printf "xmm0 now %g gs %#lx\n", $xmm0.v2_double[0], $gs_base' -ex finish -ex continue
ok "xmm0 reads the argument the program passed" has "$tmp/gdb.out" '^xmm0 2$'
ok "mxcsr and the x87 control word read" has "$tmp/gdb.out" '^mxcsr 0x1f80 fctrl 0x37f$'
ok "fs_base is the program's thread pointer" has "$tmp/gdb.out" '^tls 1$'
ok "written registers read back from the guest" has "$tmp/gdb.out" '^xmm0 now 4 gs 0x1234$'
ok "the program computed with the written xmm0" has "$tmp/gdb.out" 'Value returned is \$[0-9]* = 6'
ok "the program ran with both written registers" has "$tmp/vmm.out" 'total 45 scale 6 gs 1234'

# The kernel with its own symbols: a breakpoint at the system call a
# program's printf makes (musl writes with writev), reached from user code;
# a backtrace in the kernel, kernel memory by kernel address, stepping in
# kernel code, and on to the program's exit.
debug -ex "add-symbol-file $B/guest/kernel.elf" -ex 'break sys_writev' -ex continue -ex bt \
	-ex 'printf "pid %d cs %#x\n", current->pid, $cs' -ex 'print $xmm0' \
	-ex next -ex 'set var $pc0 = $pc' \
	-ex stepi -ex 'printf "moved %d\n", $pc - $pc0' -ex delete -ex continue
ok "a kernel breakpoint hits from user code" has "$tmp/gdb.out" 'Breakpoint 1, sys_writev (fd=1, '
ok "backtrace in the kernel" has "$tmp/gdb.out" '^#1  0x[0-9a-f]* in syscall_dispatch (f=0x'
ends_at_entry() {
	has "$tmp/gdb.out" '^#2  0x[0-9a-f]* in syscall_entry () at guest/arch/entry.S' &&
		! grep -q '^#3 ' "$tmp/gdb.out"
}
ok "the kernel backtrace ends at the system call's entry" ends_at_entry
ok "kernel variables by kernel address" has "$tmp/gdb.out" '^pid 1 cs 0x10$'
ok "the CPU's FPU state is not published in the kernel" has "$tmp/gdb.out" '^\$1 = <unavailable>$'
ok "next in kernel code" has "$tmp/gdb.out" '^vec (fd=1, write=true, '
kernel_stepi() {
	moved=$(sed -n 's/^moved //p' "$tmp/gdb.out")
	[ -n "$moved" ] && [ "$moved" -gt 0 ] && [ "$moved" -le 15 ]
}
ok "stepi in the kernel moves one instruction" kernel_stepi
ok "then the program runs to its exit" has "$tmp/gdb.out" 'exited with code 07'

# Every guest process is a thread: at the parent's checkpoint (a kernel
# breakpoint) its three children are listed with their names, and each
# one's memory is its own (one address, a different value in each).
TARGET=$B/tests/sandbox/maps_children debug -ex "add-symbol-file $B/guest/kernel.elf" \
	-ex 'break sys_pagelab_checkpoint' -ex continue -ex 'info threads' \
	-ex 'thread 3' -ex 'x/s (char *)&child_name' -ex 'printf "pc %#lx\n", $pc' \
	-ex 'thread 1' -ex 'x/s (char *)&child_name' -ex delete -ex continue
ok "four processes, four threads" has "$tmp/gdb.out" '^  4    Thread 4 (maps_children) 0x'
ok "the stopped one is in the kernel" has "$tmp/gdb.out" '^\* 1    Thread 1 (maps_children) sys_pagelab_checkpoint'
ok "a child's memory through its own page tables" has "$tmp/gdb.out" ':[[:space:]]*"child 3"'
ok "a child's registers: its saved user frame" has "$tmp/gdb.out" '^pc 0x4[0-9a-f]*$'
ok "the parent's value at the same address" has "$tmp/gdb.out" ':[[:space:]]*"parent"'
ok "the run ends normally" has "$tmp/gdb.out" 'exited normally'

# Ctrl-C: gdb's SIGINT becomes 0x03 on the wire; the program spins until
# then (sent once it says it spins, however long that takes). Two stepi
# from the stop each move the pc; then spin is cleared and it runs on.
start " spun"
gdb -batch -nx -ex "target remote :$port" -ex continue -ex bt -ex 'printf "pc0 %#lx\n", $pc' \
	-ex stepi -ex 'printf "pc1 %#lx\n", $pc' -ex stepi -ex 'printf "pc2 %#lx\n", $pc' \
	-ex 'set var spin = 0' -ex continue "$PROG" >"$tmp/gdb.out" 2>&1 &
gdb_pid=$!
i=0
while ! grep -q '^spinning' "$tmp/vmm.out" && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
kill -INT $gdb_pid
wait $gdb_pid
wait
ok "Ctrl-C stops the running program" has "$tmp/gdb.out" 'Program received signal SIGINT'
ok "where it spun, in main" has "$tmp/gdb.out" '^#0  0x[0-9a-f]* in main (argc=2, .*gdb_target.c:35'
stepped_twice() {
	pc0=$(sed -n 's/^pc0 //p' "$tmp/gdb.out")
	pc1=$(sed -n 's/^pc1 //p' "$tmp/gdb.out")
	pc2=$(sed -n 's/^pc2 //p' "$tmp/gdb.out")
	[ -n "$pc0" ] && [ -n "$pc1" ] && [ -n "$pc2" ] && [ "$pc0" != "$pc1" ] && [ "$pc1" != "$pc2" ]
}
ok "stepi twice after Ctrl-C: each moves the pc" stepped_twice
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
