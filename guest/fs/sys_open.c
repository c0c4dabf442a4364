// SPDX-License-Identifier: MIT
/*
 * Opening files, the working directory, and changing a file's size and
 * mode: open/openat/creat, chdir/fchdir/getcwd, truncate/ftruncate, and
 * the chmod and chown families, each checking the caller's permissions
 * (kernel/perm.h) where Linux does.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/perm.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/fcntl.h>

#include "fs.h"

/* A new node named by nd, owned by the caller: write permission on the directory first. */
int create_in(struct nameidata *nd, u32 mode, u32 major, u32 minor, struct inode **out)
{
	struct inode *ino;
	int err = may_create(nd->dir);

	if (!err)
		err = ramfs_create(nd->dir, nd->last, nd->last_len, mode, major, minor, vfs_now(),
				   &ino);
	if (err)
		return err;
	inode_init_owner(nd->dir, ino);
	if (out)
		*out = ino;
	else
		inode_put(ino);
	return 0;
}

/*
 * O_CREAT of an ordinary name: the existing file (unless O_EXCL), or a new
 * one (*created then true: its creator opens it whatever its mode says).
 */
static int open_or_create(struct nameidata *nd, u32 flags, u32 mode, struct inode **out,
			  bool *created)
{
	int err = ramfs_lookup(nd->dir, nd->last, nd->last_len, out);

	if (err == -ENOENT) {
		*created = true;
		return create_in(nd, S_IFREG | (mode & S_IALLUGO & ~fd_umask()), 0, 0, out);
	}
	if (err)
		return err;
	if (!(flags & O_EXCL) && !S_ISDIR((*out)->mode))
		return 0;
	inode_put(*out);
	return (flags & O_EXCL) ? -EEXIST : -EISDIR;
}

/* The inode open() works on: found, or created with O_CREAT. */
static int open_target(int dirfd, const char *path, u32 flags, u32 mode, struct inode **out,
		       bool *created)
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
		err = open_or_create(&nd, flags, mode, out, created);
	}
	nameidata_put(&nd);
	return err;
}

static long do_open(int dirfd, u64 upath, u32 flags, u32 mode)
{
	struct inode *ino;
	struct file *f;
	bool created = false;
	char *path;
	int err, fd;

	if (flags & __O_TMPFILE)
		return -EOPNOTSUPP; /* no anonymous files in ramfs yet */
	path = path_get(upath, &err);
	if (!path)
		return err;
	err = open_target(dirfd, path, flags, mode, &ino, &created);
	path_put(path);
	if (err)
		return err;
	err = created ? 0 : may_open(ino, flags);
	if (!err && (flags & O_TRUNC) && !(flags & O_PATH))
		inode_write_kills_privs(ino);
	if (!err)
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

	int err = S_ISDIR(dir->mode) ? inode_permission(dir, MAY_EXEC) : -ENOTDIR;

	if (err) {
		inode_put(dir);
		return err;
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

static int truncate_kill_privs(struct inode *ino, u64 len)
{
	int err = ramfs_truncate(ino, len, vfs_now());

	if (!err)
		inode_write_kills_privs(ino);
	return err;
}

static long sys_truncate(u64 upath, u64 len)
{
	struct inode *ino;
	int err;

	if ((s64)len < 0)
		return -EINVAL;
	err = lookup_user_at(AT_FDCWD, upath, 0, &ino);
	if (err)
		return err;
	/* Linux: the type's errors (EISDIR, EINVAL) before permission's. */
	if (S_ISREG(ino->mode) && !ino->ops)
		err = inode_permission(ino, MAY_WRITE);
	if (!err)
		err = truncate_kill_privs(ino, len);
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
		err = truncate_kill_privs(f->inode, len);
	file_put(f);
	return err;
}

static long sys_fchmodat(u64 dirfd, u64 upath, u64 mode)
{
	struct inode *ino;
	int err = lookup_user_at((int)dirfd, upath, 0, &ino);

	if (err)
		return err;
	err = inode_chmod(ino, (u32)mode, vfs_now());
	inode_put(ino);
	return err;
}

static long sys_chmod(u64 upath, u64 mode)
{
	return sys_fchmodat((u64)(s64)AT_FDCWD, upath, mode);
}

static long sys_fchmod(u64 fd, u64 mode)
{
	struct file *f = fd_get((int)fd);
	int err;

	if (!f || (f->flags & O_PATH)) {
		if (f)
			file_put(f);
		return -EBADF;
	}
	err = inode_chmod(f->inode, (u32)mode, vfs_now());
	file_put(f);
	return err;
}

/* No symlinks here, so AT_SYMLINK_NOFOLLOW (lchown) changes nothing. */
static long sys_fchownat(u64 dirfd, u64 upath, u64 uid, u64 gid, u64 flags)
{
	struct inode *ino;
	int err;

	if (flags & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_user_at((int)dirfd, upath, (u32)flags, &ino);
	if (err)
		return err;
	err = inode_chown(ino, (u32)uid, (u32)gid, vfs_now());
	inode_put(ino);
	return err;
}

static long sys_chown(u64 upath, u64 uid, u64 gid)
{
	return sys_fchownat((u64)(s64)AT_FDCWD, upath, uid, gid, 0);
}

static long sys_fchown(u64 fd, u64 uid, u64 gid)
{
	struct file *f = fd_get((int)fd);
	int err;

	if (!f || (f->flags & O_PATH)) {
		if (f)
			file_put(f);
		return -EBADF;
	}
	err = inode_chown(f->inode, (u32)uid, (u32)gid, vfs_now());
	file_put(f);
	return err;
}

SYSCALL(open, sys_open, "sOo");
SYSCALL(openat, sys_openat, "AsOo");
SYSCALL(creat, sys_creat, "so");
SYSCALL(chdir, sys_chdir, "s");
SYSCALL(fchdir, sys_fchdir, "f");
SYSCALL(getcwd, sys_getcwd, "cu");
SYSCALL(truncate, sys_truncate, "sl");
SYSCALL(ftruncate, sys_ftruncate, "fl");
SYSCALL(chmod, sys_chmod, "so");
SYSCALL(fchmod, sys_fchmod, "fo");
SYSCALL(fchmodat, sys_fchmodat, "Aso");
SYSCALL(chown, sys_chown, "sdd");
SYSCALL(lchown, sys_chown, "sdd");
SYSCALL(fchown, sys_fchown, "fdd");
SYSCALL(fchownat, sys_fchownat, "AsddX");
