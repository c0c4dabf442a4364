/* SPDX-License-Identifier: MIT */
/*
 * User address spaces: struct mm, its page tables and its VMAs.
 */
#ifndef KERNEL_UVM_H
#define KERNEL_UVM_H

#include <kernel/types.h>
#include <kernel/vma.h>

struct fault_info;

#define MM_SAVED_AUXV 48

struct mm {
	u64 pml4_pa;
	struct vma_tree vmas;
	u64 brk_start, brk;
	int refcount;
	/* TLB work owed by a change to the active address space. */
	u64 flush_va;
	u32 flush_pages;
	/* VM_LOCKED (| VM_LOCKONFAULT) for new mappings after mlockall(MCL_FUTURE). */
	u64 def_flags;
	/* The program's auxiliary vector, for core files' NT_AUXV (Linux's saved_auxv). */
	u64 saved_auxv[MM_SAVED_AUXV];
	u32 saved_auxv_words;
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
#define PF_ERR_WRITE   0x2
#define PF_ERR_USER    0x4
#define PF_ERR_INSTR   0x10
/* Not a CPU bit: the kernel fills a page whatever the VMA's protection (exec). */
#define PF_KERNEL_FILL (1ULL << 32)

/* ---- unmapping a VMA piece: its pages and its charge (procmm.c) ---- */
/* A vma_unmap_fn: arg is the struct mm. */
void mm_unmap_piece(void *mm, const struct vma *piece);

/* ---- memory accounting (commit.c; the rules are commit.h's) ---- */
struct mmap_plan;
/* Charge pages, freed of them about to be uncharged (MAP_FIXED): false means ENOMEM. */
bool commit_charge(u64 pages, u64 freed);
void commit_uncharge(u64 pages);
/* What a removed VMA piece gave back: every unmap callback calls it. */
void commit_vma_gone(const struct vma *piece);
/* Charged pages of the VMAs in [start, end). */
u64 commit_charged_in(struct mm *mm, u64 start, u64 end);
/* mmap's charge of plan->commit_pages (-ENOMEM); sets VM_ACCOUNT in the plan. */
int commit_mmap(struct mm *mm, struct mmap_plan *plan);
/* vma_protect_range() that charges a private mapping made writable (-ENOMEM). */
int commit_protect_range(struct mm *mm, u64 start, u64 end, u32 prot, vma_changed_fn changed,
			 void *arg);
u64 commit_committed_pages(void); /* /proc/meminfo Committed_AS */
u64 commit_limit_pages(void);	  /* /proc/meminfo CommitLimit */

/* ---- populating and locking (sys_mlock.c) ---- */
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

/* ---- moving page-table entries (pt_move.c) ---- */
/*
 * mremap: move the leaves of [from, from + len) to [to, to + len), frames,
 * bits and references as they are. The target must map nothing. -ENOMEM
 * (nothing moved) when a page table cannot be allocated.
 */
int pt_move(struct mm *mm, u64 from, u64 to, u64 len);

#endif
