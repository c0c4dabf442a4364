// SPDX-License-Identifier: MIT
/*
 * guest_getpid [COUNT]: one getpid() round trip, the cheapest syscall
 * there is; prints "getpid_ns N" (median batch of COUNT calls, default
 * 2000).
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

static const char *prog;
static long pid;

/* syscall(), not getpid(): no C library may answer from a cache */
static void op(void *arg, long i)
{
	(void)arg;
	(void)i;
	if (syscall(SYS_getpid) != pid)
		bench_fail(prog, "getpid changed");
}

int main(int argc, char **argv)
{
	long n;

	prog = argv[0];
	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 2000, 100000000);
	pid = getpid();
	bench_run(16, 1, op, NULL);
	printf("getpid_ns %.1f\n", bench_run(n, BENCH_BATCHES, op, NULL));
	return 0;
}
