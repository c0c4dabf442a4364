// SPDX-License-Identifier: MIT
/*
 * Changing the name space: mkdir, mknod, unlink, rmdir, rename, link and
 * their *at forms. The path's last component decides Linux's errors for
 * ".", ".." and "/" before ramfs sees a name; the rest come from ramfs.
 */
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/perm.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/vfs.h>
#include <linux/fcntl.h>

#include "fs.h"

/* <linux/fs.h>'s value; ramfs implements only RENAME_NOREPLACE. */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 0x1
#endif

/* The parent of a user path, as the *at() calls resolve it. */
static int parent_of(int dirfd, u64 upath, char **path, struct nameidata *nd)
{
	int err;

	*path = path_get(upath, &err);
	if (!*path)
		return err;
	err = walk_parent_at(dirfd, *path, nd);
	if (err)
		path_put(*path);
	return err;
}

static void parent_put(char *path, struct nameidata *nd)
{
	nameidata_put(nd);
	path_put(path);
}

/* Linux's order: EEXIST, then write permission on the directory, then CAP_MKNOD. */
static int create_checked(struct nameidata *nd, u32 mode, u32 major, u32 minor)
{
	struct inode *ino;
	int err = ramfs_lookup(nd->dir, nd->last, nd->last_len, &ino);

	if (!err) {
		inode_put(ino);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	err = may_create(nd->dir);
	if (err)
		return err;
	if (S_ISCHR(mode) && current->cred.euid != 0)
		return -EPERM;
	return create_in(nd, mode, major, minor, NULL);
}

/* mode carries the type; the permission bits go through the umask. */
static long make_node(int dirfd, u64 upath, u32 mode, u32 major, u32 minor)
{
	struct nameidata nd;
	char *path;
	int err = parent_of(dirfd, upath, &path, &nd);

	if (err)
		return err;
	if (nd.last_type != LAST_NORM)
		err = -EEXIST;
	else if (nd.trailing_slash && !S_ISDIR(mode))
		err = -ENOENT; /* "name/" can only be a directory */
	else
		err = create_checked(&nd, (mode & S_IFMT) | (mode & S_IALLUGO & ~fd_umask()), major,
				     minor);
	parent_put(path, &nd);
	return err;
}

static long sys_mkdirat(u64 dirfd, u64 path, u64 mode)
{
	return make_node((int)dirfd, path, S_IFDIR | ((u32)mode & (S_IRWXUGO | S_ISVTX)), 0, 0);
}

static long sys_mkdir(u64 path, u64 mode)
{
	return sys_mkdirat((u64)(s64)AT_FDCWD, path, mode);
}

static long sys_mknodat(u64 dirfd, u64 path, u64 umode, u64 dev)
{
	u32 mode = (u32)umode, type = mode & S_IFMT;
	/* Linux's new_decode_dev: 12 bits of major, 20 of minor, interleaved. */
	u32 major = (dev & 0xfff00) >> 8, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR)
		return type == S_IFBLK || type == S_IFSOCK ? -EPERM : -EINVAL;
	return make_node((int)dirfd, path, type | (mode & S_IALLUGO), major, minor);
}

static long sys_mknod(u64 path, u64 mode, u64 dev)
{
	return sys_mknodat((u64)(s64)AT_FDCWD, path, mode, dev);
}

/* A name that exists must be the caller's to remove (a missing one is ramfs's ENOENT). */
static int delete_checked(struct nameidata *nd)
{
	struct inode *victim;
	int err = ramfs_lookup(nd->dir, nd->last, nd->last_len, &victim);

	if (err)
		return err == -ENOENT ? 0 : err;
	err = may_delete(nd->dir, victim);
	inode_put(victim);
	return err;
}

static long do_unlink(int dirfd, u64 upath)
{
	struct nameidata nd;
	struct inode *ino;
	char *path;
	int err = parent_of(dirfd, upath, &path, &nd);

	if (err)
		return err;
	if (nd.last_type != LAST_NORM) {
		err = -EISDIR;
	} else if (nd.trailing_slash) {
		/* "file/" is not a directory; "dir/" is one, which unlink refuses. */
		err = ramfs_walk_last(vfs_root(), &nd, &ino);
		if (!err) {
			inode_put(ino);
			err = -EISDIR;
		}
	} else {
		err = delete_checked(&nd);
		if (!err)
			err = ramfs_unlink(nd.dir, nd.last, nd.last_len, vfs_now());
	}
	parent_put(path, &nd);
	return err;
}

static long do_rmdir(int dirfd, u64 upath)
{
	struct nameidata nd;
	char *path;
	int err = parent_of(dirfd, upath, &path, &nd);

	if (err)
		return err;
	if (nd.last_type == LAST_DOT)
		err = -EINVAL;
	else if (nd.last_type == LAST_DOTDOT)
		err = -ENOTEMPTY;
	else if (nd.last_type == LAST_ROOT)
		err = -EBUSY;
	else if (!(err = delete_checked(&nd)))
		err = ramfs_rmdir(nd.dir, nd.last, nd.last_len, vfs_now());
	parent_put(path, &nd);
	return err;
}

static long sys_unlink(u64 path)
{
	return do_unlink(AT_FDCWD, path);
}

static long sys_rmdir(u64 path)
{
	return do_rmdir(AT_FDCWD, path);
}

static long sys_unlinkat(u64 dirfd, u64 path, u64 flags)
{
	if (flags & ~(u64)AT_REMOVEDIR)
		return -EINVAL;
	return flags & AT_REMOVEDIR ? do_rmdir((int)dirfd, path) : do_unlink((int)dirfd, path);
}

/* Checks on the two names that ramfs_rename cannot see. */
static int rename_names(struct nameidata *o, struct nameidata *n, u64 flags)
{
	struct inode *ino;
	int err;

	if (o->last_type != LAST_NORM || n->last_type != LAST_NORM)
		return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	if (o->trailing_slash || n->trailing_slash) {
		err = ramfs_lookup(o->dir, o->last, o->last_len, &ino);
		if (err)
			return err;
		err = S_ISDIR(ino->mode) ? 0 : -ENOTDIR;
		inode_put(ino);
		if (err)
			return err;
	}
	if (flags & RENAME_NOREPLACE) {
		err = ramfs_lookup(n->dir, n->last, n->last_len, &ino);
		if (!err) {
			inode_put(ino);
			return -EEXIST;
		}
	}
	return 0;
}

/* Linux's vfs_rename: remove the old name, replace or create the new, and a moved directory's "..". */
static int rename_perms(struct nameidata *o, struct nameidata *n)
{
	struct inode *src, *target;
	int err = ramfs_lookup(o->dir, o->last, o->last_len, &src);

	if (err)
		return err == -ENOENT ? 0 : err;
	err = may_delete(o->dir, src);
	if (!err) {
		if (ramfs_lookup(n->dir, n->last, n->last_len, &target) == 0) {
			err = may_delete(n->dir, target);
			inode_put(target);
		} else {
			err = may_create(n->dir);
		}
	}
	if (!err && S_ISDIR(src->mode) && o->dir != n->dir)
		err = inode_permission(src, MAY_WRITE);
	inode_put(src);
	return err;
}

static long sys_renameat2(u64 odirfd, u64 oldpath, u64 ndirfd, u64 newpath, u64 flags)
{
	struct nameidata o, n;
	char *opath, *npath;
	int err;

	if (flags & ~(u64)RENAME_NOREPLACE)
		return -EINVAL; /* RENAME_EXCHANGE and RENAME_WHITEOUT are not implemented */
	err = parent_of((int)odirfd, oldpath, &opath, &o);
	if (err)
		return err;
	err = parent_of((int)ndirfd, newpath, &npath, &n);
	if (err) {
		parent_put(opath, &o);
		return err;
	}
	err = rename_names(&o, &n, flags);
	if (!err)
		err = rename_perms(&o, &n);
	if (!err)
		err = ramfs_rename(o.dir, o.last, o.last_len, n.dir, n.last, n.last_len, vfs_now());
	parent_put(npath, &n);
	parent_put(opath, &o);
	return err;
}

static long sys_renameat(u64 odirfd, u64 oldpath, u64 ndirfd, u64 newpath)
{
	return sys_renameat2(odirfd, oldpath, ndirfd, newpath, 0);
}

static long sys_rename(u64 oldpath, u64 newpath)
{
	return sys_renameat2((u64)(s64)AT_FDCWD, oldpath, (u64)(s64)AT_FDCWD, newpath, 0);
}

/* Linux's do_linkat and vfs_link: protected hard links, EEXIST, then the directory's permission. */
static int link_checked(struct nameidata *nd, struct inode *target)
{
	struct inode *ino;
	int err;

	if (!ramfs_lookup(nd->dir, nd->last, nd->last_len, &ino)) {
		inode_put(ino);
		return -EEXIST;
	}
	err = may_link(target);
	if (!err)
		err = may_create(nd->dir);
	return err ? err : ramfs_link(nd->dir, nd->last, nd->last_len, target, vfs_now());
}

static long sys_linkat(u64 odirfd, u64 oldpath, u64 ndirfd, u64 newpath, u64 flags)
{
	struct nameidata nd;
	struct inode *target;
	char *path;
	int err;

	if (flags & ~(u64)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_user_at((int)odirfd, oldpath, flags & AT_EMPTY_PATH, &target);
	if (err)
		return err;
	err = parent_of((int)ndirfd, newpath, &path, &nd);
	if (!err) {
		if (nd.last_type != LAST_NORM)
			err = -EEXIST;
		else if (nd.trailing_slash)
			err = -ENOENT;
		else
			err = link_checked(&nd, target);
		parent_put(path, &nd);
	}
	inode_put(target);
	return err;
}

static long sys_link(u64 oldpath, u64 newpath)
{
	return sys_linkat((u64)(s64)AT_FDCWD, oldpath, (u64)(s64)AT_FDCWD, newpath, 0);
}

SYSCALL(mkdir, sys_mkdir, "so");
SYSCALL(mkdirat, sys_mkdirat, "Aso");
SYSCALL(mknod, sys_mknod, "sox");
SYSCALL(mknodat, sys_mknodat, "fsox");
SYSCALL(unlink, sys_unlink, "s");
SYSCALL(unlinkat, sys_unlinkat, "Asx");
SYSCALL(rmdir, sys_rmdir, "s");
SYSCALL(rename, sys_rename, "ss");
SYSCALL(renameat, sys_renameat, "fsfs");
SYSCALL(renameat2, sys_renameat2, "fsfsx");
SYSCALL(link, sys_link, "ss");
SYSCALL(linkat, sys_linkat, "fsfsx");
