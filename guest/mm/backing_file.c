// SPDX-License-Identifier: MIT
/*
 * File mappings. The file system keeps a regular file's data in frames
 * (its page cache) and hands them out through the VFS, one page at a time
 * (vfs_get_page()); this file never looks inside a file system. MAP_SHARED
 * maps the file's own frames, so a store through the mapping is what read()
 * sees next; MAP_PRIVATE maps them read-only until a store, which gives the
 * process its own copy (copy on write against the file).
 *
 * There is one backing per mapped inode, found in a short list, so two
 * mappings of the same file share one object and adjacent ones merge into
 * one VMA, as on Linux, where the inode's address_space is that object.
 */
#include <kernel/backing.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

#include "backing_file.h"

static struct file_backing *mapped_files;

static struct file_backing *to_file(struct backing *b)
{
	return container_of(b, struct file_backing, b);
}

static const struct backing_ops file_ops;

struct file_backing *file_backing_alloc(struct inode *ino, enum backing_kind kind)
{
	struct file_backing *fb = kzalloc(sizeof(*fb));

	if (!fb)
		return NULL;
	fb->b = (struct backing){ .ops = &file_ops, .kind = kind, .refcount = 1 };
	fb->ino = ino;
	inode_get(ino);
	return fb;
}

static void file_backing_ref(struct backing *b)
{
	b->refcount++;
}

static void unlink_mapped(struct file_backing *fb)
{
	for (struct file_backing **p = &mapped_files; *p; p = &(*p)->next) {
		if (*p == fb) {
			*p = fb->next;
			return;
		}
	}
}

static void file_backing_unref(struct backing *b)
{
	struct file_backing *fb = to_file(b);

	if (--b->refcount)
		return;
	unlink_mapped(fb);
	inode_put(fb->ino);
	kfree(fb);
}

static struct inode *file_backing_inode(struct backing *b)
{
	return to_file(b)->ino;
}

static int file_backing_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
			      struct fault_info *fi)
{
	struct inode *ino = to_file(b)->ino;
	u64 index = v->pgoff + ((page - v->start) >> PAGE_SHIFT), pfn, copy;
	bool shared = v->flags & VM_SHARED;

	/* A page wholly past the end of the file: SIGBUS, as on Linux. */
	if (index >= ALIGN_UP(inode_size(ino), PAGE_SIZE) >> PAGE_SHIFT)
		return backing_sigbus(fi, page);
	pfn = vfs_get_page(ino, index, true);
	if (pfn == FRAME_NONE)
		return backing_oom(fi, page);
	if (shared || !(error & PF_ERR_WRITE)) {
		*pte = pte_for(pfn, v->prot, shared && (v->prot & VM_PROT_WRITE));
		if (!(error & (PF_ERR_WRITE | PF_KERNEL_FILL)))
			file_fault_around(ino, v, page, pte);
		return 0;
	}
	/* A store to a private file page: the process gets its own copy now. */
	copy = frame_alloc(0);
	if (copy == FRAME_NONE) {
		frame_put(pfn);
		return backing_oom(fi, page);
	}
	memcpy(frame_to_virt(copy), frame_to_virt(pfn), PAGE_SIZE);
	frame_put(pfn);
	*pte = pte_for(copy, v->prot, true);
	return 0;
}

static u64 file_backing_lookup(struct backing *b, u64 index)
{
	u64 pfn = vfs_get_page(to_file(b)->ino, index, false);

	if (pfn != FRAME_NONE)
		frame_put(pfn); /* the file keeps its own reference on the frame */
	return pfn;
}

static const struct backing_ops file_ops = {
	.frames = BACKING_MOVABLE,
	.fault = file_backing_fault,
	.lookup = file_backing_lookup,
	.fork = backing_fork_copy,
	.unmap = backing_unmap_frames,
	.get = file_backing_ref,
	.put = file_backing_unref,
	.inode = file_backing_inode,
};

struct backing *file_backing_get(struct inode *ino)
{
	struct file_backing *fb;

	for (fb = mapped_files; fb; fb = fb->next) {
		if (fb->ino == ino) {
			file_backing_ref(&fb->b);
			return &fb->b;
		}
	}
	fb = file_backing_alloc(ino, BACKING_FILE);
	if (!fb)
		return NULL;
	fb->next = mapped_files;
	mapped_files = fb;
	return &fb->b;
}

/* The pages of ino from index first on leave mm, COW copies included. */
static void unmap_from(struct mm *mm, struct inode *ino, u64 first)
{
	for (struct vma *v = mm->vmas.first; v; v = v->next) {
		u64 pages = (v->end - v->start) >> PAGE_SHIFT, start = v->start;

		if (vma_inode(v) != ino || first >= v->pgoff + pages)
			continue;
		if (first > v->pgoff)
			start += (first - v->pgoff) << PAGE_SHIFT;
		pt_unmap(mm, start, v->end);
	}
	/* Only the active mm owes flushes; the others reload CR3 when they run. */
	mm_flush_commit(mm);
}

/*
 * The partial last page stays mapped (the file system has zeroed its
 * tail); the next touch of a page beyond it faults, and
 * file_backing_fault() finds it past the end: SIGBUS.
 */
void file_backing_truncated(struct inode *ino, u64 size)
{
	u64 first = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	struct file_backing *fb = mapped_files;

	while (fb && fb->ino != ino)
		fb = fb->next;
	if (!fb)
		return; /* nobody maps it */
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state != PROC_UNUSED && p->mm)
			unmap_from(p->mm, ino, first);
	}
}
