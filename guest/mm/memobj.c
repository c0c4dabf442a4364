// SPDX-License-Identifier: MIT
/*
 * Memory objects behind VMAs: ramfs inodes. A file's data frames are its
 * page cache, so MAP_SHARED maps them directly (stores are what read()
 * sees) and MAP_PRIVATE maps them read-only until a store copies the page.
 * Shared anonymous memory and POSIX shm are unlinked or /dev/shm inodes.
 */
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/ramfs.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/uvm.h>
#include <kernel/vm.h>

void memobj_get(void *obj)
{
	inode_get(obj);
}

void memobj_put(void *obj)
{
	inode_put(obj);
}

static int sigbus(struct fault_info *fi, u64 addr)
{
	fi->code = BUS_ADRERR;
	fi->addr = addr;
	return SIGBUS;
}

static int oom(struct fault_info *fi, u64 addr)
{
	fi->code = SI_KERNEL;
	fi->addr = addr;
	return SIGKILL;
}

int memobj_fault(struct mm *mm, struct vma *v, u64 page, u64 error, u64 *pte, struct fault_info *fi)
{
	struct inode *ino = v->obj;
	u64 index = v->pgoff + ((page - v->start) >> PAGE_SHIFT), pfn, copy;
	bool shared = v->flags & VM_SHARED;

	(void)mm;
	/* A page wholly past the end of the file: SIGBUS, as on Linux. */
	if (index >= ALIGN_UP(inode_size(ino), PAGE_SIZE) >> PAGE_SHIFT)
		return sigbus(fi, page);
	pfn = inode_get_page(ino, index, true);
	if (pfn == FRAME_NONE)
		return oom(fi, page);
	if (shared || !(error & PF_ERR_WRITE)) {
		*pte = pte_for(pfn, v->prot, shared && (v->prot & VM_PROT_WRITE));
		return 0;
	}
	/* A store to a private file page: the process gets its own copy now. */
	copy = frame_alloc(0);
	if (copy == FRAME_NONE) {
		frame_put(pfn);
		return oom(fi, page);
	}
	memcpy(frame_to_virt(copy), frame_to_virt(pfn), PAGE_SIZE);
	frame_put(pfn);
	*pte = pte_for(copy, v->prot, true);
	return 0;
}

/*
 * Shared anonymous memory is a nameless ramfs inode; its priv (unused for
 * regular files) points here so /proc can tell it from an unlinked file.
 */
static char anon_tag;

void memobj_mark_anon(struct inode *ino)
{
	ino->priv = &anon_tag;
}

bool memobj_is_anon(const struct inode *ino)
{
	return ino->priv == &anon_tag;
}

/* The pages of ino from index first on leave mm, COW copies included. */
static void unmap_from(struct mm *mm, struct inode *ino, u64 first)
{
	for (struct vma *v = mm->vmas.first; v; v = v->next) {
		u64 pages = (v->end - v->start) >> PAGE_SHIFT, start = v->start;

		if (v->obj != ino || first >= v->pgoff + pages)
			continue;
		if (first > v->pgoff)
			start += (first - v->pgoff) << PAGE_SHIFT;
		pt_unmap(mm, start, v->end);
	}
	/* Only the active mm owes flushes; the others reload CR3 when they run. */
	mm_flush_commit(mm);
}

/*
 * Linux's truncate_pagecache(): a shrunk file's mappings lose the pages
 * wholly past the new end, so the next touch faults and memobj_fault()
 * finds the page beyond EOF (SIGBUS). The partial last page stays mapped;
 * ramfs has zeroed its tail. Every process is visited: ramfs keeps no list
 * of an inode's mappings, and truncation is rare.
 */
void memobj_truncated(struct inode *ino, u64 size)
{
	u64 first = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;

	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state != PROC_UNUSED && p->mm)
			unmap_from(p->mm, ino, first);
	}
}
