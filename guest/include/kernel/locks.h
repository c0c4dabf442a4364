/* SPDX-License-Identifier: MIT */
/*
 * Advisory file locks, as Linux keeps them: byte-range record locks
 * (fcntl F_SETLK...), owned by a process (POSIX) or by an open file
 * description (OFD, F_OFD_SETLK...), and whole-file flock() locks owned by
 * the open file description. POSIX and OFD locks share one space and
 * conflict with each other; flock locks conflict only with flock locks.
 * Every inode keeps its locks on one list (inode->locks).
 *
 * Lifetime: a process loses all its POSIX locks on a file when it closes
 * any descriptor of that file (and so at exit and on close-on-exec); OFD
 * and flock locks go with the last reference to their open file.
 */
#ifndef KERNEL_LOCKS_H
#define KERNEL_LOCKS_H

#include <kernel/types.h>

struct file;
struct inode;

enum lock_kind {
	LOCK_KIND_POSIX,
	LOCK_KIND_OFD,
	LOCK_KIND_FLOCK,
};

struct file_lock {
	struct file_lock *next; /* the inode's list, in order of start */
	s64 start, end;		/* inclusive; end OFFSET_MAX: to any end of file */
	const void *owner;	/* the process's struct fdtable * (POSIX), or struct file * */
	int pid;		/* what F_GETLK reports: the owner, or -1 for OFD */
	u8 type;		/* F_RDLCK or F_WRLCK */
	u8 kind;		/* enum lock_kind */
};

/* A descriptor of f closed in table owner: that process's POSIX locks on the file go. */
void locks_remove_posix(struct file *f, const void *owner);
/* The last reference to f went: its OFD and flock locks go. */
void locks_remove_file(struct file *f);

/*
 * Shared by reclock.c (fcntl) and flock.c: the first lock on ino that
 * conflicts with want, or NULL; set want for its owner (F_UNLCK removes)
 * with -ENOLCK if memory is short. Waiting is theirs.
 */
const struct file_lock *lock_conflict(const struct inode *ino, const struct file_lock *want);
int lock_apply(struct inode *ino, const struct file_lock *want);

#endif
