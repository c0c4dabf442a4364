// SPDX-License-Identifier: MIT
/*
 * statfs and fstatfs. The root file system is a tmpfs as Linux's would
 * be (TMPFS_MAGIC, half of RAM as its size and as its inode limit, the
 * free memory as its free blocks); /proc is procfs (PROC_SUPER_MAGIC,
 * every count 0). Both report 4 KiB blocks, 255-byte names, and the flags
 * of a read-write relatime mount.
 */
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/frame.h>
#include <kernel/statfs.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/fcntl.h>

#include "fs.h"

static void fill_statfs(const struct inode *ino, struct user_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = PAGE_SIZE;
	st->f_namelen = RAMFS_NAME_MAX;
	st->f_flags = ST_VALID | ST_RELATIME;
	if (ino->fs == RAMFS_FS_PROC) {
		st->f_type = PROC_SUPER_MAGIC;
		return;
	}
	st->f_type = TMPFS_MAGIC;
	st->f_blocks = frame_total_count() / 2;
	st->f_bfree = st->f_bavail = MIN(frame_free_count(), st->f_blocks);
	st->f_files = st->f_blocks;
	st->f_ffree = st->f_files - MIN(ramfs_live_inodes(), st->f_files);
}

static long put_statfs(const struct inode *ino, u64 ubuf)
{
	struct user_statfs st;

	fill_statfs(ino, &st);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long sys_statfs(u64 upath, u64 ubuf)
{
	struct inode *ino;
	long err = lookup_user_at(AT_FDCWD, upath, 0, &ino);

	if (err)
		return err;
	err = put_statfs(ino, ubuf);
	inode_put(ino);
	return err;
}

/* O_PATH descriptors too, as Linux allows. */
static long sys_fstatfs(u64 fd, u64 ubuf)
{
	struct file *f = fd_get((int)fd);
	long err;

	if (!f)
		return -EBADF;
	err = put_statfs(f->inode, ubuf);
	file_put(f);
	return err;
}

SYSCALL(statfs, sys_statfs, "s:");
SYSCALL(fstatfs, sys_fstatfs, "f:");
