/* SPDX-License-Identifier: MIT */
/*
 * Argument checks of the memory system calls, in Linux's order.
 *
 * When several things are wrong at once, Linux reports the first one its
 * code path meets (an unaligned offset before a bad fd, a bad fd before a
 * zero length, EEXIST before EACCES...), and programs and test suites see
 * that order. Each function here returns 0 or -errno (K_* values from
 * kmman.h) following mm/mmap.c, mm/mprotect.c, mm/msync.c, mm/madvise.c,
 * mm/mremap.c, mm/mlock.c and mm/mincore.c of Linux 6.18. Where a check needs
 * the address space (free area search, overlaps) the caller supplies it
 * through mmap_space, so the order stays in one place.
 *
 * Pure module: also compiled for the host (PL_HOST_TEST) and unit-tested.
 */
#ifndef KERNEL_MMAP_CHECK_H
#define KERNEL_MMAP_CHECK_H

#include <kernel/types.h>

#include <kernel/kmman.h>

#define MC_PAGE_SIZE 4096ULL
#define MC_HUGE_SIZE (2ULL << 20)      /* the one MAP_HUGETLB size pagelab has */
#define MC_TASK_SIZE 0x7ffffffff000ULL /* x86-64, 4-level paging */
#define MC_MIN_ADDR  0x10000ULL	       /* Linux's default vm.mmap_min_addr */

/*
 * What the fd of an mmap refers to. Linux decides EBADF, EACCES, ENODEV and
 * EOVERFLOW from these alone; the file size plays no part in mmap's checks
 * (it matters at fault time: SIGBUS past EOF).
 */
enum mmap_fd_kind {
	MMAP_FD_NONE, /* not an open descriptor */
	MMAP_FD_REGULAR,
	MMAP_FD_DIRECTORY,
	MMAP_FD_PIPE,
	MMAP_FD_CHARDEV,
	MMAP_FD_SOCKET,
};

struct mmap_file {
	enum mmap_fd_kind kind;
	bool readable, writable; /* open mode */
	bool append;		 /* O_APPEND or an append-only inode */
	bool noexec;		 /* on a noexec mount */
	bool dev_mmap;		 /* MMAP_FD_CHARDEV: the device implements mmap */
	bool unsigned_offset;	 /* a device whose offsets span all 64 bits (/dev/mem) */
};

/* The caller's process state that mmap's checks consult. */
struct mm_limits {
	u64 task_size;	       /* user addresses lie below (MC_TASK_SIZE) */
	u64 min_addr;	       /* hints are raised to it; MAP_FIXED below it needs cap_sys_rawio */
	u64 map_count;	       /* VMAs now */
	u64 max_map_count;     /* vm.max_map_count */
	u64 def_flags;	       /* VM_LOCKED after mlockall(MCL_FUTURE) */
	u64 locked_pages;      /* pages mlocked now */
	u64 total_pages;       /* pages mapped now (mlockall checks it) */
	u64 memlock_limit;     /* RLIMIT_MEMLOCK in bytes, RLIM_INFINITY for none */
	bool cap_ipc_lock;     /* exempt from RLIMIT_MEMLOCK */
	bool cap_sys_rawio;    /* may map below min_addr */
	bool overcommit_never; /* vm.overcommit_memory == 2: MAP_NORESERVE is ignored */
};

/* Linux's can_do_mlock(): RLIMIT_MEMLOCK is not 0, or the caller is exempt. */
bool can_do_mlock(const struct mm_limits *l);
/* Linux's mlock_future_ok(): may len more bytes with vm_flags be locked? */
bool mlock_future_ok(const struct mm_limits *l, u64 vm_flags, u64 len);

struct mmap_space {
	/*
	 * Pick an address for a non-MAP_FIXED mapping: hint (0 = none, already
	 * page aligned and raised to min_addr) if [hint, hint + len) is free,
	 * else a free area aligned to align. Returns it or -ENOMEM.
	 * vma_find_gap() does exactly this.
	 */
	s64 (*get_area)(void *ctx, u64 hint, u64 len, u64 align, u64 flags);
	/* Does any VMA intersect [start, end)? (MAP_FIXED_NOREPLACE) */
	bool (*intersects)(void *ctx, u64 start, u64 end);
	void *ctx;
};

struct mmap_args {
	u64 addr, len, prot, flags, off;
};

/* What a successful check decided. */
struct mmap_plan {
	u64 addr;	   /* where: chosen, or MAP_FIXED's */
	u64 len;	   /* rounded up to the page (2 MiB for MAP_HUGETLB) */
	u64 pgoff;	   /* file page of addr; start page for private anonymous */
	u64 vm_flags;	   /* VM_* for the new VMA */
	u32 prot;	   /* VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC */
	u64 page_size;	   /* MC_PAGE_SIZE, or MC_HUGE_SIZE for MAP_HUGETLB */
	u64 commit_pages;  /* pages to charge against the commit limit (ENOMEM if over) */
	bool anon;	   /* no object behind it: zero-fill (shared anonymous needs one) */
	bool fixed;	   /* replace whatever [addr, addr + len) holds */
	bool populate;	   /* fault everything in now (MAP_POPULATE, or locked) */
	bool reserve_huge; /* MAP_HUGETLB without MAP_NORESERVE: reserve pool pages now */
};

/*
 * mmap, from the offset check of the x86-64 entry to do_mmap()'s type
 * switch. f may be NULL for MAP_ANONYMOUS. After it succeeds the kernel
 * still charges commit_pages (-ENOMEM), reserves huge pages (-ENOMEM),
 * and maps: vma_map() for MAP_FIXED.
 */
int mmap_check(const struct mmap_args *a, const struct mmap_file *f, const struct mm_limits *l,
	       const struct mmap_space *space, struct mmap_plan *plan);

/* munmap: on success [*start, *end) is the page range to remove. */
int munmap_check(u64 addr, u64 len, u64 task_size, u64 *end);

/*
 * mprotect: on success [addr, *end) (empty when len is 0: nothing to do)
 * gets *prot; *grows keeps the PROT_GROWSDOWN/UP bit for the next step.
 */
int mprotect_check(u64 addr, u64 len, u64 prot_in, u64 *end, u32 *prot, u64 *grows);
/*
 * mprotect's look at the first VMA ending above *start (vma_find_above()),
 * before any change: -ENOMEM if it does not cover *start, PROT_GROWSDOWN
 * moves *start down to the VMA's start. Then vma_protect_range() walks on
 * (-ENOMEM at a hole, -EACCES from VM_MAY*, earlier VMAs keep the change).
 */
struct vma;
int mprotect_first_check(const struct vma *first, u64 *start, u64 end, u64 grows);

/*
 * Where Linux takes an int (msync flags, madvise advice, mlockall flags) the
 * kernel passes the register's low 32 bits, as Linux's syscall glue does.
 */

/* msync: *end == addr means nothing to do (Linux returns 0 there). */
int msync_check(u64 addr, u64 len, int flags, u64 *end);
/* msync's per-VMA check: MS_INVALIDATE of locked memory is -EBUSY. */
int msync_vma_check(int flags, u64 vm_flags);

/*
 * The advice values pagelab implements: Linux's set minus MADV_REMOVE,
 * MADV_COLLAPSE, MADV_POPULATE_*, MADV_GUARD_* and the memory-failure
 * injections, which get -EINVAL until the kernel grows them.
 */
bool madvise_behavior_valid(int behavior);
/* madvise: *end == addr means nothing to do. */
int madvise_check(u64 addr, u64 len, int behavior, u64 *end);
/*
 * madvise's per-VMA step for the part [start, *end) of one VMA, following
 * madvise_vma_behavior(): the error, or in *new_flags the VMA's flags after
 * the advice (the same as vm_flags for advice that only acts on pages).
 * May narrow *end to whole huge pages. has_object: a file or shared memory
 * object lies behind the VMA (Linux: vm_file != NULL, shared anonymous
 * memory included).
 */
int madvise_vma_check(int behavior, u64 vm_flags, bool has_object, u64 start, u64 *end,
		      u64 *new_flags);

/* mincore: on success *pages is the length of the result vector. */
int mincore_check(u64 addr, u64 len, u64 task_size, u64 *pages);

/*
 * mlock, mlock2 (flags) and munlock (is_lock false): the range widened to
 * whole pages comes back as [*start, *end), empty means nothing to do.
 * locked_in_range reports how many pages of that range are locked already,
 * which Linux does not count twice against RLIMIT_MEMLOCK.
 */
int mlock_check(u64 addr, u64 len, unsigned flags, bool is_lock, const struct mm_limits *l,
		u64 (*locked_in_range)(void *ctx, u64 start, u64 end), void *ctx, u64 *start,
		u64 *end);
int mlockall_check(int flags, const struct mm_limits *l);

/*
 * mremap's checks before it looks at a VMA; the lengths come back page
 * aligned. Then mremap_vma_check() with the VMA containing addr (NULL gives
 * -EFAULT); it aligns the lengths of a huge page VMA. expand_ok is the
 * caller's RLIMIT_AS verdict (may_expand_vm) for the growth.
 */
int mremap_check(u64 addr, u64 *old_len, u64 *new_len, u64 flags, u64 new_addr, u64 task_size);
int mremap_vma_check(const struct vma *vma, u64 addr, u64 *old_len, u64 *new_len, u64 flags,
		     const struct mm_limits *l, bool expand_ok);

#endif
