/* SPDX-License-Identifier: MIT */
/*
 * Internal to guest/fs: what poll, select and epoll share (poll.c). A
 * caller registers a poll_waiters with every queue the files name on the
 * first scan, then sleeps until one of them wakes, the deadline passes or
 * a signal arrives, and scans again.
 */
#ifndef GUEST_FS_POLL_H
#define GUEST_FS_POLL_H

#include <kernel/file.h>
#include <kernel/types.h>
#include <kernel/waitq.h>

struct proc;
struct poll_entry;

struct poll_waiters {
	struct poll_table pt;
	struct proc *proc;
	struct poll_entry *entries;
	bool woken; /* since the last sleep: do not sleep through it */
};

/* What the file is ready for: its poll operation's answer, or DEFAULT_POLLMASK. */
unsigned file_poll(struct file *f, struct poll_table *pt);

void poll_waiters_init(struct poll_waiters *pw);
/* Leaves every queue it joined. */
void poll_waiters_free(struct poll_waiters *pw);
/*
 * Sleep until a queue wakes, deadline_ns passes (0: never) or a signal
 * is pending: 0, or -EINTR.
 */
int poll_waiters_sleep(struct poll_waiters *pw, u64 deadline_ns);

/* A relative timeout as an absolute monotonic deadline, never 0 ("none"). */
u64 poll_deadline(u64 timeout_ns);

/*
 * pselect6, ppoll, epoll_pwait: the caller's mask, set for the call and
 * put back at its end (set_temporary_mask, then restore_temporary_mask
 * with the call's result): after a handler if a signal interrupted it, at
 * once otherwise, as Linux's restore_saved_sigmask_unless.
 */
long set_temporary_mask(u64 umask, u64 size);
void restore_temporary_mask(long ret);

/* Linux's struct timespec and its checks: -EFAULT, -EINVAL. */
struct poll_timespec {
	s64 sec, nsec;
};
long poll_read_timespec(u64 uts, u64 *ns);

#endif
