// SPDX-License-Identifier: MIT
/*
 * The VMA tree: an AVL tree with parent links, threaded by a sorted list,
 * augmented with the largest free gap of each subtree. See vma.h for why.
 *
 * Every structural change walks from the lowest touched node to the root,
 * recomputing height and gap and rotating where a node is out of balance.
 * The gap of a node depends on its list predecessor, so a change also moves
 * the gap of the successor; in every case below that successor lies on the
 * walked path (it is an ancestor of a new leaf, or the node that takes a
 * removed node's place), so one walk keeps the augmentation exact.
 */
#include <kernel/vma.h>

#define PAGE VMA_PAGE_SIZE

static inline u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

static inline int height(const struct vma *n)
{
	return n ? n->height : 0;
}

static inline u64 subtree_gap(const struct vma *n)
{
	return n ? n->subtree_gap : 0;
}

static inline u64 prev_end(const struct vma *n)
{
	return n->prev ? n->prev->end : 0;
}

static void recompute(struct vma *n)
{
	int hl = height(n->left), hr = height(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
	n->subtree_gap =
	    max_u64(n->start - prev_end(n), max_u64(subtree_gap(n->left), subtree_gap(n->right)));
}

static void replace_child(struct vma_tree *t, struct vma *parent, struct vma *old, struct vma *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct vma *rotate_left(struct vma_tree *t, struct vma *x)
{
	struct vma *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	recompute(x);
	recompute(y);
	return y;
}

static struct vma *rotate_right(struct vma_tree *t, struct vma *x)
{
	struct vma *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	recompute(x);
	recompute(y);
	return y;
}

/* Returns the root of n's subtree after balancing. */
static struct vma *rebalance(struct vma_tree *t, struct vma *n)
{
	int balance;

	recompute(n);
	balance = height(n->left) - height(n->right);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			rotate_right(t, n->right);
		return rotate_left(t, n);
	}
	return n;
}

static void fixup_to_root(struct vma_tree *t, struct vma *n)
{
	while (n) {
		t->visits++;
		n = rebalance(t, n)->parent;
	}
}

/* Refresh the augmentation above n after a change that keeps the shape. */
static void propagate(struct vma_tree *t, struct vma *n)
{
	for (; n; n = n->parent) {
		t->visits++;
		recompute(n);
	}
}

void vma_tree_init(struct vma_tree *t, const struct vma_ops *ops)
{
	t->root = t->first = t->last = NULL;
	t->count = 0;
	t->ops = ops;
	t->visits = 0;
}

void vma_tree_destroy(struct vma_tree *t)
{
	while (t->first) {
		struct vma *v = t->first;

		vma_remove(t, v);
		vma_free(t, v);
	}
}

struct vma *vma_find(struct vma_tree *t, u64 addr)
{
	struct vma *n = t->root;

	while (n) {
		t->visits++;
		if (addr < n->start)
			n = n->left;
		else if (addr >= n->end)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

struct vma *vma_find_above(struct vma_tree *t, u64 addr)
{
	struct vma *n = t->root, *best = NULL;

	while (n) {
		t->visits++;
		if (n->end > addr) {
			best = n;
			if (n->start <= addr)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *vma_first_in(struct vma_tree *t, u64 start, u64 end)
{
	struct vma *v = vma_find_above(t, start);

	return v && v->start < end ? v : NULL;
}

bool vma_range_free(struct vma_tree *t, u64 start, u64 end)
{
	return vma_first_in(t, start, end) == NULL;
}

struct vma *vma_new(struct vma_tree *t, u64 start, u64 end, u32 prot, u64 flags, void *obj,
		    u64 pgoff)
{
	struct vma *v = t->ops->alloc(t->ops->ctx);

	if (!v)
		return NULL;
	*v = (struct vma){
		.start = start, .end = end, .flags = flags, .prot = prot, .obj = obj, .pgoff = pgoff
	};
	return v;
}

void vma_free(struct vma_tree *t, struct vma *vma)
{
	if (vma->obj)
		t->ops->obj_put(t->ops->ctx, vma->obj);
	t->ops->free(t->ops->ctx, vma);
}

int vma_insert(struct vma_tree *t, struct vma *vma)
{
	struct vma *n = t->root, *parent = NULL, *pred = NULL, *succ = NULL;
	bool left = false;

	while (n) {
		t->visits++;
		parent = n;
		if (vma->end <= n->start) {
			succ = n;
			n = n->left;
			left = true;
		} else if (vma->start >= n->end) {
			pred = n;
			n = n->right;
			left = false;
		} else {
			return -EEXIST;
		}
	}
	vma->left = vma->right = NULL;
	vma->parent = parent;
	vma->height = 1;
	if (!parent)
		t->root = vma;
	else if (left)
		parent->left = vma;
	else
		parent->right = vma;

	vma->prev = pred;
	vma->next = succ;
	if (pred)
		pred->next = vma;
	else
		t->first = vma;
	if (succ)
		succ->prev = vma;
	else
		t->last = vma;
	t->count++;
	/* succ, whose gap just shrank, is an ancestor of the new leaf. */
	fixup_to_root(t, vma);
	return 0;
}

void vma_remove(struct vma_tree *t, struct vma *v)
{
	struct vma *from;

	if (v->prev)
		v->prev->next = v->next;
	else
		t->first = v->next;
	if (v->next)
		v->next->prev = v->prev;
	else
		t->last = v->prev;
	t->count--;

	if (v->left && v->right) {
		/* The successor, leftmost in the right subtree, takes v's place. */
		struct vma *s = v->next;

		if (s->parent != v) {
			from = s->parent;
			from->left = s->right;
			if (s->right)
				s->right->parent = from;
			s->right = v->right;
			v->right->parent = s;
		} else {
			from = s;
		}
		s->left = v->left;
		v->left->parent = s;
		replace_child(t, v->parent, v, s);
	} else {
		struct vma *child = v->left ? v->left : v->right;

		from = v->parent;
		replace_child(t, from, v, child);
		/* A lone right child is v's successor: its gap just grew. */
		if (child)
			recompute(child);
	}
	fixup_to_root(t, from);
	v->left = v->right = v->parent = v->prev = v->next = NULL;
}

struct vma *vma_split_with(struct vma_tree *t, struct vma *vma, u64 addr, struct vma *node)
{
	if (t->ops->split)
		t->ops->split(t, addr);
	*node = (struct vma){ .start = addr,
			      .end = vma->end,
			      .flags = vma->flags,
			      .prot = vma->prot,
			      .obj = vma->obj,
			      .pgoff = vma->pgoff + (addr - vma->start) / PAGE };
	if (node->obj)
		t->ops->obj_get(t->ops->ctx, node->obj);
	/*
	 * Shrinking vma leaves its own gap alone; the gap of its old successor
	 * is unchanged too once node (ending where vma ended) sits in between.
	 */
	vma->end = addr;
	vma_insert(t, node);
	return node;
}

struct vma *vma_split(struct vma_tree *t, struct vma *vma, u64 addr)
{
	struct vma *node = t->ops->alloc(t->ops->ctx);

	if (!node)
		return NULL;
	return vma_split_with(t, vma, addr, node);
}

bool vma_can_merge(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       a->obj == b->obj && a->pgoff + (a->end - a->start) / PAGE == b->pgoff;
}

/* b, the successor of a, is absorbed into a. */
static void absorb_next(struct vma_tree *t, struct vma *a, struct vma *b)
{
	/* Grow a first: b's successor then sees the right end during removal. */
	a->end = b->end;
	vma_remove(t, b);
	vma_free(t, b);
}

struct vma *vma_merge(struct vma_tree *t, struct vma *vma)
{
	if (vma->prev && vma_can_merge(vma->prev, vma)) {
		struct vma *p = vma->prev;

		absorb_next(t, p, vma);
		vma = p;
	}
	if (vma->next && vma_can_merge(vma, vma->next))
		absorb_next(t, vma, vma->next);
	return vma;
}

int vma_adjust(struct vma_tree *t, struct vma *vma, u64 start, u64 end)
{
	if (start >= end || (vma->prev && start < vma->prev->end) ||
	    (vma->next && end > vma->next->start))
		return -ENOMEM;
	if (start != vma->start) {
		/* Modular arithmetic: right whichever way start moves. */
		vma->pgoff = vma->pgoff + start / PAGE - vma->start / PAGE;
		vma->start = start;
		propagate(t, vma);
	}
	if (end != vma->end) {
		vma->end = end;
		if (vma->next)
			propagate(t, vma->next);
	}
	return 0;
}

static inline u64 align_down(u64 x, u64 a)
{
	return x & ~(a - 1);
}

static bool hint_fits(struct vma_tree *t, const struct vma_gap_req *r, u64 *out)
{
	u64 hlimit = r->hint_limit ? r->hint_limit : r->limit;
	u64 a = align_down(r->hint + r->align - 1, r->align);

	if (!r->hint || a < r->hint || a < r->floor || hlimit < r->len || a > hlimit - r->len)
		return false;
	if (!vma_range_free(t, a, a + r->len))
		return false;
	*out = a;
	return true;
}

/*
 * The rightmost VMA whose gap, clipped to [floor, limit), holds need bytes;
 * returns the gap's clipped end or 0. Descends right while the right subtree
 * may hold such a gap, checks the node itself, then its left subtree, and
 * climbs back when both fail (Linux's unmapped_area_topdown walk).
 */
static u64 topdown_gap_end(struct vma_tree *t, u64 need, u64 floor, u64 limit)
{
	struct vma *v = t->root;
	u64 high = limit - need; /* the latest start a fitting gap can have */

	if (!v || v->subtree_gap < need)
		return 0;
	for (;;) {
		t->visits++;
		if (prev_end(v) <= high && v->right && v->right->subtree_gap >= need) {
			v = v->right;
			continue;
		}
	check:
		if (v->start < floor + need)
			return 0; /* every gap from here leftwards ends too low */
		{
			u64 gs = max_u64(prev_end(v), floor);
			u64 ge = v->start < limit ? v->start : limit;

			if (gs <= ge && ge - gs >= need)
				return ge;
		}
		if (v->left && v->left->subtree_gap >= need) {
			v = v->left;
			continue;
		}
		for (;;) {
			struct vma *child = v;

			v = v->parent;
			if (!v)
				return 0;
			t->visits++;
			if (child == v->right)
				goto check;
		}
	}
}

s64 vma_find_gap(struct vma_tree *t, const struct vma_gap_req *r)
{
	u64 need = r->len + r->align - PAGE, addr, top;

	if (!r->len || r->len % PAGE || r->align < PAGE || (r->align & (r->align - 1)) ||
	    need < r->len || r->limit <= r->floor || r->limit - r->floor < need)
		return -ENOMEM;
	if (hint_fits(t, r, &addr))
		return (s64)addr;

	/* The gap above the last VMA is not any node's gap: try it first. */
	top = max_u64(t->last ? t->last->end : 0, r->floor);
	if (top <= r->limit - need)
		return (s64)align_down(r->limit - r->len, r->align);

	addr = topdown_gap_end(t, need, r->floor, r->limit);
	if (!addr)
		return -ENOMEM;
	return (s64)align_down(addr - r->len, r->align);
}
