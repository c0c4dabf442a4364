/* SPDX-License-Identifier: MIT */
/*
 * A backing whose pages are a file's (backing_file.c): what the file and
 * the shared-anonymous kinds (backing_shm.c) have in common. Private to
 * guest/mm.
 */
#ifndef MM_BACKING_FILE_H
#define MM_BACKING_FILE_H

#include <kernel/backing.h>

struct file_backing {
	struct backing b;	   /* first: a struct backing * is a struct file_backing * */
	struct inode *ino;	   /* referenced for as long as the backing lives */
	struct file_backing *next; /* the mapped files (file kind only) */
};

/*
 * A new backing of ino (a reference is taken on it) with the file ops,
 * refcount 1; NULL if memory is short.
 */
struct file_backing *file_backing_alloc(struct inode *ino, enum backing_kind kind);

/*
 * After a read fault mapped page at *pte: the neighbours already in ino's
 * page cache too, within Linux's fault-around window (fault_around.c).
 */
void file_fault_around(struct inode *ino, const struct vma *v, u64 page, u64 *pte);

#endif
