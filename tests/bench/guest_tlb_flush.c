// SPDX-License-Identifier: MIT
/*
 * guest_tlb_flush PAGES [WORKING_SET [COUNT]]: the cost of a change that
 * must flush PAGES pages, with the program's next accesses included:
 * mprotect of PAGES present pages to read-only (the flush) and back to
 * read-write (no flush: it only adds rights), then one load from each of
 * WORKING_SET pages (default 256), which a CR3 reload makes the host
 * resynchronise and a few invlpgs do not. Prints "tlb_flush_ns N", the
 * median batch per round over COUNT rounds (default 200). make bench runs
 * it with the kernel's tlb_single_page_flush_ceiling at both ends to find
 * where one CR3 reload gets cheaper than an invlpg per page.
 */
#include <sys/mman.h>

#include "bench.h"

static const char *prog;

struct arg {
	volatile char *p;
	long pages, set;
};

static void op(void *argp, long i)
{
	struct arg *a = argp;
	long sum = 0;

	(void)i;
	if (mprotect((void *)a->p, a->pages * 4096, PROT_READ) ||
	    mprotect((void *)a->p, a->pages * 4096, PROT_READ | PROT_WRITE))
		bench_fail(prog, "mprotect");
	for (long k = 0; k < a->set; k++)
		sum += a->p[k * 4096];
	if (sum != a->set)
		bench_fail(prog, "the pages lost their contents");
}

int main(int argc, char **argv)
{
	struct arg a;
	long n;

	prog = argv[0];
	bench_usage_max(argc, argv, 3, "PAGES [WORKING_SET [COUNT]]");
	a.pages = bench_arg(argc, argv, 1, "PAGES", 1, 4096);
	a.set = bench_arg(argc, argv, 2, "WORKING_SET", 256, 65536);
	n = bench_arg(argc, argv, 3, "COUNT", 200, 1000000);
	if (a.set < a.pages)
		a.set = a.pages;
	a.p = mmap(NULL, a.set * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a.p == MAP_FAILED)
		bench_fail(prog, "mmap");
	madvise((void *)a.p, a.set * 4096, MADV_NOHUGEPAGE);
	for (long k = 0; k < a.set; k++)
		a.p[k * 4096] = 1;
	bench_run(8, 1, op, &a);
	printf("tlb_flush_ns %.1f\n", bench_run(n, BENCH_BATCHES, op, &a));
	return 0;
}
