// SPDX-License-Identifier: MIT
/*
 * guest_getpid [COUNT]: one getpid() round trip, the cheapest syscall
 * there is; prints "getpid_ns N" (mean over COUNT calls, default 2000).
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n, pid;
	double t0, t1;

	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 2000, 100000000);
	pid = getpid();
	/* syscall(), not getpid(): no C library may answer from a cache */
	for (int i = 0; i < 16; i++)
		syscall(SYS_getpid);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getpid) != pid)
			bench_fail(argv[0], "getpid changed");
	}
	t1 = bench_now_ns();
	printf("getpid_ns %.1f\n", (t1 - t0) / n);
	return 0;
}
