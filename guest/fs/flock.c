// SPDX-License-Identifier: MIT
/*
 * flock(2): a shared or exclusive lock on a whole file, owned by the open
 * file description, so dup'ed and inherited descriptors share it and it
 * goes with the last of them (kernel/locks.h). Converting a lock is not
 * atomic, as on Linux: the old lock goes first, then the new one is
 * waited for.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/locks.h>
#include <kernel/ramfs.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

static const struct file_lock *own_flock(const struct file *f)
{
	for (const struct file_lock *l = f->inode->locks; l; l = l->next)
		if (l->kind == LOCK_KIND_FLOCK && l->owner == f)
			return l;
	return NULL;
}

static int do_flock(struct file *f, u32 op)
{
	const struct file_lock *held = own_flock(f);
	struct file_lock want = {
		.start = 0,
		.end = INT64_MAX,
		.owner = f,
		.pid = -1,
		.kind = LOCK_KIND_FLOCK,
	};
	int err;

	switch (op & ~(u32)LOCK_NB) {
	case LOCK_SH:
		want.type = F_RDLCK;
		break;
	case LOCK_EX:
		want.type = F_WRLCK;
		break;
	case LOCK_UN:
		want.type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	if (held && held->type == want.type)
		return 0;
	if (held || want.type == F_UNLCK) {
		struct file_lock none = want;

		none.type = F_UNLCK;
		err = lock_apply(f->inode, &none);
		if (err || want.type == F_UNLCK)
			return err;
	}
	while (lock_conflict(f->inode, &want)) {
		if (op & LOCK_NB)
			return -EAGAIN;
		if (sleep_on(&f->inode->locks))
			return -ERESTARTSYS;
	}
	return lock_apply(f->inode, &want);
}

static long sys_flock(u64 fd, u64 op)
{
	struct file *f = fd_get((int)fd);
	int err;

	if (!f)
		return -EBADF;
	err = (f->flags & O_PATH) ? -EBADF : do_flock(f, (u32)op);
	file_put(f);
	return err;
}

SYSCALL(flock, sys_flock, "f^");
