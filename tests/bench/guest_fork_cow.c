// SPDX-License-Identifier: MIT
/*
 * guest_fork_cow [MIB [REPEAT]]: a process with MIB MiB (default 16) of
 * private anonymous memory touched forks, and the child stores to every
 * page (one copy-on-write fault each), REPEAT times (default 5). Prints
 * "fork_us N" (fork() until it returns in the parent) and "cow_page_ns N"
 * (the child's stores, median batch per page), medians over the repeats,
 * and "fork_round_ms N", the whole workload: fork, the child's stores, its
 * exit and the parent's waitpid.
 * The child waits for the parent's go, so the fork figure holds none of
 * the copying.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define MAX_REPEAT 100

static void store(void *arg, long i)
{
	((volatile char *)arg)[i * 4096] = 2;
}

static void child(volatile char *p, long pages, int go, int res)
{
	char c;
	double ns;

	if (read(go, &c, 1) != 1)
		_exit(3);
	ns = bench_run(pages, BENCH_BATCHES, store, (void *)p);
	_exit(write(res, &ns, sizeof(ns)) != sizeof(ns));
}

/* One fork and the child's copy-on-write stores. */
static void round_trip(const char *prog, volatile char *p, long pages, double *fork_ns,
		       double *cow_ns, double *round_ns)
{
	int go[2], res[2], status;
	double t0, t1;
	pid_t pid;

	if (pipe(go) || pipe(res))
		bench_fail(prog, "pipe");
	t0 = bench_now_ns();
	pid = fork();
	if (pid == 0)
		child(p, pages, go[0], res[1]);
	t1 = bench_now_ns();
	if (pid < 0)
		bench_fail(prog, "fork");
	if (write(go[1], "g", 1) != 1 || read(res[0], cow_ns, sizeof(*cow_ns)) != sizeof(*cow_ns))
		bench_fail(prog, "pipe to the child");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		bench_fail(prog, "child");
	close(go[0]);
	close(go[1]);
	close(res[0]);
	close(res[1]);
	*fork_ns = t1 - t0;
	*round_ns = bench_now_ns() - t0;
}

int main(int argc, char **argv)
{
	long mib, reps, pages;
	size_t len;
	volatile char *p;
	double fork_ns[MAX_REPEAT], cow_ns[MAX_REPEAT], round_ns[MAX_REPEAT];

	bench_usage_max(argc, argv, 2, "[MIB [REPEAT]]");
	mib = bench_arg(argc, argv, 1, "MIB", 16, 4096);
	reps = bench_arg(argc, argv, 2, "REPEAT", 5, MAX_REPEAT);
	len = (size_t)mib << 20;
	pages = len / 4096;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_fail(argv[0], "mmap");
	/* 4 KiB pages natively too (see guest_fault.c) */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	for (long i = 0; i < pages; i++)
		p[i * 4096] = 1;
	for (long r = 0; r < reps; r++)
		round_trip(argv[0], p, pages, &fork_ns[r], &cow_ns[r], &round_ns[r]);
	if (p[0] != 1 || p[len - 4096] != 1)
		bench_fail(argv[0], "the child's stores reached the parent");
	printf("fork_us %.1f\ncow_page_ns %.1f\n", bench_median(fork_ns, reps) / 1e3,
	       bench_median(cow_ns, reps));
	printf("fork_round_ms %.3f\n", bench_median(round_ns, reps) / 1e6);
	return 0;
}
