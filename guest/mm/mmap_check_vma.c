// SPDX-License-Identifier: MIT
/*
 * Argument checks of the calls that act on mappings already there: msync,
 * madvise, mincore, mlock and mremap, in Linux 6.18's order (mmap_check.h).
 */
#include <kernel/mmap_check.h>
#include <kernel/vma.h>

#define PAGE MC_PAGE_SIZE
#define HUGE MC_HUGE_SIZE

static inline uint64_t round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1); /* wraps to 0 near the top, as PAGE_ALIGN does */
}

int msync_check(uint64_t addr, uint64_t len, int flags, uint64_t *end)
{
	/* sys_msync() */
	if (flags & ~(K_MS_ASYNC | K_MS_INVALIDATE | K_MS_SYNC))
		return -K_EINVAL;
	if (addr & (PAGE - 1))
		return -K_EINVAL;
	if ((flags & K_MS_ASYNC) && (flags & K_MS_SYNC))
		return -K_EINVAL;
	/* (len + ~PAGE_MASK) & PAGE_MASK: a huge len wraps to 0, nothing to do */
	len = round_up(len, PAGE);
	if (addr + len < addr)
		return -K_ENOMEM;
	*end = addr + len;
	return 0;
}

int msync_vma_check(int flags, uint64_t vm_flags)
{
	if ((flags & K_MS_INVALIDATE) && (vm_flags & VM_LOCKED))
		return -K_EBUSY;
	return 0;
}

bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case K_MADV_NORMAL:
	case K_MADV_RANDOM:
	case K_MADV_SEQUENTIAL:
	case K_MADV_WILLNEED:
	case K_MADV_DONTNEED:
	case K_MADV_DONTNEED_LOCKED:
	case K_MADV_FREE:
	case K_MADV_DONTFORK:
	case K_MADV_DOFORK:
	case K_MADV_MERGEABLE:
	case K_MADV_UNMERGEABLE:
	case K_MADV_HUGEPAGE:
	case K_MADV_NOHUGEPAGE:
	case K_MADV_DONTDUMP:
	case K_MADV_DODUMP:
	case K_MADV_WIPEONFORK:
	case K_MADV_KEEPONFORK:
	case K_MADV_COLD:
	case K_MADV_PAGEOUT:
		return true;
	default:
		return false;
	}
}

int madvise_check(uint64_t addr, uint64_t len, int behavior, uint64_t *end)
{
	/* is_valid_madvise(), madvise_should_skip() */
	uint64_t rounded = round_up(len, PAGE);

	if (!madvise_behavior_valid(behavior))
		return -K_EINVAL;
	if (addr & (PAGE - 1))
		return -K_EINVAL;
	if (len && !rounded)
		return -K_EINVAL;
	if (addr + rounded < addr)
		return -K_EINVAL;
	*end = addr + rounded;
	return 0;
}

/* madvise_dontneed_free_valid_vma() and madvise_free_single_vma() */
static int dontneed_free_check(int behavior, uint64_t vm_flags, bool has_object, uint64_t start,
			       uint64_t *end)
{
	if (!(vm_flags & VM_HUGETLB)) {
		uint64_t forbidden = VM_PFNMAP;

		if (behavior != K_MADV_DONTNEED_LOCKED)
			forbidden |= VM_LOCKED;
		if (vm_flags & forbidden)
			return -K_EINVAL;
		if (behavior == K_MADV_FREE && has_object)
			return -K_EINVAL;
		return 0;
	}
	if (behavior == K_MADV_FREE || (start & (HUGE - 1)))
		return -K_EINVAL;
	*end &= ~(HUGE - 1);
	return 0;
}

/* ksm_madvise(): which VMAs KSM would scan. */
static bool ksm_compatible(uint64_t vm_flags)
{
	return !(vm_flags & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |
			     VM_HUGETLB | VM_MIXEDMAP));
}

int madvise_vma_check(int behavior, uint64_t vm_flags, bool has_object, uint64_t start,
		      uint64_t *end, uint64_t *new_flags)
{
	uint64_t nf = vm_flags;

	switch (behavior) {
	case K_MADV_WILLNEED:
		break;
	case K_MADV_COLD:
	case K_MADV_PAGEOUT:
		if (vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB))
			return -K_EINVAL; /* can_madv_lru_vma() */
		break;
	case K_MADV_FREE:
	case K_MADV_DONTNEED:
	case K_MADV_DONTNEED_LOCKED: {
		int err = dontneed_free_check(behavior, vm_flags, has_object, start, end);

		if (err)
			return err;
		break;
	}
	case K_MADV_NORMAL:
		nf &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case K_MADV_SEQUENTIAL:
		nf = (nf & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case K_MADV_RANDOM:
		nf = (nf & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case K_MADV_DONTFORK:
		nf |= VM_DONTCOPY;
		break;
	case K_MADV_DOFORK:
		if (nf & VM_IO)
			return -K_EINVAL;
		nf &= ~VM_DONTCOPY;
		break;
	case K_MADV_WIPEONFORK:
		if (has_object || (nf & VM_SHARED))
			return -K_EINVAL;
		nf |= VM_WIPEONFORK;
		break;
	case K_MADV_KEEPONFORK:
		nf &= ~VM_WIPEONFORK;
		break;
	case K_MADV_DONTDUMP:
		nf |= VM_DONTDUMP;
		break;
	case K_MADV_DODUMP:
		if (!(nf & VM_HUGETLB) && (nf & VM_SPECIAL))
			return -K_EINVAL;
		nf &= ~VM_DONTDUMP;
		break;
	case K_MADV_MERGEABLE:
		if (ksm_compatible(nf))
			nf |= VM_MERGEABLE;
		break;
	case K_MADV_UNMERGEABLE:
		nf &= ~VM_MERGEABLE;
		break;
	case K_MADV_HUGEPAGE:
		nf = (nf & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case K_MADV_NOHUGEPAGE:
		nf = (nf & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	default:
		return -K_EINVAL;
	}
	*new_flags = nf;
	return 0;
}

int mincore_check(uint64_t addr, uint64_t len, uint64_t task_size, uint64_t *pages)
{
	/* sys_mincore(): access_ok() on the range is ENOMEM, not EFAULT */
	if (addr & (PAGE - 1))
		return -K_EINVAL;
	if (addr + len < addr || addr + len > task_size)
		return -K_ENOMEM;
	*pages = len / PAGE + ((len & (PAGE - 1)) != 0);
	return 0;
}

int mlock_check(uint64_t addr, uint64_t len, unsigned flags, bool is_lock,
		const struct mm_limits *l,
		uint64_t (*locked_in_range)(void *ctx, uint64_t start, uint64_t end), void *ctx,
		uint64_t *start, uint64_t *end)
{
	uint64_t s, rounded;

	if (is_lock) {
		/* sys_mlock2(), do_mlock() */
		if (flags & ~(unsigned)K_MLOCK_ONFAULT)
			return -K_EINVAL;
		if (!can_do_mlock(l))
			return -K_EPERM;
	}
	rounded = round_up(len + (addr & (PAGE - 1)), PAGE);
	s = addr & ~(PAGE - 1);
	if (is_lock && !l->cap_ipc_lock) {
		uint64_t limit = l->memlock_limit / PAGE;
		uint64_t locked = rounded / PAGE + l->locked_pages;

		if (locked > limit)
			locked -= locked_in_range(ctx, s, s + rounded);
		if (locked > limit)
			return -K_ENOMEM;
	}
	/* apply_vma_lock_flags() */
	if (s + rounded < s)
		return -K_EINVAL;
	*start = s;
	*end = s + rounded;
	return 0;
}

int mlockall_check(int flags, const struct mm_limits *l)
{
	const int known = K_MCL_CURRENT | K_MCL_FUTURE | K_MCL_ONFAULT;

	if (!flags || (flags & ~known) || flags == K_MCL_ONFAULT)
		return -K_EINVAL;
	if (!can_do_mlock(l))
		return -K_EPERM;
	if ((flags & K_MCL_CURRENT) && l->total_pages > l->memlock_limit / PAGE && !l->cap_ipc_lock)
		return -K_ENOMEM;
	return 0;
}

int mremap_check(uint64_t addr, uint64_t *old_len, uint64_t *new_len, uint64_t flags,
		 uint64_t new_addr, uint64_t task_size)
{
	/* do_mremap(), check_mremap_params() */
	uint64_t ol = round_up(*old_len, PAGE), nl = round_up(*new_len, PAGE);

	*old_len = ol;
	*new_len = nl;
	if (flags & ~(uint64_t)(K_MREMAP_FIXED | K_MREMAP_MAYMOVE | K_MREMAP_DONTUNMAP))
		return -K_EINVAL;
	if (addr & (PAGE - 1))
		return -K_EINVAL;
	if (!nl || nl > task_size)
		return -K_EINVAL;
	if (!(flags & (K_MREMAP_FIXED | K_MREMAP_DONTUNMAP)))
		return 0;
	if (new_addr > task_size - nl || (new_addr & (PAGE - 1)))
		return -K_EINVAL;
	if (!(flags & K_MREMAP_MAYMOVE))
		return -K_EINVAL;
	if ((flags & K_MREMAP_DONTUNMAP) && ol != nl)
		return -K_EINVAL;
	/* vrm_overlaps() */
	if (addr < new_addr + nl && new_addr < addr + ol)
		return -K_EINVAL;
	return 0;
}

int mremap_vma_check(const struct vma *vma, uint64_t addr, uint64_t *old_len, uint64_t *new_len,
		     uint64_t flags, const struct mm_limits *l, bool expand_ok)
{
	/* check_prep_vma() */
	uint64_t ol, nl, pgoff;

	if (!vma)
		return -K_EFAULT;
	if (vma->flags & VM_HUGETLB) {
		/* align_hugetlb(): huge mappings move or shrink, never grow */
		*old_len = round_up(*old_len, HUGE);
		*new_len = round_up(*new_len, HUGE);
		if ((addr & (HUGE - 1)) || *new_len > *old_len)
			return -K_EINVAL;
	}
	ol = *old_len;
	nl = *new_len;
	if (nl <= ol && !(flags & (K_MREMAP_FIXED | K_MREMAP_DONTUNMAP)))
		return 0;
	if (!ol && !(vma->flags & (VM_SHARED | VM_MAYSHARE)))
		return -K_EINVAL;
	if ((flags & K_MREMAP_DONTUNMAP) && (vma->flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -K_EINVAL;
	if (nl < ol)
		ol = nl; /* a shrink may cross into the next VMA; the move may not */
	if (ol > vma->end - addr)
		return -K_EFAULT;
	if (nl == ol)
		return 0;
	pgoff = (addr - vma->start) / PAGE + vma->pgoff;
	if (pgoff + nl / PAGE < pgoff)
		return -K_EINVAL;
	if (vma->flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -K_EFAULT;
	if (!mlock_future_ok(l, vma->flags & VM_LOCKED, nl - ol))
		return -K_EAGAIN;
	if (!expand_ok)
		return -K_ENOMEM;
	return 0;
}
