// SPDX-License-Identifier: MIT
/*
 * hugetlb [--require]: MAP_HUGETLB with 2 MiB pages.
 *
 * Without arguments only Linux's rules for huge mappings are checked
 * (placement, rounding, EINVAL for cutting a huge page, ENOMEM exactly when
 * /proc/meminfo lacks free huge pages); they hold whether or not the
 * machine has huge pages to give, so the differential test compares the
 * output natively and in the sandbox.
 *
 * --require also uses the memory, which needs free huge pages (Linux:
 * vm.nr_hugepages; pagelab takes them from free RAM): every 2 MiB page is
 * really one physically contiguous, 2 MiB aligned block (pagemap PFNs,
 * which natively only root can read), zeroed, counted in HugePages_*,
 * copied on write after fork, shared with MAP_SHARED, and given back by
 * munmap. tests/integration/test_hugetlb.c runs it so in the sandbox.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mm_probe.h"

#define HUGE	  (2UL << 20)
#define NHUGE	  4
#define NPORTABLE 10
#define NREQUIRED 13

static long meminfo(const char *key)
{
	const char *at = strstr(slurp("/proc/meminfo"), key);

	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

/* Huge pages in use: HugePages_Total - HugePages_Free. */
static long huge_used(void)
{
	return meminfo("HugePages_Total:") - meminfo("HugePages_Free:");
}

/* The /proc/self/maps line that starts at p, copied into line. */
static bool maps_line(const void *p, char *line, size_t size)
{
	char want[32];
	const char *at;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	for (at = slurp("/proc/self/maps"); at && *at;
	     at = strchr(at, '\n'), at = at ? at + 1 : 0) {
		if (!strncmp(at, want, strlen(want))) {
			size_t n = strcspn(at, "\n");

			snprintf(line, size, "%.*s", (int)(n < size ? n : size - 1), at);
			return true;
		}
	}
	return false;
}

static char *map_huge(size_t len, int extra)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | extra, -1, 0);
}

/* Rules that hold on any Linux, with or without free huge pages. */
static void portable(void)
{
	char *p = map_huge(PG, MAP_NORESERVE), line[256];
	unsigned long s = 0, e = 0;
	long free_before = meminfo("HugePages_Free:");

	if (p == MAP_FAILED)
		bail("mmap MAP_HUGETLB|MAP_NORESERVE");
	ok((uintptr_t)p % HUGE == 0, "MAP_HUGETLB|MAP_NORESERVE of one small page: 2 MiB aligned");
	ok(maps_line(p, line, sizeof(line)) && sscanf(line, "%lx-%lx", &s, &e) == 2 &&
	       e - s == HUGE && strstr(line, "/anon_hugepage"),
	   "/proc/self/maps: the length is rounded up to 2 MiB, named /anon_hugepage");
	ok(FAILS(munmap(p + PG, PG), EINVAL), "munmap inside a huge page: EINVAL");
	ok(FAILS(munmap(p, HUGE - PG), EINVAL), "munmap of all but the end of a huge page: EINVAL");
	ok(FAILS(mprotect(p, PG, PROT_READ), EINVAL), "mprotect of part of a huge page: EINVAL");
	ok(mprotect(p, HUGE, PROT_READ) == 0, "mprotect of the whole huge page");
	ok(FAILS(mmap(p + PG, HUGE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED | MAP_NORESERVE, -1, 0),
		 EINVAL),
	   "MAP_HUGETLB|MAP_FIXED at an address off 2 MiB: EINVAL");
	ok(munmap(p, HUGE) == 0 && probe(p, 0) == SIGSEGV && faulted(SIGSEGV, SEGV_MAPERR, p),
	   "munmap of the whole huge page: it is gone");
	p = map_huge(NHUGE * HUGE, 0);
	ok((p != MAP_FAILED) == (free_before >= NHUGE) && (p != MAP_FAILED || errno == ENOMEM),
	   "MAP_HUGETLB without MAP_NORESERVE: ENOMEM exactly when HugePages_Free is short");
	if (p != MAP_FAILED)
		munmap(p, NHUGE * HUGE);
	free_before = meminfo("HugePages_Free:");
	ok(free_before >= 0 && FAILS(map_huge((free_before + 1) * HUGE, 0), ENOMEM),
	   "MAP_HUGETLB of one huge page more than HugePages_Free: ENOMEM");
}

/* Each huge page of [p, p + n * HUGE) is 512 contiguous frames from a 2 MiB boundary. */
static bool contiguous(const char *p, size_t n)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	static uint64_t e[512];
	bool good = pm >= 0;

	for (size_t h = 0; good && h < n; h++) {
		off_t at = (off_t)((uintptr_t)(p + h * HUGE) / PG * 8);

		good = pread(pm, e, sizeof(e), at) == sizeof(e) && (e[0] >> 63) &&
		       (e[0] & ((1ULL << 55) - 1)) % 512 == 0;
		for (int i = 1; good && i < 512; i++)
			good = (e[i] >> 63) &&
			       (e[i] & ((1ULL << 55) - 1)) == (e[0] & ((1ULL << 55) - 1)) + i;
	}
	if (pm >= 0)
		close(pm);
	return good;
}

static uint64_t pfn_of(const void *p)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (pm < 0 || pread(pm, &e, 8, (off_t)((uintptr_t)p / PG * 8)) != 8)
		e = 0;
	if (pm >= 0)
		close(pm);
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

static char *shared_page;
static uint64_t parent_pfn[2];

/* In a forked child: its pages are the parent's frames until it stores. */
static int child_writes(void *arg)
{
	char *p = arg;
	bool same = pfn_of(p) == parent_pfn[0] && pfn_of(p + HUGE) == parent_pfn[1];

	p[HUGE + 5] = 'c'; /* copies the second huge page only */
	shared_page[7] = 's';
	return same && pfn_of(p) == parent_pfn[0] && pfn_of(p + HUGE) != parent_pfn[1] &&
		       p[5] == 'p' && p[HUGE + 5] == 'c'
		   ? 0
		   : 1;
}

static bool zeroed(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 64)
		if (p[i])
			return false;
	return true;
}

/* The memory itself: needs NHUGE + 1 free huge pages. */
static void required(void)
{
	long used = huge_used();
	char *p, *q;
	bool zero;
	int status;

	ok(meminfo("HugePages_Free:") >= NHUGE + 1 && meminfo("Hugepagesize:") == 2048,
	   "/proc/meminfo: 2048 kB huge pages, enough of them free");
	p = map_huge(NHUGE * HUGE, 0);
	if (p == MAP_FAILED)
		bail("mmap MAP_HUGETLB");
	ok(huge_used() == used, "an untouched mapping uses no huge page");
	for (int h = 0; h < NHUGE; h++)
		((volatile char *)p)[h * HUGE + 4 * PG] = 0;
	ok(huge_used() == used + NHUGE && contiguous(p, NHUGE),
	   "one store per 2 MiB maps all of it: 512 present pages, contiguous frames "
	   "from a 2 MiB boundary");
	ok(zeroed(p, NHUGE * HUGE), "first touch gives zeroed memory");
	memset(p, 'p', NHUGE * HUGE);
	shared_page = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (shared_page == MAP_FAILED)
		bail("mmap MAP_SHARED|MAP_HUGETLB");
	parent_pfn[0] = pfn_of(p);
	parent_pfn[1] = pfn_of(p + HUGE);
	status = in_child(child_writes, p);
	ok(exited(status, 0),
	   "fork: the child maps the parent's frames until it stores, then its own copy");
	ok(p[HUGE + 5] == 'p' && p[5] == 'p', "the child's store is copied: the parent keeps 'p'");
	ok(shared_page[7] == 's', "MAP_SHARED|MAP_HUGETLB: the child's store is seen");
	ok(munmap(shared_page, HUGE) == 0 && munmap(p, NHUGE * HUGE) == 0 && huge_used() == used,
	   "munmap gives every huge page back");

	p = map_huge(HUGE, MAP_POPULATE);
	ok(p != MAP_FAILED && pfn_of(p) && huge_used() == used + 1,
	   "MAP_POPULATE: the huge page is there before the first touch");
	ok(p != MAP_FAILED && mprotect(p, HUGE, PROT_READ) == 0 && probe(p + 100, 1) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_ACCERR, p + 100) && probe(p + 100, 0) == 0,
	   "mprotect PROT_READ of a huge page: a store faults SEGV_ACCERR, a load works");
	ok(p != MAP_FAILED && mprotect(p, HUGE, PROT_NONE) == 0 && probe(p + 200, 0) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_ACCERR, p + 200) && pfn_of(p + HUGE - PG) &&
	       mprotect(p, HUGE, PROT_READ | PROT_WRITE) == 0 && probe(p + 200, 1) == 0 &&
	       p[0] == 0 && p[HUGE - 1] == 0 && contiguous(p, 1),
	   "PROT_NONE and back: the huge page stays (pagemap), faults SEGV_ACCERR, then works");
	munmap(p, HUGE);

	/* Small pages where a huge page was, then a huge page again. */
	q = mmap(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (q != MAP_FAILED)
		q[0] = 1;
	munmap(q, PG);
	q = mmap(p, HUGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0);
	zero = q == p && zeroed(q, HUGE);
	ok(zero && contiguous(q, 1), "a huge page where small pages were: zeroed and contiguous");
	ok(q != MAP_FAILED && munmap(q, HUGE) == 0 && huge_used() == used,
	   "and it is given back too");
}

int main(int argc, char **argv)
{
	bool require = argc > 1 && !strcmp(argv[1], "--require");

	if (argc > 2 || (argc == 2 && !require)) {
		fprintf(stderr, "usage: %s [--require]\n", argv[0]);
		return 2;
	}
	tap_plan(NPORTABLE + (require ? NREQUIRED : 0));
	probe_install();
	portable();
	if (require)
		required();
	return tap_done();
}
