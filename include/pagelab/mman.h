/* SPDX-License-Identifier: MIT */
/*
 * pagelab's guest SDK: the QNX Neutrino and BSD memory interface that Linux
 * lacks, for programs that run in the sandbox. Header only; include it after
 * <sys/mman.h> and build as usual:
 *
 *	musl-gcc -static -I include prog.c
 *
 * The names and signatures are the manuals' (QNX mmap(), FreeBSD mmap(2)),
 * so their examples compile unchanged. Every flag value below differs from
 * every value Linux x86-64 defines for mmap()'s flags or prot, and lies
 * outside the MAP_HUGE_* size field (bits 26..31 of flags), except
 * MAP_NOINIT, which is Linux's own flag for the same thing; so one source
 * builds for both, and tests/unit/test_sdk_mman.c checks it against the
 * host's <sys/mman.h> and <linux/mman.h>. Natively, Linux ignores the new
 * flag bits; the calls below are pagelab system calls (include/pagelab/abi.h,
 * PL_SYS_BASE + 0x10..0x2f) and fail there with ENOSYS.
 *
 * Only what the kernel implements is declared here.
 */
#ifndef PAGELAB_MMAN_H
#define PAGELAB_MMAN_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* pagelab's system calls: PL_SYS_BASE (0x20000000) + n, see include/pagelab/abi.h. */
#define PL_SYS_MEM_OFFSET	  0x20000010
#define PL_SYS_MINHERIT		  0x20000011
#define PL_SYS_TYPED_MEM_OPEN	  0x20000012
#define PL_SYS_TYPED_MEM_GET_INFO 0x20000013
#define PL_SYS_SHM_CTL		  0x20000014
#define PL_SYS_POSIX_MEM_OFFSET	  0x20000015

/* A raw system call (no C library knows these numbers); -1 and errno on failure. */
static inline long pl_syscall5(long nr, long a0, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* QNX: the fd of MAP_ANON mappings (and of MAP_PHYS ones). */
#define NOFD (-1)

/*
 * QNX mmap(): map physical memory. With fd NOFD the offset is the physical
 * address (RAM, VGA memory at 0xA0000, the BIOS ROM at 0xF0000, the device
 * window); with MAP_ANON, a physically contiguous, zero-filled block. Root
 * only (EPERM otherwise). QNX's 0x10000 is Linux's MAP_NONBLOCK; 0x200 is
 * free in Linux x86-64's flags.
 */
#define MAP_PHYS 0x00000200
/*
 * QNX, with MAP_PHYS|MAP_ANON: the block lies below 16 MiB (ISA DMA).
 * QNX's 0x40000 is Linux's MAP_HUGETLB; 0x1000000 is free in Linux's flags.
 */
#define MAP_BELOW16M 0x01000000
/*
 * QNX, with MAP_PHYS|MAP_ANON: the block does not cross a 64 KiB boundary,
 * and one larger than 64 KiB starts on one. QNX's 0x20000 is Linux's
 * MAP_STACK; 0x2000000 is free in Linux's flags.
 */
#define MAP_NOX64K 0x02000000
/*
 * QNX: delay allocation to the first touch and do not commit memory at
 * mmap; when that touch finds no memory the process gets SIGBUS
 * (BUS_ADRERR, si_addr the address) instead of the kernel's OOM kill.
 * QNX's 0x80 is Linux's MAP_ABOVE4G; 0x400 is free in Linux x86-64's flags.
 */
#define MAP_LAZY 0x00000400
/*
 * QNX: fresh anonymous pages need not be zeroed. pagelab zeroes them
 * anyway unless the kernel runs with `--append noinit` (procnto's option):
 * then recycled frames keep their old contents, an information leak by
 * design. The value is Linux's own flag for exactly this,
 * MAP_UNINITIALIZED (0x4000000, honoured by Linux only on kernels built
 * without an MMU), not a collision: it is the one SDK flag inside the
 * MAP_HUGE_* field, so with MAP_HUGETLB it reads as a page size (EINVAL),
 * as on Linux.
 */
#define MAP_NOINIT 0x04000000
/*
 * QNX: map with caching disabled; the leaf PTE gets PCD|PWT (uncached),
 * kept across mprotect, fork and copy-on-write. Whether the hardware
 * honours it is up to the host's KVM: `pagelab info` measures it. QNX's
 * own value 0x800 is free in Linux x86-64's prot.
 */
#define PROT_NOCACHE 0x00000800

/*
 * FreeBSD mmap(2): leave the region out of core dumps (as Linux's
 * madvise(MADV_DONTDUMP) does). FreeBSD's value 0x20000 is Linux's
 * MAP_STACK; 0x400000 is free in Linux x86-64's flags.
 */
#define MAP_NOCORE 0x00400000

/*
 * 4.4BSD mmap(2): the region survives execve(): the new program finds it
 * at the same address with the same data (and sharing), unless its own
 * image or stack lies there. 4.4BSD's 0x80 is Linux's MAP_ABOVE4G;
 * 0x800000 is free in Linux x86-64's flags.
 */
#define MAP_INHERIT 0x00800000

/*
 * FreeBSD mmap(2): dirty pages of a shared file mapping reach the file
 * only on msync() or munmap(). pagelab's files live in RAM, so there is no
 * write-back to delay; the kernel records the flag (VmFlags "ns" in
 * /proc/self/smaps). FreeBSD's 0x800 is Linux's MAP_DENYWRITE; 0x200000
 * is free in Linux x86-64's flags.
 */
#define MAP_NOSYNC 0x00200000

/*
 * FreeBSD mmap(2): "notify the kernel that the region may contain
 * semaphores". FreeBSD ignores it, and so does pagelab: it is 0, which
 * every kernel accepts and no Linux flag can collide with.
 */
#define MAP_HASSEMAPHORE 0

/*
 * QNX: mmap64() is mmap() with a 64-bit offset; on x86-64 off_t is 64 bits
 * (musl defines mmap64 itself with _GNU_SOURCE or _LARGEFILE64_SOURCE).
 */
#ifndef mmap64
#define mmap64 mmap
#endif

/*
 * QNX mem_offset(): *offset = the physical address behind addr (which
 * need not be page aligned), *contig_len = how many bytes from there are
 * physically contiguous, at most length. A page not present yet is faulted
 * in first, and a private writable one gets its own copy, so the answer
 * holds until the mapping changes. fd must be NOFD (EINVAL otherwise);
 * EACCES when nothing is mapped at addr (or only PROT_NONE never touched).
 * offset and contig_len may be NULL.
 */
static inline int mem_offset(const void *addr, int fd, size_t length, off_t *offset,
			     size_t *contig_len)
{
	return (int)pl_syscall5(PL_SYS_MEM_OFFSET, (long)addr, fd, (long)length, (long)offset,
				(long)contig_len);
}

/*
 * FreeBSD minherit(2): what a child made by fork() gets of [addr, addr +
 * len) (rounded out to pages; holes are skipped). FreeBSD's values.
 *   INHERIT_SHARE  shared with the parent, writes both ways; a private
 *                  mapping becomes shared memory at this call
 *   INHERIT_COPY   a copy: copy-on-write, and of shared memory a private
 *                  snapshot taken at fork
 *   INHERIT_NONE   nothing mapped there in the child
 *   INHERIT_ZERO   fresh zero-filled anonymous memory in the child
 * EINVAL for another value or a range that wraps; EACCES for MAP_PHYS
 * device memory (COPY, ZERO) and MAP_HUGETLB pages (all but NONE).
 */
#define INHERIT_SHARE 0
#define INHERIT_COPY  1
#define INHERIT_NONE  2
#define INHERIT_ZERO  3

static inline int minherit(void *addr, size_t len, int inherit)
{
	return (int)pl_syscall5(PL_SYS_MINHERIT, (long)addr, (long)len, inherit, 0, 0);
}

/*
 * POSIX typed memory (Advanced Realtime; QNX implements it): pools named
 * after the physical map, opened as descriptors that mmap() maps.
 *   /sysram, /sysram/below16m   RAM (offsets: physical addresses), RAM
 *                               below 16 MiB; both allocate
 *   /vga, /rom, /mmio           VGA memory, the BIOS ROM, the device window
 * tflag: POSIX_TYPED_MEM_ALLOCATE maps freshly allocated, zeroed pages of
 * the pool; ..._ALLOCATE_CONTIG one contiguous block; neither maps the
 * pool's memory at the mmap offset (MAP_ALLOCATABLE is accepted: such
 * mappings never take memory from the allocator). Errors: ENOENT for an
 * unknown pool; EINVAL for both allocation flags, an unknown flag, or an
 * allocation flag on a pool that does not allocate; EACCES when not root.
 * get_info: what ALLOCATE could still have (free memory of the pool), the
 * largest ALLOCATE_CONTIG block, or the pool's size; EBADF, ENODEV.
 */
#ifndef POSIX_TYPED_MEM_ALLOCATE
#define POSIX_TYPED_MEM_ALLOCATE	0x01
#define POSIX_TYPED_MEM_ALLOCATE_CONTIG 0x02
#define POSIX_TYPED_MEM_MAP_ALLOCATABLE 0x04

struct posix_typed_mem_info {
	size_t posix_tmi_length;
	size_t __reserved[3];
};
#endif

static inline int posix_typed_mem_open(const char *name, int oflag, int tflag)
{
	return (int)pl_syscall5(PL_SYS_TYPED_MEM_OPEN, (long)name, oflag, tflag, 0, 0);
}

static inline int posix_typed_mem_get_info(int fildes, struct posix_typed_mem_info *info)
{
	return (int)pl_syscall5(PL_SYS_TYPED_MEM_GET_INFO, fildes, (long)info, 0, 0, 0);
}

/*
 * POSIX: the offset of addr in the typed memory object mapped there (the
 * pool offset), how many bytes from there are contiguous in it (at most
 * len), and the descriptor that mapped it (-1 once it was closed). EACCES
 * where no typed memory is mapped (mem_offset() answers for any memory).
 */
static inline int posix_mem_offset(const void *__restrict addr, size_t len, off_t *__restrict off,
				   size_t *__restrict contig_len, int *__restrict fildes)
{
	return (int)pl_syscall5(PL_SYS_POSIX_MEM_OFFSET, (long)addr, (long)len, (long)off,
				(long)contig_len, (long)fildes);
}

/*
 * QNX shm_ctl(): give an empty shared memory object (from shm_open) its
 * memory, size bytes: SHMCTL_ANON zeroed pages now, with SHMCTL_LAZY at
 * each first touch, with SHMCTL_PHYS one physically contiguous block, so
 * every process that maps the object shares one DMA buffer. paddr must be
 * 0 (naming existing physical memory is MAP_PHYS's job here). EINVAL for
 * another file, an object with memory, size 0, or a bad flag combination;
 * ENOMEM leaves the object empty. QNX's values.
 */
#define SHMCTL_ANON 0x0001
#define SHMCTL_PHYS 0x0002
#define SHMCTL_LAZY 0x0008

static inline int shm_ctl(int fd, int flags, uint64_t paddr, uint64_t size)
{
	return (int)pl_syscall5(PL_SYS_SHM_CTL, fd, flags, (long)paddr, (long)size, 0);
}

/*
 * QNX: map a device's registers or memory at physical address physical, as
 * mmap(addr, len, prot, flags | MAP_PHYS | MAP_SHARED, NOFD, physical).
 */
static inline void *mmap_device_memory(void *addr, size_t len, int prot, int flags,
				       uint64_t physical)
{
	return mmap(addr, len, prot, flags | MAP_PHYS | MAP_SHARED, NOFD, (off_t)physical);
}

/* QNX: unmap what mmap_device_memory() mapped. */
static inline int munmap_device_memory(void *addr, size_t len)
{
	return munmap(addr, len);
}

#if defined(_LARGEFILE64_SOURCE) || defined(_GNU_SOURCE)
/* The same with QNX's large-file type (off_t is 64 bits here already). */
static inline int mem_offset64(const void *addr, int fd, size_t length, off64_t *offset,
			       size_t *contig_len)
{
	return (int)pl_syscall5(PL_SYS_MEM_OFFSET, (long)addr, fd, (long)length, (long)offset,
				(long)contig_len);
}
#endif

#ifdef __cplusplus
}
#endif

#endif
