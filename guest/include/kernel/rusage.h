/* SPDX-License-Identifier: MIT */
/*
 * struct rusage as getrusage(2) and wait4(2) fill it in: user and system
 * time and minor page faults. The kernel keeps no peak RSS, swaps, block
 * I/O, IPC or context-switch counts: those fields stay zero.
 */
#ifndef KERNEL_RUSAGE_H
#define KERNEL_RUSAGE_H

#include <kernel/timer.h>
#include <kernel/types.h>

struct user_rusage {
	s64 utime[2], stime[2]; /* struct timeval */
	s64 maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock;
	s64 msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

static inline struct user_rusage rusage_of(u64 user_ns, u64 sys_ns, u64 min_flt)
{
	return (struct user_rusage){
		.utime = { user_ns / NSEC_PER_SEC, user_ns % NSEC_PER_SEC / NSEC_PER_USEC },
		.stime = { sys_ns / NSEC_PER_SEC, sys_ns % NSEC_PER_SEC / NSEC_PER_USEC },
		.minflt = min_flt,
	};
}

#endif
