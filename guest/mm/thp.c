// SPDX-License-Identifier: MIT
/*
 * Transparent huge pages: the policy, the first-touch fault and the
 * references of a 2 MiB leaf (the splitting is thp_split.c's).
 *
 * A transparent huge page is 512 frames from one order-9 buddy block. Its
 * leaf (PTE_PS | PTE_THP) holds one reference on each of them, so fork
 * takes 512 references and splitting the leaf into 512 small leaves moves
 * each reference to its small leaf unchanged: after a split the frames are
 * ordinary 4 KiB pages for everything else in the kernel. The first frame's
 * `private` counts the 2 MiB leaves of the page (Linux's entire mapcount),
 * which is what AnonHugePages in /proc/meminfo counts.
 *
 * Every 2 MiB leaf has a page table deposited for it at the moment it is
 * made (Linux's pgtable_trans_huge_deposit()), so splitting it later (in
 * munmap, mprotect, a fault) allocates nothing and cannot fail. The
 * deposits are one pool, a list threaded through the frames' `private`.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/signo.h>
#include <kernel/string.h>
#include <kernel/thp.h>
#include <kernel/vm.h>
#include <kernel/vmstat.h>

enum thp_mode thp_mode = THP_ALWAYS;		 /* Debian's CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS=y */
enum thp_defrag thp_defrag = THP_DEFRAG_MADVISE; /* Linux's default */
struct thp_stats thp_stats;

static u64 deposit_head = FRAME_NONE;

static bool deposit_add(void)
{
	u64 pfn = frame_alloc(0);

	if (pfn == FRAME_NONE)
		return false;
	frame_desc(pfn)->private = deposit_head;
	deposit_head = pfn;
	return true;
}

/* The table split takes; its contents are all overwritten there. */
u64 thp_deposit_take(void)
{
	u64 pfn = deposit_head;

	if (pfn == FRAME_NONE)
		panic("thp: a 2 MiB leaf without its deposited page table");
	deposit_head = frame_desc(pfn)->private;
	frame_desc(pfn)->private = 0;
	return pfn;
}

static void deposit_drop(void)
{
	frame_put(thp_deposit_take());
}

/* The head's count of 2 MiB leaves; AnonHugePages counts pages with at least one. */
static void leaf_added(u64 head)
{
	if (frame_desc(head)->private ++ == 0)
		thp_stats.anon_thps++;
}

void thp_leaf_gone(u64 head)
{
	if (--frame_desc(head)->private == 0)
		thp_stats.anon_thps--;
}

/*
 * vma_is_anonymous() and private: shared anonymous memory is shmem on
 * Linux, whose huge pages have their own switch (shmem_enabled, "never").
 * MAP_NOINIT pages keep old data: they stay small, frame by frame.
 */
bool thp_vma_eligible(const struct mm *mm, const struct vma *v)
{
	if (mm->thp_disabled)
		return false;
	if (v->obj ||
	    (v->flags & (VM_SHARED | VM_HUGETLB | VM_SPECIAL | VM_NOHUGEPAGE | VM_NOINIT)))
		return false;
	if (thp_mode == THP_ALWAYS)
		return true;
	return thp_mode == THP_MADVISE && (v->flags & VM_HUGEPAGE);
}

bool thp_vma_allows(const struct mm *mm, const struct vma *v, u64 haddr)
{
	return haddr >= v->start && haddr + HUGE_PAGE_SIZE <= v->end && thp_vma_eligible(mm, v);
}

/* Direct compaction (here: moving small pages away) only where defrag asks for it. */
static bool defrag_now(const struct vma *v)
{
	switch (thp_defrag) {
	case THP_DEFRAG_ALWAYS:
		return true;
	case THP_DEFRAG_DEFER_MADVISE:
	case THP_DEFRAG_MADVISE:
		return v->flags & VM_HUGEPAGE;
	default:
		return false;
	}
}

static u64 huge_leaf(u64 pfn, u32 prot, bool writable)
{
	return pte_for(pfn, prot, writable) | PTE_PS | PTE_THP;
}

bool thp_exclusive(u64 head)
{
	for (u64 i = 0; i < HUGE_PAGE_FRAMES; i++)
		if (frame_desc(head + i)->refcount != 1)
			return false;
	return true;
}

void thp_unmap_leaf(u64 leaf)
{
	u64 head = (leaf & PTE_ADDR) >> PAGE_SHIFT;

	thp_leaf_gone(head);
	if (thp_exclusive(head)) {
		frame_free_pages(head, HUGE_PAGE_FRAMES);
	} else {
		for (u64 i = 0; i < HUGE_PAGE_FRAMES; i++)
			frame_put(head + i);
	}
	deposit_drop();
}

int thp_share_leaf(u64 leaf)
{
	u64 head = (leaf & PTE_ADDR) >> PAGE_SHIFT;

	if (!deposit_add())
		return -ENOMEM;
	for (u64 i = 0; i < HUGE_PAGE_FRAMES; i++)
		frame_get(head + i);
	leaf_added(head);
	return 0;
}

/*
 * munmap leaves empty page tables behind; Linux frees those of a range no
 * VMA covers, so a new mapping there gets huge pages again. A table with
 * a leaf in it keeps the extent small.
 */
static bool drop_empty_table(struct mm *mm, u64 haddr, u64 *pde)
{
	const u64 *t = phys_to_virt(*pde & PTE_ADDR);

	for (int i = 0; i < 512; i++)
		if (t[i])
			return false;
	frame_put((*pde & PTE_ADDR) >> PAGE_SHIFT);
	*pde = 0;
	mm_flush_page(mm, haddr); /* the paging-structure caches may hold it */
	return true;
}

static u64 alloc_huge(const struct vma *v)
{
	u64 pfn;

	if (!deposit_add())
		return FRAME_NONE;
	pfn = defrag_now(v) ? frame_alloc_contig(HUGE_PAGE_FRAMES, 0)
			    : frame_alloc_pages(HUGE_PAGE_FRAMES, 0);
	if (pfn == FRAME_NONE)
		deposit_drop();
	return pfn;
}

/* do_huge_pmd_anonymous_page(): a zeroed 2 MiB page, writable at once if the VMA is. */
static int fault_new(const struct vma *v, u64 *pde)
{
	u64 pfn = alloc_huge(v);

	if (pfn == FRAME_NONE) {
		thp_stats.fault_fallback++;
		return THP_FALLBACK;
	}
	zero_new_frames(pfn, HUGE_PAGE_FRAMES);
	*pde = huge_leaf(pfn, v->prot, v->prot & VM_PROT_WRITE);
	leaf_added(pfn);
	thp_stats.fault_alloc++;
	return 0;
}

/*
 * A present 2 MiB leaf. A store to a read-only one reuses it when no one
 * else maps any of its frames; otherwise, as Linux since 5.8
 * (do_huge_pmd_wp_page()), the leaf is split and only the small page
 * written is copied.
 */
static int fault_present(struct mm *mm, const struct vma *v, u64 haddr, u64 error, u64 *pde)
{
	u64 head = (*pde & PTE_ADDR) >> PAGE_SHIFT;

	if ((error & PF_ERR_WRITE) && !(*pde & PTE_W)) {
		if (!thp_exclusive(head)) {
			thp_split_leaf(mm, haddr, pde);
			return THP_FALLBACK;
		}
		/* Only the right to write is added: a stale entry can only fault spuriously. */
		*pde = huge_leaf(head, v->prot, true);
	} else if (!(*pde & PTE_P)) { /* PROT_NONE left behind; the VMA allows access now */
		*pde = huge_leaf(head, v->prot, false);
	} else {
		vmstat.pgfault_spurious++; /* a stale translation the fault dropped (fault.c) */
	}
	return 0;
}

int thp_fault(struct mm *mm, struct vma *v, u64 addr, u64 error, struct fault_info *fi)
{
	u64 haddr = ALIGN_DOWN(addr, HUGE_PAGE_SIZE), *pde;

	if (v->obj || (v->flags & VM_SHARED))
		return THP_FALLBACK; /* never huge: spare file faults the walk */
	pde = pt_pde(mm->pml4_pa, haddr, false);
	if (pde && (*pde & PTE_PS) && (*pde & PTE_THP) && pte_present(*pde))
		return fault_present(mm, v, haddr, error, pde);
	if (!thp_vma_allows(mm, v, haddr))
		return THP_FALLBACK;
	if (pde && (*pde & PTE_P) && !drop_empty_table(mm, haddr, pde))
		return THP_FALLBACK;
	pde = pt_pde(mm->pml4_pa, haddr, true);
	if (!pde) {
		fi->code = SI_KERNEL;
		fi->addr = addr;
		return SIGKILL; /* no memory for a page table: the OOM kill, as for small pages */
	}
	return fault_new(v, pde);
}
