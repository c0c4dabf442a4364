// SPDX-License-Identifier: MIT
/*
 * The kernel's commit charge (the rules are kernel/commit.h's): one count
 * for the whole guest against all its RAM, charged where a mapping that
 * could come to own private pages is made (mmap, brk, exec, fork, mprotect,
 * mremap, stack growth) and uncharged where its VMA pieces go.
 */
#include <kernel/commit.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mmap_check.h>
#include <kernel/panic.h>
#include <kernel/procmm.h>

static struct commit commit;

/*
 * RAM is only ever added at boot, before the first program; reading the
 * frame count at each charge keeps this file out of the boot order.
 */
static struct commit *acct(void)
{
	commit.limit = frame_total_count();
	return &commit;
}

bool commit_charge(u64 pages, u64 freed)
{
	return !pages || commit_try_charge(acct(), pages, freed);
}

/* A VMA giving back more than was charged is a kernel bug, as a refcount underflow is. */
void commit_uncharge(u64 pages)
{
	if (!commit_release(&commit, pages))
		panic("commit: uncharging %llu pages, %llu charged", (unsigned long long)pages,
		      (unsigned long long)commit.committed);
}

void commit_vma_gone(const struct vma *piece)
{
	commit_uncharge(commit_vma_pages(piece->flags, piece->start, piece->end));
}

u64 commit_charged_in(struct mm *mm, u64 start, u64 end)
{
	struct vma *v;
	u64 pages = 0;

	vma_for_each_in(&mm->vmas, v, start, end)
	{
		pages += commit_vma_pages(v->flags, MAX(v->start, start), MIN(v->end, end));
	}
	return pages;
}

/* mmap_region(): what a MAP_FIXED mapping replaces is not counted twice. */
int commit_mmap(struct mm *mm, struct mmap_plan *plan)
{
	u64 freed = 0;

	if (!plan->commit_pages)
		return 0;
	if (plan->fixed)
		freed = commit_charged_in(mm, plan->addr, plan->addr + plan->len);
	if (!commit_charge(plan->commit_pages, freed))
		return -ENOMEM;
	plan->vm_flags |= VM_ACCOUNT;
	return 0;
}

/*
 * do_mprotect_pkey() checks VM_MAY* before mprotect_fixup() charges, so
 * EACCES wins over ENOMEM at one VMA; the VMAs before keep their change.
 */
static int protect_decide(void *arg, const struct vma *v, u64 start, u64 end, u32 *prot, u64 *flags)
{
	const struct vma_protect *a = arg;
	int err = vma_may_protect(v, a->prot);

	if (err)
		return err;
	if (commit_on_protect(v->flags, v->prot, a->prot)) {
		if (!commit_charge((end - start) / PAGE_SIZE, 0))
			return -ENOMEM;
		*flags |= VM_ACCOUNT;
	}
	*prot = a->prot | (v->prot & VM_PROT_NOCACHE); /* stays uncached, as on QNX */
	return 0;
}

int commit_protect_range(struct mm *mm, u64 start, u64 end, u32 prot, vma_changed_fn changed,
			 void *arg)
{
	struct vma_protect p = { .prot = prot, .changed = changed, .arg = arg };

	return vma_protect_range_by(&mm->vmas, start, end, &p, protect_decide);
}

u64 commit_committed_pages(void)
{
	return commit.committed;
}

u64 commit_limit_pages(void)
{
	return acct()->limit;
}
