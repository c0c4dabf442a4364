// SPDX-License-Identifier: MIT
/*
 * epoll, as Linux's fs/eventpoll.c says it behaves: an interest list of
 * (file, fd) items, each hooked into its file's wait queues for as long as
 * it is on the list; level-triggered by default, EPOLLET reports an item
 * only after a wakeup of its file since its last report, EPOLLONESHOT
 * disarms it once reported until EPOLL_CTL_MOD. An item leaves every
 * interest list when its file is released (not when one descriptor of it
 * is closed). Readiness is asked of the files at each epoll_wait: a scan
 * of the interest list, which the wakeups only trigger.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#include "poll.h"

#define EPOLL_CTL_ADD  1
#define EPOLL_CTL_DEL  2
#define EPOLL_CTL_MOD  3
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP    (1U << 29)
#define EPOLLONESHOT   (1U << 30)
#define EPOLLET	       (1U << 31)
/* What stays of an item's events once EPOLLONESHOT disarmed it. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
/* Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
#define EP_MAX_EVENTS (0x7fffffff / 12)
/* Queues one file announces its changes on: ours have one, Linux's at most two. */
#define EP_MAX_HOOKS 2

struct epitem;

struct ep_hook {
	struct waiter w;
	struct wait_queue *wq;
	struct epitem *item;
};

struct epitem {
	struct eventpoll *ep;
	struct file *file; /* no reference: its release removes the item */
	int fd;
	u32 events;
	u64 data;
	bool ready; /* its file woke since it was last reported (EPOLLET) */
	struct epitem *next, *file_next;
	struct ep_hook hooks[EP_MAX_HOOKS];
	int nhooks;
};

struct eventpoll {
	struct epitem *items; /* in the order they are scanned */
	struct wait_queue wq; /* epoll_wait's sleepers and the epoll file's pollers */
};

/* x86-64's struct epoll_event is packed: 12 bytes. */
struct epoll_event {
	u32 events;
	u64 data;
} __attribute__((packed));

static const struct file_ops epoll_ops;

static void hook_wake(struct waiter *w)
{
	struct epitem *item = container_of(w, struct ep_hook, w)->item;

	item->ready = true;
	waitq_wake(&item->ep->wq);
}

struct hook_table {
	struct poll_table pt;
	struct epitem *item;
};

static void hook_join(struct poll_table *pt, struct wait_queue *wq)
{
	struct epitem *item = container_of(pt, struct hook_table, pt)->item;
	struct ep_hook *h;

	if (item->nhooks == EP_MAX_HOOKS)
		return;
	h = &item->hooks[item->nhooks++];
	h->w.wake = hook_wake;
	h->wq = wq;
	h->item = item;
	waitq_add(wq, &h->w);
}

static void unlink_item(struct epitem **head, struct epitem *item, bool file_list)
{
	for (struct epitem **pp = head; *pp; pp = file_list ? &(*pp)->file_next : &(*pp)->next) {
		if (*pp == item) {
			*pp = file_list ? item->file_next : item->next;
			return;
		}
	}
}

static void item_remove(struct epitem *item)
{
	for (int i = 0; i < item->nhooks; i++)
		waitq_del(item->hooks[i].wq, &item->hooks[i].w);
	unlink_item(&item->ep->items, item, false);
	unlink_item(&item->file->epitems, item, true);
	kfree(item);
}

void eventpoll_release_file(struct file *f)
{
	while (f->epitems)
		item_remove(f->epitems);
}

static struct epitem *item_find(struct eventpoll *ep, struct file *f, int fd)
{
	for (struct epitem *item = ep->items; item; item = item->next)
		if (item->file == f && item->fd == fd)
			return item;
	return NULL;
}

static struct epitem *last_item(struct eventpoll *ep)
{
	struct epitem *item = ep->items;

	while (item && item->next)
		item = item->next;
	return item;
}

/* What item would report now, and whether it may (EPOLLET, a disarmed EPOLLONESHOT). */
static u32 item_events(struct epitem *item)
{
	if (!(item->events & ~EP_PRIVATE_BITS))
		return 0;
	if ((item->events & EPOLLET) && !item->ready)
		return 0;
	return file_poll(item->file, NULL) & item->events & ~EP_PRIVATE_BITS;
}

static int ep_add(struct eventpoll *ep, struct file *f, int fd, const struct epoll_event *ev)
{
	struct epitem *item = kzalloc(sizeof(*item)), *tail;
	struct hook_table ht = { { hook_join }, item };

	if (!item)
		return -ENOMEM;
	item->ep = ep;
	item->file = f;
	item->fd = fd;
	item->events = ev->events | POLLERR | POLLHUP;
	item->data = ev->data;
	item->ready = true; /* whatever it is ready for now counts as new */
	tail = last_item(ep);
	if (tail)
		tail->next = item;
	else
		ep->items = item;
	item->file_next = f->epitems;
	f->epitems = item;
	file_poll(f, &ht.pt);
	waitq_wake(&ep->wq);
	return 0;
}

/* Is ep reachable from the epoll file f (so adding f to ep would close a loop)? */
static bool reaches(struct file *f, struct eventpoll *ep, int depth)
{
	struct eventpoll *inner = f->priv;

	if (f->ops != &epoll_ops)
		return false;
	if (inner == ep || depth > 4)
		return true;
	for (struct epitem *item = inner->items; item; item = item->next)
		if (reaches(item->file, ep, depth + 1))
			return true;
	return false;
}

static long ctl(struct file *epf, struct file *f, int op, int fd, const struct epoll_event *ev)
{
	struct eventpoll *ep = epf->priv;
	struct epitem *item;

	if (!f->ops->poll)
		return -EPERM;
	if (f == epf || epf->ops != &epoll_ops)
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && reaches(f, ep, 0))
		return -ELOOP;
	item = item_find(ep, f, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		return item ? -EEXIST : ep_add(ep, f, fd, ev);
	case EPOLL_CTL_DEL:
		if (!item)
			return -ENOENT;
		item_remove(item);
		return 0;
	case EPOLL_CTL_MOD:
		if (!item)
			return -ENOENT;
		if (ev->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		item->events = ev->events | POLLERR | POLLHUP;
		item->data = ev->data;
		item->ready = true;
		waitq_wake(&ep->wq);
		return 0;
	default:
		return -EINVAL;
	}
}

static long sys_epoll_ctl(u64 epfd, u64 op, u64 fd, u64 uev)
{
	struct epoll_event ev = { 0, 0 };
	struct file *epf, *f;
	long ret = -EBADF;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	epf = fd_get((int)epfd);
	if (!epf)
		return -EBADF;
	f = fd_get((int)fd);
	if (f) {
		ret = ctl(epf, f, (int)op, (int)fd, &ev);
		file_put(f);
	}
	file_put(epf);
	return ret;
}

/* Moves item to the end, so the next wait reports the others first (Linux's round robin). */
static void requeue(struct eventpoll *ep, struct epitem *item)
{
	struct epitem *tail = last_item(ep);

	if (tail == item)
		return;
	unlink_item(&ep->items, item, false);
	item->next = NULL;
	last_item(ep)->next = item;
}

static long report(struct eventpoll *ep, u64 uevents, int max)
{
	struct epitem *item, *next, *stop = NULL;
	long n = 0;

	for (item = ep->items; item && item != stop && n < max; item = next) {
		struct epoll_event ev = { item_events(item), item->data };

		next = item->next;
		if (!ev.events) {
			item->ready = false;
			continue;
		}
		if (copy_to_user(uevents + n * sizeof(ev), &ev, sizeof(ev)))
			return n ? n : -EFAULT;
		n++;
		item->ready = false;
		if (item->events & EPOLLONESHOT)
			item->events &= EP_PRIVATE_BITS;
		else if (!(item->events & EPOLLET)) {
			if (!stop)
				stop = item;
			requeue(ep, item);
		}
	}
	return n;
}

static long do_wait(struct file *epf, u64 uevents, int max, s32 timeout_ms)
{
	struct eventpoll *ep = epf->priv;
	u64 deadline = timeout_ms > 0 ? poll_deadline((u64)timeout_ms * 1000000) : 0;
	struct poll_waiters pw;
	long n;
	int err = 0;

	poll_waiters_init(&pw);
	poll_wait(&pw.pt, &ep->wq);
	for (;;) {
		n = report(ep, uevents, max);
		if (n || !timeout_ms || err)
			break;
		if (deadline && clock_monotonic_ns() >= deadline)
			break;
		err = poll_waiters_sleep(&pw, deadline);
	}
	poll_waiters_free(&pw);
	return n ? n : err;
}

static long sys_epoll_wait(u64 epfd, u64 uevents, u64 max, u64 timeout)
{
	struct file *epf;
	long ret;

	if ((int)max <= 0 || (int)max > EP_MAX_EVENTS)
		return -EINVAL;
	epf = fd_get((int)epfd);
	if (!epf)
		return -EBADF;
	ret = epf->ops == &epoll_ops ? do_wait(epf, uevents, (int)max, (s32)timeout) : -EINVAL;
	file_put(epf);
	return ret;
}

static long sys_epoll_pwait(u64 epfd, u64 uevents, u64 max, u64 timeout, u64 umask, u64 size)
{
	long ret;

	if (umask) {
		ret = set_temporary_mask(umask, size);
		if (ret)
			return ret;
	}
	ret = sys_epoll_wait(epfd, uevents, max, timeout);
	if (umask)
		restore_temporary_mask(ret);
	return ret;
}

/* The epoll file is readable while an item would be reported. */
static unsigned epoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;

	poll_wait(pt, &ep->wq);
	for (struct epitem *item = ep->items; item; item = item->next)
		if (item_events(item))
			return POLLIN | POLLRDNORM;
	return 0;
}

static void epoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	while (ep->items)
		item_remove(ep->items);
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.poll = epoll_poll,
	.release = epoll_release,
	.llseek = noop_llseek,
};

static long sys_epoll_create1(u64 flags)
{
	struct eventpoll *ep;
	struct inode *ino;
	struct file *f;
	int fd;

	if (flags & ~(u64)O_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	ino = ep ? ramfs_new_anon(0600, vfs_now()) : NULL;
	f = ino ? file_alloc(ino, &epoll_ops, O_RDWR) : NULL;
	if (ino)
		inode_put(ino);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	f->priv = ep;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_epoll_create(u64 size)
{
	return (int)size <= 0 ? -EINVAL : sys_epoll_create1(0);
}

SYSCALL(epoll_create, sys_epoll_create, "d");
SYSCALL(epoll_create1, sys_epoll_create1, "y");
SYSCALL(epoll_ctl, sys_epoll_ctl, "fifJ");
SYSCALL(epoll_wait, sys_epoll_wait, "fUdd");
SYSCALL(epoll_pwait, sys_epoll_pwait, "fUddGu");
