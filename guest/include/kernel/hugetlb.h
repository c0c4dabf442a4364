/* SPDX-License-Identifier: MIT */
/*
 * MAP_HUGETLB: 2 MiB pages (hugetlb.c). A huge page is one PD entry with
 * PTE_PS set, covering 512 contiguous frames: one TLB entry instead of 512.
 */
#ifndef KERNEL_HUGETLB_H
#define KERNEL_HUGETLB_H

#include <kernel/types.h>

struct fault_info;
struct mm;
struct vma;

#define HUGE_PAGE_SIZE	 (2ULL << 20)
#define HUGE_PAGE_FRAMES 512
/* A fault in a VM_HUGETLB VMA: maps (or copies on write) the whole 2 MiB page. */
int hugetlb_fault(struct mm *mm, struct vma *v, u64 addr, u64 error, struct fault_info *fi);
/* Drops a 2 MiB leaf's reference on its first frame; the last frees all 512. */
void hugetlb_put(u64 head_pfn);
/*
 * munmap, mprotect and MAP_FIXED may not cut a huge page: -EINVAL if
 * [start, end) would split a VM_HUGETLB VMA off a 2 MiB boundary.
 */
int hugetlb_split_check(struct mm *mm, u64 start, u64 end);
/* mmap without MAP_NORESERVE: -ENOMEM unless npages huge pages are free now. */
int hugetlb_reserve(u64 npages);
/* For /proc/meminfo: huge pages mapped now, and free 2 MiB blocks. */
u64 hugetlb_pages_in_use(void);
u64 hugetlb_pages_free(void);

#endif
