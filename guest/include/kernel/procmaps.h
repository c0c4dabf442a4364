/* SPDX-License-Identifier: MIT */
/*
 * A process's memory map for the host (abi.h, struct pl_maps), with the
 * columns guest/fs/proc_maps.c prints in /proc/PID/maps.
 */
#ifndef KERNEL_PROCMAPS_H
#define KERNEL_PROCMAPS_H

#include <kernel/types.h>
#include <pagelab/abi.h>

struct mm;

/* Fills t from mm's VMAs; paths found once are checked, not searched for, at later stops. */
void proc_maps_publish(struct mm *mm, u32 pid, struct pl_maps *t);

#endif
