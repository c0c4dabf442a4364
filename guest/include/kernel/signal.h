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
	/*
	 * sigtimedwait's caller mask while it waits with the awaited signals
	 * unblocked; 0 otherwise. Signals blocked here are not discarded when
	 * ignored: the waiter takes them.
	 */
	u64 real_blocked;
	u64 pending;
	struct fault_info fault[NSIG]; /* for pending synchronous signals */
	/* What each pending signal carries, oldest first (proc/sigqueue.c). */
	struct sigqueue_entry *queue;
	u32 queued;
	u64 altstack_sp, altstack_size;
	u32 altstack_flags;
};

struct proc;
struct trap_frame;
const char *signal_name(int sig);
/* Queue a signal from sender_pid (SI_USER); wakes the process if it sleeps interruptibly. */
void signal_send(struct proc *p, int sig, int sender_pid);
/*
 * Queue a signal with what it carries: a real-time signal is queued once
 * per send, a standard one only if not pending already (Linux). 1 if
 * queued, 0 if discarded or merged, -EAGAIN when the queue is full.
 */
int signal_send_info(struct proc *p, const struct siginfo *info);
/*
 * May the current process send sig to p (kill(2)'s EPERM)? As Linux's
 * check_kill_permission: the sender's real or effective user ID matches
 * the target's real or saved one, or the sender is effectively root
 * (CAP_KILL), or sig is SIGCONT within one session. Signal 0 is checked
 * too: kill(pid, 0) is how a program asks whether it could signal pid.
 */
bool signal_permitted(const struct proc *p, int sig);
/* Discarded at once if p ignores sig and does not block it (Linux). */
bool signal_ignored(const struct proc *p, int sig);

/* The queue of pending signals' siginfo (proc/sigqueue.c). */
int sigqueue_add(struct sigstate *s, const struct siginfo *info);
/* Takes the oldest instance of sig, clearing its pending bit when it was the last. */
void sigqueue_take(struct sigstate *s, int sig, struct siginfo *info);
/* Forgets every pending instance of the signals in mask. */
void sigqueue_discard(struct sigstate *s, u64 mask);
/* Forgets the queued signal of the POSIX timer with this id (timer_delete). */
void sigqueue_discard_timer(struct sigstate *s, int timer);
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
