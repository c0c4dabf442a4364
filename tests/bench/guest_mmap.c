// SPDX-License-Identifier: MIT
/*
 * guest_mmap [COUNT]: mmap of 4 KiB of private anonymous memory and its
 * munmap, never touched (two syscalls, no fault); prints
 * "mmap_munmap_ns N" (mean over COUNT pairs, default 1000).
 */
#include <sys/mman.h>

#include "bench.h"

static void pair(const char *prog)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_fail(prog, "mmap");
	if (munmap(p, 4096))
		bench_fail(prog, "munmap");
}

int main(int argc, char **argv)
{
	long n;
	double t0, t1;

	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 1000, 100000000);
	for (int i = 0; i < 16; i++)
		pair(argv[0]);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		pair(argv[0]);
	t1 = bench_now_ns();
	printf("mmap_munmap_ns %.1f\n", (t1 - t0) / n);
	return 0;
}
