/* SPDX-License-Identifier: MIT */
/*
 * The set of virtual memory areas (VMAs) of one address space.
 *
 * The set is an AVL tree keyed by start address, threaded with a sorted
 * doubly linked list. AVL rather than red-black: page faults look an address
 * up far more often than mmap changes the set, and AVL's height bound
 * (1.44 log2 n against 2 log2 n) makes every lookup shorter; updates must walk
 * to the root anyway to refresh the gap augmentation, so the extra rotations
 * cost nothing asymptotically. The list gives O(1) neighbours for merging and
 * for the gap before each VMA.
 *
 * Every node caches the largest free gap in its subtree, the gap of a VMA
 * being the free space between its predecessor's end (or 0) and its start.
 * vma_find_gap() uses it to skip subtrees without a large enough hole, so
 * placing a mapping is O(log n) rather than a scan.
 *
 * Each VMA holds one reference on its object (obj, may be NULL). The tree
 * calls the owner's obj_get when a split makes a second VMA point at the
 * object and obj_put when a merge or removal drops one. Nodes come from the
 * owner's alloc/free (the kernel passes kmalloc-based ones), which keeps this
 * module free of link-time dependencies: the host unit tests link every pure
 * module into every test binary.
 *
 * Pure module: also compiled for the host (PL_HOST_TEST) and unit-tested.
 */
#ifndef KERNEL_VMA_H
#define KERNEL_VMA_H

#include <kernel/types.h>

#include <kernel/kmman.h>

#define VMA_PAGE_SIZE 4096ULL

/*
 * VMA flags: Linux's VM_* values, so /proc/self/smaps VmFlags and the
 * merge rules can follow Linux. Bits 32..63 are free for pagelab's own
 * extensions (uncached, physical, lazy...).
 */
#define VM_SHARED      0x00000008ULL /* stores reach the object (MAP_SHARED, writable fd) */
#define VM_MAYREAD     0x00000010ULL /* mprotect may add PROT_READ */
#define VM_MAYWRITE    0x00000020ULL /* mprotect may add PROT_WRITE */
#define VM_MAYEXEC     0x00000040ULL /* mprotect may add PROT_EXEC */
#define VM_MAYSHARE    0x00000080ULL /* mapped MAP_SHARED (even of a read-only fd) */
#define VM_GROWSDOWN   0x00000100ULL /* MAP_GROWSDOWN: a fault just below extends it */
#define VM_PFNMAP      0x00000400ULL /* raw frames, no struct frame refcounting */
#define VM_LOCKED      0x00002000ULL /* mlock / MAP_LOCKED */
#define VM_IO	       0x00004000ULL /* device memory */
#define VM_SEQ_READ    0x00008000ULL /* MADV_SEQUENTIAL */
#define VM_RAND_READ   0x00010000ULL /* MADV_RANDOM */
#define VM_DONTCOPY    0x00020000ULL /* MADV_DONTFORK: absent in a forked child */
#define VM_DONTEXPAND  0x00040000ULL /* mremap may not grow it */
#define VM_LOCKONFAULT 0x00080000ULL /* mlock2(MLOCK_ONFAULT) */
#define VM_ACCOUNT     0x00100000ULL /* charged to the commit limit */
#define VM_NORESERVE   0x00200000ULL /* MAP_NORESERVE: not charged */
#define VM_HUGETLB     0x00400000ULL /* MAP_HUGETLB: 2 MiB pages */
#define VM_SYNC	       0x00800000ULL /* MAP_SYNC */
#define VM_WIPEONFORK  0x02000000ULL /* MADV_WIPEONFORK */
#define VM_DONTDUMP    0x04000000ULL /* MADV_DONTDUMP */
#define VM_MIXEDMAP    0x10000000ULL
#define VM_HUGEPAGE    0x20000000ULL /* MADV_HUGEPAGE */
#define VM_NOHUGEPAGE  0x40000000ULL /* MADV_NOHUGEPAGE, MAP_STACK */
#define VM_MERGEABLE   0x80000000ULL /* MADV_MERGEABLE */
/* pagelab's own, above Linux's: */
#define VM_NOSYNC (1ULL << 48) /* MAP_NOSYNC (FreeBSD): recorded; RAM files need no write-back */
#define VM_LAZY	  (1ULL << 49) /* MAP_LAZY (QNX): not committed; no memory at a fault is SIGBUS */
#define VM_NOINIT (1ULL << 50) /* MAP_NOINIT (QNX): fresh pages keep old data with `noinit` */
/* minherit() (FreeBSD); INHERIT_NONE is VM_DONTCOPY */
#define VM_INH_SHARE	(1ULL << 51) /* the child shares it (private mappings made shared) */
#define VM_INH_COPY	(1ULL << 52) /* the child gets a copy: a snapshot of shared memory */
#define VM_INH_ZERO	(1ULL << 53) /* the child gets zero-filled anonymous memory */
#define VM_INHERIT_EXEC (1ULL << 54) /* MAP_INHERIT (4.4BSD): the mapping survives execve */

#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

struct vma {
	u64 start, end; /* [start, end), page aligned, start < end */
	u64 flags;	/* VM_* */
	u32 prot;	/* VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC */
	void *obj;	/* owner's memory object, or NULL */
	u64 pgoff;	/* page index in obj of start */

	/* Owned by the tree; read-only for everyone else. */
	struct vma *prev, *next;	   /* address order */
	struct vma *left, *right, *parent; /* AVL links */
	u64 subtree_gap;		   /* largest gap in this subtree */
	int height;			   /* AVL height, a leaf is 1 */
};

struct vma_tree;

struct vma_ops {
	struct vma *(*alloc)(void *ctx); /* a node; contents need not be zero */
	void (*free)(void *ctx, struct vma *vma);
	void (*obj_get)(void *ctx, void *obj); /* never called with NULL */
	void (*obj_put)(void *ctx, void *obj);
	/* Optional: vma_split() is about to put a boundary at addr (the kernel splits huge pages there). */
	void (*split)(struct vma_tree *t, u64 addr);
	void *ctx;
};

struct vma_tree {
	struct vma *root, *first, *last;
	u64 count;
	const struct vma_ops *ops;
	/*
	 * Nodes visited by lookups, searches and rebalancing. Lets tests and
	 * benchmarks check the O(log n) bound without timing anything.
	 */
	u64 visits;
};

void vma_tree_init(struct vma_tree *t, const struct vma_ops *ops);
/* Removes every VMA (dropping object references) and frees the nodes. */
void vma_tree_destroy(struct vma_tree *t);

/* The VMA containing addr, or NULL. */
struct vma *vma_find(struct vma_tree *t, u64 addr);
/* The first VMA with end > addr (Linux's find_vma), or NULL. */
struct vma *vma_find_above(struct vma_tree *t, u64 addr);
/* The first VMA intersecting [start, end), or NULL; continue with ->next. */
struct vma *vma_first_in(struct vma_tree *t, u64 start, u64 end);
/* True if no VMA intersects [start, end). */
bool vma_range_free(struct vma_tree *t, u64 start, u64 end);

/* Visit the VMAs intersecting [start, end) in address order. */
#define vma_for_each_in(t, v, from, to) \
	for ((v) = vma_first_in((t), (from), (to)); (v) && (v)->start < (to); (v) = (v)->next)

/*
 * A new, unlinked VMA holding the caller's reference on obj, or NULL when
 * the owner's allocator fails. Give it to vma_insert() or vma_free().
 */
struct vma *vma_new(struct vma_tree *t, u64 start, u64 end, u32 prot, u64 flags, void *obj,
		    u64 pgoff);
/* Drop the VMA's object reference and free the node (it must be unlinked). */
void vma_free(struct vma_tree *t, struct vma *vma);
/* Link a VMA into the tree. -EEXIST (tree unchanged) if it overlaps one. */
int vma_insert(struct vma_tree *t, struct vma *vma);
/* Unlink a VMA; it keeps its fields and its object reference. */
void vma_remove(struct vma_tree *t, struct vma *vma);

/*
 * Split vma at addr (page aligned, start < addr < end): vma keeps
 * [start, addr) and the returned new VMA covers [addr, end) with pgoff
 * advanced and its own object reference. NULL if the allocator fails
 * (nothing changed).
 */
struct vma *vma_split(struct vma_tree *t, struct vma *vma, u64 addr);
/* The same with a node the caller allocated (vma_split cannot fail then). */
struct vma *vma_split_with(struct vma_tree *t, struct vma *vma, u64 addr, struct vma *node);

/*
 * Two VMAs can be one: adjacent, same prot and flags, same object, and the
 * second continues the first's pages (anonymous memory uses pgoff = start
 * page, as Linux does, so that rule covers it too).
 */
bool vma_can_merge(const struct vma *a, const struct vma *b);
/*
 * Merge vma with its neighbours where vma_can_merge() allows; returns the
 * VMA that now covers vma's range (vma itself may have been freed).
 */
struct vma *vma_merge(struct vma_tree *t, struct vma *vma);

/*
 * Move vma's bounds to [start, end) without overlapping its neighbours
 * (-ENOMEM otherwise, nothing changed). Moving start moves pgoff with it,
 * as growing a stack down or mremap does.
 */
int vma_adjust(struct vma_tree *t, struct vma *vma, u64 start, u64 end);

/*
 * Placement of a new area of len bytes, aligned to align (a power of two,
 * at least a page). A hint (non-zero) is rounded up to align and used if the
 * whole area there is free and lies in [floor, hint_limit). Otherwise the
 * highest free area in [floor, limit) is chosen.
 *
 * Like Linux's unmapped_area_topdown(), the search looks for a gap of
 * len + align - page bytes, which always has an aligned fit; a gap that would
 * fit only by lucky alignment is not considered. That keeps the search
 * O(log n). Returns the address or -ENOMEM.
 */
struct vma_gap_req {
	u64 len;
	u64 align;
	u64 floor, limit;
	u64 hint, hint_limit;
};
s64 vma_find_gap(struct vma_tree *t, const struct vma_gap_req *req);

/* ---- range operations: the VMA-set half of munmap, mprotect, MAP_FIXED ---- */

/*
 * Called once per removed piece, in address order, while the piece is
 * unlinked but still holds its object reference: the kernel unmaps its pages
 * there. The tree frees the piece afterwards.
 */
typedef void (*vma_unmap_fn)(void *arg, const struct vma *piece);

/*
 * munmap: split at both ends, remove every VMA piece inside [start, end).
 * Succeeds on an unmapped range. -ENOMEM if a node cannot be allocated,
 * with nothing changed (all allocation happens first).
 */
int vma_unmap_range(struct vma_tree *t, u64 start, u64 end, vma_unmap_fn fn, void *arg);

/*
 * Map [start, end) with the given attributes, replacing whatever is there
 * (MAP_FIXED) after handing each old piece to fn, then merge with the
 * neighbours. The new VMA takes over the caller's reference on obj; on
 * failure (-ENOMEM, nothing changed) the caller keeps it. *out (optional)
 * is the VMA now covering start.
 */
int vma_map(struct vma_tree *t, u64 start, u64 end, u32 prot, u64 flags, void *obj, u64 pgoff,
	    vma_unmap_fn fn, void *arg, struct vma **out);

/*
 * Decide the new attributes of the part [start, end) of one VMA inside an
 * update range. Return 0 to apply *prot and *flags (unchanged values mean "leave
 * it"), or -errno to stop there. The kernel charges or checks here; it
 * changes page tables in the vma_changed_fn once the piece exists.
 */
typedef int (*vma_update_fn)(void *arg, const struct vma *vma, u64 start, u64 end, u32 *prot,
			     u64 *flags);
/* Called for each piece whose attributes changed, after the split. */
typedef void (*vma_changed_fn)(void *arg, const struct vma *piece, u32 old_prot, u64 old_flags);

enum vma_hole_mode {
	/*
	 * mprotect, mlock, munlock: the VMA at start must exist (else -ENOMEM
	 * and nothing changes); VMAs are updated in order and the walk stops
	 * with -ENOMEM at the first hole, keeping the updates before it. That
	 * is what Linux does: do_mprotect_pkey() and apply_vma_lock_flags()
	 * apply protection VMA by VMA and only notice a hole when they reach
	 * it.
	 */
	VMA_HOLE_STOP,
	/*
	 * madvise: holes are skipped, every VMA in range is updated, and the
	 * result is -ENOMEM if there was a hole (madvise_walk_vmas()).
	 */
	VMA_HOLE_SKIP,
};

struct vma_update {
	vma_update_fn decide;
	vma_changed_fn changed; /* may be NULL */
	void *arg;
	enum vma_hole_mode holes;
	int nomem; /* error when nodes cannot be allocated: 0 means -ENOMEM (madvise: -EAGAIN) */
};

/*
 * Split the VMAs in [start, end) so the range has its own pieces, let
 * decide() choose each piece's attributes, apply them and re-merge. Splits
 * only ever happen at start and end, and both nodes are allocated before
 * anything changes, so -ENOMEM from allocation leaves the tree unchanged.
 */
int vma_update_range(struct vma_tree *t, u64 start, u64 end, const struct vma_update *u);

/* Linux's rule: mprotect may only add what the VM_MAY* flags allow. */
static inline int vma_may_protect(const struct vma *vma, u32 prot)
{
	if (((prot & VM_PROT_READ) && !(vma->flags & VM_MAYREAD)) ||
	    ((prot & VM_PROT_WRITE) && !(vma->flags & VM_MAYWRITE)) ||
	    ((prot & VM_PROT_EXEC) && !(vma->flags & VM_MAYEXEC)))
		return -EACCES;
	return 0;
}

/*
 * mprotect's VMA half: new prot on [start, end); -EACCES at a VMA whose
 * VM_MAY* flags forbid it (updates before it stay, as on Linux). A kernel
 * that charges commit on mprotect gives vma_protect_range_by() its own
 * decision around vma_may_protect(). PROT_GROWSDOWN is the caller's business (it moves
 * start to the VMA's start first).
 */
int vma_protect_range(struct vma_tree *t, u64 start, u64 end, u32 prot, vma_changed_fn changed,
		      void *arg);

/*
 * The same with the kernel's own decision for each piece: decide gets p
 * as its arg (and applies vma_may_protect() itself), changed is called as
 * above. The commit charge of mprotect uses it.
 */
struct vma_protect {
	u32 prot;
	vma_changed_fn changed; /* may be NULL */
	void *arg;
};
int vma_protect_range_by(struct vma_tree *t, u64 start, u64 end, const struct vma_protect *p,
			 vma_update_fn decide);

#endif
