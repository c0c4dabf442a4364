// SPDX-License-Identifier: MIT
/*
 * POSIX timers (timer_create and friends) on the realtime, monotonic and
 * boot-time clocks and on the caller's CPU clocks. A timer's signal is
 * queued once: while it is pending, further expiries only count as
 * overruns, which the delivered siginfo and timer_getoverrun report, as
 * Linux's preallocated timer signal does. Timers belong to one process:
 * fork does not copy them and execve deletes them.
 */
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/posix_timer.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vdso.h>

#define POSIX_TIMERS_MAX 64
#define SIGEV_SIGNAL	 0
#define SIGEV_NONE	 1
#define SIGEV_THREAD_ID	 4
#define TIMER_ABSTIME	 1
#define DELAYTIMER_MAX	 0x7fffffff

struct posix_timer {
	bool used, cpu_clock, queued;
	s32 clockid;
	int notify, signo;
	u64 value; /* sigev_value */
	struct ktimer t;
	u64 overrun, overrun_last;
};

struct sigevent {
	u64 value;
	s32 signo, notify, tid;
	u8 pad[44];
};

u64 timespec_ns(s64 sec, s64 nsec)
{
	return sec * NSEC_PER_SEC + nsec;
}

void ns_to_timespec(u64 ns, s64 *sec, s64 *nsec)
{
	*sec = ns / NSEC_PER_SEC;
	*nsec = ns % NSEC_PER_SEC;
}

long itimerspec_from_user(u64 uaddr, struct itimerspec *its)
{
	if (copy_from_user(its, uaddr, sizeof(*its)))
		return -EFAULT;
	if (its->value_sec < 0 || its->value_nsec < 0 || its->value_nsec >= (s64)NSEC_PER_SEC ||
	    its->interval_sec < 0 || its->interval_nsec < 0 ||
	    its->interval_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

static struct posix_timer *timer_of(struct proc *p, u64 id)
{
	if (!p->posix_timers || id >= POSIX_TIMERS_MAX || !p->posix_timers[id].used)
		return NULL;
	return &p->posix_timers[id];
}

/* The clock a timer's expiry is kept on: monotonic ns, or the owner's CPU ns. */
static u64 timer_clock_now(const struct posix_timer *pt, const struct proc *p)
{
	return pt->cpu_clock ? proc_cpu_ns(p) : clock_monotonic_ns();
}

static void timer_fire(struct proc *p, int id, struct posix_timer *pt, u64 now)
{
	u64 times = ktimer_expire(&pt->t, now);
	struct siginfo info = { .signo = pt->signo, .code = SI_TIMER };

	if (pt->notify == SIGEV_NONE)
		return;
	if (pt->queued) {
		pt->overrun += times;
		return;
	}
	info.timer.tid = id;
	info.timer.value = pt->value;
	if (signal_send_info(p, &info) > 0) {
		pt->queued = true;
		pt->overrun += times - 1;
	}
}

static void posix_timer_tick(struct proc *p, u64 now, u64 cpu)
{
	for (int id = 0; p->posix_timers && id < POSIX_TIMERS_MAX; id++) {
		struct posix_timer *pt = &p->posix_timers[id];
		u64 clock = pt->cpu_clock ? cpu : now;

		if (pt->used && pt->t.expires && clock && clock >= pt->t.expires)
			timer_fire(p, id, pt, clock);
	}
}

void timers_tick(u64 now)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];
		/* A CPU clock moves only while its process runs. */
		u64 cpu = p == current && p->state == PROC_RUNNABLE ? proc_cpu_ns(p) : 0;

		if (p->state == PROC_UNUSED || p->state == PROC_ZOMBIE)
			continue;
		itimer_tick(p, now, cpu);
		posix_timer_tick(p, now, cpu);
	}
	timerfd_tick(now);
}

static bool posix_timer_armed(const struct proc *p)
{
	for (int id = 0; p->posix_timers && id < POSIX_TIMERS_MAX; id++) {
		const struct posix_timer *pt = &p->posix_timers[id];

		if (pt->used && pt->t.expires && !pt->cpu_clock && pt->notify != SIGEV_NONE)
			return true;
	}
	return false;
}

bool timers_armed(void)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		const struct proc *p = &proc_table[i];

		if (p->state == PROC_UNUSED || p->state == PROC_ZOMBIE)
			continue;
		if (itimer_armed(p) || posix_timer_armed(p))
			return true;
	}
	return timerfd_armed();
}

void posix_timer_signal_taken(struct proc *p, struct siginfo *info, bool delivered)
{
	struct posix_timer *pt = timer_of(p, (u32)info->timer.tid);

	if (!pt || !pt->queued)
		return;
	pt->queued = false;
	if (!delivered)
		return;
	pt->overrun_last = MIN(pt->overrun, (u64)DELAYTIMER_MAX);
	pt->overrun = 0;
	info->timer.overrun = pt->overrun_last;
}

/* The caller's own CPU clocks; Linux also allows other processes', this kernel does not. */
static long clock_for_timer(s32 id, bool *cpu)
{
	u64 ns;

	*cpu = id < 0 || id == 2 || id == 3; /* CLOCK_{PROCESS,THREAD}_CPUTIME_ID */
	if (id < 0 && cpu_clock_owner(id) != current)
		return -EINVAL;
	/* As Linux: no timers on the raw and coarse clocks, nor alarms without an RTC. */
	if (id == 4 || id == 5 || id == 6 || id == 8 || id == 9)
		return -EOPNOTSUPP;
	return clock_read((u64)(s64)id, &ns);
}

static long read_sigevent(u64 uevp, struct sigevent *ev, int id)
{
	if (!uevp) {
		*ev = (struct sigevent){ .value = id, .signo = SIGALRM, .notify = SIGEV_SIGNAL };
		return 0;
	}
	if (copy_from_user(ev, uevp, sizeof(*ev)))
		return -EFAULT;
	if (ev->notify == SIGEV_THREAD_ID) {
		if (ev->tid != current->pid)
			return -EINVAL;
		ev->notify = SIGEV_SIGNAL;
	}
	if (ev->notify != SIGEV_SIGNAL && ev->notify != SIGEV_NONE)
		return -EINVAL;
	if (ev->notify == SIGEV_SIGNAL && (ev->signo < 1 || ev->signo > NSIG))
		return -EINVAL;
	return 0;
}

static int free_timer_id(struct proc *p)
{
	if (!p->posix_timers) {
		p->posix_timers = kzalloc(POSIX_TIMERS_MAX * sizeof(*p->posix_timers));
		if (!p->posix_timers)
			return -EAGAIN;
	}
	for (int id = 0; id < POSIX_TIMERS_MAX; id++)
		if (!p->posix_timers[id].used)
			return id;
	return -EAGAIN;
}

static long sys_timer_create(u64 clockid, u64 uevp, u64 uid)
{
	struct sigevent ev;
	struct posix_timer *pt;
	bool cpu;
	long err = clock_for_timer((s32)clockid, &cpu);
	int id;

	if (err)
		return err;
	id = free_timer_id(current);
	if (id < 0)
		return id;
	err = read_sigevent(uevp, &ev, id);
	if (err)
		return err;
	if (copy_to_user(uid, &id, sizeof(id)))
		return -EFAULT;
	pt = &current->posix_timers[id];
	*pt = (struct posix_timer){ .used = true, .cpu_clock = cpu, .clockid = (s32)clockid };
	pt->notify = ev.notify;
	pt->signo = ev.signo;
	pt->value = ev.value;
	return 0;
}

/*
 * What is left and the interval. A timer past its expiry whose signal
 * the next tick sends shows 1 ns, as Linux shows one not yet delivered;
 * a SIGEV_NONE one-shot shows 0.
 */
static struct itimerspec timer_get(struct posix_timer *pt)
{
	struct itimerspec its = { 0 };
	u64 now = timer_clock_now(pt, current);

	ns_to_timespec(pt->t.interval, &its.interval_sec, &its.interval_nsec);
	if (pt->t.expires && pt->t.expires <= now && pt->t.interval)
		ktimer_expire(&pt->t, now); /* forwarded, as Linux's timer_forward */
	if (!pt->t.expires)
		return its;
	if (pt->t.expires > now)
		ns_to_timespec(pt->t.expires - now, &its.value_sec, &its.value_nsec);
	else if (pt->notify != SIGEV_NONE)
		its.value_nsec = 1;
	return its;
}

static long sys_timer_gettime(u64 id, u64 ucur)
{
	struct posix_timer *pt = timer_of(current, id);
	struct itimerspec its;

	if (!pt)
		return -EINVAL;
	its = timer_get(pt);
	return copy_to_user(ucur, &its, sizeof(its)) ? -EFAULT : 0;
}

/* An absolute time on the timer's clock as a point on the clock it expires by. */
static u64 absolute_expiry(const struct posix_timer *pt, u64 value)
{
	u64 clock_now, now = timer_clock_now(pt, current);

	if (pt->cpu_clock || clock_read((u64)(s64)pt->clockid, &clock_now))
		return value;
	return value > clock_now ? now + (value - clock_now) : now;
}

static long sys_timer_settime(u64 id, u64 flags, u64 unew, u64 uold)
{
	struct posix_timer *pt = timer_of(current, id);
	struct itimerspec its, old;
	u64 value;
	long err;

	if (!pt)
		return -EINVAL;
	err = itimerspec_from_user(unew, &its);
	if (err)
		return err;
	old = timer_get(pt);
	value = timespec_ns(its.value_sec, its.value_nsec);
	pt->t.interval = timespec_ns(its.interval_sec, its.interval_nsec);
	if (!value)
		pt->t.expires = 0;
	else if (flags & TIMER_ABSTIME)
		pt->t.expires = absolute_expiry(pt, value);
	else
		pt->t.expires = timer_clock_now(pt, current) + value;
	if (value && !pt->t.expires)
		pt->t.expires = 1;
	pt->overrun = 0;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_timer_getoverrun(u64 id)
{
	struct posix_timer *pt = timer_of(current, id);

	return pt ? (long)pt->overrun_last : -EINVAL;
}

/* Its signal, if still queued, goes with it. */
static void timer_delete(struct proc *p, int id)
{
	sigqueue_discard_timer(&p->sig, id);
	p->posix_timers[id].used = false;
}

static long sys_timer_delete(u64 id)
{
	if (!timer_of(current, id))
		return -EINVAL;
	timer_delete(current, id);
	return 0;
}

void posix_timers_delete_all(struct proc *p)
{
	if (!p->posix_timers)
		return;
	for (int id = 0; id < POSIX_TIMERS_MAX; id++)
		if (p->posix_timers[id].used)
			timer_delete(p, id);
	kfree(p->posix_timers);
	p->posix_timers = NULL;
}

SYSCALL(timer_create, sys_timer_create, "C78");
SYSCALL(timer_settime, sys_timer_settime, "d+56");
SYSCALL(timer_gettime, sys_timer_gettime, "d6");
SYSCALL(timer_getoverrun, sys_timer_getoverrun, "d");
SYSCALL(timer_delete, sys_timer_delete, "d");
