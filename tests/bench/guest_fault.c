// SPDX-License-Identifier: MIT
/*
 * guest_fault [MIB [PASSES]]: the first store to each 4 KiB page of a
 * fresh private anonymous mapping of MIB MiB (default 64), one demand-zero
 * fault per page; the mapping is unmapped and made again PASSES times
 * (default 2). Prints "fault_ns N" (the first pass, per page: memory the
 * process never had), "fault_reuse_ns N" (the later passes, per page: the
 * kernel may hand back the frames it just freed; absent with PASSES 1) and
 * "fault_pages N" (pages per pass).
 */
#include <sys/mman.h>

#include "bench.h"

static double pass(const char *prog, size_t len)
{
	volatile char *p;
	double t0, t1;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_fail(prog, "mmap");
	/* 4 KiB faults natively too, whatever the host's THP policy; a kernel
	 * without transparent huge pages may refuse the advice, which is fine */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	t0 = bench_now_ns();
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	t1 = bench_now_ns();
	if (p[0] != 1 || p[len - 4096] != 1 || p[1] != 0)
		bench_fail(prog, "stores did not stick");
	if (munmap((void *)p, len))
		bench_fail(prog, "munmap");
	return t1 - t0;
}

int main(int argc, char **argv)
{
	long mib, passes, pages;
	size_t len;
	double first, again = 0;

	bench_usage_max(argc, argv, 2, "[MIB [PASSES]]");
	mib = bench_arg(argc, argv, 1, "MIB", 64, 4096);
	passes = bench_arg(argc, argv, 2, "PASSES", 2, 1000);
	len = (size_t)mib << 20;
	pages = len / 4096;
	first = pass(argv[0], len);
	for (long i = 1; i < passes; i++)
		again += pass(argv[0], len);
	printf("fault_ns %.1f\n", first / pages);
	if (passes > 1)
		printf("fault_reuse_ns %.1f\n", again / (passes - 1) / pages);
	printf("fault_pages %ld\n", pages);
	return 0;
}
