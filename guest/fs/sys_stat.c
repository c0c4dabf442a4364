// SPDX-License-Identifier: MIT
/*
 * Looking at files: the stat family (struct stat in the x86-64 kernel
 * layout, from <asm/stat.h>), access, readlink, and getdents64.
 */
#include <asm/stat.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/perm.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/fcntl.h>

#include "fs.h"

#define NS_PER_SEC	 1000000000ULL
#define RAMFS_DEV	 1  /* st_dev of every file: one file system */
#define BOGO_DIRENT_SIZE 20 /* tmpfs reports a directory's size in these */
#define STAT_FLAGS	 (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)
#define ACCESS_FLAGS	 (AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)
#define R_OK		 4
#define W_OK		 2
#define X_OK		 1

/* Linux's new_encode_dev. */
static u64 encode_dev(u32 major, u32 minor)
{
	return (minor & 0xff) | ((u64)major << 8) | ((u64)(minor & ~0xffu) << 12);
}

static void fill_stat(const struct inode *ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = RAMFS_DEV;
	st->st_ino = ino->ino;
	st->st_nlink = ino->nlink;
	st->st_mode = ino->mode;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	if (S_ISCHR(ino->mode))
		st->st_rdev = encode_dev(ino->rdev_major, ino->rdev_minor);
	if (S_ISREG(ino->mode))
		st->st_size = ino->size;
	else if (S_ISDIR(ino->mode))
		st->st_size = BOGO_DIRENT_SIZE * (ino->dir.nentries + 2);
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = ramfs_frames(ino) * (PAGE_SIZE / 512);
	st->st_atime = ino->atime / NS_PER_SEC;
	st->st_atime_nsec = ino->atime % NS_PER_SEC;
	st->st_mtime = ino->mtime / NS_PER_SEC;
	st->st_mtime_nsec = ino->mtime % NS_PER_SEC;
	st->st_ctime = ino->ctime / NS_PER_SEC;
	st->st_ctime_nsec = ino->ctime % NS_PER_SEC;
}

static long put_stat(const struct inode *ino, u64 ustat)
{
	struct stat st;

	fill_stat(ino, &st);
	return copy_to_user(ustat, &st, sizeof(st));
}

static long sys_newfstatat(u64 dirfd, u64 upath, u64 ustat, u64 flags)
{
	struct inode *ino;
	long err;

	if (flags & ~(u64)STAT_FLAGS)
		return -EINVAL;
	err = lookup_user_at((int)dirfd, upath, (u32)flags, &ino);
	if (err)
		return err;
	err = put_stat(ino, ustat);
	inode_put(ino);
	return err;
}

/* No symlinks: stat and lstat are the same call. */
static long sys_stat(u64 upath, u64 ustat)
{
	return sys_newfstatat((u64)(s64)AT_FDCWD, upath, ustat, 0);
}

static long sys_fstat(u64 fd, u64 ustat)
{
	struct file *f = fd_get((int)fd);
	long err;

	if (!f)
		return -EBADF;
	err = put_stat(f->inode, ustat);
	file_put(f);
	return err;
}

/* With the real IDs unless AT_EACCESS, as a set-user-ID program asks on its user's behalf. */
static long sys_faccessat2(u64 dirfd, u64 upath, u64 mode, u64 flags)
{
	struct inode *ino;
	long err;

	if (mode & ~(u64)(R_OK | W_OK | X_OK) || flags & ~(u64)ACCESS_FLAGS)
		return -EINVAL;
	err = lookup_user_at((int)dirfd, upath, (u32)flags, &ino);
	if (err)
		return err;
	if (mode)
		err = inode_permission_ids(ino, (int)mode, flags & AT_EACCESS);
	inode_put(ino);
	return err;
}

static long sys_faccessat(u64 dirfd, u64 upath, u64 mode)
{
	return sys_faccessat2(dirfd, upath, mode, 0);
}

static long sys_access(u64 upath, u64 mode)
{
	return sys_faccessat2((u64)(s64)AT_FDCWD, upath, mode, 0);
}

/* Whatever exists is not a symlink: EINVAL, as Linux for a regular file. */
static long sys_readlinkat(u64 dirfd, u64 upath, u64 buf, u64 size)
{
	struct inode *ino;
	long err;

	(void)buf;
	if ((s64)size <= 0)
		return -EINVAL;
	err = lookup_user_at((int)dirfd, upath, 0, &ino);
	if (err)
		return err;
	inode_put(ino);
	return -EINVAL;
}

static long sys_readlink(u64 upath, u64 buf, u64 size)
{
	return sys_readlinkat((u64)(s64)AT_FDCWD, upath, buf, size);
}

/* ---- getdents64 ---- */

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off; /* the position after this entry */
	u16 d_reclen;
	u8 d_type;
	char d_name[];
};

static u8 dirent_type(u32 mode)
{
	return (mode & S_IFMT) >> 12; /* DT_* are the S_IF* bits shifted down */
}

/* One entry into the user buffer: its length, 0 if it does not fit, -EFAULT. */
static long put_dirent(u64 ubuf, size_t room, const struct ramfs_dirent_view *v)
{
	struct {
		struct linux_dirent64 d;
		char name[RAMFS_NAME_MAX + 1 + 8];
	} e;
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + v->len + 1, 8);

	if (reclen > room)
		return 0;
	memset(&e, 0, reclen);
	e.d.d_ino = v->ino;
	e.d.d_off = (s64)v->next;
	e.d.d_reclen = reclen;
	e.d.d_type = dirent_type(v->mode);
	memcpy(e.d.d_name, v->name, v->len);
	return copy_to_user(ubuf, &e, reclen) ? -EFAULT : (long)reclen;
}

static long sys_getdents64(u64 fd, u64 ubuf, u64 count)
{
	struct file *f = fd_get((int)fd);
	struct ramfs_dirent_view v;
	long used = 0, n = 0;
	int more;

	if (!f || (f->flags & O_PATH)) {
		if (f)
			file_put(f);
		return -EBADF;
	}
	if (!S_ISDIR(f->inode->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	while ((more = ramfs_readdir(f->inode, f->pos, &v)) == 1) {
		n = put_dirent(ubuf + used, (u32)count - used, &v);
		if (n <= 0)
			break;
		used += n;
		f->pos = v.next;
	}
	file_put(f);
	if (used)
		return used;
	if (more < 0)
		return more; /* the directory was removed */
	if (n < 0)
		return n;
	return more ? -EINVAL : 0; /* the buffer cannot hold one entry */
}

SYSCALL(stat, sys_stat, "sF");
SYSCALL(lstat, sys_stat, "sF");
SYSCALL(fstat, sys_fstat, "fF");
SYSCALL(newfstatat, sys_newfstatat, "AsFX");
SYSCALL(access, sys_access, "sm");
SYSCALL(faccessat, sys_faccessat, "Asm");
SYSCALL(faccessat2, sys_faccessat2, "AsmX");
SYSCALL(readlink, sys_readlink, "spu");
SYSCALL(readlinkat, sys_readlinkat, "Aspu");
SYSCALL(getdents64, sys_getdents64, "fEu");
