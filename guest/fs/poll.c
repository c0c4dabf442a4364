// SPDX-License-Identifier: MIT
/*
 * poll and ppoll, and the waiting that select and epoll share with them.
 * A poller joins the wait queue of every object it polls with one waiter
 * each (an entry of its poll_waiters); a change to any of them makes the
 * poller runnable and it scans all its files again, as Linux's do_poll.
 */
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#include "poll.h"

#define NR_OPEN_LIMIT (1U << 20)

struct poll_entry {
	struct waiter w;
	struct wait_queue *wq;
	struct poll_waiters *owner;
	struct poll_entry *next;
};

unsigned file_poll(struct file *f, struct poll_table *pt)
{
	return f->ops->poll ? f->ops->poll(f, pt) : DEFAULT_POLLMASK;
}

static void poll_wake(struct waiter *w)
{
	struct poll_waiters *pw = container_of(w, struct poll_entry, w)->owner;

	pw->woken = true;
	if (pw->proc->state == PROC_SLEEPING && pw->proc->wait_chan == pw)
		sched_make_runnable(pw->proc);
}

/*
 * Out of memory for an entry: that queue would never wake the poller, so
 * it polls by the tick instead (woken stays set: it never sleeps long).
 */
static void poll_join(struct poll_table *pt, struct wait_queue *wq)
{
	struct poll_waiters *pw = container_of(pt, struct poll_waiters, pt);
	struct poll_entry *e = kzalloc(sizeof(*e));

	if (!e) {
		pw->woken = true;
		return;
	}
	e->w.wake = poll_wake;
	e->wq = wq;
	e->owner = pw;
	e->next = pw->entries;
	pw->entries = e;
	waitq_add(wq, &e->w);
}

void poll_waiters_init(struct poll_waiters *pw)
{
	pw->pt.qproc = poll_join;
	pw->proc = current;
	pw->entries = NULL;
	pw->woken = false;
}

void poll_waiters_free(struct poll_waiters *pw)
{
	struct poll_entry *e, *next;

	for (e = pw->entries; e; e = next) {
		next = e->next;
		waitq_del(e->wq, &e->w);
		kfree(e);
	}
	pw->entries = NULL;
}

int poll_waiters_sleep(struct poll_waiters *pw, u64 deadline_ns)
{
	int err = 0;

	/* Registered once, on the first scan: later scans only ask. */
	pw->pt.qproc = NULL;
	if (!pw->woken)
		err = sleep_until(pw, deadline_ns);
	else if (signal_pending(current))
		err = -EINTR;
	else if (!pw->entries)
		err = sleep_until(pw, clock_monotonic_ns() + NSEC_PER_SEC / TICK_HZ);
	pw->woken = false;
	return err;
}

u64 poll_deadline(u64 timeout_ns)
{
	u64 now = clock_monotonic_ns();

	return timeout_ns > ~0ULL - now ? ~0ULL : now + timeout_ns;
}

long poll_read_timespec(u64 uts, u64 *ns)
{
	struct poll_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	*ns = (u64)ts.sec > ~0ULL / NSEC_PER_SEC - 1 ? ~0ULL : ts.sec * NSEC_PER_SEC + ts.nsec;
	return 0;
}

long set_temporary_mask(u64 umask, u64 size)
{
	struct sigstate *s = &current->sig;
	u64 set;

	if (size != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, umask, sizeof(set)))
		return -EFAULT;
	s->saved_blocked = s->blocked;
	s->restore_blocked = true;
	s->blocked = set & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	return 0;
}

void restore_temporary_mask(long ret)
{
	struct sigstate *s = &current->sig;

	/* Interrupted: the handler runs with the call's mask, its frame records ours. */
	if (ret == -EINTR || ret == -ERESTARTNOHAND)
		return;
	s->blocked = s->saved_blocked;
	s->restore_blocked = false;
}

/* ---- poll, ppoll ---- */

struct pollfd {
	s32 fd;
	u16 events, revents;
};

static unsigned poll_one(struct pollfd *p, struct file *f, struct poll_table *pt)
{
	unsigned mask;

	if (p->fd < 0)
		mask = 0;
	else if (!f)
		mask = POLLNVAL;
	else
		mask = file_poll(f, pt) & (p->events | POLLERR | POLLHUP);
	p->revents = (u16)mask;
	return mask;
}

/* Scan until something is ready, the deadline (0: none) passes or a signal comes. */
static long do_poll(struct pollfd *fds, struct file **files, u64 n, bool no_wait, u64 deadline)
{
	struct poll_waiters pw;
	long count, err = 0;

	poll_waiters_init(&pw);
	for (;;) {
		count = 0;
		for (u64 i = 0; i < n; i++)
			count += poll_one(&fds[i], files[i], no_wait ? NULL : &pw.pt) != 0;
		if (count || no_wait || err)
			break;
		if (deadline && clock_monotonic_ns() >= deadline)
			break;
		err = poll_waiters_sleep(&pw, deadline);
	}
	poll_waiters_free(&pw);
	return count ? count : err ? -ERESTARTNOHAND : 0;
}

static long poll_files(u64 ufds, u64 n, bool no_wait, u64 deadline)
{
	struct pollfd *fds;
	struct file **files;
	long ret = -ENOMEM;

	/* NR_OPEN_LIMIT: Linux's fs.nr_open, which bounds RLIMIT_NOFILE there (not here). */
	if (n > rlimit_cur(RLIMIT_NOFILE) || n > NR_OPEN_LIMIT)
		return -EINVAL;
	fds = kmalloc(n * sizeof(*fds) + 1);
	files = kzalloc(n * sizeof(*files) + 1);
	if (!fds || !files)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(fds, ufds, n * sizeof(*fds)))
		goto out;
	for (u64 i = 0; i < n; i++)
		files[i] = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;
	ret = do_poll(fds, files, n, no_wait, deadline);
	for (u64 i = 0; i < n; i++) {
		if (files[i])
			file_put(files[i]);
		/* revents go back even when interrupted, as Linux's do_sys_poll. */
		if (copy_to_user(ufds + i * sizeof(*fds) + offsetof(struct pollfd, revents),
				 &fds[i].revents, sizeof(fds[i].revents)))
			ret = -EFAULT;
	}
out:
	kfree(fds);
	kfree(files);
	return ret;
}

static long sys_poll(u64 ufds, u64 n, u64 timeout_ms)
{
	s32 ms = (s32)timeout_ms;

	return poll_files(ufds, n, ms == 0, ms > 0 ? poll_deadline((u64)ms * 1000000) : 0);
}

/* What is left of the timeout, written back as Linux does (a copy that faults is ignored). */
static void write_back_timespec(u64 uts, u64 deadline)
{
	u64 now = clock_monotonic_ns(), left = deadline > now ? deadline - now : 0;
	struct poll_timespec ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };

	copy_to_user(uts, &ts, sizeof(ts));
}

static long sys_ppoll(u64 ufds, u64 n, u64 uts, u64 umask, u64 size)
{
	u64 ns = 0, deadline = 0;
	long ret;

	if (uts) {
		ret = poll_read_timespec(uts, &ns);
		if (ret)
			return ret;
		deadline = ns ? poll_deadline(ns) : 0;
	}
	if (umask) {
		ret = set_temporary_mask(umask, size);
		if (ret)
			return ret;
	}
	/* Restarted after a stop, it waits only what the write-back left. */
	ret = poll_files(ufds, n, uts && !ns, deadline);
	if (deadline)
		write_back_timespec(uts, deadline);
	if (umask)
		restore_temporary_mask(ret);
	return ret;
}

SYSCALL(poll, sys_poll, "qud");
SYSCALL(ppoll, sys_ppoll, "qutGu");
