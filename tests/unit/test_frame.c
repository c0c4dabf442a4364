// SPDX-License-Identifier: MIT
/* Unit tests for the buddy frame allocator (guest/mm/frame.c). */
#include "frame_harness.h"

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(frame_free_count(), 0);
	assert_int_equal(frame_total_count(), 0);
	assert_int_equal(frame_alloc(0), FRAME_NONE);
	assert_int_equal(frame_alloc(FA_BELOW16M), FRAME_NONE);
	assert_null(frame_desc(NR_FRAMES));
	assert_non_null(frame_desc(NR_FRAMES - 1));
}

static void test_add_range_decomposes(void **state)
{
	static const struct block want[] = {
		{ 3, 0 },     { 4, 2 },	   { 8, 3 },	{ 16, 4 },  { 32, 5 },
		{ 64, 6 },    { 128, 7 },  { 256, 8 },	{ 512, 9 }, { 1024, 10 },
		{ 2048, 11 }, { 4096, 2 }, { 4100, 0 },
	};
	struct block got[32];
	size_t n;

	(void)state;
	/* Unaligned at both ends and across the 16 MiB boundary. */
	frame_add_range(3, DMA_END + 5);
	n = free_blocks(got, 32);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].pfn, want[i].pfn);
		assert_int_equal(got[i].order, want[i].order);
	}
	assert_int_equal(frame_free_count(), DMA_END + 2);
	assert_int_equal(frame_free_count_below16m(), DMA_END - 3);
	assert_int_equal(frame_total_count(), DMA_END + 2);
	check_invariants();

	/* The missing head merges everything below 16 MiB into one block, but not across it. */
	frame_add_range(0, 3);
	n = free_blocks(got, 32);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].pfn, 0);
	assert_int_equal(got[0].order, 12);
	assert_int_equal(got[1].pfn, DMA_END);
	assert_int_equal(got[1].order, 2);
	assert_int_equal(frame_total_count(), DMA_END + 5);
	check_invariants();
}

static void test_add_range_clamps_and_merges(void **state)
{
	struct block got[64];
	size_t n;

	(void)state;
	frame_add_range(8192 + 100, NR_FRAMES + 1000); /* beyond the table: clamped */
	frame_add_range(DMA_END, 8192 + 100);
	frame_add_range(50, 50); /* empty */
	assert_int_equal(frame_total_count(), NR_FRAMES - DMA_END);
	n = free_blocks(got, 64);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].pfn, DMA_END);
	assert_int_equal(got[0].order, 12);
	assert_int_equal(got[1].pfn, 8192);
	assert_int_equal(got[1].order, 12);
	assert_int_equal(frame_free_count_below16m(), 0);
	check_invariants();

	/* A whole DMA zone is one order-12 block that never merges with normal memory. */
	frame_add_range(0, DMA_END);
	frame_put(frame_alloc(FA_BELOW16M));
	n = free_blocks(got, 64);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].pfn, 0);
	assert_int_equal(got[0].order, 12);
	assert_int_equal(got[1].pfn, DMA_END);
	assert_int_equal(got[1].order, 12);
	assert_int_equal(frame_free_count_below16m(), DMA_END);
	assert_int_equal(frame_alloc_pages(DMA_END + 1, 0), FRAME_NONE);
	check_invariants();
}

static void test_add_all_memory_splits_at_16m(void **state)
{
	struct block got[8];
	size_t n;

	(void)state;
	/* From PFN 0 an aligned order-13 block would fit; the zone boundary must cut it. */
	frame_add_range(0, NR_FRAMES);
	n = free_blocks(got, 8);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].pfn, i * DMA_END);
		assert_int_equal(got[i].order, 12);
	}
	assert_int_equal(frame_free_count_below16m(), DMA_END);
	assert_int_equal(frame_total_count(), NR_FRAMES);
	check_invariants();
}

static bool crosses_64k(uint64_t pfn, uint64_t n)
{
	return (pfn >> 4) != ((pfn + n - 1) >> 4);
}

static void test_alignment_and_nox64k(void **state)
{
	static uint64_t got[600];
	struct block before[64], after[64];
	size_t nb = 0;

	(void)state;
	frame_add_range(1, NR_FRAMES - 7);
	nb = free_blocks(before, 64);
	for (uint64_t n = 1; n <= 600; n++) {
		uint64_t pfn = frame_alloc_pages(n, FA_NOX64K);
		uint64_t align = 1;

		while (align < n)
			align <<= 1;
		if (pfn == FRAME_NONE) {
			got[n - 1] = FRAME_NONE;
			continue;
		}
		got[n - 1] = pfn;
		assert_int_equal(pfn % align, 0);
		if (n <= 16)
			assert_false(crosses_64k(pfn, n));
		else
			assert_int_equal(pfn % 16, 0);
		for (uint64_t i = 0; i < n; i++)
			assert_int_equal(table[pfn + i].refcount, 1);
	}
	/* 48 MiB minus a little holds at least the first 120 of these. */
	for (int i = 0; i < 120; i++)
		assert_int_not_equal(got[i], FRAME_NONE);
	check_invariants();
	for (uint64_t n = 1; n <= 600; n++)
		if (got[n - 1] != FRAME_NONE)
			frame_free_pages(got[n - 1], n);
	assert_int_equal(frame_free_count(), NR_FRAMES - 8);
	assert_int_equal(free_blocks(after, 64), nb);
	assert_same_blocks(before, after, nb);
	assert_int_equal(corruptions, 0);
}

static void test_tail_is_given_back(void **state)
{
	uint64_t p, q[3];

	(void)state;
	frame_add_range(DMA_END, DMA_END + 64);
	p = frame_alloc_pages(5, 0);
	assert_int_equal(p % 8, 0);
	assert_int_equal(frame_free_count(), 59);
	assert_int_equal(table[p + 5].refcount, 0);
	check_invariants();
	/* The three frames after the five come back first: smallest blocks are used first. */
	for (int i = 0; i < 3; i++)
		q[i] = frame_alloc(0);
	assert_int_equal(q[0], p + 5);
	assert_int_equal(q[1], p + 6);
	assert_int_equal(q[2], p + 7);
	for (int i = 0; i < 3; i++)
		assert_true(frame_put(q[i]));
	frame_free_pages(p, 5);
	assert_int_equal(frame_free_count(), 64);
	check_invariants();
}

static void test_exhaustion(void **state)
{
	static uint64_t got[400];
	static bool seen[NR_FRAMES];
	int n = 0;
	uint64_t pfn;

	(void)state;
	memset(seen, 0, sizeof(seen));
	frame_add_range(100, 300);
	frame_add_range(5000, 5100);
	while ((pfn = frame_alloc(0)) != FRAME_NONE) {
		assert_true(n < 400);
		assert_true((pfn >= 100 && pfn < 300) || (pfn >= 5000 && pfn < 5100));
		assert_false(seen[pfn]);
		seen[pfn] = true;
		assert_int_equal(table[pfn].refcount, 1);
		got[n++] = pfn;
	}
	assert_int_equal(n, 300);
	assert_int_equal(frame_free_count(), 0);
	assert_int_equal(frame_alloc(FA_BELOW16M), FRAME_NONE);
	assert_int_equal(frame_alloc_pages(2, 0), FRAME_NONE);
	for (int i = 0; i < n; i++)
		assert_true(frame_put(got[i]));
	assert_int_equal(frame_free_count(), 300);
	check_invariants();
	assert_int_equal(frame_alloc_pages(129, 0), FRAME_NONE); /* needs 256 aligned */
	assert_int_equal(frame_alloc_pages((1ULL << FRAME_MAX_ORDER) + 1, 0), FRAME_NONE);
	assert_int_equal(frame_alloc_pages(0, 0), FRAME_NONE);
	assert_int_equal(frame_free_count(), 300);
}

static void test_dma_zone_is_the_fallback(void **state)
{
	uint64_t normal[64], pfn;

	(void)state;
	frame_add_range(0, 64);
	frame_add_range(1024, 1024 + 256);
	frame_add_range(8192, 8192 + 64);
	for (int i = 0; i < 64; i++) {
		normal[i] = frame_alloc(0);
		assert_true(normal[i] >= 8192 && normal[i] < 8192 + 64);
	}
	pfn = frame_alloc(0);
	assert_true(pfn < DMA_END);
	frame_free_pages(pfn, 1);
	frame_free_pages(normal[0], 1);
	frame_free_pages(normal[1], 1);
	/* Normal memory is back, so it is used again before DMA. */
	pfn = frame_alloc(0);
	assert_true(pfn >= 8192);
	frame_free_pages(pfn, 1);
	/* A request the normal zone cannot hold falls back even when it is not empty. */
	pfn = frame_alloc_pages(128, 0);
	assert_int_equal(pfn, 1024);
	frame_free_pages(pfn, 128);
	for (int i = 2; i < 64; i++)
		assert_true(frame_put(normal[i]));
	assert_int_equal(frame_free_count(), 64 + 256 + 64);
	check_invariants();
}

static void test_below16m(void **state)
{
	uint64_t pfn, n = 0;

	(void)state;
	frame_add_range(10, NR_FRAMES);
	while ((pfn = frame_alloc_pages(3, FA_BELOW16M)) != FRAME_NONE) {
		assert_true(pfn + 3 <= DMA_END);
		assert_int_equal(pfn % 4, 0);
		n++;
	}
	/* [10, 4096) holds 1021 aligned four-frame blocks, from 12 on; 10 and 11 are a pair. */
	assert_int_equal(n, 1021);
	assert_int_equal(frame_free_count_below16m(), 4086 - 3 * n);
	assert_int_equal(frame_free_count() - frame_free_count_below16m(), NR_FRAMES - DMA_END);
	while ((pfn = frame_alloc(FA_BELOW16M)) != FRAME_NONE)
		assert_true(pfn < DMA_END);
	assert_int_equal(frame_free_count_below16m(), 0);
	pfn = frame_alloc(0);
	assert_true(pfn >= DMA_END);
	check_invariants();
}

static void test_refcounts(void **state)
{
	struct block before[16], after[16];
	size_t nb;
	uint64_t pfn;

	(void)state;
	frame_add_range(DMA_END, DMA_END + 1024);
	nb = free_blocks(before, 16);
	pfn = frame_alloc(0);
	frame_get(pfn);
	frame_get(pfn);
	assert_int_equal(frame_desc(pfn)->refcount, 3);
	assert_false(frame_put(pfn));
	assert_false(frame_put(pfn));
	assert_int_equal(frame_free_count(), 1023);
	assert_true(frame_put(pfn));
	assert_int_equal(frame_desc(pfn)->refcount, 0);
	assert_int_equal(frame_free_count(), 1024);

	/* The frames of one allocation dropped one by one coalesce again. */
	pfn = frame_alloc_pages(37, 0);
	for (uint64_t i = 0; i < 37; i++)
		assert_true(frame_put(pfn + (i * 7) % 37)); /* 7 and 37 coprime: all of them */
	assert_int_equal(free_blocks(after, 16), nb);
	assert_same_blocks(before, after, nb);
	assert_int_equal(corruptions, 0);
	check_invariants();
}

static void expect_corruption(uint64_t pfn, uint64_t free_before)
{
	assert_int_equal(corruptions, 1);
	assert_int_equal(corrupt_pfn, pfn);
	assert_int_equal(frame_free_count(), free_before);
	check_invariants();
	corruptions = 0;
}

static void test_corruption_is_detected(void **state)
{
	uint64_t a, b, nfree;

	(void)state;
	frame_add_range(DMA_END, DMA_END + 256);
	a = frame_alloc_pages(8, 0);
	b = frame_alloc(0);
	frame_free_pages(b, 1);
	nfree = frame_free_count();

	frame_free_pages(b, 1); /* double free */
	expect_corruption(b, nfree);
	assert_false(frame_put(b)); /* put of a free frame */
	expect_corruption(b, nfree);
	frame_get(b);
	expect_corruption(b, nfree);
	frame_free_pages(b + 100, 1); /* inside a larger free block */
	expect_corruption(b + 100, nfree);
	frame_free_pages(5, 1); /* never added: reserved */
	expect_corruption(5, nfree);
	frame_free_pages(NR_FRAMES - 1, 2); /* runs off the table */
	expect_corruption(NR_FRAMES - 1, nfree);
	assert_false(frame_put(NR_FRAMES));
	expect_corruption(NR_FRAMES, nfree);

	/* A run with one freed frame inside is refused whole. */
	assert_true(frame_put(a + 3));
	nfree = frame_free_count();
	frame_free_pages(a, 8);
	expect_corruption(a + 3, nfree);
	for (uint64_t i = 0; i < 8; i++)
		if (i != 3)
			assert_int_equal(table[a + i].refcount, 1);
	frame_free_pages(a, 3);
	frame_free_pages(a + 4, 4);
	assert_int_equal(corruptions, 0);
	assert_int_equal(frame_free_count(), 256);
	check_invariants();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_range_decomposes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_range_clamps_and_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_all_memory_splits_at_16m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_and_nox64k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_is_given_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_zone_is_the_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_below16m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corruption_is_detected, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
