/* SPDX-License-Identifier: MIT */
/*
 * Shared by the frame allocator's unit tests: a descriptor table for
 * NR_FRAMES frames, the corruption hook, and checks of the allocator's
 * invariants read straight from the table.
 */
#ifndef PL_TEST_FRAME_HARNESS_H
#define PL_TEST_FRAME_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/frame.h>

#define NR_FRAMES 12288 /* 48 MiB: a DMA zone and 32 MiB above it */
#define DMA_END	  FRAME_DMA_LIMIT_PFN

static struct frame *table;
static int corruptions;
static uint64_t corrupt_pfn;

void frame_corruption(const char *what, uint64_t pfn)
{
	(void)what;
	corruptions++;
	corrupt_pfn = pfn;
}

static inline int setup(void **state)
{
	(void)state;
	table = calloc(NR_FRAMES, sizeof(*table));
	if (!table)
		return -1;
	frame_init(table, NR_FRAMES);
	corruptions = 0;
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	free(table);
	return 0;
}

struct block {
	uint64_t pfn;
	unsigned order;
};

/* The free blocks as the descriptor table shows them, in PFN order. */
static inline size_t free_blocks(struct block *out, size_t max)
{
	size_t n = 0;

	for (uint64_t pfn = 0; pfn < NR_FRAMES; pfn++) {
		if (table[pfn].flags & FRAME_FREE) {
			assert_true(n < max);
			out[n].pfn = pfn;
			out[n].order = table[pfn].order;
			n++;
		}
	}
	return n;
}

static inline void assert_same_blocks(const struct block *a, const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].pfn, b[i].pfn);
		assert_int_equal(a[i].order, b[i].order);
	}
}

static inline unsigned zone_of(uint64_t pfn)
{
	return pfn < DMA_END ? 0 : 1;
}

/*
 * Structural invariants: free blocks are aligned, lie in one zone, do not
 * overlap, are maximal (no free buddy of the same order in the same zone),
 * hold no references, and add up to the counters.
 */
static inline void check_invariants(void)
{
	uint64_t sum = 0, sum_dma = 0, covered_to = 0;

	for (uint64_t pfn = 0; pfn < NR_FRAMES; pfn++) {
		struct frame *f = &table[pfn];
		uint64_t size, buddy;

		if (!(f->flags & FRAME_FREE)) {
			if (pfn < covered_to)
				assert_int_equal(f->refcount, 0);
			continue;
		}
		size = 1ULL << f->order;
		assert_true(pfn >= covered_to);
		assert_int_equal(pfn & (size - 1), 0);
		assert_int_equal(zone_of(pfn), zone_of(pfn + size - 1));
		assert_true(pfn + size <= NR_FRAMES);
		assert_int_equal(f->refcount, 0);
		buddy = pfn ^ size;
		if (buddy < NR_FRAMES && zone_of(buddy) == zone_of(pfn) &&
		    f->order < FRAME_MAX_ORDER)
			assert_false((table[buddy].flags & FRAME_FREE) &&
				     table[buddy].order == f->order);
		covered_to = pfn + size;
		sum += size;
		if (pfn < DMA_END)
			sum_dma += size;
	}
	assert_int_equal(sum, frame_free_count());
	assert_int_equal(sum_dma, frame_free_count_below16m());
}

#endif
