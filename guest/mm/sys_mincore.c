// SPDX-License-Identifier: MIT
/*
 * mincore: one byte per page, bit 0 set when the page is in memory. A page
 * is when the process's page table maps it, or, for a file or shared memory
 * mapping, when its backing holds the page (the file's page cache, which on
 * ramfs is the file itself), as Linux's mincore_page() answers. Untouched
 * anonymous memory is absent: nothing backs it until the first fault.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/mmap_check.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define CHUNK 256 /* result bytes gathered before each copy to the user */

/* Does the backing hold the page (a file's page cache), mapped here or not? */
static bool in_backing(const struct vma *v, u64 va)
{
	struct backing *b = backing_of(v);

	return b->ops->lookup(b, v->pgoff + ((va - v->start) >> PAGE_SHIFT)) != FRAME_NONE;
}

static u8 page_state(struct mm *mm, const struct vma *v, u64 va)
{
	u64 *pte = pt_leaf(mm->pml4_pa, va, false);

	if (pte && pte_present(*pte))
		return 1;
	return !(v->flags & VM_HUGETLB) && in_backing(v, va);
}

/* do_mincore(): up to n pages from addr, within the one VMA there; -ENOMEM if none. */
static long fill(struct mm *mm, u64 addr, u64 n, u8 *vec)
{
	struct vma *v = vma_find(&mm->vmas, addr);

	if (!v)
		return -ENOMEM;
	n = MIN(n, (v->end - addr) >> PAGE_SHIFT);
	for (u64 i = 0; i < n; i++)
		vec[i] = page_state(mm, v, addr + (i << PAGE_SHIFT));
	return (long)n;
}

static long sys_mincore(u64 addr, u64 len, u64 uvec)
{
	struct mm *mm = current->mm;
	u8 buf[CHUNK];
	u64 pages;
	int err = mincore_check(addr, len, USER_TOP, &pages);

	if (err)
		return err;
	if (uvec > USER_TOP || pages > USER_TOP - uvec)
		return -EFAULT; /* access_ok() on the whole vector, before any work */
	while (pages) {
		long n = fill(mm, addr, MIN(pages, CHUNK), buf);

		if (n < 0)
			return n;
		if (copy_to_user(uvec, buf, (size_t)n))
			return -EFAULT;
		pages -= (u64)n;
		uvec += (u64)n;
		addr += (u64)n << PAGE_SHIFT;
	}
	return 0;
}

SYSCALL(mincore, sys_mincore, "pxp");
