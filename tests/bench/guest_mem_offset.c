// SPDX-License-Identifier: MIT
/*
 * guest_mem_offset [COUNT]: QNX's mem_offset() of a present page, one
 * system call; prints "mem_offset_ns N" and, in the same run, "getpid_ns N"
 * (medians of batches of COUNT calls, default 2000). Natively the call is
 * ENOSYS: the program says so and exits 0 without figures.
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "bench.h"

static const char *prog;
static char *page;
static off_t expect;

static void op_mem_offset(void *arg, long i)
{
	off_t off;
	size_t contig;

	(void)arg;
	(void)i;
	if (mem_offset(page, NOFD, 4096, &off, &contig) || off != expect)
		bench_fail(prog, "mem_offset changed");
}

static void op_getpid(void *arg, long i)
{
	(void)arg;
	(void)i;
	syscall(SYS_getpid);
}

int main(int argc, char **argv)
{
	long n;

	prog = argv[0];
	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 2000, 100000000);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NOFD, 0);
	if (page == MAP_FAILED)
		bench_fail(prog, "mmap");
	page[0] = 1;
	if (mem_offset(page, NOFD, 4096, &expect, NULL)) {
		printf("mem_offset_unavailable %s\n", strerror(errno));
		return 0;
	}
	bench_run(16, 1, op_mem_offset, NULL);
	printf("mem_offset_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_mem_offset, NULL));
	printf("getpid_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_getpid, NULL));
	return 0;
}
