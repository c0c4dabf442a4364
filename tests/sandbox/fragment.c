// SPDX-License-Identifier: MIT
/*
 * fragment [MIB]: fragments physical memory on purpose, then asks for MIB
 * (default 4) of contiguous memory with MAP_PHYS|MAP_ANON. Nearly all free
 * memory is taken in single pages and every other page given back, so no
 * free block is larger than a page; the kernel must move pages to satisfy
 * the request. Prints whether it succeeded, whether every page kept its
 * data, the largest free block before, how many pages moved, and the time
 * (tests/integration/test_physmem.c, make bench). Sandbox only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

static long meminfo_kib(const char *key)
{
	const char *m = strstr(slurp("/proc/meminfo"), key);

	return m ? strtol(m + strlen(key), NULL, 10) : -1;
}

static long migrated(void)
{
	const char *m = strstr(slurp("/proc/pagelab/physmap"), "migrated ");

	return m ? strtol(m + 9, NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	size_t want = (size_t)(argc > 1 ? atol(argv[1]) : 4) << 20;
	size_t len = ((size_t)meminfo_kib("MemFree:") - 4096) * 1024, pages = len / PG, kept = 1;
	struct posix_typed_mem_info info;
	int tm = posix_typed_mem_open("/sysram", O_RDWR, POSIX_TYPED_MEM_ALLOCATE_CONTIG);
	char *all = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, NOFD, 0);
	long moved_before = migrated();
	struct timespec t0, t1;
	char *buf;

	if (all == MAP_FAILED || tm < 0)
		bail("setup");
	/*
	 * Page tables first (one touch per 2 MiB): they cannot move, and
	 * made one by one among the data pages they would leave no large block
	 * without one; made together they spoil a block or two.
	 */
	for (size_t i = 0; i < pages; i += 512)
		*(size_t *)(all + i * PG) = i;
	for (size_t i = 0; i < pages; i++)
		*(size_t *)(all + i * PG) = i;
	for (size_t i = 0; i < pages; i += 2)
		munmap(all + i * PG, PG);
	posix_typed_mem_get_info(tm, &info);
	printf("largest free block before: %s\n",
	       info.posix_tmi_length < want ? "smaller" : "enough");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	buf = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON, NOFD, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("contiguous %zu MiB under fragmentation: %s\n", want >> 20,
	       buf != MAP_FAILED ? "yes" : strerror(errno));
	for (size_t i = 1; i < pages; i += 2)
		kept &= *(size_t *)(all + i * PG) == i;
	printf("every remaining page kept its data: %s\n", kept ? "yes" : "no");
	printf("pages moved: %s\n", migrated() > moved_before ? "some" : "none");
	fprintf(stderr, "fragment_contig_us %.1f\nfragment_migrated_pages %ld\n",
		(t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3,
		migrated() - moved_before);
	return buf != MAP_FAILED && kept ? 0 : 1;
}
