// SPDX-License-Identifier: MIT
/*
 * Record locks (kernel/locks.h): the inode's lock list, and fcntl's
 * F_GETLK/F_SETLK/F_SETLKW and their OFD forms. Setting a range for an
 * owner first cuts that range out of the owner's own locks (splitting one
 * that spans it), then inserts the new lock and merges it with the
 * owner's adjacent or overlapping locks of the same type, as Linux's
 * posix_lock_inode does, so F_GETLK from elsewhere sees what Linux shows.
 *
 * A process that waits (F_SETLKW) is recorded in waiting[], so a request
 * whose blockers wait, in a chain, for the requester is refused with
 * EDEADLK instead of sleeping for ever (POSIX locks only, as Linux).
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/locks.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#include "fs.h"

#define OFFSET_MAX INT64_MAX

/* struct flock on x86-64 (asm-generic's, without the libc types). */
struct user_flock {
	short l_type;
	short l_whence;
	s64 l_start;
	s64 l_len;
	s32 l_pid;
	u32 pad;
};

/* What each process waits for in F_SETLKW, for deadlock detection; NULL ino: nothing. */
static struct {
	struct inode *ino;
	struct file_lock want;
} waiting[MAX_PROCS];

static bool overlaps(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end && b->start <= a->end;
}

static bool same_space(const struct file_lock *a, const struct file_lock *b)
{
	return (a->kind == LOCK_KIND_FLOCK) == (b->kind == LOCK_KIND_FLOCK);
}

const struct file_lock *lock_conflict(const struct inode *ino, const struct file_lock *want)
{
	for (const struct file_lock *l = ino->locks; l; l = l->next)
		if (same_space(l, want) && l->owner != want->owner && overlaps(l, want) &&
		    (l->type == F_WRLCK || want->type == F_WRLCK))
			return l;
	return NULL;
}

static void insert_sorted(struct inode *ino, struct file_lock *n)
{
	struct file_lock **pp = &ino->locks;

	while (*pp && (*pp)->start <= n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
}

/* Cut [want->start, want->end] out of the owner's locks; *spare pays for a split. */
static void punch(struct inode *ino, const struct file_lock *want, struct file_lock **spare)
{
	struct file_lock **pp = &ino->locks;

	while (*pp) {
		struct file_lock *l = *pp;

		if (l->owner != want->owner || !same_space(l, want) || !overlaps(l, want)) {
			pp = &l->next;
		} else if (l->start < want->start && l->end > want->end) {
			struct file_lock *tail = *spare;

			*spare = NULL;
			*tail = *l;
			tail->start = want->end + 1;
			l->end = want->start - 1;
			tail->next = l->next;
			l->next = tail;
			return; /* nothing else of this owner can overlap */
		} else if (l->start < want->start) {
			l->end = want->start - 1;
			pp = &l->next;
		} else if (l->end > want->end) {
			*pp = l->next;
			l->start = want->end + 1;
			insert_sorted(ino, l);
		} else {
			*pp = l->next;
			kfree(l);
		}
	}
}

/* Merge n with the owner's locks of its type that touch it. */
static void merge(struct inode *ino, struct file_lock *n)
{
	struct file_lock **pp = &ino->locks;

	while (*pp) {
		struct file_lock *l = *pp;
		bool touches =
		    l != n && l->owner == n->owner && l->kind == n->kind && l->type == n->type &&
		    (overlaps(l, n) || (l->end != OFFSET_MAX && l->end + 1 == n->start) ||
		     (n->end != OFFSET_MAX && n->end + 1 == l->start));

		if (!touches) {
			pp = &l->next;
			continue;
		}
		n->start = MIN(n->start, l->start);
		n->end = MAX(n->end, l->end);
		*pp = l->next;
		kfree(l);
	}
}

/* n grew downwards in a merge: back to its place by start. */
static void resort(struct inode *ino, struct file_lock *n)
{
	struct file_lock **pp = &ino->locks;

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	insert_sorted(ino, n);
}

int lock_apply(struct inode *ino, const struct file_lock *want)
{
	struct file_lock *n = kmalloc(sizeof(*n)), *spare = kmalloc(sizeof(*spare));

	if (!n || !spare) {
		kfree(n);
		kfree(spare);
		return -ENOLCK;
	}
	punch(ino, want, &spare);
	if (want->type == F_UNLCK) {
		kfree(n);
	} else {
		*n = *want;
		insert_sorted(ino, n);
		merge(ino, n);
		resort(ino, n);
	}
	kfree(spare);
	wakeup(&ino->locks); /* a waiter may fit now */
	return 0;
}

static void remove_if(struct inode *ino, bool (*match)(const struct file_lock *, const void *),
		      const void *arg)
{
	struct file_lock **pp = &ino->locks;
	bool removed = false;

	while (*pp) {
		struct file_lock *l = *pp;

		if (match(l, arg)) {
			*pp = l->next;
			kfree(l);
			removed = true;
		} else {
			pp = &l->next;
		}
	}
	if (removed)
		wakeup(&ino->locks);
}

static bool posix_of(const struct file_lock *l, const void *owner)
{
	return l->kind == LOCK_KIND_POSIX && l->owner == owner;
}

static bool held_by_file(const struct file_lock *l, const void *f)
{
	return l->kind != LOCK_KIND_POSIX && l->owner == f;
}

void locks_remove_posix(struct file *f, const void *owner)
{
	if (f->inode->locks)
		remove_if(f->inode, posix_of, owner);
}

void locks_remove_file(struct file *f)
{
	if (f->inode->locks)
		remove_if(f->inode, held_by_file, f);
}

/* ---- fcntl ---- */

/* What the owner of a lock (a descriptor table) waits for, or NULL. */
static const struct file_lock *owner_waits_for(const void *owner, struct inode **ino)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		if (waiting[i].ino && waiting[i].want.owner == owner) {
			*ino = waiting[i].ino;
			return &waiting[i].want;
		}
	}
	return NULL;
}

/* Does the chain of waiters behind blocker lead back to me? (Linux's posix_locks_deadlock) */
static bool deadlock(const void *me, const struct file_lock *blocker)
{
	for (int depth = 0; blocker && depth < MAX_PROCS; depth++) {
		const struct file_lock *want;
		struct inode *ino;

		if (blocker->kind != LOCK_KIND_POSIX)
			return false;
		if (blocker->owner == me)
			return true;
		want = owner_waits_for(blocker->owner, &ino);
		if (!want || want->kind != LOCK_KIND_POSIX)
			return false;
		blocker = lock_conflict(ino, want);
	}
	return false;
}

/* A free entry of waiting[]: at most one per process, and processes are MAX_PROCS. */
static int waiting_slot(void)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (!waiting[i].ino)
			return i;
	return -1;
}

/* Wait until want fits, then take it: 0, -EAGAIN (nonblocking), -EDEADLK, -ERESTARTSYS. */
static int lock_wait(struct inode *ino, const struct file_lock *want, bool wait)
{
	const struct file_lock *blocker;
	int slot, err;

	while ((blocker = lock_conflict(ino, want))) {
		if (!wait)
			return -EAGAIN;
		if (want->kind == LOCK_KIND_POSIX && deadlock(want->owner, blocker))
			return -EDEADLK;
		slot = waiting_slot();
		if (slot < 0)
			return -ENOLCK;
		waiting[slot].ino = ino;
		waiting[slot].want = *want;
		err = sleep_on(&ino->locks);
		waiting[slot].ino = NULL;
		if (err)
			return -ERESTARTSYS;
	}
	return lock_apply(ino, want);
}

/* struct flock to a range: Linux's flock_to_posix_lock. */
static int to_range(const struct file *f, const struct user_flock *fl, struct file_lock *l)
{
	s64 start;

	switch (fl->l_whence) {
	case SEEK_SET:
		start = 0;
		break;
	case SEEK_CUR:
		start = (s64)f->pos;
		break;
	case SEEK_END:
		start = (s64)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if (fl->l_start > 0 && start > OFFSET_MAX - fl->l_start)
		return -EOVERFLOW;
	start += fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - start)
			return -EOVERFLOW;
		l->start = start;
		l->end = start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		if (start + fl->l_len < 0)
			return -EINVAL;
		l->start = start + fl->l_len;
		l->end = start - 1;
	} else {
		l->start = start;
		l->end = OFFSET_MAX;
	}
	return 0;
}

static bool is_ofd(u32 cmd)
{
	return cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
}

static bool is_get(u32 cmd)
{
	return cmd == F_GETLK || cmd == F_OFD_GETLK;
}

static int request_of(struct file *f, u32 cmd, const struct user_flock *fl, struct file_lock *l)
{
	/* F_GETLK asks about a lock: F_UNLCK is no question. */
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK &&
	    (is_get(cmd) || fl->l_type != F_UNLCK))
		return -EINVAL;
	if (is_ofd(cmd) && fl->l_pid != 0)
		return -EINVAL;
	*l = (struct file_lock){ .type = (u8)fl->l_type };
	if (is_ofd(cmd)) {
		l->kind = LOCK_KIND_OFD;
		l->owner = f;
		l->pid = -1;
	} else {
		l->kind = LOCK_KIND_POSIX;
		l->owner = current->files;
		l->pid = current->pid;
	}
	return to_range(f, fl, l);
}

static int getlk(struct file *f, struct file_lock *want, struct user_flock *fl)
{
	const struct file_lock *l = lock_conflict(f->inode, want);

	if (!l) {
		fl->l_type = F_UNLCK; /* the rest stays as it was, as Linux leaves it */
		return 0;
	}
	fl->l_type = l->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = l->start;
	fl->l_len = l->end == OFFSET_MAX ? 0 : l->end - l->start + 1;
	fl->l_pid = l->pid;
	return 0;
}

static int setlk(struct file *f, const struct file_lock *want, bool wait)
{
	/* A read lock needs a file open for reading, a write lock one open for writing. */
	if ((want->type == F_RDLCK && !(f->fmode & FMODE_READ)) ||
	    (want->type == F_WRLCK && !(f->fmode & FMODE_WRITE)))
		return -EBADF;
	return lock_wait(f->inode, want, wait);
}

long fcntl_lock(int fd, u32 cmd, u64 uarg)
{
	struct file *f = fd_get(fd);
	struct user_flock fl;
	struct file_lock want;
	long err;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (copy_from_user(&fl, uarg, sizeof(fl)))
		err = -EFAULT;
	else
		err = request_of(f, cmd, &fl, &want);
	if (!err && is_get(cmd)) {
		err = getlk(f, &want, &fl);
		if (!err && copy_to_user(uarg, &fl, sizeof(fl)))
			err = -EFAULT;
	} else if (!err) {
		err = setlk(f, &want, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
	}
	file_put(f);
	return err;
}
