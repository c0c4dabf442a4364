/* SPDX-License-Identifier: MIT */
/*
 * User address spaces: struct mm, its page tables and its VMAs.
 */
#ifndef KERNEL_UVM_H
#define KERNEL_UVM_H

#include <kernel/types.h>
#include <kernel/vma.h>

struct fault_info;

struct mm {
	u64 pml4_pa;
	struct vma_tree vmas;
	u64 brk_start, brk;
	int refcount;
	/* TLB work owed by a change to the active address space. */
	u64 flush_va;
	u32 flush_pages;
};

/* ---- page tables (pt.c) ---- */
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
/* Clears the leaves in [start, end), dropping their frames' references. */
void pt_unmap(struct mm *mm, u64 start, u64 end);
/* Rewrites permission bits of present leaves in [start, end). */
void pt_protect(struct mm *mm, u64 start, u64 end, u32 prot, bool shared);
/* fork: copies the leaves of [start, end); private writable pages become COW. */
int pt_copy(struct mm *dst, struct mm *src, u64 start, u64 end, bool shared);
/* Frees every user page table (the leaves must already be unmapped). */
void pt_free_tables(u64 pml4_pa);
u64 pte_for(u64 pfn, u32 prot, bool writable);

/* ---- TLB (procmm.c) ---- */
void mm_flush_page(struct mm *mm, u64 va);
/* Performs the flushes owed since the last call (one invlpg or one CR3 load). */
void mm_flush_commit(struct mm *mm);

/* ---- memory objects behind VMAs (file or shared memory inodes) ---- */
void memobj_get(void *obj);
void memobj_put(void *obj);
/* A not-present page of an object-backed VMA: map the object's page at *pte. */
int memobj_fault(struct mm *mm, struct vma *v, u64 page, u64 error, u64 *pte,
		 struct fault_info *fi);
/*
 * ramfs shrank ino to size: every process loses its mappings of the pages
 * wholly past the new end (private copies too, as Linux's truncate), so
 * touching them raises SIGBUS.
 */
struct inode;
void memobj_truncated(struct inode *ino, u64 size);
/* Shared anonymous memory's nameless inode ("/dev/zero (deleted)" in maps). */
void memobj_mark_anon(struct inode *ino);
bool memobj_is_anon(const struct inode *ino);

/* ---- MAP_HUGETLB: 2 MiB pages (hugetlb.c) ---- */
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

/* ---- faults (fault.c) ---- */
/*
 * Resolves a fault at addr (x86 #PF error code bits): 0, or the signal to
 * send (SIGSEGV, SIGBUS, SIGKILL when out of memory) with *fi filled in.
 */
int vm_fault(struct mm *mm, u64 addr, u64 error, struct fault_info *fi);

#define PF_ERR_PRESENT 0x1
#define PF_ERR_WRITE 0x2
#define PF_ERR_USER 0x4
#define PF_ERR_INSTR 0x10
/* Not a CPU bit: the kernel fills a page whatever the VMA's protection (exec). */
#define PF_KERNEL_FILL (1ULL << 32)

#endif
