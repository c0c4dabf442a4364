/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 4-level page-table walk, as the CPU does it, over a guest's
 * physical memory read through a callback: pure, so that cmocka tests it
 * against tables built in a host buffer.
 */
#ifndef PL_HOSTLIB_PAGEWALK_H
#define PL_HOSTLIB_PAGEWALK_H

#include <stdint.h>

#include <pagelab/hostlib.h>

#define PL_PTE_P	 (1ULL << 0)
#define PL_PTE_RW	 (1ULL << 1)
#define PL_PTE_US	 (1ULL << 2)
#define PL_PTE_PWT	 (1ULL << 3)
#define PL_PTE_PCD	 (1ULL << 4)
#define PL_PTE_A	 (1ULL << 5)
#define PL_PTE_D	 (1ULL << 6)
#define PL_PTE_PS	 (1ULL << 7) /* in a PDPT or PD entry: a 1 GiB or 2 MiB leaf */
#define PL_PTE_PAT	 (1ULL << 7) /* in a PT entry */
#define PL_PTE_PAT_LARGE (1ULL << 12)
#define PL_PTE_NX	 (1ULL << 63)
#define PL_PTE_ADDR	 0x000ffffffffff000ULL

/* IA32_PAT after reset, which the guest kernel may change. */
#define PL_PAT_DEFAULT 0x0007040600070406ULL

/* Reads the 8-byte entry at gpa: 0, or -EFAULT when gpa is not guest memory. */
typedef int (*pl_phys_read_fn)(void *ctx, uint64_t gpa, uint64_t *entry);

/*
 * Translates va through the tables at cr3 (its address bits), with the
 * guest's IA32_PAT for the memory type. 0 with *info filled; -EINVAL for a
 * non-canonical va or a reserved PS bit in a PML4 entry; -ENOENT when an
 * entry on the way is not present (info->level says which level); -EFAULT
 * when a table lies outside guest memory.
 */
int pl_walk(uint64_t cr3, uint64_t va, uint64_t pat, pl_phys_read_fn read, void *ctx,
	    struct pl_gva_info *info);

/* One run of present leaves: virtually and physically contiguous, same permissions. */
struct pl_mapping {
	uint64_t va, gpa, size;
	bool writable, user, nx;
};

typedef int (*pl_mapping_fn)(void *arg, const struct pl_mapping *m);

/*
 * Visits the present leaves mapping [lo, hi) under cr3 in address order,
 * merged into runs; fn returning non-zero stops the walk with that value.
 * Tables outside guest memory are skipped (read fails), never followed.
 * A guest can make its tables point at themselves (512^3 leaves from one
 * page), so the walk gives up after max_leaves present entries with
 * -E2BIG (0: PL_WALK_MAX_LEAVES).
 */
#define PL_WALK_MAX_LEAVES (1u << 22)
int pl_walk_mappings(uint64_t cr3, uint64_t lo, uint64_t hi, pl_phys_read_fn read, void *ctx,
		     size_t max_leaves, pl_mapping_fn fn, void *arg);

#endif
