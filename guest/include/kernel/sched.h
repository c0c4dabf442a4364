/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: one CPU, a non-preemptible kernel, round-robin user
 * processes preempted by the timer tick. Sleeping is xv6-style: a process
 * sleeps on a channel (any address) and wakeup(channel) makes every sleeper
 * on it runnable again.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/types.h>

struct proc;

/* Sleeps until wakeup(chan); -EINTR if a signal is pending or arrives. */
int sleep_on(const void *chan);
/* Like sleep_on, also woken when the monotonic clock reaches deadline_ns. */
int sleep_until(const void *chan, u64 deadline_ns);
void wakeup(const void *chan);
void sched_make_runnable(struct proc *p);
/* Runs another process if one is runnable (or idles until one is). */
void schedule(void);
/* Called on every timer tick with the interrupted frame. */
void sched_tick(void);

/* CPU time p has used, in ns (CLOCK_PROCESS_CPUTIME_ID, times, getrusage). */
u64 proc_cpu_ns(const struct proc *p);
/* The same in user mode and in the kernel (times' tms_utime and tms_stime), at one instant. */
void proc_cpu_split(const struct proc *p, u64 *user, u64 *sys);
/*
 * The current process entered the kernel from user mode, or is about to
 * return there: the time since the last such mark was user or system time.
 */
void account_kernel_entry(void);
void account_user_return(void);

#endif
