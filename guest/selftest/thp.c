// SPDX-License-Identifier: MIT
/*
 * selftest=thp: the transparent huge page paths checked from inside, on
 * an address space of its own (never run), where page-table entries,
 * frame references and the counters can be read directly: the first touch,
 * fork sharing a huge page, a store splitting it in one process only, a
 * partial unmap, mremap off 2 MiB alignment, and at the end every frame
 * and every commit charge given back (the scenario runs twice; the second
 * run must leave free memory exactly as it found it).
 */
#include <kernel/commit.h>
#include <kernel/console.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/selftest.h>
#include <kernel/signo.h>
#include <kernel/string.h>
#include <kernel/thp.h>
#include <kernel/vm.h>

#define BASE  0x40000000ULL /* 2 MiB aligned, far from anything */
#define WRITE (PF_ERR_USER | PF_ERR_WRITE)

static int checks;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			panic("selftest thp: line %d: %s", __LINE__, #cond); \
		checks++;                                                    \
	} while (0)

static u64 pde_of(struct mm *mm, u64 va)
{
	u64 *pde = pt_pde(mm->pml4_pa, va, false);

	return pde ? *pde : 0;
}

static u64 pte_of(struct mm *mm, u64 va)
{
	u64 *pte = pt_leaf(mm->pml4_pa, va, false);

	return pte ? *pte : 0;
}

static u64 pfn_of(u64 e)
{
	return (e & PTE_ADDR) >> PAGE_SHIFT;
}

static u32 refs(u64 pfn)
{
	return frame_desc(pfn)->refcount;
}

static void touch(struct mm *mm, u64 va)
{
	struct fault_info fi = { 0 };

	CHECK(vm_fault(mm, va, WRITE, &fi) == 0);
}

/* Every small leaf of the table at va maps head + i with the huge leaf's bits. */
static bool split_right(struct mm *mm, u64 va, u64 head, u64 skip)
{
	for (u64 i = 0; i < HUGE_PAGE_FRAMES; i++) {
		u64 e = pte_of(mm, va + i * PAGE_SIZE);

		if (i != skip &&
		    (pfn_of(e) != head + i || !(e & PTE_P) || (e & (PTE_PS | PTE_THP))))
			return false;
	}
	return true;
}

static void first_touch_and_fork(struct mm *mm)
{
	struct thp_stats s0 = thp_stats;
	u64 e, head, ce;
	struct mm *child;

	touch(mm, BASE + 5 * PAGE_SIZE);
	e = pde_of(mm, BASE);
	head = pfn_of(e);
	CHECK((e & (PTE_PS | PTE_THP | PTE_W)) == (PTE_PS | PTE_THP | PTE_W));
	CHECK(head % HUGE_PAGE_FRAMES == 0 && refs(head) == 1 && refs(head + 511) == 1);
	CHECK(thp_stats.fault_alloc == s0.fault_alloc + 1 &&
	      thp_stats.anon_thps == s0.anon_thps + 1);
	memset(frame_to_virt(head), 0x5a, HUGE_PAGE_SIZE);

	child = procmm_fork(mm);
	CHECK(child != NULL);
	ce = pde_of(child, BASE);
	CHECK(pfn_of(ce) == head && (ce & PTE_THP) && !(ce & PTE_W) && !(pde_of(mm, BASE) & PTE_W));
	CHECK(refs(head) == 2 && refs(head + 300) == 2 && thp_stats.anon_thps == s0.anon_thps + 1);

	/* The child's store splits its leaf and copies one small page. */
	touch(child, BASE + 7 * PAGE_SIZE);
	CHECK(!(pde_of(child, BASE) & PTE_PS) && thp_stats.split_pmd == s0.split_pmd + 1);
	CHECK(split_right(child, BASE, head, 7) &&
	      pfn_of(pte_of(child, BASE + 7 * PAGE_SIZE)) != head + 7);
	CHECK(*(u8 *)frame_to_virt(pfn_of(pte_of(child, BASE + 7 * PAGE_SIZE))) == 0x5a);
	CHECK(refs(head + 7) == 1 && refs(head + 8) == 2 && (pde_of(mm, BASE) & PTE_PS));

	/* The child gone, the parent's store reuses its huge page whole. */
	procmm_put(child);
	CHECK(refs(head) == 1 && refs(head + 7) == 1 && thp_stats.anon_thps == s0.anon_thps + 1);
	touch(mm, BASE);
	CHECK((pde_of(mm, BASE) & (PTE_PS | PTE_W)) == (PTE_PS | PTE_W) &&
	      thp_stats.split_pmd == s0.split_pmd + 1);
}

static void partial_unmap(struct mm *mm)
{
	u64 va = BASE + HUGE_PAGE_SIZE, head;
	struct thp_stats s0;

	touch(mm, va);
	head = pfn_of(pde_of(mm, va));
	s0 = thp_stats;
	/* A hole of one page inside: the VMA splits, the leaf first (the tree's hook). */
	CHECK(vma_unmap_range(&mm->vmas, va + 9 * PAGE_SIZE, va + 10 * PAGE_SIZE, mm_unmap_piece,
			      mm) == 0);
	CHECK(thp_stats.split_pmd == s0.split_pmd + 1 && thp_stats.anon_thps == s0.anon_thps - 1);
	CHECK(split_right(mm, va, head, 9) && !pte_of(mm, va + 9 * PAGE_SIZE));
	/* The one frame unmapped is free, its neighbours still mapped once. */
	CHECK(refs(head + 9) == 0 && refs(head + 8) == 1 && refs(head + 10) == 1);
}

static void remap_off_alignment(struct mm *mm)
{
	u64 from = BASE + 2 * HUGE_PAGE_SIZE, to = BASE + 5 * HUGE_PAGE_SIZE + 3 * PAGE_SIZE, head;
	struct thp_stats s0;

	touch(mm, from);
	head = pfn_of(pde_of(mm, from));
	s0 = thp_stats;
	CHECK(pt_move(mm, from, to, HUGE_PAGE_SIZE) == 0);
	CHECK(thp_stats.split_pmd == s0.split_pmd + 1);
	CHECK(split_right(mm, to, head, HUGE_PAGE_FRAMES) && !pte_of(mm, from));
	/* Back, so the VMAs and the page tables agree again for the teardown. */
	CHECK(pt_move(mm, to, from, HUGE_PAGE_SIZE) == 0 && split_right(mm, from, head, 512));
}

static void scenario(void)
{
	struct mm *mm = procmm_new();

	CHECK(mm != NULL);
	CHECK(procmm_map_anon(mm, BASE, 8 * HUGE_PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE, false) ==
	      0);
	first_touch_and_fork(mm);
	partial_unmap(mm);
	remap_off_alignment(mm);
	procmm_put(mm);
}

void selftest_thp(void)
{
	u64 free0, committed0, thps0;

	thp_mode = THP_ALWAYS;
	scenario(); /* the first run leaves the kernel heap's caches warm */
	free0 = frame_free_count();
	committed0 = commit_committed_pages();
	thps0 = thp_stats.anon_thps;
	scenario();
	CHECK(frame_free_count() == free0 && commit_committed_pages() == committed0 &&
	      thp_stats.anon_thps == thps0);
	printk("selftest thp: %d checks passed\n", checks);
	kernel_exit(0);
}
