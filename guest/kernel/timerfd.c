// SPDX-License-Identifier: MIT
/*
 * timerfd: a timer read as a file. A read returns the number of
 * expirations since the last read (8 bytes) and sleeps until there is
 * one; with TFD_NONBLOCK it fails with EAGAIN instead. Expirations are
 * counted when the file is looked at, from the timer's deadline, so the
 * count does not depend on when ticks arrived; a sleeping reader wakes
 * at its deadline like any timed sleep, a poller at the tick after it.
 */
#include <asm/fcntl.h>

#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/kmalloc.h>
#include <kernel/posix_timer.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vdso.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET 2
#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_BOOTTIME		7
#define CLOCK_REALTIME_ALARM	8
#define CLOCK_BOOTTIME_ALARM	9

struct timerfd {
	s32 clockid;
	struct ktimer t; /* expires on the monotonic clock */
	u64 ticks;	 /* expirations not read yet */
	struct wait_queue pollers;
	struct timerfd *next; /* on the list of every timerfd, for the tick */
};

static struct timerfd *all_timerfds;

static bool clock_is_wall(s32 id)
{
	return id == CLOCK_REALTIME || id == CLOCK_REALTIME_ALARM;
}

/* Expirations up to now join the count; a one-shot timer is then disarmed. */
static void timerfd_catch_up(struct timerfd *tfd)
{
	u64 now = clock_monotonic_ns();

	if (tfd->t.expires && now >= tfd->t.expires)
		tfd->ticks += ktimer_expire(&tfd->t, now);
}

static long timerfd_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct timerfd *tfd = f->priv;
	u64 ticks;

	(void)pos;
	if (len < sizeof(ticks))
		return -EINVAL;
	for (;;) {
		timerfd_catch_up(tfd);
		if (tfd->ticks)
			break;
		if ((f->flags & O_NONBLOCK) || (io & IO_NOWAIT))
			return -EAGAIN;
		if (sleep_until(tfd, tfd->t.expires))
			return -ERESTARTSYS;
	}
	ticks = tfd->ticks;
	if (copy_to_user(ubuf, &ticks, sizeof(ticks)))
		return -EFAULT;
	tfd->ticks = 0;
	return sizeof(ticks);
}

/* Readable once it has expired since the last read. */
static unsigned timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *tfd = f->priv;

	poll_wait(pt, &tfd->pollers);
	timerfd_catch_up(tfd);
	return tfd->ticks ? POLLIN | POLLRDNORM : 0;
}

/* Pollers learn of an expiry at the tick that follows it (readers sleep until it). */
void timerfd_tick(u64 now)
{
	for (struct timerfd *tfd = all_timerfds; tfd; tfd = tfd->next) {
		if (tfd->t.expires && now >= tfd->t.expires) {
			timerfd_catch_up(tfd);
			waitq_wake(&tfd->pollers);
		}
	}
}

bool timerfd_armed(void)
{
	for (struct timerfd *tfd = all_timerfds; tfd; tfd = tfd->next)
		if (tfd->t.expires)
			return true;
	return false;
}

static void timerfd_release(struct file *f)
{
	struct timerfd **pp = &all_timerfds;

	while (*pp && *pp != f->priv)
		pp = &(*pp)->next;
	if (*pp)
		*pp = (*pp)->next;
	kfree(f->priv);
}

static const struct file_ops timerfd_ops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
	.llseek = noop_llseek,
};

static long sys_timerfd_create(u64 clockid, u64 flags)
{
	s32 id = (s32)clockid;
	struct timerfd *tfd;
	struct inode *ino;
	struct file *f;
	int fd;

	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC && id != CLOCK_BOOTTIME &&
	    id != CLOCK_REALTIME_ALARM && id != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if (flags & ~(u64)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	tfd = kzalloc(sizeof(*tfd));
	ino = tfd ? ramfs_new_anon(0600, vfs_now()) : NULL;
	f = ino ? file_alloc(ino, &timerfd_ops, O_RDWR | (flags & O_NONBLOCK)) : NULL;
	if (ino)
		inode_put(ino); /* the file holds it */
	if (!f) {
		kfree(tfd);
		return -ENOMEM;
	}
	tfd->clockid = id;
	tfd->next = all_timerfds;
	all_timerfds = tfd;
	f->priv = tfd;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The timerfd behind fd, with a reference; EBADF, or EINVAL for another kind of file. */
static struct timerfd *timerfd_get(u64 fd, struct file **fp, long *err)
{
	struct file *f = fd_get((int)fd);

	*fp = f;
	*err = f ? -EINVAL : -EBADF;
	if (f && f->ops != &timerfd_ops) {
		file_put(f);
		*fp = NULL;
	}
	return *fp ? (*fp)->priv : NULL;
}

static struct itimerspec timerfd_value(struct timerfd *tfd)
{
	struct itimerspec its = { 0 };
	u64 now = clock_monotonic_ns();

	timerfd_catch_up(tfd);
	ns_to_timespec(tfd->t.interval, &its.interval_sec, &its.interval_nsec);
	if (tfd->t.expires)
		ns_to_timespec(tfd->t.expires - now, &its.value_sec, &its.value_nsec);
	return its;
}

static u64 timerfd_expiry(const struct timerfd *tfd, u64 value, u64 flags)
{
	u64 now = clock_monotonic_ns(),
	    wall = clock_is_wall(tfd->clockid) ? clock_realtime_ns() : now;

	if (!(flags & TFD_TIMER_ABSTIME))
		return now + value;
	return value > wall ? now + (value - wall) : MAX(now, 1);
}

static long sys_timerfd_settime(u64 fd, u64 flags, u64 unew, u64 uold)
{
	struct itimerspec its, old;
	struct file *f;
	long err;
	struct timerfd *tfd = timerfd_get(fd, &f, &err);
	u64 value;

	if (!tfd)
		return err;
	err = flags & ~(u64)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
		  ? -EINVAL
		  : itimerspec_from_user(unew, &its);
	if (!err) {
		old = timerfd_value(tfd);
		value = timespec_ns(its.value_sec, its.value_nsec);
		tfd->t.interval = timespec_ns(its.interval_sec, its.interval_nsec);
		tfd->t.expires = value ? timerfd_expiry(tfd, value, flags) : 0;
		tfd->ticks = 0;
		wakeup(tfd); /* readers sleep until the old deadline */
		waitq_wake(&tfd->pollers);
		if (uold && copy_to_user(uold, &old, sizeof(old)))
			err = -EFAULT;
	}
	file_put(f);
	return err;
}

static long sys_timerfd_gettime(u64 fd, u64 ucur)
{
	struct itimerspec its;
	struct file *f;
	long err;
	struct timerfd *tfd = timerfd_get(fd, &f, &err);

	if (!tfd)
		return err;
	its = timerfd_value(tfd);
	err = copy_to_user(ucur, &its, sizeof(its)) ? -EFAULT : 0;
	file_put(f);
	return err;
}

SYSCALL(timerfd_create, sys_timerfd_create, "C0");
SYSCALL(timerfd_settime, sys_timerfd_settime, "f*56");
SYSCALL(timerfd_gettime, sys_timerfd_gettime, "f6");
