// SPDX-License-Identifier: MIT
/*
 * Clocks and sleeps. Both clocks come from the TSC: monotonic counts from
 * boot, realtime adds the host's wall-clock time at boot (device tree).
 * The _COARSE clocks are their value at the last tick, as on Linux. The
 * vDSO (guest/vdso/vdso.c) answers the same clocks from the same data.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/rusage.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vdso.h>

struct timespec {
	s64 sec, nsec;
};

struct timeval {
	s64 sec, usec;
};

enum {
	CLOCK_REALTIME = 0,
	CLOCK_MONOTONIC = 1,
	CLOCK_PROCESS_CPUTIME_ID = 2,
	CLOCK_THREAD_CPUTIME_ID = 3,
	CLOCK_REALTIME_COARSE = 5,
	CLOCK_MONOTONIC_COARSE = 6,
	CLOCK_SGI_CYCLE = 10, /* gone from Linux: EINVAL */
	CLOCK_TAI = 11,
};

static bool clock_is_coarse(u64 id)
{
	return id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE;
}

/*
 * clock_getcpuclockid's clocks: ~pid in the bits above 3, bit 2 for a
 * thread's clock, PROF/VIRT/SCHED below (Linux's MAKE_PROCESS_CPUCLOCK).
 * pid 0 is the caller. One thread per process: its thread is itself.
 */
#define CPUCLOCK_WHICH(id) ((id)&3)
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_SCHED	   2
#define CPUCLOCK_PID(id)   (~((id) >> 3))

struct proc *cpu_clock_owner(s32 id)
{
	int pid = CPUCLOCK_PID(id);
	struct proc *p;

	if (id >= 0 || CPUCLOCK_WHICH(id) == 3)
		return NULL;
	if (id & CPUCLOCK_PERTHREAD)
		return pid == 0 || pid == current->pid ? current : NULL;
	p = pid ? proc_find(pid) : current;
	return p && p->state != PROC_UNUSED ? p : NULL;
}

long clock_read(u64 uid, u64 *ns)
{
	s32 id = (s32)uid;

	if (id < 0) {
		struct proc *p = cpu_clock_owner(id);

		if (!p)
			return -EINVAL;
		*ns = proc_cpu_ns(p);
		return 0;
	}
	if (id > CLOCK_TAI || id == CLOCK_SGI_CYCLE)
		return -EINVAL;
	if (id == CLOCK_REALTIME_COARSE)
		*ns = vvar->boot_epoch_ns + clock_coarse_ns();
	else if (id == CLOCK_MONOTONIC_COARSE)
		*ns = clock_coarse_ns();
	else if (id == CLOCK_REALTIME || id == CLOCK_TAI)
		*ns = clock_realtime_ns();
	else if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID)
		*ns = proc_cpu_ns(current); /* one thread per process */
	else
		*ns = clock_monotonic_ns();
	return 0;
}

static struct timespec to_timespec(u64 ns)
{
	return (struct timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

static long sys_clock_gettime(u64 id, u64 uts)
{
	u64 ns;
	long err = clock_read(id, &ns);
	struct timespec ts = to_timespec(ns);

	if (err)
		return err;
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/*
 * The coarse clocks move by a tick (Linux's LOW_RES_NSEC), the others by
 * a nanosecond; Linux's PROF and VIRT CPU clocks by a tick too.
 */
static long sys_clock_getres(u64 id, u64 uts)
{
	bool tick =
	    clock_is_coarse(id) || ((s32)id < 0 && CPUCLOCK_WHICH((s32)id) != CPUCLOCK_SCHED);
	struct timespec ts = { 0, tick ? NSEC_PER_SEC / TICK_HZ : 1 };
	u64 ns;

	if (clock_read(id, &ns))
		return -EINVAL;
	return uts && copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

static long sys_gettimeofday(u64 utv, u64 utz)
{
	u64 ns = clock_realtime_ns();
	struct timeval tv = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / 1000 };
	u64 zero = 0;

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_to_user(utz, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

static long sys_time(u64 ut)
{
	s64 t = clock_realtime_ns() / NSEC_PER_SEC;

	if (ut && copy_to_user(ut, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

/* Sleeps until the monotonic deadline; -EINTR (with *left) on a signal. */
static long sleep_to(u64 deadline, u64 *left)
{
	u64 now;

	while ((now = clock_monotonic_ns()) < deadline) {
		if (sleep_until(&current->wake_at_ns, deadline)) {
			*left = deadline - clock_monotonic_ns();
			if ((s64)*left < 0)
				*left = 0;
			return -EINTR;
		}
	}
	return 0;
}

static long read_timespec(u64 uts, u64 *ns)
{
	struct timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.sec * NSEC_PER_SEC + ts.nsec;
	return 0;
}

static long sleep_restart(struct restart_block *rb);

/* Writes the time left to the caller's timespec, if it gave one. */
static long put_left(u64 urem, u64 left)
{
	struct timespec rem = to_timespec(left);

	return urem && copy_to_user(urem, &rem, sizeof(rem)) ? -EFAULT : 0;
}

/*
 * An interrupted relative sleep, as Linux: the time left goes to the
 * caller now; a handler then sees EINTR, and anything else (a stop and
 * SIGCONT) goes on through restart_syscall to the same deadline.
 */
static long sleep_interrupted(u64 deadline, u64 urem, u64 left, u64 nr)
{
	if (put_left(urem, left))
		return -EFAULT;
	current->restart = (struct restart_block){ sleep_restart, deadline, urem, nr };
	return -ERESTART_RESTARTBLOCK;
}

static long sleep_restart(struct restart_block *rb)
{
	u64 left = 0;

	rb->fn = NULL;
	if (sleep_to(rb->deadline, &left))
		return sleep_interrupted(rb->deadline, rb->urem, left, rb->nr);
	return 0;
}

static long sys_nanosleep(u64 ureq, u64 urem)
{
	u64 ns, left = 0, deadline;
	long err = read_timespec(ureq, &ns);

	if (err)
		return err;
	deadline = clock_monotonic_ns() + ns;
	if (sleep_to(deadline, &left))
		return sleep_interrupted(deadline, urem, left, __NR_nanosleep);
	return 0;
}

static long sys_clock_nanosleep(u64 id, u64 flags, u64 ureq, u64 urem)
{
	u64 ns, now, left = 0, deadline;
	long err = read_timespec(ureq, &ns);

	if (err)
		return err;
	if (clock_read(id, &now))
		return -EINVAL;
	/* TIMER_ABSTIME: ns is a point on that clock; convert to monotonic. */
	deadline = clock_monotonic_ns() + ((flags & 1) ? (ns > now ? ns - now : 0) : ns);
	if (!sleep_to(deadline, &left))
		return 0;
	/* An absolute sleep restarts as it was called; the time left means nothing to it. */
	return (flags & 1) ? -ERESTARTNOHAND
			   : sleep_interrupted(deadline, urem, left, __NR_clock_nanosleep);
}

/* Goes on with the call a stop interrupted (ERESTART_RESTARTBLOCK); else EINTR, as Linux. */
static long sys_restart_syscall(void)
{
	struct restart_block *rb = &current->restart;

	return rb->fn ? rb->fn(rb) : -EINTR;
}

/*
 * CPU time as times() and getrusage() report it: user time and system
 * time (sched.c's charge_cpu splits them at every kernel entry and exit).
 */
struct tms {
	s64 utime, stime, cutime, cstime;
};

static s64 to_ticks(u64 ns)
{
	return ns / (NSEC_PER_SEC / TICK_HZ);
}

static long sys_times(u64 ubuf)
{
	struct tms t;
	u64 user, sys;

	proc_cpu_split(current, &user, &sys);
	t = (struct tms){ to_ticks(user), to_ticks(sys),
			  to_ticks(current->children_cpu_ns - current->children_sys_ns),
			  to_ticks(current->children_sys_ns) };

	if (ubuf && copy_to_user(ubuf, &t, sizeof(t)))
		return -EFAULT;
	return to_ticks(clock_monotonic_ns());
}

static long sys_getrusage(u64 who, u64 ubuf)
{
	struct user_rusage r;
	u64 user, sys;

	if ((s64)who == 0) { /* RUSAGE_SELF */
		proc_cpu_split(current, &user, &sys);
		r = rusage_of(user, sys, current->min_flt);
	} else if ((s64)who == -1) { /* RUSAGE_CHILDREN */
		sys = current->children_sys_ns;
		r = rusage_of(current->children_cpu_ns - sys, sys, current->children_min_flt);
	} else {
		return -EINVAL;
	}
	return copy_to_user(ubuf, &r, sizeof(r)) ? -EFAULT : 0;
}

SYSCALL(times, sys_times, "p");
SYSCALL(getrusage, sys_getrusage, "dp");
SYSCALL(clock_gettime, sys_clock_gettime, "CT");
SYSCALL(clock_getres, sys_clock_getres, "CT");
SYSCALL(gettimeofday, sys_gettimeofday, "pp");
SYSCALL(time, sys_time, "p");
SYSCALL(nanosleep, sys_nanosleep, "tp");
SYSCALL(clock_nanosleep, sys_clock_nanosleep, "Cxtp");
SYSCALL(restart_syscall, sys_restart_syscall, "");
