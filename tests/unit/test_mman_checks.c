// SPDX-License-Identifier: MIT
/*
 * The errno tables of munmap, mprotect, msync, madvise, mincore, the mlock
 * family and mremap (guest/mm/mmap_check.c, mmap_check_vma.c), in Linux's
 * order of checks; test_mmap_check.c has mmap's own.
 */
#include "mmap_check_harness.h"

static void test_munmap(void **state)
{
	uint64_t end;

	(void)state;
	assert_int_equal(munmap_check(FREE, 1, TOP, &end), 0);
	assert_int_equal(end, FREE + PG);
	assert_int_equal(munmap_check(FREE, 0, TOP, &end), -EINVAL);
	assert_int_equal(munmap_check(FREE + 1, PG, TOP, &end), -EINVAL);
	assert_int_equal(munmap_check(TOP + PG, PG, TOP, &end), -EINVAL);
	assert_int_equal(munmap_check(TOP - PG, 2 * PG, TOP, &end), -EINVAL);
	assert_int_equal(munmap_check(TOP - PG, PG, TOP, &end), 0);
}

static void test_mprotect(void **state)
{
	struct vma v = { .start = FREE, .end = FREE + 4 * PG, .flags = VM_MAYREAD };
	uint64_t end, grows, start;
	uint32_t prot;

	(void)state;
	assert_int_equal(mprotect_check(FREE, 5, R | VM_PROT_SEM, &end, &prot, &grows), 0);
	assert_int_equal(end, FREE + PG);
	assert_int_equal(prot, R);
	/* Length 0 succeeds before anyone looks at the address space. */
	assert_int_equal(mprotect_check(FREE, 0, RW, &end, &prot, &grows), 0);
	assert_int_equal(end, FREE);
	assert_int_equal(mprotect_check(FREE + 1, 0, RW, &end, &prot, &grows), -EINVAL);
	assert_int_equal(mprotect_check(FREE, PG, 0x10, &end, &prot, &grows), -EINVAL);
	assert_int_equal(
	    mprotect_check(FREE, PG, R | VM_PROT_GROWSDOWN | VM_PROT_GROWSUP, &end, &prot, &grows),
	    -EINVAL);
	assert_int_equal(mprotect_check(FREE, UINT64_MAX, R, &end, &prot, &grows), -ENOMEM);
	assert_int_equal(mprotect_check(FREE, -FREE, R, &end, &prot, &grows), -ENOMEM);
	/* The first VMA: a hole at start is ENOMEM before anything changes. */
	start = FREE + PG;
	assert_int_equal(mprotect_first_check(&v, &start, FREE + 2 * PG, 0), 0);
	assert_int_equal(mprotect_first_check(NULL, &start, FREE + 2 * PG, 0), -ENOMEM);
	start = FREE - PG;
	assert_int_equal(mprotect_first_check(&v, &start, FREE + PG, 0), -ENOMEM);
	assert_int_equal(mprotect_first_check(&v, &start, FREE, 0), -ENOMEM);
	/* PROT_GROWSUP: no VMA grows up on x86-64, but a hole still says ENOMEM. */
	start = FREE;
	assert_int_equal(mprotect_first_check(&v, &start, FREE + PG, VM_PROT_GROWSUP), -EINVAL);
	start = FREE - PG;
	assert_int_equal(mprotect_first_check(&v, &start, FREE + PG, VM_PROT_GROWSUP), -ENOMEM);
	/* PROT_GROWSDOWN extends the range to the VMA's start, if it grows down. */
	start = FREE + 2 * PG;
	assert_int_equal(mprotect_first_check(&v, &start, FREE + 3 * PG, VM_PROT_GROWSDOWN),
			 -EINVAL);
	v.flags |= VM_GROWSDOWN;
	assert_int_equal(mprotect_first_check(&v, &start, FREE + 3 * PG, VM_PROT_GROWSDOWN), 0);
	assert_int_equal(start, FREE);
}

static void test_msync(void **state)
{
	uint64_t end;

	(void)state;
	assert_int_equal(msync_check(FREE, 1, MS_SYNC, &end), 0);
	assert_int_equal(end, FREE + PG);
	assert_int_equal(msync_check(FREE, PG, MS_SYNC | MS_ASYNC, &end), -EINVAL);
	assert_int_equal(msync_check(FREE, PG, 8, &end), -EINVAL);
	assert_int_equal(msync_check(FREE + 1, PG, MS_ASYNC, &end), -EINVAL);
	/* Flags are checked before the address. */
	assert_int_equal(msync_check(FREE + 1, PG, 8, &end), -EINVAL);
	/* A length that wraps while rounding is 0, which succeeds (as on Linux). */
	assert_int_equal(msync_check(FREE, UINT64_MAX, MS_SYNC, &end), 0);
	assert_int_equal(end, FREE);
	assert_int_equal(msync_check(FREE, UINT64_MAX - 4095, MS_SYNC, &end), -ENOMEM);
	assert_int_equal(msync_vma_check(MS_INVALIDATE, VM_LOCKED), -EBUSY);
	assert_int_equal(msync_vma_check(MS_SYNC, VM_LOCKED), 0);
	assert_int_equal(msync_vma_check(MS_INVALIDATE, 0), 0);
}

static void test_madvise(void **state)
{
	uint64_t end, nf;

	(void)state;
	assert_int_equal(madvise_check(FREE, 1, MADV_DONTNEED, &end), 0);
	assert_int_equal(end, FREE + PG);
	assert_int_equal(madvise_check(FREE, 0, MADV_DONTNEED, &end), 0);
	assert_int_equal(end, FREE);
	assert_int_equal(madvise_check(FREE, PG, 999, &end), -EINVAL);
	assert_int_equal(madvise_check(FREE + 1, PG, 999, &end), -EINVAL);
	assert_int_equal(madvise_check(FREE + 1, PG, MADV_NORMAL, &end), -EINVAL);
	assert_int_equal(madvise_check(FREE, UINT64_MAX, MADV_NORMAL, &end), -EINVAL);
	/* No address space limit here, only wrap-around. */
	assert_int_equal(madvise_check(FREE, -FREE - PG, MADV_NORMAL, &end), 0);
	assert_int_equal(madvise_check(FREE, -FREE, MADV_NORMAL, &end), -EINVAL);
	assert_false(madvise_behavior_valid(MADV_REMOVE));
	assert_false(madvise_behavior_valid(MADV_HWPOISON));
	assert_true(madvise_behavior_valid(MADV_HUGEPAGE));

	end = FREE + PG;
	assert_int_equal(madvise_vma_check(MADV_DONTNEED, VM_LOCKED, false, FREE, &end, &nf),
			 -EINVAL);
	assert_int_equal(madvise_vma_check(MADV_DONTNEED_LOCKED, VM_LOCKED, false, FREE, &end, &nf),
			 0);
	assert_int_equal(madvise_vma_check(MADV_FREE, 0, true, FREE, &end, &nf), -EINVAL);
	assert_int_equal(madvise_vma_check(MADV_FREE, 0, false, FREE, &end, &nf), 0);
	assert_int_equal(madvise_vma_check(MADV_DONTFORK, 0, true, FREE, &end, &nf), 0);
	assert_int_equal(nf, VM_DONTCOPY);
	assert_int_equal(madvise_vma_check(MADV_DOFORK, VM_DONTCOPY, true, FREE, &end, &nf), 0);
	assert_int_equal(nf, 0);
	assert_int_equal(madvise_vma_check(MADV_DOFORK, VM_IO, true, FREE, &end, &nf), -EINVAL);
	assert_int_equal(madvise_vma_check(MADV_WIPEONFORK, VM_SHARED, false, FREE, &end, &nf),
			 -EINVAL);
	assert_int_equal(madvise_vma_check(MADV_HUGEPAGE, VM_NOHUGEPAGE, false, FREE, &end, &nf),
			 0);
	assert_int_equal(nf, VM_HUGEPAGE);
	assert_int_equal(madvise_vma_check(MADV_SEQUENTIAL, VM_RAND_READ, false, FREE, &end, &nf),
			 0);
	assert_int_equal(nf, VM_SEQ_READ);
	assert_int_equal(madvise_vma_check(MADV_COLD, VM_LOCKED, false, FREE, &end, &nf), -EINVAL);
	/* Huge pages: DONTNEED needs an aligned start and rounds the end down. */
	end = FREE + M2 + PG;
	assert_int_equal(madvise_vma_check(MADV_DONTNEED, VM_HUGETLB, false, FREE, &end, &nf), 0);
	assert_int_equal(end, FREE + M2);
	assert_int_equal(madvise_vma_check(MADV_DONTNEED, VM_HUGETLB, false, FREE + PG, &end, &nf),
			 -EINVAL);
	assert_int_equal(madvise_vma_check(MADV_FREE, VM_HUGETLB, false, FREE, &end, &nf), -EINVAL);
}

static void test_mincore(void **state)
{
	uint64_t pages;

	(void)state;
	assert_int_equal(mincore_check(FREE, PG + 1, TOP, &pages), 0);
	assert_int_equal(pages, 2);
	assert_int_equal(mincore_check(FREE, 0, TOP, &pages), 0);
	assert_int_equal(pages, 0);
	assert_int_equal(mincore_check(FREE + 1, PG, TOP, &pages), -EINVAL);
	assert_int_equal(mincore_check(TOP - PG, 2 * PG, TOP, &pages), -ENOMEM);
	assert_int_equal(mincore_check(FREE, UINT64_MAX, TOP, &pages), -ENOMEM);
}

static uint64_t already_locked;

static uint64_t locked_in(void *ctx, uint64_t start, uint64_t end)
{
	(void)ctx;
	assert_int_equal((end - start) % PG, 0);
	return already_locked;
}

static void test_mlock(void **state)
{
	struct mm_limits l = limits(0);
	uint64_t s, e;

	(void)state;
	/* The range widens to whole pages; no alignment error. */
	assert_int_equal(mlock_check(FREE + 100, PG, 0, true, &l, locked_in, NULL, &s, &e), 0);
	assert_int_equal(s, FREE);
	assert_int_equal(e, FREE + 2 * PG);
	assert_int_equal(mlock_check(FREE, PG, 2, true, &l, locked_in, NULL, &s, &e), -EINVAL);
	assert_int_equal(mlock_check(FREE, PG, MLOCK_ONFAULT, true, &l, locked_in, NULL, &s, &e),
			 0);
	/* RLIMIT_MEMLOCK: 0 is EPERM, over it ENOMEM, unless already locked there. */
	l = limits(L_NOLOCK);
	assert_int_equal(mlock_check(FREE, PG, 0, true, &l, locked_in, NULL, &s, &e), -EPERM);
	assert_int_equal(mlock_check(FREE, PG, 2, true, &l, locked_in, NULL, &s, &e), -EINVAL);
	l = limits(L_LOCKFULL);
	assert_int_equal(mlock_check(FREE, PG, 0, true, &l, locked_in, NULL, &s, &e), -ENOMEM);
	already_locked = 1;
	assert_int_equal(mlock_check(FREE, PG, 0, true, &l, locked_in, NULL, &s, &e), 0);
	already_locked = 0;
	l = limits(L_LOCKFULL | L_ROOT);
	assert_int_equal(mlock_check(FREE, 1 << 30, 0, true, &l, locked_in, NULL, &s, &e), 0);
	/* munlock has no limit and no EPERM. */
	l = limits(L_NOLOCK);
	assert_int_equal(mlock_check(FREE, PG, 0, false, &l, locked_in, NULL, &s, &e), 0);
	assert_int_equal(mlock_check(FREE, 0, 0, false, &l, locked_in, NULL, &s, &e), 0);
	assert_int_equal(s, e);
	assert_int_equal(mlock_check(-2 * PG, 4 * PG, 0, false, &l, locked_in, NULL, &s, &e),
			 -EINVAL);

	l = limits(0);
	assert_int_equal(mlockall_check(MCL_CURRENT | MCL_FUTURE, &l), 0);
	assert_int_equal(mlockall_check(0, &l), -EINVAL);
	assert_int_equal(mlockall_check(MCL_ONFAULT, &l), -EINVAL);
	assert_int_equal(mlockall_check(8, &l), -EINVAL);
	assert_int_equal(mlockall_check(MCL_FUTURE | MCL_ONFAULT, &l), 0);
	l.total_pages = l.memlock_limit / PG + 1;
	assert_int_equal(mlockall_check(MCL_CURRENT, &l), -ENOMEM);
	assert_int_equal(mlockall_check(MCL_FUTURE, &l), 0);
	l = limits(L_NOLOCK);
	assert_int_equal(mlockall_check(MCL_FUTURE, &l), -EPERM);
	assert_int_equal(mlockall_check(0, &l), -EINVAL);
}

static void test_mremap(void **state)
{
	const uint64_t MOVE = MREMAP_MAYMOVE, FIXED = MREMAP_FIXED;
	struct mm_limits l = limits(0);
	struct vma v = { .start = FREE, .end = FREE + 4 * PG, .flags = VM_MAYREAD, .pgoff = 0 };
	uint64_t ol, nl;

#define MR(addr, o, n, flags, na) (ol = (o), nl = (n), mremap_check(addr, &ol, &nl, flags, na, TOP))
#define MV(addr, o, n, flags, ok) \
	(ol = (o), nl = (n), mremap_vma_check(&v, addr, &ol, &nl, flags, &l, ok))
	(void)state;
	assert_int_equal(MR(FREE, PG, 2 * PG, 0, 0), 0);
	assert_int_equal(MR(FREE, 1, 1, 0, 0), 0);
	assert_int_equal(ol, PG);
	assert_int_equal(MR(FREE, PG, 0, 0, 0), -EINVAL);
	assert_int_equal(MR(FREE, PG, UINT64_MAX, 0, 0), -EINVAL);
	assert_int_equal(MR(FREE + 1, PG, PG, 0, 0), -EINVAL);
	assert_int_equal(MR(FREE, PG, PG, 8, 0), -EINVAL);
	assert_int_equal(MR(FREE, PG, PG, FIXED, FREE + M2), -EINVAL);
	assert_int_equal(MR(FREE, PG, PG, FIXED | MOVE, FREE + M2), 0);
	assert_int_equal(MR(FREE, PG, PG, FIXED | MOVE, FREE + M2 + 1), -EINVAL);
	assert_int_equal(MR(FREE, 2 * PG, PG, FIXED | MOVE, FREE + PG), -EINVAL);
	assert_int_equal(MR(FREE, PG, PG, FIXED | MOVE, TOP), -EINVAL);
	assert_int_equal(MR(FREE, PG, 2 * PG, MREMAP_DONTUNMAP | MOVE, FREE + M2), -EINVAL);
	assert_int_equal(MR(FREE, PG, PG, MREMAP_DONTUNMAP | MOVE, FREE + M2), 0);
	/* The new address only matters when a flag asks for it. */
	assert_int_equal(MR(FREE, PG, PG, MOVE, FREE + 1), 0);

	assert_int_equal(mremap_vma_check(NULL, FREE, &ol, &nl, 0, &l, true), -EFAULT);
	assert_int_equal(MV(FREE, 2 * PG, PG, 0, false), 0);
	assert_int_equal(MV(FREE + PG, 2 * PG, 8 * PG, MOVE, true), 0);
	assert_int_equal(MV(FREE + PG, 4 * PG, 8 * PG, MOVE, true), -EFAULT);
	assert_int_equal(MV(FREE + PG, 4 * PG, 2 * PG, MOVE | FIXED, true), 0);
	assert_int_equal(MV(FREE, PG, 2 * PG, 0, false), -ENOMEM);
	assert_int_equal(MV(FREE, 0, PG, MOVE, true), -EINVAL);
	v.flags |= VM_MAYSHARE;
	assert_int_equal(MV(FREE, 0, PG, MOVE, true), 0);
	v.flags |= VM_LOCKED;
	l = limits(L_LOCKFULL);
	assert_int_equal(MV(FREE, PG, 2 * PG, 0, true), -EAGAIN);
	v.flags = VM_HUGETLB;
	v.end = FREE + 2 * M2;
	assert_int_equal(MV(FREE, PG, PG, 0, true), 0);
	assert_int_equal(ol, M2);
	assert_int_equal(MV(FREE, M2, 2 * M2, MOVE, true), -EINVAL);
	assert_int_equal(MV(FREE + PG, M2, M2, MOVE, true), -EINVAL);
#undef MR
#undef MV
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_munmap),	cmocka_unit_test(test_mprotect),
		cmocka_unit_test(test_msync),	cmocka_unit_test(test_madvise),
		cmocka_unit_test(test_mincore), cmocka_unit_test(test_mlock),
		cmocka_unit_test(test_mremap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
