/* SPDX-License-Identifier: MIT */
/*
 * /proc: the files Linux programs read to look at their own memory.
 *
 *   /proc/meminfo         MemTotal, MemFree, ... HugePages_*, Linux's format
 *   /proc/self/maps       one line per VMA, Linux's format
 *   /proc/self/pagemap    8 bytes per virtual page: present, PFN, flags
 *   /proc/self/status     Name, Pid, PPid, Vm* and Rss* sizes, signal masks
 *
 * "self" is whoever opens the file: the text files are generated at open
 * (vfs_synth_file), pagemap binds the opener's address space.
 */
#ifndef KERNEL_PROCFS_H
#define KERNEL_PROCFS_H

/* Boot, after vfs_init(): creates the files; panics if it cannot. */
void procfs_init(void);

#endif
