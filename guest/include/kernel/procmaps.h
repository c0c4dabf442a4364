/* SPDX-License-Identifier: MIT */
/*
 * A process's memory map for the host (abi.h, struct pl_maps_entry), with the
 * columns guest/fs/proc_maps.c prints in /proc/PID/maps.
 */
#ifndef KERNEL_PROCMAPS_H
#define KERNEL_PROCMAPS_H

#include <kernel/types.h>
#include <pagelab/abi.h>

struct mm;

/*
 * mm's VMAs as at most room entries at out; *complete is false when more
 * did not fit. Returns the entries filled. Paths found once are checked,
 * not searched for, at later stops.
 */
u32 proc_maps_publish(struct mm *mm, struct pl_maps_entry *out, u32 room, bool *complete);

#endif
