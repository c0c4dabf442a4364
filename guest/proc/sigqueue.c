// SPDX-License-Identifier: MIT
/*
 * Queued signals: what each pending signal carries (sender, si_code,
 * si_value), kept oldest first so real-time signals arrive in the order
 * they were sent, one per sigqueue(); sigqueue() itself (rt_sigqueueinfo)
 * and sigwaitinfo/sigtimedwait (rt_sigtimedwait), which take a pending
 * signal synchronously instead of running its handler.
 */
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/posix_timer.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

/*
 * Linux bounds queued signals by RLIMIT_SIGPENDING (some thousands by
 * default) and fails sigqueue() with EAGAIN beyond it; standard signals
 * sent by the kernel or kill() are never refused.
 */
#define SIGQUEUE_MAX 4096
#define UNWAITABLE   (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct sigqueue_entry {
	struct sigqueue_entry *next;
	struct siginfo info;
};

int sigqueue_add(struct sigstate *s, const struct siginfo *info)
{
	struct sigqueue_entry *e, **tail = &s->queue;
	int sig = info->signo;
	bool realtime = sig >= SIGRTMIN;

	if (realtime && s->queued >= SIGQUEUE_MAX)
		return -EAGAIN;
	e = kmalloc(sizeof(*e));
	if (!e) {
		if (realtime)
			return -EAGAIN;
		/* Still pending, as Linux keeps it: only what it carries is lost. */
		s->pending |= SIGBIT(sig);
		return 0;
	}
	e->next = NULL;
	e->info = *info;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	s->queued++;
	s->pending |= SIGBIT(sig);
	return 0;
}

static bool still_queued(const struct sigstate *s, int sig)
{
	for (const struct sigqueue_entry *e = s->queue; e; e = e->next)
		if (e->info.signo == sig)
			return true;
	return false;
}

void sigqueue_take(struct sigstate *s, int sig, struct siginfo *info)
{
	struct sigqueue_entry **pp = &s->queue;

	memset(info, 0, sizeof(*info));
	info->signo = sig;
	while (*pp && (*pp)->info.signo != sig)
		pp = &(*pp)->next;
	if (*pp) {
		struct sigqueue_entry *e = *pp;

		*info = e->info;
		*pp = e->next;
		s->queued--;
		kfree(e);
		if (info->code == SI_TIMER)
			posix_timer_signal_taken(container_of(s, struct proc, sig), info, true);
	}
	if (!still_queued(s, sig))
		s->pending &= ~SIGBIT(sig);
}

/* Forgets the entries of the signals in mask, or (timer >= 0) that timer's. */
static void discard(struct sigstate *s, u64 mask, int timer)
{
	struct sigqueue_entry **pp = &s->queue;

	while (*pp) {
		struct sigqueue_entry *e = *pp;
		bool timers = e->info.code == SI_TIMER;

		if (timer >= 0 ? !timers || e->info.timer.tid != timer
			       : !(mask & SIGBIT(e->info.signo))) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		s->queued--;
		if (timers)
			posix_timer_signal_taken(container_of(s, struct proc, sig), &e->info,
						 false);
		if (timer >= 0 && !still_queued(s, e->info.signo))
			s->pending &= ~SIGBIT(e->info.signo);
		kfree(e);
	}
}

void sigqueue_discard(struct sigstate *s, u64 mask)
{
	discard(s, mask, -1);
	s->pending &= ~mask;
}

void sigqueue_discard_timer(struct sigstate *s, int timer)
{
	discard(s, 0, timer);
}

/*
 * sigqueue's checks, in Linux's order: a process may claim SI_USER,
 * SI_TKILL or a kernel code only for itself (EPERM); tgid, if not 0, must
 * be the thread's process.
 */
static long queue_to(int pid, int tid_pid, u64 usig, u64 uinfo)
{
	struct siginfo info;
	struct proc *p;
	int sig = (int)usig;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	/* Only the kernel and kill() may claim SI_USER or a kernel code. */
	if ((info.code >= 0 || info.code == SI_TKILL) && tid_pid != current->pid)
		return -EPERM;
	p = tid_pid > 0 ? proc_find(tid_pid) : NULL;
	if (!p || (pid && p->pid != pid))
		return -ESRCH;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!signal_permitted(p, sig))
		return -EPERM;
	if (!sig || p->state == PROC_ZOMBIE)
		return 0;
	info.signo = sig;
	return MIN(signal_send_info(p, &info), 0);
}

static long sys_rt_sigqueueinfo(u64 pid, u64 sig, u64 uinfo)
{
	return queue_to(0, (int)pid, sig, uinfo);
}

static long sys_rt_tgsigqueueinfo(u64 tgid, u64 tid, u64 sig, u64 uinfo)
{
	if ((int)tgid <= 0 || (int)tid <= 0)
		return -EINVAL;
	return queue_to((int)tgid, (int)tid, sig, uinfo);
}

static int first_signal(u64 set)
{
	return set ? __builtin_ctzll(set) + 1 : 0;
}

static long read_timeout(u64 uts, u64 *ns)
{
	struct {
		s64 sec, nsec;
	} ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.sec * NSEC_PER_SEC + ts.nsec;
	return 0;
}

/*
 * As Linux: the awaited signals are unblocked while the caller sleeps so
 * that their arrival wakes it, and taken here before any handler could
 * run; another signal's handler ends the wait with EINTR.
 */
static void wait_for(struct sigstate *s, u64 set, u64 deadline)
{
	s->real_blocked = s->blocked;
	s->blocked &= ~set;
	while (!(s->pending & set) && !signal_pending(current)) {
		if (deadline && clock_monotonic_ns() >= deadline)
			break;
		sleep_until(&s->real_blocked, deadline);
	}
	s->blocked = s->real_blocked;
	s->real_blocked = 0;
}

static long sys_rt_sigtimedwait(u64 uset, u64 uinfo, u64 uts, u64 size)
{
	struct sigstate *s = &current->sig;
	struct siginfo info;
	u64 set, ns = 0;
	int sig;

	if (size != 8)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uts) {
		long err = read_timeout(uts, &ns);

		if (err)
			return err;
	}
	set &= ~UNWAITABLE;
	if (!(s->pending & set) && (!uts || ns))
		wait_for(s, set, uts ? clock_monotonic_ns() + ns : 0);
	sig = first_signal(s->pending & set);
	if (!sig)
		return uts && !signal_pending(current) ? -EAGAIN : -EINTR;
	sigqueue_take(s, sig, &info);
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

SYSCALL(rt_sigqueueinfo, sys_rt_sigqueueinfo, "dS1");
SYSCALL(rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo, "ddS1");
SYSCALL(rt_sigtimedwait, sys_rt_sigtimedwait, "G2tu");
