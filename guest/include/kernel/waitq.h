/* SPDX-License-Identifier: MIT */
/*
 * Wait queues (kernel/waitq.c): the list of parties interested in an
 * object's changes beyond its own sleepers on its channel. poll, select and
 * epoll wait on many objects at once, which one sleep channel cannot say,
 * so an object that can be polled keeps a wait_queue and wakes it with
 * every change that may make it readable, writable or hung up.
 *
 * A waiter's wake function runs in the waker's context: it may make a
 * process runnable or note an event, never sleep or touch the queue.
 */
#ifndef KERNEL_WAITQ_H
#define KERNEL_WAITQ_H

#include <kernel/types.h>

struct waiter;

struct wait_queue {
	struct waiter *head;
};

struct waiter {
	struct waiter *next;
	void (*wake)(struct waiter *w);
};

void waitq_add(struct wait_queue *wq, struct waiter *w);
void waitq_del(struct wait_queue *wq, struct waiter *w);
void waitq_wake(struct wait_queue *wq);

/*
 * What a file's poll operation is given: it calls poll_wait() with each
 * queue whose wakeups can change its answer. pt may be NULL (only the
 * answer is wanted), and so may its qproc (the caller registered already).
 */
struct poll_table {
	void (*qproc)(struct poll_table *pt, struct wait_queue *wq);
};

static inline void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	if (pt && pt->qproc)
		pt->qproc(pt, wq);
}

/* Linux's poll bits (<asm-generic/poll.h>), also epoll's. */
#define POLLIN	   0x0001
#define POLLPRI	   0x0002
#define POLLOUT	   0x0004
#define POLLERR	   0x0008
#define POLLHUP	   0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP  0x2000

/* What a file without a poll operation always is: Linux's DEFAULT_POLLMASK. */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

#endif
