// SPDX-License-Identifier: MIT
/*
 * Contiguous memory under fragmentation, as Linux's compaction and CMA do
 * it and QNX does not: when no free block is large enough for a
 * MAP_PHYS|MAP_ANON (or SHMCTL_PHYS, typed ALLOCATE_CONTIG) request, the
 * kernel picks the aligned block whose frames are all either free or
 * movable, copies every movable page elsewhere, repoints every page-table
 * entry that maps it, and allocates the block it emptied.
 *
 * Movable: a frame of private anonymous memory whose references are all
 * page-table entries (found by walking every address space: pagelab keeps
 * no reverse map, and this is rare). Never moved: locked memory (mlock),
 * huge pages, MAP_PHYS and contiguous blocks, typed memory, and anything
 * the kernel holds (file pages, page tables, its heap).
 */
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>

u64 contig_migrated_pages;

struct scan {
	u8 *count;  /* page-table references per frame (saturating) */
	u8 *pinned; /* bit: mapped somewhere it must not move */
	u8 *free;   /* bit: in the free lists */
	u64 nr;
	/* the migration: block [start, start + n), its frames' new homes */
	u64 start, n, *moved_to;
};

static bool bit(const u8 *b, u64 i)
{
	return b[i / 8] & (1 << (i % 8));
}

static void pin_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct scan *s = arg;
	u64 pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;

	(void)mm;
	(void)va;
	for (u64 i = pfn; i < pfn + (*pte & PTE_PS ? 512 : 1) && i < s->nr; i++)
		s->pinned[i / 8] |= 1 << (i % 8);
}

static void count_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct scan *s = arg;
	u64 pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;

	if (*pte & PTE_PS) { /* a transparent huge page stays where it is, whole */
		pin_leaf(mm, va, pte, arg);
		return;
	}
	if (pfn < s->nr && s->count[pfn] < 255)
		s->count[pfn]++;
}

static bool vma_movable(const struct vma *v)
{
	return !v->obj &&
	       !(v->flags & (VM_PFNMAP | VM_IO | VM_HUGETLB | VM_LOCKED | VM_LOCKONFAULT));
}

static void for_each_mm_vma(void (*fn)(struct mm *, struct vma *, void *), void *arg)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state == PROC_UNUSED || p->state == PROC_ZOMBIE || !p->mm)
			continue;
		for (struct vma *v = p->mm->vmas.first; v; v = v->next)
			fn(p->mm, v, arg);
	}
}

static void scan_vma(struct mm *mm, struct vma *v, void *arg)
{
	if (v->flags & (VM_PFNMAP | VM_IO))
		return; /* not the process's frames */
	pt_walk(mm, v->start, v->end, vma_movable(v) ? count_leaf : pin_leaf, arg);
}

static bool movable(const struct scan *s, u64 pfn)
{
	const struct frame *f = frame_desc(pfn);

	return f && s->count[pfn] && !bit(s->pinned, pfn) && f->refcount == s->count[pfn];
}

/* The aligned block of n frames with the fewest movable ones and no others in use. */
static u64 pick_block(const struct scan *s, u64 n, unsigned fa_flags)
{
	u64 hi = fa_flags & FA_BELOW16M ? MIN(s->nr, FRAME_DMA_LIMIT_PFN) : s->nr;
	u64 best = FRAME_NONE, best_moves = UINT64_MAX;

	for (u64 start = 0; start + n <= hi; start += n) {
		u64 moves = 0, i;

		for (i = start; i < start + n; i++) {
			if (bit(s->free, i))
				continue;
			if (!movable(s, i))
				break;
			moves++;
		}
		if (i == start + n && moves < best_moves) {
			best = start;
			best_moves = moves;
		}
	}
	return best;
}

/* A frame outside the block; the free ones inside it that come first are kept in stash. */
static u64 frame_outside(struct scan *s, u64 *stash, u64 *nstash)
{
	for (;;) {
		u64 pfn = frame_alloc(0);

		if (pfn == FRAME_NONE || pfn < s->start || pfn >= s->start + s->n)
			return pfn;
		stash[(*nstash)++] = pfn;
	}
}

struct move_arg {
	struct scan *s;
	u64 *stash, nstash;
	bool failed;
};

static void move_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct move_arg *m = arg;
	struct scan *s = m->s;
	u64 old = (*pte & PTE_ADDR) >> PAGE_SHIFT, idx = old - s->start, *to;

	if (old < s->start || old >= s->start + s->n || m->failed)
		return;
	to = &s->moved_to[idx];
	if (*to == 0) {
		*to = frame_outside(s, m->stash, &m->nstash);
		if (*to == FRAME_NONE) {
			*to = 0;
			m->failed = true;
			return;
		}
		memcpy(frame_to_virt(*to), frame_to_virt(old), PAGE_SIZE);
		contig_migrated_pages++;
	} else {
		frame_get(*to);
	}
	*pte = (*pte & ~PTE_ADDR) | (*to << PAGE_SHIFT);
	frame_put(old);
	mm_flush_page(mm, va);
}

static void move_vma(struct mm *mm, struct vma *v, void *arg)
{
	if (vma_movable(v))
		pt_walk(mm, v->start, v->end, move_leaf, arg);
	mm_flush_commit(mm);
}

/* Empties a block of n frames by moving its movable pages; false if there is none. */
static bool make_room(u64 n, unsigned fa_flags)
{
	struct scan s = { .nr = frame_total_count() ? boot_info.max_phys / PAGE_SIZE : 0, .n = n };
	struct move_arg m = { .s = &s };
	bool done = false;

	s.count = kzalloc(s.nr);
	s.pinned = kzalloc(s.nr / 8 + 1);
	s.free = kzalloc(s.nr / 8 + 1);
	s.moved_to = kzalloc(n * sizeof(u64));
	m.stash = kzalloc(n * sizeof(u64));
	if (s.count && s.pinned && s.free && s.moved_to && m.stash) {
		frame_mark_free(s.free, s.nr);
		for_each_mm_vma(scan_vma, &s);
		s.start = pick_block(&s, n, fa_flags);
		if (s.start != FRAME_NONE) {
			for_each_mm_vma(move_vma, &m);
			done = !m.failed;
		}
	}
	for (u64 i = 0; m.stash && i < m.nstash; i++)
		frame_put(m.stash[i]);
	kfree(s.count);
	kfree(s.pinned);
	kfree(s.free);
	kfree(s.moved_to);
	kfree(m.stash);
	return done;
}

u64 frame_alloc_contig(u64 npages, unsigned fa_flags)
{
	u64 pfn = frame_alloc_pages(npages, fa_flags), n = 1;

	if (pfn != FRAME_NONE || !npages || npages > frame_total_count())
		return pfn;
	while (n < npages)
		n <<= 1;
	if (!make_room(n, fa_flags))
		return FRAME_NONE;
	return frame_alloc_pages(npages, fa_flags);
}
