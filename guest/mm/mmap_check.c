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

static inline uint64_t round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1); /* wraps to 0 near the top, as PAGE_ALIGN does */
}

bool can_do_mlock(const struct mm_limits *l)
{
	return l->memlock_limit != 0 || l->cap_ipc_lock;
}

bool mlock_future_ok(const struct mm_limits *l, uint64_t vm_flags, uint64_t len)
{
	if (!(vm_flags & VM_LOCKED) || l->cap_ipc_lock)
		return true;
	return l->locked_pages + len / PAGE <= l->memlock_limit / PAGE;
}

/* file_mmap_size_max() + file_mmap_ok(): offsets the file type can address. */
static bool file_range_ok(const struct mmap_file *f, uint64_t pgoff, uint64_t len)
{
	uint64_t max = UINT64_MAX;

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
static int check_file_type(const struct mmap_file *f, uint64_t flags, uint32_t prot,
			   uint64_t *vm_flags)
{
	switch (flags & K_MAP_TYPE) {
	case K_MAP_SHARED:
		/* Plain MAP_SHARED ignores what it does not know... */
		flags &= K_LEGACY_MAP_MASK | K_PAGELAB_MAP_MASK;
		/* fallthrough */
	case K_MAP_SHARED_VALIDATE:
		/* ...MAP_SHARED_VALIDATE refuses it. No file here does MAP_SYNC. */
		if (flags & ~(uint64_t)(K_LEGACY_MAP_MASK | K_PAGELAB_MAP_MASK))
			return -K_EOPNOTSUPP;
		if ((prot & K_PROT_WRITE) && !f->writable)
			return -K_EACCES;
		if (f->append && f->writable)
			return -K_EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!f->writable)
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fallthrough */
	case K_MAP_PRIVATE:
		if (!f->readable)
			return -K_EACCES;
		if (f->noexec) {
			if (prot & K_PROT_EXEC)
				return -K_EPERM;
			*vm_flags &= ~VM_MAYEXEC;
		}
		if (!fd_has_mmap(f))
			return -K_ENODEV;
		if (*vm_flags & VM_GROWSDOWN)
			return -K_EINVAL;
		return 0;
	default:
		return -K_EINVAL;
	}
}

/* do_mmap()'s switch for anonymous memory. MAP_DROPPABLE is not supported. */
static int check_anon_type(uint64_t flags, uint64_t *vm_flags)
{
	switch (flags & K_MAP_TYPE) {
	case K_MAP_SHARED:
		if (*vm_flags & VM_GROWSDOWN)
			return -K_EINVAL;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		return 0;
	case K_MAP_PRIVATE:
		return 0;
	default:
		return -K_EINVAL;
	}
}

/* __get_unmapped_area(): the address, chosen or checked. */
static int place(const struct mmap_args *a, const struct mm_limits *l,
		 const struct mmap_space *space, struct mmap_plan *p, uint64_t flags, uint64_t hint)
{
	int64_t addr;

	if (p->len > l->task_size)
		return -K_ENOMEM;
	if ((flags & K_MAP_FIXED) && p->page_size == HUGE && (a->addr & (HUGE - 1)))
		return -K_EINVAL; /* hugetlb_get_unmapped_area() */
	if (flags & K_MAP_FIXED) {
		addr = (int64_t)a->addr;
	} else {
		addr = space->get_area(space->ctx, hint, p->len, p->page_size, flags);
		if (addr < 0)
			return (int)addr;
	}
	if ((uint64_t)addr > l->task_size - p->len)
		return -K_ENOMEM;
	if ((uint64_t)addr & (PAGE - 1))
		return -K_EINVAL;
	if ((uint64_t)addr < l->min_addr && !l->cap_sys_rawio)
		return -K_EPERM; /* security_mmap_addr() */
	p->addr = (uint64_t)addr;
	return 0;
}

static uint64_t flag_bits(uint64_t flags)
{
	uint64_t vm = 0;

	if (flags & K_MAP_GROWSDOWN)
		vm |= VM_GROWSDOWN;
	if (flags & K_MAP_LOCKED)
		vm |= VM_LOCKED;
	if (flags & K_MAP_STACK)
		vm |= VM_NOHUGEPAGE;
	if (flags & K_MAP_HUGETLB)
		vm |= VM_HUGETLB | VM_DONTEXPAND;
	if (flags & K_MAP_NOCORE)
		vm |= VM_DONTDUMP; /* FreeBSD's MAP_NOCORE is MADV_DONTDUMP at mmap */
	if (flags & K_MAP_NOSYNC)
		vm |= VM_NOSYNC;
	return vm;
}

/* The x86-64 entry and ksys_mmap_pgoff(): offset, fd and huge page size. */
static int check_entry(const struct mmap_args *a, const struct mmap_file *f, struct mmap_plan *p)
{
	if (a->off & (PAGE - 1))
		return -K_EINVAL;
	p->pgoff = a->off / PAGE;
	p->page_size = PAGE;
	p->len = a->len;
	if (!p->anon) {
		if (!f || f->kind == MMAP_FD_NONE)
			return -K_EBADF;
		if (a->flags & K_MAP_HUGETLB)
			return -K_EINVAL; /* pagelab has no hugetlbfs files */
	} else if (a->flags & K_MAP_HUGETLB) {
		uint64_t log = (a->flags >> K_MAP_HUGE_SHIFT) & K_MAP_HUGE_MASK;

		if (log && log != 21)
			return -K_EINVAL; /* no such huge page size here */
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
			const struct mm_limits *l, struct mmap_plan *p, uint64_t flags)
{
	bool huge = p->page_size == HUGE;
	int err;

	if ((flags & K_MAP_LOCKED) && !can_do_mlock(l))
		return -K_EPERM;
	if (!mlock_future_ok(l, p->vm_flags, p->len))
		return -K_EAGAIN;
	if (!p->anon || huge) {
		if (huge)
			f = &hugetlb_file;
		if (!file_range_ok(f, p->pgoff, p->len))
			return -K_EOVERFLOW;
		err = check_file_type(f, flags, p->prot, &p->vm_flags);
	} else {
		err = check_anon_type(flags, &p->vm_flags);
		p->pgoff = (flags & K_MAP_TYPE) == K_MAP_SHARED ? 0 : p->addr / PAGE;
	}
	if (err)
		return err;
	if (a->flags & K_MAP_NORESERVE) {
		if (!l->overcommit_never || huge)
			p->vm_flags |= VM_NORESERVE;
	}
	if (huge && (p->pgoff & (HUGE / PAGE - 1)))
		return -K_EINVAL; /* hugetlbfs_file_mmap() */
	if (!p->anon && f->kind == MMAP_FD_SOCKET)
		return -K_ENODEV; /* sock_no_mmap(), from call_mmap() */
	return 0;
}

/* accountable_mapping() and shmem_acct_size(): what mmap_region charges. */
static uint64_t commit_pages(const struct mmap_plan *p)
{
	if (p->page_size == HUGE || (p->vm_flags & VM_NORESERVE))
		return 0;
	if ((p->prot & K_PROT_WRITE) && !(p->vm_flags & VM_SHARED))
		return p->len / PAGE;
	if (p->anon && (p->vm_flags & VM_SHARED))
		return p->len / PAGE;
	return 0;
}

int mmap_check(const struct mmap_args *a, const struct mmap_file *f, const struct mm_limits *l,
	       const struct mmap_space *space, struct mmap_plan *p)
{
	uint64_t flags = a->flags, hint = 0;
	int err;

	*p = (struct mmap_plan){ .anon = (a->flags & K_MAP_ANONYMOUS) != 0 };
	err = check_entry(a, f, p);
	if (err)
		return err;
	if (!p->len)
		return -K_EINVAL;
	if (flags & K_MAP_FIXED_NOREPLACE)
		flags |= K_MAP_FIXED;
	if (!(flags & K_MAP_FIXED)) {
		/* round_hint_to_min() */
		hint = a->addr & ~(PAGE - 1);
		if (hint && hint < l->min_addr)
			hint = round_up(l->min_addr, PAGE);
	}
	p->len = round_up(p->len, PAGE);
	if (!p->len)
		return -K_ENOMEM;
	if (p->pgoff + p->len / PAGE < p->pgoff)
		return -K_EOVERFLOW;
	if (l->map_count > l->max_map_count)
		return -K_ENOMEM;
	p->prot = (uint32_t)(a->prot & (K_PROT_READ | K_PROT_WRITE | K_PROT_EXEC));
	p->vm_flags = flag_bits(flags) | l->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	err = place(a, l, space, p, flags, hint);
	if (err)
		return err;
	if ((flags & K_MAP_FIXED_NOREPLACE) &&
	    space->intersects(space->ctx, p->addr, p->addr + p->len))
		return -K_EEXIST;
	err = check_object(a, f, l, p, flags);
	if (err)
		return err;
	p->fixed = (flags & K_MAP_FIXED) != 0;
	p->populate = (p->vm_flags & VM_LOCKED) ||
		      (flags & (K_MAP_POPULATE | K_MAP_NONBLOCK)) == K_MAP_POPULATE;
	p->reserve_huge = p->page_size == HUGE && !(p->vm_flags & VM_NORESERVE);
	p->commit_pages = commit_pages(p);
	return 0;
}

int munmap_check(uint64_t addr, uint64_t len, uint64_t task_size, uint64_t *end)
{
	/* do_vmi_munmap() */
	if ((addr & (PAGE - 1)) || addr > task_size || len > task_size - addr)
		return -K_EINVAL;
	*end = addr + round_up(len, PAGE);
	if (*end == addr)
		return -K_EINVAL;
	return 0;
}

int mprotect_check(uint64_t addr, uint64_t len, uint64_t prot_in, uint64_t *end, uint32_t *prot,
		   uint64_t *grows)
{
	/* do_mprotect_pkey() */
	uint64_t g = prot_in & (K_PROT_GROWSDOWN | K_PROT_GROWSUP);
	uint64_t rounded;

	prot_in &= ~g;
	if (g == (K_PROT_GROWSDOWN | K_PROT_GROWSUP))
		return -K_EINVAL;
	if (addr & (PAGE - 1))
		return -K_EINVAL;
	*end = addr;
	*prot = 0;
	*grows = g;
	if (!len)
		return 0;
	rounded = round_up(len, PAGE);
	if (addr + rounded <= addr)
		return -K_ENOMEM;
	/* arch_validate_prot(): x86-64 adds no bits of its own */
	if (prot_in & ~(uint64_t)(K_PROT_READ | K_PROT_WRITE | K_PROT_EXEC | K_PROT_SEM))
		return -K_EINVAL;
	*end = addr + rounded;
	*prot = (uint32_t)(prot_in & (K_PROT_READ | K_PROT_WRITE | K_PROT_EXEC));
	return 0;
}

int mprotect_first_check(const struct vma *first, uint64_t *start, uint64_t end, uint64_t grows)
{
	if (!first || first->start >= end)
		return -K_ENOMEM;
	if (grows & K_PROT_GROWSDOWN) {
		*start = first->start;
		return first->flags & VM_GROWSDOWN ? 0 : -K_EINVAL;
	}
	if (first->start > *start)
		return -K_ENOMEM;
	if (grows & K_PROT_GROWSUP)
		return -K_EINVAL; /* nothing grows up on x86-64 */
	return 0;
}
