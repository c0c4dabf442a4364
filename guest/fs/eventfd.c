// SPDX-License-Identifier: MIT
/*
 * eventfd: a 64-bit counter behind a descriptor, as Linux's fs/eventfd.c.
 * A write of 8 bytes adds to it, waiting while the sum would pass
 * 0xfffffffffffffffe; a read takes all of it (or 1 with EFD_SEMAPHORE),
 * waiting while it is 0. Readers and writers sleep on the context and
 * every change wakes them and the context's pollers.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/eventfd.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "fs.h"

#define EFD_SEMAPHORE 1
#define EFD_FLAGS     (EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK)
/* The largest count: ULLONG_MAX itself would read as an error to poll. */
#define EFD_MAX 0xfffffffffffffffeULL

struct eventfd_ctx {
	u64 count;
	bool semaphore;
	struct wait_queue pollers;
};

static void eventfd_changed(struct eventfd_ctx *ctx)
{
	wakeup(ctx);
	waitq_wake(&ctx->pollers);
}

static bool nowait(const struct file *f, unsigned io)
{
	return (f->flags & O_NONBLOCK) || (io & IO_NOWAIT);
}

static long eventfd_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct eventfd_ctx *ctx = f->priv;
	u64 value;

	(void)pos;
	if (len < sizeof(value))
		return -EINVAL;
	while (!ctx->count) {
		if (nowait(f, io))
			return -EAGAIN;
		if (sleep_on(ctx))
			return -ERESTARTSYS;
	}
	value = ctx->semaphore ? 1 : ctx->count;
	ctx->count -= value;
	eventfd_changed(ctx);
	/* As Linux: the count is taken before the copy, and lost if that faults. */
	return copy_to_user(ubuf, &value, sizeof(value)) ? -EFAULT : (long)sizeof(value);
}

static long eventfd_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct eventfd_ctx *ctx = f->priv;
	u64 value;

	(void)pos;
	/* Linux takes exactly 8 bytes: more is EINVAL too, unlike a read. */
	if (len != sizeof(value))
		return -EINVAL;
	if (copy_from_user(&value, ubuf, sizeof(value)))
		return -EFAULT;
	if (value == ~0ULL)
		return -EINVAL;
	while (EFD_MAX - ctx->count < value) {
		if (nowait(f, io))
			return -EAGAIN;
		if (sleep_on(ctx))
			return -ERESTARTSYS;
	}
	if (value) {
		ctx->count += value;
		eventfd_changed(ctx);
	}
	return sizeof(value);
}

static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd_ctx *ctx = f->priv;
	unsigned events = 0;

	poll_wait(pt, &ctx->pollers);
	if (ctx->count)
		events |= POLLIN | POLLRDNORM;
	if (ctx->count == ~0ULL)
		events |= POLLERR;
	if (ctx->count < EFD_MAX)
		events |= POLLOUT | POLLWRNORM;
	return events;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
	.llseek = noop_llseek,
};

struct file *eventfd_fget(int fd, int *err)
{
	struct file *f = fd_get(fd);

	*err = f ? -EINVAL : -EBADF;
	if (f && f->ops != &eventfd_ops) {
		file_put(f);
		return NULL;
	}
	return f;
}

void eventfd_signal(struct file *f, u64 n)
{
	struct eventfd_ctx *ctx = f->priv;

	n = MIN(n, EFD_MAX - ctx->count); /* Linux's eventfd_signal saturates too */
	if (!n)
		return;
	ctx->count += n;
	eventfd_changed(ctx);
}

static long sys_eventfd2(u64 initval, u64 flags)
{
	struct eventfd_ctx *ctx;
	struct inode *ino;
	struct file *f;
	int fd;

	if (flags & ~(u64)EFD_FLAGS)
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx));
	/* Linux's anonymous inode: no file type, mode 0600. */
	ino = ctx ? ramfs_new_anon(0600, vfs_now()) : NULL;
	f = ino ? file_alloc(ino, &eventfd_ops, O_RDWR | (flags & O_NONBLOCK)) : NULL;
	if (ino)
		inode_put(ino); /* the file holds it, if there is one */
	if (!f) {
		kfree(ctx);
		return -ENOMEM;
	}
	ctx->count = (u32)initval;
	ctx->semaphore = flags & EFD_SEMAPHORE;
	f->priv = ctx;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_eventfd(u64 initval)
{
	return sys_eventfd2(initval, 0);
}

SYSCALL(eventfd, sys_eventfd, "d");
SYSCALL(eventfd2, sys_eventfd2, "dj");
