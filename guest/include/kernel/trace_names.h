/* SPDX-License-Identifier: MIT */
/* Names of numbers for --trace-syscalls (guest/kernel/trace_names.c). */
#ifndef KERNEL_TRACE_NAMES_H
#define KERNEL_TRACE_NAMES_H

#include <kernel/types.h>

struct name_value {
	u64 value;
	const char *name;
};

/* A flag's name; tables of flags end with a NULL name, in strace's order. */
struct flag_name {
	u64 bit;
	const char *name;
};

extern const struct flag_name open_flags[], prot_flags[], map_flags[], at_flags[], mremap_flags[],
    msync_flags[], access_modes[], wait_options[], sa_flags[], fd_flags[], efd_flags[];
/* Timers' flags: timerfd_create's, timer_settime's, timerfd_settime's. */
extern const struct flag_name tfd_flags[], timer_flags[], tfd_settime_flags[];

/* A table's name for v, or NULL. Tables end with a NULL name. */
const char *name_of(const struct name_value *t, u64 v);

extern const struct name_value arch_prctl_codes[], seek_whences[], ioctl_requests[], clock_ids[],
    sigprocmask_hows[], fcntl_cmds[], madvise_advice[];
extern const struct name_value itimer_whiches[];

/* "ENOENT" and "No such file or directory"; false for a value without a name. */
bool errno_describe(long e, const char **name, const char **text);
/* "INT", "RTMIN", "RT_5" (strace's signal names without SIG); NULL when out of range. */
const char *signal_short_name(int sig, char *buf, size_t size);

#endif
