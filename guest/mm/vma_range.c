// SPDX-License-Identifier: MIT
/*
 * Range operations on the VMA set: the part of munmap, mprotect, mlock,
 * madvise and MAP_FIXED that decides which VMAs exist afterwards.
 *
 * A range operation splits at most two VMAs (the one straddling start and the
 * one straddling end), so it allocates at most two nodes (three for a MAP_FIXED
 * mapping) and does so before it changes anything: running out of memory
 * never leaves a half-done operation behind. Merges after an update keep the
 * set canonical: no two neighbours could be merged.
 */
#include <kernel/vma.h>

#define MAX_NODES 3

struct node_pool {
	struct vma *node[MAX_NODES];
	int n;
};

static int pool_fill(struct vma_tree *t, struct node_pool *p, int n)
{
	p->n = 0;
	while (p->n < n) {
		struct vma *v = t->ops->alloc(t->ops->ctx);

		if (!v) {
			while (p->n)
				t->ops->free(t->ops->ctx, p->node[--p->n]);
			return -ENOMEM;
		}
		p->node[p->n++] = v;
	}
	return 0;
}

static struct vma *pool_take(struct node_pool *p)
{
	return p->node[--p->n];
}

static void pool_drain(struct vma_tree *t, struct node_pool *p)
{
	while (p->n)
		t->ops->free(t->ops->ctx, p->node[--p->n]);
}

/* How many splits making [start, end) its own pieces takes: 0, 1 or 2. */
static int splits_needed(struct vma_tree *t, u64 start, u64 end, struct vma **firstp)
{
	struct vma *first = vma_first_in(t, start, end), *last;

	*firstp = first;
	if (!first)
		return 0;
	for (last = first; last->next && last->next->start < end; last = last->next)
		;
	return (first->start < start) + (last->end > end);
}

/* Split so that no VMA straddles start or end; nodes come from the pool. */
static void isolate(struct vma_tree *t, struct vma *first, u64 start, u64 end, struct node_pool *p)
{
	struct vma *v;

	if (first->start < start)
		first = vma_split_with(t, first, start, pool_take(p));
	for (v = first; v->next && v->next->start < end; v = v->next)
		;
	if (v->end > end)
		vma_split_with(t, v, end, pool_take(p));
}

static void remove_isolated(struct vma_tree *t, u64 start, u64 end, vma_unmap_fn fn, void *arg)
{
	struct vma *v = vma_first_in(t, start, end);

	while (v && v->start < end) {
		struct vma *next = v->next;

		vma_remove(t, v);
		if (fn)
			fn(arg, v);
		vma_free(t, v);
		v = next;
	}
}

int vma_unmap_range(struct vma_tree *t, u64 start, u64 end, vma_unmap_fn fn, void *arg)
{
	struct node_pool pool;
	struct vma *first;
	int need = splits_needed(t, start, end, &first);

	if (!first)
		return 0;
	if (pool_fill(t, &pool, need))
		return -ENOMEM;
	isolate(t, first, start, end, &pool);
	remove_isolated(t, start, end, fn, arg);
	return 0;
}

int vma_map(struct vma_tree *t, u64 start, u64 end, u32 prot, u64 flags, void *obj, u64 pgoff,
	    vma_unmap_fn fn, void *arg, struct vma **out)
{
	struct node_pool pool;
	struct vma *first, *v;
	int need = splits_needed(t, start, end, &first);

	if (pool_fill(t, &pool, need + 1))
		return -ENOMEM;
	v = pool_take(&pool);
	if (first) {
		isolate(t, first, start, end, &pool);
		remove_isolated(t, start, end, fn, arg);
	}
	*v = (struct vma){
		.start = start, .end = end, .flags = flags, .prot = prot, .obj = obj, .pgoff = pgoff
	};
	vma_insert(t, v); /* cannot fail: the range is empty now */
	v = vma_merge(t, v);
	if (out)
		*out = v;
	return 0;
}

/* Merge v into its predecessor if they can be one; returns the survivor. */
static struct vma *merge_prev(struct vma_tree *t, struct vma *v)
{
	struct vma *p = v->prev;

	if (!p || !vma_can_merge(p, v))
		return v;
	p->end = v->end;
	vma_remove(t, v);
	vma_free(t, v);
	return p;
}

/* Apply decide() to the part of v inside [start, end); returns the survivor. */
static int update_one(struct vma_tree *t, struct vma **vp, u64 start, u64 end,
		      const struct vma_update *u, struct node_pool *p)
{
	struct vma *v = *vp;
	u64 ps = v->start > start ? v->start : start;
	u64 pe = v->end < end ? v->end : end;
	u32 prot = v->prot, old_prot = v->prot;
	u64 flags = v->flags, old_flags = v->flags;
	int err = u->decide(u->arg, v, ps, pe, &prot, &flags);

	if (err)
		return err;
	if (prot != old_prot || flags != old_flags) {
		if (v->start < ps)
			v = vma_split_with(t, v, ps, pool_take(p));
		if (v->end > pe)
			vma_split_with(t, v, pe, pool_take(p));
		v->prot = prot;
		v->flags = flags;
		if (u->changed)
			u->changed(u->arg, v, old_prot, old_flags);
	}
	*vp = merge_prev(t, v);
	return 0;
}

int vma_update_range(struct vma_tree *t, u64 start, u64 end, const struct vma_update *u)
{
	struct node_pool pool;
	struct vma *v, *last = NULL;
	u64 pos = start;
	int err = 0, hole = 0;
	int need = splits_needed(t, start, end, &v);

	if (!v || (u->holes == VMA_HOLE_STOP && v->start > start))
		return -ENOMEM;
	if (pool_fill(t, &pool, need))
		return u->nomem ? u->nomem : -ENOMEM;
	while (v && v->start < end) {
		if (v->start > pos) {
			hole = 1;
			if (u->holes == VMA_HOLE_STOP)
				break;
		}
		err = update_one(t, &v, start, end, u, &pool);
		if (err) {
			/* The pieces before v changed: v may now match them. */
			vma_merge(t, v);
			break;
		}
		last = v;
		pos = v->end;
		v = v->next;
	}
	if (last && !err)
		vma_merge(t, last);
	pool_drain(t, &pool);
	if (err)
		return err;
	return hole || pos < end ? -ENOMEM : 0;
}

static int protect_decide(void *arg, const struct vma *vma, u64 start, u64 end, u32 *prot,
			  u64 *flags)
{
	const struct vma_protect *a = arg;

	(void)start;
	(void)end;
	(void)flags;
	*prot = a->prot | (vma->prot & VM_PROT_NOCACHE); /* stays uncached, as on QNX */
	return vma_may_protect(vma, a->prot);
}

static void protect_changed(void *arg, const struct vma *piece, u32 old_prot, u64 old_flags)
{
	const struct vma_protect *a = arg;

	if (a->changed)
		a->changed(a->arg, piece, old_prot, old_flags);
}

int vma_protect_range_by(struct vma_tree *t, u64 start, u64 end, const struct vma_protect *p,
			 vma_update_fn decide)
{
	struct vma_update u = {
		.decide = decide,
		.changed = protect_changed,
		.arg = (void *)p,
		.holes = VMA_HOLE_STOP,
	};

	return vma_update_range(t, start, end, &u);
}

int vma_protect_range(struct vma_tree *t, u64 start, u64 end, u32 prot, vma_changed_fn changed,
		      void *arg)
{
	struct vma_protect p = { .prot = prot, .changed = changed, .arg = arg };

	return vma_protect_range_by(t, start, end, &p, protect_decide);
}
