// SPDX-License-Identifier: MIT
/*
 * The commit charge (guest/include/kernel/commit.h): the limit arithmetic,
 * Linux's rules for mprotect and fork, and a randomized run of mmap, munmap,
 * MAP_FIXED, mprotect and "fork" on the real VMA tree that checks the
 * scheme's invariant after every step: the count equals the pages of the
 * VMAs carrying VM_ACCOUNT, however the tree splits and merges them, and it
 * never exceeds the limit. The operations charge and uncharge the way
 * guest/mm/commit.c, procmm.c and sys_mman.c do.
 */
#include "vma_harness.h"

#include <kernel/commit.h>

#define ANON_FLAGS (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

static void test_charge_limit(void **state)
{
	struct commit c = { .committed = 0, .limit = 100 };

	(void)state;
	assert_true(commit_try_charge(&c, 60, 0));
	assert_true(commit_try_charge(&c, 40, 0)); /* exactly at the limit */
	assert_int_equal(c.committed, 100);
	assert_false(commit_try_charge(&c, 1, 0));
	assert_int_equal(c.committed, 100); /* a refusal changes nothing */
	assert_true(commit_release(&c, 30));
	assert_false(commit_try_charge(&c, 31, 0));
	assert_true(commit_try_charge(&c, 30, 0));
}

static void test_charge_replacing(void **state)
{
	struct commit c = { .committed = 90, .limit = 100 };

	(void)state;
	/* MAP_FIXED over 50 charged pages: 60 new fit once those go. */
	assert_false(commit_try_charge(&c, 60, 0));
	assert_true(commit_try_charge(&c, 60, 50));
	assert_int_equal(c.committed, 150); /* the caller uncharges the 50 as it unmaps */
	assert_true(commit_release(&c, 50));
	assert_int_equal(c.committed, 100);
	/* More freed than charged cannot make room beyond the limit. */
	c.committed = 10;
	assert_false(commit_try_charge(&c, 101, 1000));
	assert_true(commit_try_charge(&c, 100, 1000));
}

static void test_charge_overflow(void **state)
{
	struct commit c = { .committed = 5, .limit = 100 };

	(void)state;
	assert_false(commit_try_charge(&c, UINT64_MAX, 0));
	assert_false(commit_try_charge(&c, UINT64_MAX - 2, 0));
	assert_int_equal(c.committed, 5);
}

static void test_release_underflow(void **state)
{
	struct commit c = { .committed = 5, .limit = 100 };

	(void)state;
	assert_false(commit_release(&c, 6));
	assert_int_equal(c.committed, 5);
	assert_true(commit_release(&c, 5));
	assert_int_equal(c.committed, 0);
}

static void test_vma_pages(void **state)
{
	(void)state;
	assert_int_equal(commit_vma_pages(VM_ACCOUNT, 0x10000, 0x13000), 3);
	assert_int_equal(commit_vma_pages(VM_ACCOUNT | VM_SHARED, 0x10000, 0x11000), 1);
	assert_int_equal(commit_vma_pages(VM_NORESERVE, 0x10000, 0x13000), 0);
}

static void test_protect_rule(void **state)
{
	(void)state;
	/* Read-only private memory made writable: charged. */
	assert_true(commit_on_protect(ANON_FLAGS, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE));
	assert_true(commit_on_protect(ANON_FLAGS, VM_PROT_NONE, VM_PROT_WRITE));
	/* Already charged, already writable, or not becoming writable: not again. */
	assert_false(commit_on_protect(ANON_FLAGS | VM_ACCOUNT, VM_PROT_READ, VM_PROT_WRITE));
	assert_false(commit_on_protect(ANON_FLAGS, VM_PROT_WRITE, VM_PROT_READ | VM_PROT_WRITE));
	assert_false(commit_on_protect(ANON_FLAGS, VM_PROT_NONE, VM_PROT_READ | VM_PROT_EXEC));
	/* Shared, huge and MAP_NORESERVE memory is never charged by mprotect. */
	assert_false(commit_on_protect(ANON_FLAGS | VM_SHARED, VM_PROT_READ, VM_PROT_WRITE));
	assert_false(commit_on_protect(ANON_FLAGS | VM_HUGETLB, VM_PROT_READ, VM_PROT_WRITE));
	assert_false(commit_on_protect(ANON_FLAGS | VM_NORESERVE, VM_PROT_READ, VM_PROT_WRITE));
}

static void test_fork_flags(void **state)
{
	(void)state;
	assert_int_equal(commit_fork_flags(ANON_FLAGS | VM_ACCOUNT | VM_LOCKED | VM_LOCKONFAULT),
			 ANON_FLAGS | VM_ACCOUNT);
	assert_int_equal(commit_fork_flags(ANON_FLAGS | VM_ACCOUNT | VM_SHARED | VM_MAYSHARE),
			 ANON_FLAGS | VM_SHARED | VM_MAYSHARE);
	assert_int_equal(commit_fork_flags(ANON_FLAGS | VM_DONTCOPY), ANON_FLAGS | VM_DONTCOPY);
}

/* ---- the randomized run ---- */

#define SPACE_PAGES 64
#define BASE	    0x100000ULL
#define NSPACES	    2 /* a process and its forked child */

static struct commit acct;

static void gone(void *arg, const struct vma *piece)
{
	(void)arg;
	assert_true(
	    commit_release(&acct, commit_vma_pages(piece->flags, piece->start, piece->end)));
}

static uint64_t charged_in(struct vma_tree *t, uint64_t start, uint64_t end)
{
	struct vma *v;
	uint64_t pages = 0;

	vma_for_each_in(t, v, start, end)
	{
		uint64_t s = v->start > start ? v->start : start, e = v->end < end ? v->end : end;

		pages += commit_vma_pages(v->flags, s, e);
	}
	return pages;
}

static uint64_t vma_sum(struct vma_tree *t)
{
	uint64_t pages = 0;

	for (struct vma *v = t->first; v; v = v->next)
		pages += commit_vma_pages(v->flags, v->start, v->end);
	return pages;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* sys_mmap() with MAP_FIXED: accountable if private writable and not NORESERVE. */
static void op_map(struct vma_tree *t, uint64_t start, uint64_t end)
{
	uint32_t prot = rnd(2) ? VM_PROT_READ | VM_PROT_WRITE : VM_PROT_READ;
	uint64_t flags = ANON_FLAGS | (rnd(4) == 0 ? VM_NORESERVE : 0);
	uint64_t pages = (end - start) / PG;

	if ((prot & VM_PROT_WRITE) && !(flags & VM_NORESERVE)) {
		if (!commit_try_charge(&acct, pages, charged_in(t, start, end)))
			return;
		flags |= VM_ACCOUNT;
	}
	assert_int_equal(vma_map(t, start, end, prot, flags, NULL, start / PG, gone, NULL, NULL),
			 0);
}

/* commit.c's protect_decide(). */
static int protect_decide(void *arg, const struct vma *v, uint64_t start, uint64_t end,
			  uint32_t *prot, uint64_t *flags)
{
	uint32_t want = *(uint32_t *)arg;

	if (commit_on_protect(v->flags, v->prot, want)) {
		if (!commit_try_charge(&acct, (end - start) / PG, 0))
			return -ENOMEM;
		*flags |= VM_ACCOUNT;
	}
	*prot = want;
	return 0;
}

static void op_protect(struct vma_tree *t, uint64_t start, uint64_t end)
{
	uint32_t want = rnd(2) ? VM_PROT_READ | VM_PROT_WRITE : VM_PROT_READ;
	struct vma_update u = { .decide = protect_decide, .arg = &want, .holes = VMA_HOLE_SKIP };

	vma_update_range(t, start, end, &u);
}

/* procmm_fork(): the child gets every VMA with commit_fork_flags(), charged. */
static void op_fork(struct vma_tree *child, struct vma_tree *parent)
{
	vma_unmap_range(child, 0, UINT64_MAX, gone, NULL);
	for (struct vma *v = parent->first; v; v = v->next) {
		uint64_t flags = commit_fork_flags(v->flags);

		if (commit_try_charge(&acct, commit_vma_pages(flags, v->start, v->end), 0))
			map(child, v->start, v->end, v->prot, flags, NULL, v->pgoff);
	}
}

static void test_random_invariant(void **state)
{
	struct vma_tree t[NSPACES];

	(void)state;
	acct = (struct commit){ .committed = 0, .limit = 3 * SPACE_PAGES / 2 };
	harness_reset(&t[0]);
	vma_tree_init(&t[1], &h_ops);
	for (int i = 0; i < 20000; i++) {
		struct vma_tree *tr = &t[rnd(NSPACES)];
		uint64_t a = rnd(SPACE_PAGES), b = rnd(SPACE_PAGES);
		uint64_t start = BASE + (a < b ? a : b) * PG,
			 end = BASE + ((a < b ? b : a) + 1) * PG;

		switch (rnd(8)) {
		case 0:
		case 1:
		case 2:
			op_map(tr, start, end);
			break;
		case 3:
		case 4:
			vma_unmap_range(tr, start, end, gone, NULL);
			break;
		case 5:
		case 6:
			op_protect(tr, start, end);
			break;
		default:
			op_fork(&t[1], &t[0]);
		}
		check_tree(tr, 0);
		assert_int_equal(acct.committed, vma_sum(&t[0]) + vma_sum(&t[1]));
		assert_true(acct.committed <= acct.limit);
	}
	vma_unmap_range(&t[1], 0, UINT64_MAX, gone, NULL);
	vma_unmap_range(&t[0], 0, UINT64_MAX, gone, NULL);
	assert_int_equal(acct.committed, 0);
	vma_tree_destroy(&t[1]);
	harness_finish(&t[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charge_limit),	cmocka_unit_test(test_charge_replacing),
		cmocka_unit_test(test_charge_overflow), cmocka_unit_test(test_release_underflow),
		cmocka_unit_test(test_vma_pages),	cmocka_unit_test(test_protect_rule),
		cmocka_unit_test(test_fork_flags),	cmocka_unit_test(test_random_invariant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
