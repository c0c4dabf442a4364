// SPDX-License-Identifier: MIT
/*
 * What every backing of reference-counted RAM shares (backing.h): how
 * fork copies its page-table entries and how munmap drops them, and the
 * two ways a fault on it can fail.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/paging.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/signo.h>

u64 backing_vm_flags(const struct backing *b)
{
	/* Device memory has no struct frame: nothing to count, copy or grow (Linux's remap_pfn_range()). */
	if (b->ops->frames == BACKING_DEVICE)
		return VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	return 0;
}

int backing_fork_copy(struct mm *child, struct mm *parent, const struct vma *v)
{
	return pt_copy(child, parent, v->start, v->end, v->flags & VM_SHARED) ? -ENOMEM : 0;
}

void backing_unmap_frames(struct mm *mm, const struct vma *piece)
{
	pt_unmap(mm, piece->start, piece->end);
}

int backing_sigbus(struct fault_info *fi, u64 addr)
{
	fi->code = BUS_ADRERR;
	fi->addr = addr;
	return SIGBUS;
}

/* Out of memory: Linux's OOM killer would pick the faulting process, too. */
int backing_oom(struct fault_info *fi, u64 addr)
{
	fi->code = SI_KERNEL;
	fi->addr = addr;
	return SIGKILL;
}
