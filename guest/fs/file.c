// SPDX-License-Identifier: MIT
/*
 * Open files: reference counting, open(2)'s checks once the inode is known,
 * and the operations of ramfs files and directories. A regular file is read
 * and written straight between its frames and user memory.
 */
#include <asm/fcntl.h>
#include <asm/ioctls.h>
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/locks.h>
#include <kernel/mm.h>
#include <kernel/perm.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#include "fs.h"

/* What open() keeps in the file's status flags (F_GETFL); the rest acts once. */
#define OPEN_KEEP_FLAGS (~(u32)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC))

struct file *file_alloc(struct inode *ino, const struct file_ops *ops, u32 flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	f->flags = flags;
	f->inode = ino;
	f->ops = ops;
	inode_get(ino);
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		f->fmode = FMODE_READ;
		break;
	case O_WRONLY:
		f->fmode = FMODE_WRITE;
		break;
	case O_RDWR:
		f->fmode = FMODE_READ | FMODE_WRITE;
		break;
	}
	if (flags & O_PATH)
		f->fmode = 0;
	return f;
}

void file_get(struct file *f)
{
	f->refcount++;
}

void file_put(struct file *f)
{
	if (--f->refcount)
		return;
	locks_remove_file(f);
	if (f->epitems)
		eventpoll_release_file(f);
	if (f->ops->release)
		f->ops->release(f);
	inode_put(f->inode);
	kfree(f);
}

/* O_PATH: a name held open, for fstat, fchdir and *at(); no I/O, no driver. */
static const struct file_ops path_ops;

static const struct file_ops *ops_for(struct inode *ino, u32 flags)
{
	if (flags & O_PATH)
		return &path_ops;
	if (ino->ops)
		return ino->ops;
	switch (ino->mode & S_IFMT) {
	case S_IFREG:
		return &ramfs_file_ops;
	case S_IFDIR:
		return &ramfs_dir_ops;
	case S_IFCHR:
		return chrdev_ops(ino->rdev_major, ino->rdev_minor);
	case S_IFIFO:
		return &fifo_ops;
	default:
		return NULL;
	}
}

int file_open_inode(struct inode *ino, u32 flags, struct file **out)
{
	const struct file_ops *ops;
	struct file *f;
	bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	int err;

	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;
	else if (S_ISDIR(ino->mode) && writes)
		return -EISDIR;
	ops = ops_for(ino, flags);
	if (!ops)
		return -ENXIO; /* a device without a driver */
	if ((flags & (O_TRUNC | O_PATH)) == O_TRUNC && S_ISREG(ino->mode) && !ino->ops &&
	    ino->size) {
		err = ramfs_truncate(ino, 0, vfs_now());
		if (err)
			return err;
	}
	/* open() on x86-64 always sets O_LARGEFILE, and F_GETFL shows it (not for O_PATH). */
	if (!(flags & O_PATH))
		flags |= O_LARGEFILE;
	f = file_alloc(ino, ops, flags & OPEN_KEEP_FLAGS);
	if (!f)
		return -ENOMEM;
	if (ops->open) {
		err = ops->open(f);
		if (err) {
			inode_put(ino);
			kfree(f); /* never opened, so nothing to release */
			return err;
		}
	}
	*out = f;
	return 0;
}

s64 noop_llseek(struct file *f, s64 off, int whence)
{
	(void)off, (void)whence;
	return (s64)f->pos;
}

s64 generic_llseek(struct file *f, s64 off, int whence, u64 size)
{
	s64 base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (s64)f->pos;
		break;
	case SEEK_END:
		base = (s64)size;
		break;
	case SEEK_DATA: /* ramfs has no holes that it admits to, as tmpfs without them */
		if ((u64)off >= size)
			return -ENXIO;
		return f->pos = off;
	case SEEK_HOLE:
		if ((u64)off >= size)
			return -ENXIO;
		return f->pos = size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

/* ---- regular files ---- */

static long reg_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	long n = ramfs_read(f->inode, *pos, ubuf, len, copy_to_user);

	(void)io;
	if (n > 0)
		*pos += n;
	if (n >= 0 && len)
		ramfs_touch_atime(f->inode, vfs_now());
	return n;
}

static long reg_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	long n;

	(void)io;
	if (f->flags & O_APPEND)
		*pos = f->inode->size;
	if (len)
		inode_write_kills_privs(f->inode);
	n = ramfs_write(f->inode, *pos, ubuf, len, copy_from_user, vfs_now());
	if (n > 0)
		*pos += n;
	return n;
}

static s64 reg_llseek(struct file *f, s64 off, int whence)
{
	return generic_llseek(f, off, whence, f->inode->size);
}

static long reg_ioctl(struct file *f, u32 cmd, u64 arg)
{
	int avail;

	if (cmd != FIONREAD)
		return -ENOTTY;
	/* Linux: the bytes between the offset and the end, as an int. */
	avail = f->pos < f->inode->size ? (int)MIN(f->inode->size - f->pos, (u64)INT32_MAX) : 0;
	return copy_to_user(arg, &avail, sizeof(avail));
}

const struct file_ops ramfs_file_ops = {
	.read = reg_read,
	.write = reg_write,
	.llseek = reg_llseek,
	.ioctl = reg_ioctl,
};

/* ---- directories: listed with getdents64, never read ---- */

static long dir_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	(void)f, (void)ubuf, (void)len, (void)pos, (void)io;
	return -EISDIR;
}

/* Positions are readdir cookies: any non-negative value is one (Linux dcache_dir_lseek). */
static s64 dir_llseek(struct file *f, s64 off, int whence)
{
	if (whence == SEEK_CUR) {
		if (off > 0 && (s64)f->pos > INT64_MAX - off)
			return -EINVAL;
		off += (s64)f->pos;
	} else if (whence != SEEK_SET) {
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

const struct file_ops ramfs_dir_ops = {
	.read = dir_read,
	.llseek = dir_llseek,
};
