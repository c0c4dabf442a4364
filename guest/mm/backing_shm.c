// SPDX-License-Identifier: MIT
/*
 * Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS): memory that a
 * process and its forked children see alike, so the frames must belong to
 * something other than one page table. As Linux does with shmem, the
 * object is a file without a name, made through the VFS; its pages are
 * found and faulted exactly as a mapped file's (backing_file.c). Only the
 * name differs: /proc/PID/maps shows "/dev/zero (deleted)".
 */
#include <kernel/vfs.h>

#include "backing_file.h"

static const struct backing_ops shm_ops = {
	.kind = BACKING_SHM,
	.frames = BACKING_MOVABLE,
	.fault = file_backing_fault,
	.lookup = file_backing_lookup,
	.fork = backing_fork_copy,
	.unmap = backing_unmap_frames,
	.get = file_backing_ref,
	.put = file_backing_unref,
	.inode = file_backing_inode,
};

struct backing *shm_backing_new(u64 len)
{
	struct inode *ino;
	struct file_backing *fb;

	if (vfs_new_unnamed_file(len, &ino))
		return NULL;
	fb = file_backing_alloc(ino, &shm_ops);
	inode_put(ino); /* the backing holds its own reference */
	return fb ? &fb->b : NULL;
}
