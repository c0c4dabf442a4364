// SPDX-License-Identifier: MIT
/*
 * User and group identities. Programs start as root (uid 0); they may
 * drop privileges with setuid and friends, and then the kernel checks
 * file permissions against them (kernel/perm.h) and root's exemptions
 * (Linux's CAP_IPC_LOCK from RLIMIT_MEMLOCK) no longer apply. Saved IDs
 * follow POSIX; supplementary groups are kept for permission checks.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#define KEEP ((u32)-1)

static long sys_getuid(void)
{
	return current->cred.uid;
}

static long sys_geteuid(void)
{
	return current->cred.euid;
}

static long sys_getgid(void)
{
	return current->cred.gid;
}

static long sys_getegid(void)
{
	return current->cred.egid;
}

/* setresuid's rule: root may set anything; others only to a current ID. */
static bool may_become(const u32 *ids, u32 want, bool privileged)
{
	return privileged || want == KEEP || want == ids[0] || want == ids[1] || want == ids[2];
}

static long set_res(u32 *ids, u32 r, u32 e, u32 s, bool privileged)
{
	if (!may_become(ids, r, privileged) || !may_become(ids, e, privileged) ||
	    !may_become(ids, s, privileged))
		return -EPERM;
	if (r != KEEP)
		ids[0] = r;
	if (e != KEEP)
		ids[1] = e;
	if (s != KEEP)
		ids[2] = s;
	return 0;
}

static long sys_setresuid(u64 r, u64 e, u64 s)
{
	struct cred *c = &current->cred;

	return set_res(&c->uid, r, e, s, c->euid == 0);
}

static long sys_setresgid(u64 r, u64 e, u64 s)
{
	struct cred *c = &current->cred;

	return set_res(&c->gid, r, e, s, c->euid == 0);
}

/* setuid: root sets all three; others only the effective ID. */
static long sys_setuid(u64 uid)
{
	struct cred *c = &current->cred;

	if (c->euid == 0)
		return set_res(&c->uid, uid, uid, uid, true);
	return set_res(&c->uid, KEEP, uid, KEEP, false);
}

static long sys_setgid(u64 gid)
{
	struct cred *c = &current->cred;

	if (c->euid == 0)
		return set_res(&c->gid, gid, gid, gid, true);
	return set_res(&c->gid, KEEP, gid, KEEP, false);
}

static long get_res(const u32 *ids, u64 ur, u64 ue, u64 us)
{
	if (copy_to_user(ur, &ids[0], 4) || copy_to_user(ue, &ids[1], 4) ||
	    copy_to_user(us, &ids[2], 4))
		return -EFAULT;
	return 0;
}

static long sys_getresuid(u64 r, u64 e, u64 s)
{
	return get_res(&current->cred.uid, r, e, s);
}

static long sys_getresgid(u64 r, u64 e, u64 s)
{
	return get_res(&current->cred.gid, r, e, s);
}

/* Linux's NGROUPS_MAX; more than NGROUPS_SMALL is ENOMEM here, not stored. */
#define NGROUPS_MAX 65536

/* Only root sets the supplementary groups; permission checks consult them. */
static long sys_setgroups(u64 n, u64 ulist)
{
	struct cred *c = &current->cred;
	u32 groups[NGROUPS_SMALL];

	if (c->euid != 0)
		return -EPERM;
	if (n > NGROUPS_MAX)
		return -EINVAL;
	if (n > NGROUPS_SMALL)
		return -ENOMEM;
	if (n && copy_from_user(groups, ulist, n * sizeof(u32)))
		return -EFAULT;
	memcpy(c->groups, groups, n * sizeof(u32));
	c->ngroups = (u32)n;
	return 0;
}

static long sys_getgroups(u64 size, u64 ulist)
{
	const struct cred *c = &current->cred;

	if ((s64)(int)size < 0)
		return -EINVAL;
	if ((int)size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(ulist, c->groups, c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}

SYSCALL(getuid, sys_getuid, "");
SYSCALL(geteuid, sys_geteuid, "");
SYSCALL(getgid, sys_getgid, "");
SYSCALL(getegid, sys_getegid, "");
SYSCALL(setuid, sys_setuid, "u");
SYSCALL(setgid, sys_setgid, "u");
SYSCALL(setresuid, sys_setresuid, "uuu");
SYSCALL(setresgid, sys_setresgid, "uuu");
SYSCALL(getresuid, sys_getresuid, "ppp");
SYSCALL(getresgid, sys_getresgid, "ppp");
SYSCALL(setgroups, sys_setgroups, "up");
SYSCALL(getgroups, sys_getgroups, "up");
