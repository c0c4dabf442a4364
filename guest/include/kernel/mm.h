/* SPDX-License-Identifier: MIT */
/*
 * The kernel's view of memory: the virtual layout, physical<->virtual
 * translation, and safe access to user memory.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/types.h>
#include <pagelab/abi.h>

/*
 * User space is the lower canonical half up to USER_TOP (as Linux's
 * TASK_SIZE); the page above it holds the kernel's user trampolines.
 */
#define USER_TOP	   PL_USER_TOP
#define USER_TRAMPOLINE_VA USER_TOP

/*
 * vm.max_map_count: with more VMAs than this, mmap and the splits of
 * munmap and mprotect fail with ENOMEM (Linux's default; root changes it
 * through /proc/sys/vm/max_map_count).
 */
#define DEFAULT_MAX_MAP_COUNT 65530
extern int sysctl_max_map_count;

static inline void *phys_to_virt(u64 pa)
{
	return (void *)(PL_DIRECT_MAP_BASE + pa);
}

static inline u64 virt_to_phys(const void *va)
{
	u64 v = (u64)va;

	if (v >= PL_KERNEL_VBASE)
		return v - PL_KERNEL_VBASE;
	return v - PL_DIRECT_MAP_BASE;
}

static inline u64 kernel_virt_to_phys(const void *va)
{
	return (u64)va - PL_KERNEL_VBASE;
}

#endif
