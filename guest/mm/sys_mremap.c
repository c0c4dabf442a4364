// SPDX-License-Identifier: MIT
/*
 * mremap: shrink in place, grow in place when the pages after the mapping
 * are free, or move (MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP). A move
 * carries the page-table entries over to the new place (pt_move()), so no
 * data is copied, as on Linux. Argument checks are mmap_check_vma.c's, in
 * Linux's order; the steps follow mm/mremap.c's do_mremap().
 *
 * A move allocates everything it needs (the split of the old mapping, the
 * new VMA, page tables) before the point where the old range goes, so
 * running out of memory returns ENOMEM with the mapping where it was.
 */
#include <kernel/backing.h>
#include <kernel/commit.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/mm.h>
#include <kernel/mman.h>
#include <kernel/mmap_check.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/syscall.h>

#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)

struct remap {
	struct mm *mm;
	struct vma *vma; /* the VMA holding addr */
	u64 addr, old_len, new_len, new_addr, flags;
};

static u64 pages(u64 len)
{
	return len >> PAGE_SHIFT;
}

/* munmap of [start, end), huge pages kept whole. */
static int unmap(struct mm *mm, u64 start, u64 end)
{
	int err = hugetlb_split_check(mm, start, end);

	if (!err)
		err = vma_unmap_range(&mm->vmas, start, end, mm_unmap_piece, mm);
	return err;
}

/* Make [addr, addr + len) a VMA of its own; *vma becomes it. Nothing changes on failure. */
static int isolate(struct mm *mm, struct vma **vma, u64 addr, u64 len)
{
	struct vma *v = *vma, *piece = v;

	if (v->start < addr && !(piece = vma_split(&mm->vmas, v, addr)))
		return -ENOMEM;
	if (piece->end > addr + len && !vma_split(&mm->vmas, piece, addr + len)) {
		vma_merge(&mm->vmas, piece); /* undo the first split */
		return -ENOMEM;
	}
	*vma = piece;
	return 0;
}

/* The VMA for the new place: the old one's attributes, its own object reference. */
static int new_vma(struct remap *r, const struct vma *v, struct vma **out)
{
	if (v->obj)
		backing_get(v->obj);
	*out = vma_new(&r->mm->vmas, r->new_addr, r->new_addr + r->new_len, v->prot, v->flags,
		       v->obj, v->pgoff + pages(r->addr - v->start));
	if (*out)
		return 0;
	if (v->obj)
		backing_put(v->obj);
	return -ENOMEM;
}

/*
 * The old range as a VMA of its own (*v), a new VMA for the new place
 * (*nv, not yet inserted), and the page-table entries moved over to it.
 */
static int move_entries(struct remap *r, struct vma **v, struct vma **nv)
{
	struct mm *mm = r->mm;
	int err = r->old_len ? isolate(mm, v, r->addr, r->old_len) : 0;

	if (err)
		return err;
	err = new_vma(r, *v, nv);
	if (err)
		return err;
	err = pt_move(mm, r->addr, r->new_addr, MIN(r->old_len, r->new_len));
	if (err) {
		vma_free(&mm->vmas, *nv); /* drops the reference new_vma() took */
		vma_merge(&mm->vmas, *v); /* undo the isolation */
	}
	return err;
}

/*
 * move_vma(): the old range (made a VMA of its own) hands its entries to a
 * new VMA at new_addr, then goes, or with MREMAP_DONTUNMAP stays, empty and
 * unlocked. Charged: the growth, or all of the new VMA when the old stays.
 */
static long move(struct remap *r)
{
	struct mm *mm = r->mm;
	struct vma *v = r->vma, *nv = NULL;
	bool keep_old = r->flags & MREMAP_DONTUNMAP;
	u64 charge = commit_vma_pages(v->flags, r->new_addr, r->new_addr + r->new_len);
	u64 freed = keep_old ? 0 : commit_vma_pages(v->flags, r->addr, r->addr + r->old_len);
	int err;

	if (!commit_charge(charge, freed))
		return -ENOMEM;
	err = move_entries(r, &v, &nv);
	if (err) {
		commit_uncharge(charge);
		return err;
	}
	vma_insert(&mm->vmas, nv); /* the range is free: cannot fail */
	nv = vma_merge(&mm->vmas, nv);
	if (keep_old) {
		v->flags &= ~VM_LOCKED_MASK;
		vma_merge(&mm->vmas, v);
	} else if (r->old_len) {
		/* Exactly one VMA: no split, no allocation, no failure. */
		vma_unmap_range(&mm->vmas, r->addr, r->addr + r->old_len, mm_unmap_piece, mm);
	}
	if ((nv->flags & VM_LOCKED) && r->new_len > r->old_len)
		mm_populate(mm, r->new_addr + r->old_len, r->new_addr + r->new_len, true);
	return (long)r->new_addr;
}

/* vrm_set_new_addr(): MREMAP_FIXED's address, or a free area (new_addr a hint). */
static int new_place(struct remap *r)
{
	u64 align = (r->vma->flags & VM_HUGETLB) ? HUGE_PAGE_SIZE : PAGE_SIZE;
	u64 hint = r->new_addr >= MC_MIN_ADDR ? r->new_addr : 0;
	s64 at;

	if (r->flags & MREMAP_FIXED)
		return (r->new_addr & (align - 1)) ? -EINVAL : 0;
	at = mm_get_area(r->mm, (r->flags & MREMAP_DONTUNMAP) ? hint : 0, r->new_len, align);
	if (at < 0)
		return (int)at;
	r->new_addr = (u64)at;
	return 0;
}

/* mremap_to(): MREMAP_FIXED clears the target first, then a shrink, then the move. */
static long remap_to(struct remap *r)
{
	int err;

	if (r->flags & MREMAP_FIXED) {
		err = unmap(r->mm, r->new_addr, r->new_addr + r->new_len);
		if (err)
			return err;
		/* The target may have been part of the same VMA. */
		r->vma = vma_find(&r->mm->vmas, r->addr);
		if (!r->vma)
			return -EFAULT;
	}
	if (r->new_len < r->old_len) {
		err = unmap(r->mm, r->addr + r->new_len, r->addr + r->old_len);
		if (err)
			return err;
		r->old_len = r->new_len;
		r->vma = vma_find(&r->mm->vmas, r->addr);
	}
	err = new_place(r);
	if (err)
		return err;
	return move(r);
}

static bool expandable(struct remap *r, u64 delta)
{
	u64 end = r->vma->end + delta;

	return end > r->vma->end && end <= USER_TOP &&
	       vma_range_free(&r->mm->vmas, r->vma->end, end);
}

/* expand_vma_in_place(): the whole VMA grows; a locked one gets its new pages now. */
static long grow_in_place(struct remap *r, u64 delta)
{
	struct vma *v = r->vma;
	u64 old_end = v->end, charge = commit_vma_pages(v->flags, old_end, old_end + delta);

	if (!commit_charge(charge, 0))
		return -ENOMEM;
	if (vma_adjust(&r->mm->vmas, v, v->start, old_end + delta)) {
		commit_uncharge(charge);
		return -ENOMEM;
	}
	v = vma_merge(&r->mm->vmas, v);
	if (v->flags & VM_LOCKED)
		mm_populate(r->mm, old_end, old_end + delta, true);
	return (long)r->addr;
}

/* expand_vma(): in place if the mapping ends at the VMA's end and room follows, else move. */
static long expand(struct remap *r)
{
	u64 delta = r->new_len - r->old_len;
	int err;

	if (r->old_len == r->vma->end - r->addr && expandable(r, delta))
		return grow_in_place(r, delta);
	if (!(r->flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	err = new_place(r);
	if (err)
		return err;
	return move(r);
}

static long do_mremap(struct remap *r)
{
	struct mm_limits l;
	int err = mremap_check(r->addr, &r->old_len, &r->new_len, r->flags, r->new_addr, USER_TOP);

	if (err)
		return err;
	mm_fill_limits(r->mm, &l);
	if (!l.cap_ipc_lock)
		l.locked_pages = mm_locked_pages(r->mm, 0, USER_TOP);
	r->vma = vma_find(&r->mm->vmas, r->addr);
	/* No RLIMIT_AS here: growth is always within it. */
	err = mremap_vma_check(r->vma, r->addr, &r->old_len, &r->new_len, r->flags, &l, true);
	if (err)
		return err;
	if (r->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return remap_to(r);
	if (r->new_len == r->old_len)
		return (long)r->addr;
	if (r->new_len < r->old_len) {
		err = unmap(r->mm, r->addr + r->new_len, r->addr + r->old_len);
		return err ? err : (long)r->addr;
	}
	return expand(r);
}

static long sys_mremap(u64 addr, u64 old_len, u64 new_len, u64 flags, u64 new_addr)
{
	struct remap r = { current->mm, NULL, addr, old_len, new_len, new_addr, flags };
	long ret = do_mremap(&r);

	mm_flush_commit(r.mm);
	return ret;
}

SYSCALL(mremap, sys_mremap, "pxxxp");
