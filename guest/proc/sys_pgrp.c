// SPDX-License-Identifier: MIT
/*
 * Process groups and sessions, as far as programs without a terminal see
 * them: the first program leads session 1 and group 1, children inherit
 * both, setpgid moves a process (itself or a child) within its session,
 * setsid starts a new one. kill(0, ...) and kill(-pgid, ...) use them.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>

static struct proc *self_or_child(int pid)
{
	struct proc *p;

	if (pid == 0 || pid == current->pid)
		return current;
	p = proc_find(pid);
	return p && p->parent == current ? p : NULL;
}

static bool group_in_session(int pgid, int sid)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (proc_table[i].state != PROC_UNUSED && proc_table[i].pgid == pgid &&
		    proc_table[i].sid == sid)
			return true;
	return false;
}

static long sys_getpgid(u64 upid)
{
	struct proc *p = upid ? proc_find((int)upid) : current;

	return p ? p->pgid : -ESRCH;
}

static long sys_getpgrp(void)
{
	return current->pgid;
}

static long sys_getsid(u64 upid)
{
	struct proc *p = upid ? proc_find((int)upid) : current;

	return p ? p->sid : -ESRCH;
}

static long sys_setpgid(u64 upid, u64 upgid)
{
	struct proc *p = self_or_child((int)upid);
	int pgid = (int)upgid;

	if (pgid < 0)
		return -EINVAL;
	if (!p)
		return -ESRCH;
	if (!pgid)
		pgid = p->pid;
	/* A session leader stays put; a group must exist in the same session. */
	if (p->sid != current->sid || p->pid == p->sid)
		return -EPERM;
	if (pgid != p->pid && !group_in_session(pgid, p->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

static long sys_setsid(void)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (proc_table[i].state != PROC_UNUSED && proc_table[i].pgid == current->pid)
			return -EPERM; /* already leads a group */
	current->sid = current->pgid = current->pid;
	return current->sid;
}

SYSCALL(getpgid, sys_getpgid, "d");
SYSCALL(getpgrp, sys_getpgrp, "");
SYSCALL(getsid, sys_getsid, "d");
SYSCALL(setpgid, sys_setpgid, "dd");
SYSCALL(setsid, sys_setsid, "");
