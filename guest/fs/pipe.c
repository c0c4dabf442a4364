// SPDX-License-Identifier: MIT
/*
 * Pipes and FIFOs: a 64 KiB ring buffer (Linux's default pipe size) shared
 * by the read and write ends. Readers sleep while it is empty and writers
 * while it is full, all on the pipe's address; every change wakes them all
 * and each re-checks (xv6's scheme). A write of up to PIPE_BUF bytes is
 * atomic: it waits until it fits whole.
 *
 * The pipe lives in its inode's priv: an anonymous FIFO inode for pipe(2),
 * the named FIFO's inode otherwise. It is freed when the last end closes.
 */
#include <asm/fcntl.h>
#include <asm/ioctls.h>
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "fs.h"

#define PIPE_SIZE PIPE_CAPACITY
#define PIPE_BUF  4096

struct pipe {
	u8 *buf;
	u32 head;  /* next byte to read */
	u32 count; /* bytes in the buffer */
	u32 readers, writers;
	/* Opens so far: a FIFO opener waits for the other side's count to move. */
	u64 read_opens, write_opens;
	struct wait_queue pollers;
};

/* Every change: its sleepers on the pipe, and its pollers. */
static void pipe_wake(struct pipe *p)
{
	wakeup(p);
	waitq_wake(&p->pollers);
}

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

static bool nowait(const struct file *f, unsigned io)
{
	return (f->flags & O_NONBLOCK) || (io & IO_NOWAIT);
}

static long pipe_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	(void)pos;
	if (!len)
		return 0;
	while (!p->count) {
		if (!p->writers)
			return 0;
		if (nowait(f, io))
			return -EAGAIN;
		if (sleep_on(p))
			return -ERESTARTSYS;
	}
	/* At most two runs: up to the end of the ring, then from its start. */
	while (done < len && p->count) {
		size_t n = MIN(MIN(len - done, (size_t)p->count), (size_t)(PIPE_SIZE - p->head));

		if (copy_to_user(ubuf + done, p->buf + p->head, n)) {
			if (!done)
				return -EFAULT;
			break;
		}
		p->head = (p->head + n) % PIPE_SIZE;
		p->count -= n;
		done += n;
	}
	pipe_wake(p);
	return done;
}

/* Copy what fits now: the bytes taken, or -EFAULT. */
static long pipe_fill(struct pipe *p, u64 ubuf, size_t len)
{
	size_t done = 0;

	while (done < len && p->count < PIPE_SIZE) {
		u32 tail = (p->head + p->count) % PIPE_SIZE;
		size_t n = MIN(MIN(len - done, (size_t)(PIPE_SIZE - p->count)),
			       (size_t)(PIPE_SIZE - tail));

		if (copy_from_user(p->buf + tail, ubuf + done, n))
			return done ? (long)done : -EFAULT;
		p->count += n;
		done += n;
	}
	return done;
}

static long pipe_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	(void)pos;
	if (!len)
		return 0;
	for (;;) {
		size_t space = PIPE_SIZE - p->count;
		long n;

		if (!p->readers) {
			signal_send(current, SIGPIPE, current->pid);
			return done ? (long)done : -EPIPE;
		}
		if (space && (len > PIPE_BUF || space >= len)) {
			n = pipe_fill(p, ubuf + done, len - done);
			if (n > 0)
				pipe_wake(p);
			if (n < 0)
				return done ? (long)done : n;
			done += n;
			if (done == len)
				return done;
			continue;
		}
		if (nowait(f, io))
			return done ? (long)done : -EAGAIN;
		if (sleep_on(p))
			return done ? (long)done : -ERESTARTSYS;
	}
}

static long pipe_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct pipe *p = f->priv;
	int avail = (int)p->count;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user(arg, &avail, sizeof(avail));
}

/*
 * Linux's pipe_poll: readable with bytes or without writers (hung up),
 * writable with room for PIPE_BUF bytes, an error without readers.
 */
static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &p->pollers);
	if (f->fmode & FMODE_READ) {
		if (p->count)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && f->version != p->write_opens)
			mask |= POLLHUP;
	}
	if (f->fmode & FMODE_WRITE) {
		if (PIPE_SIZE - p->count >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if (f->fmode & FMODE_READ)
		p->readers--;
	if (f->fmode & FMODE_WRITE)
		p->writers--;
	pipe_wake(p);
	if (!p->readers && !p->writers) {
		f->inode->priv = NULL;
		pipe_free(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

int pipe_create(u32 flags, struct file **rd, struct file **wr)
{
	struct inode *ino = ramfs_new_anon(S_IFIFO | 0600, vfs_now());
	struct pipe *p = ino ? pipe_alloc() : NULL;

	*rd = *wr = NULL;
	if (p) {
		*rd = file_alloc(ino, &pipe_ops, O_RDONLY | flags);
		*wr = *rd ? file_alloc(ino, &pipe_ops, O_WRONLY | flags) : NULL;
	}
	if (!*wr) {
		if (*rd) {
			inode_put(ino); /* the file's reference; freed below with ours */
			kfree(*rd);
		}
		if (p)
			pipe_free(p);
		if (ino)
			inode_put(ino);
		return -ENOMEM;
	}
	ino->priv = p;
	(*rd)->priv = (*wr)->priv = p;
	p->readers = p->writers = 1;
	p->read_opens = p->write_opens = 1; /* so the read end hangs up with its writer */
	inode_put(ino);			    /* the files hold it now */
	return 0;
}

/* ---- named FIFOs: open waits for the other side, as Linux's fifo_open ---- */

static int wait_for(struct pipe *p, const u64 *opens)
{
	u64 seen = *opens;

	while (*opens == seen)
		if (sleep_on(p))
			return -ERESTARTSYS;
	return 0;
}

static int fifo_open(struct file *f)
{
	struct inode *ino = f->inode;
	struct pipe *p = ino->priv;
	int err = 0;

	if (!p) {
		p = pipe_alloc();
		if (!p)
			return -ENOMEM;
		ino->priv = p;
	}
	f->priv = p;
	switch (f->fmode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		p->readers++;
		p->read_opens++;
		pipe_wake(p);
		/* Linux: a reader that did not wait for a writer sees no hang-up until one came. */
		if (!p->writers && (f->flags & O_NONBLOCK))
			f->version = p->write_opens;
		else if (!p->writers && (err = wait_for(p, &p->write_opens)))
			p->readers--;
		break;
	case FMODE_WRITE:
		if (!p->readers && (f->flags & O_NONBLOCK)) {
			err = -ENXIO;
			break;
		}
		p->writers++;
		p->write_opens++;
		pipe_wake(p);
		if (!p->readers && (err = wait_for(p, &p->read_opens)))
			p->writers--;
		break;
	case FMODE_READ | FMODE_WRITE: /* both ends at once, never waits (as Linux) */
		p->readers++;
		p->writers++;
		p->read_opens++;
		p->write_opens++;
		pipe_wake(p);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err && !p->readers && !p->writers) {
		ino->priv = NULL;
		pipe_free(p);
	}
	return err;
}

const struct file_ops fifo_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.open = fifo_open,
	.release = pipe_release,
};
