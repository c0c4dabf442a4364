// SPDX-License-Identifier: MIT
/*
 * setitimer, getitimer and alarm: ITIMER_REAL counts wall-clock time and
 * sends SIGALRM, ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU
 * time and send SIGVTALRM and SIGPROF. The kernel does not split CPU time
 * into user and system time (times() reports it all as user time), so
 * VIRTUAL and PROF count the same time. A forked child starts with none
 * armed; execve keeps them, as on Linux.
 */
#include <kernel/errno.h>
#include <kernel/posix_timer.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

struct timeval {
	s64 sec, usec;
};

struct itimerval {
	struct timeval interval, value;
};

static const int itimer_signal[ITIMER_COUNT] = { SIGALRM, SIGVTALRM, SIGPROF };

u64 ktimer_expire(struct ktimer *t, u64 now)
{
	u64 missed = t->interval ? (now - t->expires) / t->interval : 0;

	t->expires = t->interval ? t->expires + (missed + 1) * t->interval : 0;
	return missed + 1;
}

/* The clock an itimer counts on, as it reads now: real, user or all CPU time. */
static u64 itimer_clock(const struct proc *p, int which)
{
	u64 user, sys;

	if (which == ITIMER_REAL)
		return clock_monotonic_ns();
	proc_cpu_split(p, &user, &sys);
	return which == ITIMER_VIRTUAL ? user : user + sys;
}

static void send_itimer_signal(struct proc *p, int which)
{
	struct siginfo info = { .signo = itimer_signal[which], .code = SI_KERNEL };

	signal_send_info(p, &info);
}

/* cpu: nonzero if p is the process running (else its CPU clocks stand still). */
void itimer_tick(struct proc *p, u64 now, u64 cpu)
{
	struct ktimer *t = p->itimer;

	if (t[ITIMER_REAL].expires && now >= t[ITIMER_REAL].expires) {
		ktimer_expire(&t[ITIMER_REAL], now);
		send_itimer_signal(p, ITIMER_REAL);
	}
	for (int which = ITIMER_VIRTUAL; cpu && which <= ITIMER_PROF; which++) {
		u64 clock;

		if (!t[which].expires)
			continue; /* most ticks: no CPU-time timer armed, no clock to read */
		clock = itimer_clock(p, which);
		if (clock >= t[which].expires) {
			ktimer_expire(&t[which], clock);
			send_itimer_signal(p, which);
		}
	}
}

bool itimer_armed(const struct proc *p)
{
	return p->itimer[ITIMER_REAL].expires;
}

static struct timeval ns_to_timeval(u64 ns)
{
	return (struct timeval){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / NSEC_PER_USEC };
}

/*
 * What is left: an expired timer whose signal the next tick sends still
 * shows 1 us, as Linux shows a timer that has not fired yet.
 */
static struct itimerval itimer_get(int which)
{
	const struct ktimer *t = &current->itimer[which];
	struct itimerval v = { ns_to_timeval(t->interval), { 0, 0 } };
	u64 now = itimer_clock(current, which);

	if (t->expires)
		v.value =
		    t->expires > now ? ns_to_timeval(t->expires - now) : (struct timeval){ 0, 1 };
	return v;
}

static bool timeval_valid(const struct timeval *tv)
{
	return tv->sec >= 0 && tv->usec >= 0 && tv->usec < 1000000;
}

static u64 timeval_ns(const struct timeval *tv)
{
	return tv->sec * NSEC_PER_SEC + tv->usec * NSEC_PER_USEC;
}

static void itimer_set(int which, const struct itimerval *v)
{
	struct ktimer *t = &current->itimer[which];
	u64 value = timeval_ns(&v->value);

	t->interval = timeval_ns(&v->interval);
	t->expires = value ? itimer_clock(current, which) + value : 0;
}

static long sys_getitimer(u64 which, u64 uval)
{
	struct itimerval v;

	if (which >= ITIMER_COUNT)
		return -EINVAL;
	v = itimer_get(which);
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}

/* A NULL new value disarms, as Linux (with a warning) does. */
static long sys_setitimer(u64 which, u64 unew, u64 uold)
{
	struct itimerval v = { 0 }, old;

	if (which >= ITIMER_COUNT)
		return -EINVAL;
	if (unew && copy_from_user(&v, unew, sizeof(v)))
		return -EFAULT;
	if (!timeval_valid(&v.value) || !timeval_valid(&v.interval))
		return -EINVAL;
	old = itimer_get(which);
	itimer_set(which, &v);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Seconds left of the previous alarm, rounded to the nearest and at least 1 (Linux). */
static long sys_alarm(u64 seconds)
{
	struct itimerval v = { { 0, 0 }, { (u32)seconds, 0 } };
	struct itimerval old = itimer_get(ITIMER_REAL);
	long left = old.value.sec;

	itimer_set(ITIMER_REAL, &v);
	if ((!left && old.value.usec) || old.value.usec >= 500000)
		left++;
	return left;
}

SYSCALL(alarm, sys_alarm, "u");
SYSCALL(getitimer, sys_getitimer, "94");
SYSCALL(setitimer, sys_setitimer, "934");
