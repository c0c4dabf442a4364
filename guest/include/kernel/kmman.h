/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 ABI values for the memory system calls, so the kernel never
 * needs libc headers. The numbers are the ABI: a static musl program built
 * against <sys/mman.h> passes exactly these. Protection bits are
 * kernel/vm.h's VM_PROT_*, errno values kernel/errno.h's; host test
 * harnesses include neither <sys/mman.h> nor <errno.h>, so nothing here
 * meets libc's own definitions.
 */
#ifndef KERNEL_KMMAN_H
#define KERNEL_KMMAN_H

#include <kernel/errno.h>
#include <kernel/vm.h>

/* mmap flags */
#define MAP_SHARED	    0x01
#define MAP_PRIVATE	    0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_DROPPABLE	    0x08
#define MAP_TYPE	    0x0f
#define MAP_FIXED	    0x10
#define MAP_ANONYMOUS	    0x20
#define MAP_32BIT	    0x40
#define MAP_ABOVE4G	    0x80
#define MAP_GROWSDOWN	    0x100
#define MAP_DENYWRITE	    0x800
#define MAP_EXECUTABLE	    0x1000
#define MAP_LOCKED	    0x2000
#define MAP_NORESERVE	    0x4000
#define MAP_POPULATE	    0x8000
#define MAP_NONBLOCK	    0x10000
#define MAP_STACK	    0x20000
#define MAP_HUGETLB	    0x40000
#define MAP_SYNC	    0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED   0x4000000
#define MAP_HUGE_SHIFT	    26
#define MAP_HUGE_MASK	    0x3f
#define MAP_HUGE_2MB	    (21U << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB	    (30U << MAP_HUGE_SHIFT)

/*
 * pagelab's QNX/BSD flags (include/pagelab/mman.h): bits Linux x86-64 does
 * not use. MAP_SHARED_VALIDATE accepts them, since this kernel knows them.
 */
#define MAP_PHYS	 0x00000200
#define MAP_LAZY	 0x00000400
#define MAP_NOINIT	 MAP_UNINITIALIZED /* QNX's name for Linux's flag */
#define MAP_NOSYNC	 0x00200000
#define MAP_NOCORE	 0x00400000
#define MAP_INHERIT	 0x00800000
#define MAP_BELOW16M	 0x01000000
#define MAP_NOX64K	 0x02000000
#define PAGELAB_MAP_MASK (MAP_NOSYNC | MAP_NOCORE | MAP_LAZY | MAP_INHERIT)
/* Flags only MAP_PHYS mappings take (mmap_phys.c checks them). */
#define PHYS_MAP_MASK (MAP_PHYS | MAP_BELOW16M | MAP_NOX64K)

/*
 * The flags MAP_SHARED has always silently accepted; MAP_SHARED_VALIDATE
 * refuses everything else with EOPNOTSUPP (Linux's LEGACY_MAP_MASK).
 */
#define LEGACY_MAP_MASK                                                                          \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |         \
	 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_ABOVE4G | MAP_HUGE_2MB |       \
	 MAP_HUGE_1GB)

/* msync */
#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC	      4

/* madvise */
#define MADV_NORMAL	     0
#define MADV_RANDOM	     1
#define MADV_SEQUENTIAL	     2
#define MADV_WILLNEED	     3
#define MADV_DONTNEED	     4
#define MADV_FREE	     8
#define MADV_REMOVE	     9
#define MADV_DONTFORK	     10
#define MADV_DOFORK	     11
#define MADV_MERGEABLE	     12
#define MADV_UNMERGEABLE     13
#define MADV_HUGEPAGE	     14
#define MADV_NOHUGEPAGE	     15
#define MADV_DONTDUMP	     16
#define MADV_DODUMP	     17
#define MADV_WIPEONFORK	     18
#define MADV_KEEPONFORK	     19
#define MADV_COLD	     20
#define MADV_PAGEOUT	     21
#define MADV_POPULATE_READ   22
#define MADV_POPULATE_WRITE  23
#define MADV_DONTNEED_LOCKED 24
#define MADV_COLLAPSE	     25
#define MADV_HWPOISON	     100
#define MADV_SOFT_OFFLINE    101
#define MADV_GUARD_INSTALL   102
#define MADV_GUARD_REMOVE    103

/* mremap */
#define MREMAP_MAYMOVE	 1
#define MREMAP_FIXED	 2
#define MREMAP_DONTUNMAP 4

/* mlock2, mlockall */
#define MLOCK_ONFAULT 0x01
#define MCL_CURRENT   1
#define MCL_FUTURE    2
#define MCL_ONFAULT   4

#define RLIM_INFINITY (~0ULL) /* no limit, in struct rlimit */

#endif
