// SPDX-License-Identifier: MIT
/*
 * Descriptors: close, the dup family, fcntl, pipe and pipe2, umask.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/mm.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/fcntl.h> /* F_DUPFD_CLOEXEC */

#include "fs.h"

/* What F_SETFL changes here (no SIGIO, no O_DIRECT); the rest of arg is ignored, as Linux does with flags it does not know. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK)

static long sys_close(u64 fd)
{
	return fd_close((int)fd);
}

static long dup_from(int oldfd, int min, bool cloexec)
{
	struct file *f = fd_get(oldfd);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(f, min, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_dup(u64 oldfd)
{
	return dup_from((int)oldfd, 0, false);
}

static long dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fd_get(oldfd);
	int ret;

	if (!f)
		return -EBADF;
	ret = fd_install_at(f, newfd, cloexec);
	if (ret < 0)
		file_put(f);
	return ret;
}

static long sys_dup2(u64 oldfd, u64 newfd)
{
	struct file *f;

	if ((int)oldfd == (int)newfd) {
		/* Nothing moves; it only has to be open. */
		f = fd_get((int)oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return (int)newfd;
	}
	return dup_to((int)oldfd, (int)newfd, false);
}

static long sys_dup3(u64 oldfd, u64 newfd, u64 flags)
{
	if (flags & ~(u64)O_CLOEXEC)
		return -EINVAL;
	if ((int)oldfd == (int)newfd)
		return -EINVAL;
	return dup_to((int)oldfd, (int)newfd, flags & O_CLOEXEC);
}

static long getfl(int fd)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = f->flags;
	file_put(f);
	return ret;
}

static long setfl(int fd, u64 arg)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	f->flags = (f->flags & ~SETFL_MASK) | ((u32)arg & SETFL_MASK);
	file_put(f);
	return 0;
}

static long pipe_size(int fd)
{
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = S_ISFIFO(f->inode->mode) ? PIPE_CAPACITY : -EBADF;
	file_put(f);
	return ret;
}

static long sys_fcntl(u64 ufd, u64 cmd, u64 arg)
{
	int fd = (int)ufd;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= NR_OPEN_MAX)
			return -EINVAL;
		return dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(fd); /* FD_CLOEXEC is 1 */
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return getfl(fd);
	case F_SETFL:
		return setfl(fd, arg);
	case F_GETPIPE_SZ:
		return pipe_size(fd);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(fd, (u32)cmd, arg);
	default:
		/* Leases, owners, seals and the rest: not here, and said so. */
		return fd_get_cloexec(fd) < 0 ? -EBADF : -EINVAL;
	}
}

static long sys_pipe2(u64 ufds, u64 flags)
{
	struct file *rd, *wr;
	int fds[2], err;

	if (flags & ~(u64)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create(flags & O_NONBLOCK, &rd, &wr);
	if (err)
		return err;
	fds[0] = fd_install(rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

static long sys_pipe(u64 ufds)
{
	return sys_pipe2(ufds, 0);
}

static long sys_umask(u64 mask)
{
	return fd_set_umask((u32)mask);
}

SYSCALL(close, sys_close, "f");
SYSCALL(dup, sys_dup, "f");
SYSCALL(dup2, sys_dup2, "ff");
SYSCALL(dup3, sys_dup3, "ffK");
SYSCALL(fcntl, sys_fcntl, "fLx");
SYSCALL(pipe, sys_pipe, "Q");
SYSCALL(pipe2, sys_pipe2, "QK");
SYSCALL(umask, sys_umask, "o");
