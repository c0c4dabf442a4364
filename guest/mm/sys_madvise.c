// SPDX-License-Identifier: MIT
/*
 * madvise: advice that changes VMA flags (NORMAL, RANDOM, SEQUENTIAL,
 * DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK, DONTDUMP, DODUMP, HUGEPAGE,
 * NOHUGEPAGE, MERGEABLE, UNMERGEABLE), and advice that acts on pages
 * (DONTNEED, DONTNEED_LOCKED, FREE drop them). madvise_vma_check() decides
 * each VMA's fate in Linux's order; the walk skips holes and reports them
 * with ENOMEM at the end, as madvise_walk_vmas() does.
 *
 * Advice that is about paging has nothing to act on here, where nothing is
 * ever paged out and the page cache is the file: WILLNEED (Linux reads a
 * file ahead into its page cache and leaves page tables alone, so an
 * untouched anonymous page stays absent in mincore), COLD and PAGEOUT. The
 * flags only change what a later fault, fork or dump does, as on Linux:
 * HUGEPAGE and NOHUGEPAGE decide whether a later first touch maps a
 * transparent huge page (thp.c); pages already huge or small stay so.
 * DONTNEED of part of a huge page splits it first (pt_unmap()).
 */
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mmap_check.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/syscall.h>

struct advice {
	struct mm *mm;
	int behavior;
};

static bool drops_pages(int behavior)
{
	return behavior == MADV_DONTNEED || behavior == MADV_DONTNEED_LOCKED ||
	       behavior == MADV_FREE;
}

/*
 * Zapping the page-table entries is all DONTNEED takes: private anonymous
 * memory faults back zeroed, a private file page re-reads the file (its
 * copy is dropped), shared memory keeps its data in its object. FREE may
 * do the same: a freed page may read back zero or its old data.
 */
static int advise_vma(void *arg, const struct vma *v, u64 start, u64 end, u32 *prot, u64 *flags)
{
	const struct advice *a = arg;
	u64 zap_end = end, new_flags;
	int err =
	    madvise_vma_check(a->behavior, v->flags, v->obj != NULL, start, &zap_end, &new_flags);

	(void)prot;
	if (err)
		return err;
	if (drops_pages(a->behavior) && start < zap_end)
		pt_unmap(a->mm, start, zap_end);
	*flags = new_flags;
	return 0;
}

static long sys_madvise(u64 addr, u64 len, u64 advice)
{
	struct mm *mm = current->mm;
	struct advice a = { mm, (int)advice };
	struct vma_update u = {
		.decide = advise_vma,
		.arg = &a,
		.holes = VMA_HOLE_SKIP,
		.nomem = -EAGAIN, /* madvise_update_vma() failing to split */
	};
	u64 end;
	int err = madvise_check(addr, len, a.behavior, &end);

	if (err || end == addr)
		return err;
	err = vma_update_range(&mm->vmas, addr, end, &u);
	mm_flush_commit(mm);
	return err;
}

SYSCALL(madvise, sys_madvise, "pua");
