/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/types.h>

#define TICK_HZ	     100
#define NSEC_PER_SEC 1000000000ULL

void timer_init(void);
void timer_eoi(void);
/* The tick's work (sleepers whose time has come, preemption), from either path. */
void timer_tick(void);
/* A tick is due but its interrupt has not arrived yet. */
bool timer_tick_overdue(void);
u64 clock_realtime_ns(void);

/* Monotonic nanoseconds since boot (TSC based). */
u64 clock_monotonic_ns(void);

#endif
