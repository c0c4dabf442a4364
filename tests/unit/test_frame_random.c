// SPDX-License-Identifier: MIT
/*
 * The buddy frame allocator against a bitmap model: thousands of random
 * allocations and frees with a fixed seed, every free block checked.
 */
#include "frame_harness.h"

enum { M_ABSENT, M_FREE, M_USED };

struct alloc {
	uint64_t pfn, n;
};

static uint8_t model[NR_FRAMES];
static struct alloc live[4096];
static size_t nr_live;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void model_add(uint64_t s, uint64_t e)
{
	frame_add_range(s, e);
	for (uint64_t i = s; i < e; i++)
		model[i] = M_FREE;
}

/* Is there a whole free aligned block of 2^order frames in [lo, hi)? */
static bool model_has_block(unsigned order, uint64_t lo, uint64_t hi)
{
	uint64_t size = 1ULL << order;

	for (uint64_t b = lo; b + size <= hi; b += size) {
		uint64_t i = 0;

		while (i < size && model[b + i] == M_FREE)
			i++;
		if (i == size)
			return true;
	}
	return false;
}

static uint64_t model_free_count(void)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < NR_FRAMES; i++)
		n += model[i] == M_FREE;
	return n;
}

static void random_alloc(void)
{
	uint64_t r = next_rand();
	uint64_t n = r % 8 == 0 ? 1 + (r >> 8) % 300 : 1 + (r >> 8) % 16;
	unsigned flags = (r >> 32) % 5 == 0 ? FA_BELOW16M : 0;
	unsigned order = 0;
	uint64_t pfn;

	if ((r >> 40) & 1)
		flags |= FA_NOX64K;
	while ((1ULL << order) < n)
		order++;
	pfn = frame_alloc_pages(n, flags);
	if (pfn == FRAME_NONE) {
		/* With full coalescing, failure means no whole aligned block is free. */
		assert_false(model_has_block(order, 0, DMA_END));
		if (!(flags & FA_BELOW16M))
			assert_false(model_has_block(order, DMA_END, NR_FRAMES));
		return;
	}
	assert_int_equal(pfn & ((1ULL << order) - 1), 0);
	if (flags & FA_BELOW16M)
		assert_true(pfn + n <= DMA_END);
	else if (pfn < DMA_END)
		assert_false(model_has_block(order, DMA_END, NR_FRAMES));
	for (uint64_t i = pfn; i < pfn + n; i++) {
		assert_int_equal(model[i], M_FREE);
		assert_int_equal(table[i].refcount, 1);
		model[i] = M_USED;
	}
	assert_true(nr_live < sizeof(live) / sizeof(live[0]));
	live[nr_live++] = (struct alloc){ pfn, n };
}

/* Free a random allocation whole, frame by frame, or a random prefix of it. */
static void random_free(void)
{
	uint64_t r = next_rand();
	size_t k = r % nr_live;
	struct alloc *a = &live[k];
	uint64_t cut = a->n;

	switch ((r >> 32) % 3) {
	case 0:
		frame_free_pages(a->pfn, a->n);
		break;
	case 1:
		for (uint64_t i = 0; i < a->n; i++) {
			if ((r >> (40 + i % 20)) & 1) {
				frame_get(a->pfn + i);
				assert_false(frame_put(a->pfn + i));
			}
			assert_true(frame_put(a->pfn + i));
		}
		break;
	default:
		cut = 1 + (r >> 40) % a->n;
		frame_free_pages(a->pfn, cut);
		break;
	}
	for (uint64_t i = a->pfn; i < a->pfn + cut; i++)
		model[i] = M_FREE;
	if (cut < a->n) {
		a->pfn += cut;
		a->n -= cut;
	} else {
		*a = live[--nr_live];
	}
}

static void test_random_against_bitmap(void **state)
{
	struct block before[128], after[128];
	size_t nb;

	(void)state;
	memset(model, M_ABSENT, sizeof(model));
	nr_live = 0;
	model_add(1, 700);
	model_add(900, DMA_END + 404);
	model_add(DMA_END + 500, DMA_END + 501);
	model_add(6000, 11000);
	model_add(11001, NR_FRAMES);
	nb = free_blocks(before, 128);
	for (int op = 0; op < 20000; op++) {
		/* Lean towards allocating until about half the memory is in use. */
		bool alloc = nr_live == 0 || next_rand() % 100 < (nr_live < 300 ? 60 : 40);

		if (alloc)
			random_alloc();
		else
			random_free();
		if (op % 500 == 0) {
			check_invariants();
			assert_int_equal(frame_free_count(), model_free_count());
		}
	}
	while (nr_live)
		random_free();
	assert_int_equal(corruptions, 0);
	check_invariants();
	assert_int_equal(free_blocks(after, 128), nb);
	assert_same_blocks(before, after, nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_against_bitmap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
