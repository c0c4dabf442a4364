// SPDX-License-Identifier: MIT
/*
 * mlock, mlock2, munlock, mlockall, munlockall, and populating a range.
 *
 * pagelab never pages anything out, so what a lock changes is what Linux's
 * does that a program can see: the pages are made present now (mlock2's
 * MLOCK_ONFAULT and MCL_ONFAULT excepted), VM_LOCKED shows in the VMA (and
 * makes MADV_DONTNEED and MS_INVALIDATE refuse), RLIMIT_MEMLOCK is checked,
 * and mlockall(MCL_FUTURE) locks the mappings made afterwards.
 */
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/mman.h>
#include <kernel/mmap_check.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/signo.h>
#include <kernel/syscall.h>
#include <kernel/vm.h>

#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)

u64 mm_locked_pages(struct mm *mm, u64 start, u64 end)
{
	struct vma *v;
	u64 pages = 0;

	vma_for_each_in(&mm->vmas, v, start, end)
	{
		if (v->flags & VM_LOCKED)
			pages += (MIN(v->end, end) - MAX(v->start, start)) >> PAGE_SHIFT;
	}
	return pages;
}

static u64 locked_in_range(void *mm, u64 start, u64 end)
{
	return mm_locked_pages(mm, start, end);
}

/* The page at va needs a fault: absent, or shared copy-on-write where we will write. */
static bool needs_fault(struct mm *mm, u64 va, bool write, u64 *step)
{
	u64 *pte = pt_leaf(mm->pml4_pa, va, false);

	*step = PAGE_SIZE;
	if (!pte || !pte_present(*pte))
		return true;
	if (*pte & PTE_PS) /* a 2 MiB leaf: done to its end */
		*step = MC_HUGE_SIZE - (va & (MC_HUGE_SIZE - 1));
	return write && !(*pte & PTE_W);
}

/* populate_vma_page_range(): private writable memory is written (COW broken). */
static int populate_vma(struct mm *mm, const struct vma *v, u64 start, u64 end)
{
	bool write = (v->prot & VM_PROT_WRITE) && !(v->flags & VM_SHARED);
	u64 error = PF_ERR_USER | (write ? PF_ERR_WRITE : 0), step;
	struct fault_info fi;

	if (v->flags & VM_LOCKONFAULT)
		return 0;
	if (!(v->prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)))
		return -EFAULT; /* Linux never faults in PROT_NONE pages */
	for (u64 va = start; va < end; va += step) {
		int sig;

		if (!needs_fault(mm, va, write, &step))
			continue;
		sig = vm_fault(mm, va, error, &fi);
		if (sig)
			return sig == SIGKILL ? -ENOMEM : -EFAULT;
	}
	return 0;
}

/* __mm_populate(). A fault never splits or merges VMAs, so the walk stays valid. */
int mm_populate(struct mm *mm, u64 start, u64 end, bool ignore_errors)
{
	struct vma *v;

	vma_for_each_in(&mm->vmas, v, start, end)
	{
		int err;

		if (v->flags & (VM_IO | VM_PFNMAP))
			continue;
		err = populate_vma(mm, v, MAX(v->start, start), MIN(v->end, end));
		if (err && !ignore_errors)
			return err;
	}
	return 0;
}

/*
 * mlock_fixup() leaves special and huge page VMAs unlocked (and uncounted);
 * everything else gets the lock flags asked for.
 */
static int lock_decide(void *arg, const struct vma *v, u64 start, u64 end, u32 *prot, u64 *flags)
{
	const u64 *lock = arg;

	(void)start;
	(void)end;
	(void)prot;
	if (!(v->flags & (VM_SPECIAL | VM_HUGETLB)))
		*flags = (v->flags & ~VM_LOCKED_MASK) | *lock;
	return 0;
}

/* apply_vma_lock_flags(): -ENOMEM at the first hole, the VMAs before it changed. */
static int apply_lock(struct mm *mm, u64 start, u64 end, u64 lock)
{
	struct vma_update u = { .decide = lock_decide, .arg = &lock, .holes = VMA_HOLE_STOP };

	if (start == end)
		return 0;
	return vma_update_range(&mm->vmas, start, end, &u);
}

/* __mlock_posix_error_return() */
static long posix_error(int err)
{
	return err == -EFAULT ? -ENOMEM : err == -ENOMEM ? -EAGAIN : err;
}

static long do_mlock(u64 addr, u64 len, u64 flags, bool is_lock)
{
	struct mm *mm = current->mm;
	struct mm_limits l;
	u64 start, end, lock = 0;
	int err;

	mm_fill_limits(mm, &l);
	err =
	    mlock_check(addr, len, (unsigned)flags, is_lock, &l, locked_in_range, mm, &start, &end);
	if (err)
		return err;
	if (is_lock)
		lock = VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0);
	err = apply_lock(mm, start, end, lock);
	mm_flush_commit(mm);
	if (err || !is_lock)
		return err;
	return posix_error(mm_populate(mm, start, end, false));
}

static long sys_mlock(u64 addr, u64 len)
{
	return do_mlock(addr, len, 0, true);
}

static long sys_mlock2(u64 addr, u64 len, u64 flags)
{
	/* Linux takes flags as an int: the upper half of the register is not looked at. */
	return do_mlock(addr, len, (u32)flags, true);
}

static long sys_munlock(u64 addr, u64 len)
{
	return do_mlock(addr, len, 0, false);
}

/* apply_mlockall_flags(): MCL_FUTURE goes to def_flags, MCL_CURRENT to every VMA. */
static void apply_mlockall(struct mm *mm, int flags)
{
	u64 lock = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return;
	}
	if (flags & MCL_CURRENT)
		lock |= VM_LOCKED;
	if (flags & MCL_ONFAULT)
		lock |= VM_LOCKONFAULT;
	/*
	 * Every VMA, merging as flags become equal. The range cuts no VMA, so
	 * no node is allocated and it cannot fail; the holes it reports are
	 * only the gaps between mappings.
	 */
	vma_update_range(
	    &mm->vmas, 0, USER_TOP,
	    &(struct vma_update){ .decide = lock_decide, .arg = &lock, .holes = VMA_HOLE_SKIP });
}

static u64 total_pages(struct mm *mm)
{
	u64 pages = 0;

	for (struct vma *v = mm->vmas.first; v; v = v->next)
		pages += (v->end - v->start) >> PAGE_SHIFT;
	return pages;
}

static long sys_mlockall(u64 flags_in)
{
	struct mm *mm = current->mm;
	int flags = (int)flags_in;
	struct mm_limits l;
	int err;

	mm_fill_limits(mm, &l);
	if (!l.cap_ipc_lock)
		l.total_pages = total_pages(mm);
	err = mlockall_check(flags, &l);
	if (err)
		return err;
	apply_mlockall(mm, flags);
	if ((flags & MCL_CURRENT) && !(flags & MCL_ONFAULT))
		mm_populate(mm, 0, USER_TOP, true);
	mm_flush_commit(mm);
	return 0;
}

static long sys_munlockall(void)
{
	struct mm *mm = current->mm;

	apply_mlockall(mm, 0);
	mm_flush_commit(mm);
	return 0;
}

SYSCALL(mlock, sys_mlock, "px");
SYSCALL(mlock2, sys_mlock2, "pxx");
SYSCALL(munlock, sys_munlock, "px");
SYSCALL(mlockall, sys_mlockall, "x");
SYSCALL(munlockall, sys_munlockall, "");
