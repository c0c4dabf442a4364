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

#include <kernel/types.h>

/*
 * Text appended in pieces for a /proc file, keeping count of what did not
 * fit, as the synthetic file hook wants (its generator is called again
 * with a larger buffer). Also for /proc files made outside fs/
 * (/proc/pagelab/physmap).
 */
struct textbuf {
	char *buf;
	size_t size;
	size_t len; /* wanted so far; may exceed size */
};

void tb_printf(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Boot, after vfs_init(): creates the files; panics if it cannot. */
void procfs_init(void);
/* The /proc/sys tunables (proc_sys.c), from procfs_init. */
void proc_sys_init(void);

#endif
