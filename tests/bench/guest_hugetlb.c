// SPDX-License-Identifier: MIT
/*
 * guest_hugetlb [COUNT]: the first store to each 2 MiB page of a
 * MAP_HUGETLB mapping of COUNT huge pages (default 16); prints
 * "hugetlb_fault_ns N" (mean per 2 MiB page: one batch, as there are few
 * pages and a clock read in the sandbox is a syscall) and
 * "hugetlb_pages N". Where
 * the kernel has no huge pages to give (Linux without reserved ones says
 * ENOMEM) it prints "hugetlb_unavailable ERRNO" instead and exits 0: that
 * is a fact about the host, not a failure of the benchmark.
 */
#include <sys/mman.h>

#include "bench.h"

#define HUGE (2UL << 20)

static void touch(void *arg, long i)
{
	((volatile char *)arg)[i * HUGE] = 1;
}

int main(int argc, char **argv)
{
	long n;
	volatile char *p;
	double ns;

	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 16, 65536);
	p = mmap(NULL, n * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		 -1, 0);
	if (p == MAP_FAILED) {
		if (errno == ENOMEM)
			printf("hugetlb_unavailable ENOMEM\n");
		else
			printf("hugetlb_unavailable errno-%d\n", errno);
		return 0;
	}
	ns = bench_run(n, 1, touch, (void *)p);
	if (p[0] != 1 || p[HUGE - 1] != 0)
		bench_fail(argv[0], "huge page contents");
	printf("hugetlb_fault_ns %.1f\nhugetlb_pages %ld\n", ns, n);
	return munmap((void *)p, n * HUGE) != 0;
}
