// SPDX-License-Identifier: MIT
/*
 * The small process syscalls: identities, TLS, limits, execve, and the
 * ones musl calls at startup.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/kmman.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#define ARCH_SET_GS   0x1001
#define ARCH_SET_FS   0x1002
#define ARCH_GET_FS   0x1003
#define ARCH_GET_GS   0x1004
#define EXEC_ARGS_MAX (256 * 1024)

static long sys_getpid(void)
{
	return current->pid;
}

static long sys_getppid(void)
{
	return current->parent ? current->parent->pid : 0;
}

static long sys_set_tid_address(u64 uaddr)
{
	current->clear_child_tid = uaddr;
	return current->pid;
}

static long sys_arch_prctl(u64 code, u64 addr)
{
	struct proc *p = current;

	arch_save_user_bases(&p->fs_base, &p->gs_base);
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		*(code == ARCH_SET_FS ? &p->fs_base : &p->gs_base) = addr;
		arch_load_user_bases(p->fs_base, p->gs_base);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(addr, &p->fs_base, 8) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return copy_to_user(addr, &p->gs_base, 8) ? -EFAULT : 0;
	}
	return -EINVAL;
}

static long sys_exit_group(u64 code)
{
	do_exit((code & 0xff) << 8);
}

/* Single-threaded processes: a futex wait could never be woken. */
static long sys_futex(u64 uaddr, u64 op, u64 val)
{
	u32 cur;

	switch (op & 0x7f) {
	case 0: /* FUTEX_WAIT */
	case 9: /* FUTEX_WAIT_BITSET */
		if (copy_from_user(&cur, uaddr, 4))
			return -EFAULT;
		return cur != (u32)val ? -EAGAIN : -EDEADLK;
	case 1: /* FUTEX_WAKE */
	case 10:
		return 0;
	}
	return -ENOSYS;
}

static long sys_set_robust_list(void)
{
	return 0;
}

static long sys_sched_yield(void)
{
	schedule();
	return 0;
}

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domain[65];
};

static long sys_uname(u64 ubuf)
{
	static const struct utsname u = {
		.sysname = "Linux",
		.nodename = "pagelab",
		.release = "6.0.0-pagelab",
		.version = "#1 pagelab " PAGELAB_VERSION,
		.machine = "x86_64",
		.domain = "(none)",
	};

	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

/* Linux's defaults for a new session; everything else is unlimited. */
void rlimits_init(struct rlimit *rl)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		rl[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	rl[RLIMIT_STACK] = (struct rlimit){ 8 << 20, RLIM_INFINITY };
	rl[RLIMIT_NOFILE] = (struct rlimit){ 1024, 1024 };
	rl[RLIMIT_MEMLOCK] = (struct rlimit){ 8 << 20, 8 << 20 };
	/*
	 * Linux starts with no core files (soft limit 0); a run with
	 * --core-dir starts as after `ulimit -c unlimited`.
	 */
	rl[RLIMIT_CORE].cur = boot_info.host_flags & PL_HOST_F_CORE_DUMP ? RLIM_INFINITY : 0;
}

/* Per process, inherited by fork; raising a hard limit takes root. */
static long sys_prlimit64(u64 pid, u64 res, u64 unew, u64 uold)
{
	struct rlimit *l, n;

	if (pid && pid != (u64)current->pid)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	l = &current->rlim[res];
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (unew && n.cur > n.max)
		return -EINVAL;
	if (unew && n.max > l->max && current->cred.euid != 0)
		return -EPERM;
	if (uold && copy_to_user(uold, l, sizeof(*l)))
		return -EFAULT;
	if (unew)
		*l = n;
	return 0;
}

static long sys_getrlimit(u64 res, u64 uold)
{
	return sys_prlimit64(0, res, 0, uold);
}

static long sys_setrlimit(u64 res, u64 unew)
{
	return sys_prlimit64(0, res, unew, 0);
}

u64 rlimit_cur(int res)
{
	return current->rlim[res].cur;
}

/* Copies a NULL-terminated user vector of strings into one packed buffer. */
static long copy_strings(u64 uvec, char *buf, size_t *used, int *count)
{
	for (int i = 0;; i++) {
		u64 ptr;
		long n;

		if (!uvec)
			return 0;
		if (copy_from_user(&ptr, uvec + i * 8, 8))
			return -EFAULT;
		if (!ptr)
			return 0;
		n = strncpy_from_user(buf + *used, ptr, EXEC_ARGS_MAX - *used);
		if (n < 0)
			return n == -ENAMETOOLONG ? -E2BIG : n;
		*used += n + 1;
		(*count)++;
	}
}

static long sys_execve(u64 upath, u64 uargv, u64 uenvp)
{
	char *path = kmalloc(4096), *buf = kmalloc(EXEC_ARGS_MAX);
	struct exec_args a = { 0 };
	size_t used = 0;
	long err = -ENOMEM;

	if (!path || !buf)
		goto out;
	err = strncpy_from_user(path, upath, 4096);
	if (err >= 0)
		err = copy_strings(uargv, buf, &used, &a.argc);
	a.argv = buf;
	a.argv_len = used;
	if (err >= 0)
		err = copy_strings(uenvp, buf, &used, &a.envc);
	a.envp = buf + a.argv_len;
	a.envp_len = used - a.argv_len;
	if (err >= 0)
		err = exec_program(current, path, &a);
	if (err >= 0)
		fdtable_exec(current->files);
out:
	kfree(path);
	kfree(buf);
	return err < 0 ? err : 0;
}

SYSCALL(getpid, sys_getpid, "");
SYSCALL(gettid, sys_getpid, "");
SYSCALL(getppid, sys_getppid, "");
SYSCALL(set_tid_address, sys_set_tid_address, "p");
SYSCALL(arch_prctl, sys_arch_prctl, "Rp");
SYSCALL(exit_group, sys_exit_group, "d");
SYSCALL(futex, sys_futex, "pdu");
SYSCALL(set_robust_list, sys_set_robust_list, "pu");
SYSCALL(sched_yield, sys_sched_yield, "");
SYSCALL(uname, sys_uname, "p");
SYSCALL(prlimit64, sys_prlimit64, "ddpp");
SYSCALL(getrlimit, sys_getrlimit, "dp");
SYSCALL(setrlimit, sys_setrlimit, "dp");
SYSCALL(execve, sys_execve, "srn");
