# Brings a trace, strace's (-f -o FILE: "PID call...") or pagelab's
# ("[pid N] call..."), to a form in which the two can be compared (POSIX
# awk; tests/guest/run-trace-diff.sh does the rest with sed):
# - a call strace split around another process's ("<unfinished ...>" and
#   "<... NAME resumed>") is joined again;
# - process ids become P1, P2, ... in order of appearance (a fork's result
#   names the child before its first line), where calls take or return one;
# - the lines of each process are kept together, in order (processes run
#   in another order on another kernel); strace's "---"/"+++" notes are
#   left out, and with -v strace=1 the execve that started the program.
function id(pid) {
	if (!(pid in ids))
		ids[pid] = "P" (++nids)
	return ids[pid]
}

# A number that is a process id; -N (a process group) keeps its sign, and
# -1 (every process) stays.
function rename(num,    neg) {
	if (num == "-1")
		return num
	neg = num ~ /^-/
	if (neg)
		num = substr(num, 2)
	if (!((num + 0) in ids) || num + 0 == 0)
		return (neg ? "-" : "") num
	return (neg ? "-" : "") ids[num + 0]
}

# A siginfo's sender (sigqueue's, sigtimedwait's) is a process id too.
function rename_si_pids(s,    out) {
	out = ""
	while (match(s, /si_pid=[0-9]+/)) {
		out = out substr(s, 1, RSTART + 6) rename(substr(s, RSTART + 7, RLENGTH - 7))
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}

# Process ids stand in the results of the calls that return one and in
# the first argument of the calls that take one (tgkill: the second too).
function rename_pids(s,    name, head, args, rest, n, a, i, out) {
	name = substr(s, 1, index(s, "(") - 1)
	if (name ~ /^(fork|vfork|clone|clone3|getpid|gettid|getppid|set_tid_address|wait4|waitid|getpgid|getpgrp|getsid|setsid)$/ &&
	    match(s, /= -?[0-9]+$/))
		s = substr(s, 1, RSTART + 1) rename(substr(s, RSTART + 2))
	s = rename_si_pids(s)
	if (name !~ /^(wait4|kill|tkill|tgkill|getpgid|setpgid|getsid|rt_sigqueueinfo|rt_tgsigqueueinfo)$/)
		return s
	head = name "("
	rest = substr(s, length(head) + 1)
	n = split(rest, a, ", ")
	a[1] = rename(a[1])
	if (name ~ /^(tgkill|setpgid|rt_tgsigqueueinfo)$/)
		a[2] = rename(a[2])
	out = head a[1]
	for (i = 2; i <= n; i++)
		out = out ", " a[i]
	return out
}

{
	line = $0
	if (match(line, /^\[pid +[0-9]+\] /)) {
		pid = substr(line, 6, RLENGTH - 7) + 0
		line = substr(line, RLENGTH + 1)
	} else if (match(line, /^[0-9]+ +/)) {
		pid = substr(line, 1, RLENGTH) + 0
		line = substr(line, RLENGTH + 1)
	} else {
		pid = 0
	}
	if (line ~ /^(---|\+\+\+)/)
		next
	if (line ~ / <unfinished \.\.\.>$/) {
		held[pid] = substr(line, 1, length(line) - 17)
		next
	}
	if (match(line, /^<\.\.\. [a-z0-9_]+ resumed> ?/)) {
		line = held[pid] substr(line, RLENGTH + 1)
		delete held[pid]
	}
	if (strace && !seen_exec && line ~ /^execve\(/) {
		seen_exec = 1
		next
	}
	p = id(pid)
	if (line ~ /^v?fork\(\) *= [0-9]+$/)
		id(substr(line, index(line, "=") + 2) + 0)
	line = rename_pids(line)
	if (!(p in text))
		procs[++nprocs] = p
	text[p] = text[p] line "\n"
}
END {
	for (i = 1; i <= nprocs; i++)
		printf "%s", text[procs[i]]
}
