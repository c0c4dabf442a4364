// SPDX-License-Identifier: MIT
/*
 * guest_mprotect [COUNT]: mprotect of one present page, alternating
 * read-only and read-write (each change to read-only must flush the TLB);
 * prints "mprotect_ns N" (mean over COUNT calls, default 1000).
 */
#include <sys/mman.h>

#include "bench.h"

static void flip(const char *prog, volatile char *p, long i)
{
	if (mprotect((void *)p, 4096, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ))
		bench_fail(prog, "mprotect");
}

int main(int argc, char **argv)
{
	long n;
	volatile char *p;
	double t0, t1;

	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 1000, 100000000);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_fail(argv[0], "mmap");
	p[0] = 1;
	for (long i = 0; i < 16; i++)
		flip(argv[0], p, i);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		flip(argv[0], p, i);
	t1 = bench_now_ns();
	if (p[0] != 1)
		bench_fail(argv[0], "the page lost its contents");
	printf("mprotect_ns %.1f\n", (t1 - t0) / n);
	return 0;
}
