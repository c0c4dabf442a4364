// SPDX-License-Identifier: MIT
/*
 * guest_clock [COUNT [SYSCALLS]]: clock_gettime(CLOCK_MONOTONIC) through
 * libc (the vDSO where there is one), COUNT calls (default 1000000);
 * prints "clock_ns N" per call (median batch) and "clock_total_ms N" for
 * all of them. With SYSCALLS > 0, also that many through
 * syscall(SYS_clock_gettime), the path without a vDSO: "clock_syscall_ns N".
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

static const char *prog;

static void by_libc(void *arg, long i)
{
	struct timespec ts;

	(void)arg;
	(void)i;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		bench_fail(prog, "clock_gettime");
}

static void by_syscall(void *arg, long i)
{
	struct timespec ts;

	(void)arg;
	(void)i;
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts))
		bench_fail(prog, "syscall(SYS_clock_gettime)");
}

int main(int argc, char **argv)
{
	long n, s;
	double t0;

	prog = argv[0];
	bench_usage_max(argc, argv, 2, "[COUNT [SYSCALLS]]");
	n = bench_arg(argc, argv, 1, "COUNT", 1000000, 1000000000);
	s = bench_arg(argc, argv, 2, "SYSCALLS", 0, 100000000);
	bench_run(16, 1, by_libc, NULL);
	t0 = bench_now_ns();
	printf("clock_ns %.2f\n", bench_run(n, BENCH_BATCHES, by_libc, NULL));
	printf("clock_total_ms %.3f\n", (bench_now_ns() - t0) / 1e6);
	if (s > 0)
		printf("clock_syscall_ns %.1f\n", bench_run(s, BENCH_BATCHES, by_syscall, NULL));
	return 0;
}
