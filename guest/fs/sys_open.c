// SPDX-License-Identifier: MIT
/*
 * Opening files, the working directory, and changing a file's size and
 * mode: open/openat/creat, chdir/fchdir/getcwd, truncate/ftruncate, and
 * the chmod family. Everything runs as root (uid 0), so permission bits
 * are stored and reported but deny nothing here; exec checks x bits.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/fcntl.h>

#include "fs.h"

/* O_CREAT of an ordinary name: the existing file (unless O_EXCL), or a new one. */
static int open_or_create(struct nameidata *nd, u32 flags, u32 mode, struct inode **out)
{
	int err = ramfs_lookup(nd->dir, nd->last, nd->last_len, out);

	if (err == -ENOENT)
		return ramfs_create(nd->dir, nd->last, nd->last_len,
				    S_IFREG | (mode & S_IALLUGO & ~fd_umask()), 0, 0, vfs_now(),
				    out);
	if (err)
		return err;
	if (!(flags & O_EXCL) && !S_ISDIR((*out)->mode))
		return 0;
	inode_put(*out);
	return (flags & O_EXCL) ? -EEXIST : -EISDIR;
}

/* The inode open() works on: found, or created with O_CREAT. */
static int open_target(int dirfd, const char *path, u32 flags, u32 mode, struct inode **out)
{
	struct nameidata nd;
	int err = walk_parent_at(dirfd, path, &nd);

	if (err)
		return err;
	if (!(flags & O_CREAT)) {
		err = ramfs_walk_last(vfs_root(), &nd, out);
	} else if (nd.last_type != LAST_NORM || nd.trailing_slash) {
		/* "/", ".", ".." or "name/": Linux says EISDIR when creating. */
		err = ramfs_walk_last(vfs_root(), &nd, out);
		if (!err) {
			err = (flags & O_EXCL) ? -EEXIST : -EISDIR;
			inode_put(*out);
		} else if (err == -ENOENT) {
			err = -EISDIR;
		}
	} else {
		err = open_or_create(&nd, flags, mode, out);
	}
	nameidata_put(&nd);
	return err;
}

static long do_open(int dirfd, u64 upath, u32 flags, u32 mode)
{
	struct inode *ino;
	struct file *f;
	char *path;
	int err, fd;

	if (flags & __O_TMPFILE)
		return -EOPNOTSUPP; /* no anonymous files in ramfs yet */
	path = path_get(upath, &err);
	if (!path)
		return err;
	err = open_target(dirfd, path, flags, mode, &ino);
	path_put(path);
	if (err)
		return err;
	err = file_open_inode(ino, flags, &f);
	inode_put(ino);
	if (err)
		return err;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_open(u64 path, u64 flags, u64 mode)
{
	return do_open(AT_FDCWD, path, (u32)flags, (u32)mode);
}

static long sys_openat(u64 dirfd, u64 path, u64 flags, u64 mode)
{
	return do_open((int)dirfd, path, (u32)flags, (u32)mode);
}

static long sys_creat(u64 path, u64 mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, (u32)mode);
}

/* ---- the working directory ---- */

static long set_cwd(struct inode *dir)
{
	struct inode *old = current->cwd;

	if (!S_ISDIR(dir->mode)) {
		inode_put(dir);
		return -ENOTDIR;
	}
	current->cwd = dir; /* our reference becomes the process's */
	if (old)
		inode_put(old);
	return 0;
}

static long sys_chdir(u64 upath)
{
	struct inode *dir;
	int err = lookup_user_at(AT_FDCWD, upath, 0, &dir);

	return err ? err : set_cwd(dir);
}

static long sys_fchdir(u64 fd)
{
	struct file *f = fd_get((int)fd);
	struct inode *dir;

	if (!f)
		return -EBADF;
	dir = f->inode;
	inode_get(dir);
	file_put(f);
	return set_cwd(dir);
}

static long sys_getcwd(u64 ubuf, u64 size)
{
	char *buf = kmalloc(RAMFS_PATH_MAX);
	long n;

	if (!buf)
		return -ENOMEM;
	n = ramfs_path_of(vfs_root(), vfs_cwd(), buf, MIN(size, (u64)RAMFS_PATH_MAX));
	if (n == -ERANGE && size > RAMFS_PATH_MAX)
		n = -ENAMETOOLONG;
	if (n > 0 && copy_to_user(ubuf, buf, n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

/* ---- size and mode ---- */

static long sys_truncate(u64 upath, u64 len)
{
	struct inode *ino;
	int err;

	if ((s64)len < 0)
		return -EINVAL;
	err = lookup_user_at(AT_FDCWD, upath, 0, &ino);
	if (err)
		return err;
	err = ramfs_truncate(ino, len, vfs_now());
	inode_put(ino);
	return err;
}

static long sys_ftruncate(u64 fd, u64 len)
{
	struct file *f = fd_get((int)fd);
	long err;

	if (!f)
		return -EBADF;
	/* Linux: EINVAL unless it is a regular file open for writing. */
	if ((s64)len < 0 || !(f->fmode & FMODE_WRITE) || !S_ISREG(f->inode->mode) || f->inode->ops)
		err = -EINVAL;
	else
		err = ramfs_truncate(f->inode, len, vfs_now());
	file_put(f);
	return err;
}

static void set_mode(struct inode *ino, u32 mode)
{
	ino->mode = (ino->mode & S_IFMT) | (mode & S_IALLUGO);
	ino->ctime = vfs_now();
}

static long sys_fchmodat(u64 dirfd, u64 upath, u64 mode)
{
	struct inode *ino;
	int err = lookup_user_at((int)dirfd, upath, 0, &ino);

	if (err)
		return err;
	set_mode(ino, (u32)mode);
	inode_put(ino);
	return 0;
}

static long sys_chmod(u64 upath, u64 mode)
{
	return sys_fchmodat((u64)(s64)AT_FDCWD, upath, mode);
}

static long sys_fchmod(u64 fd, u64 mode)
{
	struct file *f = fd_get((int)fd);

	if (!f || (f->flags & O_PATH)) {
		if (f)
			file_put(f);
		return -EBADF;
	}
	set_mode(f->inode, (u32)mode);
	file_put(f);
	return 0;
}

SYSCALL(open, sys_open, "sOo");
SYSCALL(openat, sys_openat, "AsOo");
SYSCALL(creat, sys_creat, "so");
SYSCALL(chdir, sys_chdir, "s");
SYSCALL(fchdir, sys_fchdir, "f");
SYSCALL(getcwd, sys_getcwd, "pu");
SYSCALL(truncate, sys_truncate, "sd");
SYSCALL(ftruncate, sys_ftruncate, "fd");
SYSCALL(chmod, sys_chmod, "so");
SYSCALL(fchmod, sys_fchmod, "fo");
SYSCALL(fchmodat, sys_fchmodat, "fso");
