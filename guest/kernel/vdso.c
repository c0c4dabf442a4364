// SPDX-License-Identifier: MIT
/*
 * The vDSO's two mappings, as Linux makes them at exec: [vvar], the
 * kernel's clock data read-only, and right above it [vdso], the code
 * (guest/vdso/) read+exec. Both are pages of the kernel image that every
 * process shares, never counted or copied: DEVICE backings whose pages
 * are mapped at exec and again in a forked child, so using them costs no
 * fault. Without VM_MAYWRITE, mprotect cannot make them writable.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/mman.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/vdso.h>
#include <kernel/vm.h>

extern const char vdso_image_start[], vdso_image_end[];

/* A page of its own: the rest of the kernel's data never shows to user mode. */
static union {
	struct vvar_data d;
	u8 page[PAGE_SIZE];
} vvar_page __attribute__((aligned(PAGE_SIZE)));

const struct vvar_data *const vvar = &vvar_page.d;

void vvar_set_base(u64 tsc_at_boot, u64 tsc_khz, u64 boot_epoch_ns)
{
	struct vvar_data *d = &vvar_page.d;

	vvar_write_begin(d);
	d->tsc_at_boot = tsc_at_boot;
	d->tsc_khz = tsc_khz;
	d->boot_epoch_ns = boot_epoch_ns;
	d->coarse_ns = 0;
	vvar_write_end(d);
}

/* A vDSO reader interrupted by the tick sees seq change and reads again. */
void vvar_tick(u64 tsc)
{
	struct vvar_data *d = &vvar_page.d;
	u64 now = vvar_monotonic_ns(d, tsc);

	vvar_write_begin(d);
	d->coarse_ns = MAX(d->coarse_ns, now);
	vvar_write_end(d);
}

struct vdso_backing {
	struct backing b; /* first */
	u64 base_pfn;
	u64 npages;
};

static struct vdso_backing *to_vdso(struct backing *b)
{
	return (struct vdso_backing *)b;
}

static u64 vdso_lookup(struct backing *b, u64 index)
{
	return index < to_vdso(b)->npages ? to_vdso(b)->base_pfn + index : FRAME_NONE;
}

static int vdso_fault(struct backing *b, struct vma *v, u64 page, u64 error, u64 *pte,
		      struct fault_info *fi)
{
	u64 pfn = vdso_lookup(b, v->pgoff + (page - v->start) / PAGE_SIZE);

	(void)error;
	if (pfn == FRAME_NONE)
		return backing_sigbus(fi, page);
	*pte = pte_for(pfn, v->prot, false);
	return 0;
}

/* Every page present: the program's first clock read takes no fault. */
static int fill_ptes(struct mm *mm, const struct vma *v)
{
	struct backing *b = backing_of(v);

	for (u64 va = v->start; va < v->end; va += PAGE_SIZE) {
		u64 pfn = vdso_lookup(b, v->pgoff + (va - v->start) / PAGE_SIZE);
		u64 *pte = pt_leaf(mm->pml4_pa, va, true);

		if (!pte)
			return -ENOMEM;
		if (pfn != FRAME_NONE)
			*pte = pte_for(pfn, v->prot, false);
	}
	return 0;
}

static int vdso_fork(struct mm *child, struct mm *parent, const struct vma *v)
{
	(void)parent;
	return fill_ptes(child, v);
}

static void clear_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	(void)arg;
	*pte = 0; /* the kernel's page: no reference to drop */
	mm_flush_page(mm, va);
}

static void vdso_unmap(struct mm *mm, const struct vma *piece)
{
	pt_walk(mm, piece->start, piece->end, clear_leaf, NULL);
}

static const struct backing_ops vdso_ops = {
	.frames = BACKING_DEVICE,
	.fault = vdso_fault,
	.lookup = vdso_lookup,
	.fork = vdso_fork,
	.unmap = vdso_unmap,
};

static struct vdso_backing vvar_backing = { .b = { .ops = &vdso_ops, .kind = BACKING_VVAR } };
static struct vdso_backing vdso_backing = { .b = { .ops = &vdso_ops, .kind = BACKING_VDSO } };

static u64 vdso_pages(void)
{
	return ALIGN_UP((u64)(vdso_image_end - vdso_image_start), PAGE_SIZE) / PAGE_SIZE;
}

static int map_one(struct mm *mm, struct vdso_backing *vb, u64 start, u32 prot, u64 may)
{
	u64 end = start + vb->npages * PAGE_SIZE;
	struct vma *v;
	int err;

	err = vma_map(&mm->vmas, start, end, prot, may | backing_vm_flags(&vb->b), &vb->b, 0,
		      mm_unmap_piece, mm, &v);
	return err ? err : fill_ptes(mm, v);
}

int vdso_map(struct mm *mm, u64 *ehdr_va)
{
	u64 npages = 1 + vdso_pages();
	s64 base = mm_get_area(mm, 0, npages * PAGE_SIZE, PAGE_SIZE);
	int err;

	if (base < 0)
		return base;
	if (!vdso_backing.npages) {
		vvar_backing.base_pfn = kernel_virt_to_phys(&vvar_page) / PAGE_SIZE;
		vvar_backing.npages = 1;
		vdso_backing.base_pfn = kernel_virt_to_phys(vdso_image_start) / PAGE_SIZE;
		vdso_backing.npages = vdso_pages();
	}
	err = map_one(mm, &vvar_backing, base, VM_PROT_READ, VM_MAYREAD);
	if (!err)
		err = map_one(mm, &vdso_backing, base + PAGE_SIZE, VM_PROT_READ | VM_PROT_EXEC,
			      VM_MAYREAD | VM_MAYEXEC);
	*ehdr_va = base + PAGE_SIZE;
	return err;
}
