/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 page-table format, as the MMU reads it: 4 KiB pages, four
 * levels of 512 eight-byte entries (PML4 -> PDPT -> PD -> PT), each level
 * indexed by nine bits of the virtual address. Hardware values only: which
 * tables exist is paging.c's and pt.c's business.
 */
#ifndef KERNEL_PTE_H
#define KERNEL_PTE_H

#include <kernel/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* Entry bits (Intel SDM vol. 3, "Paging"). */
#define PTE_P	(1ULL << 0)  /* present: clear, and any access faults (#PF, P=0) */
#define PTE_W	(1ULL << 1)  /* writable: clear, and a store faults (#PF, P=1, W=1) */
#define PTE_U	(1ULL << 2)  /* user: ring 3 may access (needed at every level) */
#define PTE_PWT (1ULL << 3)  /* write-through caching */
#define PTE_PCD (1ULL << 4)  /* caching disabled (device memory) */
#define PTE_A	(1ULL << 5)  /* accessed: set by the MMU on first use */
#define PTE_D	(1ULL << 6)  /* dirty: set by the MMU on first store (leaves only) */
#define PTE_PS	(1ULL << 7)  /* page size: in a PD entry, a 2 MiB leaf */
#define PTE_G	(1ULL << 8)  /* global: survives a CR3 load in the TLB */
#define PTE_NX	(1ULL << 63) /* no execute: an instruction fetch faults (I/D=1) */
/*
 * Software bit (ignored by the MMU): a PROT_NONE leaf. It keeps its frame
 * with P clear, as Linux's _PAGE_PROTNONE does; a present supervisor-only
 * user page would livelock the vCPU on kvm_pvm when user code touches it.
 */
#define PTE_PROTNONE (1ULL << 9)
/*
 * Software bit of a 2 MiB leaf: a transparent huge page (thp.c). Each of
 * its 512 frames holds one reference per such leaf, so the leaf can become
 * 512 small ones without touching a count; a MAP_HUGETLB leaf holds one
 * reference on its first frame only (hugetlb.c).
 */
#define PTE_THP	 (1ULL << 10)
#define PTE_ADDR 0x000ffffffffff000ULL

/* A leaf that holds a frame (mapped, or PROT_NONE). */
static inline bool pte_present(u64 e)
{
	return e & (PTE_P | PTE_PROTNONE);
}

#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va)   (((va) >> 21) & 511)
#define PT_INDEX(va)   (((va) >> 12) & 511)

#endif
