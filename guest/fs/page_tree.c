// SPDX-License-Identifier: MIT
/*
 * The radix tree behind a file's pages (kernel/page_tree.h). A node is one
 * page of 512 u64 slots: in a leaf (level 1) a slot is a frame number or
 * FRAME_NONE; above, it is a pointer to the node one level down or 0. The
 * tree grows a level at the top when an index beyond its reach arrives.
 */
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/page_tree.h>

#define SLOTS	    (1u << PAGE_TREE_SHIFT)
#define EMPTY_CHILD 0

static u64 *node_new(bool leaf)
{
	u64 *n = kmalloc(SLOTS * sizeof(u64));

	for (u32 i = 0; n && i < SLOTS; i++)
		n[i] = leaf ? FRAME_NONE : EMPTY_CHILD;
	return n;
}

/* The slot of index at a node of this level (1 = leaf). */
static u32 slot_of(u64 index, u32 level)
{
	return (index >> ((level - 1) * PAGE_TREE_SHIFT)) & (SLOTS - 1);
}

/* Indexes a tree of this height can hold: 512^height (capped at 2^64). */
static bool reaches(u32 height, u64 index)
{
	return height * PAGE_TREE_SHIFT >= 64 || index >> (height * PAGE_TREE_SHIFT) == 0;
}

u64 page_tree_lookup(const struct page_tree *t, u64 index)
{
	const u64 *n = t->root;

	if (!n || !reaches(t->height, index))
		return FRAME_NONE;
	for (u32 level = t->height; level > 1; level--) {
		n = (const u64 *)(uintptr_t)n[slot_of(index, level)];
		if (!n)
			return FRAME_NONE;
	}
	return n[slot_of(index, 1)];
}

/* Adds levels on top until index is in reach; the old root becomes slot 0. */
static int grow(struct page_tree *t, u64 index)
{
	while (!t->root || !reaches(t->height, index)) {
		u64 *top = node_new(t->height == 0);

		if (!top)
			return -ENOMEM;
		if (t->root)
			top[0] = (u64)(uintptr_t)t->root;
		t->root = top;
		t->height++;
	}
	return 0;
}

int page_tree_insert(struct page_tree *t, u64 index, u64 pfn)
{
	u64 *n;

	if (grow(t, index))
		return -ENOMEM;
	n = t->root;
	for (u32 level = t->height; level > 1; level--) {
		u64 *slot = &n[slot_of(index, level)];

		if (*slot == EMPTY_CHILD) {
			u64 *child = node_new(level == 2);

			if (!child)
				return -ENOMEM; /* the empty nodes made so far go at truncate */
			*slot = (u64)(uintptr_t)child;
		}
		n = (u64 *)(uintptr_t)*slot;
	}
	n[slot_of(index, 1)] = pfn;
	t->nframes++;
	return 0;
}

u64 page_tree_remove(struct page_tree *t, u64 index)
{
	u64 *n = t->root, pfn;

	if (!n || !reaches(t->height, index))
		return FRAME_NONE;
	for (u32 level = t->height; level > 1; level--) {
		n = (u64 *)(uintptr_t)n[slot_of(index, level)];
		if (!n)
			return FRAME_NONE;
	}
	pfn = n[slot_of(index, 1)];
	if (pfn != FRAME_NONE) {
		n[slot_of(index, 1)] = FRAME_NONE;
		t->nframes--;
	}
	return pfn;
}

/*
 * Empties the indexes >= first below node n, which covers the indexes from
 * base on at this level. Returns true when n holds nothing any more.
 */
static bool truncate_node(struct page_tree *t, u64 *n, u32 level, u64 base, u64 first,
			  void (*put)(u64 pfn))
{
	u64 span = 1ULL << ((level - 1) * PAGE_TREE_SHIFT);
	bool empty = true;

	for (u32 i = 0; i < SLOTS; i++) {
		u64 lo = base + i * span, *child;

		if (level == 1) {
			if (n[i] != FRAME_NONE && lo >= first) {
				put(n[i]);
				n[i] = FRAME_NONE;
				t->nframes--;
			}
			empty &= n[i] == FRAME_NONE;
			continue;
		}
		child = (u64 *)(uintptr_t)n[i];
		if (child && lo + span > first &&
		    truncate_node(t, child, level - 1, lo, first, put)) {
			kfree(child);
			n[i] = EMPTY_CHILD;
		}
		empty &= n[i] == EMPTY_CHILD;
	}
	return empty;
}

/* While only slot 0 of an interior root is used, the tree needs a level less. */
static void shrink(struct page_tree *t)
{
	while (t->height > 1) {
		u64 *top = t->root;

		for (u32 i = 1; i < SLOTS; i++)
			if (top[i] != EMPTY_CHILD)
				return;
		t->root = (u64 *)(uintptr_t)top[0];
		t->height--;
		kfree(top);
	}
}

void page_tree_truncate(struct page_tree *t, u64 first, void (*put)(u64 pfn))
{
	if (t->root && truncate_node(t, t->root, t->height, 0, first, put)) {
		kfree(t->root);
		t->root = NULL;
		t->height = 0;
	}
	if (t->root)
		shrink(t);
}
