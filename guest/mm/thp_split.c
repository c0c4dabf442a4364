// SPDX-License-Identifier: MIT
/*
 * Splitting a transparent huge page's 2 MiB leaf into 512 small leaves
 * (Linux's __split_huge_pmd()): the same frames, the same permission,
 * accessed and dirty bits, and the same references (thp.c), in the page
 * table deposited for the leaf when it was made. Contents and RSS do not
 * change; AnonHugePages drops by 2 MiB for the process that split.
 *
 * Linux splits where an operation cuts a huge page: a VMA boundary inside
 * it (vma_adjust_trans_huge(), here the VMA tree's split hook), a partial
 * munmap, mprotect, mremap or MADV_DONTNEED (pt.c's splitting walk), and a
 * store to a huge page that fork shares (thp.c).
 */
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/thp.h>

#define TABLE_BITS (PTE_P | PTE_W | PTE_U)

void thp_split_leaf(struct mm *mm, u64 haddr, u64 *pde)
{
	u64 leaf = *pde, head = (leaf & PTE_ADDR) >> PAGE_SHIFT, table = thp_deposit_take();
	u64 bits = leaf & ~(PTE_ADDR | PTE_PS | PTE_THP), *pte = frame_to_virt(table);

	for (u64 i = 0; i < HUGE_PAGE_FRAMES; i++)
		pte[i] = (head + i) << PAGE_SHIFT | bits;
	*pde = table << PAGE_SHIFT | TABLE_BITS;
	/* The TLB may hold the 2 MiB translation: x86 wants it gone before small ones are used. */
	mm_flush_page(mm, haddr);
	thp_leaf_gone(head);
	thp_stats.split_pmd++;
}

void thp_split_at(struct mm *mm, u64 addr)
{
	u64 *pde;

	if (!(addr & (HUGE_PAGE_SIZE - 1)))
		return;
	pde = pt_pde(mm->pml4_pa, addr, false);
	if (pde && (*pde & (PTE_PS | PTE_THP)) == (PTE_PS | PTE_THP) && pte_present(*pde))
		thp_split_leaf(mm, ALIGN_DOWN(addr, HUGE_PAGE_SIZE), pde);
}
