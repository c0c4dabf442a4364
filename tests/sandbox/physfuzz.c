// SPDX-License-Identifier: MIT
/*
 * physfuzz [SEED [CALLS]]: random QNX/BSD physical-memory requests (flag
 * combinations, fds, physical offsets, lengths, MAP_FIXED over a scratch
 * reservation, mem_offset and minherit arguments). A call that fails must
 * give one of the manuals' errnos and leave the process's mappings
 * (/proc/self/maps) and the kernel's free memory (/proc/meminfo) exactly
 * as they were; one that maps is unmapped again, and at the end free
 * memory is what it was at the start. Nothing is ever written through a
 * mapping it makes (beyond the page tables for the places it mapped, a few
 * pages). Sandbox only (tests/integration/test_physmem.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define SCRATCH_PAGES 64

static uint64_t state;
static char *scratch;
static char maps_before[1 << 16];
static char last_call[200]; /* for the report of a failure */
static uint64_t last_flags;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

#define PICK(a) pick((a), sizeof(a) / sizeof((a)[0]))

static long mem_free(void)
{
	const char *m = strstr(slurp("/proc/meminfo"), "MemFree:");

	return m ? strtol(m + 8, NULL, 10) : -1;
}

static bool allowed_errno(int e)
{
	return e == EINVAL || e == EPERM || e == ENXIO || e == ENOMEM || e == EBADF ||
	       e == EACCES || e == EOPNOTSUPP || e == EOVERFLOW || e == ENODEV || e == EEXIST;
}

static void reserve_scratch(void)
{
	char *p = mmap(scratch, SCRATCH_PAGES * PG, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | (scratch ? MAP_FIXED : 0), NOFD, 0);

	if (p == MAP_FAILED || (scratch && p != scratch))
		bail("scratch");
	scratch = p;
}

static long random_mmap(void)
{
	static const uint64_t lens[] = { 0,	     1,		  PG,	    3 * PG,
					 64 << 10,   256 << 10,	  96 << 10, SCRATCH_PAGES * PG,
					 1ULL << 40, (uint64_t)-1 };
	static const uint64_t offs[] = { 0,	     0xf0000,	 0xb8000,  0xa0000,
					 0xc0000,    0xf0001,	 0x100000, 0xd0000000,
					 0xe0000000, 0x40000000, -4096ULL, 1ULL << 52 };
	static const uint64_t bits[] = { MAP_PHYS,  MAP_ANONYMOUS, MAP_BELOW16M, MAP_NOX64K,
					 MAP_LAZY,  MAP_NOCORE,	   MAP_INHERIT,	 MAP_HUGETLB,
					 MAP_FIXED, MAP_POPULATE,  MAP_NORESERVE };
	static const uint64_t types[] = { MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, 0, 5 };
	static const uint64_t fds[] = { (uint64_t)NOFD, 0, 99 };
	static const uint64_t prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
					  PROT_READ | PROT_NOCACHE, PROT_NONE, 0x100 };
	uint64_t flags = PICK(types), len = PICK(lens), prot, fd, off;
	void *addr, *p;

	/* One draw per statement: the same seed is the same calls with any compiler. */
	for (int i = 0, n = (int)(rnd() % 4); i < n; i++)
		flags |= PICK(bits);
	prot = PICK(prots);
	fd = PICK(fds);
	off = PICK(offs);
	addr = (flags & MAP_FIXED) ? scratch : NULL;
	last_flags = flags;
	snprintf(last_call, sizeof(last_call), "mmap(%p, %#lx, %#lx, %#lx, %d, %#lx)", addr,
		 (unsigned long)len, (unsigned long)prot, (unsigned long)flags, (int)fd,
		 (unsigned long)off);
	p = mmap(addr, len, (int)prot, (int)flags, (int)fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	if (flags & MAP_HUGETLB) /* the mapping is whole 2 MiB pages, and so must its munmap be */
		len = (len + (2 << 20) - 1) & ~((2UL << 20) - 1);
	if (munmap(p, len))
		bail("munmap of what mmap returned");
	if (flags & MAP_FIXED)
		reserve_scratch();
	return 0;
}

static long random_other(void)
{
	static const uint64_t addrs[] = { 0x1000, 0, (uint64_t)-4096 };
	char *a = rnd() % 2 ? scratch + (rnd() % SCRATCH_PAGES) * PG : (char *)PICK(addrs);
	off_t off;

	size_t len;
	int arg;

	last_flags = 0;
	if (rnd() % 2) {
		/* One draw per statement, as in random_mmap. */
		arg = (int)(rnd() % 3) - 1;
		len = rnd() % (1 << 20);
		snprintf(last_call, sizeof(last_call), "mem_offset(%p, %d, %#zx)", (void *)a, arg,
			 len);
		return mem_offset(a, arg, len, &off, NULL) ? -errno : 0;
	}
	len = rnd() % (1 << 20);
	arg = (int)(rnd() % 6) - 1;
	snprintf(last_call, sizeof(last_call), "minherit(%p, %#zx, %d)", (void *)a, len, arg);
	return minherit(a, len, arg) ? -errno : 0;
}

int main(int argc, char **argv)
{
	long calls = argc > 2 ? atol(argv[2]) : 2000, mapped = 0, refused = 0, start, tables = 0;

	state = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	state = state * 0x9e3779b97f4a7c15ULL | 1;
	probe_install();
	reserve_scratch();
	start = mem_free();
	for (long i = 0; i < calls; i++) {
		long before, err, kept;
		bool mm_call = rnd() % 4 != 0;

		snprintf(maps_before, sizeof(maps_before), "%s", slurp("/proc/self/maps"));
		before = mem_free();
		err = mm_call ? random_mmap() : random_other();
		if (!err) {
			mapped++;
			/*
			 * Undone: only page tables for new places may stay, a few
			 * pages (more after a MAP_POPULATE of a huge MAP_LAZY range:
			 * one table per 2 MiB it filled).
			 */
			kept = before - mem_free();
			if (kept > 16 + (last_flags & MAP_POPULATE ? 1024 : 0)) {
				printf("FAIL call %ld: %s and its undoing kept %ld KiB\n", i,
				       last_call, kept);
				return 1;
			}
			tables += kept > 0 ? kept : 0;
			continue;
		}
		refused++;
		if (!allowed_errno((int)-err)) {
			printf("FAIL call %ld: %s: errno %ld (%s) is no manual's\n", i, last_call,
			       -err, strerror(-err));
			return 1;
		}
		if (strcmp(maps_before, slurp("/proc/self/maps")) || mem_free() != before) {
			printf("FAIL call %ld: %s refused with %s, but the mappings or free memory "
			       "changed\n",
			       i, last_call, strerror(-err));
			return 1;
		}
	}
	/*
	 * What the successful calls kept (their page tables, checked above)
	 * and the kernel heap's caches (a few pages) may be missing; a leak
	 * per call would be more.
	 */
	if (mem_free() < start - tables - 32) {
		printf("FAIL: free memory %ld KiB at the end, %ld at the start\n", mem_free(),
		       start);
		return 1;
	}
	printf("ok: %ld calls, %ld succeeded and were undone, %ld refused cleanly\n", calls, mapped,
	       refused);
	return 0;
}
