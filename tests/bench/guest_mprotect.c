// SPDX-License-Identifier: MIT
/*
 * guest_mprotect [COUNT]: mprotect of one present page, alternating
 * read-only and read-write (each change to read-only must flush the TLB);
 * prints "mprotect_ns N" (median batch of COUNT calls, default 1000).
 */
#include <sys/mman.h>

#include "bench.h"

static const char *prog;

static void op(void *arg, long i)
{
	if (mprotect(arg, 4096, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ))
		bench_fail(prog, "mprotect");
}

int main(int argc, char **argv)
{
	long n;
	volatile char *p;
	double ns;

	prog = argv[0];
	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 1000, 100000000);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_fail(prog, "mmap");
	p[0] = 1;
	bench_run(16, 1, op, (void *)p);
	ns = bench_run(n, BENCH_BATCHES, op, (void *)p);
	op((void *)p, 1); /* read-write, whatever COUNT was */
	p[0]++;
	if (p[0] != 2)
		bench_fail(prog, "the page lost its contents");
	printf("mprotect_ns %.1f\n", ns);
	return 0;
}
