/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/types.h>

#define TICK_HZ	      100
#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_USEC 1000ULL

void timer_init(void);
/*
 * Nanoseconds from since_tsc to the start of the clocks (timer_init, just
 * before the first program's first instruction), or to now before that.
 */
u64 timer_boot_ns(u64 since_tsc);
void timer_eoi(void);
/* The tick's work (sleepers whose time has come, preemption), from either path. */
void timer_tick(void);
/* A tick is due but its interrupt has not arrived yet. */
bool timer_tick_overdue(void);
u64 clock_realtime_ns(void);
/* Now on a clock_gettime clock (CPU clocks of processes included): 0 or -EINVAL. */
long clock_read(u64 clockid, u64 *ns);
struct proc;
/* The process whose CPU clock a negative clock id names, or NULL (sys_time.c). */
struct proc *cpu_clock_owner(s32 clockid);
/* The local APIC in x2APIC mode, or xAPIC where the CPU lacks it (arch/apic.c). */
void apic_enable(void);
/* A register named by its x2APIC MSR number, in either mode. */
void apic_write(u32 x2apic_msr, u32 value);

/* A span of TSC cycles in nanoseconds. */
u64 tsc_to_ns(u64 cycles);
/* Monotonic nanoseconds since boot (TSC based). */
u64 clock_monotonic_ns(void);
/* The monotonic clock as it read at the last tick (the _COARSE clocks, as Linux's). */
u64 clock_coarse_ns(void);

#endif
