// SPDX-License-Identifier: MIT
/*
 * Unit tests for a file's page tree (guest/fs/page_tree.c) and for what it
 * buys ramfs: memory for the pages that hold data, not for the file's size.
 */
#include "ramfs_arena.h"

#include <kernel/page_tree.h>

#define MODEL_SLOTS 512
#define MAX_INDEX   (RAMFS_MAX_FILE_SIZE / PAGE_SIZE)

static uint64_t put_count;

static void count_put(uint64_t pfn)
{
	(void)pfn;
	put_count++;
}

/* A small reference model: the indexes in use and their frames. */
struct model {
	uint64_t index[MODEL_SLOTS], pfn[MODEL_SLOTS];
	int n;
};

static int model_find(const struct model *m, uint64_t index)
{
	for (int i = 0; i < m->n; i++)
		if (m->index[i] == index)
			return i;
	return -1;
}

static void check_against(const struct page_tree *t, const struct model *m)
{
	assert_int_equal(t->nframes, m->n);
	for (int i = 0; i < m->n; i++)
		assert_int_equal(page_tree_lookup(t, m->index[i]), m->pfn[i]);
}

/* Indexes near 0, near node boundaries and far out, so every height is used. */
static uint64_t random_index(void)
{
	static const uint64_t bases[] = { 0, 511, 512, 262143, 262144, 1ULL << 27, MAX_INDEX - 1 };
	uint64_t base = bases[rand() % 7];

	return (base + rand() % 4) % MAX_INDEX;
}

static void test_random_against_model(void **state)
{
	struct page_tree t = { 0 };
	struct model m = { .n = 0 };
	uint64_t free_before = frame_free_count();

	(void)state;
	srand(20261204);
	for (int step = 0; step < 20000; step++) {
		uint64_t index = random_index();
		int at = model_find(&m, index), op = rand() % 10;

		if (op < 6 && at < 0 && m.n < MODEL_SLOTS) {
			assert_int_equal(page_tree_insert(&t, index, 1000 + step), 0);
			m.index[m.n] = index;
			m.pfn[m.n++] = 1000 + step;
		} else if (op < 9) {
			uint64_t want = at < 0 ? FRAME_NONE : m.pfn[at];

			assert_int_equal(page_tree_remove(&t, index), want);
			if (at >= 0) {
				m.index[at] = m.index[--m.n];
				m.pfn[at] = m.pfn[m.n];
			}
		} else {
			uint64_t first = random_index(), dropped = 0;

			put_count = 0;
			page_tree_truncate(&t, first, count_put);
			for (int i = 0; i < m.n;) {
				if (m.index[i] >= first) {
					m.index[i] = m.index[--m.n];
					m.pfn[i] = m.pfn[m.n];
					dropped++;
				} else {
					i++;
				}
			}
			assert_int_equal(put_count, dropped);
		}
		if (step % 97 == 0)
			check_against(&t, &m);
		assert_int_equal(page_tree_lookup(&t, index), model_find(&m, index) < 0
								  ? FRAME_NONE
								  : m.pfn[model_find(&m, index)]);
	}
	check_against(&t, &m);
	page_tree_truncate(&t, 0, count_put);
	assert_null(t.root);
	assert_int_equal(t.nframes, 0);
	/* Every node went back to the heap, and the heap its frames. */
	assert_int_equal(frame_free_count(), free_before);
}

/* A byte at 3.3 GiB costs one data page and the nodes above it, not an array. */
static void test_sparse_file_costs_its_pages(void **state)
{
	struct inode *f = mkfile_in(root, "sparse", NULL);
	uint64_t free_before = frame_free_count();

	(void)state;
	assert_int_equal(inode_write(f, 3300ULL << 20, "x", 1, NOW), 1);
	assert_int_equal(inode_write(f, 64ULL << 30, "y", 1, NOW), 1); /* once ENOSPC */
	assert_int_equal(ramfs_frames(f), 2);
	assert_true(free_before - frame_free_count() <= 2 + 2 * 4);
	/* ftruncate(0) gives all of it back, the tree's nodes included. */
	assert_int_equal(ramfs_truncate(f, 0, NOW), 0);
	assert_int_equal(frame_free_count(), free_before);
	inode_put(f);
}

static int fault_copy_in(void *dst, uint64_t addr, size_t n)
{
	(void)dst;
	(void)addr;
	(void)n;
	return -EFAULT;
}

/* A write that fails (EFAULT) past the end leaves no page behind. */
static void test_failed_write_allocates_nothing(void **state)
{
	struct inode *f = mkfile_in(root, "failed", NULL);
	char data[16] = "data";
	uint64_t free_before;

	(void)state;
	assert_int_equal(inode_write(f, 0, data, 4, NOW), 4);
	free_before = frame_free_count();
	for (int i = 0; i < 30; i++)
		assert_int_equal(ramfs_write(f, (3300ULL << 20) + i * PAGE_SIZE, (uintptr_t)data,
					     sizeof(data), fault_copy_in, NOW),
				 -EFAULT);
	assert_int_equal(inode_size(f), 4);
	assert_int_equal(ramfs_frames(f), 1);
	assert_int_equal(frame_free_count(), free_before);
	inode_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test_setup_teardown(test_sparse_file_costs_its_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_allocates_nothing, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
