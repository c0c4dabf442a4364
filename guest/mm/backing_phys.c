// SPDX-License-Identifier: MIT
/*
 * Physical memory as QNX maps it (include/pagelab/mman.h):
 *
 *   MAP_PHYS, fd NOFD   the offset is a physical address: RAM, the VGA
 *                       memory, the BIOS ROM or the device window. The
 *                       frames belong to whoever owns them (the kernel, the
 *                       host, another process), so they are DEVICE frames
 *                       here: never counted, copied or freed, mapped as
 *                       Linux maps /dev/mem (VM_IO | VM_PFNMAP).
 *   MAP_PHYS|MAP_ANON   a physically contiguous, zero-filled block of fresh
 *                       RAM (a DMA buffer). Its frames are PINNED: ordinary
 *                       reference-counted RAM that the kernel never moves
 *                       while it is mapped, so mem_offset() gives the same
 *                       answer for the mapping's life. The block belongs to
 *                       the backing; fork shares it, and it is freed when
 *                       the last mapping of any part of it goes.
 *
 * Both map shared: stores reach the memory (QNX maps physical memory that
 * way whatever MAP_PRIVATE says; a private copy of a device register or a
 * DMA buffer would be useless).
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/vm.h>

struct phys_backing {
	struct backing b;	   /* first */
	u64 base_pfn;		   /* page index 0 of the backing */
	u64 npages;		   /* MAP_PHYS|MAP_ANON: the block it owns */
	struct phys_backing *next; /* the live contiguous blocks, for physmap */
};

static struct phys_backing *contig_blocks;

void contig_for_each(void (*fn)(void *arg, u64 base_pfn, u64 npages), void *arg)
{
	for (struct phys_backing *p = contig_blocks; p; p = p->next)
		fn(arg, p->base_pfn, p->npages);
}

static struct phys_backing *to_phys(struct backing *b)
{
	return (struct phys_backing *)b;
}

static u64 phys_lookup(struct backing *b, u64 index)
{
	return to_phys(b)->base_pfn + index;
}

static int phys_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
		      struct fault_info *fi)
{
	u64 pfn = phys_lookup(b, v->pgoff + (page - v->start) / PAGE_SIZE);

	(void)error;
	(void)fi;
	*pte = pte_for(pfn, v->prot, v->prot & VM_PROT_WRITE);
	return 0;
}

/* The child finds the same frames through the backing at its first touch. */
static int phys_fork(struct mm *child, struct mm *parent, const struct vma *v)
{
	(void)child;
	(void)parent;
	(void)v;
	return 0;
}

static void clear_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	(void)arg;
	*pte = 0; /* no reference to drop: the frame is not the mapping's */
	mm_flush_page(mm, va);
}

static void phys_unmap(struct mm *mm, const struct vma *piece)
{
	pt_walk(mm, piece->start, piece->end, clear_leaf, NULL);
}

static void phys_get(struct backing *b)
{
	b->refcount++;
}

static void phys_put(struct backing *b)
{
	struct phys_backing *p = to_phys(b);

	if (--b->refcount)
		return;
	backing_typed_release(b);
	for (struct phys_backing **pp = &contig_blocks; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	for (u64 i = 0; i < p->npages; i++)
		frame_put(p->base_pfn + i); /* the block's own references */
	kfree(p);
}

static const struct backing_ops phys_ops = {
	.frames = BACKING_DEVICE,
	.fault = phys_fault,
	.lookup = phys_lookup,
	.fork = phys_fork,
	.unmap = phys_unmap,
	.get = phys_get,
	.put = phys_put,
};

/* The block's frames are counted: each mapping holds a reference, as for any RAM. */
static int contig_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
			struct fault_info *fi)
{
	u64 pfn = phys_lookup(b, v->pgoff + (page - v->start) / PAGE_SIZE);

	(void)error;
	(void)fi;
	frame_get(pfn);
	*pte = pte_for(pfn, v->prot, v->prot & VM_PROT_WRITE);
	return 0;
}

static const struct backing_ops contig_ops = {
	.frames = BACKING_PINNED,
	.fault = contig_fault,
	.lookup = phys_lookup,
	.fork = backing_fork_copy,
	.unmap = backing_unmap_frames,
	.get = phys_get,
	.put = phys_put,
};

static struct phys_backing *phys_alloc(const struct backing_ops *ops, u64 base_pfn, u64 npages)
{
	struct phys_backing *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	*p = (struct phys_backing){ .b = { .ops = ops,
					   .kind =
					       ops == &contig_ops ? BACKING_CONTIG : BACKING_PHYS,
					   .refcount = 1 },
				    .base_pfn = base_pfn,
				    .npages = npages };
	return p;
}

struct backing *phys_backing_new(u64 pa)
{
	struct phys_backing *p = phys_alloc(&phys_ops, pa / PAGE_SIZE, 0);

	return p ? &p->b : NULL;
}

struct backing *contig_backing_new(u64 len, unsigned fa_flags, int *err)
{
	u64 npages = len / PAGE_SIZE, pfn = frame_alloc_contig(npages, fa_flags);
	struct phys_backing *p;

	*err = -ENOMEM;
	if (pfn == FRAME_NONE)
		return NULL;
	p = phys_alloc(&contig_ops, pfn, npages);
	if (!p) {
		frame_free_pages(pfn, npages);
		return NULL;
	}
	zero_new_frames(pfn, npages);
	p->next = contig_blocks;
	contig_blocks = p;
	*err = 0;
	return &p->b;
}
