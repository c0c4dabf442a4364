// SPDX-License-Identifier: MIT
/*
 * The VMA tree's split hook (vma_ops.split): the kernel splits a
 * transparent huge page wherever a VMA boundary is about to fall inside it
 * (Linux's vma_adjust_trans_huge()), so the hook must see every boundary
 * that munmap, mprotect (and so madvise, mlock: the same range update) and
 * MAP_FIXED create inside a VMA, before
 * the tree changes, and no other address.
 */
#include "vma_harness.h"

#define A    0x40000000ULL /* 2 MiB aligned */
#define RW   (VM_PROT_READ | VM_PROT_WRITE)
#define MAY  (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define P(n) ((uint64_t)(n)*PG)

static struct vma_tree tree;
static uint64_t seen[8];
static int nseen;
static uint64_t vmas_at_call; /* the tree's count when the hook ran */

static void hook(struct vma_tree *t, uint64_t addr)
{
	assert_ptr_equal(t, &tree);
	assert_true(nseen < 8);
	vmas_at_call = t->count;
	seen[nseen++] = addr;
}

static const struct vma_ops hooked_ops = {
	.alloc = h_alloc, .free = h_free, .obj_get = h_get, .obj_put = h_put, .split = hook
};

static int setup(void **state)
{
	(void)state;
	harness_reset(&tree);
	vma_tree_init(&tree, &hooked_ops);
	nseen = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_finish(&tree);
	return 0;
}

static void expect_seen(int n, uint64_t a, uint64_t b)
{
	check_tree(&tree, 0);
	assert_int_equal(nseen, n);
	if (n > 0)
		assert_int_equal(seen[0], a);
	if (n > 1)
		assert_int_equal(seen[1], b);
	nseen = 0;
}

static void test_munmap_inside_one_vma(void **state)
{
	(void)state;
	map(&tree, A, A + P(1024), RW, MAY, NULL, A / PG);
	expect_seen(0, 0, 0);
	assert_int_equal(vma_unmap_range(&tree, A + P(3), A + P(5), NULL, NULL), 0);
	expect_seen(2, A + P(3), A + P(5));
	/* Whole VMAs go without a split. */
	assert_int_equal(vma_unmap_range(&tree, A + P(5), A + P(1024), NULL, NULL), 0);
	expect_seen(0, 0, 0);
	assert_int_equal(vma_unmap_range(&tree, 0, A + P(3), NULL, NULL), 0);
	expect_seen(0, 0, 0);
}

static void test_before_the_tree_changes(void **state)
{
	(void)state;
	map(&tree, A, A + P(1024), RW, MAY, NULL, A / PG);
	assert_non_null(vma_split(&tree, vma_find(&tree, A), A + P(700)));
	expect_seen(1, A + P(700), 0);
	assert_int_equal(vmas_at_call, 1); /* the hook ran while there was one VMA */
	assert_int_equal(tree.count, 2);
}

static void test_protect_edges(void **state)
{
	(void)state;
	map(&tree, A, A + P(1024), RW, MAY, NULL, A / PG);
	assert_int_equal(vma_protect_range(&tree, A + P(511), A + P(513), VM_PROT_READ, NULL, NULL),
			 0);
	expect_seen(2, A + P(511), A + P(513));
	/* Protecting the piece again moves no boundary. */
	assert_int_equal(vma_protect_range(&tree, A + P(511), A + P(513), VM_PROT_READ, NULL, NULL),
			 0);
	expect_seen(0, 0, 0);
}

static void test_map_fixed_over_the_middle(void **state)
{
	(void)state;
	map(&tree, A, A + P(1024), RW, MAY, NULL, A / PG);
	map(&tree, A + P(100), A + P(200), VM_PROT_READ, MAY, NULL, 0);
	expect_seen(2, A + P(100), A + P(200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_munmap_inside_one_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_the_tree_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_fixed_over_the_middle, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
