// SPDX-License-Identifier: MIT
/*
 * User page tables: the lower half of each address space's 4-level tree.
 * The upper half is copied from the kernel's PML4 and never changes.
 *
 * Every mapped leaf holds one reference on its frame. Permissions live in
 * the leaves; upper levels allow everything (P|W|U).
 *
 * MAP_HUGETLB memory is mapped by 2 MiB leaves: PD entries with PTE_PS
 * (hugetlb.c). Such a leaf holds one reference on the first of its 512
 * frames; hugetlb_put() frees the whole run with the last one. 4 KiB leaves
 * never set bit 7 (PAT there), so PTE_PS in a leaf always means 2 MiB.
 * Transparent huge pages are 2 MiB leaves too, marked PTE_THP, holding a
 * reference on each of their frames (thp.c); the walks that change a
 * range split such a leaf first where the range covers only part of it.
 */
#include <kernel/arch.h>
#include <kernel/pvm.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/thp.h>
#include <kernel/vm.h>

#define TABLE_BITS	  (PTE_P | PTE_W | PTE_U)
#define LEVEL_SPAN(level) (1ULL << (12 + 9 * (level)))

static u64 *table_va(u64 entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

static u64 alloc_table(void)
{
	u64 pfn = frame_alloc(0);

	if (pfn == FRAME_NONE)
		return 0;
	zero_new_frames(pfn, 1);
	return pfn << PAGE_SHIFT;
}

extern char _usertext_start[];

/*
 * Every root is a pair of PML4s, 8 KiB aligned: the kernel's, and at
 * +4 KiB the one kvm_pvm runs user mode on (PV flag bit 0, the Linux KPTI
 * layout; see guest/arch/pvm/pvm.c). The second mirrors the first's user half,
 * so a user PML4 entry is always written to both; its upper half mirrors
 * the kernel's too, or with isolation maps only the entry area
 * (arch_user_pml4e).
 */
static void set_pml4e(u64 *pml4, u64 *e, u64 val)
{
	*e = val;
	if (e - pml4 < 256 || !entry_isolate)
		pml4[PAGE_SIZE / sizeof(u64) + (e - pml4)] = val;
}

static u64 alloc_root_pair(void)
{
	u64 pfn = frame_alloc_pages(2, 0);

	if (pfn == FRAME_NONE)
		return 0;
	zero_new_frames(pfn, 2);
	return pfn << PAGE_SHIFT;
}

/*
 * A new address space: the kernel half shared, and the kernel's user
 * trampolines (entry.S .usertext) read+exec at USER_TRAMPOLINE_VA, above
 * everything a program can map. That page is part of the kernel image,
 * not a counted frame; no VMA covers it, so nothing ever unmaps it.
 */
u64 pt_new_root(void)
{
	u64 pa = alloc_root_pair(), *pte, *pml4;

	if (!pa)
		return 0;
	pml4 = phys_to_virt(pa);
	for (int i = 256; i < 512; i++) {
		u64 k = ((u64 *)phys_to_virt(kernel_pml4_pa))[i];

		pml4[i] = k;
		pml4[PAGE_SIZE / sizeof(u64) + i] = arch_user_pml4e(i, k);
	}
	pte = pt_leaf(pa, USER_TRAMPOLINE_VA, true);
	if (!pte) {
		pt_free_tables(pa);
		return 0;
	}
	*pte = kernel_virt_to_phys(_usertext_start) | PTE_P | PTE_U | PTE_A;
	return pa;
}

/*
 * The table at `level` (2 = page directory, 1 = page table) on the way to
 * va, allocating missing ones when alloc. A 2 MiB leaf above a page table
 * stops the walk: *huge_leaf then points at it.
 */
static u64 *table_for(u64 pml4_pa, u64 va, int level, bool alloc, u64 **huge_leaf)
{
	u64 *table = phys_to_virt(pml4_pa);

	for (int l = 3; l > level; l--) {
		u64 *e = &table[(va >> (12 + 9 * l)) & 511];

		if (l == 1 && (*e & PTE_PS) && pte_present(*e)) {
			*huge_leaf = e;
			return NULL;
		}
		if (!(*e & PTE_P)) {
			u64 pa;

			if (!alloc || !(pa = alloc_table()))
				return NULL;
			if (l == 3)
				set_pml4e(table, e, pa | TABLE_BITS);
			else
				*e = pa | TABLE_BITS;
		}
		table = table_va(*e);
	}
	return table;
}

u64 *pt_leaf(u64 pml4_pa, u64 va, bool alloc)
{
	u64 *huge = NULL, *table = table_for(pml4_pa, va, 0, alloc, &huge);

	if (huge)
		return huge; /* a 2 MiB leaf covers va (PROT_NONE too) */
	return table ? &table[PT_INDEX(va)] : NULL;
}

u64 *pt_pde(u64 pml4_pa, u64 va, bool alloc)
{
	u64 *huge = NULL, *table = table_for(pml4_pa, va, 1, alloc, &huge);

	return table ? &table[PD_INDEX(va)] : NULL;
}

/* PROT_NONE leaves keep their frame, not present (PTE_PROTNONE). */
u64 pte_for(u64 pfn, u32 prot, bool writable)
{
	u64 pte = pfn << PAGE_SHIFT | PTE_A;

	if (!(prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)))
		return pte | PTE_PROTNONE | PTE_NX;
	pte |= PTE_P | PTE_U;
	if (writable) /* pre-set D: the MMU would otherwise write it back */
		pte |= PTE_W | PTE_D;
	if (!(prot & VM_PROT_EXEC))
		pte |= PTE_NX;
	if (prot & VM_PROT_NOCACHE)
		pte |= PTE_PCD | PTE_PWT;
	return pte;
}

/*
 * Visits the present leaves of [start, end), skipping absent tables whole,
 * so sparse ranges cost in proportion to what is mapped.
 */
typedef pt_leaf_fn leaf_fn;

struct walk {
	struct mm *mm;
	leaf_fn fn;
	void *arg;
	bool split; /* huge pages the range only partly covers become small first */
};

static bool is_thp(u64 e)
{
	return (e & (PTE_PS | PTE_THP)) == (PTE_PS | PTE_THP);
}

static void walk(const struct walk *w, u64 *table, int level, u64 base, u64 start, u64 end)
{
	u64 span = LEVEL_SPAN(level);

	for (u64 i = (start - base) / span; i < 512; i++) {
		u64 va = base + i * span;

		if (va >= end)
			return;
		if (!pte_present(table[i]))
			continue;
		if (level == 1 && w->split && is_thp(table[i]) && (va < start || va + span > end))
			thp_split_leaf(w->mm, va, &table[i]);
		if (level == 0 || (level == 1 && (table[i] & PTE_PS)))
			w->fn(w->mm, va, &table[i], w->arg);
		else
			walk(w, table_va(table[i]), level - 1, va, MAX(start, va),
			     MIN(end, va + span));
	}
}

static void walk_range(struct mm *mm, u64 start, u64 end, leaf_fn fn, void *arg, bool split)
{
	struct walk w = { mm, fn, arg, split };

	if (start < end)
		walk(&w, phys_to_virt(mm->pml4_pa), 3, 0, start, end);
}

void pt_walk(struct mm *mm, u64 start, u64 end, pt_leaf_fn fn, void *arg)
{
	walk_range(mm, start, end, fn, arg, false);
}

void pt_walk_split(struct mm *mm, u64 start, u64 end, pt_leaf_fn fn, void *arg)
{
	walk_range(mm, start, end, fn, arg, true);
}

static void unmap_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	u64 pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;
	bool huge = *pte & PTE_PS;

	(void)arg;
	if (is_thp(*pte))
		thp_unmap_leaf(*pte);
	else if (huge)
		hugetlb_put(pfn);
	else
		frame_put(pfn);
	*pte = 0;
	mm_flush_page(mm, va);
}

void pt_unmap(struct mm *mm, u64 start, u64 end)
{
	walk_range(mm, start, end, unmap_leaf, NULL, true);
}

struct protect_arg {
	u32 prot;
	bool shared;
};

/*
 * Same frame, and nothing taken away: a stale entry can only fault
 * spuriously, and vm_fault() flushes it then (Linux skips these flushes too).
 */
static bool only_adds_rights(u64 old, u64 new)
{
	if ((old & PTE_ADDR) != (new &PTE_ADDR) || !(old & PTE_P))
		return false;
	if ((old & PTE_W) && !(new &PTE_W))
		return false;
	if ((old & PTE_U) && !(new &PTE_U))
		return false;
	return !(new &PTE_NX) || (old & PTE_NX);
}

static void protect_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	const struct protect_arg *p = arg;
	u64 pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT, old = *pte;
	/* A private page shared with another process stays read-only (COW). */
	bool alone = is_thp(old) ? thp_exclusive(pfn) : frame_desc(pfn)->refcount == 1;
	bool writable = (p->prot & VM_PROT_WRITE) && (p->shared || alone);

	*pte = pte_for(pfn, p->prot, writable) | (old & (PTE_PS | PTE_THP));
	if (*pte != old && !only_adds_rights(old, *pte))
		mm_flush_page(mm, va);
}

void pt_protect(struct mm *mm, u64 start, u64 end, u32 prot, bool shared)
{
	struct protect_arg p = { prot, shared };

	walk_range(mm, start, end, protect_leaf, &p, true);
}

struct copy_arg {
	struct mm *dst;
	bool shared;
	int err;
};

static void copy_leaf(struct mm *src, u64 va, u64 *pte, void *arg)
{
	struct copy_arg *c = arg;
	u64 *dpte, pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;

	if (c->err)
		return;
	dpte = (*pte & PTE_PS) ? pt_pde(c->dst->pml4_pa, va, true)
			       : pt_leaf(c->dst->pml4_pa, va, true);
	if (!dpte || (is_thp(*pte) && thp_share_leaf(*pte))) {
		c->err = -1;
		return;
	}
	if (!c->shared && (*pte & PTE_W)) {
		*pte &= ~(PTE_W | PTE_D);
		mm_flush_page(src, va);
	}
	if (!is_thp(*pte))
		frame_get(pfn);
	*dpte = *pte;
}

int pt_copy(struct mm *dst, struct mm *src, u64 start, u64 end, bool shared)
{
	struct copy_arg c = { dst, shared, 0 };

	walk_range(src, start, end, copy_leaf, &c, true);
	return c.err;
}

static void free_level(u64 *table, int level)
{
	for (int i = 0; i < 512; i++) {
		if (!(table[i] & PTE_P))
			continue;
		if (level > 1)
			free_level(table_va(table[i]), level - 1);
		frame_put((table[i] & PTE_ADDR) >> PAGE_SHIFT);
	}
}

void pt_free_tables(u64 pml4_pa)
{
	u64 *pml4 = phys_to_virt(pml4_pa);

	for (int i = 0; i < 256; i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		free_level(table_va(pml4[i]), 2);
		frame_put((pml4[i] & PTE_ADDR) >> PAGE_SHIFT);
	}
	frame_put(pml4_pa >> PAGE_SHIFT);
	frame_put((pml4_pa >> PAGE_SHIFT) + 1);
}
