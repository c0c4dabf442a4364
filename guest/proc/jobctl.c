// SPDX-License-Identifier: MIT
/*
 * Job control: the stop signals' default action stops a process until
 * SIGCONT (or SIGKILL); the parent hears of each stop and continue
 * through SIGCHLD (CLD_STOPPED, CLD_CONTINUED, unless it set SA_NOCLDSTOP)
 * and through wait4/waitid (wait.c). As Linux's prepare_signal, a stop
 * signal discards a pending SIGCONT and SIGCONT discards pending stop
 * signals, continuing the process even if SIGCONT is blocked or ignored.
 *
 * One thread per process, so a group stop is the process's own stop.
 * Left out: the orphaned process group rule (SIGTSTP, SIGTTIN and SIGTTOU
 * to a group without a parent outside it are discarded) and terminal
 * access checks, since the console is no controlling terminal.
 */
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/timer.h>

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

void jobctl_notify_parent(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	struct siginfo info = { .signo = SIGCHLD, .code = code };
	u64 user, sys;

	if (!parent)
		return;
	wakeup(parent); /* a wait4 or waitid that may report it */
	if ((code == CLD_STOPPED || code == CLD_CONTINUED) &&
	    (parent->sig.action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		return;
	/* A SIGCHLD already pending keeps its siginfo: one instance, as Linux's legacy queue. */
	info.chld.pid = p->pid;
	info.chld.uid = p->cred.uid;
	info.chld.status = status;
	proc_cpu_split(p, &user, &sys);
	info.chld.utime = user / (NSEC_PER_SEC / TICK_HZ); /* clock ticks, as Linux's */
	info.chld.stime = sys / (NSEC_PER_SEC / TICK_HZ);
	signal_send_info(parent, &info);
}

void jobctl_stop(int sig)
{
	struct proc *p = current;

	p->stop_sig = sig;
	p->stop_report = true;
	p->cont_report = false;
	p->state = PROC_STOPPED;
	jobctl_notify_parent(p, CLD_STOPPED, sig);
	while (p->state == PROC_STOPPED)
		schedule();
	/* Woken by SIGKILL: it goes before any other pending signal. */
	if (p->sig.pending & SIGBIT(SIGKILL))
		do_exit(SIGKILL);
}

void jobctl_on_send(struct proc *p, int sig)
{
	if (STOP_SIGNALS & SIGBIT(sig)) {
		sigqueue_discard(&p->sig, SIGBIT(SIGCONT));
		return;
	}
	if (sig == SIGKILL && p->state == PROC_STOPPED) {
		sched_make_runnable(p);
		return;
	}
	if (sig != SIGCONT)
		return;
	sigqueue_discard(&p->sig, STOP_SIGNALS);
	if (p->state != PROC_STOPPED)
		return;
	p->stop_report = false;
	p->cont_report = true;
	sched_make_runnable(p);
	jobctl_notify_parent(p, CLD_CONTINUED, SIGCONT);
}
