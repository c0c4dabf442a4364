// SPDX-License-Identifier: MIT
/*
 * A page-table walk over guest memory. Every entry comes through the
 * read callback, which bounds-checks it: a table pointer the guest
 * corrupted makes the walk fail, never the host read outside memory.
 * Permissions combine along the way as the CPU combines them: writable
 * and user only if every level says so, no-execute if any level does.
 */
#include <errno.h>
#include <string.h>

#include "pagewalk.h"

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

static enum pl_memtype memtype(uint64_t entry, unsigned level, uint64_t pat)
{
	uint64_t pat_bit = level == 1 ? PL_PTE_PAT : PL_PTE_PAT_LARGE;
	unsigned index =
	    (entry & pat_bit ? 4 : 0) | (entry & PL_PTE_PCD ? 2 : 0) | (entry & PL_PTE_PWT ? 1 : 0);

	return (enum pl_memtype)((pat >> (8 * index)) & 7);
}

static void leaf(struct pl_gva_info *info, uint64_t entry, unsigned level, uint64_t va,
		 uint64_t pat)
{
	uint64_t size = 1ULL << (12 + 9 * (level - 1));

	info->level = level;
	info->page_size = size;
	info->pte = entry;
	info->gpa = (entry & PL_PTE_ADDR & ~(size - 1)) | (va & (size - 1));
	info->present = true;
	info->accessed = entry & PL_PTE_A;
	info->dirty = entry & PL_PTE_D;
	info->memtype = memtype(entry, level, pat);
}

int pl_walk(uint64_t cr3, uint64_t va, uint64_t pat, pl_phys_read_fn read, void *ctx,
	    struct pl_gva_info *info)
{
	uint64_t table = cr3 & PL_PTE_ADDR;

	memset(info, 0, sizeof(*info));
	if (!canonical(va))
		return -EINVAL;
	info->writable = info->user = true;
	for (unsigned level = 4; level >= 1; level--) {
		unsigned index = (va >> (12 + 9 * (level - 1))) & 511;
		uint64_t entry;
		int err = read(ctx, table + index * 8, &entry);

		info->level = level;
		if (err)
			return err;
		info->pte = entry;
		if (!(entry & PL_PTE_P))
			return -ENOENT;
		info->writable &= !!(entry & PL_PTE_RW);
		info->user &= !!(entry & PL_PTE_US);
		info->nx |= !!(entry & PL_PTE_NX);
		if (entry & PL_PTE_PS) {
			if (level == 4)
				return -EINVAL;
			if (level > 1) {
				leaf(info, entry, level, va, pat);
				return 0;
			}
		}
		if (level == 1) {
			leaf(info, entry, level, va, pat);
			return 0;
		}
		table = entry & PL_PTE_ADDR;
	}
	return -ENOENT; /* not reached */
}

struct mapping_walk {
	pl_phys_read_fn read;
	void *ctx;
	uint64_t lo, hi;
	pl_mapping_fn fn;
	void *arg;
	size_t budget;	       /* present entries still to visit */
	struct pl_mapping run; /* size 0: none yet */
};

static uint64_t canonical_va(uint64_t va)
{
	return va & (1ULL << 47) ? va | 0xffff000000000000ULL : va;
}

/* Adds a leaf to the current run, or emits the run and starts another. */
static int add_leaf(struct mapping_walk *w, const struct pl_mapping *m)
{
	struct pl_mapping *r = &w->run;
	int err = 0;

	if (r->size && r->va + r->size == m->va && r->gpa + r->size == m->gpa &&
	    r->writable == m->writable && r->user == m->user && r->nx == m->nx) {
		r->size += m->size;
		return 0;
	}
	if (r->size)
		err = w->fn(w->arg, r);
	*r = *m;
	return err;
}

static int walk_table(struct mapping_walk *w, uint64_t table, unsigned level, uint64_t base,
		      bool writable, bool user, bool nx)
{
	uint64_t span = 1ULL << (12 + 9 * (level - 1));

	for (unsigned i = 0; i < 512; i++) {
		uint64_t va = canonical_va(base + i * span), entry;
		int err;

		if (va + span - 1 < w->lo || va >= w->hi)
			continue;
		if (w->read(w->ctx, table + i * 8, &entry) || !(entry & PL_PTE_P))
			continue;
		if (!w->budget--)
			return -E2BIG;
		bool wr = writable && (entry & PL_PTE_RW), us = user && (entry & PL_PTE_US);
		bool x = nx || (entry & PL_PTE_NX);

		if (level == 1 || (level < 4 && (entry & PL_PTE_PS))) {
			struct pl_mapping m = { va, entry & PL_PTE_ADDR & ~(span - 1), span, wr, us,
						x };

			err = add_leaf(w, &m);
		} else if (level > 1 && !(entry & PL_PTE_PS)) {
			err = walk_table(w, entry & PL_PTE_ADDR, level - 1, base + i * span, wr, us,
					 x);
		} else {
			err = 0; /* a PS bit in a PML4 entry: reserved, nothing mapped */
		}
		if (err)
			return err;
	}
	return 0;
}

int pl_walk_mappings(uint64_t cr3, uint64_t lo, uint64_t hi, pl_phys_read_fn read, void *ctx,
		     size_t max_leaves, pl_mapping_fn fn, void *arg)
{
	struct mapping_walk w = {
		read, ctx, lo, hi, fn, arg, max_leaves ? max_leaves : PL_WALK_MAX_LEAVES, { 0 }
	};
	int err = walk_table(&w, cr3 & PL_PTE_ADDR, 4, 0, true, true, false);

	if (!err && w.run.size)
		err = fn(arg, &w.run);
	return err;
}

const char *pl_memtype_name(enum pl_memtype type)
{
	switch (type) {
	case PL_MT_UC:
		return "UC";
	case PL_MT_WC:
		return "WC";
	case PL_MT_WT:
		return "WT";
	case PL_MT_WP:
		return "WP";
	case PL_MT_WB:
		return "WB";
	case PL_MT_UC_MINUS:
		return "UC-";
	}
	return "reserved";
}
