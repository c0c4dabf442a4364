// SPDX-License-Identifier: MIT
/*
 * guest_phys_anon [COUNT]: mmap of 256 KiB of physically contiguous memory
 * (QNX's MAP_PHYS|MAP_ANON, zero-filled) and munmap, beside the same size
 * with MAP_POPULATE (every page faulted in by mmap) and munmap, in the same
 * run; prints "phys_anon_ns N" and "populate_ns N" (median batches of COUNT
 * pairs, default 200). Natively MAP_PHYS is ignored by Linux: the program
 * says so and prints no phys_anon figure.
 */
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "bench.h"

#define LEN (256 << 10)

static const char *prog;

static void map_unmap(void *arg, long i)
{
	int flags = *(int *)arg;
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, flags, NOFD, 0);

	(void)i;
	if (p == MAP_FAILED)
		bench_fail(prog, "mmap");
	munmap(p, LEN);
}

int main(int argc, char **argv)
{
	int phys = MAP_PHYS | MAP_ANONYMOUS | MAP_SHARED;
	int populate = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE;
	off_t off;
	char *p;
	long n;

	prog = argv[0];
	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 200, 1000000);
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, phys, NOFD, 0);
	if (p == MAP_FAILED || mem_offset(p, NOFD, LEN, &off, NULL)) {
		printf("phys_anon_unavailable %s\n", strerror(errno));
	} else {
		munmap(p, LEN);
		bench_run(4, 1, map_unmap, &phys);
		printf("phys_anon_ns %.1f\n", bench_run(n, BENCH_BATCHES, map_unmap, &phys));
	}
	bench_run(4, 1, map_unmap, &populate);
	printf("populate_ns %.1f\n", bench_run(n, BENCH_BATCHES, map_unmap, &populate));
	return 0;
}
