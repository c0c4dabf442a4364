/* SPDX-License-Identifier: MIT */
/*
 * Event counters, shown in /proc/vmstat under Linux's names (mm/vmstat.c).
 */
#ifndef KERNEL_VMSTAT_H
#define KERNEL_VMSTAT_H

#include <kernel/types.h>

struct vmstat {
	u64 pgfault;
	u64 pgfault_spurious;
	u64 tlb_flush_all; /* CR3 reloads that flushed an address space's changes */
	u64 tlb_flush_one; /* invlpg */
};

extern struct vmstat vmstat;

/* Boot, after the VFS: creates /proc/vmstat; panics if it cannot. */
void vmstat_init(void);

#endif
