// SPDX-License-Identifier: MIT
/*
 * QNX's mem_offset(addr, NOFD, len, &offset, &contig_len): the physical
 * address behind a virtual one, and how many bytes from there are
 * physically contiguous (at most len). As QNX does, a page not present
 * yet is faulted in first, and a private writable page gets its own copy
 * (a shared copy-on-write frame would move on the next store).
 *
 * Errors: fd other than NOFD -> EINVAL (QNX: "must be NOFD, or the function
 * fails"); addr not mapped, or nothing can be had there (PROT_NONE, past
 * the end of a file) -> EACCES, QNX's "the process hasn't mapped memory at
 * addr"; out of memory while faulting -> ENOMEM; a bad result pointer ->
 * EFAULT.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/mman.h>
#include <kernel/paging.h>
#include <kernel/plsys.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/fault.h>
#include <kernel/hugetlb.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/vm.h>

#define NOFD (-1)

/*
 * The leaf for va as it will stay: present, and not shared copy-on-write
 * where the process may write. 0, -EACCES (nothing can be had there) or
 * -ENOMEM.
 */
static int settled_leaf(struct mm *mm, const struct vma *v, u64 va, u64 **leaf)
{
	bool write = (v->prot & VM_PROT_WRITE) && !(v->flags & VM_SHARED);
	u64 *pte = pt_leaf(mm->pml4_pa, va, false);
	struct fault_info fi;
	int sig;

	if (pte && pte_present(*pte) &&
	    (!write || (*pte & PTE_W) || !(v->prot & (VM_PROT_READ | VM_PROT_EXEC)))) {
		*leaf = pte;
		return 0;
	}
	if (!(v->prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)))
		return -EACCES; /* PROT_NONE and never touched */
	sig = vm_fault(mm, va, PF_ERR_USER | (write ? PF_ERR_WRITE : 0), &fi);
	if (sig)
		return sig == SIGKILL ? -ENOMEM : -EACCES;
	pte = pt_leaf(mm->pml4_pa, va, false);
	if (!pte || !pte_present(*pte))
		return -EACCES;
	*leaf = pte;
	return 0;
}

/* kernel/mman.h */
int user_va_to_pa(struct mm *mm, u64 va, u64 *pa)
{
	const struct vma *v = va < USER_TOP ? vma_find(&mm->vmas, va) : NULL;
	u64 *pte;
	int err;

	if (!v)
		return -EACCES;
	if (v->flags & VM_PFNMAP) { /* MAP_PHYS: the backing knows, nothing to fault */
		struct backing *b = backing_of(v);

		*pa = (b->ops->lookup(b, v->pgoff + (va - v->start) / PAGE_SIZE) << PAGE_SHIFT) +
		      (va & (PAGE_SIZE - 1));
		return 0;
	}
	err = settled_leaf(mm, v, va & ~(PAGE_SIZE - 1), &pte);
	if (err)
		return err;
	if (*pte & PTE_PS)
		*pa = (*pte & PTE_ADDR & ~(HUGE_PAGE_SIZE - 1)) + (va & (HUGE_PAGE_SIZE - 1));
	else
		*pa = (*pte & PTE_ADDR) + (va & (PAGE_SIZE - 1));
	return 0;
}

static long sys_mem_offset(u64 addr, u64 fd, u64 len, u64 uoffset, u64 ucontig)
{
	struct mm *mm = current->mm;
	u64 pa, next_pa, contig;
	int err;

	if ((int)fd != NOFD)
		return -EINVAL;
	err = user_va_to_pa(mm, addr, &pa);
	if (err)
		return err;
	/* Page by page while the frames follow each other. */
	contig = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
	while (contig < len && addr + contig > addr &&
	       !user_va_to_pa(mm, addr + contig, &next_pa) && next_pa == pa + contig)
		contig += PAGE_SIZE;
	contig = MIN(contig, len);
	if (uoffset && copy_to_user(uoffset, &pa, sizeof(pa)))
		return -EFAULT;
	if (ucontig && copy_to_user(ucontig, &contig, sizeof(contig)))
		return -EFAULT;
	return 0;
}
SYSCALL(mem_offset, sys_mem_offset, "pdupp");
