// SPDX-License-Identifier: MIT
/*
 * Moving bytes: read, write and their positioned and vectored forms, lseek,
 * ioctl, and the sync family. Each call holds a reference on its file for
 * its whole duration, so a close() by another process cannot free a file
 * a sleeping reader is using.
 */
#include <asm/fcntl.h>
#include <asm/ioctls.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/uio.h>

#include "fs.h"

/* The file behind fd unless it is an O_PATH one (Linux: EBADF for I/O on those). */
static struct file *get_io(int fd)
{
	struct file *f = fd_get(fd);

	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* The file behind fd if it may do what fmode asks: -EBADF otherwise. */
static struct file *get_for(int fd, u32 fmode, long *err)
{
	struct file *f = fd_get(fd);

	*err = -EBADF;
	if (f && (f->fmode & fmode) != fmode) {
		file_put(f);
		f = NULL;
	}
	return f;
}

static long do_rw(struct file *f, bool write, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	long (*op)(struct file *, u64, size_t, u64 *, unsigned) =
	    write ? f->ops->write : f->ops->read;

	if (!op)
		return -EINVAL;
	return op(f, ubuf, MIN(len, MAX_RW_COUNT), pos, io);
}

/* pread/pwrite and preadv/pwritev need an offset >= 0 and a seekable file; all, the operation. */
static long check_rw(struct file *f, bool write, bool positioned, s64 off)
{
	if (positioned && off < 0)
		return -EINVAL;
	if (positioned && !f->ops->llseek)
		return -ESPIPE;
	return (write ? f->ops->write : f->ops->read) ? 0 : -EINVAL;
}

/* read/write at the file offset, or at off for pread/pwrite (positioned). */
static long rw(int fd, bool write, u64 ubuf, u64 len, bool positioned, s64 off)
{
	struct file *f;
	long ret;
	u64 pos;

	f = get_for(fd, write ? FMODE_WRITE : FMODE_READ, &ret);
	if (!f)
		return ret;
	ret = check_rw(f, write, positioned, off);
	if (!ret) {
		pos = positioned ? (u64)off : f->pos;
		ret = do_rw(f, write, ubuf, len, &pos, 0);
		if (!positioned && f->ops->llseek)
			f->pos = pos;
	}
	file_put(f);
	return ret;
}

static long sys_read(u64 fd, u64 buf, u64 count)
{
	return rw((int)fd, false, buf, count, false, 0);
}

static long sys_write(u64 fd, u64 buf, u64 count)
{
	return rw((int)fd, true, buf, count, false, 0);
}

static long sys_pread64(u64 fd, u64 buf, u64 count, u64 off)
{
	return rw((int)fd, false, buf, count, true, (s64)off);
}

static long sys_pwrite64(u64 fd, u64 buf, u64 count, u64 off)
{
	return rw((int)fd, true, buf, count, true, (s64)off);
}

/* Linux's rules: at most UIO_MAXIOV entries, a total that fits in ssize_t. */
static long load_iov(u64 uiov, u64 cnt, struct iovec **out)
{
	struct iovec *iov;
	u64 total = 0;

	*out = NULL;
	if ((s64)cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	if (!cnt)
		return 0;
	iov = kmalloc(cnt * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uiov, cnt * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (u64 i = 0; i < cnt; i++) {
		if ((s64)iov[i].iov_len < 0 || iov[i].iov_len > INT64_MAX - total) {
			kfree(iov);
			return -EINVAL;
		}
		total += iov[i].iov_len;
	}
	*out = iov;
	return 0;
}

/*
 * One buffer after another until one comes back short. A read after the
 * first bytes arrived must not sleep for more (a pipe returns what it has);
 * writes block as a single write would.
 */
static long rw_iov(struct file *f, bool write, const struct iovec *iov, u64 cnt, u64 *pos)
{
	long done = 0;

	for (u64 i = 0; i < cnt && (u64)done < MAX_RW_COUNT; i++) {
		size_t len = MIN(iov[i].iov_len, MAX_RW_COUNT - done);
		long n;

		if (!len)
			continue;
		n = do_rw(f, write, (u64)iov[i].iov_base, len, pos, !write && done ? IO_NOWAIT : 0);
		if (n < 0)
			return done ? done : n;
		done += n;
		if ((size_t)n < len)
			break;
	}
	return done;
}

static long vec(int fd, bool write, u64 uiov, u64 cnt, bool positioned, s64 off)
{
	struct iovec *iov;
	struct file *f;
	long ret;
	u64 pos;

	f = get_for(fd, write ? FMODE_WRITE : FMODE_READ, &ret);
	if (!f)
		return ret;
	ret = load_iov(uiov, cnt, &iov);
	if (!ret)
		ret = check_rw(f, write, positioned, off);
	if (!ret) {
		pos = positioned ? (u64)off : f->pos;
		ret = rw_iov(f, write, iov, cnt, &pos);
		if (!positioned && f->ops->llseek)
			f->pos = pos;
	}
	kfree(iov);
	file_put(f);
	return ret;
}

static long sys_readv(u64 fd, u64 iov, u64 cnt)
{
	return vec((int)fd, false, iov, cnt, false, 0);
}

static long sys_writev(u64 fd, u64 iov, u64 cnt)
{
	return vec((int)fd, true, iov, cnt, false, 0);
}

/* x86-64 passes the offset whole in pos_l; pos_h is for 32-bit ABIs. */
static long sys_preadv(u64 fd, u64 iov, u64 cnt, u64 pos_l)
{
	return vec((int)fd, false, iov, cnt, true, (s64)pos_l);
}

static long sys_pwritev(u64 fd, u64 iov, u64 cnt, u64 pos_l)
{
	return vec((int)fd, true, iov, cnt, true, (s64)pos_l);
}

static long sys_lseek(u64 fd, u64 off, u64 whence)
{
	struct file *f = get_io((int)fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = f->ops->llseek ? f->ops->llseek(f, (s64)off, (int)whence) : -ESPIPE;
	file_put(f);
	return ret;
}

/* The requests Linux handles for every file before asking its driver. */
static long generic_ioctl(int fd, struct file *f, u32 cmd, u64 arg)
{
	int on;

	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		return fd_set_cloexec(fd, cmd == FIOCLEX);
	case FIONBIO:
		if (copy_from_user(&on, arg, sizeof(on)))
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		return 0;
	default:
		/* No terminals here: TIOCGWINSZ and the rest are ENOTTY (musl then buffers fully). */
		return f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	}
}

static long sys_ioctl(u64 fd, u64 cmd, u64 arg)
{
	struct file *f = get_io((int)fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = generic_ioctl((int)fd, f, (u32)cmd, arg);
	file_put(f);
	return ret;
}

/* Memory is the storage: nothing to flush. Linux: EINVAL where there is no fsync. */
static long sys_fsync(u64 fd)
{
	struct file *f = get_io((int)fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) ? 0 : -EINVAL;
	file_put(f);
	return ret;
}

static long sys_sync(void)
{
	return 0;
}

SYSCALL(read, sys_read, "fBu");
SYSCALL(write, sys_write, "fbu");
SYSCALL(pread64, sys_pread64, "fBud");
SYSCALL(pwrite64, sys_pwrite64, "fbud");
SYSCALL(readv, sys_readv, "fpd");
SYSCALL(writev, sys_writev, "fvd");
SYSCALL(preadv, sys_preadv, "fpdd");
SYSCALL(pwritev, sys_pwritev, "fvdd");
SYSCALL(lseek, sys_lseek, "fdd");
SYSCALL(ioctl, sys_ioctl, "fxx");
SYSCALL(fsync, sys_fsync, "f");
SYSCALL(fdatasync, sys_fsync, "f");
SYSCALL(sync, sys_sync, "");
