// SPDX-License-Identifier: MIT
/*
 * guest_populate [MIB [PASSES]]: mmap of MIB MiB (default 64) of private
 * anonymous memory with MAP_POPULATE, which fills every page in the one
 * call, then munmap, PASSES times (default 4). Prints the call's time in
 * total and per 4 KiB page for the first pass ("populate_total_us N",
 * "populate_page_ns N": memory the process never had) and the median of
 * the later ones ("populate_reuse_total_us N", "populate_reuse_page_ns N":
 * the kernel may hand back the frames it just freed; absent with PASSES 1).
 */
#include <sys/mman.h>

#include "bench.h"

#define MAX_PASSES 100

static double populate(const char *prog, size_t len)
{
	volatile char *p;
	double t0, t1;

	t0 = bench_now_ns();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1,
		 0);
	t1 = bench_now_ns();
	if (p == MAP_FAILED)
		bench_fail(prog, "mmap MAP_POPULATE");
	if (p[0] != 0 || p[len - 1] != 0)
		bench_fail(prog, "populated memory is not zero");
	p[0] = 1; /* dirty, so that a reused frame must be zeroed again */
	if (munmap((void *)p, len))
		bench_fail(prog, "munmap");
	return t1 - t0;
}

int main(int argc, char **argv)
{
	long mib, passes, pages;
	size_t len;
	double first, again[MAX_PASSES], reuse;

	bench_usage_max(argc, argv, 2, "[MIB [PASSES]]");
	mib = bench_arg(argc, argv, 1, "MIB", 64, 4096);
	passes = bench_arg(argc, argv, 2, "PASSES", 4, MAX_PASSES);
	len = (size_t)mib << 20;
	pages = len / 4096;
	first = populate(argv[0], len);
	for (long i = 1; i < passes; i++)
		again[i - 1] = populate(argv[0], len);
	printf("populate_total_us %.1f\npopulate_page_ns %.1f\n", first / 1e3, first / pages);
	if (passes > 1) {
		reuse = bench_median(again, passes - 1);
		printf("populate_reuse_total_us %.1f\npopulate_reuse_page_ns %.1f\n", reuse / 1e3,
		       reuse / pages);
	}
	return 0;
}
