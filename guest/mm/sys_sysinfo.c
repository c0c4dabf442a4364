// SPDX-License-Identifier: MIT
/*
 * sysinfo(2): the memory figures come from the frame allocator, so musl's
 * sysconf(_SC_PHYS_PAGES) and _SC_AVPHYS_PAGES (which call sysinfo) report
 * the guest's RAM. There is no swap, no load average and no high memory.
 */
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

/* struct sysinfo of <linux/sysinfo.h> on x86-64 (112 bytes). */
struct k_sysinfo {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram;
	u64 totalswap, freeswap;
	u16 procs, pad;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char reserved[4]; /* _f[20 - 2 * sizeof(long) - sizeof(int)] plus alignment */
};

_Static_assert(sizeof(struct k_sysinfo) == 112, "struct sysinfo is Linux's");

static u16 count_procs(void)
{
	u16 n = 0;

	for (int i = 0; i < MAX_PROCS; i++)
		n += proc_table[i].state != PROC_UNUSED;
	return n;
}

static long sys_sysinfo(u64 uinfo)
{
	struct k_sysinfo si = {
		/* Linux rounds a started second up */
		.uptime = (s64)((clock_monotonic_ns() + NSEC_PER_SEC - 1) / NSEC_PER_SEC),
		.totalram = frame_total_count() * PAGE_SIZE,
		.freeram = frame_free_count() * PAGE_SIZE,
		.procs = count_procs(),
		.mem_unit = 1,
	};

	return copy_to_user(uinfo, &si, sizeof(si)) ? -EFAULT : 0;
}

SYSCALL(sysinfo, sys_sysinfo, "p");
