/* SPDX-License-Identifier: MIT */
/*
 * Internal to guest/fs: what the syscall files share. User paths are
 * copied into a kernel buffer once, then resolved against the root, the
 * working directory, or an "at" directory descriptor.
 */
#ifndef GUEST_FS_FS_H
#define GUEST_FS_FS_H

#include <kernel/file.h>
#include <kernel/ramfs.h>
#include <kernel/types.h>

/* Linux's x86-64 values; <linux/fs.h> would bring in far more. */
#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

/* The largest count one read or write moves, as Linux's MAX_RW_COUNT. */
#define MAX_RW_COUNT 0x7ffff000UL

/* The root directory, without a reference: it lives as long as the kernel. */
struct inode *vfs_root(void);
/* The current process's working directory, without a reference. */
struct inode *vfs_cwd(void);

/* A user path in a kernel buffer: NULL with *err = -EFAULT, -ENAMETOOLONG, -ENOMEM. */
char *path_get(u64 upath, int *err);
void path_put(char *path);

/*
 * Resolve path relative to dirfd (AT_FDCWD: the working directory; an
 * absolute path ignores dirfd): -EBADF, -ENOTDIR for a dirfd that is not a
 * directory, then ramfs's errors.
 */
int walk_at(int dirfd, const char *path, struct inode **out);
int walk_parent_at(int dirfd, const char *path, struct nameidata *nd);
/* path may be empty with AT_EMPTY_PATH in flags: then dirfd's own inode. */
int lookup_user_at(int dirfd, u64 upath, u32 flags, struct inode **out);

/*
 * Create the node nd names (mode: type and final permission bits) after
 * checking that the caller may write the directory; the caller owns it.
 * *out, when not NULL, gets the inode with a reference.
 */
int create_in(struct nameidata *nd, u32 mode, u32 major, u32 minor, struct inode **out);

/* fcntl's F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms (reclock.c). */
long fcntl_lock(int fd, u32 cmd, u64 uarg);

#endif
