// SPDX-License-Identifier: MIT
/*
 * QNX's shm_ctl(fd, flags, paddr, size): give an empty shared memory
 * object (shm_open, a file of /dev/shm) its memory in one step, size bytes
 * of it (pagelab system call PL_SYS_BASE + 0x14):
 *
 *   SHMCTL_ANON               zeroed pages, allocated now
 *   SHMCTL_ANON|SHMCTL_LAZY   zeroed pages, allocated at each first touch
 *   SHMCTL_ANON|SHMCTL_PHYS   one physically contiguous block (a DMA
 *                             buffer several processes map), allocated now
 *
 * The frames are the file's pages, so every mapping of the object, in any
 * process, maps them, and mem_offset() finds them contiguous. paddr must
 * be 0: naming existing physical memory (SHMCTL_PHYS without SHMCTL_ANON)
 * is MAP_PHYS's and /dev/mem's job here. Errors: EBADF; EINVAL for another
 * kind of file, an object that has memory already, size 0, paddr, or an
 * unknown or impossible flag combination; ENOMEM, with the object still
 * empty.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/plsys.h>
#include <kernel/ramfs.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/vfs.h>

#define SHMCTL_ANON 0x0001
#define SHMCTL_PHYS 0x0002
#define SHMCTL_LAZY 0x0008

/* The block's frames become the file's pages 0..n-1 (each keeps the reference it came with). */
static int fill_contiguous(struct inode *ino, u64 npages)
{
	u64 pfn = frame_alloc_contig(npages, 0);

	if (pfn == FRAME_NONE)
		return -ENOMEM;
	zero_new_frames(pfn, npages);
	for (u64 i = 0; i < npages; i++) {
		if (page_tree_insert(&ino->reg.pages, i, pfn + i)) {
			for (u64 j = 0; j < i; j++)
				page_tree_remove(&ino->reg.pages, j);
			frame_free_pages(pfn, npages);
			return -ENOMEM;
		}
	}
	return 0;
}

static int fill_pages(struct inode *ino, u64 npages)
{
	for (u64 i = 0; i < npages; i++) {
		u64 pfn = vfs_get_page(ino, i, true);

		if (pfn == FRAME_NONE) {
			ramfs_truncate(ino, 0, vfs_now()); /* back to empty */
			return -ENOMEM;
		}
		frame_put(pfn); /* the file keeps its own reference */
	}
	return 0;
}

static long sys_shm_ctl(u64 fd, u64 uflags, u64 paddr, u64 size)
{
	struct file *f = fd_get((int)fd);
	int flags = (int)uflags, err = -EINVAL;
	struct inode *ino;
	u64 npages;

	if (!f)
		return -EBADF;
	ino = f->inode;
	npages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	if (!inode_is_reg(ino) || ino->size || page_tree_lookup(&ino->reg.pages, 0) != FRAME_NONE ||
	    !size || size > RAMFS_MAX_FILE_SIZE || paddr || !(flags & SHMCTL_ANON) ||
	    (flags & ~(SHMCTL_ANON | SHMCTL_PHYS | SHMCTL_LAZY)) ||
	    (flags & (SHMCTL_PHYS | SHMCTL_LAZY)) == (SHMCTL_PHYS | SHMCTL_LAZY))
		goto out;
	err = 0;
	if (flags & SHMCTL_PHYS)
		err = fill_contiguous(ino, npages);
	if (!err)
		err = ramfs_truncate(ino, size, vfs_now());
	if (!err && !(flags & (SHMCTL_PHYS | SHMCTL_LAZY)))
		err = fill_pages(ino, npages);
out:
	file_put(f);
	return err;
}
SYSCALL(shm_ctl, sys_shm_ctl, "fxxx");
