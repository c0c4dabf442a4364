// SPDX-License-Identifier: MIT
/*
 * Argument checks of the memory system calls, in Linux 6.18's order. The
 * comments name the Linux function each step comes from, so a reader can
 * hold the two side by side.
 */
#include <kernel/mmap_check.h>
#include <kernel/vma.h>

#define PAGE MC_PAGE_SIZE
#define HUGE MC_HUGE_SIZE

static inline u64 round_up(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1); /* wraps to 0 near the top, as PAGE_ALIGN does */
}

bool can_do_mlock(const struct mm_limits *l)
{
	return l->memlock_limit != 0 || l->cap_ipc_lock;
}

bool mlock_future_ok(const struct mm_limits *l, u64 vm_flags, u64 len)
{
	if (!(vm_flags & VM_LOCKED) || l->cap_ipc_lock)
		return true;
	return l->locked_pages + len / PAGE <= l->memlock_limit / PAGE;
}

/* file_mmap_size_max() + file_mmap_ok(): offsets the file type can address. */
static bool file_range_ok(const struct mmap_file *f, u64 pgoff, u64 len)
{
	u64 max = UINT64_MAX;

	if (f->kind == MMAP_FD_REGULAR || f->kind == MMAP_FD_SOCKET)
		max = INT64_MAX;
	else if (f->kind == MMAP_FD_CHARDEV && f->unsigned_offset)
		max = 0;
	if (max && len > max)
		return false;
	max -= len;
	return pgoff <= max / PAGE;
}

static bool fd_has_mmap(const struct mmap_file *f)
{
	switch (f->kind) {
	case MMAP_FD_REGULAR:
	case MMAP_FD_SOCKET: /* sock_mmap exists; the protocol refuses later */
		return true;
	case MMAP_FD_CHARDEV:
		return f->dev_mmap;
	default:
		return false;
	}
}

/* do_mmap()'s switch on the mapping type for a file. */
static int check_file_type(const struct mmap_file *f, u64 flags, u32 prot, u64 *vm_flags)
{
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		/* Plain MAP_SHARED ignores what it does not know... */
		flags &= LEGACY_MAP_MASK | PAGELAB_MAP_MASK;
		/* fallthrough */
	case MAP_SHARED_VALIDATE:
		/* ...MAP_SHARED_VALIDATE refuses it. No file here does MAP_SYNC. */
		if (flags & ~(u64)(LEGACY_MAP_MASK | PAGELAB_MAP_MASK))
			return -EOPNOTSUPP;
		if ((prot & VM_PROT_WRITE) && !f->writable)
			return -EACCES;
		if (f->append && f->writable)
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!f->writable)
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fallthrough */
	case MAP_PRIVATE:
		if (!f->readable)
			return -EACCES;
		if (f->noexec) {
			if (prot & VM_PROT_EXEC)
				return -EPERM;
			*vm_flags &= ~VM_MAYEXEC;
		}
		if (!fd_has_mmap(f))
			return -ENODEV;
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* do_mmap()'s switch for anonymous memory. MAP_DROPPABLE is not supported. */
static int check_anon_type(u64 flags, u64 *vm_flags)
{
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		return 0;
	case MAP_PRIVATE:
		return 0;
	default:
		return -EINVAL;
	}
}

/* __get_unmapped_area(): the address, chosen or checked. */
static int place(const struct mmap_args *a, const struct mm_limits *l,
		 const struct mmap_space *space, struct mmap_plan *p, u64 flags, u64 hint)
{
	s64 addr;

	if (p->len > l->task_size)
		return -ENOMEM;
	if ((flags & MAP_FIXED) && p->page_size == HUGE && (a->addr & (HUGE - 1)))
		return -EINVAL; /* hugetlb_get_unmapped_area() */
	if (flags & MAP_FIXED) {
		addr = (s64)a->addr;
	} else {
		addr = space->get_area(space->ctx, hint, p->len, p->page_size, flags);
		if (addr < 0)
			return (int)addr;
	}
	if ((u64)addr > l->task_size - p->len)
		return -ENOMEM;
	if ((u64)addr & (PAGE - 1))
		return -EINVAL;
	if ((u64)addr < l->min_addr && !l->cap_sys_rawio)
		return -EPERM; /* security_mmap_addr() */
	p->addr = (u64)addr;
	return 0;
}

static u64 flag_bits(u64 flags)
{
	u64 vm = 0;

	if (flags & MAP_GROWSDOWN)
		vm |= VM_GROWSDOWN;
	if (flags & MAP_LOCKED)
		vm |= VM_LOCKED;
	if (flags & MAP_STACK)
		vm |= VM_NOHUGEPAGE;
	if (flags & MAP_HUGETLB)
		vm |= VM_HUGETLB | VM_DONTEXPAND;
	if (flags & MAP_NOCORE)
		vm |= VM_DONTDUMP; /* FreeBSD's MAP_NOCORE is MADV_DONTDUMP at mmap */
	if (flags & MAP_NOSYNC)
		vm |= VM_NOSYNC;
	if (flags & MAP_LAZY)
		vm |= VM_LAZY;
	if (flags & MAP_INHERIT)
		vm |= VM_INHERIT_EXEC;
	if (flags & MAP_NOINIT)
		vm |= VM_NOINIT;
	return vm;
}

/* The x86-64 entry and ksys_mmap_pgoff(): offset, fd and huge page size. */
static int check_entry(const struct mmap_args *a, const struct mmap_file *f, struct mmap_plan *p)
{
	if (a->off & (PAGE - 1))
		return -EINVAL;
	p->pgoff = a->off / PAGE;
	p->page_size = PAGE;
	p->len = a->len;
	if (!p->anon) {
		if (!f || f->kind == MMAP_FD_NONE)
			return -EBADF;
		if (a->flags & MAP_HUGETLB)
			return -EINVAL; /* pagelab has no hugetlbfs files */
	} else if (a->flags & MAP_HUGETLB) {
		u64 log = (a->flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;

		if (log && log != 21)
			return -EINVAL; /* no such huge page size here */
		p->page_size = HUGE;
		p->len = round_up(a->len, HUGE);
	}
	return 0;
}

/* Anonymous huge pages are a hugetlbfs file on Linux: the file rules apply. */
static const struct mmap_file hugetlb_file = { .kind = MMAP_FD_REGULAR,
					       .readable = true,
					       .writable = true };

static int check_object(const struct mmap_args *a, const struct mmap_file *f,
			const struct mm_limits *l, struct mmap_plan *p, u64 flags)
{
	bool huge = p->page_size == HUGE;
	int err;

	if ((flags & MAP_LOCKED) && !can_do_mlock(l))
		return -EPERM;
	if (!mlock_future_ok(l, p->vm_flags, p->len))
		return -EAGAIN;
	if (!p->anon || huge) {
		if (huge)
			f = &hugetlb_file;
		if (!file_range_ok(f, p->pgoff, p->len))
			return -EOVERFLOW;
		err = check_file_type(f, flags, p->prot, &p->vm_flags);
	} else {
		err = check_anon_type(flags, &p->vm_flags);
		p->pgoff = (flags & MAP_TYPE) == MAP_SHARED ? 0 : p->addr / PAGE;
	}
	if (err)
		return err;
	if (a->flags & MAP_NORESERVE) {
		if (!l->overcommit_never || huge)
			p->vm_flags |= VM_NORESERVE;
	}
	if (huge && (p->pgoff & (HUGE / PAGE - 1)))
		return -EINVAL; /* hugetlbfs_file_mmap() */
	if (!p->anon && f->kind == MMAP_FD_SOCKET)
		return -ENODEV; /* sock_no_mmap(), from call_mmap() */
	return 0;
}

/* accountable_mapping() and shmem_acct_size(): what mmap_region charges. */
static u64 commit_pages(const struct mmap_plan *p)
{
	/* QNX's MAP_LAZY: memory is found at the first touch or not at all (SIGBUS). */
	if (p->page_size == HUGE || (p->vm_flags & (VM_NORESERVE | VM_LAZY)))
		return 0;
	if ((p->prot & VM_PROT_WRITE) && !(p->vm_flags & VM_SHARED))
		return p->len / PAGE;
	if (p->anon && (p->vm_flags & VM_SHARED))
		return p->len / PAGE;
	return 0;
}

int mmap_check(const struct mmap_args *a, const struct mmap_file *f, const struct mm_limits *l,
	       const struct mmap_space *space, struct mmap_plan *p)
{
	u64 flags = a->flags, hint = 0;
	int err;

	*p = (struct mmap_plan){ .anon = (a->flags & MAP_ANONYMOUS) != 0 };
	err = check_entry(a, f, p);
	if (err)
		return err;
	if (!p->len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		/* round_hint_to_min() */
		hint = a->addr & ~(PAGE - 1);
		if (hint && hint < l->min_addr)
			hint = round_up(l->min_addr, PAGE);
	}
	p->len = round_up(p->len, PAGE);
	if (!p->len)
		return -ENOMEM;
	if (p->pgoff + p->len / PAGE < p->pgoff)
		return -EOVERFLOW;
	if (l->map_count > l->max_map_count)
		return -ENOMEM;
	p->prot = (u32)(a->prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC | VM_PROT_NOCACHE));
	p->vm_flags = flag_bits(flags) | l->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	err = place(a, l, space, p, flags, hint);
	if (err)
		return err;
	if ((flags & MAP_FIXED_NOREPLACE) &&
	    space->intersects(space->ctx, p->addr, p->addr + p->len))
		return -EEXIST;
	err = check_object(a, f, l, p, flags);
	if (err)
		return err;
	p->fixed = (flags & MAP_FIXED) != 0;
	p->populate =
	    (p->vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE;
	p->reserve_huge = p->page_size == HUGE && !(p->vm_flags & VM_NORESERVE);
	p->commit_pages = commit_pages(p);
	return 0;
}

int munmap_check(u64 addr, u64 len, u64 task_size, u64 *end)
{
	/* do_vmi_munmap() */
	if ((addr & (PAGE - 1)) || addr > task_size || len > task_size - addr)
		return -EINVAL;
	*end = addr + round_up(len, PAGE);
	if (*end == addr)
		return -EINVAL;
	return 0;
}

int mprotect_check(u64 addr, u64 len, u64 prot_in, u64 *end, u32 *prot, u64 *grows)
{
	/* do_mprotect_pkey() */
	u64 g = prot_in & (VM_PROT_GROWSDOWN | VM_PROT_GROWSUP);
	u64 rounded;

	prot_in &= ~g;
	if (g == (VM_PROT_GROWSDOWN | VM_PROT_GROWSUP))
		return -EINVAL;
	if (addr & (PAGE - 1))
		return -EINVAL;
	*end = addr;
	*prot = 0;
	*grows = g;
	if (!len)
		return 0;
	rounded = round_up(len, PAGE);
	if (addr + rounded <= addr)
		return -ENOMEM;
	/* arch_validate_prot(): x86-64 adds no bits of its own */
	if (prot_in &
	    ~(u64)(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC | VM_PROT_SEM | VM_PROT_NOCACHE))
		return -EINVAL;
	*end = addr + rounded;
	*prot = (u32)(prot_in & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC | VM_PROT_NOCACHE));
	return 0;
}

int mprotect_first_check(const struct vma *first, u64 *start, u64 end, u64 grows)
{
	if (!first || first->start >= end)
		return -ENOMEM;
	if (grows & VM_PROT_GROWSDOWN) {
		*start = first->start;
		return first->flags & VM_GROWSDOWN ? 0 : -EINVAL;
	}
	if (first->start > *start)
		return -ENOMEM;
	if (grows & VM_PROT_GROWSUP)
		return -EINVAL; /* nothing grows up on x86-64 */
	return 0;
}
