// SPDX-License-Identifier: MIT
/*
 * Unit tests for the VMA tree (guest/mm/vma.c) and its range operations
 * (guest/mm/vma_range.c): every operation and its edge cases. The randomized
 * comparison with a reference model and the scale test are in
 * test_vma_random.c.
 */
#include "vma_harness.h"

#define A    0x10000000ULL /* an arbitrary page-aligned base */
#define TOP  0x7ffffffff000ULL
#define RW   (VM_PROT_READ | VM_PROT_WRITE)
#define RO   VM_PROT_READ
#define MAY  (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define P(n) ((uint64_t)(n)*PG)

static struct vma_tree tree;

static int setup(void **state)
{
	(void)state;
	harness_reset(&tree);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_finish(&tree);
	return 0;
}

static void expect_vma(const struct vma *v, uint64_t start, uint64_t end, uint32_t prot,
		       uint64_t pgoff)
{
	assert_non_null(v);
	assert_int_equal(v->start, start);
	assert_int_equal(v->end, end);
	assert_int_equal(v->prot, prot);
	assert_int_equal(v->pgoff, pgoff);
}

static void test_empty_tree(void **state)
{
	struct vma_gap_req r = { .len = P(1), .align = PG, .floor = PG, .limit = A };

	(void)state;
	assert_null(vma_find(&tree, A));
	assert_null(vma_find_above(&tree, 0));
	assert_true(vma_range_free(&tree, 0, UINT64_MAX));
	assert_int_equal(vma_find_gap(&tree, &r), A - PG);
	check_tree(&tree, 1);
}

static void test_lookup_boundaries(void **state)
{
	struct vma *a, *b;

	(void)state;
	a = map(&tree, A, A + P(3), RW, MAY, NULL, A / PG);
	b = map(&tree, A + P(5), A + P(6), RO, MAY, NULL, (A + P(5)) / PG);
	assert_ptr_equal(vma_find(&tree, A), a);
	assert_ptr_equal(vma_find(&tree, A + P(3) - 1), a);
	assert_null(vma_find(&tree, A + P(3)));
	assert_null(vma_find(&tree, A - 1));
	assert_ptr_equal(vma_find(&tree, A + P(5)), b);
	assert_ptr_equal(vma_find_above(&tree, A + P(3)), b);
	assert_ptr_equal(vma_find_above(&tree, 0), a);
	assert_null(vma_find_above(&tree, A + P(6)));
	assert_null(vma_first_in(&tree, A + P(3), A + P(5)));
	assert_ptr_equal(vma_first_in(&tree, A + P(3), A + P(5) + 1), b);
	assert_ptr_equal(vma_first_in(&tree, A + P(2), A + P(9)), a);
	check_tree(&tree, 1);
}

static void test_for_each_in_order(void **state)
{
	uint64_t starts[8];
	struct vma *v;
	int n = 0;

	(void)state;
	for (int i = 9; i >= 0; i--) /* inserted backwards, visited forwards */
		map(&tree, A + P(3 * i), A + P(3 * i + 2), i % 2 ? RO : RW, MAY, NULL,
		    (A + P(3 * i)) / PG);
	vma_for_each_in(&tree, v, A + P(4), A + P(13))
	{
		assert_true(n < 8);
		starts[n++] = v->start;
	}
	/* [3,5) [6,8) [9,11) [12,14) intersect [4,13); [0,2) and [15,17) do not. */
	assert_int_equal(n, 4);
	for (int i = 0; i < n; i++)
		assert_int_equal(starts[i], A + P(3 * (i + 1)));
	n = 0;
	vma_for_each_in(&tree, v, A + P(2), A + P(3))
	{
		n++;
	}
	assert_int_equal(n, 0);
	check_tree(&tree, 1);
}

static void test_insert_overlap_refused(void **state)
{
	struct vma *v;

	(void)state;
	map(&tree, A, A + P(4), RW, MAY, NULL, A / PG);
	v = vma_new(&tree, A + P(3), A + P(5), RW, MAY, NULL, 0);
	assert_non_null(v);
	assert_int_equal(vma_insert(&tree, v), -EEXIST);
	vma_free(&tree, v);
	v = vma_new(&tree, A - P(1), A + P(1), RW, MAY, NULL, 0);
	assert_int_equal(vma_insert(&tree, v), -EEXIST);
	vma_free(&tree, v);
	assert_int_equal(tree.count, 1);
	check_tree(&tree, 1);
}

/* The first page, the last user page and the last page below 2^64. */
static void test_address_space_edges(void **state)
{
	const uint64_t hi = 0xffffffffffffe000ULL;
	struct vma_gap_req r = { .len = P(1), .align = PG, .floor = 0, .limit = TOP };
	struct vma *lo, *top, *end;

	(void)state;
	lo = map(&tree, 0, PG, RW, MAY, NULL, 0);
	top = map(&tree, TOP - PG, TOP, RW, MAY, NULL, 7);
	end = map(&tree, hi, hi + PG, RO, MAY, NULL, 9);
	assert_ptr_equal(vma_find(&tree, 0), lo);
	assert_ptr_equal(vma_find(&tree, PG - 1), lo);
	assert_ptr_equal(vma_find(&tree, TOP - 1), top);
	assert_null(vma_find(&tree, TOP));
	assert_ptr_equal(vma_find(&tree, hi + PG - 1), end);
	assert_null(vma_find(&tree, UINT64_MAX));
	assert_int_equal(vma_find_gap(&tree, &r), TOP - 2 * PG);
	/* Removing the first page leaves the gap before the next VMA to the floor. */
	assert_int_equal(vma_unmap_range(&tree, 0, PG, NULL, NULL), 0);
	r.limit = P(2);
	assert_int_equal(vma_find_gap(&tree, &r), PG);
	check_tree(&tree, 1);
}

/* Removal of a leaf, a node with one child and one with two, then of all. */
static void test_remove_every_shape(void **state)
{
	struct vma *v[31];
	unsigned order = 7;

	(void)state;
	for (int i = 0; i < 31; i++) {
		v[i] = vma_new(&tree, A + P(2 * i), A + P(2 * i + 1), RW, MAY, NULL, 0);
		assert_int_equal(vma_insert(&tree, v[i]), 0);
		check_tree(&tree, 1);
	}
	for (int i = 0; i < 31; i++) {
		struct vma *x = v[order % 31];

		order = order * 13 + 5;
		if (!x)
			continue;
		if (i == 0)
			x = tree.root; /* two children */
		for (int j = 0; j < 31; j++)
			if (v[j] == x)
				v[j] = NULL;
		vma_remove(&tree, x);
		vma_free(&tree, x);
		check_tree(&tree, 1);
	}
	for (int j = 0; j < 31; j++)
		if (v[j]) {
			vma_remove(&tree, v[j]);
			vma_free(&tree, v[j]);
			check_tree(&tree, 1);
		}
	assert_null(tree.root);
	assert_int_equal(tree.count, 0);
}

static void test_split_keeps_pgoff_and_refs(void **state)
{
	struct vma *v, *hi;

	(void)state;
	v = map(&tree, A, A + P(4), RW, MAY | VM_SHARED, &objs[1], 10);
	hi = vma_split(&tree, v, A + P(1));
	expect_vma(v, A, A + P(1), RW, 10);
	expect_vma(hi, A + P(1), A + P(4), RW, 11);
	assert_ptr_equal(hi->obj, &objs[1]);
	assert_int_equal(hi->flags, MAY | VM_SHARED);
	assert_int_equal(objs[1].refs, 2);
	check_tree(&tree, 0);

	allocs_left = 0;
	assert_null(vma_split(&tree, hi, A + P(3)));
	allocs_left = -1;
	expect_vma(hi, A + P(1), A + P(4), RW, 11);
	assert_int_equal(objs[1].refs, 2);

	/* Merging back drops the reference the split took. */
	assert_ptr_equal(vma_merge(&tree, hi), v);
	expect_vma(v, A, A + P(4), RW, 10);
	assert_int_equal(objs[1].refs, 1);
	check_tree(&tree, 1);
}

static void test_merge_rules(void **state)
{
	struct vma a = { .start = A, .end = A + P(2), .prot = RW, .flags = MAY, .pgoff = 5 };
	struct vma b = a;

	(void)state;
	b.start = A + P(2);
	b.end = A + P(3);
	b.pgoff = 7;
	assert_true(vma_can_merge(&a, &b));
	b.pgoff = 8;
	assert_false(vma_can_merge(&a, &b)); /* pages do not continue */
	b.pgoff = 7;
	b.prot = RO;
	assert_false(vma_can_merge(&a, &b));
	b.prot = RW;
	b.flags |= VM_LOCKED;
	assert_false(vma_can_merge(&a, &b));
	b.flags = MAY;
	b.obj = &objs[2];
	assert_false(vma_can_merge(&a, &b));
	b.obj = NULL;
	b.start += PG;
	b.pgoff++;
	assert_false(vma_can_merge(&a, &b)); /* not adjacent */
}

static void test_map_merges_with_both_neighbours(void **state)
{
	struct vma *v;

	(void)state;
	map(&tree, A, A + P(2), RW, MAY, &objs[1], 0);
	map(&tree, A + P(3), A + P(5), RW, MAY, &objs[1], 3);
	assert_int_equal(tree.count, 2);
	v = map(&tree, A + P(2), A + P(3), RW, MAY, &objs[1], 2);
	assert_int_equal(tree.count, 1);
	expect_vma(v, A, A + P(5), RW, 0);
	assert_int_equal(objs[1].refs, 1);
	/* A different object in the middle splits it into three. */
	map(&tree, A + P(1), A + P(2), RW, MAY, &objs[2], 0);
	assert_int_equal(tree.count, 3);
	assert_int_equal(objs[1].refs, 2);
	check_tree(&tree, 1);
}

static void test_adjust(void **state)
{
	struct vma *v;

	(void)state;
	map(&tree, A, A + P(1), RW, MAY, NULL, A / PG);
	v = map(&tree, A + P(4), A + P(6), RW, MAY | VM_GROWSDOWN, &objs[1], 100);
	map(&tree, A + P(8), A + P(9), RO, MAY, NULL, (A + P(8)) / PG);
	/* Growing down takes pgoff down with start, as a stack does. */
	assert_int_equal(vma_adjust(&tree, v, A + P(2), A + P(6)), 0);
	expect_vma(v, A + P(2), A + P(6), RW, 98);
	assert_int_equal(vma_adjust(&tree, v, A + P(2), A + P(8)), 0);
	check_tree(&tree, 1);
	assert_int_equal(vma_adjust(&tree, v, A + P(0), A + P(8)), -ENOMEM);
	assert_int_equal(vma_adjust(&tree, v, A + P(2), A + P(9)), -ENOMEM);
	assert_int_equal(vma_adjust(&tree, v, A + P(3), A + P(3)), -ENOMEM);
	expect_vma(v, A + P(2), A + P(8), RW, 98);
	assert_int_equal(vma_adjust(&tree, v, A + P(5), A + P(7)), 0);
	expect_vma(v, A + P(5), A + P(7), RW, 101);
	check_tree(&tree, 1);
}

static int64_t gap(uint64_t len, uint64_t align, uint64_t floor, uint64_t limit, uint64_t hint)
{
	struct vma_gap_req r = {
		.len = len, .align = align, .floor = floor, .limit = limit, .hint = hint
	};

	return vma_find_gap(&tree, &r);
}

static void test_gap_search(void **state)
{
	const uint64_t M2 = 2ULL << 20;

	(void)state;
	/* [A, A+4) used, [A+4, A+10) free, [A+10, A+11) used, [A+11, A+13) free, [A+13, ...) used */
	map(&tree, A, A + P(4), RW, MAY, NULL, A / PG);
	map(&tree, A + P(10), A + P(11), RO, MAY, NULL, 0);
	map(&tree, A + P(13), A + P(20), RO, MAY, NULL, 0);
	/* Top-down: the highest gap that fits, not the largest. */
	assert_int_equal(gap(P(2), PG, PG, A + P(20), 0), A + P(11));
	assert_int_equal(gap(P(3), PG, PG, A + P(20), 0), A + P(7));
	/* The limit clips a gap; the floor clips another. */
	assert_int_equal(gap(P(2), PG, PG, A + P(12), 0), A + P(8));
	assert_int_equal(gap(P(3), PG, A + P(8), A + P(20), 0), -ENOMEM);
	assert_int_equal(gap(P(2), PG, A + P(8), A + P(11), 0), A + P(8));
	/* Below everything: the gap before the first VMA. */
	assert_int_equal(gap(P(7), PG, PG, A + P(20), 0), A - P(7));
	/* Above everything: the gap after the last VMA up to the limit. */
	assert_int_equal(gap(P(1), PG, PG, A + P(100), 0), A + P(99));
	/* Alignment: the area starts aligned and still fits below the limit. */
	assert_int_equal(gap(P(1), M2, PG, A + P(20) + 5 * M2 + P(3), 0) % M2, 0);
	assert_int_equal(gap(P(1), M2, PG, A + P(20) + 5 * M2 + P(3), 0), A + 5 * M2);
	/*
	 * An aligned hole of exactly the size is passed over, as in Linux: the
	 * search wants len + align - page so any gap it accepts has a fit.
	 */
	assert_int_equal(gap(P(2), P(2), A + P(4), A + P(10), 0), A + P(8));
	assert_int_equal(gap(P(2), P(2), A + P(4), A + P(6), 0), -ENOMEM);
	assert_int_equal(gap(0, PG, PG, A, 0), -ENOMEM);
	assert_int_equal(gap(P(1), 3 * PG, PG, A, 0), -ENOMEM);
	assert_int_equal(gap(P(5), PG, A, A + P(4), 0), -ENOMEM);
	check_tree(&tree, 1);
}

static void test_gap_hint(void **state)
{
	const uint64_t M2 = 2ULL << 20;
	struct vma_gap_req r = { .len = P(2), .align = PG, .floor = PG, .limit = A };

	(void)state;
	map(&tree, A + P(10), A + P(11), RO, MAY, NULL, 0);
	assert_int_equal(gap(P(2), PG, PG, A + P(20), A + P(4)), A + P(4));
	/* The hint may end exactly at the next VMA, not overlap it. */
	assert_int_equal(gap(P(2), PG, PG, A + P(20), A + P(8)), A + P(8));
	assert_int_equal(gap(P(2), PG, PG, A + P(20), A + P(9)), A + P(18));
	/* Rounded up to the alignment. */
	assert_int_equal(gap(P(1), M2, PG, A + 4 * M2, A + P(12)), A + M2);
	/* Outside [floor, hint_limit): ignored. */
	assert_int_equal(gap(P(2), PG, A + P(5), A + P(20), A + P(4)), A + P(18));
	assert_int_equal(gap(P(2), PG, PG, A + P(20), A + P(19)), A + P(18));
	/* hint_limit lets a hint sit above the search limit, as Linux's does. */
	r.hint = A + P(30);
	r.hint_limit = TOP;
	assert_int_equal(vma_find_gap(&tree, &r), A + P(30));
	r.hint_limit = 0;
	assert_int_equal(vma_find_gap(&tree, &r), A - P(2));
	check_tree(&tree, 1);
}

struct pieces {
	int n;
	struct vma got[8];
};

static void collect(void *arg, const struct vma *piece)
{
	struct pieces *p = arg;

	assert_true(p->n < 8);
	/* Unlinked but still holding its reference while the kernel unmaps. */
	assert_null(piece->parent);
	if (piece->obj)
		assert_true(((struct test_obj *)piece->obj)->refs > 0);
	p->got[p->n++] = *piece;
}

static void test_unmap_range(void **state)
{
	struct pieces p = { 0 };

	(void)state;
	map(&tree, A, A + P(10), RW, MAY, &objs[1], 50);
	assert_int_equal(vma_unmap_range(&tree, A + P(3), A + P(5), collect, &p), 0);
	assert_int_equal(p.n, 1);
	expect_vma(&p.got[0], A + P(3), A + P(5), RW, 53);
	expect_vma(vma_find(&tree, A), A, A + P(3), RW, 50);
	expect_vma(vma_find(&tree, A + P(5)), A + P(5), A + P(10), RW, 55);
	assert_int_equal(objs[1].refs, 2);
	check_tree(&tree, 1);

	/* Over a hole and across both pieces: one callback per piece, in order. */
	p.n = 0;
	assert_int_equal(vma_unmap_range(&tree, A + P(1), A + P(7), collect, &p), 0);
	assert_int_equal(p.n, 2);
	expect_vma(&p.got[0], A + P(1), A + P(3), RW, 51);
	expect_vma(&p.got[1], A + P(5), A + P(7), RW, 55);
	check_tree(&tree, 1);

	/* Nothing there: success without a callback. */
	p.n = 0;
	assert_int_equal(vma_unmap_range(&tree, A + P(1), A + P(7), collect, &p), 0);
	assert_int_equal(p.n, 0);

	/* Out of nodes: nothing changes. */
	allocs_left = 1;
	assert_int_equal(vma_unmap_range(&tree, A + P(8), A + P(9), collect, &p), -ENOMEM);
	assert_int_equal(p.n, 0);
	expect_vma(vma_find(&tree, A + P(8)), A + P(7), A + P(10), RW, 57);
	allocs_left = -1;
	assert_int_equal(vma_unmap_range(&tree, 0, UINT64_MAX & ~(PG - 1), collect, &p), 0);
	assert_int_equal(p.n, 2);
	assert_null(tree.root);
	assert_int_equal(objs[1].refs, 0);
}

static void test_map_fixed_replaces(void **state)
{
	struct pieces p = { 0 };
	struct vma *v;

	(void)state;
	map(&tree, A, A + P(4), RW, MAY, &objs[1], 0);
	objs[2].refs++;
	assert_int_equal(vma_map(&tree, A + P(1), A + P(2), RO, MAY, &objs[2], 9, collect, &p, &v),
			 0);
	assert_int_equal(p.n, 1);
	expect_vma(&p.got[0], A + P(1), A + P(2), RW, 1);
	expect_vma(v, A + P(1), A + P(2), RO, 9);
	assert_int_equal(tree.count, 3);
	assert_int_equal(objs[1].refs, 2);
	check_tree(&tree, 1);

	/* Out of nodes: the old mapping stays and the caller keeps its reference. */
	objs[3].refs++;
	allocs_left = 1;
	p.n = 0;
	assert_int_equal(vma_map(&tree, A + P(3), A + P(5), RO, MAY, &objs[3], 0, collect, &p, &v),
			 -ENOMEM);
	assert_int_equal(p.n, 0);
	assert_int_equal(objs[3].refs, 1);
	objs[3].refs--;
	allocs_left = -1;
	expect_vma(vma_find(&tree, A + P(3)), A + P(2), A + P(4), RW, 2);
	check_tree(&tree, 1);
}

struct changes {
	int n;
	uint64_t start[8], end[8];
};

static void note_change(void *arg, const struct vma *piece, uint32_t old_prot, uint64_t old_flags)
{
	struct changes *c = arg;

	(void)old_flags;
	assert_int_not_equal(piece->prot, old_prot);
	c->start[c->n] = piece->start;
	c->end[c->n++] = piece->end;
}

static void test_protect_split_and_remerge(void **state)
{
	struct changes c = { 0 };

	(void)state;
	map(&tree, A, A + P(6), RW, MAY, NULL, A / PG);
	assert_int_equal(vma_protect_range(&tree, A + P(2), A + P(4), RO, note_change, &c), 0);
	assert_int_equal(tree.count, 3);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.start[0], A + P(2));
	assert_int_equal(c.end[0], A + P(4));
	expect_vma(vma_find(&tree, A + P(3)), A + P(2), A + P(4), RO, A / PG + 2);
	check_tree(&tree, 1);
	/* Back to what the neighbours have: one VMA again. */
	assert_int_equal(vma_protect_range(&tree, A + P(2), A + P(4), RW, note_change, &c), 0);
	assert_int_equal(tree.count, 1);
	/* The same protection again: nothing to change, nothing split. */
	assert_int_equal(vma_protect_range(&tree, A + P(1), A + P(2), RW, note_change, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(tree.count, 1);
	check_tree(&tree, 1);
}

/* Linux applies mprotect VMA by VMA and only stops at the hole. */
static void test_protect_holes_like_linux(void **state)
{
	(void)state;
	map(&tree, A, A + P(2), RW, MAY, NULL, A / PG);
	map(&tree, A + P(3), A + P(5), RW, MAY, NULL, (A + P(3)) / PG);
	/* A hole at start: nothing changes. */
	assert_int_equal(vma_protect_range(&tree, A - P(1), A + P(5), RO, NULL, NULL), -ENOMEM);
	assert_int_equal(vma_find(&tree, A)->prot, RW);
	/* A hole inside: the part before it is changed, the part after is not. */
	assert_int_equal(vma_protect_range(&tree, A + P(1), A + P(5), RO, NULL, NULL), -ENOMEM);
	assert_int_equal(vma_find(&tree, A)->prot, RW);
	assert_int_equal(vma_find(&tree, A + P(1))->prot, RO);
	assert_int_equal(vma_find(&tree, A + P(3))->prot, RW);
	/* A range ending past the last VMA is a hole too. */
	assert_int_equal(vma_protect_range(&tree, A + P(3), A + P(6), RO, NULL, NULL), -ENOMEM);
	assert_int_equal(vma_find(&tree, A + P(4))->prot, RO);
	check_tree(&tree, 1);
}

static void test_protect_eacces_partial(void **state)
{
	(void)state;
	map(&tree, A, A + P(2), RO, MAY, NULL, A / PG);
	map(&tree, A + P(2), A + P(4), RO, VM_MAYREAD | VM_MAYSHARE, &objs[1], 0);
	map(&tree, A + P(4), A + P(6), RO, MAY, NULL, (A + P(4)) / PG);
	assert_int_equal(vma_protect_range(&tree, A, A + P(6), RW, NULL, NULL), -EACCES);
	assert_int_equal(vma_find(&tree, A)->prot, RW);
	assert_int_equal(vma_find(&tree, A + P(2))->prot, RO);
	assert_int_equal(vma_find(&tree, A + P(4))->prot, RO);
	/* Read-only stays allowed there. */
	assert_int_equal(vma_protect_range(&tree, A + P(2), A + P(3), 0, NULL, NULL), 0);
	check_tree(&tree, 1);
	/* Out of nodes: nothing changes. */
	allocs_left = 0;
	assert_int_equal(vma_protect_range(&tree, A + P(4), A + P(5), 0, NULL, NULL), -ENOMEM);
	allocs_left = -1;
	expect_vma(vma_find(&tree, A + P(4)), A + P(4), A + P(6), RO, (A + P(4)) / PG);
}

static int dontfork(void *arg, const struct vma *v, uint64_t s, uint64_t e, uint32_t *prot,
		    uint64_t *flags)
{
	(void)arg;
	(void)v;
	(void)s;
	(void)e;
	(void)prot;
	*flags |= VM_DONTCOPY;
	return 0;
}

/* madvise's walk: holes are skipped and reported at the end. */
static void test_update_skipping_holes(void **state)
{
	struct vma_update u = { .decide = dontfork, .holes = VMA_HOLE_SKIP, .nomem = -EAGAIN };

	(void)state;
	map(&tree, A + P(1), A + P(3), RW, MAY, NULL, (A + P(1)) / PG);
	map(&tree, A + P(4), A + P(6), RW, MAY, NULL, (A + P(4)) / PG);
	assert_int_equal(vma_update_range(&tree, A, A + P(5), &u), -ENOMEM);
	assert_true(vma_find(&tree, A + P(1))->flags & VM_DONTCOPY);
	assert_true(vma_find(&tree, A + P(4))->flags & VM_DONTCOPY);
	assert_false(vma_find(&tree, A + P(5))->flags & VM_DONTCOPY);
	assert_int_equal(vma_update_range(&tree, A + P(1), A + P(3), &u), 0);
	assert_int_equal(vma_update_range(&tree, A + P(6), A + P(9), &u), -ENOMEM);
	/* Whole VMAs need no node, so no allocation can fail... */
	allocs_left = 0;
	assert_int_equal(vma_update_range(&tree, A + P(5), A + P(6), &u), 0);
	allocs_left = -1;
	/* ...a split does: madvise reports that as EAGAIN. */
	map(&tree, A + P(7), A + P(9), RW, MAY, NULL, (A + P(7)) / PG);
	allocs_left = 0;
	assert_int_equal(vma_update_range(&tree, A + P(8), A + P(9), &u), -EAGAIN);
	allocs_left = -1;
	check_tree(&tree, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_for_each_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_overlap_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_space_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_every_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_keeps_pgoff_and_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_merges_with_both_neighbours, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_adjust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_fixed_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_split_and_remerge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_holes_like_linux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect_eacces_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_skipping_holes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
