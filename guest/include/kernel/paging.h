/* SPDX-License-Identifier: MIT */
/*
 * x86-64 4-level page tables: the kernel's own half (direct map of all RAM
 * and the kernel image), shared by every address space.
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <kernel/types.h>

#define PTE_P	(1ULL << 0)
#define PTE_W	(1ULL << 1)
#define PTE_U	(1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A	(1ULL << 5)
#define PTE_D	(1ULL << 6)
#define PTE_PS	(1ULL << 7)
#define PTE_G	(1ULL << 8)
#define PTE_NX	(1ULL << 63)
/*
 * Software bit (ignored by the MMU): a PROT_NONE leaf. It keeps its frame
 * with P clear, as Linux's _PAGE_PROTNONE does; a present supervisor-only
 * user page would livelock the vCPU on kvm_pvm when user code touches it.
 */
#define PTE_PROTNONE (1ULL << 9)
#define PTE_ADDR     0x000ffffffffff000ULL

/* A leaf that holds a frame (mapped, or PROT_NONE). */
static inline bool pte_present(u64 e)
{
	return e & (PTE_P | PTE_PROTNONE);
}

#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va)   (((va) >> 21) & 511)
#define PT_INDEX(va)   (((va) >> 12) & 511)

/* Physical address of the kernel's PML4 (its upper half is every process's). */
extern u64 kernel_pml4_pa;

/*
 * Builds the kernel page tables from pages handed out by alloc_page (which
 * returns zeroed pages' physical addresses, reachable through the boot
 * mapping) and switches to them.
 */
void paging_init(u64 (*alloc_page)(void));

#endif
