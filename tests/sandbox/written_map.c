// SPDX-License-Identifier: MIT
/*
 * written_map [host]: the written map (pagelab/abi.h) seen from inside,
 * through /proc/pagelab/physmap's "untouched" column: free RAM no one has
 * written since boot, which the kernel hands out without clearing.
 *
 * Without an argument (TAP): a fresh sandbox has such RAM; memory a
 * program used and gave back no longer counts; a MAP_PHYS mapping of RAM
 * takes all of it out (the program could write free frames through it);
 * memory taken after that is still zero.
 *
 * With "host": prints "untouched KIB", stops at checkpoint 1 so that the
 * host can write guest memory (tests/integration/test_physmem.c writes
 * back one byte in every 2 MiB), and prints "untouched KIB" again.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/guest.h>
#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define HUGE (2UL << 20)

struct ram_line {
	unsigned long long start, end, kib, free, untouched;
};

/* physmap's largest RAM range: the one the allocator hands out from. */
static struct ram_line main_ram(void)
{
	struct ram_line best = { 0 }, l;
	const char *s = slurp("/proc/pagelab/physmap");

	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		char kind[16];
		unsigned long long kernel, user, contig;

		if (sscanf(s, "%llx %llx %15s %llu %llu %llu %llu %llu %llu", &l.start, &l.end,
			   kind, &l.kib, &l.free, &kernel, &user, &contig, &l.untouched) == 9 &&
		    !strcmp(kind, "ram") && l.kib > best.kib)
			best = l;
	}
	if (!best.kib)
		bail("no RAM line with an untouched column in /proc/pagelab/physmap");
	return best;
}

static char *map_huge(size_t len)
{
	char *raw = map_anon(len + HUGE, PROT_READ | PROT_WRITE);
	char *p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));

	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

static void freed_memory_counts(void)
{
	struct ram_line before = main_ram(), after;
	size_t len = 8 * HUGE;
	char *p = map_huge(len);

	ok(before.untouched > 0 && before.untouched <= before.free,
	   "a fresh sandbox has free RAM no one has written (%llu of %llu KiB free)",
	   before.untouched, before.free);
	memset(p, 0x42, len);
	munmap(p, len + HUGE);
	after = main_ram();
	ok(after.untouched + (len >> 10) <= before.untouched,
	   "16 MiB filled and given back no longer count as untouched (%llu -> %llu KiB)",
	   before.untouched, after.untouched);
}

static void map_phys_takes_all(void)
{
	struct ram_line r = main_ram();
	size_t len = r.end + 1 - r.start;
	char *p = mmap(NULL, len, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, (off_t)r.start);
	size_t big = 16 * HUGE;
	char *q;

	ok(p != MAP_FAILED, "MAP_PHYS of all of RAM, read-only");
	if (p != MAP_FAILED)
		munmap(p, len);
	ok(main_ram().untouched == 0, "after it nothing counts as untouched");
	q = map_huge(big);
	for (size_t i = 0; i < big; i += PG)
		q[i] = 0;
	ok(first_nonzero(q, big) < 0, "and 32 MiB taken after it are zero, cleared by the kernel");
	munmap(q, big + HUGE);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "host")) {
		printf("untouched %llu\n", main_ram().untouched);
		fflush(stdout);
		pagelab_checkpoint(1, 0);
		printf("untouched %llu\n", main_ram().untouched);
		return 0;
	}
	tap_plan(5);
	freed_memory_counts();
	map_phys_takes_all();
	return tap_done();
}
