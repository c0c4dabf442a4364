// SPDX-License-Identifier: MIT
/*
 * Argument checks of the calls that act on mappings already there: msync,
 * madvise, mincore, mlock and mremap, in Linux 6.18's order (mmap_check.h).
 */
#include <kernel/mmap_check.h>
#include <kernel/vma.h>

#define PAGE MC_PAGE_SIZE
#define HUGE MC_HUGE_SIZE

static inline u64 round_up(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1); /* wraps to 0 near the top, as PAGE_ALIGN does */
}

int msync_check(u64 addr, u64 len, int flags, u64 *end)
{
	/* sys_msync() */
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (addr & (PAGE - 1))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	/* (len + ~PAGE_MASK) & PAGE_MASK: a huge len wraps to 0, nothing to do */
	len = round_up(len, PAGE);
	if (addr + len < addr)
		return -ENOMEM;
	*end = addr + len;
	return 0;
}

int msync_vma_check(int flags, u64 vm_flags)
{
	if ((flags & MS_INVALIDATE) && (vm_flags & VM_LOCKED))
		return -EBUSY;
	return 0;
}

bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_COLD:
	case MADV_PAGEOUT:
		return true;
	default:
		return false;
	}
}

int madvise_check(u64 addr, u64 len, int behavior, u64 *end)
{
	/* is_valid_madvise(), madvise_should_skip() */
	u64 rounded = round_up(len, PAGE);

	if (!madvise_behavior_valid(behavior))
		return -EINVAL;
	if (addr & (PAGE - 1))
		return -EINVAL;
	if (len && !rounded)
		return -EINVAL;
	if (addr + rounded < addr)
		return -EINVAL;
	*end = addr + rounded;
	return 0;
}

/* madvise_dontneed_free_valid_vma() and madvise_free_single_vma() */
static int dontneed_free_check(int behavior, u64 vm_flags, bool has_object, u64 start, u64 *end)
{
	if (!(vm_flags & VM_HUGETLB)) {
		u64 forbidden = VM_PFNMAP;

		if (behavior != MADV_DONTNEED_LOCKED)
			forbidden |= VM_LOCKED;
		if (vm_flags & forbidden)
			return -EINVAL;
		if (behavior == MADV_FREE && has_object)
			return -EINVAL;
		return 0;
	}
	if (behavior == MADV_FREE || (start & (HUGE - 1)))
		return -EINVAL;
	*end &= ~(HUGE - 1);
	return 0;
}

/* ksm_madvise(): which VMAs KSM would scan. */
static bool ksm_compatible(u64 vm_flags)
{
	return !(vm_flags & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |
			     VM_HUGETLB | VM_MIXEDMAP));
}

/* The advice that only sets or clears VMA flags and cannot fail: false for the rest. */
static bool madvise_flags_only(int behavior, u64 *nf)
{
	switch (behavior) {
	case MADV_NORMAL:
		*nf &= ~(VM_RAND_READ | VM_SEQ_READ);
		return true;
	case MADV_SEQUENTIAL:
		*nf = (*nf & ~VM_RAND_READ) | VM_SEQ_READ;
		return true;
	case MADV_RANDOM:
		*nf = (*nf & ~VM_SEQ_READ) | VM_RAND_READ;
		return true;
	case MADV_DONTFORK:
		*nf |= VM_DONTCOPY;
		return true;
	case MADV_KEEPONFORK:
		*nf &= ~VM_WIPEONFORK;
		return true;
	case MADV_DONTDUMP:
		*nf |= VM_DONTDUMP;
		return true;
	case MADV_MERGEABLE:
		if (ksm_compatible(*nf))
			*nf |= VM_MERGEABLE;
		return true;
	case MADV_UNMERGEABLE:
		*nf &= ~VM_MERGEABLE;
		return true;
	case MADV_HUGEPAGE:
		*nf = (*nf & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		return true;
	case MADV_NOHUGEPAGE:
		*nf = (*nf & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		return true;
	default:
		return false;
	}
}

int madvise_vma_check(int behavior, u64 vm_flags, bool has_object, u64 start, u64 *end,
		      u64 *new_flags)
{
	u64 nf = vm_flags;

	if (madvise_flags_only(behavior, &nf)) {
		*new_flags = nf;
		return 0;
	}
	switch (behavior) {
	case MADV_WILLNEED:
		break;
	case MADV_COLD:
	case MADV_PAGEOUT:
		if (vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB))
			return -EINVAL; /* can_madv_lru_vma() */
		break;
	case MADV_FREE:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED: {
		int err = dontneed_free_check(behavior, vm_flags, has_object, start, end);

		if (err)
			return err;
		break;
	}
	case MADV_DOFORK:
		if (nf & VM_IO)
			return -EINVAL;
		nf &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (has_object || (nf & VM_SHARED))
			return -EINVAL;
		nf |= VM_WIPEONFORK;
		break;
	case MADV_DODUMP:
		if (!(nf & VM_HUGETLB) && (nf & VM_SPECIAL))
			return -EINVAL;
		nf &= ~VM_DONTDUMP;
		break;
	default:
		return -EINVAL;
	}
	*new_flags = nf;
	return 0;
}

int mincore_check(u64 addr, u64 len, u64 task_size, u64 *pages)
{
	/* sys_mincore(): access_ok() on the range is ENOMEM, not EFAULT */
	if (addr & (PAGE - 1))
		return -EINVAL;
	if (addr + len < addr || addr + len > task_size)
		return -ENOMEM;
	*pages = len / PAGE + ((len & (PAGE - 1)) != 0);
	return 0;
}

int mlock_check(u64 addr, u64 len, unsigned flags, bool is_lock, const struct mm_limits *l,
		u64 (*locked_in_range)(void *ctx, u64 start, u64 end), void *ctx, u64 *start,
		u64 *end)
{
	u64 s, rounded;

	if (is_lock) {
		/* sys_mlock2(), do_mlock() */
		if (flags & ~(unsigned)MLOCK_ONFAULT)
			return -EINVAL;
		if (!can_do_mlock(l))
			return -EPERM;
	}
	rounded = round_up(len + (addr & (PAGE - 1)), PAGE);
	s = addr & ~(PAGE - 1);
	if (is_lock && !l->cap_ipc_lock) {
		u64 limit = l->memlock_limit / PAGE;
		u64 locked = rounded / PAGE + l->locked_pages;

		if (locked > limit)
			locked -= locked_in_range(ctx, s, s + rounded);
		if (locked > limit)
			return -ENOMEM;
	}
	/* apply_vma_lock_flags() */
	if (s + rounded < s)
		return -EINVAL;
	*start = s;
	*end = s + rounded;
	return 0;
}

int mlockall_check(int flags, const struct mm_limits *l)
{
	const int known = MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT;

	if (!flags || (flags & ~known) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock(l))
		return -EPERM;
	if ((flags & MCL_CURRENT) && l->total_pages > l->memlock_limit / PAGE && !l->cap_ipc_lock)
		return -ENOMEM;
	return 0;
}

int mremap_check(u64 addr, u64 *old_len, u64 *new_len, u64 flags, u64 new_addr, u64 task_size)
{
	/* do_mremap(), check_mremap_params() */
	u64 ol = round_up(*old_len, PAGE), nl = round_up(*new_len, PAGE);

	*old_len = ol;
	*new_len = nl;
	if (flags & ~(u64)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (addr & (PAGE - 1))
		return -EINVAL;
	if (!nl || nl > task_size)
		return -EINVAL;
	if (!(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return 0;
	if (new_addr > task_size - nl || (new_addr & (PAGE - 1)))
		return -EINVAL;
	if (!(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && ol != nl)
		return -EINVAL;
	/* vrm_overlaps() */
	if (addr < new_addr + nl && new_addr < addr + ol)
		return -EINVAL;
	return 0;
}

int mremap_vma_check(const struct vma *vma, u64 addr, u64 *old_len, u64 *new_len, u64 flags,
		     const struct mm_limits *l, bool expand_ok)
{
	/* check_prep_vma() */
	u64 ol, nl, pgoff;

	if (!vma)
		return -EFAULT;
	if (vma->flags & VM_HUGETLB) {
		/* align_hugetlb(): huge mappings move or shrink, never grow */
		*old_len = round_up(*old_len, HUGE);
		*new_len = round_up(*new_len, HUGE);
		if ((addr & (HUGE - 1)) || *new_len > *old_len)
			return -EINVAL;
	}
	ol = *old_len;
	nl = *new_len;
	if (nl <= ol && !(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return 0;
	if (!ol && !(vma->flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (vma->flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	if (nl < ol)
		ol = nl; /* a shrink may cross into the next VMA; the move may not */
	if (ol > vma->end - addr)
		return -EFAULT;
	if (nl == ol)
		return 0;
	pgoff = (addr - vma->start) / PAGE + vma->pgoff;
	if (pgoff + nl / PAGE < pgoff)
		return -EINVAL;
	if (vma->flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if (!mlock_future_ok(l, vma->flags & VM_LOCKED, nl - ol))
		return -EAGAIN;
	if (!expand_ok)
		return -ENOMEM;
	return 0;
}
