// SPDX-License-Identifier: MIT
/*
 * POSIX message queues, as Linux's mqueue file system keeps them: a flat
 * namespace of names (musl strips the leading '/'), each queue a
 * descriptor. Messages wait highest priority first, oldest first within a
 * priority; senders block while the queue is full and receivers while it
 * is empty, until an absolute CLOCK_REALTIME timeout (ETIMEDOUT), or fail
 * with EAGAIN under O_NONBLOCK. One process may ask (mq_notify) for a
 * signal when a message arrives on the empty queue with nobody waiting
 * for it. The limits are Linux's defaults (fs.mqueue.msg_max 10,
 * msgsize_max 8192) and its hard ones, which bind root too.
 */
#include <asm/fcntl.h>

#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/perm.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "mqueue.h"

#define NAME_MAX	255
#define MQ_PRIO_MAX	32768
#define MSG_MAX		10    /* fs.mqueue.msg_max: the default and an unprivileged cap */
#define MSGSIZE_MAX	8192  /* fs.mqueue.msgsize_max */
#define HARD_MSGMAX	65536 /* what even root cannot exceed */
#define HARD_MSGSIZEMAX (16 << 20)
#define QUEUES_MAX	256 /* fs.mqueue.queues_max */
#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1

static struct mqueue *queues;
static int nqueues;

static long read_name(u64 uname, char *name)
{
	long n = strncpy_from_user(name, uname, NAME_MAX + 1);

	if (n < 0 && n != -ENAMETOOLONG)
		return -EFAULT;
	if (n < 0 || n > NAME_MAX)
		return -ENAMETOOLONG;
	if (!n)
		return -ENOENT;
	return strchr(name, '/') ? -EACCES : 0;
}

static struct mqueue *mq_lookup(const char *name)
{
	for (struct mqueue *mq = queues; mq; mq = mq->next)
		if (!strcmp(mq->name, name))
			return mq;
	return NULL;
}

static void mq_put(struct mqueue *mq)
{
	if (--mq->refs)
		return;
	while (mq->msgs) {
		struct mq_msg *m = mq->msgs;

		mq->msgs = m->next;
		kfree(m);
	}
	inode_put(mq->ino);
	kfree(mq);
}

static void mq_unlink_name(struct mqueue *mq)
{
	struct mqueue **pp = &queues;

	while (*pp != mq)
		pp = &(*pp)->next;
	*pp = mq->next;
	nqueues--;
	mq_put(mq); /* the name's reference */
}

void mq_changed(struct mqueue *mq)
{
	wakeup(mq);
	waitq_wake(&mq->pollers);
}

/* Linux's checks of mq_open's attributes: EINVAL beyond the limits. */
static long check_attr(const struct mq_attr *attr)
{
	bool root = current->cred.euid == 0;

	if (attr->maxmsg <= 0 || attr->msgsize <= 0)
		return -EINVAL;
	if (root ? attr->maxmsg > HARD_MSGMAX || attr->msgsize > HARD_MSGSIZEMAX
		 : attr->maxmsg > MSG_MAX || attr->msgsize > MSGSIZE_MAX)
		return -EINVAL;
	return 0;
}

static long mq_create(const char *name, u32 mode, u64 uattr, struct mqueue **out)
{
	struct mq_attr attr = { .maxmsg = MSG_MAX, .msgsize = MSGSIZE_MAX };
	struct mqueue *mq;
	long err;

	if (uattr) {
		if (copy_from_user(&attr, uattr, sizeof(attr)))
			return -EFAULT;
		err = check_attr(&attr);
		if (err)
			return err;
	}
	if (nqueues >= QUEUES_MAX && current->cred.euid)
		return -ENOSPC;
	mq = kzalloc(sizeof(*mq));
	if (!mq)
		return -ENOMEM;
	mq->ino = ramfs_new_anon(S_IFREG | (mode & 0777 & ~fd_umask()), vfs_now());
	if (!mq->ino) {
		kfree(mq);
		return -ENOMEM;
	}
	/* Owned by its creator's effective IDs, as a file is. */
	mq->ino->uid = current->cred.euid;
	mq->ino->gid = current->cred.egid;
	memcpy(mq->name, name, strlen(name) + 1);
	mq->maxmsg = attr.maxmsg;
	mq->msgsize = attr.msgsize;
	mq->refs = 1; /* the name's */
	mq->next = queues;
	queues = mq;
	nqueues++;
	*out = mq;
	return 0;
}

static long mq_file_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct mqueue *mq = f->priv;
	char text[80];
	int n = ksnprintf(
	    text, sizeof(text), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
	    (unsigned long)mq->bytes, mq->notify_pid ? mq->notify : 0,
	    mq->notify_pid && mq->notify == SIGEV_SIGNAL ? mq->notify_signo : 0, mq->notify_pid);

	(void)io;
	if (*pos >= (u64)n)
		return 0;
	len = MIN(len, (size_t)n - *pos);
	if (copy_to_user(ubuf, text + *pos, len))
		return -EFAULT;
	*pos += len;
	return len;
}

static unsigned mq_file_poll(struct file *f, struct poll_table *pt)
{
	struct mqueue *mq = f->priv;

	poll_wait(pt, &mq->pollers);
	return (mq->curmsgs ? POLLIN | POLLRDNORM : 0) |
	       (mq->curmsgs < mq->maxmsg ? POLLOUT | POLLWRNORM : 0);
}

/* The last descriptor's close drops a registration its process made. */
static void mq_file_release(struct file *f)
{
	struct mqueue *mq = f->priv;

	if (mq->notify_pid && mq->notify_pid == current->pid)
		mq->notify_pid = 0;
	mq_put(mq);
}

const struct file_ops mq_file_ops = {
	.read = mq_file_read,
	.poll = mq_file_poll,
	.release = mq_file_release,
};

static long mq_open_file(struct mqueue *mq, u32 oflag)
{
	struct file *f = file_alloc(mq->ino, &mq_file_ops, oflag & (O_ACCMODE | O_NONBLOCK));
	int fd;

	if (!f)
		return -ENOMEM;
	mq->refs++;
	f->priv = mq;
	fd = fd_install(f, 0, oflag & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static const int access_wanted[] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE };

static long sys_mq_open(u64 uname, u64 oflag, u64 mode, u64 uattr)
{
	char name[NAME_MAX + 2];
	struct mqueue *mq;
	long err = read_name(uname, name);

	if (err)
		return err;
	if ((oflag & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	mq = mq_lookup(name);
	if (mq && (oflag & O_CREAT) && (oflag & O_EXCL))
		return -EEXIST;
	if (!mq && !(oflag & O_CREAT))
		return -ENOENT;
	if (!mq) {
		err = mq_create(name, mode, uattr, &mq);
		if (err)
			return err;
		err = mq_open_file(mq, oflag);
		if (err < 0)
			mq_unlink_name(mq);
		return err;
	}
	/* An existing queue: the access the descriptor asks for, as a file's. */
	err = inode_permission(mq->ino, access_wanted[oflag & O_ACCMODE]);
	return err ? err : mq_open_file(mq, oflag);
}

static long sys_mq_unlink(u64 uname)
{
	char name[NAME_MAX + 2];
	struct mqueue *mq;
	long err = read_name(uname, name);

	if (err)
		return err;
	mq = mq_lookup(name);
	if (!mq)
		return -ENOENT;
	/* The queues' directory is sticky (01777): only the owner or root removes one. */
	if (!inode_owner_or_root(mq->ino))
		return -EPERM;
	mq_unlink_name(mq);
	return 0;
}

/* The queue behind a descriptor, with a reference on its file; EBADF for any other file. */
struct mqueue *mq_get(u64 fd, struct file **fp)
{
	struct file *f = fd_get((int)fd);

	if (f && f->ops != &mq_file_ops) {
		file_put(f);
		f = NULL;
	}
	*fp = f;
	return f ? f->priv : NULL;
}

static long sys_mq_getsetattr(u64 fd, u64 unew, u64 uold)
{
	struct mq_attr attr, old;
	struct file *f;
	struct mqueue *mq = mq_get(fd, &f);
	long err = 0;

	if (!mq)
		return -EBADF;
	if (unew && copy_from_user(&attr, unew, sizeof(attr)))
		err = -EFAULT;
	else if (unew && (attr.flags & ~(s64)O_NONBLOCK))
		err = -EINVAL;
	if (!err) {
		old = (struct mq_attr){ .flags = f->flags & O_NONBLOCK,
					.maxmsg = mq->maxmsg,
					.msgsize = mq->msgsize,
					.curmsgs = mq->curmsgs };
		if (unew)
			f->flags = (f->flags & ~O_NONBLOCK) | (attr.flags & O_NONBLOCK);
		if (uold && copy_to_user(uold, &old, sizeof(old)))
			err = -EFAULT;
	}
	file_put(f);
	return err;
}

/* A registrant that is gone no longer holds the queue's notification. */
static bool notify_registered(struct mqueue *mq)
{
	struct proc *p = mq->notify_pid ? proc_find(mq->notify_pid) : NULL;

	if (!p || p->state == PROC_ZOMBIE)
		mq->notify_pid = 0;
	return mq->notify_pid;
}

/* A message arrived on the empty queue and nobody waits for it: notify once. */
void mq_notify_arrival(struct mqueue *mq)
{
	struct siginfo info = { .code = SI_MESGQ };
	struct proc *p;

	if (!notify_registered(mq) || mq->receivers_waiting)
		return;
	p = proc_find(mq->notify_pid);
	mq->notify_pid = 0;
	if (mq->notify != SIGEV_SIGNAL)
		return;
	info.signo = mq->notify_signo;
	info.rt.pid = current->pid;
	info.rt.uid = current->cred.uid;
	info.rt.value = mq->notify_value;
	signal_send_info(p, &info);
}

static long sys_mq_notify(u64 fd, u64 uevp)
{
	struct {
		u64 value;
		s32 signo, notify;
		u8 rest[48];
	} ev;
	struct file *f;
	struct mqueue *mq;
	long err = 0;

	if (uevp && copy_from_user(&ev, uevp, sizeof(ev)))
		return -EFAULT;
	if (uevp && ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE)
		return -EINVAL;
	if (uevp && ev.notify == SIGEV_SIGNAL && (ev.signo < 0 || ev.signo > NSIG))
		return -EINVAL;
	mq = mq_get(fd, &f);
	if (!mq)
		return -EBADF;
	if (!uevp) {
		if (mq->notify_pid == current->pid)
			mq->notify_pid = 0;
	} else if (notify_registered(mq)) {
		err = -EBUSY;
	} else {
		mq->notify_pid = current->pid;
		mq->notify = ev.notify;
		mq->notify_signo = ev.signo;
		mq->notify_value = ev.value;
	}
	file_put(f);
	return err;
}

SYSCALL(mq_open, sys_mq_open, "sOo(");
SYSCALL(mq_unlink, sys_mq_unlink, "s");
SYSCALL(mq_getsetattr, sys_mq_getsetattr, "f()");
SYSCALL(mq_notify, sys_mq_notify, "f7");
