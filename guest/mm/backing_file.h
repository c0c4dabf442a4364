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

/* A new backing of ino (a reference is taken on it), refcount 1; NULL if memory is short. */
struct file_backing *file_backing_alloc(struct inode *ino, const struct backing_ops *ops);
/* The ops both kinds use. */
int file_backing_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
		       struct fault_info *fi);
u64 file_backing_lookup(struct backing *b, u64 index);
struct inode *file_backing_inode(struct backing *b);
void file_backing_ref(struct backing *b);
/* The last reference frees the backing and drops its inode. */
void file_backing_unref(struct backing *b);

#endif
