// SPDX-License-Identifier: MIT
/*
 * wait4 and waitid: a child that exited (reaped unless WNOWAIT), stopped
 * (WUNTRACED/WSTOPPED, reported once) or continued (WCONTINUED, reported
 * once), with Linux's status words and siginfo fields. A waiting parent
 * sleeps on itself; exits, stops and continues of its children wake it
 * (jobctl_notify_parent).
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/rusage.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#define WNOHANG	    0x1
#define WSTOPPED    0x2 /* wait4's WUNTRACED */
#define WEXITED	    0x4
#define WCONTINUED  0x8
#define WNOWAIT	    0x01000000
#define WTHREADBITS 0xe0000000 /* __WNOTHREAD, __WALL, __WCLONE: one thread each, so no-ops */

#define P_ALL  0
#define P_PID  1
#define P_PGID 2

struct wait_result {
	struct proc **link; /* the child's place in the parent's list */
	int pid, code, status, wstatus;
	u32 uid;
	u64 user_ns, sys_ns; /* the child's CPU time with its reaped children's */
	u64 min_flt;	     /* its page faults, likewise */
};

/* Which children: every one, the one with pid id, or those of group id. */
static bool matches(const struct proc *c, int which, int id)
{
	if (which == P_PID)
		return c->pid == id;
	if (which == P_PGID)
		return c->pgid == id;
	return true;
}

/* Does c have something to report under opts? Fills r if so. */
static bool reportable(struct proc *c, unsigned opts, struct wait_result *r)
{
	int sig = c->wait_status & 0x7f;

	r->pid = c->pid;
	r->uid = c->cred.uid;
	r->sys_ns = tsc_to_ns(c->sys_tsc) + c->children_sys_ns;
	r->user_ns = tsc_to_ns(c->cpu_tsc - c->sys_tsc) + c->children_cpu_ns - c->children_sys_ns;
	r->min_flt = c->min_flt + c->children_min_flt;
	if (c->state == PROC_ZOMBIE) {
		r->code = !sig ? CLD_EXITED : c->wait_status & 0x80 ? CLD_DUMPED : CLD_KILLED;
		r->status = sig ? sig : (c->wait_status >> 8) & 0xff;
		r->wstatus = c->wait_status;
		return opts & WEXITED;
	}
	if ((opts & WSTOPPED) && c->state == PROC_STOPPED && c->stop_report) {
		r->code = CLD_STOPPED;
		r->status = c->stop_sig;
		r->wstatus = c->stop_sig << 8 | 0x7f;
		return true;
	}
	if ((opts & WCONTINUED) && c->cont_report) {
		r->code = CLD_CONTINUED;
		r->status = SIGCONT;
		r->wstatus = 0xffff;
		return true;
	}
	return false;
}

/* The child reported: reaped, or its stop or continue consumed (not with WNOWAIT). */
static void consume(struct wait_result *r, unsigned opts)
{
	struct proc *c = *r->link;

	if (opts & WNOWAIT)
		return;
	if (r->code == CLD_STOPPED) {
		c->stop_report = false;
	} else if (r->code == CLD_CONTINUED) {
		c->cont_report = false;
	} else {
		*r->link = c->sibling;
		current->children_cpu_ns += tsc_to_ns(c->cpu_tsc) + c->children_cpu_ns;
		current->children_sys_ns += tsc_to_ns(c->sys_tsc) + c->children_sys_ns;
		current->children_min_flt += c->min_flt + c->children_min_flt;
		proc_free(c);
	}
}

/* The child's pid, 0 (WNOHANG and none ready), -ECHILD or -ERESTARTSYS. */
static long do_wait(int which, int id, unsigned opts, struct wait_result *r)
{
	for (;;) {
		bool have_child = false;

		for (struct proc **pp = &current->children; *pp; pp = &(*pp)->sibling) {
			if (!matches(*pp, which, id))
				continue;
			have_child = true;
			if (reportable(*pp, opts, r)) {
				r->link = pp;
				return r->pid;
			}
		}
		if (!have_child)
			return -ECHILD;
		if (opts & WNOHANG)
			return 0;
		/* As Linux: a child that became reportable wins over the signal that came with it. */
		if (signal_pending(current))
			return -ERESTARTSYS;
		sleep_on(current);
	}
}

/*
 * The child's resource use with its reaped children's (Linux's
 * RUSAGE_BOTH): its user and system time and its page faults.
 */
static long put_rusage(u64 urusage, const struct wait_result *r)
{
	struct user_rusage ru = rusage_of(r->user_ns, r->sys_ns, r->min_flt);

	return urusage && copy_to_user(urusage, &ru, sizeof(ru)) ? -EFAULT : 0;
}

static long sys_wait4(u64 upid, u64 ustatus, u64 options, u64 urusage)
{
	int pid = (int)upid, which = pid > 0 ? P_PID : pid == -1 ? P_ALL : P_PGID;
	unsigned opts = (unsigned)options;
	struct wait_result r;
	long ret;

	if (opts & ~(WNOHANG | WSTOPPED | WCONTINUED | WTHREADBITS))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	ret = do_wait(which, pid == 0 ? current->pgid : pid < 0 ? -pid : pid, opts | WEXITED, &r);
	if (ret <= 0)
		return ret;
	/* Nothing is consumed when the answer cannot be written. */
	if (ustatus && copy_to_user(ustatus, &r.wstatus, sizeof(r.wstatus)))
		return -EFAULT;
	if (put_rusage(urusage, &r))
		return -EFAULT;
	consume(&r, opts);
	return ret;
}

/* The fields of siginfo_t that waitid writes, at their offsets: the rest is left alone. */
struct waitid_head {
	s32 signo, errno_, code;
};

struct waitid_child {
	s32 pid;
	u32 uid;
	s32 status;
};

static long sys_waitid(u64 idtype, u64 uid, u64 uinfo, u64 options, u64 urusage)
{
	unsigned opts = (unsigned)options;
	int id = (int)uid;
	struct wait_result r = { 0 };
	struct waitid_head head = { 0, 0, 0 };
	struct waitid_child child = { 0, 0, 0 };
	long ret;

	if (opts & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WTHREADBITS))
		return -EINVAL;
	if (!(opts & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if ((idtype == P_PID && id <= 0) || (idtype == P_PGID && id < 0) || idtype > P_PGID)
		return -EINVAL;
	if (idtype == P_PGID && id == 0)
		id = current->pgid;
	ret = do_wait((int)idtype, id, opts, &r);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		head = (struct waitid_head){ SIGCHLD, 0, r.code };
		child = (struct waitid_child){ r.pid, r.uid, r.status };
		if (put_rusage(urusage, &r))
			return -EFAULT;
	}
	if (uinfo && (copy_to_user(uinfo, &head, sizeof(head)) ||
		      copy_to_user(uinfo + 16, &child, sizeof(child))))
		return -EFAULT;
	if (ret > 0)
		consume(&r, opts);
	return 0;
}

SYSCALL(wait4, sys_wait4, "dwZp");
SYSCALL(waitid, sys_waitid, "%d&Zp");
