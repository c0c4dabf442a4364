/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 ABI values for the memory system calls, with a K_ prefix so
 * the kernel never needs libc headers. The numbers are the ABI: a static
 * musl program built against <sys/mman.h> and <errno.h> passes exactly these.
 */
#ifndef KERNEL_KMMAN_H
#define KERNEL_KMMAN_H

/* errno (asm-generic/errno-base.h, errno.h) */
#define K_EPERM	     1
#define K_ENOENT     2
#define K_EINTR	     4
#define K_EIO	     5
#define K_ENXIO	     6
#define K_EBADF	     9
#define K_EAGAIN     11
#define K_ENOMEM     12
#define K_EACCES     13
#define K_EFAULT     14
#define K_EBUSY	     16
#define K_EEXIST     17
#define K_ENODEV     19
#define K_EINVAL     22
#define K_ETXTBSY    26
#define K_ENOSYS     38
#define K_EOVERFLOW  75
#define K_EOPNOTSUPP 95

/* mmap/mprotect prot */
#define K_PROT_NONE	 0x0
#define K_PROT_READ	 0x1
#define K_PROT_WRITE	 0x2
#define K_PROT_EXEC	 0x4
#define K_PROT_SEM	 0x8
#define K_PROT_GROWSDOWN 0x01000000
#define K_PROT_GROWSUP	 0x02000000

/* mmap flags */
#define K_MAP_SHARED	      0x01
#define K_MAP_PRIVATE	      0x02
#define K_MAP_SHARED_VALIDATE 0x03
#define K_MAP_DROPPABLE	      0x08
#define K_MAP_TYPE	      0x0f
#define K_MAP_FIXED	      0x10
#define K_MAP_ANONYMOUS	      0x20
#define K_MAP_32BIT	      0x40
#define K_MAP_ABOVE4G	      0x80
#define K_MAP_GROWSDOWN	      0x100
#define K_MAP_DENYWRITE	      0x800
#define K_MAP_EXECUTABLE      0x1000
#define K_MAP_LOCKED	      0x2000
#define K_MAP_NORESERVE	      0x4000
#define K_MAP_POPULATE	      0x8000
#define K_MAP_NONBLOCK	      0x10000
#define K_MAP_STACK	      0x20000
#define K_MAP_HUGETLB	      0x40000
#define K_MAP_SYNC	      0x80000
#define K_MAP_FIXED_NOREPLACE 0x100000
#define K_MAP_UNINITIALIZED   0x4000000
#define K_MAP_HUGE_SHIFT      26
#define K_MAP_HUGE_MASK	      0x3f
#define K_MAP_HUGE_2MB	      (21U << K_MAP_HUGE_SHIFT)
#define K_MAP_HUGE_1GB	      (30U << K_MAP_HUGE_SHIFT)

/*
 * pagelab's QNX/BSD flags (include/pagelab/mman.h): bits Linux x86-64 does
 * not use. MAP_SHARED_VALIDATE accepts them, since this kernel knows them.
 */
#define K_MAP_NOSYNC	   0x00200000
#define K_MAP_NOCORE	   0x00400000
#define K_PAGELAB_MAP_MASK (K_MAP_NOSYNC | K_MAP_NOCORE)

/*
 * The flags MAP_SHARED has always silently accepted; MAP_SHARED_VALIDATE
 * refuses everything else with EOPNOTSUPP (Linux's LEGACY_MAP_MASK).
 */
#define K_LEGACY_MAP_MASK                                                                  \
	(K_MAP_SHARED | K_MAP_PRIVATE | K_MAP_FIXED | K_MAP_ANONYMOUS | K_MAP_DENYWRITE |  \
	 K_MAP_EXECUTABLE | K_MAP_UNINITIALIZED | K_MAP_GROWSDOWN | K_MAP_LOCKED |         \
	 K_MAP_NORESERVE | K_MAP_POPULATE | K_MAP_NONBLOCK | K_MAP_STACK | K_MAP_HUGETLB | \
	 K_MAP_32BIT | K_MAP_ABOVE4G | K_MAP_HUGE_2MB | K_MAP_HUGE_1GB)

/* msync */
#define K_MS_ASYNC	1
#define K_MS_INVALIDATE 2
#define K_MS_SYNC	4

/* madvise */
#define K_MADV_NORMAL	       0
#define K_MADV_RANDOM	       1
#define K_MADV_SEQUENTIAL      2
#define K_MADV_WILLNEED	       3
#define K_MADV_DONTNEED	       4
#define K_MADV_FREE	       8
#define K_MADV_REMOVE	       9
#define K_MADV_DONTFORK	       10
#define K_MADV_DOFORK	       11
#define K_MADV_MERGEABLE       12
#define K_MADV_UNMERGEABLE     13
#define K_MADV_HUGEPAGE	       14
#define K_MADV_NOHUGEPAGE      15
#define K_MADV_DONTDUMP	       16
#define K_MADV_DODUMP	       17
#define K_MADV_WIPEONFORK      18
#define K_MADV_KEEPONFORK      19
#define K_MADV_COLD	       20
#define K_MADV_PAGEOUT	       21
#define K_MADV_POPULATE_READ   22
#define K_MADV_POPULATE_WRITE  23
#define K_MADV_DONTNEED_LOCKED 24
#define K_MADV_COLLAPSE	       25
#define K_MADV_HWPOISON	       100
#define K_MADV_SOFT_OFFLINE    101
#define K_MADV_GUARD_INSTALL   102
#define K_MADV_GUARD_REMOVE    103

/* mremap */
#define K_MREMAP_MAYMOVE   1
#define K_MREMAP_FIXED	   2
#define K_MREMAP_DONTUNMAP 4

/* mlock2, mlockall */
#define K_MLOCK_ONFAULT 0x01
#define K_MCL_CURRENT	1
#define K_MCL_FUTURE	2
#define K_MCL_ONFAULT	4

#define K_RLIM_INFINITY (~0ULL)

#endif
