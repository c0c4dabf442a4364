/* SPDX-License-Identifier: MIT */
/*
 * Internal to /proc (procfs.c, proc_maps.c, proc_pagemap.c): text that is
 * appended in pieces, keeping count of what did not fit, as the synthetic
 * file hook wants (the generator is called again with a larger buffer).
 */
#ifndef GUEST_FS_PROCFS_H
#define GUEST_FS_PROCFS_H

#include <kernel/file.h>
#include <kernel/procfs.h>
#include <kernel/types.h>

/* /proc/self/maps and /proc/self/pagemap: files read in place, not text made at open. */
extern const struct file_ops proc_maps_ops, proc_pagemap_ops;

/*
 * Whether the frame pfn mapped at va of VMA v is the object's own page
 * (page cache or shared memory) rather than anonymous memory: Linux's
 * PM_FILE, and the RssFile/RssAnon split.
 */
struct vma;
bool proc_is_object_page(const struct vma *v, u64 va, u64 pfn);

/*
 * /proc/self/smaps: each VMA's maps line, then what fn appends for it; the
 * length of the text in t (it may not all have fit), or -ENOMEM.
 */
struct mm;
typedef void (*proc_vma_fn)(struct mm *mm, const struct vma *v, struct textbuf *t);
long proc_maps_each(struct mm *mm, struct textbuf *t, proc_vma_fn fn);
void proc_smaps_init(void);

/* Linux's device of ramfs files (st_dev 1: major 0, minor 1). */
#define PROC_RAMFS_MINOR 1

#endif
