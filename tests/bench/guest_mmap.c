// SPDX-License-Identifier: MIT
/*
 * guest_mmap [COUNT]: mmap of 4 KiB of private anonymous memory and its
 * munmap, never touched (two syscalls, no fault); prints
 * "mmap_munmap_ns N" (median batch of COUNT pairs, default 1000).
 */
#include <sys/mman.h>

#include "bench.h"

static void op(void *arg, long i)
{
	const char *prog = arg;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)i;
	if (p == MAP_FAILED)
		bench_fail(prog, "mmap");
	if (munmap(p, 4096))
		bench_fail(prog, "munmap");
}

int main(int argc, char **argv)
{
	long n;

	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 1000, 100000000);
	bench_run(16, 1, op, argv[0]);
	printf("mmap_munmap_ns %.1f\n", bench_run(n, BENCH_BATCHES, op, argv[0]));
	return 0;
}
