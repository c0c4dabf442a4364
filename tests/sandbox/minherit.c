// SPDX-License-Identifier: MIT
/*
 * FreeBSD's minherit() with all four values across fork, for private and
 * shared memory, and its errors (TAP; sandbox only: Linux has no minherit).
 * tests/integration/test_physmem.c runs it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/auxv.h>
#include <time.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define NTESTS 15

static char *private_page(const char *text)
{
	char *p = map_anon(PG, PROT_READ | PROT_WRITE);

	strcpy(p, text);
	return p;
}

static char *shared_page(const char *text)
{
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, NOFD, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	strcpy(p, text);
	return p;
}

/* The child: 0 if it saw want (NULL: the page is absent), then writes "child". */
static int child_sees(void *arg)
{
	char **a = arg;
	char *p = a[0];
	const char *want = a[1];

	if (!want)
		return probe(p, 0) == SIGSEGV ? 0 : 1;
	if (strcmp(p, want))
		return 2;
	strcpy(p, "child");
	return 0;
}

static bool child_run(char *p, const char *want)
{
	char *a[2] = { p, (char *)want };

	return exited(in_child(child_sees, a), 0);
}

static void values(void)
{
	char *p;

	p = private_page("parent");
	ok(minherit(p, PG, INHERIT_SHARE) == 0, "INHERIT_SHARE of private memory");
	ok(child_run(p, "parent") && !strcmp(p, "child"),
	   "the child saw the data, and its store reached the parent");
	munmap(p, PG);
	p = private_page("parent");
	ok(minherit(p, PG, INHERIT_COPY) == 0 && child_run(p, "parent") && !strcmp(p, "parent"),
	   "INHERIT_COPY of private memory: the child's store stays its own");
	munmap(p, PG);
	p = private_page("parent");
	ok(minherit(p, PG, INHERIT_NONE) == 0 && child_run(p, NULL) && !strcmp(p, "parent"),
	   "INHERIT_NONE: nothing there in the child (SIGSEGV)");
	munmap(p, PG);
	p = private_page("parent");
	ok(minherit(p, PG, INHERIT_ZERO) == 0 && child_run(p, "") && !strcmp(p, "parent"),
	   "INHERIT_ZERO: the child reads zeroes, the parent keeps its data");
	munmap(p, PG);
	p = shared_page("parent");
	ok(child_run(p, "parent") && !strcmp(p, "child"), "shared memory is shared by default");
	strcpy(p, "parent");
	ok(minherit(p, PG, INHERIT_COPY) == 0 && child_run(p, "parent") && !strcmp(p, "parent"),
	   "INHERIT_COPY of shared memory: a snapshot, the child's store stays its own");
	strcpy(p, "parent");
	ok(minherit(p, PG, INHERIT_ZERO) == 0 && child_run(p, "") && !strcmp(p, "parent"),
	   "INHERIT_ZERO of shared memory: zeroes in the child, nothing reaches the parent");
	munmap(p, PG);
}

/* The vDSO's data page and code, shared by minherit, still tell the time as it passes. */
static bool vdso_stays(void)
{
	char *vdso = (char *)getauxval(AT_SYSINFO_EHDR), line[256];
	struct timespec a, b, pause = { 0, 2000000 };
	bool named = false;
	FILE *maps;

	if (!vdso || minherit(vdso - PG, 2 * PG, INHERIT_SHARE))
		return false;
	maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof(line), maps))
		named |= strstr(line, "[vvar]") != NULL;
	if (maps)
		fclose(maps);
	clock_gettime(CLOCK_MONOTONIC, &a);
	nanosleep(&pause, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return named && (b.tv_sec > a.tv_sec || b.tv_nsec > a.tv_nsec);
}

static void ranges_and_errors(void)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE), *phys;

	strcpy(p + PG, "middle");
	ok(minherit(p + PG + 10, 10, INHERIT_SHARE) == 0,
	   "an unaligned address and length are rounded out to the page");
	ok(child_run(p + PG, "middle") && !strcmp(p + PG, "child") && p[0] == 0,
	   "only that page is shared");
	ok(FAILS(minherit(p, PG, 4), EINVAL), "an unknown value: EINVAL");
	ok(FAILS(minherit(p, -PG * 2, INHERIT_NONE), EINVAL), "a range that wraps: EINVAL");
	phys = mmap(NULL, PG, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xf0000);
	ok(phys != MAP_FAILED && FAILS(minherit(phys, PG, INHERIT_COPY), EACCES) &&
	       minherit(phys, PG, INHERIT_SHARE) == 0,
	   "MAP_PHYS memory: INHERIT_COPY is EACCES, INHERIT_SHARE is fine");
	ok(minherit((void *)0x10000, PG, INHERIT_NONE) == 0, "a hole is skipped");
	ok(vdso_stays(), "INHERIT_SHARE over the vDSO leaves it the kernel's: its clock runs on");
	munmap(phys, PG);
	munmap(p, 4 * PG);
}

int main(void)
{
	tap_plan(NTESTS);
	probe_install();
	values();
	ranges_and_errors();
	return tap_done();
}
