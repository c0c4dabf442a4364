/* SPDX-License-Identifier: MIT */
/*
 * What the memory system calls (sys_mman.c, sys_mlock.c) offer the rest of
 * the mm: the placement and limits mremap shares with mmap, and populating
 * and counting locked pages.
 */
#ifndef KERNEL_MMAN_H
#define KERNEL_MMAN_H

#include <kernel/types.h>

struct mm;
/*
 * Fault in the accessible pages of [start, end) as mlock does (private
 * writable memory gets its own pages). 0, -ENOMEM when memory runs out,
 * -EFAULT for a page that cannot be had (past EOF); ignore_errors goes on
 * with the next VMA instead.
 */
int mm_populate(struct mm *mm, u64 start, u64 end, bool ignore_errors);
/* The mm_limits mmap_check() and friends consult (sys_mman.c). */
struct mm_limits;
void mm_fill_limits(struct mm *mm, struct mm_limits *l);
/* A free area of len bytes aligned to align, at hint if that is free: the address or -ENOMEM. */
s64 mm_get_area(struct mm *mm, u64 hint, u64 len, u64 align);
/* Pages of VM_LOCKED VMAs in [start, end). */
u64 mm_locked_pages(struct mm *mm, u64 start, u64 end);

/*
 * The physical address behind user address va, as mem_offset() finds it
 * (sys_mem_offset.c): a page not present is faulted in, a private writable
 * one gets its own copy. 0, -EACCES (nothing there) or -ENOMEM.
 */
int user_va_to_pa(struct mm *mm, u64 va, u64 *pa);

/* mmap's pieces that mmap_phys() shares (sys_mman.c). */
struct mmap_space;
struct mmap_plan;
struct mmap_args;
struct backing;
void mm_mmap_space(struct mm *mm, struct mmap_space *space);
/* Makes the planned VMA (obj: its backing, NULL for anonymous memory): the address or -errno. */
long mm_map_plan(struct mm *mm, const struct mmap_plan *plan, struct backing *obj);
/* mmap with MAP_PHYS, MAP_BELOW16M or MAP_NOX64K (mmap_phys.c): the address or -errno. */
long mmap_phys(struct mm *mm, const struct mmap_args *a, int fd);

#endif
