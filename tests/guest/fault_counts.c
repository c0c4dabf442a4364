// SPDX-License-Identifier: MIT
/*
 * getrusage's ru_minflt: one minor fault per page a program first touches,
 * per page MAP_POPULATE and mlock fault in for it, per copy-on-write;
 * wait4 and RUSAGE_CHILDREN report a reaped child's. The regions are
 * 1 MiB, too small for a transparent huge page on either side, so each
 * 4 KiB page is one fault natively and in the sandbox.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define LEN   (1 << 20)
#define PAGES (LEN / 4096)

static long minflt(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_minflt;
}

/* The faults were counted, and (almost) nothing else: a few for the program's own pages. */
static bool about(long faults, long pages)
{
	return faults >= pages && faults < pages + 32;
}

static char *map(int flags)
{
	return mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

static void touch(char *p)
{
	for (long i = 0; i < LEN; i += 4096)
		p[i] = 1;
}

int main(void)
{
	struct rusage ru;
	long before;
	pid_t child;
	char *p;
	int status;

	tap_plan(6);
	p = map(0);
	before = minflt(RUSAGE_SELF);
	touch(p);
	ok(about(minflt(RUSAGE_SELF) - before, PAGES), "each page first touched is a minor fault");
	before = minflt(RUSAGE_SELF);
	touch(p);
	ok(minflt(RUSAGE_SELF) - before < 8, "touching them again is not");
	munmap(p, LEN);

	before = minflt(RUSAGE_SELF);
	p = map(MAP_POPULATE);
	ok(about(minflt(RUSAGE_SELF) - before, PAGES),
	   "MAP_POPULATE counts the pages it faults in");
	before = minflt(RUSAGE_SELF);
	touch(p);
	ok(minflt(RUSAGE_SELF) - before < 8, "after which touching them costs no fault");

	child = fork();
	if (child == 0) {
		touch(p); /* copy-on-write of every page */
		_exit(0);
	}
	wait4(child, &status, 0, &ru);
	ok(about(ru.ru_minflt, PAGES), "wait4: the child's copy-on-write faults");
	ok(minflt(RUSAGE_CHILDREN) == ru.ru_minflt, "RUSAGE_CHILDREN: the same, once reaped");
	munmap(p, LEN);
	return tap_done();
}
