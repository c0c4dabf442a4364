// SPDX-License-Identifier: MIT
/*
 * guest_fault [MIB [PASSES]]: the first store to each 4 KiB page of a
 * fresh private anonymous mapping of MIB MiB (default 64), one demand-zero
 * fault per page; the mapping is unmapped and made again PASSES times
 * (default 2). Prints "fault_ns N" (the first pass: memory the process
 * never had), "fault_reuse_ns N" (the median of the later passes: the
 * kernel may hand back the frames it just freed; absent with PASSES 1),
 * each the median batch's time per page, and "fault_pages N" per pass.
 */
#include <sys/mman.h>

#include "bench.h"

#define MAX_PASSES 100

static void touch(void *arg, long i)
{
	((volatile char *)arg)[i * 4096] = 1;
}

static double pass(const char *prog, size_t len)
{
	volatile char *p;
	double ns;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_fail(prog, "mmap");
	/* 4 KiB faults natively too, whatever the host's THP policy; a kernel
	 * without transparent huge pages may refuse the advice, which is fine */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	ns = bench_run(len / 4096, BENCH_BATCHES, touch, (void *)p);
	if (p[0] != 1 || p[len - 4096] != 1 || p[1] != 0)
		bench_fail(prog, "stores did not stick");
	if (munmap((void *)p, len))
		bench_fail(prog, "munmap");
	return ns;
}

int main(int argc, char **argv)
{
	long mib, passes;
	size_t len;
	double first, again[MAX_PASSES];

	bench_usage_max(argc, argv, 2, "[MIB [PASSES]]");
	mib = bench_arg(argc, argv, 1, "MIB", 64, 4096);
	passes = bench_arg(argc, argv, 2, "PASSES", 2, MAX_PASSES);
	len = (size_t)mib << 20;
	first = pass(argv[0], len);
	for (long i = 1; i < passes; i++)
		again[i - 1] = pass(argv[0], len);
	printf("fault_ns %.1f\n", first);
	if (passes > 1)
		printf("fault_reuse_ns %.1f\n", bench_median(again, passes - 1));
	printf("fault_pages %zu\n", len / 4096);
	return 0;
}
