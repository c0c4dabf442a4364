/* SPDX-License-Identifier: MIT */
/*
 * Signals (proc/signal.c): a process's dispositions, mask and pending set,
 * sending, and delivery on the way back to user mode. The ABI values are
 * kernel/signo.h's.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <kernel/signo.h>
#include <kernel/types.h>

struct sigstate {
	struct k_sigaction action[NSIG];
	u64 blocked;
	/*
	 * sigsuspend's caller mask: the handler runs with the temporary one,
	 * its frame records this one, and it is back in force afterwards.
	 */
	u64 saved_blocked;
	bool restore_blocked;
	u64 pending;
	struct fault_info fault[NSIG]; /* for pending synchronous signals */
	int sender_pid[NSIG];
	/* A pending SIGCHLD's siginfo: CLD_* code (0: none), child, its status. */
	struct {
		s32 code, pid, status;
		u32 uid;
	} chld;
	u64 altstack_sp, altstack_size;
	u32 altstack_flags;
};

struct proc;
struct trap_frame;
const char *signal_name(int sig);
/* Queue a signal; wakes the process if it sleeps interruptibly. */
void signal_send(struct proc *p, int sig, int sender_pid);
/* A fault in user mode: delivered now, or death if blocked/ignored. */
void signal_force_fault(int sig, const struct fault_info *info);
bool signal_pending(struct proc *p);
/*
 * Work before any return to user mode: switch processes if the tick asked
 * for it (only when can_schedule: not on the IST stack), deliver signals,
 * and on kvm_pvm prepare the sysretq-only return.
 */
void user_return_work(struct trap_frame *f, bool can_schedule);

#endif
