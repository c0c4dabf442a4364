// SPDX-License-Identifier: MIT
/*
 * Character devices: /dev/null, /dev/zero, /dev/mem (mmap of physical
 * memory, root only), and the console, whose reads come
 * from the host's stdin and whose writes go to the host's stdout or stderr.
 * A device inode carries Linux's device number; opening it finds the driver
 * here, so an initramfs can bring its own /dev entries.
 *
 * Console output leaves in as few exits as possible (each costs ~66 us on
 * kvm_pvm): a write's user data is gathered into one kernel buffer of up to
 * 64 KiB and handed to the host at once.
 */
#include <asm/fcntl.h>
#include <kernel/backing.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "fs.h"

#define CONSOLE_CHUNK 65536

static const u8 zeros[PAGE_SIZE];

static long null_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	(void)f, (void)ubuf, (void)len, (void)pos, (void)io;
	return 0;
}

/* Linux's /dev/null and /dev/zero take every byte without looking at it. */
static long sink_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	(void)f, (void)ubuf, (void)pos, (void)io;
	return len;
}

static long zero_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	size_t done = 0;

	(void)f, (void)pos, (void)io;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(zeros));

		if (copy_to_user(ubuf + done, zeros, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
}

/* Linux's null_lseek: the offset is always 0. */
static s64 zero_llseek(struct file *f, s64 off, int whence)
{
	(void)off, (void)whence;
	f->pos = 0;
	return 0;
}

static const struct file_ops null_ops = {
	.read = null_read,
	.write = sink_write,
	.llseek = zero_llseek,
};

static const struct file_ops zero_ops = {
	.read = zero_read,
	.write = sink_write,
	.llseek = zero_llseek,
	.mmap_anon = true,
};

/* ---- the console: host streams ---- */

static long console_file_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	size_t chunk = MIN(len, (size_t)CONSOLE_CHUNK);
	char *kbuf;
	long n;

	(void)pos;
	/* The host's read waits for input, and the whole machine with it. */
	if ((io & IO_NOWAIT) || ((f->flags & O_NONBLOCK) && !console_input_ready()))
		return -EAGAIN;
	if (!len)
		return 0;
	kbuf = kmalloc(chunk);
	if (!kbuf)
		return -ENOMEM;
	n = console_read(kbuf, chunk);
	if (n < 0)
		n = -EIO;
	else if (n > 0 && copy_to_user(ubuf, kbuf, n))
		n = -EFAULT;
	kfree(kbuf);
	return n;
}

static long console_file_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	int stream = (int)(uintptr_t)f->priv;
	size_t done = 0;
	char *kbuf;

	(void)pos, (void)io;
	if (!len)
		return 0;
	kbuf = kmalloc(MIN(len, (size_t)CONSOLE_CHUNK));
	if (!kbuf)
		return -ENOMEM;
	while (done < len) {
		size_t n = MIN(len - done, (size_t)CONSOLE_CHUNK);
		long w;

		if (copy_from_user(kbuf, ubuf + done, n)) {
			kfree(kbuf);
			return done ? (long)done : -EFAULT;
		}
		w = console_write(stream, kbuf, n);
		if (w == -EPIPE && !done) {
			/* Nobody reads the host's end: as a pipe's writer, SIGPIPE and EPIPE. */
			kfree(kbuf);
			signal_send(current, SIGPIPE, current->pid);
			return -EPIPE;
		}
		if (w <= 0)
			break;
		done += w;
	}
	kfree(kbuf);
	return done ? (long)done : -EIO;
}

/*
 * The host's output streams are always ready. Whether input is there the
 * host says (one exit); nothing tells the guest when it arrives, so a
 * poller of the console is woken at every timer tick to ask again
 * (console_tick), and epoll may watch the console as it may a terminal.
 */
static struct wait_queue console_pollers;

static unsigned console_poll(struct file *f, struct poll_table *pt)
{
	if ((int)(uintptr_t)f->priv != PL_STREAM_STDIN)
		return DEFAULT_POLLMASK;
	poll_wait(pt, &console_pollers);
	return console_input_ready() ? DEFAULT_POLLMASK : DEFAULT_POLLMASK & ~(POLLIN | POLLRDNORM);
}

bool console_has_pollers(void)
{
	return console_pollers.head;
}

void console_tick(void)
{
	if (console_pollers.head)
		waitq_wake(&console_pollers);
}

/* /dev/console opened by name: output to the host's stdout. */
static int console_open(struct file *f)
{
	f->priv = (void *)(uintptr_t)PL_STREAM_STDOUT;
	return 0;
}

static const struct file_ops console_ops = {
	.read = console_file_read,
	.write = console_file_write,
	.open = console_open,
	.poll = console_poll,
};

struct file *console_file(struct inode *ino, int stream)
{
	u32 flags = stream == PL_STREAM_STDIN ? O_RDONLY : O_WRONLY;
	struct file *f = file_alloc(ino, &console_ops, flags);

	if (f)
		f->priv = (void *)(uintptr_t)stream;
	return f;
}

/* ---- /dev/mem: physical memory, as QNX says MAP_PHYS is ---- */

/* Linux's open_port(): physical memory is root's (CAP_SYS_RAWIO). */
static int mem_open(struct file *f)
{
	(void)f;
	return current->cred.euid == 0 ? 0 : -EPERM;
}

/* The offset is the physical address; a range with a hole in it is ENXIO, as MAP_PHYS. */
static struct backing *mem_mmap(struct file *f, u64 off, u64 len, int *err)
{
	struct backing *b;

	(void)f;
	*err = -ENXIO;
	if (!phys_range_backed(off, len))
		return NULL;
	b = phys_backing_new(0); /* the VMA's page offset is the frame number */
	*err = b ? 0 : -ENOMEM;
	if (b) /* as MAP_PHYS: free RAM written through it must be cleared before reuse */
		frame_note_written(off >> PAGE_SHIFT, ALIGN_UP(len, PAGE_SIZE) >> PAGE_SHIFT);
	return b;
}

static const struct file_ops mem_ops = {
	.open = mem_open,
	.mmap = mem_mmap,
	.unsigned_offset = true,
};

struct chrdev {
	u32 major, minor;
	const struct file_ops *ops;
};

/* Linux's numbers: mem 1:1 mem, 1:3 null, 1:5 zero; 5:1 the console. */
static const struct chrdev chrdevs[] = {
	{ 1, 1, &mem_ops },
	{ 1, 3, &null_ops },
	{ 1, 5, &zero_ops },
	{ 5, 1, &console_ops },
};

/* Drivers found at boot (VFIO's nodes): Linux's register_chrdev, for a few. */
static struct chrdev registered[4];

int chrdev_register(u32 major, u32 minor, const struct file_ops *ops)
{
	for (size_t i = 0; i < ARRAY_SIZE(registered); i++)
		if (!registered[i].ops) {
			registered[i] = (struct chrdev){ major, minor, ops };
			return 0;
		}
	return -ENOSPC;
}

const struct file_ops *chrdev_ops(u32 major, u32 minor)
{
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (chrdevs[i].major == major && chrdevs[i].minor == minor)
			return chrdevs[i].ops;
	for (size_t i = 0; i < ARRAY_SIZE(registered); i++)
		if (registered[i].ops && registered[i].major == major &&
		    registered[i].minor == minor)
			return registered[i].ops;
	return NULL;
}
