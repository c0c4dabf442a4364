/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/types.h>

#define TICK_HZ	     100
#define NSEC_PER_SEC 1000000000ULL

void timer_init(void);
void timer_eoi(void);
u64 clock_realtime_ns(void);

#endif
