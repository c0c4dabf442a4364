// SPDX-License-Identifier: MIT
/*
 * The mmap family as Linux defines it (issue 4, "Semantics to implement"):
 * mmap flags and errors, munmap, mprotect, msync, madvise, mincore, mlock,
 * mremap and brk in mmap_conformance_calls.h; files, shared memory and fork
 * in mmap_conformance_files.h; signals, accounting and /proc in
 * mmap_conformance_sig.h. Every case runs natively and in the
 * sandbox and the TAP must match, so only facts are printed.
 *
 * Works in a temporary directory under /tmp, removed at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "mm_probe.h"

#define UNKNOWN_MAP_FLAG ((int)0x80000000)

#define NTESTS 154

static char dir[64];
static char made[32][32]; /* files to remove at the end */
static int nmade;

static char *path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%.63s/%.63s", dir, name);
	return buf;
}

/* A file of size bytes, every byte of page i being 'a' + i. */
static int make_file(const char *name, size_t size)
{
	int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[PG];

	if (fd < 0)
		bail("open");
	if (nmade < 32)
		snprintf(made[nmade++], sizeof(made[0]), "%s", name);
	for (size_t off = 0; off < size; off += PG) {
		size_t n = size - off < PG ? size - off : PG;

		memset(page, 'a' + (int)(off / PG), PG);
		if (pwrite(fd, page, n, (off_t)off) != (ssize_t)n)
			bail("pwrite");
	}
	return fd;
}

/* A free, page-aligned range of n pages (mapped, then unmapped). */
static char *free_range(size_t n)
{
	char *p = map_anon(n * PG, PROT_NONE);

	munmap(p, n * PG);
	return p;
}

static void mmap_basics(void)
{
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool zero = p != MAP_FAILED;

	for (size_t i = 0; zero && i < 3 * PG; i++)
		zero = p[i] == 0;
	ok(zero && (uintptr_t)p % PG == 0, "mmap anonymous: page aligned and zero filled");
	p[0] = 'x';
	p[3 * PG - 1] = 'y';
	ok(p[0] == 'x' && p[3 * PG - 1] == 'y', "mmap anonymous: both ends writable");
	munmap(p, 3 * PG);

	ok(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
	   "a failing mmap returns MAP_FAILED, not NULL");
	ok(FAILS(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL),
	   "mmap length 0: EINVAL");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL),
	   "mmap neither MAP_SHARED nor MAP_PRIVATE: EINVAL");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), EINVAL),
	   "MAP_SHARED_VALIDATE for anonymous memory: EINVAL");
	p = free_range(1);
	ok(FAILS(mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		 EINVAL),
	   "MAP_FIXED at an unaligned address: EINVAL");
	ok(FAILS(mmap(NULL, 0x7ffffffff001UL, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		 ENOMEM),
	   "a length that rounds up past the address space: ENOMEM");
	/* All but 16 pages of the address space: the program itself is in the way. */
	ok(FAILS(mmap(NULL, 0x7ffffffef000UL, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
		 ENOMEM),
	   "no free range that large: ENOMEM");
	ok(FAILS(mmap((void *)0x7ffffffff000UL, 2 * PG, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		 ENOMEM),
	   "MAP_FIXED past the end of the address space: ENOMEM");
}

static void mmap_file_errors(void)
{
	int rw = make_file("errors", 2 * PG);
	int ro = open(path("errors"), O_RDONLY), wo = open(path("errors"), O_WRONLY);
	int d = open(dir, O_RDONLY | O_DIRECTORY), pfd[2], closed = dup(rw);
	char *p;

	if (ro < 0 || wo < 0 || d < 0 || pipe(pfd) || closed < 0)
		bail("setup");
	close(closed);
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_SHARED, rw, 100), EINVAL),
	   "mmap at an unaligned offset: EINVAL");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_SHARED, closed, 0), EBADF),
	   "mmap of a closed fd: EBADF");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF),
	   "mmap of fd -1 without MAP_ANONYMOUS: EBADF");
	ok(FAILS(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, closed, 0), EBADF),
	   "a bad fd is reported before a zero length: EBADF");
	ok(FAILS(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES),
	   "O_RDONLY fd, MAP_SHARED with PROT_WRITE: EACCES");
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	ok(p != MAP_FAILED && p[0] == 'a', "O_RDONLY fd, MAP_PRIVATE with PROT_WRITE: allowed");
	munmap(p, PG);
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0), EACCES), "O_WRONLY fd: EACCES");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, d, 0), ENODEV), "a directory: ENODEV");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0), ENODEV), "a pipe: ENODEV");
	ok(FAILS(mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, rw, 0x7ffffffffffff000L), EOVERFLOW),
	   "offset plus length past the largest file: EOVERFLOW");
	/*
	 * Bit 31: known neither to Linux nor to pagelab, which gives the free
	 * bits below the MAP_HUGE field to QNX's and FreeBSD's flags
	 * (include/pagelab/mman.h). As an int it reaches the kernel
	 * sign-extended, and both kernels ignore or refuse the upper half alike.
	 */
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | UNKNOWN_MAP_FLAG, rw, 0),
		 EOPNOTSUPP),
	   "MAP_SHARED_VALIDATE with an unknown flag: EOPNOTSUPP");
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED | UNKNOWN_MAP_FLAG, rw, 0);
	ok(p != MAP_FAILED, "MAP_SHARED ignores an unknown flag");
	munmap(p, PG);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_POPULATE, rw, 0);
	ok(p != MAP_FAILED && p[0] == 'a', "MAP_SHARED_VALIDATE with known flags maps the file");
	munmap(p, PG);
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, rw, 0), EINVAL),
	   "MAP_GROWSDOWN of a file: EINVAL");
	ok(FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, rw, 0), EINVAL),
	   "MAP_HUGETLB of a regular file: EINVAL");
	close(ro);
	close(wo);
	close(d);
	close(pfd[0]);
	close(pfd[1]);
	close(rw);
}

static void mmap_placement(void)
{
	char *p = map_anon(3 * PG, PROT_READ | PROT_WRITE), *q, *hint;

	memset(p, 'A', PG);
	memset(p + PG, 'B', PG);
	memset(p + 2 * PG, 'C', PG);
	q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0);
	ok(q == p + PG && p[PG - 1] == 'A' && p[PG] == 0 && p[2 * PG - 1] == 0 && p[2 * PG] == 'C',
	   "MAP_FIXED replaces exactly the pages under it");
	p[PG] = 'B';
	ok(FAILS(
	       mmap(p, 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
	       EEXIST) &&
	       p[PG] == 'B',
	   "MAP_FIXED_NOREPLACE over a mapping: EEXIST, the mapping intact");
	hint = free_range(4);
	q = mmap(hint + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		 0);
	ok(q == hint + PG, "MAP_FIXED_NOREPLACE at a free address maps exactly there");
	munmap(q, PG);
	q = mmap(hint, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(q == hint, "a free hint address is used as given");
	munmap(q, 2 * PG);
	q = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(q != MAP_FAILED && q != p && p[0] == 'A',
	   "a hint over a mapping is not used, and the mapping stays");
	munmap(q, PG);
	munmap(p, 3 * PG);

	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	ok(p != MAP_FAILED && resident(p, 8) == 8, "MAP_POPULATE: every page resident at once");
	munmap(p, 8 * PG);
	p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1,
		 0);
	ok(p != MAP_FAILED && resident(p, 8) == 8, "MAP_LOCKED: every page resident at once");
	munmap(p, 8 * PG);
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1,
		 0);
	ok(p != MAP_FAILED && (p[0] = 1) == 1, "MAP_STACK: ordinary anonymous memory");
	munmap(p, 4 * PG);
}

/* A stack VMA with room below it grows when a fault lands just under it. */
static void mmap_growsdown(void)
{
	char *r = map_anon(1024 * PG, PROT_NONE), *s;

	/* Keep an inaccessible floor far below; free the middle. */
	munmap(r + 16 * PG, 1000 * PG);
	s = mmap(r + 1016 * PG, 8 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
	ok(s == r + 1016 * PG && probe(s - PG, 1) == 0 && resident(s - PG, 1) == 1,
	   "MAP_GROWSDOWN: a fault just below the region grows it");
	munmap(r, 1024 * PG);
	ok(FAILS(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN,
		      -1, 0),
		 EINVAL),
	   "MAP_GROWSDOWN with MAP_SHARED: EINVAL");
}

static long meminfo(const char *key);

static void mmap_hugetlb(void)
{
	const size_t H = 2UL << 20;
	char *p;

	ok(FAILS(mmap(NULL, PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (14 << MAP_HUGE_SHIFT), -1, 0),
		 EINVAL),
	   "MAP_HUGETLB with an unknown page size: EINVAL");
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
	ok(p != MAP_FAILED && (uintptr_t)p % H == 0, "MAP_HUGETLB: 2 MiB aligned");
	ok(p != MAP_FAILED && FAILS(munmap(p, PG), EINVAL),
	   "MAP_HUGETLB: munmap of part of a huge page: EINVAL");
	ok(p != MAP_FAILED && munmap(p, H) == 0, "MAP_HUGETLB: munmap of the whole huge page");
	/* Without MAP_NORESERVE the pool must have the pages now. */
	p = mmap(NULL, H, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (meminfo("HugePages_Free:") >= 1) {
		bool used = p != MAP_FAILED;

		if (used) {
			p[0] = 1;
			p[H - 1] = 2;
			used = p[0] == 1 && p[H - 1] == 2 && resident(p, 1) == 1;
			munmap(p, H);
		}
		ok(used, "MAP_HUGETLB reserves from the huge page pool");
	} else {
		ok(p == MAP_FAILED && errno == ENOMEM,
		   "MAP_HUGETLB reserves from the huge page pool");
	}
}

/* mov $42, %eax; ret: code to copy into a data page. */
__asm__(".text\nret42_code: movl $42, %eax\nret\nret42_end:\n"
	".globl ret42_code, ret42_end");
extern const char ret42_code[], ret42_end[];

static void protections(void)
{
	char *p = map_anon(2 * PG, PROT_NONE), *code;
	int (*fn)(void);
	int r = 0;

	ok(probe(p + 5, 0) == SIGSEGV && faulted(SIGSEGV, SEGV_ACCERR, p + 5),
	   "PROT_NONE: a read faults SIGSEGV SEGV_ACCERR at the address");
	mprotect(p, 2 * PG, PROT_READ);
	ok(probe(p + 7, 0) == 0 && probe(p + PG + 9, 1) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_ACCERR, p + PG + 9),
	   "PROT_READ: reads work, a write faults SEGV_ACCERR at the address");
	munmap(p, 2 * PG);

	code = map_anon(PG, PROT_READ | PROT_WRITE);
	memcpy(code, ret42_code, (size_t)(ret42_end - ret42_code));
	fn = (int (*)(void))code;
	ok(probe_call(fn, &r) == SIGSEGV && faulted(SIGSEGV, SEGV_ACCERR, code),
	   "no PROT_EXEC: code there does not run (NX), SEGV_ACCERR at it");
	mprotect(code, PG, PROT_READ | PROT_EXEC);
	ok(probe_call(fn, &r) == 0 && r == 42, "PROT_EXEC: the same code runs");
	munmap(code, PG);
}

#include "mmap_conformance_calls.h"
#include "mmap_conformance_files.h"
#include "mmap_conformance_sig.h"

int main(void)
{
	struct rlimit nocore = { 0, 0 };

	tap_plan(NTESTS);
	setrlimit(RLIMIT_CORE, &nocore);
	strcpy(dir, "/tmp/mmapconf.XXXXXX");
	if (!mkdtemp(dir))
		bail("mkdtemp");
	probe_install();
	brk_calls(); /* first: nothing has moved the break yet */
	mmap_basics();
	mmap_file_errors();
	mmap_placement();
	mmap_growsdown();
	mmap_hugetlb();
	protections();
	munmap_calls();
	mprotect_calls();
	msync_calls();
	madvise_calls();
	mincore_calls();
	mlock_calls();
	mremap_calls();
	file_mappings();
	eof_and_truncate();
	posix_shm();
	fork_calls();
	signal_calls();
	accounting();
	proc_files();
	for (int i = 0; i < nmade; i++)
		unlink(path(made[i]));
	if (rmdir(dir))
		diag("could not remove %s", dir);
	return tap_done();
}
