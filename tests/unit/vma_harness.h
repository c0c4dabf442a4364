/* SPDX-License-Identifier: MIT */
/*
 * Shared by the VMA tree tests: node allocation over malloc with an
 * injectable failure, reference-counted test objects, and an invariant
 * checker written independently of guest/mm/vma.c (it recomputes heights,
 * gaps and order from scratch instead of trusting the module's helpers).
 */
#ifndef VMA_HARNESS_H
#define VMA_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/vma.h>

#define PG   VMA_PAGE_SIZE
#define NOBJ 4

struct test_obj {
	int refs;
};

static struct test_obj objs[NOBJ];
static long live_nodes;
static long allocs_left = -1; /* allocations until failure; < 0: never fail */

static struct vma *h_alloc(void *ctx)
{
	(void)ctx;
	if (allocs_left == 0)
		return NULL;
	if (allocs_left > 0)
		allocs_left--;
	live_nodes++;
	return malloc(sizeof(struct vma));
}

static void h_free(void *ctx, struct vma *v)
{
	(void)ctx;
	live_nodes--;
	free(v);
}

static void h_get(void *ctx, void *obj)
{
	(void)ctx;
	((struct test_obj *)obj)->refs++;
}

static void h_put(void *ctx, void *obj)
{
	struct test_obj *o = obj;

	(void)ctx;
	assert_true(o->refs > 0);
	o->refs--;
}

static const struct vma_ops h_ops = {
	.alloc = h_alloc, .free = h_free, .obj_get = h_get, .obj_put = h_put
};

static void harness_reset(struct vma_tree *t)
{
	memset(objs, 0, sizeof(objs));
	live_nodes = 0;
	allocs_left = -1;
	vma_tree_init(t, &h_ops);
}

/* Every node freed and every reference dropped. */
static void harness_finish(struct vma_tree *t)
{
	vma_tree_destroy(t);
	assert_int_equal(live_nodes, 0);
	for (int i = 0; i < NOBJ; i++)
		assert_int_equal(objs[i].refs, 0);
}

/* A VMA the test maps with vma_map(); takes a reference for it on obj. */
static struct vma *map(struct vma_tree *t, uint64_t start, uint64_t end, uint32_t prot,
		       uint64_t flags, struct test_obj *obj, uint64_t pgoff)
{
	struct vma *v = NULL;

	if (obj)
		obj->refs++;
	assert_int_equal(vma_map(t, start, end, prot, flags, obj, pgoff, NULL, NULL, &v), 0);
	return v;
}

static uint64_t max_u(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

struct walk {
	const struct vma *cursor; /* next VMA the in-order walk must meet */
	uint64_t nodes;
};

/* Returns the height of n's subtree after checking it completely. */
static int check_subtree(const struct vma *n, const struct vma *parent, struct walk *w,
			 uint64_t *gap)
{
	uint64_t gl = 0, gr = 0, own;
	int hl, hr;

	if (!n) {
		*gap = 0;
		return 0;
	}
	assert_ptr_equal(n->parent, parent);
	hl = check_subtree(n->left, n, w, &gl);
	assert_ptr_equal(n, w->cursor); /* in-order == list order */
	w->cursor = n->next;
	w->nodes++;
	hr = check_subtree(n->right, n, w, &gr);
	assert_true(hl - hr <= 1 && hr - hl <= 1);
	assert_int_equal(n->height, 1 + (hl > hr ? hl : hr));
	own = n->start - (n->prev ? n->prev->end : 0);
	*gap = max_u(own, max_u(gl, gr));
	assert_int_equal(n->subtree_gap, *gap);
	return n->height;
}

/* Order, balance, heights, gap augmentation, links; canonical: no mergeable neighbours. */
static void check_tree(const struct vma_tree *t, int canonical)
{
	const struct vma *v, *prev = NULL;
	int refs[NOBJ] = { 0 };
	struct walk w = { .cursor = t->first };
	uint64_t gap, n = 0;

	for (v = t->first; v; prev = v, v = v->next, n++) {
		assert_ptr_equal(v->prev, prev);
		assert_true(v->start < v->end);
		assert_int_equal(v->start % PG, 0);
		assert_int_equal(v->end % PG, 0);
		if (prev)
			assert_true(prev->end <= v->start);
		if (canonical && prev && prev->end == v->start)
			assert_false(prev->prot == v->prot && prev->flags == v->flags &&
				     prev->obj == v->obj &&
				     prev->pgoff + (prev->end - prev->start) / PG == v->pgoff);
		if (v->obj)
			refs[(struct test_obj *)v->obj - objs]++;
	}
	assert_ptr_equal(t->last, prev);
	assert_int_equal(t->count, n);
	if (t->root)
		assert_null(t->root->parent);
	check_subtree(t->root, NULL, &w, &gap);
	assert_null(w.cursor);
	assert_int_equal(w.nodes, n);
	if (canonical)
		for (int i = 0; i < NOBJ; i++)
			assert_int_equal(objs[i].refs, refs[i]);
}

#endif
