/* SPDX-License-Identifier: MIT */
/*
 * What backs a mapping: the one interface between the mm and the things
 * whose memory a process can map.
 *
 * A VMA says *where* memory is mapped and with which rights; its backing
 * says *what* the memory is. The page-fault handler, fork, munmap, mincore
 * and /proc ask the backing and never look behind it, so a new kind of
 * memory (a second file system, physical memory, a device window) is a new
 * ops table in a file of its own, not an edit of the fault path.
 *
 * The kinds today, one file each in guest/mm/:
 *
 *   backing_anon.c  private anonymous memory (MAP_ANONYMOUS|MAP_PRIVATE,
 *                   the heap, the stack, ELF bss): nothing behind it; the
 *                   first touch of a page gets a fresh zeroed frame. Its
 *                   VMAs carry no object (vma->obj == NULL); backing_of()
 *                   answers with this kind for them.
 *   backing_file.c  a regular file (mmap of a file descriptor): the file
 *                   system hands out the frames of its page cache through
 *                   the VFS (vfs_get_page()); MAP_SHARED maps them as they
 *                   are, MAP_PRIVATE read-only until a store copies one.
 *                   One backing per inode, shared by all its mappings, so
 *                   adjacent mappings of one file merge as on Linux.
 *   backing_shm.c   shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS):
 *                   a nameless file that fork shares, shown in
 *                   /proc/PID/maps as "/dev/zero (deleted)" as Linux does.
 *
 * MAP_HUGETLB memory is not a backing: its 2 MiB pages are a property of
 * the VMA (VM_HUGETLB) handled by hugetlb.c before the backing is asked.
 *
 * Lifetime: each VMA holds one reference on its backing (vma->obj). Split,
 * fork and mremap take another with backing_get(); removing a VMA piece
 * drops one with backing_put(). The vma tree does that through the
 * obj_get/obj_put hooks procmm.c gives it.
 */
#ifndef KERNEL_BACKING_H
#define KERNEL_BACKING_H

#include <kernel/types.h>
#include <kernel/vma.h>

struct fault_info;
struct inode;
struct mm;

/*
 * What the frames of a backing are, which decides what the mm may do with
 * them behind the process's back:
 *   MOVABLE - ordinary RAM the kernel owns and reference-counts (struct
 *             frame); it could copy the data elsewhere and repoint the PTE
 *             (compaction, migration) without the process noticing.
 *   PINNED  - RAM whose physical address is part of the contract (a DMA
 *             buffer, memory the host reads by guest-physical address):
 *             never moved while mapped.
 *   DEVICE  - not RAM the kernel allocated (MMIO, a host window): no
 *             struct frame behind it, so no reference counting, no copy
 *             on write; mapped as Linux's VM_IO | VM_PFNMAP.
 * Every kind today is MOVABLE (nothing migrates pages yet).
 */
enum backing_frames {
	BACKING_MOVABLE,
	BACKING_PINNED,
	BACKING_DEVICE,
};

/* What a mapping is, for /proc/PID/maps and /proc/PID/status. */
enum backing_kind {
	BACKING_ANON,
	BACKING_FILE,
	BACKING_SHM,
	BACKING_PHYS,	/* MAP_PHYS: a physical address range (backing_phys.c) */
	BACKING_CONTIG, /* MAP_PHYS|MAP_ANON: a contiguous block of RAM (backing_phys.c) */
	BACKING_TYPED,	/* POSIX typed memory, POSIX_TYPED_MEM_ALLOCATE (typed_mem.c) */
	BACKING_VVAR,	/* the vDSO's data page, [vvar] (kernel/vdso.c) */
	BACKING_VDSO,	/* the vDSO's code, [vdso] (kernel/vdso.c) */
};

struct backing;

struct backing_ops {
	enum backing_frames frames;
	/*
	 * A not-present page of v at page (its page-aligned address): find or
	 * make the frame and write the PTE that maps it into *pte (with
	 * pte_for(), which sets the present, user and NX bits from the VMA's
	 * protection). error is the x86 page-fault error code (PF_ERR_WRITE
	 * tells a store from a load). 0, or the signal the fault ends in with
	 * *fi filled in: SIGBUS past the end of a file, SIGKILL out of memory.
	 * The caller flushes the TLB; a not-present entry was never cached.
	 */
	int (*fault)(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
		     struct fault_info *fi);
	/*
	 * The frame that holds page index of the backing now, without taking
	 * a reference and without allocating: FRAME_NONE if none. mincore()
	 * calls a page resident when its PTE is present or when this finds a
	 * frame (a file's page cache holds pages no process has touched);
	 * /proc tells a private file page from the process's own copy with it.
	 */
	u64 (*lookup)(struct backing *b, u64 index);
	/*
	 * fork: give the child's VMA (already inserted, same range as v) its
	 * page-table entries. Refcounted frames use backing_fork_copy():
	 * shared mappings share the frames, private writable ones become
	 * copy-on-write in both processes. -ENOMEM when a table cannot be had.
	 */
	int (*fork)(struct mm *child, struct mm *parent, const struct vma *v);
	/*
	 * munmap (and MAP_FIXED, mremap, exit): clear the PTEs of piece and
	 * drop whatever they held. Refcounted frames use backing_unmap_frames().
	 */
	void (*unmap)(struct mm *mm, const struct vma *piece);
	/* References on the backing object (NULL for the anonymous kind, which has none). */
	void (*get)(struct backing *b);
	void (*put)(struct backing *b);
	/* The file whose pages these are, for /proc/PID/maps; NULL if none. */
	struct inode *(*inode)(struct backing *b);
};

/*
 * The header of every backing object; a kind embeds it first in its own
 * struct. Two kinds may share ops (shared memory behaves as a file) and
 * differ only in what they are.
 */
struct backing {
	const struct backing_ops *ops;
	enum backing_kind kind;
	u32 refcount;
	/*
	 * Typed memory (typed_mem.c): the descriptor that made it, referenced
	 * for posix_mem_offset(), and its pool's first physical address.
	 */
	struct file *typed_file;
	u64 typed_base;
};

/* Drops a typed backing's descriptor (its put op calls it). */
void backing_typed_release(struct backing *b);

/* ---- one backing per VMA ---- */

extern struct backing anon_backing;
/* Bootargs `noinit`: MAP_NOINIT pages are not zeroed (backing_anon.c). */
extern bool mm_noinit;
/* Bootargs fault_around_bytes=N, as Linux's debugfs knob (fault_around.c). */
void fault_around_init(void);

/* The backing of a VMA: its object, or anonymous memory when it has none. */
static inline struct backing *backing_of(const struct vma *v)
{
	return v->obj ? (struct backing *)v->obj : &anon_backing;
}

static inline void backing_get(struct backing *b)
{
	if (b->ops->get)
		b->ops->get(b);
}

static inline void backing_put(struct backing *b)
{
	if (b->ops->put)
		b->ops->put(b);
}

/* The file a VMA maps (file and shm kinds), or NULL. */
static inline struct inode *vma_inode(const struct vma *v)
{
	struct backing *b = backing_of(v);

	return b->ops->inode ? b->ops->inode(b) : NULL;
}

static inline bool vma_is_kind(const struct vma *v, enum backing_kind kind)
{
	return backing_of(v)->kind == kind;
}

/* The VM_* flags a new mapping of this backing gets on top of mmap's. */
u64 backing_vm_flags(const struct backing *b);

/* ---- the common implementations for reference-counted RAM (backing.c) ---- */

int backing_fork_copy(struct mm *child, struct mm *parent, const struct vma *v);
void backing_unmap_frames(struct mm *mm, const struct vma *piece);
/* A fault's two failures: SIGBUS (BUS_ADRERR) and out of memory (SIGKILL), at addr. */
int backing_sigbus(struct fault_info *fi, u64 addr);
int backing_oom(struct fault_info *fi, u64 addr);

/* ---- the kinds' constructors ---- */

/*
 * mmap of a regular file: its backing, with a reference for the new VMA
 * (backing_file.c). NULL when memory is short.
 */
struct backing *file_backing_get(struct inode *ino);
/* MAP_SHARED|MAP_ANONYMOUS: a new len-byte object, one reference (backing_shm.c). */
struct backing *shm_backing_new(u64 len);

/* Is every page of [pa, pa + len) RAM, VGA memory, the ROM or the device window? (mmap_phys.c) */
bool phys_range_backed(u64 pa, u64 len);
/* MAP_PHYS at physical address pa (page aligned): a DEVICE backing, one reference. */
struct backing *phys_backing_new(u64 pa);
/*
 * MAP_PHYS|MAP_ANON: len bytes of zeroed, physically contiguous RAM from
 * frame_alloc_pages(fa_flags) (FA_BELOW16M, FA_NOX64K), PINNED; NULL and
 * *err -ENOMEM when there is no such block.
 */
struct backing *contig_backing_new(u64 len, unsigned fa_flags, int *err);
/*
 * npages contiguous frames as frame_alloc_pages() gives them, moving
 * movable user pages out of the way when no free block is large enough
 * (migrate.c); FRAME_NONE when even that cannot make room.
 */
u64 frame_alloc_contig(u64 npages, unsigned fa_flags);
/* Pages moved so far for contiguous requests (physmap shows it). */
extern u64 contig_migrated_pages;

/* /proc/pagelab/physmap (physmap.c): the physical map and what each frame holds. */
void physmap_init(void);
/* Visits every live MAP_PHYS|MAP_ANON block (for /proc/pagelab/physmap). */
void contig_for_each(void (*fn)(void *arg, u64 base_pfn, u64 npages), void *arg);

/*
 * The file system shrank ino to size (ftruncate, O_TRUNC): every process
 * loses its mappings of the pages wholly past the new end, private copies
 * too, as Linux's truncate_pagecache(), so touching them raises SIGBUS.
 * The VFS calls this (vfs_file_shrunk()); the mm has no list of an
 * inode's mappings, so every process is visited: truncation is rare.
 */
void file_backing_truncated(struct inode *ino, u64 size);

#endif
