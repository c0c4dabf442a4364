// SPDX-License-Identifier: MIT
/*
 * The memory syscalls: brk, mmap, munmap, mprotect. Argument checks are
 * mmap_check.c's (Linux's order of errors); the VMA set is vma.c's; this
 * file joins them to page tables and frames.
 */
#include <asm/fcntl.h> /* O_APPEND */
#include <kernel/backing.h>
#include <kernel/commit.h>
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/mm.h>
#include <kernel/mman.h>
#include <kernel/mmap_check.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/signo.h>
#include <kernel/syscall.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

#include "backing_file.h"

#define MMAP_BASE (USER_TOP - (8ULL << 20) - (128ULL << 20))

static s64 get_area(void *ctx, u64 hint, u64 len, u64 align, u64 flags)
{
	struct mm *mm = ctx;
	struct vma_gap_req req = {
		.len = len,
		.align = align,
		.floor = MC_MIN_ADDR,
		.limit = MMAP_BASE,
		.hint = hint,
		.hint_limit = USER_TOP,
	};
	s64 at;

	/*
	 * Linux 6.7 and later (__get_unmapped_area()): a private anonymous
	 * mapping a whole number of 2 MiB long, without a hint, starts on a
	 * 2 MiB boundary, so all of it can be transparent huge pages; where
	 * no such place is left it goes where it fits.
	 */
	if (!hint && align < HUGE_PAGE_SIZE && (flags & MAP_ANONYMOUS) && !(flags & MAP_SHARED) &&
	    !(len & (HUGE_PAGE_SIZE - 1))) {
		req.align = HUGE_PAGE_SIZE;
		at = vma_find_gap(&mm->vmas, &req);
		if (at >= 0)
			return at;
		req.align = align;
	}
	return vma_find_gap(&mm->vmas, &req);
}

/* mremap's new place, chosen as mmap chooses. */
s64 mm_get_area(struct mm *mm, u64 hint, u64 len, u64 align)
{
	return get_area(mm, hint, len, align, 0);
}

static bool intersects(void *ctx, u64 start, u64 end)
{
	struct mm *mm = ctx;

	return !vma_range_free(&mm->vmas, start, end);
}

void mm_mmap_space(struct mm *mm, struct mmap_space *space)
{
	*space = (struct mmap_space){ get_area, intersects, mm };
}

int sysctl_max_map_count = DEFAULT_MAX_MAP_COUNT;

/* The limits mmap_check consults; root (CAP_IPC_LOCK) ignores RLIMIT_MEMLOCK. */
void mm_fill_limits(struct mm *mm, struct mm_limits *l)
{
	*l = (struct mm_limits){
		.task_size = USER_TOP,
		.min_addr = MC_MIN_ADDR,
		.map_count = mm->vmas.count,
		.max_map_count = (u64)sysctl_max_map_count,
		.def_flags = mm->def_flags,
		.memlock_limit = rlimit_cur(RLIMIT_MEMLOCK),
		.cap_ipc_lock = current->cred.euid == 0, /* root is exempt, as on Linux */
		.cap_sys_rawio = true,
	};
	/* Only a process without CAP_IPC_LOCK needs the count: a walk of every VMA. */
	if (!l->cap_ipc_lock)
		l->locked_pages = mm_locked_pages(mm, 0, USER_TOP);
}

/* Faults in every page now (MAP_POPULATE): one syscall, no exits per page. */
static void populate(struct mm *mm, u64 start, u64 end, u32 prot)
{
	u64 error = PF_ERR_USER | (prot & VM_PROT_WRITE ? PF_ERR_WRITE : 0);
	struct fault_info fi;

	for (u64 va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = pt_leaf(mm->pml4_pa, va, false);

		if ((!pte || !pte_present(*pte)) && vm_fault(mm, va, error, &fi))
			break;
	}
}

/* What mmap_check() needs to know of a file: its type and how it was opened. */
static enum mmap_fd_kind fd_kind(u32 mode)
{
	if (S_ISREG(mode))
		return MMAP_FD_REGULAR;
	if (S_ISDIR(mode))
		return MMAP_FD_DIRECTORY;
	if (S_ISFIFO(mode))
		return MMAP_FD_PIPE;
	if (S_ISCHR(mode))
		return MMAP_FD_CHARDEV;
	return MMAP_FD_SOCKET;
}

static void describe_file(const struct file *f, struct mmap_file *mf)
{
	*mf = (struct mmap_file){
		.kind = fd_kind(inode_mode(f->inode)),
		.readable = f->fmode & FMODE_READ,
		.writable = f->fmode & FMODE_WRITE,
		.append = f->flags & O_APPEND,
		.dev_mmap = f->ops->mmap || f->ops->mmap_anon,
		.unsigned_offset = f->ops->unsigned_offset,
	};
}

long mm_map_plan(struct mm *mm, const struct mmap_plan *plan, struct backing *obj)
{
	int err = plan->fixed ? hugetlb_split_check(mm, plan->addr, plan->addr + plan->len) : 0;

	if (!err)
		err = vma_map(&mm->vmas, plan->addr, plan->addr + plan->len, plan->prot,
			      plan->vm_flags, obj, plan->pgoff, mm_unmap_piece, mm, NULL);
	mm_flush_commit(mm);
	if (err)
		return err;
	/*
	 * Shared huge pages have no object behind them: only pages present at
	 * fork are shared with the child, so they are all made present now.
	 */
	if (plan->populate ||
	    (plan->vm_flags & (VM_HUGETLB | VM_SHARED)) == (VM_HUGETLB | VM_SHARED))
		populate(mm, plan->addr, plan->addr + plan->len, plan->prot);
	return plan->addr;
}

/*
 * What the new mapping's pages come from (kernel/backing.h): the file's
 * backing, a new shared-memory object for MAP_SHARED|MAP_ANONYMOUS, or
 * nothing (*out NULL) for private anonymous memory and huge pages.
 */
static int mmap_backing(const struct mmap_plan *plan, struct file *f, struct backing **out)
{
	int err = -ENOMEM;

	*out = NULL;
	if (f && f->ops->mmap_anon) { /* Linux's mmap_zero */
		if (!(plan->vm_flags & VM_SHARED))
			return 0;
		*out = shm_backing_new(plan->len);
		return *out ? 0 : -ENOMEM;
	}
	if (f && f->ops->mmap) { /* a device: it says what its pages are (/dev/mem) */
		*out = f->ops->mmap(f, plan->pgoff * PAGE_SIZE, plan->len, &err);
		return *out ? 0 : err;
	}
	if (f) {
		*out = file_backing_get(f->inode);
		vfs_file_accessed(f->inode); /* Linux's file_accessed() in its mmap */
	} else if (plan->anon && (plan->vm_flags & (VM_SHARED | VM_HUGETLB)) == VM_SHARED)
		*out = shm_backing_new(plan->len);
	else
		return 0;
	return *out ? 0 : -ENOMEM;
}

/*
 * mmap in Linux's order: check the arguments and plan the mapping
 * (mmap_check.c: the errors, the address, the flags), reserve huge pages,
 * find the backing, charge the commit limit, then change the VMA set. f is
 * the file for a file mapping, NULL otherwise (or when fd was bad: the
 * check says EBADF).
 */
static long do_mmap(struct mm *mm, const struct mmap_args *a, struct file *f)
{
	struct mmap_space space = { get_area, intersects, mm };
	struct mmap_file mf = { .kind = MMAP_FD_NONE };
	struct mm_limits l;
	struct mmap_plan plan;
	struct backing *obj;
	long ret;

	mm_fill_limits(mm, &l);
	if (f)
		describe_file(f, &mf);
	ret = mmap_check(a, (a->flags & MAP_ANONYMOUS) ? NULL : &mf, &l, &space, &plan);
	if (ret)
		return ret;
	if (plan.reserve_huge && (ret = hugetlb_reserve(plan.len / HUGE_PAGE_SIZE)))
		return ret;
	ret = mmap_backing(&plan, f, &obj);
	if (ret)
		return ret;
	if (obj)
		plan.vm_flags |= backing_vm_flags(obj);
	if (obj && obj->ops->frames == BACKING_DEVICE) {
		/* Device memory (/dev/mem) is nobody's to charge or copy: no private copies either. */
		ret = -EACCES;
		if (!(plan.vm_flags & VM_SHARED) && (plan.prot & VM_PROT_WRITE))
			goto drop_backing;
		if (!(plan.vm_flags & VM_SHARED))
			plan.vm_flags &= ~VM_MAYWRITE;
		plan.commit_pages = 0;
	}
	ret = commit_mmap(mm, &plan);
	if (ret)
		goto drop_backing;
	ret = mm_map_plan(mm, &plan, obj);
	if (ret >= 0)
		return ret;
	if (plan.vm_flags & VM_ACCOUNT)
		commit_uncharge(plan.commit_pages);
drop_backing:
	if (obj)
		backing_put(obj);
	return ret;
}

static long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off)
{
	struct mmap_args a = { addr, len, prot, flags, off };
	struct file *f;
	long ret;

	if (flags & PHYS_MAP_MASK) /* QNX's physical memory: mmap_phys.c */
		return mmap_phys(current->mm, &a, (int)fd);
	f = (flags & MAP_ANONYMOUS) ? NULL : fd_get((int)fd);
	ret = do_mmap(current->mm, &a, f);

	if (f)
		file_put(f);
	return ret;
}

/*
 * Linux lets the VMA count pass vm.max_map_count only while freeing: a
 * split that leaves one more VMA is ENOMEM at the limit (__split_vma's
 * callers in munmap and mprotect). middle_only: only a hole punched in
 * one VMA adds one (munmap's rule); otherwise any cut at either end does.
 */
static int split_limit_check(struct mm *mm, u64 addr, u64 end, bool middle_only)
{
	struct vma *first = vma_find(&mm->vmas, addr), *last = vma_find(&mm->vmas, end - 1);
	bool splits;

	if (mm->vmas.count < (u64)sysctl_max_map_count)
		return 0;
	if (middle_only)
		splits = first && first->start < addr && end < first->end;
	else
		splits = (first && first->start < addr) || (last && end < last->end);
	return splits ? -ENOMEM : 0;
}

static long sys_munmap(u64 addr, u64 len)
{
	struct mm *mm = current->mm;
	u64 end;
	int err = munmap_check(addr, len, USER_TOP, &end);

	if (!err && end > addr)
		err = split_limit_check(mm, addr, end, true);
	if (!err)
		err = hugetlb_split_check(mm, addr, end);
	if (err)
		return err;
	err = vma_unmap_range(&mm->vmas, addr, end, mm_unmap_piece, mm);
	mm_flush_commit(mm);
	return err;
}

static void protect_changed(void *arg, const struct vma *piece, u32 old_prot, u64 old_flags)
{
	(void)old_prot;
	(void)old_flags;
	pt_protect(arg, piece->start, piece->end, piece->prot, piece->flags & VM_SHARED);
}

/* Does [addr, end) have prot already (one VMA covers it)? Then nothing splits. */
static bool same_prot(struct mm *mm, u64 addr, u64 end, u32 prot)
{
	struct vma *v = vma_find(&mm->vmas, addr);

	return v && v->end >= end && v->prot == prot;
}

static long sys_mprotect(u64 addr, u64 len, u64 prot_in)
{
	struct mm *mm = current->mm;
	u64 end, grows;
	u32 prot;
	int err = mprotect_check(addr, len, prot_in, &end, &prot, &grows);

	if (err || end == addr)
		return err;
	err = mprotect_first_check(vma_find_above(&mm->vmas, addr), &addr, end, grows);
	if (!err)
		err = hugetlb_split_check(mm, addr, end);
	if (!err && !same_prot(mm, addr, end, prot))
		err = split_limit_check(mm, addr, end, false);
	if (err)
		return err;
	err = commit_protect_range(mm, addr, end, prot, protect_changed, mm);
	mm_flush_commit(mm);
	return err;
}

/* Linux's brk: returns the new break, or the old one when it cannot move. */
static long sys_brk(u64 want)
{
	struct mm *mm = current->mm;
	u64 old_top = ALIGN_UP(mm->brk, PAGE_SIZE), new_top = ALIGN_UP(want, PAGE_SIZE);

	if (want < mm->brk_start || want >= MMAP_BASE)
		return mm->brk;
	if (new_top > old_top) {
		if (!vma_range_free(&mm->vmas, old_top, new_top) ||
		    procmm_map_anon(mm, old_top, new_top - old_top, VM_PROT_READ | VM_PROT_WRITE,
				    false))
			return mm->brk;
		if (mm->def_flags & VM_LOCKED) /* mlockall(MCL_FUTURE): do_brk_flags() populates */
			mm_populate(mm, old_top, new_top, true);
	} else if (new_top < old_top) {
		vma_unmap_range(&mm->vmas, new_top, old_top, mm_unmap_piece, mm);
		mm_flush_commit(mm);
	}
	mm->brk = want;
	return mm->brk;
}

/*
 * A file's frames are its page cache and ramfs keeps nothing else, so
 * stores through MAP_SHARED are in the file already: msync checks its
 * arguments and the range, as Linux does, has nothing to write, and only
 * marks the files it finds stored to since the last msync as modified.
 */
static long sys_msync(u64 addr, u64 len, u64 flags)
{
	struct mm *mm = current->mm;
	u64 end, at = addr;
	int err = msync_check(addr, len, (int)flags, &end);
	struct vma *v;

	if (err || end == addr)
		return err;
	vma_for_each_in(&mm->vmas, v, addr, end)
	{
		if (v->start > at)
			return -ENOMEM;
		if ((err = msync_vma_check((int)flags, v->flags)))
			return err;
		file_backing_msync(mm, v, addr, end);
		at = v->end;
	}
	return at < end ? -ENOMEM : 0;
}

SYSCALL(mmap, sys_mmap, "puPMfx");
SYSCALL(msync, sys_msync, "puY");
SYSCALL(munmap, sys_munmap, "pu");
SYSCALL(mprotect, sys_mprotect, "puP");
SYSCALL(brk, sys_brk, "p");
