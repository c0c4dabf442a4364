// SPDX-License-Identifier: MIT
/*
 * The errno tables of the memory system calls (guest/mm/mmap_check.c and
 * mmap_check_vma.c). Rows with several faults at once pin down Linux's order
 * of checks; the single-fault rows were confirmed against Linux 6.18 on the
 * build host with a static musl program (tests/guest/mmap_conformance.c covers
 * the same ground end to end).
 */
#include "mmap_check_harness.h"

enum {
	F_ANON,
	F_BAD,
	F_RW,
	F_RO,
	F_WO,
	F_DIR,
	F_PIPE_R,
	F_PIPE_W,
	F_SOCK,
	F_NULL,
	F_ZERO,
	F_APPEND,
	F_NOEXEC
};

static const struct mmap_file files[] = {
	[F_BAD] = { .kind = MMAP_FD_NONE },
	[F_RW] = { .kind = MMAP_FD_REGULAR, .readable = true, .writable = true },
	[F_RO] = { .kind = MMAP_FD_REGULAR, .readable = true },
	[F_WO] = { .kind = MMAP_FD_REGULAR, .writable = true },
	[F_DIR] = { .kind = MMAP_FD_DIRECTORY, .readable = true },
	[F_PIPE_R] = { .kind = MMAP_FD_PIPE, .readable = true },
	[F_PIPE_W] = { .kind = MMAP_FD_PIPE, .writable = true },
	[F_SOCK] = { .kind = MMAP_FD_SOCKET, .readable = true, .writable = true },
	[F_NULL] = { .kind = MMAP_FD_CHARDEV, .readable = true, .writable = true },
	[F_ZERO] = { .kind = MMAP_FD_CHARDEV,
		     .readable = true,
		     .writable = true,
		     .dev_mmap = true },
	[F_APPEND] = { .kind = MMAP_FD_REGULAR,
		       .readable = true,
		       .writable = true,
		       .append = true },
	[F_NOEXEC] = { .kind = MMAP_FD_REGULAR,
		       .readable = true,
		       .writable = true,
		       .noexec = true },
};

static unsigned row_limits;
static uint64_t area_hint, area_align;

static int64_t fake_get_area(void *ctx, uint64_t hint, uint64_t len, uint64_t align, uint64_t flags)
{
	(void)ctx;
	(void)len;
	(void)flags;
	area_hint = hint;
	area_align = align;
	if (row_limits & L_NOROOM)
		return -ENOMEM;
	return hint ? (int64_t)hint : (int64_t)AREA;
}

static bool fake_intersects(void *ctx, uint64_t start, uint64_t end)
{
	(void)ctx;
	(void)start;
	(void)end;
	return (row_limits & L_TAKEN) != 0;
}

static const struct mmap_space space = { .get_area = fake_get_area, .intersects = fake_intersects };

static int run_mmap(const struct mmap_args *a, int file, unsigned l, struct mmap_plan *p)
{
	struct mm_limits m = limits(l);

	row_limits = l;
	return mmap_check(a, file == F_ANON ? NULL : &files[file], &m, &space, p);
}

struct mmap_row {
	const char *what;
	struct mmap_args a;
	int file;
	unsigned l;
	int err;
};

#define ARGS(addr, len, prot, flags, off)   \
	{                                   \
		addr, len, prot, flags, off \
	}

static const struct mmap_row mmap_rows[] = {
	/* One fault each. */
	{ "anonymous private", ARGS(0, PG, RW, PRIV | ANON, 0), F_ANON, 0, 0 },
	{ "length 0", ARGS(0, 0, RW, PRIV | ANON, 0), F_ANON, 0, -EINVAL },
	{ "neither shared nor private", ARGS(0, PG, RW, ANON, 0), F_ANON, 0, -EINVAL },
	{ "shared-validate anonymous", ARGS(0, PG, RW, MAP_SHARED_VALIDATE | ANON, 0), F_ANON, 0,
	  -EINVAL },
	{ "droppable (not in pagelab)", ARGS(0, PG, RW, MAP_DROPPABLE | ANON, 0), F_ANON, 0,
	  -EINVAL },
	{ "unaligned offset", ARGS(0, PG, R, PRIV, 1), F_RW, 0, -EINVAL },
	{ "unaligned MAP_FIXED", ARGS(FREE + 1, PG, R, PRIV | ANON | FIX, 0), F_ANON, 0, -EINVAL },
	{ "bad fd", ARGS(0, PG, R, PRIV, 0), F_BAD, 0, -EBADF },
	{ "read-only fd, shared writable", ARGS(0, PG, RW, SHR, 0), F_RO, 0, -EACCES },
	{ "read-only fd, private writable", ARGS(0, PG, RW, PRIV, 0), F_RO, 0, 0 },
	{ "write-only fd", ARGS(0, PG, R, PRIV, 0), F_WO, 0, -EACCES },
	{ "write-only fd, shared", ARGS(0, PG, RW, SHR, 0), F_WO, 0, -EACCES },
	{ "append-only fd, shared", ARGS(0, PG, R, SHR, 0), F_APPEND, 0, -EACCES },
	{ "append-only fd, private", ARGS(0, PG, R, PRIV, 0), F_APPEND, 0, 0 },
	{ "noexec mount, PROT_EXEC", ARGS(0, PG, R | VM_PROT_EXEC, PRIV, 0), F_NOEXEC, 0, -EPERM },
	{ "directory", ARGS(0, PG, R, PRIV, 0), F_DIR, 0, -ENODEV },
	{ "pipe", ARGS(0, PG, R, PRIV, 0), F_PIPE_R, 0, -ENODEV },
	{ "socket", ARGS(0, PG, R, PRIV, 0), F_SOCK, 0, -ENODEV },
	{ "device without mmap", ARGS(0, PG, R, PRIV, 0), F_NULL, 0, -ENODEV },
	{ "device with mmap", ARGS(0, PG, R, PRIV, 0), F_ZERO, 0, 0 },
	{ "offset past the largest file", ARGS(0, 2 * PG, R, PRIV, 0x7ffffffffffff000ULL), F_RW, 0,
	  -EOVERFLOW },
	{ "huge offset, anonymous", ARGS(0, 2 * PG, R, PRIV | ANON, 0x7ffffffffffff000ULL), F_ANON,
	  0, 0 },
	{ "pipe, offset -4096", ARGS(0, 2 * PG, R, PRIV, (uint64_t)-4096), F_PIPE_R, 0,
	  -EOVERFLOW },
	{ "length rounds past 2^64", ARGS(0, UINT64_MAX - 100, R, PRIV | ANON, 0), F_ANON, 0,
	  -ENOMEM },
	{ "length over the address space", ARGS(0, 1ULL << 62, R, PRIV | ANON, 0), F_ANON, 0,
	  -ENOMEM },
	{ "MAP_FIXED past the address space", ARGS(TOP, 2 * PG, R, PRIV | ANON | FIX, 0), F_ANON, 0,
	  -ENOMEM },
	{ "no room", ARGS(0, PG, R, PRIV | ANON, 0), F_ANON, L_NOROOM, -ENOMEM },
	{ "too many mappings", ARGS(0, PG, R, PRIV | ANON, 0), F_ANON, L_FULL, -ENOMEM },
	{ "MAP_FIXED_NOREPLACE over a mapping",
	  ARGS(FREE, PG, R, PRIV | ANON | MAP_FIXED_NOREPLACE, 0), F_ANON, L_TAKEN, -EEXIST },
	{ "MAP_FIXED over a mapping", ARGS(FREE, PG, R, PRIV | ANON | FIX, 0), F_ANON, L_TAKEN, 0 },
	{ "MAP_FIXED below mmap_min_addr", ARGS(PG, PG, R, PRIV | ANON | FIX, 0), F_ANON, 0,
	  -EPERM },
	{ "MAP_FIXED below mmap_min_addr, root", ARGS(PG, PG, R, PRIV | ANON | FIX, 0), F_ANON,
	  L_ROOT, 0 },
	{ "shared-validate, unknown flag", ARGS(0, PG, R, MAP_SHARED_VALIDATE | 0x200, 0), F_RW, 0,
	  -EOPNOTSUPP },
	{ "shared, unknown flag", ARGS(0, PG, R, SHR | 0x200, 0), F_RW, 0, 0 },
	{ "shared-validate, MAP_SYNC", ARGS(0, PG, R, MAP_SHARED_VALIDATE | MAP_SYNC, 0), F_RW, 0,
	  -EOPNOTSUPP },
	{ "shared-validate, MAP_32BIT", ARGS(0, PG, R, MAP_SHARED_VALIDATE | MAP_32BIT, 0), F_RW, 0,
	  0 },
	/* pagelab's own flags are known, so MAP_SHARED_VALIDATE takes them. */
	{ "shared-validate, MAP_NOCORE|MAP_NOSYNC",
	  ARGS(0, PG, R, MAP_SHARED_VALIDATE | MAP_NOCORE | MAP_NOSYNC, 0), F_RW, 0, 0 },
	{ "MAP_GROWSDOWN file", ARGS(0, PG, R, PRIV | MAP_GROWSDOWN, 0), F_RW, 0, -EINVAL },
	{ "MAP_GROWSDOWN shared anonymous", ARGS(0, PG, RW, SHR | ANON | MAP_GROWSDOWN, 0), F_ANON,
	  0, -EINVAL },
	{ "MAP_LOCKED, RLIMIT_MEMLOCK 0", ARGS(0, PG, RW, PRIV | ANON | MAP_LOCKED, 0), F_ANON,
	  L_NOLOCK, -EPERM },
	{ "MAP_LOCKED over the limit", ARGS(0, PG, RW, PRIV | ANON | MAP_LOCKED, 0), F_ANON,
	  L_LOCKFULL, -EAGAIN },
	{ "MAP_LOCKED over the limit, root", ARGS(0, PG, RW, PRIV | ANON | MAP_LOCKED, 0), F_ANON,
	  L_LOCKFULL | L_ROOT, 0 },
	{ "MAP_HUGETLB on a file", ARGS(0, PG, R, PRIV | MAP_HUGETLB, 0), F_RW, 0, -EINVAL },
	{ "MAP_HUGETLB, unknown size", ARGS(0, PG, RW, PRIV | ANON | MAP_HUGETLB | (14U << 26), 0),
	  F_ANON, 0, -EINVAL },
	{ "MAP_HUGETLB 1 GiB (pagelab: 2 MiB only)",
	  ARGS(0, PG, RW, PRIV | ANON | MAP_HUGETLB | MAP_HUGE_1GB, 0), F_ANON, 0, -EINVAL },
	{ "MAP_HUGETLB, unaligned MAP_FIXED",
	  ARGS(FREE + PG, PG, RW, PRIV | ANON | MAP_HUGETLB | FIX, 0), F_ANON, 0, -EINVAL },
	{ "MAP_HUGETLB, offset inside a huge page", ARGS(0, PG, RW, PRIV | ANON | MAP_HUGETLB, PG),
	  F_ANON, 0, -EINVAL },

	/* Several faults: the first Linux meets wins. */
	{ "unaligned offset before bad fd", ARGS(0, PG, R, PRIV, 1), F_BAD, 0, -EINVAL },
	{ "bad fd before length 0", ARGS(0, 0, R, PRIV, 0), F_BAD, 0, -EBADF },
	{ "bad fd before no type", ARGS(0, PG, R, 0, 0), F_BAD, 0, -EBADF },
	{ "MAP_HUGETLB on a file before length 0", ARGS(0, 0, R, PRIV | MAP_HUGETLB, 0), F_RW, 0,
	  -EINVAL },
	{ "length 0 before too many mappings", ARGS(0, 0, R, PRIV | ANON, 0), F_ANON, L_FULL,
	  -EINVAL },
	{ "too many mappings before no type", ARGS(0, PG, R, ANON, 0), F_ANON, L_FULL, -ENOMEM },
	{ "no room before no type", ARGS(0, PG, R, ANON, 0), F_ANON, L_NOROOM, -ENOMEM },
	{ "no room before a directory", ARGS(0, PG, R, PRIV, 0), F_DIR, L_NOROOM, -ENOMEM },
	{ "MAP_FIXED past the end before unaligned", ARGS(TOP + 1, PG, R, PRIV | ANON | FIX, 0),
	  F_ANON, 0, -ENOMEM },
	{ "below mmap_min_addr before MAP_FIXED_NOREPLACE",
	  ARGS(PG, PG, R, PRIV | ANON | MAP_FIXED_NOREPLACE, 0), F_ANON, L_TAKEN, -EPERM },
	{ "EEXIST before EACCES", ARGS(FREE, PG, RW, SHR | MAP_FIXED_NOREPLACE, 0), F_RO, L_TAKEN,
	  -EEXIST },
	{ "EEXIST before MAP_LOCKED EPERM",
	  ARGS(FREE, PG, R, PRIV | ANON | MAP_FIXED_NOREPLACE | MAP_LOCKED, 0), F_ANON,
	  L_TAKEN | L_NOLOCK, -EEXIST },
	{ "MAP_LOCKED EPERM before EACCES", ARGS(0, PG, RW, SHR | MAP_LOCKED, 0), F_RO, L_NOLOCK,
	  -EPERM },
	{ "MAP_LOCKED EAGAIN before ENODEV", ARGS(0, PG, R, PRIV | MAP_LOCKED, 0), F_DIR,
	  L_LOCKFULL, -EAGAIN },
	{ "EOVERFLOW before EACCES", ARGS(0, 2 * PG, RW, SHR, 0x7ffffffffffff000ULL), F_RO, 0,
	  -EOVERFLOW },
	{ "EOPNOTSUPP before EACCES", ARGS(0, PG, RW, MAP_SHARED_VALIDATE | 0x200, 0), F_RO, 0,
	  -EOPNOTSUPP },
	/* MAP_FIXED_NOREPLACE is no legacy flag: MAP_SHARED_VALIDATE refuses it. */
	{ "shared-validate with MAP_FIXED_NOREPLACE",
	  ARGS(FREE, PG, R, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, 0), F_RW, 0, -EOPNOTSUPP },
	{ "write on a read-only fd before pipe", ARGS(0, PG, RW, SHR, 0), F_PIPE_R, 0, -EACCES },
	{ "write-only pipe", ARGS(0, PG, R, SHR, 0), F_PIPE_W, 0, -EACCES },
	{ "directory before MAP_GROWSDOWN", ARGS(0, PG, R, PRIV | MAP_GROWSDOWN, 0), F_DIR, 0,
	  -ENODEV },
	{ "no type on a file after the file checks", ARGS(0, PG, R, 0, 0x7ffffffffffff000ULL), F_RW,
	  0, -EOVERFLOW },
};

static void test_mmap_errno_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mmap_rows) / sizeof(mmap_rows[0]); i++) {
		const struct mmap_row *r = &mmap_rows[i];
		struct mmap_plan p;
		int got = run_mmap(&r->a, r->file, r->l, &p);

		if (got != r->err)
			fail_msg("%s: got %d, want %d", r->what, got, r->err);
	}
}

static void test_mmap_plan(void **state)
{
	struct mmap_args a = ARGS(0, 10, RW, PRIV | ANON, 0);
	struct mmap_plan p;

	(void)state;
	/* Private anonymous: page rounding, pgoff from the address, charged. */
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(p.addr, AREA);
	assert_int_equal(p.len, PG);
	assert_int_equal(p.pgoff, AREA / PG);
	assert_int_equal(p.commit_pages, 1);
	assert_true(p.anon && !p.fixed && !p.populate);
	assert_int_equal(p.vm_flags, VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC);
	/* MAP_NORESERVE: not charged, unless overcommit is strict. */
	a.flags |= MAP_NORESERVE;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(p.commit_pages, 0);
	assert_true(p.vm_flags & VM_NORESERVE);
	assert_int_equal(run_mmap(&a, F_ANON, L_NEVER, &p), 0);
	assert_int_equal(p.commit_pages, 1);
	/* Read-only private memory is not charged; shared anonymous memory is. */
	a = (struct mmap_args)ARGS(0, 3 * PG, R, PRIV | ANON, 0);
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(p.commit_pages, 0);
	a.flags = SHR | ANON;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(p.commit_pages, 3);
	assert_int_equal(p.pgoff, 0);
	assert_true(p.vm_flags & VM_SHARED && p.vm_flags & VM_MAYSHARE);
	/* A shared mapping of a read-only fd may never become writable. */
	a = (struct mmap_args)ARGS(0, PG, R, SHR, 5 * PG);
	assert_int_equal(run_mmap(&a, F_RO, 0, &p), 0);
	assert_int_equal(p.pgoff, 5);
	assert_false(p.vm_flags & (VM_SHARED | VM_MAYWRITE));
	assert_true(p.vm_flags & VM_MAYSHARE);
	assert_int_equal(p.commit_pages, 0);
	/* MAP_POPULATE, MAP_LOCKED and MAP_STACK. */
	a = (struct mmap_args)ARGS(0, PG, RW, PRIV | ANON | MAP_POPULATE | MAP_STACK, 0);
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_true(p.populate && (p.vm_flags & VM_NOHUGEPAGE));
	a.flags = PRIV | ANON | MAP_POPULATE | MAP_NONBLOCK;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_false(p.populate);
	a.flags = PRIV | ANON | MAP_LOCKED;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_true(p.populate && (p.vm_flags & VM_LOCKED));
	/* FreeBSD's MAP_NOCORE leaves the VMA out of core dumps; MAP_NOSYNC is recorded. */
	a.flags = PRIV | ANON | MAP_NOCORE;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_true((p.vm_flags & VM_DONTDUMP) && !(p.vm_flags & VM_NOSYNC));
	a.flags = SHR | ANON | MAP_NOSYNC;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_true((p.vm_flags & VM_NOSYNC) && !(p.vm_flags & VM_DONTDUMP));
	/* QNX's MAP_LAZY is never charged, even where overcommit is strict. */
	a.flags = PRIV | ANON | MAP_LAZY;
	assert_int_equal(run_mmap(&a, F_ANON, L_NEVER, &p), 0);
	assert_true((p.vm_flags & VM_LAZY) && p.commit_pages == 0);
	a.flags = PRIV | ANON | MAP_NOINIT;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_true((p.vm_flags & VM_NOINIT) && p.commit_pages == 1);
}

static void test_mmap_placement(void **state)
{
	struct mmap_args a = ARGS(FREE + 123, PG, RW, PRIV | ANON, 0);
	struct mmap_plan p;

	(void)state;
	/* A hint is rounded down to the page, and up to mmap_min_addr. */
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(area_hint, FREE);
	assert_int_equal(p.addr, FREE);
	a.addr = PG + 5;
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(area_hint, MC_MIN_ADDR);
	a.addr = 5; /* rounds down to 0: no hint at all */
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(area_hint, 0);
	/* MAP_FIXED does not ask the address space. */
	area_hint = 1;
	a = (struct mmap_args)ARGS(FREE, PG, RW, PRIV | ANON | FIX, 0);
	assert_int_equal(run_mmap(&a, F_ANON, L_NOROOM, &p), 0);
	assert_int_equal(area_hint, 1);
	assert_true(p.fixed);
	/* MAP_HUGETLB: 2 MiB length and alignment, a pool reservation. */
	a = (struct mmap_args)ARGS(0, PG, RW, PRIV | ANON | MAP_HUGETLB | MAP_HUGE_2MB, 0);
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), 0);
	assert_int_equal(p.len, M2);
	assert_int_equal(area_align, M2);
	assert_int_equal(p.page_size, M2);
	assert_true(p.reserve_huge && (p.vm_flags & VM_HUGETLB));
	assert_int_equal(p.commit_pages, 0);
	a.flags |= MAP_NORESERVE;
	assert_int_equal(run_mmap(&a, F_ANON, L_NEVER, &p), 0);
	assert_false(p.reserve_huge);
	/* Rounding a length to 2 MiB can wrap to 0: that is length 0. */
	a = (struct mmap_args)ARGS(0, UINT64_MAX - PG, RW, PRIV | ANON | MAP_HUGETLB, 0);
	assert_int_equal(run_mmap(&a, F_ANON, 0, &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_errno_table),
		cmocka_unit_test(test_mmap_plan),
		cmocka_unit_test(test_mmap_placement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
