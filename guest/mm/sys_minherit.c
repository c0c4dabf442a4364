// SPDX-License-Identifier: MIT
/*
 * FreeBSD's minherit(addr, len, inherit): what a forked child gets of a
 * range (pagelab system call PL_SYS_BASE + 0x11):
 *
 *   INHERIT_SHARE  the child shares the memory with the parent, writes go
 *                  both ways, private mappings too. A private mapping
 *                  becomes shared memory here and now: its contents move
 *                  into a new shared object (backing_shm.c), as FreeBSD
 *                  makes the two processes share one VM object.
 *   INHERIT_COPY   the child gets a copy: copy-on-write for private
 *                  memory (fork's default), and for shared memory a
 *                  private snapshot taken at fork (procmm.c).
 *   INHERIT_NONE   the child has nothing there (VM_DONTCOPY, as
 *                  madvise(MADV_DONTFORK)).
 *   INHERIT_ZERO   the child gets fresh zero-filled anonymous memory.
 *
 * As FreeBSD: addr is rounded down and len up to pages, holes in the range
 * are skipped; an unknown inherit or a range that wraps is EINVAL; COPY,
 * ZERO or SHARE of memory that cannot be had so (MAP_PHYS device memory,
 * MAP_HUGETLB pages) is EACCES, checked before anything changes.
 */
#include <kernel/backing.h>
#include <kernel/commit.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/plsys.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/ramfs.h>
#include <kernel/syscall.h>
#include <kernel/thp.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

enum { INHERIT_SHARE, INHERIT_COPY, INHERIT_NONE, INHERIT_ZERO };

#define VM_INHERIT_MASK (VM_INH_SHARE | VM_INH_COPY | VM_INH_ZERO | VM_DONTCOPY)

static u64 inherit_flag(int inherit)
{
	static const u64 flag[] = { VM_INH_SHARE, VM_INH_COPY, VM_DONTCOPY, VM_INH_ZERO };

	return flag[inherit];
}

static int set_inherit(void *arg, const struct vma *v, u64 start, u64 end, u32 *prot, u64 *flags)
{
	(void)start;
	(void)end;
	(void)prot;
	*flags = (v->flags & ~VM_INHERIT_MASK) | *(const u64 *)arg;
	return 0;
}

/* What cannot be shared, copied or zeroed on its own: EACCES before anything changes. */
static int check_range(struct mm *mm, u64 start, u64 end, int inherit)
{
	struct vma *v;

	if (inherit == INHERIT_NONE)
		return 0;
	vma_for_each_in(&mm->vmas, v, start, end)
	{
		if (v->flags & VM_HUGETLB)
			return -EACCES;
		if ((v->flags & VM_PFNMAP) && inherit != INHERIT_SHARE)
			return -EACCES;
	}
	return 0;
}

/* The data of the page at va as the process sees it now: a frame, or FRAME_NONE for zeroes. */
static u64 current_frame(struct mm *mm, const struct vma *v, u64 va)
{
	u64 *pte = pt_leaf(mm->pml4_pa, va, false);
	struct backing *b = backing_of(v);

	if (pte && pte_present(*pte))
		return leaf_pfn_at(*pte, va);
	return b->ops->lookup(b, v->pgoff + (va - v->start) / PAGE_SIZE);
}

/*
 * A private VMA becomes shared memory: a new object with its contents,
 * then the VMA maps the object (its old frames dropped) and fork shares it.
 */
static int make_shared(struct mm *mm, struct vma *v)
{
	u64 len = v->end - v->start, pages = len / PAGE_SIZE;
	struct backing *b;
	struct inode *ino;

	if (!(v->flags & VM_ACCOUNT) && !commit_charge(pages, 0))
		return -ENOMEM;
	b = shm_backing_new(len);
	if (!b) {
		if (!(v->flags & VM_ACCOUNT))
			commit_uncharge(pages);
		return -ENOMEM;
	}
	ino = b->ops->inode(b);
	for (u64 va = v->start; va < v->end; va += PAGE_SIZE) {
		u64 pfn = current_frame(mm, v, va);

		if (pfn != FRAME_NONE &&
		    inode_write(ino, va - v->start, frame_to_virt(pfn), PAGE_SIZE, vfs_now()) < 0) {
			backing_put(b);
			if (!(v->flags & VM_ACCOUNT))
				commit_uncharge(pages);
			return -ENOMEM;
		}
	}
	backing_of(v)->ops->unmap(mm, v);
	if (v->obj)
		backing_put(v->obj);
	v->obj = b;
	v->pgoff = 0;
	v->flags |= VM_SHARED | VM_MAYSHARE | VM_ACCOUNT;
	return 0;
}

static long sys_minherit(u64 addr, u64 len, u64 uinherit)
{
	struct mm *mm = current->mm;
	int inherit = (int)uinherit;
	u64 start = addr & ~(PAGE_SIZE - 1), end = ALIGN_UP(addr + len, PAGE_SIZE), flag;
	/* nomem apart from -ENOMEM, which here only says the range had holes (fine on FreeBSD) */
	struct vma_update u = {
		.decide = set_inherit, .arg = &flag, .holes = VMA_HOLE_SKIP, .nomem = -EAGAIN
	};
	struct vma *v;
	int err;

	if (inherit < INHERIT_SHARE || inherit > INHERIT_ZERO || addr + len < addr ||
	    end > USER_TOP)
		return -EINVAL;
	if (start == end)
		return 0;
	err = check_range(mm, start, end, inherit);
	if (err)
		return err;
	flag = inherit_flag(inherit);
	err = vma_update_range(&mm->vmas, start, end, &u);
	if (err == -ENOMEM)
		err = 0;
	else if (err == -EAGAIN)
		err = -ENOMEM;
	if (err || inherit != INHERIT_SHARE)
		goto out;
	vma_for_each_in(&mm->vmas, v, start, end)
	{
		/*
		 * Frames without a struct frame (MAP_PHYS, the vDSO and its data
		 * page) are the same frames in every process already: copying
		 * them into an object would freeze the vDSO's clock at this
		 * moment, so they stay as they are.
		 */
		if (v->flags & (VM_SHARED | VM_PFNMAP))
			continue;
		err = make_shared(mm, v);
		if (err)
			break;
	}
out:
	mm_flush_commit(mm);
	return err;
}
SYSCALL(minherit, sys_minherit, "pxd");
