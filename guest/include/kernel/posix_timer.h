/* SPDX-License-Identifier: MIT */
/*
 * Process timers: setitimer's three and alarm (kernel/itimer.c), POSIX
 * timers (kernel/posix_timer.c) and timerfds (kernel/timerfd.c). All
 * expire on the tick: wall-clock timers in monotonic nanoseconds (the
 * realtime clock is the monotonic one plus a fixed offset), CPU-time
 * timers against the CPU time of the process they belong to.
 */
#ifndef KERNEL_POSIX_TIMER_H
#define KERNEL_POSIX_TIMER_H

#include <kernel/signo.h>
#include <kernel/types.h>

struct proc;

/* When it next expires (0: disarmed) and how often after that (0: once). */
struct ktimer {
	u64 expires, interval;
};

enum { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF, ITIMER_COUNT };

struct itimerspec {
	s64 interval_sec, interval_nsec;
	s64 value_sec, value_nsec;
};

/* Times the timer ran out by now (it is past expires): 1 and any missed periods; re-arms it. */
u64 ktimer_expire(struct ktimer *t, u64 now);

/* A timer signal taken from p's queue (delivered) or discarded: its overrun count resets. */
void posix_timer_signal_taken(struct proc *p, struct siginfo *info, bool delivered);
/* exec and exit delete a process's POSIX timers. */
void posix_timers_delete_all(struct proc *p);

/* The tick's work for every process's timers and the timerfds. */
void timers_tick(u64 now);
/* A monotonic timer will expire (the idle loop has something to wait for). */
bool timers_armed(void);

void itimer_tick(struct proc *p, u64 now, u64 cpu);
bool itimer_armed(const struct proc *p);
void timerfd_tick(u64 now);
bool timerfd_armed(void);

/* Reads an itimerspec, EINVAL for a field out of range. */
long itimerspec_from_user(u64 uaddr, struct itimerspec *its);
u64 timespec_ns(s64 sec, s64 nsec);
void ns_to_timespec(u64 ns, s64 *sec, s64 *nsec);

#endif
