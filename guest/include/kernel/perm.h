/* SPDX-License-Identifier: MIT */
/*
 * Discretionary access control, as Linux's generic_permission does it for
 * a process without capabilities unless its (effective or, for access(2),
 * real) user ID is 0: the owner's, the group's or the others' three mode
 * bits decide. Root may read and write anything and search any directory,
 * but runs only files with some x bit (CAP_DAC_OVERRIDE); it also acts as
 * the owner of every file (CAP_FOWNER, CAP_CHOWN, CAP_FSETID).
 */
#ifndef KERNEL_PERM_H
#define KERNEL_PERM_H

#include <kernel/types.h>

struct inode;
struct cred;

#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

/* 0 or -EACCES for the current process's effective (file system) IDs. */
int inode_permission(const struct inode *ino, int mask);
/* The same for access(2): the real IDs unless effective is set (AT_EACCESS). */
int inode_permission_ids(const struct inode *ino, int mask, bool effective);
/* Is gid the process's effective group or one of its supplementary groups? */
bool in_group_p(u32 gid);
/* The owner, or root: who may chmod, utime or pass a sticky directory. */
bool inode_owner_or_root(const struct inode *ino);
/* A new inode in dir: owned by the effective IDs (dir's group under a setgid dir). */
void inode_init_owner(const struct inode *dir, struct inode *ino);
/* A new name in dir: write and search permission on it. */
int may_create(const struct inode *dir);
/* open(2) of an existing ino with flags: the access its mode asks for. */
int may_open(const struct inode *ino, u32 flags);
/* link(2) to someone else's file: -EPERM unless it is readable and writable. */
int may_link(const struct inode *target);
/* Removing or renaming victim out of dir: -EACCES, -EPERM (sticky), or 0. */
int may_delete(const struct inode *dir, const struct inode *victim);
/*
 * A write or truncate by a process that is not root clears set-user-ID,
 * and set-group-ID where group execute is set, as Linux's file_remove_privs.
 */
void inode_write_kills_privs(struct inode *ino);
/* chown(2) on ino: uid/gid (u32)-1 keep; 0, -EPERM. Updates ctime. */
int inode_chown(struct inode *ino, u32 uid, u32 gid, u64 now);
/* chmod(2) on ino: 0, -EPERM. */
int inode_chmod(struct inode *ino, u32 mode, u64 now);

#endif
