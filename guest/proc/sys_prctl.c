// SPDX-License-Identifier: MIT
/*
 * prctl: the options this kernel has something behind. PR_SET_THP_DISABLE
 * and PR_GET_THP_DISABLE switch transparent huge pages off for the whole
 * address space (kept across fork and execve, as Linux's MMF_DISABLE_THP);
 * pages already huge stay huge. Every other option is EINVAL, what Linux
 * answers for an option it does not know.
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/syscall.h>

#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42

static long sys_prctl(u64 option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct mm *mm = current->mm;

	switch (option) {
	case PR_SET_THP_DISABLE:
		if (arg3 || arg4 || arg5)
			return -EINVAL;
		mm->thp_disabled = arg2 != 0;
		return 0;
	case PR_GET_THP_DISABLE:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return mm->thp_disabled;
	default:
		return -EINVAL;
	}
}

SYSCALL(prctl, sys_prctl, "duuuu");
