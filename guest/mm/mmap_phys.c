// SPDX-License-Identifier: MIT
/*
 * mmap with QNX's MAP_PHYS (backing_phys.c has the memory itself):
 *
 *   mmap(addr, len, prot, MAP_PHYS | MAP_SHARED, NOFD, physical_address)
 *   mmap(addr, len, prot, MAP_PHYS | MAP_ANON [| MAP_BELOW16M | MAP_NOX64K], NOFD, 0)
 *
 * The errors, in this order: a flag only MAP_PHYS takes without it, or
 * MAP_BELOW16M / MAP_NOX64K without MAP_ANON -> EINVAL; an fd other than
 * NOFD -> EINVAL; a caller whose effective uid is not 0 -> EPERM (physical
 * memory is root's, as /dev/mem is); a type other than MAP_SHARED or
 * MAP_PRIVATE -> EINVAL (none at all is MAP_SHARED, as QNX 6 takes its own
 * manual's examples); an unaligned physical address -> EINVAL; a range with
 * nothing behind some page of it (a hole in the physical map, past the top
 * of RAM) -> ENXIO; then mmap's own checks (mmap_check.c); no contiguous
 * block -> ENOMEM. Nothing changes when one of them fails.
 */
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmman.h>
#include <kernel/mman.h>
#include <kernel/mmap_check.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/string.h>

#define NOFD (-1)

bool phys_range_backed(u64 pa, u64 len)
{
	static struct boot_map_entry map[BOOT_MAP_MAX];
	static int n = -1;
	u64 at = pa, end = pa + len;

	if (end < pa)
		return false;
	if (n < 0)
		n = boot_map(map);
	while (at < end) {
		bool found = false;

		for (int i = 0; i < n && !found; i++) {
			if (strcmp(map[i].what, "reserved") && map[i].start <= at &&
			    at < map[i].end) {
				at = map[i].end;
				found = true;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

/* QNX's checks before mmap's: 0, or the errno. *a becomes a shared anonymous request. */
static int phys_check(struct mmap_args *a, int fd, u64 *pa)
{
	u64 type = a->flags & MAP_TYPE;
	bool anon = a->flags & MAP_ANONYMOUS;

	if (!(a->flags & MAP_PHYS) || (!anon && (a->flags & (MAP_BELOW16M | MAP_NOX64K))))
		return -EINVAL;
	if (fd != NOFD)
		return -EINVAL;
	if (current->cred.euid != 0)
		return -EPERM;
	if (type != 0 && type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if (!anon && (a->off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (!a->len)
		return -EINVAL;
	if (!anon && !phys_range_backed(a->off, ALIGN_UP(a->len, PAGE_SIZE)))
		return -ENXIO;
	*pa = anon ? 0 : a->off;
	a->flags = (a->flags & ~(u64)(MAP_TYPE | PHYS_MAP_MASK | MAP_HUGETLB)) | MAP_SHARED |
		   MAP_ANONYMOUS;
	a->off = 0;
	return 0;
}

long mmap_phys(struct mm *mm, const struct mmap_args *args, int fd)
{
	struct mmap_args a = *args;
	struct mmap_space space;
	struct mm_limits l;
	struct mmap_plan plan;
	struct backing *obj;
	unsigned fa = (args->flags & MAP_BELOW16M ? FA_BELOW16M : 0) |
		      (args->flags & MAP_NOX64K ? FA_NOX64K : 0);
	u64 pa;
	long ret = phys_check(&a, fd, &pa);
	int err;

	if (ret)
		return ret;
	if (args->flags & MAP_HUGETLB)
		return -EINVAL;
	mm_fill_limits(mm, &l);
	mm_mmap_space(mm, &space);
	ret = mmap_check(&a, NULL, &l, &space, &plan);
	if (ret)
		return ret;
	err = -ENOMEM;
	if (args->flags & MAP_ANONYMOUS)
		obj = contig_backing_new(plan.len, fa, &err);
	else
		obj = phys_backing_new(pa);
	if (!obj)
		return err;
	/* Not charged: device memory is nobody's, a contiguous block is taken now. */
	plan.vm_flags |= backing_vm_flags(obj);
	plan.commit_pages = 0;
	plan.pgoff = 0;
	ret = mm_map_plan(mm, &plan, obj);
	if (ret < 0)
		backing_put(obj);
	else if (!(args->flags & MAP_ANONYMOUS))
		/* The program may write RAM that is free now: it must be cleared before reuse. */
		frame_note_written(pa >> PAGE_SHIFT, plan.len >> PAGE_SHIFT);
	return ret;
}
