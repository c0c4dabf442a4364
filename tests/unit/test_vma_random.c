// SPDX-License-Identifier: MIT
/*
 * The VMA tree against a reference model, and at scale.
 *
 * The model is a page array over a 512-page window: each page is mapped or
 * not and carries prot, flags, object and page offset. 20,000 random
 * MAP_FIXED and placed mmaps, munmaps and mprotects (fixed seed) go to both;
 * after every one the tree's VMA list must equal the model's maximal runs,
 * the tree invariants must hold (vma_harness.h), and every removed piece
 * handed to the unmap callback must match what the model had there.
 *
 * The scale test builds 100,000 VMAs that cannot merge and counts the nodes
 * each operation visits (vma_tree.visits), asserting the AVL bound rather
 * than timing anything.
 */
#include "vma_harness.h"

#define B     0x40000000ULL /* window base, aligned to every alignment used */
#define W     512	    /* window pages */
#define NOPS  20000
#define MAY   (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define SHARE (VM_SHARED | VM_MAYSHARE)

static struct vma_tree tree;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

struct mpage {
	int mapped;
	uint32_t prot;
	uint64_t flags;
	int obj; /* index into objs, 0 = none */
	uint64_t pgoff;
	int seen; /* handed to the unmap callback in this operation */
};

static struct mpage model[W];

/* Outcomes seen, so the test shows it reached every case it claims to. */
static struct {
	int placed, placed_hint, no_room, protect_ok, protect_hole, protect_eacces, max_vmas;
} seen;

static uint64_t addr_of(int page)
{
	return B + (uint64_t)page * PG;
}

static void model_set(int s, int n, uint32_t prot, uint64_t flags, int obj, uint64_t pgoff)
{
	for (int i = 0; i < n; i++)
		model[s + i] = (struct mpage){ 1, prot, flags, obj, pgoff + (uint64_t)i, 0 };
}

static int same_run(const struct mpage *a, const struct mpage *b)
{
	return a->mapped && b->mapped && a->prot == b->prot && a->flags == b->flags &&
	       a->obj == b->obj && a->pgoff + 1 == b->pgoff;
}

/* The tree's list must be the model's maximal runs, field by field. */
static void compare(void)
{
	const struct vma *v = tree.first;
	int i = 0;

	while (i < W) {
		int j = i + 1;

		if (!model[i].mapped) {
			i++;
			continue;
		}
		while (j < W && same_run(&model[j - 1], &model[j]))
			j++;
		assert_non_null(v);
		assert_int_equal(v->start, addr_of(i));
		assert_int_equal(v->end, addr_of(j));
		assert_int_equal(v->prot, model[i].prot);
		assert_int_equal(v->flags, model[i].flags);
		assert_ptr_equal(v->obj, model[i].obj ? &objs[model[i].obj] : NULL);
		assert_int_equal(v->pgoff, model[i].pgoff);
		v = v->next;
		i = j;
	}
	assert_null(v);
	check_tree(&tree, 1);
	assert_int_equal(live_nodes, (long)tree.count);
}

/* A removed piece must be exactly what the model had on those pages. */
static void check_piece(void *arg, const struct vma *p)
{
	(void)arg;
	for (uint64_t a = p->start; a < p->end; a += PG) {
		struct mpage *m = &model[(a - B) / PG];

		assert_true(m->mapped && !m->seen);
		assert_int_equal(m->prot, p->prot);
		assert_int_equal(m->flags, p->flags);
		assert_ptr_equal(p->obj, m->obj ? &objs[m->obj] : NULL);
		assert_int_equal(m->pgoff, p->pgoff + (a - p->start) / PG);
		m->seen = 1;
	}
}

/* Every mapped page of [s, s+n) was handed over once; then clear them. */
static void settle_unmapped(int s, int n)
{
	for (int i = s; i < s + n; i++) {
		assert_int_equal(model[i].seen, model[i].mapped);
		model[i] = (struct mpage){ 0 };
	}
}

static uint32_t random_prot(void)
{
	static const uint32_t p[] = { 0, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE,
				      VM_PROT_READ | VM_PROT_EXEC };

	return p[rnd(4)];
}

static void random_range(int *s, int *n, int max)
{
	*s = (int)rnd(W);
	*n = 1 + (int)rnd((uint64_t)max);
	if (*s + *n > W)
		*n = W - *s;
}

static void op_map_fixed(void)
{
	static const uint64_t fl[] = { MAY, MAY | SHARE, VM_MAYREAD | VM_MAYEXEC };
	int s, n, obj = (int)rnd(NOBJ);
	uint32_t prot = random_prot();
	uint64_t flags = fl[rnd(3)], pgoff;

	random_range(&s, &n, 24);
	/* Anonymous memory uses the address as offset; objects sometimes continue. */
	pgoff = obj ? (uint64_t)s + 7 * rnd(2) : addr_of(s) / PG;
	if (obj)
		objs[obj].refs++;
	assert_int_equal(vma_map(&tree, addr_of(s), addr_of(s + n), prot, flags,
				 obj ? &objs[obj] : NULL, pgoff, check_piece, NULL, NULL),
			 0);
	settle_unmapped(s, n);
	model_set(s, n, prot, flags, obj, pgoff);
}

/* Linux's placement: the highest free run holding len + align - 1 pages. */
static int64_t model_gap(int n, int align, int hint)
{
	int need = n + align - 1, end = W;

	if (hint >= 0) {
		int a = (hint + align - 1) / align * align, ok = a + n <= W;

		for (int i = a; ok && i < a + n; i++)
			ok = !model[i].mapped;
		if (ok)
			return a;
	}
	while (end > 0) {
		int start = end;

		while (start > 0 && !model[start - 1].mapped)
			start--;
		if (end - start >= need)
			return (end - n) / align * align;
		end = start;
		while (end > 0 && model[end - 1].mapped)
			end--;
	}
	return -1;
}

static void op_map_placed(void)
{
	static const int al[] = { 1, 2, 8 };
	int n = 1 + (int)rnd(16), align = al[rnd(3)], hint = rnd(10) < 3 ? (int)rnd(W) : -1;
	struct vma_gap_req r = { .len = (uint64_t)n * PG,
				 .align = (uint64_t)align * PG,
				 .floor = B,
				 .limit = addr_of(W),
				 .hint = hint >= 0 ? addr_of(hint) : 0 };
	int64_t want = model_gap(n, align, hint), got = vma_find_gap(&tree, &r);
	uint32_t prot = random_prot();

	if (want < 0) {
		assert_int_equal(got, -ENOMEM);
		seen.no_room++;
		return;
	}
	seen.placed++;
	seen.placed_hint += hint >= 0 && want == (hint + align - 1) / align * align;
	assert_int_equal(got, (int64_t)addr_of((int)want));
	assert_int_equal(vma_map(&tree, (uint64_t)got, (uint64_t)got + r.len, prot, MAY, NULL,
				 (uint64_t)got / PG, check_piece, NULL, NULL),
			 0);
	model_set((int)want, n, prot, MAY, 0, (uint64_t)got / PG);
}

static void op_unmap(void)
{
	int s, n;

	random_range(&s, &n, 40);
	assert_int_equal(vma_unmap_range(&tree, addr_of(s), addr_of(s + n), check_piece, NULL), 0);
	settle_unmapped(s, n);
}

/* Linux's mprotect: page by page until a hole or a forbidden VMA. */
static int model_protect(int s, int n, uint32_t prot)
{
	if (!model[s].mapped)
		return -ENOMEM;
	for (int i = s; i < s + n; i++) {
		uint64_t f = model[i].flags;

		if (!model[i].mapped)
			return -ENOMEM;
		if (((prot & VM_PROT_READ) && !(f & VM_MAYREAD)) ||
		    ((prot & VM_PROT_WRITE) && !(f & VM_MAYWRITE)) ||
		    ((prot & VM_PROT_EXEC) && !(f & VM_MAYEXEC)))
			return -EACCES;
		model[i].prot = prot;
	}
	return 0;
}

static void op_protect(void)
{
	int s, n;
	uint32_t prot = random_prot();
	int want, got;

	random_range(&s, &n, 40);
	got = vma_protect_range(&tree, addr_of(s), addr_of(s + n), prot, NULL, NULL);
	want = model_protect(s, n, prot);
	assert_int_equal(got, want);
	seen.protect_ok += want == 0;
	seen.protect_hole += want == -ENOMEM;
	seen.protect_eacces += want == -EACCES;
}

static void check_lookups(void)
{
	for (int k = 0; k < 4; k++) {
		int p = (int)rnd(W);
		struct vma *v = vma_find(&tree, addr_of(p) + rnd(PG));
		struct vma *above = vma_find_above(&tree, addr_of(p));

		assert_int_equal(v != NULL, model[p].mapped);
		if (v)
			assert_ptr_equal(above, v);
		else if (above)
			assert_true(above->start > addr_of(p));
	}
}

static void test_random_against_model(void **state)
{
	(void)state;
	harness_reset(&tree);
	memset(model, 0, sizeof(model));
	for (int i = 0; i < NOPS; i++) {
		uint64_t r = rnd(10);

		if (r < 3)
			op_map_fixed();
		else if (r < 5)
			op_map_placed();
		else if (r < 7)
			op_unmap();
		else
			op_protect();
		compare();
		check_lookups();
		if ((int)tree.count > seen.max_vmas)
			seen.max_vmas = (int)tree.count;
	}
	harness_finish(&tree);
	print_message("placed %d (at the hint %d), no room %d; mprotect ok %d, hole %d, "
		      "EACCES %d; up to %d VMAs\n",
		      seen.placed, seen.placed_hint, seen.no_room, seen.protect_ok,
		      seen.protect_hole, seen.protect_eacces, seen.max_vmas);
	assert_true(seen.placed > 100 && seen.placed_hint > 100 && seen.no_room > 100);
	assert_true(seen.protect_ok > 100 && seen.protect_hole > 100 && seen.protect_eacces > 100);
}

static uint64_t log2_ceil(uint64_t n)
{
	return 64 - (uint64_t)__builtin_clzll(n - 1);
}

/* AVL height bound: h < 1.4405 log2(n + 2) - 0.3277. */
static uint64_t avl_height_bound(uint64_t n)
{
	return log2_ceil(n + 2) * 14405 / 10000 + 1;
}

struct scale {
	uint64_t n;
	uint64_t max_find, max_map, max_gap, max_protect, max_unmap;
};

/* The worst node count over a bunch of operations of one kind. */
#define MEASURE(field, expr)                     \
	do {                                     \
		tree.visits = 0;                 \
		expr;                            \
		if (tree.visits > sc->field)     \
			sc->field = tree.visits; \
	} while (0)

static void run_scale(struct scale *sc)
{
	uint64_t n = sc->n, h;
	const uint64_t top = addr_of(0) + n * PG;

	harness_reset(&tree);
	/* Alternating protections: neighbours never merge. */
	for (uint64_t i = 0; i < n; i++)
		MEASURE(max_map, map(&tree, B + i * PG, B + (i + 1) * PG,
				     i % 2 ? VM_PROT_READ : VM_PROT_READ | VM_PROT_WRITE, MAY, NULL,
				     B / PG + i));
	assert_int_equal(tree.count, n);
	check_tree(&tree, 1);
	for (uint64_t i = 0; i < n; i++)
		MEASURE(max_find, assert_non_null(vma_find(&tree, B + rnd(n) * PG + rnd(PG))));
	/* One hole of two pages somewhere, many of one: the search must find it. */
	for (uint64_t i = 3; i + 1 < n; i += 3)
		assert_int_equal(vma_unmap_range(&tree, B + i * PG, B + (i + 1) * PG, NULL, NULL),
				 0);
	for (int k = 0; k < 200; k++) {
		uint64_t at = 3 * (1 + rnd(n / 3 - 2)) + 1;
		struct vma_gap_req r = { .len = 2 * PG, .align = PG, .floor = B, .limit = top };

		MEASURE(max_unmap,
			vma_unmap_range(&tree, B + at * PG, B + (at + 1) * PG, NULL, NULL));
		MEASURE(max_gap, assert_int_equal(vma_find_gap(&tree, &r), B + (at - 1) * PG));
		map(&tree, B + at * PG, B + (at + 1) * PG,
		    at % 2 ? VM_PROT_READ : VM_PROT_READ | VM_PROT_WRITE, MAY, NULL, B / PG + at);
	}
	check_tree(&tree, 1);
	for (int k = 0; k < 2000; k++) {
		uint64_t at = rnd(n);

		MEASURE(max_protect, vma_protect_range(&tree, B + at * PG, B + (at + 1) * PG,
						       VM_PROT_READ, NULL, NULL));
	}
	check_tree(&tree, 1);
	while (tree.root) {
		uint64_t at = tree.root->start;

		MEASURE(max_unmap, vma_unmap_range(&tree, at, at + PG, NULL, NULL));
	}
	harness_finish(&tree);

	/* Each operation is a bounded number of root-to-leaf walks. */
	h = avl_height_bound(n) + 1;
	assert_true(sc->max_find <= h);
	assert_true(sc->max_map <= 3 * h);
	assert_true(sc->max_unmap <= 4 * h);
	assert_true(sc->max_protect <= 4 * h);
	assert_true(sc->max_gap <= 4 * h);
	print_message(
	    "n=%-6lu height<=%-2lu visits: find %lu map %lu gap %lu protect %lu unmap %lu\n",
	    (unsigned long)n, (unsigned long)h, (unsigned long)sc->max_find,
	    (unsigned long)sc->max_map, (unsigned long)sc->max_gap, (unsigned long)sc->max_protect,
	    (unsigned long)sc->max_unmap);
}

static void test_scale_logarithmic(void **state)
{
	struct scale small = { .n = 1000 }, big = { .n = 100000 };
	double ratio = (double)log2_ceil(100000) / (double)log2_ceil(1000);

	(void)state;
	run_scale(&small);
	run_scale(&big);
	/* 100 times the VMAs, at most ~1.7 times the work (a scan: 100 times). */
	assert_true((double)big.max_find <= 1.5 * ratio * (double)small.max_find);
	assert_true((double)big.max_gap <= 1.5 * ratio * (double)small.max_gap);
	assert_true((double)big.max_unmap <= 1.5 * ratio * (double)small.max_unmap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_scale_logarithmic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
