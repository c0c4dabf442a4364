/* SPDX-License-Identifier: MIT */
/*
 * A process's address space (procmm.c): struct mm, its creation, fork,
 * switching, and the TLB discipline.
 */
#ifndef KERNEL_PROCMM_H
#define KERNEL_PROCMM_H

#include <kernel/types.h>
#include <kernel/vma.h>

#define MM_SAVED_AUXV 48
/* The most pages one change may flush one by one (see mm_flush_commit()). */
#define TLB_FLUSH_CEILING_MAX 64

struct mm {
	u64 pml4_pa;
	struct vma_tree vmas;
	u64 brk_start, brk;
	int refcount;
	/* TLB work owed by a change to the active address space. */
	u64 flush_va[TLB_FLUSH_CEILING_MAX];
	u32 flush_pages;
	/* VM_LOCKED (| VM_LOCKONFAULT) for new mappings after mlockall(MCL_FUTURE). */
	u64 def_flags;
	/* The program's auxiliary vector, for core files' NT_AUXV (Linux's saved_auxv). */
	u64 saved_auxv[MM_SAVED_AUXV];
	u32 saved_auxv_words;
	/* prctl(PR_SET_THP_DISABLE): Linux's MMF_DISABLE_THP, kept across fork and execve. */
	bool thp_disabled;
};

struct mm *procmm_new(void);
/* fork: private memory becomes copy-on-write in both, shared stays shared. */
struct mm *procmm_fork(struct mm *parent);
void procmm_put(struct mm *mm);
/* execve: give new_mm old's MAP_INHERIT mappings that fit (-ENOMEM: out of memory). */
int procmm_inherit_exec(struct mm *new_mm, struct mm *old);
void procmm_activate(struct mm *mm);
/* Anonymous private memory at a fixed place (ELF segments, the stack). */
int procmm_map_anon(struct mm *mm, u64 start, u64 len, int prot, bool growsdown);
/* Writes into a (possibly inactive) address space, allocating pages. */
int procmm_write(struct mm *mm, u64 va, const void *src, size_t len);
void procmm_set_brk(struct mm *mm, u64 start);

/* ---- the TLB ---- */
void mm_flush_page(struct mm *mm, u64 va);
/* Performs the flushes owed since the last call (an invlpg per page or one CR3 load). */
void mm_flush_commit(struct mm *mm);
/* Bootargs tlb_single_page_flush_ceiling=N, as x86 Linux's debugfs knob. */
void mm_flush_init(void);

/* ---- unmapping a VMA piece: its pages and its charge ---- */
/* A vma_unmap_fn: arg is the struct mm. */
void mm_unmap_piece(void *mm, const struct vma *piece);

#endif
