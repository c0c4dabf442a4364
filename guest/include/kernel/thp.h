/* SPDX-License-Identifier: MIT */
/*
 * Transparent huge pages for private anonymous memory (thp.c, thp_split.c,
 * thp_sysfs.c), with Linux's interface: the first touch of a 2 MiB-aligned
 * extent that lies whole inside one eligible VMA maps one 2 MiB page (a PD
 * entry with PTE_PS | PTE_THP) instead of faulting 512 times. Whatever
 * cuts such a page (a VMA boundary inside it, a partial munmap, mprotect,
 * mremap or MADV_DONTNEED, a store to it while fork shares it) first
 * splits the leaf into 512 small ones with the same frames and bits.
 *
 * Policy: /sys/kernel/mm/transparent_hugepage/enabled and defrag, the
 * kernel option transparent_hugepage=always|madvise|never (default always,
 * as Debian's kernel), MADV_HUGEPAGE and MADV_NOHUGEPAGE on the VMA.
 */
#ifndef KERNEL_THP_H
#define KERNEL_THP_H

#include <kernel/pte.h>
#include <kernel/types.h>

struct fault_info;
struct mm;
struct vma;

enum thp_mode { THP_ALWAYS, THP_MADVISE, THP_NEVER };
/* Linux's defrag choices, in the order its sysfs file lists them. */
enum thp_defrag {
	THP_DEFRAG_ALWAYS,
	THP_DEFRAG_DEFER,
	THP_DEFRAG_DEFER_MADVISE,
	THP_DEFRAG_MADVISE,
	THP_DEFRAG_NEVER
};

extern enum thp_mode thp_mode;
extern enum thp_defrag thp_defrag;

/* Linux's /proc/vmstat counters of the same names. */
struct thp_stats {
	u64 fault_alloc, fault_fallback, split_pmd;
	u64 anon_thps; /* huge pages mapped whole by at least one 2 MiB leaf */
};
extern struct thp_stats thp_stats;

/* Boot: the kernel option, then the sysfs files (after vfs_init). */
void thp_init(void);
void thp_sysfs_init(void);

/* Whether the 2 MiB extent at haddr may be one huge page in v (Linux's thp_vma_allowable_order). */
bool thp_vma_allows(const struct mm *mm, const struct vma *v, u64 haddr);
/* THPeligible in smaps: the mode and the VMA allow huge pages somewhere in it. */
bool thp_vma_eligible(const struct mm *mm, const struct vma *v);

/*
 * A fault where no small page table maps addr. Returns 0 or a signal when
 * it handled the fault, THP_FALLBACK when the small-page path must (the
 * extent is not eligible, no 2 MiB frame was free, or a shared huge page
 * was split for a copy-on-write of one small page).
 */
#define THP_FALLBACK (-1)
int thp_fault(struct mm *mm, struct vma *v, u64 addr, u64 error, struct fault_info *fi);

/* All 512 frames referenced by this leaf alone: a store may go straight to it. */
bool thp_exclusive(u64 head_pfn);
/* The leaf goes (munmap, exit): its references and its deposited page table. */
void thp_unmap_leaf(u64 leaf);
/* fork: a second leaf for the same page (-ENOMEM: no page table to deposit). */
int thp_share_leaf(u64 leaf);

/*
 * The 2 MiB leaf *pde at haddr becomes a page table of 512 small leaves,
 * the same frames with the same bits (the table is the one deposited when
 * the leaf was made, so this cannot fail).
 */
void thp_split_leaf(struct mm *mm, u64 haddr, u64 *pde);
/* A VMA boundary at addr: split the huge page around it, if any (Linux's vma_adjust_trans_huge). */
void thp_split_at(struct mm *mm, u64 addr);

/* Between thp.c and thp_split.c: the deposited table a split takes; a leaf's count going down. */
u64 thp_deposit_take(void);
void thp_leaf_gone(u64 head_pfn);

/* The frame that backs va through leaf (2 MiB or 4 KiB). */
static inline u64 leaf_pfn_at(u64 leaf, u64 va)
{
	u64 pfn = (leaf & PTE_ADDR) >> PAGE_SHIFT;

	return (leaf & PTE_PS) ? pfn + ((va >> PAGE_SHIFT) & 511) : pfn;
}

#endif
