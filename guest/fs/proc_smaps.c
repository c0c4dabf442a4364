// SPDX-License-Identifier: MIT
/*
 * /proc/self/smaps: each VMA's maps line, then its memory in Linux's
 * fields and order (fs/proc/task_mmu.c's show_smap()), then VmFlags with
 * Linux's two-letter names. A frame's map count is its reference count
 * (a file's own page has one more, for the page cache); a 2 MiB leaf of a
 * transparent huge page counts in Rss and AnonHugePages, a MAP_HUGETLB one
 * only in Shared_Hugetlb or Private_Hugetlb, as on Linux. There is no swap,
 * no KSM and no lazy freeing: those fields are 0.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/panic.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/synth.h>
#include <kernel/thp.h>
#include <kernel/vm.h>

#include "procfs.h"

#define PSS_SHIFT 12 /* Linux's fixed point for Pss */

struct smaps {
	const struct vma *v;
	u64 rss, pss, pss_dirty, shared_clean, shared_dirty, private_clean, private_dirty;
	u64 anon, anon_huge, shared_hugetlb, private_hugetlb;
};

static void account(struct smaps *s, u64 va, u64 pfn, bool dirty)
{
	u64 refs = frame_desc(pfn)->refcount;
	bool object = proc_is_object_page(s->v, va, pfn);

	if (object && refs > 1)
		refs--; /* the page cache's own reference */
	if (!refs)
		refs = 1;
	s->rss += PAGE_SIZE;
	s->pss += (PAGE_SIZE << PSS_SHIFT) / refs;
	if (dirty)
		s->pss_dirty += (PAGE_SIZE << PSS_SHIFT) / refs;
	if (!object)
		s->anon += PAGE_SIZE;
	if (refs > 1)
		*(dirty ? &s->shared_dirty : &s->shared_clean) += PAGE_SIZE;
	else
		*(dirty ? &s->private_dirty : &s->private_clean) += PAGE_SIZE;
}

static void smaps_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct smaps *s = arg;
	u64 pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;
	bool dirty = *pte & PTE_D;

	(void)mm;
	if ((*pte & PTE_PS) && !(*pte & PTE_THP)) {
		bool shared = frame_desc(pfn)->refcount > 1;

		*(shared ? &s->shared_hugetlb : &s->private_hugetlb) += HUGE_PAGE_SIZE;
		return;
	}
	if (!(*pte & PTE_PS)) {
		account(s, va, pfn, dirty);
		return;
	}
	s->anon_huge += HUGE_PAGE_SIZE;
	for (u64 i = 0; i < HUGE_PAGE_FRAMES; i++)
		account(s, va + i * PAGE_SIZE, pfn + i, dirty);
}

/* Linux's THPeligible: huge pages allowed, and room for one aligned below the VMA's end. */
static bool thp_eligible(const struct mm *mm, const struct vma *v)
{
	return v->end - v->start >= HUGE_PAGE_SIZE &&
	       ALIGN_DOWN(v->end - HUGE_PAGE_SIZE, HUGE_PAGE_SIZE) >= v->start &&
	       thp_vma_eligible(mm, v);
}

/* show_smap_vma_flags(): the mnemonics of the set bits, in bit order. */
static void vm_flags(struct textbuf *t, const struct vma *v)
{
	static const char names[32][3] = {
		[4] = "mr",  [5] = "mw",  [6] = "me",  [7] = "ms",  [8] = "gd",	 [10] = "pf",
		[13] = "lo", [14] = "io", [15] = "sr", [16] = "rr", [17] = "dc", [18] = "de",
		[19] = "lf", [20] = "ac", [21] = "nr", [22] = "ht", [23] = "sf", [25] = "wf",
		[26] = "dd", [28] = "mm", [29] = "hg", [30] = "nh", [31] = "mg",
	};
	u64 bits = (v->flags & 0xffffffffULL) | (v->flags & VM_SHARED);

	tb_printf(t, "VmFlags: ");
	if (v->prot & VM_PROT_READ)
		tb_printf(t, "rd ");
	if (v->prot & VM_PROT_WRITE)
		tb_printf(t, "wr ");
	if (v->prot & VM_PROT_EXEC)
		tb_printf(t, "ex ");
	if (bits & VM_SHARED)
		tb_printf(t, "sh ");
	for (int i = 4; i < 32; i++)
		if ((bits & (1ULL << i)) && names[i][0])
			tb_printf(t, "%s ", names[i]);
	tb_printf(t, "\n");
}

static void kb(struct textbuf *t, const char *name, u64 bytes)
{
	tb_printf(t, "%-16s%8lu kB\n", name, (unsigned long)(bytes >> 10));
}

static void smaps_vma(struct mm *mm, const struct vma *v, struct textbuf *t)
{
	struct smaps s = { .v = v };
	u64 page = (v->flags & VM_HUGETLB) ? HUGE_PAGE_SIZE : PAGE_SIZE;

	pt_walk(mm, v->start, v->end, smaps_leaf, &s);
	kb(t, "Size:", v->end - v->start);
	kb(t, "KernelPageSize:", page);
	kb(t, "MMUPageSize:", page);
	kb(t, "Rss:", s.rss);
	kb(t, "Pss:", s.pss >> PSS_SHIFT);
	kb(t, "Pss_Dirty:", s.pss_dirty >> PSS_SHIFT);
	kb(t, "Shared_Clean:", s.shared_clean);
	kb(t, "Shared_Dirty:", s.shared_dirty);
	kb(t, "Private_Clean:", s.private_clean);
	kb(t, "Private_Dirty:", s.private_dirty);
	kb(t, "Referenced:", s.rss);
	kb(t, "Anonymous:", s.anon);
	kb(t, "KSM:", 0);
	kb(t, "LazyFree:", 0);
	kb(t, "AnonHugePages:", s.anon_huge);
	kb(t, "ShmemPmdMapped:", 0);
	kb(t, "FilePmdMapped:", 0);
	kb(t, "Shared_Hugetlb:", s.shared_hugetlb);
	kb(t, "Private_Hugetlb:", s.private_hugetlb);
	kb(t, "Swap:", 0);
	kb(t, "SwapPss:", 0);
	kb(t, "Locked:", (v->flags & VM_LOCKED) ? s.pss >> PSS_SHIFT : 0);
	tb_printf(t, "THPeligible:    %d\n", thp_eligible(mm, v));
	vm_flags(t, v);
}

static long smaps_gen(void *arg, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	(void)arg;
	if (!current->mm)
		return -ESRCH;
	return proc_maps_each(current->mm, &t, smaps_vma);
}

void proc_smaps_init(void)
{
	if (vfs_synth_file("/proc/self/smaps", 0444, smaps_gen, NULL))
		panic("procfs: cannot create /proc/self/smaps");
}
