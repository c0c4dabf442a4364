// SPDX-License-Identifier: MIT
/*
 * MAP_HUGETLB: anonymous memory in 2 MiB pages, each mapped by one PD
 * entry with PTE_PS, so a first touch costs one fault for 512 small pages
 * and the TLB holds one entry for them.
 *
 * Linux takes huge pages from a pool reserved at boot; pagelab has no
 * separate pool: a huge page is a naturally aligned run of 512 frames from
 * the buddy allocator (order 9), zeroed on first touch. "Free huge pages"
 * are the free blocks of order >= 9, so /proc/meminfo's HugePages_Free and
 * MemFree count the same memory twice.
 *
 * A 2 MiB leaf holds one reference on the run's first frame (the other
 * frames keep the refcount 1 the allocator gave them); fork and shared
 * mappings add references there, and the last put frees all 512.
 *
 * Reservation is an admission check: mmap without MAP_NORESERVE fails with
 * ENOMEM unless enough free blocks exist at that moment, as Linux fails it
 * when its pool is short. Unlike Linux the pages are not set aside, so
 * memory taken in between turns a later first touch into SIGBUS, which is
 * what Linux does for MAP_NORESERVE.
 */
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/paging.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/signo.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#define HUGE_ORDER 9

static u64 pages_in_use;

static int fault_sig(struct fault_info *fi, int sig, int code, u64 addr)
{
	fi->code = code;
	fi->addr = addr;
	return sig;
}

/* 512 frames, 2 MiB aligned (the buddy allocator aligns a run to its size). */
static u64 huge_alloc(void)
{
	u64 pfn = frame_alloc_pages(HUGE_PAGE_FRAMES, 0);

	if (pfn != FRAME_NONE)
		pages_in_use++;
	return pfn;
}

void hugetlb_put(u64 head_pfn)
{
	struct frame *f = frame_desc(head_pfn);

	if (f && f->refcount == 1) {
		frame_free_pages(head_pfn, HUGE_PAGE_FRAMES);
		pages_in_use--;
		return;
	}
	frame_put(head_pfn);
}

u64 hugetlb_pages_in_use(void)
{
	return pages_in_use;
}

/*
 * Free blocks of order >= 9. Such a block starts on a 2 MiB boundary, and
 * a boundary inside a larger free block is never visited (the walk jumps
 * over the whole block from its head), so the walk costs one step per
 * 2 MiB of RAM at most.
 */
u64 hugetlb_pages_free(void)
{
	u64 n = 0, pfn = 0;
	struct frame *f;

	while ((f = frame_desc(pfn))) {
		if ((f->flags & FRAME_FREE) && f->order >= HUGE_ORDER) {
			n += 1ULL << (f->order - HUGE_ORDER);
			pfn += 1ULL << f->order;
		} else {
			pfn += HUGE_PAGE_FRAMES;
		}
	}
	return n;
}

int hugetlb_reserve(u64 npages)
{
	return npages <= hugetlb_pages_free() ? 0 : -ENOMEM;
}

/* Linux's hugetlb_vm_op_split(): a VMA of huge pages splits on their boundaries only. */
int hugetlb_split_check(struct mm *mm, u64 start, u64 end)
{
	struct vma *v = vma_find(&mm->vmas, start);

	if (v && (v->flags & VM_HUGETLB) && v->start < start && (start & (HUGE_PAGE_SIZE - 1)))
		return -EINVAL;
	v = vma_find(&mm->vmas, end - 1);
	if (v && (v->flags & VM_HUGETLB) && end < v->end && (end & (HUGE_PAGE_SIZE - 1)))
		return -EINVAL;
	return 0;
}

/*
 * The range was small pages once (munmap leaves empty tables behind): free
 * the page table so the PD entry can become a leaf. The paging-structure
 * caches may still point at it, hence the flush.
 */
static void drop_table(struct mm *mm, u64 base, u64 *pde)
{
	pt_unmap(mm, base, base + HUGE_PAGE_SIZE); /* nothing should be left */
	frame_put((*pde & PTE_ADDR) >> PAGE_SHIFT);
	*pde = 0;
	mm_flush_page(mm, base);
}

static u64 huge_pte(u64 pfn, u32 prot, bool writable)
{
	return pte_for(pfn, prot, writable) | PTE_PS;
}

static int fault_in(const struct vma *v, u64 *pde, struct fault_info *fi, u64 addr)
{
	u64 pfn = huge_alloc();

	/* Linux: no huge page for the fault is SIGBUS (vmf_error(-ENOSPC)), not OOM. */
	if (pfn == FRAME_NONE)
		return fault_sig(fi, SIGBUS, BUS_ADRERR, addr);
	zero_new_frames(pfn, HUGE_PAGE_FRAMES);
	/* Fresh memory belongs to this mapping alone: writable at once if allowed. */
	*pde = huge_pte(pfn, v->prot, v->prot & VM_PROT_WRITE);
	return 0;
}

/* A store to a private huge page shared since fork: copy all 2 MiB (hugetlb_wp). */
static int copy_on_write(struct mm *mm, const struct vma *v, u64 base, u64 *pde,
			 struct fault_info *fi, u64 addr)
{
	u64 old = (*pde & PTE_ADDR) >> PAGE_SHIFT, pfn = old;

	if (!(v->flags & VM_SHARED) && frame_desc(old)->refcount > 1) {
		pfn = huge_alloc();
		if (pfn == FRAME_NONE)
			return fault_sig(fi, SIGBUS, BUS_ADRERR, addr);
		memcpy(frame_to_virt(pfn), frame_to_virt(old), HUGE_PAGE_SIZE);
		hugetlb_put(old);
	}
	*pde = huge_pte(pfn, v->prot, true);
	mm_flush_page(mm, base);
	return 0;
}

int hugetlb_fault(struct mm *mm, struct vma *v, u64 addr, u64 error, struct fault_info *fi)
{
	u64 base = ALIGN_DOWN(addr, HUGE_PAGE_SIZE), *pde = pt_pde(mm->pml4_pa, base, true);
	int err = 0;

	if (!pde)
		return fault_sig(fi, SIGKILL, SI_KERNEL, addr); /* out of memory for a table */
	if ((*pde & PTE_P) && !(*pde & PTE_PS))
		drop_table(mm, base, pde);
	if (!pte_present(*pde))
		err = fault_in(v, pde, fi, addr);
	else if ((error & PF_ERR_WRITE) && !(*pde & PTE_W))
		err = copy_on_write(mm, v, base, pde, fi, addr);
	else if (!(*pde & PTE_P)) /* PROT_NONE left behind; the VMA allows access now */
		*pde = huge_pte((*pde & PTE_ADDR) >> PAGE_SHIFT, v->prot, false);
	else
		mm_flush_page(mm, base); /* a stale translation: the entry already allows it */
	mm_flush_commit(mm);
	return err;
}
