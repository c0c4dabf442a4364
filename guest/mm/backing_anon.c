// SPDX-License-Identifier: MIT
/*
 * Private anonymous memory: the heap, the stack, ELF bss and
 * MAP_PRIVATE|MAP_ANONYMOUS. Nothing stands behind it: a page exists once
 * the process touches it, as a fresh zeroed frame (demand-zero), and
 * belongs to the page table alone. Its VMAs carry no object, so there is
 * nothing to count and nothing to look up (mincore sees only what is
 * mapped).
 */
#include <kernel/backing.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/vm.h>

static int anon_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
		      struct fault_info *fi)
{
	u64 pfn = frame_alloc(0);

	(void)b;
	(void)error; /* a load gets its own zeroed page too: there is no shared zero page */
	if (pfn == FRAME_NONE)
		return backing_oom(fi, page);
	/*
	 * Zeroed: the previous owner's data must never reach this process,
	 * unless it asked for MAP_NOINIT and the kernel runs with `noinit`
	 * (QNX's procnto option): an information leak by design.
	 */
	if (!(v->flags & VM_NOINIT) || !mm_noinit)
		zero_new_frames(pfn, 1);
	*pte = pte_for(pfn, v->prot, v->prot & VM_PROT_WRITE);
	return 0;
}

static u64 anon_lookup(struct backing *b, u64 index)
{
	(void)b;
	(void)index;
	return FRAME_NONE;
}

static const struct backing_ops anon_ops = {
	.frames = BACKING_MOVABLE,
	.fault = anon_fault,
	.lookup = anon_lookup,
	.fork = backing_fork_copy,
	.unmap = backing_unmap_frames,
};

bool mm_noinit;

/* One for every anonymous VMA: backing_of() returns it where vma->obj is NULL. */
struct backing anon_backing = { .ops = &anon_ops, .kind = BACKING_ANON };
