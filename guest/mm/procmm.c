// SPDX-License-Identifier: MIT
/*
 * Address spaces: creation, fork (copy-on-write), destruction, switching,
 * and the TLB discipline. On kvm_pvm a stale translation survives until
 * the page is invlpg'd or CR3 is reloaded (~25 us either way), and a
 * not-present -> present change needs no flush, so changes to the active
 * address space collect their flushes and pay one trap at the end: invlpg
 * for a single page, a CR3 reload for more.
 */
#include <kernel/arch.h>
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/commit.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/thp.h>
#include <kernel/vm.h>
#include <kernel/vmstat.h>

static struct mm *active_mm;

static struct vma *vma_node_alloc(void *ctx)
{
	(void)ctx;
	return kmalloc(sizeof(struct vma));
}

static void vma_node_free(void *ctx, struct vma *v)
{
	(void)ctx;
	kfree(v);
}

static void obj_get(void *ctx, void *obj)
{
	(void)ctx;
	backing_get(obj);
}

static void obj_put(void *ctx, void *obj)
{
	(void)ctx;
	backing_put(obj);
}

/* A boundary inside a transparent huge page splits it first, as Linux's __split_vma() does. */
static void vma_boundary(struct vma_tree *t, u64 addr)
{
	thp_split_at(container_of(t, struct mm, vmas), addr);
}

static const struct vma_ops mm_vma_ops = {
	.alloc = vma_node_alloc,
	.free = vma_node_free,
	.obj_get = obj_get,
	.obj_put = obj_put,
	.split = vma_boundary,
};

/*
 * Up to this many pages a change flushes with one invlpg each, beyond it
 * with one CR3 reload, as x86 Linux's tlb_single_page_flush_ceiling (33
 * there). The figure is this host's crossover, measured with
 * tests/bench/guest_tlb_flush.c (docs/kvm-pvm.md): on kvm_pvm an invlpg and
 * a CR3 reload are each one trap of the same cost (~15 us), and the
 * reload's resynchronisation of the host's shadow entries did not show
 * even with 4096 pages in use, so two invlpgs already cost more than one
 * reload. On VMX hardware, where neither traps, Linux's 33 would fit.
 */
#define TLB_SINGLE_PAGE_FLUSH_CEILING 1

static u32 flush_ceiling = TLB_SINGLE_PAGE_FLUSH_CEILING;

void mm_flush_init(void)
{
	char opt[16], *end;
	unsigned long n;

	if (!boot_option("tlb_single_page_flush_ceiling", opt, sizeof(opt)))
		return;
	n = strtoul(opt, &end, 10);
	if (end == opt || *end || n > TLB_FLUSH_CEILING_MAX) {
		printk("pagelab: tlb_single_page_flush_ceiling=%s is not 0 to %d; keeping %u\n",
		       opt, TLB_FLUSH_CEILING_MAX, flush_ceiling);
		return;
	}
	flush_ceiling = (u32)n;
}

void mm_flush_page(struct mm *mm, u64 va)
{
	if (mm != active_mm)
		return;
	if (mm->flush_pages < TLB_FLUSH_CEILING_MAX)
		mm->flush_va[mm->flush_pages] = va;
	mm->flush_pages++;
}

/*
 * invlpg drops one page's translation from the TLB; loading CR3 drops all
 * of them (but global pages). A translation that was not present was never
 * cached, so filling an empty entry needs neither.
 */
void mm_flush_commit(struct mm *mm)
{
	if (!mm->flush_pages)
		return;
	if (mm->flush_pages <= flush_ceiling) {
		for (u32 i = 0; i < mm->flush_pages; i++)
			invlpg(mm->flush_va[i]);
		vmstat.tlb_flush_one += mm->flush_pages;
	} else {
		arch_switch_root(mm->pml4_pa);
		vmstat.tlb_flush_all++;
	}
	mm->flush_pages = 0;
}

struct mm *procmm_new(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pml4_pa = pt_new_root();
	if (!mm->pml4_pa) {
		kfree(mm);
		return NULL;
	}
	vma_tree_init(&mm->vmas, &mm_vma_ops);
	mm->refcount = 1;
	return mm;
}

void mm_unmap_piece(void *arg, const struct vma *piece)
{
	backing_of(piece)->ops->unmap(arg, piece);
	commit_vma_gone(piece);
}

void procmm_put(struct mm *mm)
{
	if (--mm->refcount)
		return;
	if (mm == active_mm)
		procmm_activate(NULL);
	vma_unmap_range(&mm->vmas, 0, USER_TOP, mm_unmap_piece, mm);
	vma_tree_destroy(&mm->vmas);
	pt_free_tables(mm->pml4_pa);
	kfree(mm);
}

/* NULL: the kernel's own tables (while an address space is torn down). */
void procmm_activate(struct mm *mm)
{
	arch_switch_root(mm ? mm->pml4_pa : kernel_pml4_pa);
	if (mm)
		mm->flush_pages = 0;
	active_mm = mm;
}

/*
 * minherit(INHERIT_COPY) of shared memory: the child's own snapshot of the
 * data as it is now, in private anonymous pages.
 */
static int copy_snapshot(struct mm *child, struct mm *parent, const struct vma *v)
{
	struct backing *b = backing_of(v);

	for (u64 va = v->start; va < v->end; va += PAGE_SIZE) {
		u64 *src = pt_leaf(parent->pml4_pa, va, false), *dst, from, pfn;

		from = src && pte_present(*src)
			   ? leaf_pfn_at(*src, va)
			   : b->ops->lookup(b, v->pgoff + (va - v->start) / PAGE_SIZE);
		if (from == FRAME_NONE)
			continue; /* never written: the child's first touch finds zeroes */
		pfn = frame_alloc(0);
		dst = pfn == FRAME_NONE ? NULL : pt_leaf(child->pml4_pa, va, true);
		if (!dst) {
			if (pfn != FRAME_NONE)
				frame_put(pfn);
			return -ENOMEM;
		}
		memcpy(frame_to_virt(pfn), frame_to_virt(from), PAGE_SIZE);
		*dst = pte_for(pfn, v->prot, v->prot & VM_PROT_WRITE);
	}
	return 0;
}

/* What the child's VMA is: as the parent's, or (minherit) private anonymous memory. */
static bool child_gets_anon(const struct vma *v)
{
	return (v->flags & VM_INH_ZERO) || ((v->flags & VM_INH_COPY) && (v->flags & VM_SHARED));
}

static int fork_vma(struct mm *child, struct mm *parent, const struct vma *v)
{
	struct vma *copy;
	u64 flags = commit_fork_flags(v->flags), charge;
	bool anon = child_gets_anon(v);
	struct backing *obj = anon ? NULL : v->obj;

	if (v->flags & VM_DONTCOPY)
		return 0;
	if (anon) {
		flags &= ~(VM_SHARED | VM_MAYSHARE | VM_IO | VM_PFNMAP | VM_ACCOUNT);
		if (v->prot & VM_PROT_WRITE)
			flags |= VM_ACCOUNT;
	}
	charge = commit_vma_pages(flags, v->start, v->end);
	if (!commit_charge(charge, 0))
		return -ENOMEM;
	if (obj)
		backing_get(obj);
	copy = vma_new(&child->vmas, v->start, v->end, v->prot, flags, obj,
		       anon ? v->start / PAGE_SIZE : v->pgoff);
	if (!copy) {
		if (obj)
			backing_put(obj);
		commit_uncharge(charge);
		return -ENOMEM;
	}
	vma_insert(&child->vmas, copy);
	if ((v->flags & (VM_WIPEONFORK | VM_INH_ZERO)))
		return 0;
	if (anon)
		return copy_snapshot(child, parent, v);
	return backing_of(v)->ops->fork(child, parent, v);
}

struct mm *procmm_fork(struct mm *parent)
{
	struct mm *child = procmm_new();

	if (!child)
		return NULL;
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	memcpy(child->saved_auxv, parent->saved_auxv, sizeof(child->saved_auxv));
	child->saved_auxv_words = parent->saved_auxv_words;
	child->thp_disabled = parent->thp_disabled;
	for (struct vma *v = parent->vmas.first; v; v = v->next) {
		if (fork_vma(child, parent, v)) {
			mm_flush_commit(parent);
			procmm_put(child);
			return NULL;
		}
	}
	mm_flush_commit(parent);
	return child;
}

/*
 * execve: the mappings made with MAP_INHERIT (4.4BSD) move to the new
 * program's address space at the same addresses, as fork would copy them
 * (their data, their object, their sharing). One that would overlap the
 * new image or stack is dropped with the rest of the old address space.
 */
int procmm_inherit_exec(struct mm *new_mm, struct mm *old)
{
	int err = 0;

	for (struct vma *v = old->vmas.first; v && !err; v = v->next)
		if ((v->flags & VM_INHERIT_EXEC) && vma_range_free(&new_mm->vmas, v->start, v->end))
			err = fork_vma(new_mm, old, v);
	mm_flush_commit(old);
	return err;
}

/* Writable memory is charged (Linux: accountable_mapping()); the mappings it replaces are not. */
int procmm_map_anon(struct mm *mm, u64 start, u64 len, int prot, bool growsdown)
{
	u64 flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | (growsdown ? VM_GROWSDOWN : 0) |
		    (prot & VM_PROT_WRITE ? VM_ACCOUNT : 0) | mm->def_flags;
	u64 charge = commit_vma_pages(flags, start, start + len);
	int err;

	if (!commit_charge(charge, commit_charged_in(mm, start, start + len)))
		return -ENOMEM;
	err = vma_map(&mm->vmas, start, start + len, prot, flags, NULL, start >> PAGE_SHIFT,
		      mm_unmap_piece, mm, NULL);
	if (err)
		commit_uncharge(charge);
	return err;
}

/* Fills pages of an address space that need not be active, through the direct map. */
int procmm_write(struct mm *mm, u64 va, const void *src, size_t len)
{
	while (len) {
		size_t off = va & (PAGE_SIZE - 1), chunk = MIN(len, PAGE_SIZE - off);
		u64 *pte = pt_leaf(mm->pml4_pa, va, false);
		struct fault_info fi;

		if (!pte || !pte_present(*pte)) {
			if (vm_fault(mm, va, PF_KERNEL_FILL | PF_ERR_USER, &fi))
				return -EFAULT;
			pte = pt_leaf(mm->pml4_pa, va, false);
		}
		memcpy((char *)frame_to_virt(leaf_pfn_at(*pte, va)) + off, src, chunk);
		va += chunk;
		src = (const char *)src + chunk;
		len -= chunk;
	}
	return 0;
}

void procmm_set_brk(struct mm *mm, u64 start)
{
	mm->brk_start = mm->brk = start;
}
