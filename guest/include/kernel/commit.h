/* SPDX-License-Identifier: MIT */
/*
 * Memory accounting: the commit charge.
 *
 * pagelab commits strictly, as Linux does with vm.overcommit_memory = 2: every
 * page a process could come to own privately (private writable mappings,
 * shared anonymous memory, the heap, the stack) is charged when the mapping
 * is made, against a limit of all the guest's RAM, and a call that would go
 * over fails with ENOMEM instead of the process being killed later at a
 * fault. MAP_NORESERVE mappings are not charged (they may die of SIGKILL at
 * a fault when memory runs out).
 *
 * The charge lives on the VMAs: a VMA with VM_ACCOUNT carries one charged
 * page per page of its range, so splits, merges and partial munmaps keep the
 * sum right without a per-VMA counter, and whoever removes a VMA piece
 * uncharges exactly its pages. Shared anonymous memory is charged to the VMA
 * that created it; a forked child's copy is not charged again (Linux charges
 * the shmem object once).
 *
 * The rules are pure arithmetic, inline here, so the host unit test
 * (tests/unit/test_commit.c) checks the same rules the kernel applies; the
 * kernel's one global charge and its users are commit.c's, declared last.
 */
#ifndef KERNEL_COMMIT_H
#define KERNEL_COMMIT_H

#include <kernel/types.h>

#include <kernel/kmman.h>
#include <kernel/vma.h>

struct commit {
	u64 committed; /* pages charged now */
	u64 limit;     /* pages that may be charged */
};

/*
 * Charge pages if the total stays within the limit once freed pages (charged
 * now, about to be uncharged by the caller: the mappings a MAP_FIXED replaces)
 * are gone. The charge is all of pages; the caller uncharges freed as it
 * removes them, as Linux's mmap_region() does. False (nothing charged) when
 * it would not fit.
 */
static inline bool commit_try_charge(struct commit *c, u64 pages, u64 freed)
{
	u64 base = c->committed - (freed < c->committed ? freed : c->committed);

	if (pages > c->limit || base > c->limit - pages)
		return false;
	c->committed += pages;
	return true;
}

/* Returns false, changing nothing, if more would be uncharged than is charged. */
static inline bool commit_release(struct commit *c, u64 pages)
{
	if (pages > c->committed)
		return false;
	c->committed -= pages;
	return true;
}

/* The pages a VMA piece [start, end) with these flags carries. */
static inline u64 commit_vma_pages(u64 vm_flags, u64 start, u64 end)
{
	return (vm_flags & VM_ACCOUNT) ? (end - start) / VMA_PAGE_SIZE : 0;
}

/*
 * mprotect_fixup()'s rule: making a private mapping writable charges it,
 * unless it is charged already, was writable, is shared, huge or
 * MAP_NORESERVE.
 */
static inline bool commit_on_protect(u64 vm_flags, u32 old_prot, u32 new_prot)
{
	if (!(new_prot & VM_PROT_WRITE) || (old_prot & VM_PROT_WRITE))
		return false;
	return !(vm_flags & (VM_ACCOUNT | VM_HUGETLB | VM_SHARED | VM_NORESERVE));
}

/*
 * The flags of a forked child's copy of a VMA: memory locks are not
 * inherited (mlock(2)), and a shared VMA's charge stays with the parent.
 */
static inline u64 commit_fork_flags(u64 vm_flags)
{
	vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
	if (vm_flags & VM_MAYSHARE)
		vm_flags &= ~VM_ACCOUNT;
	return vm_flags;
}

/* ---- the kernel's charge (commit.c) ---- */

struct mm;
struct mmap_plan;
/* Charge pages, freed of them about to be uncharged (MAP_FIXED): false means ENOMEM. */
bool commit_charge(u64 pages, u64 freed);
void commit_uncharge(u64 pages);
/* What a removed VMA piece gave back: every unmap callback calls it. */
void commit_vma_gone(const struct vma *piece);
/* Charged pages of the VMAs in [start, end). */
u64 commit_charged_in(struct mm *mm, u64 start, u64 end);
/* mmap's charge of plan->commit_pages (-ENOMEM); sets VM_ACCOUNT in the plan. */
int commit_mmap(struct mm *mm, struct mmap_plan *plan);
/* vma_protect_range() that charges a private mapping made writable (-ENOMEM). */
int commit_protect_range(struct mm *mm, u64 start, u64 end, u32 prot, vma_changed_fn changed,
			 void *arg);
u64 commit_committed_pages(void); /* /proc/meminfo Committed_AS */
u64 commit_limit_pages(void);	  /* /proc/meminfo CommitLimit */

#endif
