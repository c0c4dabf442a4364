/* SPDX-License-Identifier: MIT */
/*
 * x86-64 4-level page tables: the kernel's own half (direct map of all RAM
 * and the kernel image), shared by every address space (paging.c). The
 * entry format is kernel/pte.h's.
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <kernel/pte.h>
#include <kernel/types.h>

/* Physical address of the kernel's PML4 (its upper half is every process's). */
extern u64 kernel_pml4_pa;

/*
 * Builds the kernel page tables from pages handed out by alloc_page (which
 * returns zeroed pages' physical addresses, reachable through the boot
 * mapping) and switches to them.
 */
void paging_init(u64 (*alloc_page)(void));

/*
 * Device memory [pa, pa + size) mapped uncached in the kernel's direct map
 * (for drivers: the map covers RAM only). Its address, or NULL when no
 * page table could be had.
 */
void *paging_map_device(u64 pa, u64 size);

#endif
