// SPDX-License-Identifier: MIT
/*
 * mq_timedsend and mq_timedreceive: a message of up to mq_msgsize bytes
 * and a priority below MQ_PRIO_MAX goes in after every message of its
 * priority or higher, and receivers take the head. A full queue blocks
 * senders and an empty one receivers until the absolute CLOCK_REALTIME
 * timeout, if given (ETIMEDOUT); O_NONBLOCK fails with EAGAIN instead.
 */
#include <asm/fcntl.h>

#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/kmalloc.h>
#include <kernel/posix_timer.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#include "mqueue.h"

#define MQ_PRIO_MAX 32768

/* An absolute realtime timeout as a monotonic deadline; 0: none. EINVAL if malformed. */
static long read_deadline(u64 uts, u64 *deadline)
{
	struct {
		s64 sec, nsec;
	} ts;
	u64 abs, now = clock_realtime_ns();

	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	abs = timespec_ns(ts.sec, ts.nsec);
	*deadline = clock_monotonic_ns() + (abs > now ? abs - now : 0);
	if (!*deadline)
		*deadline = 1;
	return 0;
}

/*
 * Waits until ready(mq) or the deadline: 0, -ETIMEDOUT, -EAGAIN under
 * O_NONBLOCK, or -ERESTARTSYS for a signal.
 */
static long wait_until(struct mqueue *mq, struct file *f, u64 deadline,
		       bool (*ready)(const struct mqueue *mq))
{
	while (!ready(mq)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (deadline && clock_monotonic_ns() >= deadline)
			return -ETIMEDOUT;
		if (sleep_until(mq, deadline))
			return -ERESTARTSYS;
	}
	return 0;
}

static bool has_room(const struct mqueue *mq)
{
	return mq->curmsgs < mq->maxmsg;
}

static bool has_message(const struct mqueue *mq)
{
	return mq->curmsgs > 0;
}

static void enqueue(struct mqueue *mq, struct mq_msg *m)
{
	struct mq_msg **pp = &mq->msgs;
	bool was_empty = !mq->curmsgs;

	while (*pp && (*pp)->prio >= m->prio)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	mq->curmsgs++;
	mq->bytes += m->len;
	if (was_empty)
		mq_notify_arrival(mq);
	mq_changed(mq);
}

static long send(struct mqueue *mq, struct file *f, u64 ubuf, u64 len, u64 prio, u64 deadline)
{
	struct mq_msg *m;
	long err;

	if (!(f->fmode & FMODE_WRITE))
		return -EBADF;
	if ((s64)len > mq->msgsize)
		return -EMSGSIZE;
	m = kmalloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->prio = prio;
	m->len = len;
	if (copy_from_user(m->data, ubuf, len)) {
		kfree(m);
		return -EFAULT;
	}
	err = wait_until(mq, f, deadline, has_room);
	if (err) {
		kfree(m);
		return err;
	}
	enqueue(mq, m);
	return 0;
}

static long sys_mq_timedsend(u64 fd, u64 ubuf, u64 len, u64 prio, u64 uts)
{
	struct file *f;
	struct mqueue *mq;
	u64 deadline;
	long err;

	if ((u32)prio >= MQ_PRIO_MAX)
		return -EINVAL;
	err = read_deadline(uts, &deadline);
	if (err)
		return err;
	mq = mq_get(fd, &f);
	if (!mq)
		return -EBADF;
	err = send(mq, f, ubuf, len, (u32)prio, deadline);
	file_put(f);
	return err;
}

static long receive(struct mqueue *mq, struct file *f, u64 ubuf, u64 len, u64 uprio, u64 deadline)
{
	struct mq_msg *m;
	long err;

	if (!(f->fmode & FMODE_READ))
		return -EBADF;
	if ((s64)len < mq->msgsize)
		return -EMSGSIZE;
	mq->receivers_waiting++;
	err = wait_until(mq, f, deadline, has_message);
	mq->receivers_waiting--;
	if (err)
		return err;
	m = mq->msgs;
	mq->msgs = m->next;
	mq->curmsgs--;
	mq->bytes -= m->len;
	mq_changed(mq);
	/* As Linux: the message is taken first, and lost if the copy faults. */
	if (copy_to_user(ubuf, m->data, m->len) ||
	    (uprio && copy_to_user(uprio, &m->prio, sizeof(m->prio))))
		err = -EFAULT;
	else
		err = m->len;
	kfree(m);
	return err;
}

static long sys_mq_timedreceive(u64 fd, u64 ubuf, u64 len, u64 uprio, u64 uts)
{
	struct file *f;
	struct mqueue *mq;
	u64 deadline;
	long err = read_deadline(uts, &deadline);

	if (err)
		return err;
	mq = mq_get(fd, &f);
	if (!mq)
		return -EBADF;
	err = receive(mq, f, ubuf, len, uprio, deadline);
	file_put(f);
	return err;
}

SYSCALL(mq_timedsend, sys_mq_timedsend, "fbuut");
SYSCALL(mq_timedreceive, sys_mq_timedreceive, "fBu8t");
