// SPDX-License-Identifier: MIT
/*
 * Moving page-table entries (mremap): each present leaf of the old range is
 * written at the same offset of the new one and cleared at the old place.
 * Frames, permission bits, accessed and dirty bits and references move as
 * they are, so no data is copied and copy-on-write sharing is untouched, as
 * Linux's move_page_tables() does. Only the cleared entries need a TLB
 * flush: the new ones go from not present to present.
 */
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/thp.h>

struct move_arg {
	u64 delta; /* target minus source, modulo 2^64 */
	u64 done;  /* source addresses below this have moved */
	int err;
};

static void move_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct move_arg *m = arg;
	u64 to = va + m->delta, *dst;
	bool huge = *pte & PTE_PS;

	if (m->err)
		return;
	if (huge && (*pte & PTE_THP) && (to & (HUGE_PAGE_SIZE - 1))) {
		/* A transparent huge page moving off alignment goes as 512 small ones (Linux splits it). */
		u64 *small;

		thp_split_leaf(mm, va, pte);
		small = phys_to_virt(*pte & PTE_ADDR);
		for (u64 i = 0; i < HUGE_PAGE_FRAMES && !m->err; i++)
			move_leaf(mm, va + i * PAGE_SIZE, &small[i], arg);
		return;
	}
	if (huge && (to & (HUGE_PAGE_SIZE - 1))) {
		m->err = -EINVAL; /* mremap keeps huge pages 2 MiB aligned */
		return;
	}
	dst = huge ? pt_pde(mm->pml4_pa, to, true) : pt_leaf(mm->pml4_pa, to, true);
	if (!dst) {
		m->err = -ENOMEM;
		return;
	}
	if (huge && (*dst & PTE_P)) {
		/*
		 * An empty page table that small pages left behind: the
		 * leaf takes its place, and the paging-structure caches
		 * must forget it.
		 */
		frame_put((*dst & PTE_ADDR) >> PAGE_SHIFT);
		mm_flush_page(mm, to);
	}
	*dst = *pte;
	*pte = 0;
	mm_flush_page(mm, va);
	m->done = va + (huge ? HUGE_PAGE_SIZE : PAGE_SIZE);
}

int pt_move(struct mm *mm, u64 from, u64 to, u64 len)
{
	struct move_arg m = { .delta = to - from, .done = from };
	struct move_arg back;

	pt_walk_split(mm, from, from + len, move_leaf, &m);
	if (!m.err)
		return 0;
	/*
	 * Put back what moved. The old tables are all still there, so this
	 * allocates nothing and cannot fail.
	 */
	back = (struct move_arg){ .delta = from - to, .done = to };
	pt_walk(mm, to, to + (m.done - from), move_leaf, &back);
	return m.err;
}
