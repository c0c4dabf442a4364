/* SPDX-License-Identifier: MIT */
/*
 * Signals as the Linux x86-64 ABI numbers them: signal numbers, sigaction
 * flags and layout, si_code values, and what a synchronous fault reports.
 * Values only: the mm and the file system name the signal a fault or a
 * broken pipe ends in without depending on how signals are delivered
 * (kernel/signal.h).
 */
#ifndef KERNEL_SIGNO_H
#define KERNEL_SIGNO_H

#include <kernel/types.h>

#define NSIG	  64
#define SIGHUP	  1
#define SIGINT	  2
#define SIGQUIT	  3
#define SIGILL	  4
#define SIGTRAP	  5
#define SIGABRT	  6
#define SIGBUS	  7
#define SIGFPE	  8
#define SIGKILL	  9
#define SIGUSR1	  10
#define SIGSEGV	  11
#define SIGUSR2	  12
#define SIGPIPE	  13
#define SIGALRM	  14
#define SIGTERM	  15
#define SIGCHLD	  17
#define SIGCONT	  18
#define SIGSTOP	  19
#define SIGTSTP	  20
#define SIGTTIN	  21
#define SIGTTOU	  22
#define SIGURG	  23
#define SIGXCPU	  24
#define SIGXFSZ	  25
#define SIGVTALRM 26
#define SIGPROF	  27
#define SIGWINCH  28
#define SIGIO	  29
#define SIGPWR	  30
#define SIGSYS	  31

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x1
#define SA_NOCLDWAIT 0x2
#define SA_SIGINFO   0x4
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER  0x04000000

#define SEGV_MAPERR   1
#define SEGV_ACCERR   2
#define BUS_ADRERR    2
#define SI_USER	      0
#define SI_KERNEL     0x80
#define SI_QUEUE      -1
#define SI_TIMER      -2
#define SI_MESGQ      -3
#define SI_TKILL      -6
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_STOPPED   5
#define CLD_CONTINUED 6
#define SIGRTMIN      32

#define SIGBIT(s) (1ULL << ((s)-1))

struct k_sigaction {
	u64 handler;
	u64 flags;
	u64 restorer;
	u64 mask;
};

/* Linux's x86-64 siginfo_t, as handlers, sigwaitinfo and rt_sigqueueinfo see it. */
struct siginfo {
	s32 signo, errno_, code, pad;
	union {
		u64 addr;
		struct {
			s32 pid;
			u32 uid;
			s32 status;
			s32 pad;
			s64 utime, stime;
		} chld;
		struct {
			s32 pid;
			u32 uid;
			u64 value;
		} rt; /* kill, sigqueue, mq_notify */
		struct {
			s32 tid;
			s32 overrun;
			u64 value;
		} timer;
		u8 bytes[112];
	};
};

/* What a synchronous fault tells the handler (si_code, si_addr). */
struct fault_info {
	int code;
	u64 addr;
	u64 trapno, error;
};

#endif
