// SPDX-License-Identifier: MIT
/*
 * Permission checks on inodes (see kernel/perm.h). Callers ask before they
 * act: path walks for search permission on every directory they look in,
 * open for read or write on the file, the name-space calls for write and
 * search on the parent plus the sticky rule, chmod and chown for
 * ownership.
 */
#include <asm/fcntl.h>
#include <kernel/errno.h>
#include <kernel/perm.h>
#include <kernel/proc.h>
#include <kernel/ramfs.h>

#define KEEP_ID ((u32)-1)

static bool in_groups(const struct cred *c, u32 gid, u32 primary)
{
	if (gid == primary)
		return true;
	for (u32 i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/* Linux's generic_permission for a caller whose IDs are uid/gid. */
static int check_mode(const struct inode *ino, int mask, const struct cred *c, u32 uid, u32 gid)
{
	u32 mode = ino->mode;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (uid == 0) {
		/* Root runs only what someone may run; directories it always searches. */
		if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & S_IXUGO))
			return 0;
		return -EACCES;
	}
	if (uid == ino->uid)
		mode >>= 6;
	else if (in_groups(c, ino->gid, gid))
		mode >>= 3;
	return (mask & ~mode & 7) ? -EACCES : 0;
}

int inode_permission(const struct inode *ino, int mask)
{
	const struct cred *c;

	if (!current)
		return 0; /* the kernel itself, at boot */
	c = &current->cred;
	return check_mode(ino, mask, c, c->euid, c->egid);
}

int inode_permission_ids(const struct inode *ino, int mask, bool effective)
{
	const struct cred *c = &current->cred;

	if (effective)
		return inode_permission(ino, mask);
	return check_mode(ino, mask, c, c->uid, c->gid);
}

bool in_group_p(u32 gid)
{
	return in_groups(&current->cred, gid, current->cred.egid);
}

bool inode_owner_or_root(const struct inode *ino)
{
	return !current || current->cred.euid == 0 || current->cred.euid == ino->uid;
}

void inode_init_owner(const struct inode *dir, struct inode *ino)
{
	ino->uid = current ? current->cred.euid : 0;
	ino->gid = current ? current->cred.egid : 0;
	if (!(dir->mode & S_ISGID))
		return;
	/* BSD group semantics under a setgid directory, which subdirectories inherit. */
	ino->gid = dir->gid;
	if (S_ISDIR(ino->mode))
		ino->mode |= S_ISGID;
	else if ((ino->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
		 !in_group_p(ino->gid) && current && current->cred.euid != 0)
		ino->mode &= ~S_ISGID;
}

int may_delete(const struct inode *dir, const struct inode *victim)
{
	int err = inode_permission(dir, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	/* A sticky directory: only the file's owner, the directory's, or root. */
	if ((dir->mode & S_ISVTX) && !inode_owner_or_root(victim) && current->cred.euid != dir->uid)
		return -EPERM;
	return 0;
}

/* Linux's should_remove_suid: the bits a change by this process clears. */
static u32 privs_to_kill(const struct inode *ino)
{
	u32 kill = 0;

	if (ino->mode & S_ISUID)
		kill |= S_ISUID;
	if ((ino->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		kill |= S_ISGID;
	return kill;
}

void inode_write_kills_privs(struct inode *ino)
{
	if (!S_ISREG(ino->mode) || !current || current->cred.euid == 0)
		return;
	ino->mode &= ~privs_to_kill(ino);
}

/* Linux's chown_ok and chgrp_ok: root, or the owner giving the file to a group of its own. */
static bool may_chown(const struct inode *ino, u32 uid, u32 gid)
{
	u32 euid = current->cred.euid;

	if (euid == 0)
		return true;
	if (uid != KEEP_ID && (euid != ino->uid || uid != ino->uid))
		return false;
	if (gid != KEEP_ID && (euid != ino->uid || (gid != ino->gid && !in_group_p(gid))))
		return false;
	return true;
}

int inode_chown(struct inode *ino, u32 uid, u32 gid, u64 now)
{
	u32 kill = S_ISDIR(ino->mode) ? 0 : privs_to_kill(ino);

	/* Clearing the bits is a mode change, which only the owner may make. */
	if (!may_chown(ino, uid, gid) || (kill && !inode_owner_or_root(ino)))
		return -EPERM;
	if (uid != KEEP_ID)
		ino->uid = uid;
	if (gid != KEEP_ID)
		ino->gid = gid;
	/* Root's chown clears them too: a new owner must not inherit a setuid program. */
	ino->mode &= ~kill;
	ino->ctime = now;
	return 0;
}

int inode_chmod(struct inode *ino, u32 mode, u64 now)
{
	if (!inode_owner_or_root(ino))
		return -EPERM;
	mode &= S_IALLUGO;
	/* Not a member of the file's group: the set-group-ID bit is dropped silently. */
	if (current && current->cred.euid != 0 && (mode & S_ISGID) && !in_group_p(ino->gid))
		mode &= ~S_ISGID;
	ino->mode = (ino->mode & S_IFMT) | mode;
	ino->ctime = now;
	return 0;
}

int ramfs_may_search(const struct inode *dir)
{
	return inode_permission(dir, MAY_EXEC);
}

int may_create(const struct inode *dir)
{
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

int may_open(const struct inode *ino, u32 flags)
{
	int mask = 0;

	if (flags & O_PATH)
		return 0;
	/* What file_open_inode refuses with its own error goes to it first, as in Linux. */
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return 0;
	if ((flags & O_ACCMODE) != O_WRONLY)
		mask |= MAY_READ;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	if (S_ISDIR(ino->mode) && (mask & MAY_WRITE))
		return 0;
	return inode_permission(ino, mask);
}

/*
 * Linux's may_linkat with fs.protected_hardlinks = 1 (Debian's default):
 * someone else's file gets a new name only from those who may read and
 * write it, and never a set-ID program.
 */
int may_link(const struct inode *target)
{
	if (inode_owner_or_root(target))
		return 0;
	if (!S_ISREG(target->mode) || privs_to_kill(target) ||
	    inode_permission(target, MAY_READ | MAY_WRITE))
		return -EPERM;
	return 0;
}
