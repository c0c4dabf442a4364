/* SPDX-License-Identifier: MIT */
/*
 * Processes: one thread each, a Linux-compatible view for programs.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <kernel/arch.h>
#include <kernel/posix_timer.h>
#include <kernel/signal.h>
#include <kernel/types.h>

#define KSTACK_SIZE 16384
#define MAX_PROCS   256

enum proc_state {
	PROC_UNUSED,
	PROC_RUNNABLE,
	PROC_SLEEPING,
	PROC_ZOMBIE,
	PROC_STOPPED, /* by a stop signal, until SIGCONT or SIGKILL (jobctl.c) */
};

struct mm;
struct fdtable;
struct inode;

/* Supplementary groups a process may have (Linux allows 65536). */
#define NGROUPS_SMALL 32

/* Real, effective and saved IDs, in that order (setresuid's). */
struct cred {
	u32 uid, euid, suid;
	u32 gid, egid, sgid;
	u32 ngroups;
	u32 groups[NGROUPS_SMALL];
};

#define RLIMIT_STACK   3
#define RLIMIT_CORE    4
#define RLIMIT_NOFILE  7
#define RLIMIT_MEMLOCK 8
#define RLIM_NLIMITS   16

struct rlimit {
	u64 cur, max;
};

/*
 * How restart_syscall(2) goes on with a call a stop or an ignored signal
 * interrupted: nanosleep keeps its deadline here, so the time left is what
 * it sleeps, not the whole request again.
 */
struct restart_block {
	long (*fn)(struct restart_block *rb);
	u64 deadline; /* monotonic ns */
	u64 urem;     /* the caller's struct timespec for the time left, or 0 */
	u64 nr;	      /* the call it goes on with, for the trace */
};

struct proc {
	int pid;
	int pgid, sid; /* process group and session */
	enum proc_state state;
	struct proc *parent;
	struct proc *children, *sibling;
	int wait_status; /* as wait4 reports it */
	/* Job control: the stop and the continue the parent may still wait for. */
	int stop_sig;
	bool stop_report, cont_report;
	struct mm *mm;
	u8 *kstack;
	u64 ksp;		  /* saved by switch_stack while not running */
	struct trap_frame *frame; /* user context, at the top of kstack */
	struct fdtable *files;
	struct inode *cwd;
	const void *wait_chan;
	u64 wake_at_ns; /* timed sleeps; 0 = none */
	struct sigstate sig;
	struct cred cred;
	struct rlimit rlim[RLIM_NLIMITS];
	u64 fs_base, gs_base; /* while running, the CPU's are the true ones */
	u64 clear_child_tid;
	u64 syscall_nr;		      /* of the syscall in progress, for restarts */
	struct restart_block restart; /* for ERESTART_RESTARTBLOCK */
	/*
	 * CPU time used, in TSC cycles (every kernel entry and return charges
	 * it, so it costs an rdtsc and no division); the TSC when it was last
	 * charged; the part of cpu_tsc spent in the kernel.
	 */
	u64 cpu_tsc, charged_tsc, sys_tsc;
	bool in_kernel;	     /* entered from user mode and not back yet */
	u64 children_cpu_ns; /* of reaped children, theirs included */
	u64 children_sys_ns;
	u64 min_flt, children_min_flt;	    /* page faults handled (ru_minflt) */
	struct ktimer itimer[ITIMER_COUNT]; /* setitimer's; not inherited by fork */
	struct posix_timer *posix_timers;   /* timer_create's table, allocated on first use */
	struct proc *run_next;		    /* run queue link */
	char comm[16];
	u8 fpu[512] __aligned(16); /* fxsave area */
};

extern struct proc *current;
/* With --init, PID 1: the kernel's init, which adopts and reaps orphans; else NULL. */
extern struct proc *init_proc;

/* Every process slot; PROC_UNUSED ones are free (guest/proc/proc.c). */
extern struct proc proc_table[MAX_PROCS];

struct proc *proc_find(int pid);
/* The current process's soft limit of resource res (RLIMIT_*). */
u64 rlimit_cur(int res);
void rlimits_init(struct rlimit *rl);

void do_exit(int wait_status) __attribute__((noreturn));
/* Frees a child that exited unwaited-for, once off its stack (the scheduler calls it). */
void proc_free_released(void);
/* Frees a reaped zombie's slot (wait.c). */
void proc_free(struct proc *p);

/* Job control (jobctl.c); the CLD_* codes are kernel/signo.h's. */
/* SIGCHLD to p's parent, with the CLD_* code and status its siginfo carries. */
void jobctl_notify_parent(struct proc *p, int code, int status);
/* The default action of a stop signal: current stops until continued. */
void jobctl_stop(int sig);
/* What sending sig to p does before it is queued (SIGCONT continues p). */
void jobctl_on_send(struct proc *p, int sig);

/* Starts the first program (/chosen pagelab,argv); does not return. */
void init_start(void) __attribute__((noreturn));

#endif
