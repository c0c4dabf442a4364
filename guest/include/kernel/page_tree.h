/* SPDX-License-Identifier: MIT */
/*
 * A file's pages: a sparse array from page index to frame number, kept as
 * a radix tree of 512-slot nodes (one 4 KiB page each), as Linux keeps its
 * page cache in an xarray. A file costs memory for the pages that hold data
 * and the few nodes above them, not for its size: a byte at 1 TiB costs one
 * data page and four nodes.
 *
 * Pure module (guest/fs/page_tree.c), also compiled for the host tests.
 */
#ifndef KERNEL_PAGE_TREE_H
#define KERNEL_PAGE_TREE_H

#include <kernel/types.h>

#define PAGE_TREE_SHIFT 9 /* 512 slots a node */

struct page_tree {
	u64 *root;   /* NULL while empty */
	u32 height;  /* levels below the root pointer; covers 512^height indexes */
	u64 nframes; /* slots that hold a frame */
};

/* The frame at index, or FRAME_NONE for a hole. */
u64 page_tree_lookup(const struct page_tree *t, u64 index);
/* Puts pfn at index (which must be a hole): 0, or -ENOMEM with the tree unchanged. */
int page_tree_insert(struct page_tree *t, u64 index, u64 pfn);
/* Empties index; returns the frame that was there (or FRAME_NONE). */
u64 page_tree_remove(struct page_tree *t, u64 index);
/*
 * Removes every frame at index >= first, handing each to put, and frees
 * the nodes left with nothing in them. first = 0 empties the tree.
 */
void page_tree_truncate(struct page_tree *t, u64 first, void (*put)(u64 pfn));

#endif
