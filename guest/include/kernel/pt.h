/* SPDX-License-Identifier: MIT */
/*
 * The page tables of user address spaces (pt.c, and pt_move.c for mremap):
 * x86-64's four levels, PML4 -> PDPT -> PD -> PT, each a 4 KiB page of 512
 * eight-byte entries indexed by nine bits of the virtual address. A leaf
 * entry holds the frame's physical address and the bits the MMU checks on
 * every access: present, writable, user, no-execute (paging.h's PTE_*).
 */
#ifndef KERNEL_PT_H
#define KERNEL_PT_H

#include <kernel/types.h>

struct mm;

u64 pt_new_root(void);
/*
 * The leaf PTE for va, allocating missing tables when alloc; NULL if absent.
 * Where a 2 MiB leaf covers va it is that PD entry (PTE_PS set): va's frame
 * is then (entry & PTE_ADDR) + (va & (HUGE_PAGE_SIZE - 1)).
 */
u64 *pt_leaf(u64 pml4_pa, u64 va, bool alloc);
/* The PD entry (level 1) for va, allocating the tables above it when alloc. */
u64 *pt_pde(u64 pml4_pa, u64 va, bool alloc);
/*
 * Visits the present leaves of [start, end) in address order: 4 KiB PTEs,
 * and 2 MiB PD entries (PTE_PS set, va their first address). Absent tables
 * are skipped whole.
 */
typedef void (*pt_leaf_fn)(struct mm *mm, u64 va, u64 *pte, void *arg);
void pt_walk(struct mm *mm, u64 start, u64 end, pt_leaf_fn fn, void *arg);
/* The same, splitting first a transparent huge page that [start, end) covers only in part. */
void pt_walk_split(struct mm *mm, u64 start, u64 end, pt_leaf_fn fn, void *arg);
/* Clears the leaves in [start, end), dropping their frames' references. */
void pt_unmap(struct mm *mm, u64 start, u64 end);
/* Rewrites permission bits of present leaves in [start, end). */
void pt_protect(struct mm *mm, u64 start, u64 end, u32 prot, bool shared);
/* fork: copies the leaves of [start, end); private writable pages become COW. */
int pt_copy(struct mm *dst, struct mm *src, u64 start, u64 end, bool shared);
/* Frees every user page table (the leaves must already be unmapped). */
void pt_free_tables(u64 pml4_pa);
u64 pte_for(u64 pfn, u32 prot, bool writable);

/*
 * mremap: move the leaves of [from, from + len) to [to, to + len), frames,
 * bits and references as they are. The target must map nothing. -ENOMEM
 * (nothing moved) when a page table cannot be allocated.
 */
int pt_move(struct mm *mm, u64 from, u64 to, u64 len);

#endif
