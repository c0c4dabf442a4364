// SPDX-License-Identifier: MIT
/*
 * POSIX typed memory (posix_typed_mem_open(), posix_typed_mem_get_info(),
 * posix_mem_offset()), with pools named after the physical map the host
 * describes:
 *
 *   /sysram            all RAM; offsets are physical addresses
 *   /sysram/below16m   RAM below 16 MiB (ISA-style DMA)
 *   /vga, /rom, /mmio  VGA memory, the BIOS ROM, the device window
 *                      (offset 0 is the region's start)
 *
 * A descriptor opened with POSIX_TYPED_MEM_ALLOCATE maps freshly allocated
 * pages of its pool (pinned, zeroed), one with ..._ALLOCATE_CONTIG one
 * contiguous block, and one with neither maps the pool's memory at the
 * offset (as MAP_PHYS does; POSIX_TYPED_MEM_MAP_ALLOCATABLE is accepted:
 * such mappings never take memory from the allocator here). Only RAM
 * pools allocate. Opening needs euid 0, as all physical memory does.
 */
#include <asm/fcntl.h>
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/plsys.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/ramfs.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#define TM_ALLOCATE	   0x1
#define TM_ALLOCATE_CONTIG 0x2
#define TM_MAP_ALLOCATABLE 0x4
#define NAME_MAX	   64

struct pool {
	const char *name;
	u64 base, size; /* offsets are relative to base */
	bool allocatable;
	unsigned fa_flags; /* where frame_alloc_pages() finds its memory */
};

static const struct pool pools[] = {
	{ "/sysram", 0, 0, true, 0 },
	{ "/sysram/below16m", 0, PL_BELOW16M_END, true, FA_BELOW16M },
	{ "/vga", PL_VGA_BASE, PL_VGA_SIZE, false, 0 },
	{ "/rom", PL_ROM_BASE, PL_ROM_SIZE, false, 0 },
	{ "/mmio", PL_MMIO_BASE, PL_MMIO_SIZE, false, 0 },
};

struct typed_open {
	const struct pool *pool;
	int tflag;
};

static u64 pool_size(const struct pool *p)
{
	return p->size ? p->size : boot_info.max_phys;
}

/* ---- ALLOCATE: pinned pages, not necessarily contiguous ---- */

struct pages_backing {
	struct backing b; /* first */
	u64 npages;
	u64 pfn[];
};

static u64 pages_lookup(struct backing *b, u64 index)
{
	struct pages_backing *p = (struct pages_backing *)b;

	return index < p->npages ? p->pfn[index] : FRAME_NONE;
}

static int pages_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
		       struct fault_info *fi)
{
	u64 pfn = pages_lookup(b, v->pgoff + (page - v->start) / PAGE_SIZE);

	(void)error;
	if (pfn == FRAME_NONE)
		return backing_sigbus(fi, page);
	frame_get(pfn);
	*pte = pte_for(pfn, v->prot, v->prot & VM_PROT_WRITE);
	return 0;
}

static void pages_get(struct backing *b)
{
	b->refcount++;
}

static void pages_put(struct backing *b)
{
	struct pages_backing *p = (struct pages_backing *)b;

	if (--b->refcount)
		return;
	backing_typed_release(b);
	for (u64 i = 0; i < p->npages; i++)
		frame_put(p->pfn[i]);
	kfree(p);
}

static const struct backing_ops pages_ops = {
	.frames = BACKING_PINNED,
	.fault = pages_fault,
	.lookup = pages_lookup,
	.fork = backing_fork_copy,
	.unmap = backing_unmap_frames,
	.get = pages_get,
	.put = pages_put,
};

static struct backing *pages_new(u64 len, unsigned fa_flags, int *err)
{
	u64 n = len / PAGE_SIZE;
	struct pages_backing *p = kzalloc(sizeof(*p) + n * sizeof(u64));

	*err = -ENOMEM;
	if (!p)
		return NULL;
	p->b = (struct backing){ .ops = &pages_ops, .kind = BACKING_TYPED, .refcount = 1 };
	for (; p->npages < n; p->npages++) {
		u64 pfn = frame_alloc(fa_flags);

		if (pfn == FRAME_NONE) {
			pages_put(&p->b); /* gives back what was taken */
			return NULL;
		}
		zero_new_frames(pfn, 1);
		p->pfn[p->npages] = pfn;
	}
	*err = 0;
	return &p->b;
}

/* ---- the descriptor ---- */

void backing_typed_release(struct backing *b)
{
	if (b->typed_file)
		file_put(b->typed_file);
	b->typed_file = NULL;
}

static struct backing *typed_backing(struct file *f, u64 off, u64 len, int *err)
{
	const struct typed_open *t = f->priv;
	struct backing *b;

	if (t->tflag & TM_ALLOCATE)
		return pages_new(len, t->pool->fa_flags, err);
	if (t->tflag & TM_ALLOCATE_CONTIG)
		return contig_backing_new(len, t->pool->fa_flags, err);
	*err = -ENXIO;
	if (off > pool_size(t->pool) || len > pool_size(t->pool) - off ||
	    !phys_range_backed(t->pool->base + off, len))
		return NULL;
	b = phys_backing_new(t->pool->base); /* the VMA's page offset is the pool's */
	*err = b ? 0 : -ENOMEM;
	return b;
}

/* Whatever backs it remembers the descriptor and the pool, for posix_mem_offset(). */
static struct backing *typed_mmap(struct file *f, u64 off, u64 len, int *err)
{
	const struct typed_open *t = f->priv;
	struct backing *b = typed_backing(f, off, len, err);

	if (b) {
		file_get(f);
		b->typed_file = f;
		b->typed_base = t->pool->base;
	}
	return b;
}

static void typed_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops typed_ops = {
	.mmap = typed_mmap,
	.release = typed_release,
	.unsigned_offset = true,
};

static long sys_typed_mem_open(u64 uname, u64 oflag, u64 utflag)
{
	int tflag = (int)utflag, fd;
	char name[NAME_MAX];
	const struct pool *pool = NULL;
	struct typed_open *t;
	struct inode *ino;
	struct file *f;
	long n = strncpy_from_user(name, uname, sizeof(name));

	if (n < 0)
		return n == -EFAULT ? -EFAULT : -ENAMETOOLONG;
	for (size_t i = 0; i < ARRAY_SIZE(pools); i++)
		if (!strcmp(name, pools[i].name))
			pool = &pools[i];
	if (!pool)
		return -ENOENT;
	if ((tflag & ~(TM_ALLOCATE | TM_ALLOCATE_CONTIG | TM_MAP_ALLOCATABLE)) ||
	    (tflag & (TM_ALLOCATE | TM_ALLOCATE_CONTIG)) == (TM_ALLOCATE | TM_ALLOCATE_CONTIG) ||
	    ((tflag & (TM_ALLOCATE | TM_ALLOCATE_CONTIG)) && !pool->allocatable) ||
	    (oflag & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (current->cred.euid != 0)
		return -EACCES;
	t = kzalloc(sizeof(*t));
	ino = t ? ramfs_new_anon(S_IFCHR | 0600, vfs_now()) : NULL;
	f = ino ? file_alloc(ino, &typed_ops, (u32)oflag & (O_ACCMODE | O_CLOEXEC)) : NULL;
	if (ino)
		inode_put(ino);
	if (!f) {
		kfree(t);
		return -ENOMEM;
	}
	*t = (struct typed_open){ pool, tflag };
	f->priv = t;
	fd = fd_install(f, 0, oflag & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The largest block the allocator could give from the pool now, in frames. */
static u64 largest_free(const struct pool *p)
{
	for (u64 n = 1ULL << FRAME_MAX_ORDER; n; n >>= 1) {
		u64 pfn = frame_alloc_pages(n, p->fa_flags);

		if (pfn != FRAME_NONE) {
			frame_free_pages(pfn, n);
			return n;
		}
	}
	return 0;
}

static long sys_typed_mem_get_info(u64 fd, u64 uinfo)
{
	struct file *f = fd_get((int)fd);
	const struct typed_open *t;
	u64 length;

	if (!f)
		return -EBADF;
	if (f->ops != &typed_ops) {
		file_put(f);
		return -ENODEV;
	}
	t = f->priv;
	if (t->tflag & TM_ALLOCATE)
		length = frame_free_in(t->pool->base / PAGE_SIZE,
				       (t->pool->base + pool_size(t->pool)) / PAGE_SIZE) *
			 PAGE_SIZE;
	else if (t->tflag & TM_ALLOCATE_CONTIG)
		length = largest_free(t->pool) * PAGE_SIZE;
	else
		length = pool_size(t->pool);
	file_put(f);
	/* struct posix_typed_mem_info: size_t posix_tmi_length, then reserved space */
	return copy_to_user(uinfo, &length, sizeof(length)) ? -EFAULT : 0;
}

/* The descriptor number of f in this process, or -1 when it was closed. */
static int fd_of(const struct file *f)
{
	for (int fd = 0; fd < NR_OPEN_MAX; fd++) {
		struct file *g = fd_get(fd);

		if (g)
			file_put(g);
		if (g == f)
			return fd;
	}
	return -1;
}

/*
 * POSIX posix_mem_offset(): where addr lies in the typed memory object
 * mapped there (its pool offset), how many bytes from there are contiguous
 * in it (at most len), and the descriptor that mapped it (-1 once closed).
 * EACCES where no typed memory is mapped.
 */
static long sys_posix_mem_offset(u64 addr, u64 len, u64 uoff, u64 ucontig, u64 ufd)
{
	const struct vma *v = addr < USER_TOP ? vma_find(&current->mm->vmas, addr) : NULL;
	struct backing *b = v ? backing_of(v) : NULL;
	u64 index, pfn, off, contig;
	int fd;

	if (!b || !b->typed_file)
		return -EACCES;
	index = v->pgoff + (addr - v->start) / PAGE_SIZE;
	pfn = b->ops->lookup(b, index);
	if (pfn == FRAME_NONE)
		return -EACCES;
	off = (pfn << PAGE_SHIFT) + (addr & (PAGE_SIZE - 1)) - b->typed_base;
	contig = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
	for (u64 k = 1; contig < len && ALIGN_DOWN(addr, PAGE_SIZE) + k * PAGE_SIZE < v->end &&
			b->ops->lookup(b, index + k) == pfn + k;
	     k++)
		contig += PAGE_SIZE;
	contig = MIN(contig, len);
	fd = fd_of(b->typed_file);
	if ((uoff && copy_to_user(uoff, &off, sizeof(off))) ||
	    (ucontig && copy_to_user(ucontig, &contig, sizeof(contig))) ||
	    (ufd && copy_to_user(ufd, &fd, sizeof(fd))))
		return -EFAULT;
	return 0;
}

SYSCALL(posix_typed_mem_open, sys_typed_mem_open, "sOx");
SYSCALL(posix_mem_offset, sys_posix_mem_offset, "pxppp");
SYSCALL(posix_typed_mem_get_info, sys_typed_mem_get_info, "fp");
